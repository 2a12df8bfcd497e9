"""Calendars parsed back with icalendar and compared with the plan they came from."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from pairwise.interchange.export.bundle import export_plan
from pairwise.interchange.export.calendars import teacher_file_name
from pairwise.roster.models import Plan, Roster
from tests.helpers import assert_plan_valid, load_fixture, load_plan_fixture

CASES = [
    ("oakridge-tiny", "export_oakridge-tiny-plan"),
    ("export_district", "export_district-plan"),
]


@pytest.fixture(params=CASES, ids=[roster for roster, _ in CASES])
def case(request: pytest.FixtureRequest) -> tuple[Roster, Plan]:
    roster_name, plan_name = request.param
    roster, plan = load_fixture(roster_name), load_plan_fixture(plan_name)
    assert_plan_valid(roster, plan)
    return roster, plan


def events(path: Path) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return list(calendar.walk("VEVENT"))


def utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def expected_sessions(roster: Roster, plan: Plan) -> Counter[tuple[dt.datetime, dt.datetime]]:
    """Each session's (start, end) in UTC, from the plan's own ISO times and the roster's meetings."""
    times: Counter[tuple[dt.datetime, dt.datetime]] = Counter()
    for visit in [*plan.visits, *plan.sabbatical_visits]:
        times[
            utc(dt.datetime.fromisoformat(visit.start)), utc(dt.datetime.fromisoformat(visit.end))
        ] += 1
    for seat in plan.tables:
        meeting = next(m for m in roster.cycle_by_id[seat.cycle].meetings if m.id == seat.meeting)
        zone = ZoneInfo(roster.timezone)
        day = dt.date.fromisoformat(meeting.date)
        start = dt.datetime.combine(day, dt.time.fromisoformat(meeting.start), zone)
        end = dt.datetime.combine(day, dt.time.fromisoformat(meeting.end), zone)
        times[utc(start), utc(end)] += 1
    return times


def test_all_calendar_holds_every_session_at_its_utc_time(
    case: tuple[Roster, Plan], tmp_path: Path
) -> None:
    roster, plan = case
    export_plan(roster, plan, tmp_path)
    found = events(tmp_path / "all.ics")
    assert len(found) == len(plan.visits) + len(plan.sabbatical_visits) + len(plan.tables)
    times = Counter((utc(e.decoded("DTSTART")), utc(e.decoded("DTEND"))) for e in found)
    assert times == expected_sessions(roster, plan)
    uids = [str(event["UID"]) for event in found]
    assert len(set(uids)) == len(uids)
    for event in found:
        # zoned in the roster's zone, not floating and not UTC
        assert event["DTSTART"].params["TZID"] == roster.timezone
        assert int(event["SEQUENCE"]) == 0
        assert "DTSTAMP" in event


def test_every_calendar_carries_the_zone_it_uses(case: tuple[Roster, Plan], tmp_path: Path) -> None:
    roster, plan = case
    export_plan(roster, plan, tmp_path)
    for path in [tmp_path / "all.ics", *(tmp_path / "teachers").glob("*.ics")]:
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        zones = [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")]
        assert zones == [roster.timezone], path.name


def test_district_times_cross_the_daylight_saving_change(tmp_path: Path) -> None:
    # Europe/Paris leaves summer time on 2026-10-25: the same 08:00 period is 06:00 UTC before
    # and 07:00 UTC after
    roster, plan = load_fixture("export_district"), load_plan_fixture("export_district-plan")
    export_plan(roster, plan, tmp_path)
    starts = {utc(e.decoded("DTSTART")) for e in events(tmp_path / "all.ics")}
    assert dt.datetime(2026, 10, 19, 6, 0, tzinfo=dt.UTC) in starts
    assert dt.datetime(2026, 10, 26, 7, 0, tzinfo=dt.UTC) in starts


def test_each_teacher_calendar_holds_exactly_their_sessions(
    case: tuple[Roster, Plan], tmp_path: Path
) -> None:
    roster, plan = case
    export_plan(roster, plan, tmp_path)
    uid_times = {
        str(e["UID"]): (utc(e.decoded("DTSTART")), utc(e.decoded("DTEND")))
        for e in events(tmp_path / "all.ics")
    }
    members = {
        team.id: [t.id for t in roster.teachers if t.team == team.id] for team in roster.teams
    }
    for teacher in roster.teachers:
        own = events(tmp_path / "teachers" / teacher_file_name(teacher.id))
        expected: Counter[tuple[dt.datetime, dt.datetime]] = Counter()
        timed = [(v.start, v.end, (v.host, v.visitor)) for v in plan.visits]
        timed += [(v.start, v.end, (v.coach, v.coachee)) for v in plan.sabbatical_visits]
        for start, end, people in timed:
            if teacher.id in people:
                expected[
                    utc(dt.datetime.fromisoformat(start)), utc(dt.datetime.fromisoformat(end))
                ] += 1
        table_count = sum(
            1 for seat in plan.tables if any(teacher.id in members[team] for team in seat.teams)
        )
        got = Counter((utc(e.decoded("DTSTART")), utc(e.decoded("DTEND"))) for e in own)
        assert sum(got.values()) == sum(expected.values()) + table_count, teacher.id
        assert not expected - got, teacher.id
        for event in own:
            # the same session keeps one UID and time in every calendar it appears in
            assert uid_times[str(event["UID"])] == (
                utc(event.decoded("DTSTART")),
                utc(event.decoded("DTEND")),
            )


def test_each_person_is_told_their_role(tmp_path: Path) -> None:
    roster, plan = load_fixture("oakridge-tiny"), load_plan_fixture("export_oakridge-tiny-plan")
    export_plan(roster, plan, tmp_path)
    # P1 in fall: Ana Ruiz (t01, grade-1) visits Ben Okafor (t02, grade-1) at 2026-10-06/tue-2
    moment = dt.datetime(2026, 10, 6, 13, 30, tzinfo=dt.UTC)

    def summary(teacher_id: str) -> str:
        own = events(tmp_path / "teachers" / f"{teacher_id}.ics")
        matches = [
            str(e["SUMMARY"])
            for e in own
            if utc(e.decoded("DTSTART")) == moment and "Peer coaching" in e["CATEGORIES"].cats
        ]
        assert len(matches) == 1, matches
        return matches[0]

    assert summary("t01") == "You visit Ben Okafor's grade-1 class"
    assert summary("t02") == "Ana Ruiz visits your class"
    coach_events = [str(e["SUMMARY"]) for e in events(tmp_path / "teachers" / "t05.ics")]
    assert "Mini-sabbatical: you visit Grace Kim's grade-3 class" in coach_events
    coachee_events = [str(e["SUMMARY"]) for e in events(tmp_path / "teachers" / "t07.ics")]
    assert "Mini-sabbatical: Eva Lindqvist visits your class" in coachee_events
    assert any(s.startswith("Table 1 at fall-pd: your team grade-3 with") for s in coachee_events)


def test_location_is_the_host_room(tmp_path: Path) -> None:
    roster, plan = load_fixture("export_district"), load_plan_fixture("export_district-plan")
    export_plan(roster, plan, tmp_path)
    rooms = {teacher.name: teacher.room for teacher in roster.teachers}
    for event in events(tmp_path / "all.ics"):
        summary = str(event["SUMMARY"])
        if "visits" not in summary:
            assert "LOCATION" not in event  # table sessions have no room
            continue
        host = next(name for name in rooms if f"visits {name}'s" in summary)
        location = str(event.get("LOCATION", ""))
        if rooms[host]:
            assert location.startswith(f"{rooms[host]}, ")
        school = roster.school_of(next(t.id for t in roster.teachers if t.name == host))
        assert location.endswith(school)


def test_re_export_is_byte_identical(case: tuple[Roster, Plan], tmp_path: Path) -> None:
    roster, plan = case
    first = export_plan(roster, plan, tmp_path / "a")
    contents = {path.relative_to(tmp_path / "a"): path.read_bytes() for path in first.files}
    # into the same folder (which now holds the previous export) and into a fresh one
    again = export_plan(roster, plan, tmp_path / "a")
    fresh = export_plan(roster, plan, tmp_path / "b")
    assert again.sequence_raised == 0
    for summary, base in ((again, tmp_path / "a"), (fresh, tmp_path / "b")):
        assert {path.relative_to(base): path.read_bytes() for path in summary.files} == contents


def moved(plan: Plan, index: int, slot: str, roster: Roster) -> Plan:
    """The plan with visit `index` moved to `slot` (times and cover recomputed)."""
    copy = plan.model_copy(deep=True)
    visit = copy.visits[index]
    visit.slot = slot
    visit.start, visit.end = roster.slot_times(slot)
    visit.covered = slot.split("/")[1] in roster.teacher_by_id[visit.visitor].teaches
    return copy


def sequences(path: Path) -> dict[str, tuple[int, dt.datetime]]:
    return {str(e["UID"]): (int(e["SEQUENCE"]), utc(e.decoded("DTSTART"))) for e in events(path)}


def test_a_moved_session_keeps_its_uid_and_raises_its_sequence(tmp_path: Path) -> None:
    roster, plan = load_fixture("oakridge-tiny"), load_plan_fixture("export_oakridge-tiny-plan")
    export_plan(roster, plan, tmp_path)
    before = sequences(tmp_path / "all.ics")
    # P1's fall visit t01 -> t02 moves from Tuesday tue-2 to Monday mon-1 (t02 teaches both)
    index = next(i for i, v in enumerate(plan.visits) if v.visitor == "t01" and v.cycle == "fall")
    later = moved(plan, index, "2026-10-05/mon-1", roster)
    # (the move adds a cover, so the plan's stated terms are off by one; the export takes it as is)
    summary = export_plan(roster, later, tmp_path)
    after = sequences(tmp_path / "all.ics")
    assert summary.sequence_raised == 1
    assert set(after) == set(before)
    changed = [uid for uid in after if after[uid] != before[uid]]
    assert len(changed) == 1
    uid = changed[0]
    assert after[uid] == (1, dt.datetime(2026, 10, 5, 12, 30, tzinfo=dt.UTC))
    # the teachers' own calendars carry the same UID and the raised SEQUENCE
    for teacher_id in ("t01", "t02"):
        own = sequences(tmp_path / "teachers" / f"{teacher_id}.ics")
        assert own[uid] == after[uid]
    # exporting the same plan again changes nothing; moving back raises it once more
    assert export_plan(roster, later, tmp_path).sequence_raised == 0
    assert sequences(tmp_path / "all.ics")[uid][0] == 1
    export_plan(roster, plan, tmp_path)
    assert sequences(tmp_path / "all.ics")[uid] == (2, before[uid][1])


def test_uids_do_not_depend_on_partnership_numbering(tmp_path: Path) -> None:
    roster, plan = load_fixture("oakridge-tiny"), load_plan_fixture("export_oakridge-tiny-plan")
    export_plan(roster, plan, tmp_path / "a")
    renamed = plan.model_copy(deep=True)
    for partnership in renamed.partnerships:
        partnership.id = "X" + partnership.id
    for visit in renamed.visits:
        visit.partnership = "X" + visit.partnership
    export_plan(roster, renamed, tmp_path / "b")
    assert sequences(tmp_path / "a" / "all.ics") == sequences(tmp_path / "b" / "all.ics")


def test_unreadable_previous_calendar_restarts_sequences_with_a_warning(tmp_path: Path) -> None:
    roster, plan = load_fixture("oakridge-tiny"), load_plan_fixture("export_oakridge-tiny-plan")
    (tmp_path / "all.ics").write_text("this is not a calendar")
    summary = export_plan(roster, plan, tmp_path)
    assert any("previous calendar cannot be read" in warning for warning in summary.warnings)
    assert all(sequence == 0 for sequence, _ in sequences(tmp_path / "all.ics").values())


@pytest.mark.parametrize(
    ("teacher_id", "file_name"),
    [("t01", "t01.ics"), ("a b", "a%20b.ics"), ("..", "%2E..ics"), ("x%y", "x%25y.ics")],
)
def test_teacher_file_names_are_safe_and_distinct(teacher_id: str, file_name: str) -> None:
    assert teacher_file_name(teacher_id) == file_name

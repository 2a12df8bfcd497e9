"""`export_plan` and `pairwise export`: the files written, bad input, and a 150-teacher school."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairwise.cli.app import main
from pairwise.errors import InputError
from pairwise.interchange.export.bundle import ExportSummary, export_plan, render_export
from pairwise.interchange.export.report import render_report
from pairwise.roster.load import load_roster
from pairwise.roster.models import Plan, Roster
from solvers import greedy
from tests.helpers import assert_plan_valid, fixture_path, load_fixture, load_plan_fixture
from tests.strategies import plans_for, rosters

REPOSITORY = Path(__file__).parents[2]
SPREADSHEETS = ["partnerships.csv", "visits.csv", "sabbatical_visits.csv", "tables.csv"]


def tiny() -> tuple[Roster, Plan]:
    return load_fixture("oakridge-tiny"), load_plan_fixture("export_oakridge-tiny-plan")


def every_file(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()}


def test_export_writes_every_file_and_lists_it(tmp_path: Path) -> None:
    roster, plan = tiny()
    summary = export_plan(roster, plan, tmp_path / "out")
    folder = tmp_path / "out"
    expected = {folder / "all.ics", folder / "report.html", folder / ".pairwise-export.json"}
    expected |= {folder / name for name in SPREADSHEETS}
    expected |= {folder / "teachers" / f"{teacher.id}.ics" for teacher in roster.teachers}
    expected |= {folder / "teachers" / f"{teacher.id}.html" for teacher in roster.teachers}
    assert set(summary.files) == expected
    assert len(summary.files) == len(expected)
    # nothing else: no temporary file left behind
    assert every_file(folder) == expected
    assert summary.sessions == len(plan.visits) + len(plan.sabbatical_visits) + len(plan.tables)
    assert summary.teacher_calendars == len(roster.teachers)
    assert summary.warnings == []


def test_plan_naming_what_the_roster_lacks_is_refused_with_paths(tmp_path: Path) -> None:
    roster, plan = tiny()
    broken = plan.model_copy(deep=True)
    broken.visits[0].host = "t99"
    broken.visits[1].slot = "2026-10-06/fri-9"
    broken.tables[0].meeting = "spring-pd"
    broken.unpaired = []
    with pytest.raises(InputError) as caught:
        export_plan(roster, broken, tmp_path)
    problems = {problem.path: problem.message for problem in caught.value.problems}
    assert problems == {
        "visits[0].host": "unknown teacher 't99'",
        "visits[1].slot": "'2026-10-06/fri-9' names no period of the timetable ('fri-9')",
        "tables[0].meeting": "cycle 'fall' has no meeting 'spring-pd'",
    }
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_a_file_where_the_folder_should_be_is_refused(tmp_path: Path) -> None:
    roster, plan = tiny()
    (tmp_path / "out").write_text("a file")
    with pytest.raises(InputError, match="is a file, not a folder"):
        export_plan(roster, plan, tmp_path / "out")


def test_a_plan_for_another_roster_is_exported_with_a_warning(tmp_path: Path) -> None:
    roster, plan = tiny()
    summary = export_plan(roster, plan.model_copy(update={"roster": "Elsewhere"}), tmp_path)
    assert summary.warnings == [f"the plan was made for roster 'Elsewhere', not '{roster.name}'"]


def test_cli_exports(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "export",
            str(fixture_path("export_district")),
            str(fixture_path("export_district-plan")),
            "--to",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 0, result.output
    roster = load_fixture("export_district")
    assert f"wrote {5 + 1 + 1 + 2 * len(roster.teachers)} files" in result.output
    assert (tmp_path / "out" / "teachers" / "h1.ics").is_file()


def test_cli_reads_the_plan_from_standard_input(tmp_path: Path) -> None:
    text = fixture_path("export_oakridge-tiny-plan").read_text()
    result = CliRunner().invoke(
        main,
        ["export", str(fixture_path("oakridge-tiny")), "-", "--to", str(tmp_path)],
        input=text,
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report.html").is_file()


def test_cli_bad_plan_exits_2_naming_the_field(tmp_path: Path) -> None:
    _, plan = tiny()
    broken = plan.model_copy(deep=True)
    broken.sabbatical_visits[0].coach = "nobody"
    path = tmp_path / "plan.json"
    path.write_text(broken.as_json())
    result = CliRunner().invoke(
        main, ["export", str(fixture_path("oakridge-tiny")), str(path), "--to", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "sabbatical_visits[0].coach: unknown teacher 'nobody'" in result.output
    assert not (tmp_path / "o").exists()


def test_cli_needs_a_folder_and_one_standard_input(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(main, ["export", "r.json", "p.json"])
    assert missing.exit_code == 2 and "--to" in missing.output
    both = runner.invoke(main, ["export", "-", "-", "--to", str(tmp_path)])
    assert both.exit_code == 2 and "only one of ROSTER and PLAN" in both.output


def resolved(roster: Roster, plan: Plan) -> Plan:
    """The plan with every reference the roster cannot resolve replaced by one it can (or dropped)."""
    teachers = [teacher.id for teacher in roster.teachers]
    cycles = [cycle.id for cycle in roster.cycles]
    slots = set(slot for cycle in cycles for slot in roster.cycle_slots(cycle))
    first_slot = roster.cycle_slots(cycles[0])[0]
    teams = [team.id for team in roster.teams]
    meetings = {(cycle.id, meeting.id) for cycle in roster.cycles for meeting in cycle.meetings}
    copy = plan.model_copy(deep=True)

    def teacher(teacher_id: str) -> str:
        return teacher_id if teacher_id in teachers else teachers[0]

    for partnership in copy.partnerships:
        partnership.members = [teacher(member) for member in partnership.members]
        partnership.cycles = [cycle for cycle in partnership.cycles if cycle in cycles]
    ids = {partnership.id for partnership in copy.partnerships}
    copy.visits = [visit for visit in copy.visits if visit.partnership in ids]
    for visit in [*copy.visits, *copy.sabbatical_visits]:
        visit.cycle = visit.cycle if visit.cycle in cycles else cycles[0]
        visit.slot = visit.slot if visit.slot in slots else first_slot
    for visit in copy.visits:
        visit.host, visit.visitor = teacher(visit.host), teacher(visit.visitor)
    for sabbatical in copy.sabbatical_visits:
        sabbatical.coach, sabbatical.coachee = (
            teacher(sabbatical.coach),
            teacher(sabbatical.coachee),
        )
    copy.tables = [seat for seat in copy.tables if (seat.cycle, seat.meeting) in meetings and teams]
    for seat in copy.tables:
        seat.teams = [team if team in teams else teams[0] for team in seat.teams]
    for unpaired in copy.unpaired:
        unpaired.teacher = teacher(unpaired.teacher)
        unpaired.cycles = [cycle for cycle in unpaired.cycles if cycle in cycles]
    return copy


def assert_files_parse(summary: ExportSummary) -> None:
    for path in summary.files:
        if path.suffix == ".ics":
            icalendar.Calendar.from_ical(path.read_bytes())
        elif path.suffix == ".csv":
            list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    events = icalendar.Calendar.from_ical((summary.directory / "all.ics").read_bytes())
    assert len(list(events.walk("VEVENT"))) == summary.sessions


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_any_plan_is_exported_or_refused_cleanly(data: st.DataObject) -> None:
    """An arbitrary plan either names something unknown (InputError) or exports files that parse;
    with its references resolved it always exports, whatever rules it breaks."""
    roster = data.draw(rosters(max_teachers=6, max_periods=4, max_cycles=2, max_weeks=1))
    plan = data.draw(plans_for(roster))
    with tempfile.TemporaryDirectory() as folder:
        try:
            assert_files_parse(export_plan(roster, plan, folder))
        except InputError as error:
            assert error.problems
        assert_files_parse(export_plan(roster, resolved(roster, plan), Path(folder) / "resolved"))


def test_a_150_teacher_school(tmp_path: Path) -> None:
    """A realistic size: the generated secondary school with the admin's greedy plan."""
    roster = load_roster(REPOSITORY / "instances" / "secondary-150.json")
    plan = greedy.solve(roster)
    assert plan is not None
    assert_plan_valid(roster, plan)
    summary = export_plan(roster, plan, tmp_path)
    calendar = icalendar.Calendar.from_ical((tmp_path / "all.ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(plan.visits) + len(plan.sabbatical_visits) + len(plan.tables)
    assert len({str(event["UID"]) for event in events}) == len(events)
    assert summary.teacher_calendars == 150
    html = render_report(roster, plan)
    assert html.count('class="teacher') == 150
    visits = (tmp_path / "visits.csv").read_bytes().decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(visits)))) == len(plan.visits)


def test_export_again_removes_what_the_new_plan_no_longer_has(tmp_path: Path) -> None:
    roster, plan = tiny()
    folder = tmp_path / "out"
    export_plan(roster, plan, folder)
    leaver = roster.teachers[-1].id
    (folder / "notes.txt").write_text("the admin's own file\n")
    smaller = roster.model_copy(update={"teachers": roster.teachers[:-1]})
    later = plan.model_copy(deep=True)
    later.partnerships = [p for p in later.partnerships if leaver not in p.members]
    kept = {p.id for p in later.partnerships}
    later.visits = [v for v in later.visits if v.partnership in kept]
    later.sabbatical_visits = [
        v for v in later.sabbatical_visits if leaver not in (v.coach, v.coachee)
    ]
    later.unpaired = [u for u in later.unpaired if u.teacher != leaver]
    summary = export_plan(smaller, later, folder)
    assert summary.removed == [
        folder / "teachers" / f"{leaver}.html",
        folder / "teachers" / f"{leaver}.ics",
    ]
    assert not (folder / "teachers" / f"{leaver}.ics").exists()
    assert (folder / "notes.txt").read_text() == "the admin's own file\n"
    assert every_file(folder) == set(summary.files) | {folder / "notes.txt"}


def test_an_export_from_before_the_file_list_still_loses_stale_calendars(tmp_path: Path) -> None:
    roster, plan = tiny()
    folder = tmp_path / "out"
    export_plan(roster, plan, folder)
    (folder / ".pairwise-export.json").unlink()
    stale = folder / "teachers" / "someone-who-left.ics"
    stale.write_text("BEGIN:VCALENDAR\nEND:VCALENDAR\n")
    summary = export_plan(roster, plan, folder)
    assert summary.removed == [stale]
    assert not stale.exists()


def test_a_file_list_naming_paths_outside_the_folder_removes_nothing_there(
    tmp_path: Path,
) -> None:
    roster, plan = tiny()
    folder = tmp_path / "out"
    outside = tmp_path / "precious.txt"
    outside.write_text("keep\n")
    folder.mkdir()
    (folder / ".pairwise-export.json").write_text(
        json.dumps({"files": ["../precious.txt", str(outside)]})
    )
    summary = export_plan(roster, plan, folder)
    assert summary.removed == []
    assert outside.read_text() == "keep\n"


def test_render_export_holds_in_memory_what_export_plan_writes(tmp_path: Path) -> None:
    roster, plan = tiny()
    rendered = render_export(roster, plan)
    assert not list(tmp_path.iterdir())  # nothing written
    summary = export_plan(roster, plan, tmp_path / "out")
    written = {
        str(path.relative_to(tmp_path / "out")): path.read_bytes()
        for path in summary.files
        if path.name != ".pairwise-export.json"
    }
    assert set(written) == set(rendered.files)
    for name, content in rendered.files.items():
        as_bytes = content if isinstance(content, bytes) else content.encode("utf-8")
        assert as_bytes == written[name], name
    assert rendered.sessions == summary.sessions
    assert rendered.teacher_calendars == summary.teacher_calendars == len(roster.teachers)
    # the same calendars again against the written one: unchanged, so no SEQUENCE raised
    again = render_export(roster, plan, previous_calendar=tmp_path / "out" / "all.ics")
    assert again.files == rendered.files and again.sequence_raised == 0

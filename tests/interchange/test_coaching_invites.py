"""What each teacher receives about the coaching itself: the host's roadmap for the visitor, the
evidence for the host, the debrief's time and place, conversation events with their prompts,
table roadmaps, and nobody else's priority or roadmap in any teacher-facing file."""

from __future__ import annotations

import re
from pathlib import Path

import icalendar
import pytest

from pairwise.engine.pipeline import solve
from pairwise.interchange.export.bundle import export_plan
from pairwise.interchange.export.calendars import teacher_file_name
from pairwise.interchange.export.guidance import partners_of
from pairwise.roster.guides import DEFAULT_GUIDES
from pairwise.roster.load import load_roster, roster_from_data
from pairwise.roster.models import Plan, Roster
from tests.helpers import assert_plan_valid

INSTANCE = Path(__file__).parents[2] / "instances" / "elementary-24.json"


def roadmap_texts(owner: str) -> list[str]:
    return [f"goal of {owner}", f"early action of {owner}", f"evidence of {owner}"]


def with_roadmaps(roster: Roster) -> Roster:
    data = roster.model_dump()
    data["policy"]["tandem"] = True
    for teacher in data["teachers"]:
        goal, action, evidence = roadmap_texts(teacher["id"])
        teacher["tandem"] = True
        teacher["room"] = f"room of {teacher['id']}"
        teacher["roadmap"] = {
            "goal": goal,
            "actions": [{"action": action, "due": "2026-09-01"}],
            "evidence": [evidence],
        }
    for team in data["teams"]:
        goal, action, evidence = roadmap_texts(team["id"])
        team["roadmap"] = {
            "goal": goal,
            "actions": [{"action": action, "due": "2026-09-01"}],
            "evidence": [evidence],
        }
    return roster_from_data(data)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Roster, Plan, Path]:
    roster = with_roadmaps(load_roster(INSTANCE))
    result = solve(roster, time_limit=30, seed=0, workers=1)
    assert result.plan is not None
    assert_plan_valid(roster, result.plan)
    assert result.plan.conversations  # there is something to show
    folder = tmp_path_factory.mktemp("invites")
    export_plan(roster, result.plan, folder)
    return roster, result.plan, folder


def events(path: Path) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def text_of(path: Path) -> str:
    return " ".join(
        str(value) for event in events(path) for _, value in event.property_items()
    ).lower()


def test_the_visitor_gets_the_hosts_roadmap_and_the_debrief(
    exported: tuple[Roster, Plan, Path],
) -> None:
    roster, plan, folder = exported
    debriefed = {
        (c.visit.visitor, c.visit.slot): c for c in plan.conversations if c.kind == "debrief"
    }
    visit = next(v for v in plan.visits if (v.visitor, v.slot) in debriefed)
    own = events(folder / "teachers" / teacher_file_name(visit.visitor))
    event = next(e for e in own if e.decoded("DTSTART").isoformat() == visit.start)
    description = str(event["DESCRIPTION"])
    host = roster.teacher_by_id[visit.host]
    assert host.priority is not None and host.priority in description
    for text in roadmap_texts(visit.host):
        assert text in description
    assert DEFAULT_GUIDES["visit"][0] in description
    assert "Debrief: " in description and f"room of {visit.host}" in description
    hosted = events(folder / "teachers" / teacher_file_name(visit.host))
    host_event = next(e for e in hosted if e.decoded("DTSTART").isoformat() == visit.start)
    assert f"evidence of {visit.host}" in str(host_event["DESCRIPTION"])
    assert "Debrief: " in str(host_event["DESCRIPTION"])


def test_every_conversation_is_an_event_with_its_prompts(
    exported: tuple[Roster, Plan, Path],
) -> None:
    _, plan, folder = exported
    talks = [
        e
        for e in events(folder / "all.ics")
        if "Coaching conversation" in str(e.get("CATEGORIES").to_ical())
    ]
    assert len(talks) == len(plan.conversations)
    debrief = next(c for c in plan.conversations if c.kind == "debrief")
    for member in debrief.members:
        own = events(folder / "teachers" / teacher_file_name(member))
        match = [e for e in own if e.decoded("DTSTART").isoformat() == debrief.start]
        assert len(match) == 1 and DEFAULT_GUIDES["debrief"][0] in str(match[0]["DESCRIPTION"])


def test_table_events_carry_both_teams_roadmaps_and_who_speaks_first(
    exported: tuple[Roster, Plan, Path],
) -> None:
    roster, plan, folder = exported
    seat = plan.tables[0]
    member = next(t.id for t in roster.teachers if t.team == seat.teams[0])
    own = events(folder / "teachers" / teacher_file_name(member))
    event = next(e for e in own if "Table" in str(e["SUMMARY"]))
    description = str(event["DESCRIPTION"])
    for team in seat.teams:
        assert f"goal of {team}" in description
    assert f"{seat.teams[0]} speaks first" in description


def test_nobody_sees_a_roadmap_or_priority_but_their_own_and_their_partners(
    exported: tuple[Roster, Plan, Path],
) -> None:
    roster, plan, folder = exported
    checked = 0
    for teacher in roster.teachers:
        text = text_of(folder / "teachers" / teacher_file_name(teacher.id))
        allowed = {teacher.id, *partners_of(plan, teacher.id)}
        for other in roster.teachers:
            if other.id in allowed:
                continue
            for secret in roadmap_texts(other.id):
                assert secret.lower() not in text, (teacher.id, secret)
            checked += 1
        for word in ("trust", "avoid", "score", "reason", "rating"):
            assert word not in text, (teacher.id, word)
    assert checked > len(roster.teachers)
    staff = text_of(folder / "all.ics")
    for other in roster.teachers:
        for secret in roadmap_texts(other.id):
            assert secret.lower() not in staff, secret


def page_text(folder: Path, teacher_id: str) -> str:
    """The page as a reader sees it: the style sheet left out (its `break-inside: avoid` is CSS)."""
    page = (folder / "teachers" / f"{teacher_id}.html").read_text(encoding="utf-8")
    return re.sub(r"<style>.*?</style>", "", page, flags=re.DOTALL)


def test_each_teacher_page_holds_their_roadmap_and_every_session_with_its_guide(
    exported: tuple[Roster, Plan, Path],
) -> None:
    _roster, plan, folder = exported
    talk = plan.conversations[0]
    member = talk.members[0]
    page = page_text(folder, member)
    for text in roadmap_texts(member):
        assert text in page
    assert "2026-09-01" in page  # the action's due date
    calendar = events(folder / "teachers" / teacher_file_name(member))
    assert page.count('class="session"') == len(calendar)
    guide = DEFAULT_GUIDES[talk.kind][0].replace("'", "&#39;")
    assert guide in page


def test_teacher_pages_show_nobody_elses_roadmap(exported: tuple[Roster, Plan, Path]) -> None:
    roster, plan, folder = exported
    for teacher in roster.teachers:
        page = page_text(folder, teacher.id).lower()
        allowed = {teacher.id, *partners_of(plan, teacher.id)}
        for other in roster.teachers:
            if other.id not in allowed:
                for secret in roadmap_texts(other.id):
                    assert secret.lower() not in page, (teacher.id, secret)
        for word in ("trust", "avoid", "score", "reason", "rating"):
            assert word not in page, (teacher.id, word)

"""Coaching is never evaluative: what teachers see carries no rating, relation, score or the
priority of anyone but the teacher and their partners.

Every teacher-facing file (each teacher's calendar, and the all-staff calendar) is searched for
trust ratings, the words trust/avoid/score, the partnerships' reasons, and the priorities of
anyone but the calendar's owner, their partners (a sabbatical coach and coachee count), and the
teams at their tables (the all-staff calendar: nobody's).
"""

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest

from pairwise.engine.pipeline import solve
from pairwise.interchange.export.bundle import export_plan
from pairwise.interchange.export.calendars import teacher_file_name
from pairwise.interchange.export.guidance import partners_of
from pairwise.roster.models import HistoryEntry, Plan, Roster
from tests.helpers import load_fixture, load_plan_fixture

CASES = [
    ("oakridge-tiny", "export_oakridge-tiny-plan"),
    ("export_district", "export_district-plan"),
]
FORBIDDEN_WORDS = ("trust", "avoid", "score", "reason", "evaluator", "rating")


@pytest.fixture(params=CASES, ids=[roster for roster, _ in CASES])
def exported(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Roster, Plan, Path]:
    roster_name, plan_name = request.param
    roster, plan = load_fixture(roster_name), load_plan_fixture(plan_name)
    export_plan(roster, plan, tmp_path)
    return roster, plan, tmp_path


def readable_text(path: Path) -> str:
    """The file's text with folded lines joined, as a person (or a search) would read it."""
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    parts = [str(value) for _, value in calendar.property_items()]
    return " ".join(parts).lower()


def trust_texts(roster: Roster) -> set[str]:
    texts = set()
    for entry in roster.history:
        if entry.trust:
            texts |= {f"{entry.trust}", f"{entry.trust:.2f}", f"{abs(entry.trust)}"}
    return texts


def secrets_for(roster: Roster, plan: Plan, owner: str | None) -> set[str]:
    """What the calendar of `owner` (None: the all-staff calendar) must never contain."""
    allowed = allowed_priorities(roster, plan, owner)
    secrets = set(FORBIDDEN_WORDS) | trust_texts(roster)
    secrets |= {reason.lower() for p in plan.partnerships for reason in p.reasons}
    for teacher in roster.teachers:
        if teacher.priority and teacher.priority not in allowed:
            secrets.add(teacher.priority.lower())
    return secrets


def allowed_priorities(roster: Roster, plan: Plan, owner: str | None) -> set[str | None]:
    """The owner's own priority, their partners', and the priorities of the teams at their tables."""
    if owner is None:
        return set()
    people = [owner, *partners_of(plan, owner)]
    allowed = {roster.teacher_by_id[person].priority for person in people}
    team = roster.teacher_by_id[owner].team
    for seat in plan.tables:
        if team in seat.teams:
            allowed |= {roster.team_by_id[t].priority for t in seat.teams}
    return allowed


def test_teacher_calendars_reveal_nothing_private(exported: tuple[Roster, Plan, Path]) -> None:
    roster, plan, folder = exported
    assert trust_texts(roster)  # the fixtures do carry ratings to leak
    for teacher in roster.teachers:
        path = folder / "teachers" / teacher_file_name(teacher.id)
        text = readable_text(path)
        raw = path.read_bytes().decode("utf-8").lower()
        for secret in secrets_for(roster, plan, teacher.id):
            assert secret not in text, (teacher.id, secret)
            assert secret not in raw, (teacher.id, secret)


def test_all_staff_calendar_reveals_nothing_private(exported: tuple[Roster, Plan, Path]) -> None:
    roster, plan, folder = exported
    text = readable_text(folder / "all.ics")
    for secret in secrets_for(roster, plan, None):
        assert secret not in text, secret


def test_the_check_would_catch_a_leak(exported: tuple[Roster, Plan, Path]) -> None:
    # the search itself works: a priority that is someone else's is found when it is there
    roster, plan, folder = exported
    leaky = roster.model_copy(deep=True)
    index = next(i for i, t in enumerate(leaky.teachers) if t.priority)
    teacher = leaky.teachers[index]
    teacher.name = f"{teacher.name} ({teacher.priority})"
    export_plan(leaky, plan, folder / "leaky")
    text = readable_text(folder / "leaky" / "all.ics")
    assert any(secret in text for secret in secrets_for(leaky, plan, None))


def test_the_admin_report_and_spreadsheets_never_show_a_pairs_rating(tmp_path: Path) -> None:
    # a plan from the engine itself, whose partners (paired long ago, outside the repeat window)
    # carry distinctive ratings that the plan's reasons could repeat

    roster = load_fixture("oakridge-tiny")
    rated = roster.model_copy(
        update={
            "history": [
                HistoryEntry(a="t03", b="t04", year=2019, trust=0.83),
                HistoryEntry(a="t05", b="t06", year=2018, trust=0.29),
            ]
        }
    )
    result = solve(rated, time_limit=20, seed=0, workers=1)
    assert result.plan is not None
    partners = [set(partnership.members) for partnership in result.plan.partnerships]
    assert {"t03", "t04"} in partners and {"t05", "t06"} in partners  # rated pairs are partners
    export_plan(rated, result.plan, tmp_path)
    admin_files = [tmp_path / "report.html", *tmp_path.glob("*.csv")]
    for path in admin_files:
        text = path.read_text(encoding="utf-8-sig").lower()
        for secret in ("0.83", "+0.8", "0.29", "+0.3", "low trust", "trusted each"):
            assert secret not in text, (path.name, secret)

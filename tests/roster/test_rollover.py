"""`pairwise rollover`: every rule of next year's roster, the report, byte-identical output, and the
new roster solving at once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pairwise.cli.app import main
from pairwise.engine.pipeline import solve
from pairwise.errors import InputError
from pairwise.interchange.survey.form import survey_workbook
from pairwise.roster.load import load_roster, roster_from_data
from pairwise.roster.models import Plan, Roster
from pairwise.roster.rollover import (
    Feedback,
    PartnerAnswer,
    TeacherAnswer,
    renamed,
    roll_over,
    trust_from_answers,
)
from pairwise.runs.rollover import rollover
from tests.builders import fill_survey
from tests.helpers import assert_plan_valid, fixture_path, load_fixture, load_plan_fixture

ROSTER = "oakridge-tiny"
PLAN = "export_oakridge-tiny-plan"
# partnerships: t01-t02, t03-t05, triad t04-t06-t07; coach t05 visits t07 and t01; tables of the
# three grade teams at both meetings; relations: avoid t02-t06, request t03-t05


def roster_and_plan(edit: Any = None) -> tuple[Roster, Plan]:
    data = json.loads(fixture_path(ROSTER).read_text())
    if edit is not None:
        edit(data)
    return roster_from_data(data), load_plan_fixture(PLAN)


def feedback() -> Feedback:
    return Feedback(
        partners={
            ("t01", "t02"): PartnerAnswer(5, True, "the debriefs"),
            ("t02", "t01"): PartnerAnswer(4, True),
            ("t03", "t05"): PartnerAnswer(2, True),
            ("t05", "t03"): PartnerAnswer(None, False),
            ("t04", "t06"): PartnerAnswer(3, True),
            ("t06", "t04"): PartnerAnswer(1, True),
        },
        coaching={("t01", "t05"): 5},
        teachers={
            "t01": TeacherAnswer(priority="numeracy", tandem=True),
            "t05": TeacherAnswer(coach_topics=("numeracy", "questioning")),
            "t02": TeacherAnswer(strengths=("literacy", "inquiry")),
        },
        teams={"grade-1": "questioning"},
    )


def test_trust_is_the_mean_answer_mapped_into_minus_one_to_one() -> None:
    assert trust_from_answers([]) == 0.0
    assert trust_from_answers([5]) == 1.0
    assert trust_from_answers([1]) == -1.0
    assert trust_from_answers([5, 4]) == 0.75
    assert trust_from_answers([3, 2]) == -0.25


def test_the_name_carries_the_new_year() -> None:
    assert renamed("Oakridge Elementary 2026-27", 2026, 2027) == "Oakridge Elementary 2027-28"
    assert renamed("Oakridge 2026/2027", 2026, 2027) == "Oakridge 2027/2028"
    assert renamed("Oakridge 2026", 2026, 2028) == "Oakridge 2028"
    assert renamed("Oakridge", 2026, 2027) == "Oakridge"


def test_every_rule_of_the_rollover() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["policy"]["cover_overrides"] = [{"slot": "2026-10-06/tue-1", "cover": 0}]
        data["teachers"][0]["roadmap"] = {
            "goal": "exit tickets daily",
            "actions": [{"action": "try exit tickets", "due": "2026-11-02"}],
        }
        data["teachers"][3]["roadmap"] = {
            "goal": "peer review",
            "actions": [{"action": "model a review", "due": "2026-11-02"}],
        }
        data["teachers"][2]["unavailable"] = ["mon-1", "2026-10-06/tue-1"]

    roster, plan = roster_and_plan(edit)
    result = roll_over(roster, plan, feedback())
    new = result.roster
    assert new.year == 2027 and new.name == "Oakridge Tiny 2027-28"
    # calendar: the same ISO weeks (2026 has 53 weeks, so the autumn moves 53 weeks)
    for old, moved in zip(roster.cycles, new.cycles, strict=True):
        for week, new_week in zip(old.weeks, moved.weeks, strict=True):
            assert _iso(week)[1:] == _iso(new_week)[1:]
        for meeting, new_meeting in zip(old.meetings, moved.meetings, strict=True):
            assert _iso(meeting.date)[1:] == _iso(new_meeting.date)[1:]
    teachers = new.teacher_by_id
    old_teachers = roster.teacher_by_id
    for teacher_id, teacher in teachers.items():
        assert teacher.years_experience == old_teachers[teacher_id].years_experience + 1
    assert teachers["t03"].unavailable == ["mon-1"]
    assert teachers["t01"].priority == "numeracy" and teachers["t01"].tandem is True
    assert teachers["t01"].roadmap is None  # new priority: the old plan goes
    roadmap = teachers["t04"].roadmap
    assert roadmap is not None and roadmap.actions[0].due == "2027-11-08"  # same ISO week
    assert teachers["t02"].strengths == ["literacy", "inquiry"]
    sabbatical = teachers["t05"].sabbatical
    assert sabbatical is not None and sabbatical.topics == ["numeracy", "questioning"]
    assert new.team_by_id["grade-1"].priority == "questioning"
    # history: peers then coaching pairs, this year, trust from the answers
    added = [(h.a, h.b, h.kind, h.trust) for h in new.history if h.year == 2026]
    assert added == [
        ("t01", "t02", "peer", 0.75),
        ("t03", "t05", "peer", -0.5),
        ("t04", "t06", "peer", -0.5),
        ("t04", "t07", "peer", 0.0),
        ("t06", "t07", "peer", 0.0),
        ("t05", "t07", "sabbatical", 0.0),
        ("t05", "t01", "sabbatical", 1.0),
    ]
    assert {(h.a, h.b) for h in new.team_history if h.year == 2026} == {
        ("grade-1", "grade-2"),
        ("grade-1", "grade-3"),
        ("grade-2", "grade-3"),
    }
    # relations: avoid kept, the request dropped, continue where both said yes
    assert [(r.a, r.b, r.kind) for r in new.relations] == [
        ("t02", "t06", "avoid"),
        ("t01", "t02", "continue"),
        ("t04", "t06", "continue"),
    ]
    assert new.policy.cover_overrides == []
    report = result.report
    assert any("t03: dated unavailability" in line for line in report.dropped)
    assert any("1 request relation: this year's" in line for line in report.dropped)
    assert any("t05 about t03" in line for line in report.no_answer)
    assert any("t07 (" in line and "no answers for next year" in line for line in report.no_answer)
    assert any("cover overrides" in line for line in report.to_do)
    assert any("2 pairs: both asked to keep working together" in line for line in report.changed)


def _iso(text: str) -> tuple[int, int, int]:
    import datetime as dt

    iso = dt.date.fromisoformat(text).isocalendar()
    return iso.year, iso.week, iso.weekday


def test_without_feedback_every_pair_has_trust_0_and_the_report_says_so() -> None:
    roster, plan = roster_and_plan()
    result = roll_over(roster, plan)
    assert all(h.trust == 0.0 for h in result.roster.history if h.year == 2026)
    assert not [r for r in result.roster.relations if r.kind == "continue"]
    assert result.report.no_answer == [
        "no feedback given: trust 0 for every pair of this year, and no pair continues"
    ]


def test_a_teacher_who_left_leaves_the_roster_but_stays_in_history() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["teachers"][1]["evaluator"] = "t07"

    roster, plan = roster_and_plan(edit)
    if "end_date" not in type(roster.teachers[0]).model_fields:
        pytest.skip("teachers have no end_date in this build")
    teachers = [
        t.model_copy(update={"end_date": "2027-06-30"}) if t.id == "t07" else t
        for t in roster.teachers
    ]
    roster = roster.model_copy(update={"teachers": teachers})
    result = roll_over(roster, plan)
    assert "t07" not in result.roster.teacher_by_id
    assert any(h.b == "t07" for h in result.roster.history)
    assert result.roster.teacher_by_id["t02"].evaluator is None
    assert any("t02: their evaluator t07 leaves" in line for line in result.report.to_do)


def test_the_next_roster_solves_at_once_and_keeps_continue_pairs() -> None:
    roster, plan = roster_and_plan()
    result = roll_over(roster, plan, feedback())
    solved = solve(result.roster, time_limit=30.0, workers=1)
    assert solved.plan is not None
    assert_plan_valid(result.roster, solved.plan)
    pairs = {tuple(sorted(p.members)) for p in solved.plan.partnerships}
    assert ("t01", "t02") in pairs
    weeks = {w for c in result.roster.cycles for w in c.weeks}
    assert all(v.slot[:10] >= min(weeks) for v in solved.plan.visits)
    assert all(v.slot.startswith(("2027", "2028")) for v in solved.plan.visits)


def test_year_must_be_after_the_rosters_and_the_plan_its_own() -> None:
    roster, plan = roster_and_plan()
    with pytest.raises(InputError, match="2026 is not after the roster's year 2026"):
        roll_over(roster, plan, year=2026)
    with pytest.raises(InputError, match="the plan is for 2027"):
        rollover(roster, plan.model_copy(update={"year": 2027}))
    skipped = roll_over(roster, plan, year=2028)
    assert skipped.roster.year == 2028
    assert skipped.roster.teacher_by_id["t01"].years_experience == 2 + 2


def test_rollover_from_the_command_line_is_byte_identical(tmp_path: Path) -> None:
    roster, plan = roster_and_plan()
    answers = tmp_path / "feedback.xlsx"
    answers.write_bytes(survey_workbook(roster, plan))
    fill_survey(
        answers,
        lambda sheet, ids: {"trust": 4, "continue": "yes"} if sheet == "Partnerships" else {},
    )
    outputs = []
    for run in (1, 2):
        target = tmp_path / f"next-{run}.json"
        result = CliRunner().invoke(
            main,
            [
                "rollover",
                str(fixture_path(ROSTER)),
                str(fixture_path(PLAN)),
                "--feedback",
                str(answers),
                "-o",
                str(target),
            ],
        )
        assert result.exit_code == 0, result.output
        assert "Still to do:" in result.output and "Carried:" in result.output
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    next_roster = load_roster(tmp_path / "next-1.json")
    assert {(r.a, r.b) for r in next_roster.relations if r.kind == "continue"} == {
        ("t01", "t02"),
        ("t03", "t05"),
        ("t04", "t06"),
        ("t04", "t07"),
        ("t06", "t07"),
    }
    validate = CliRunner().invoke(main, ["validate", str(tmp_path / "next-1.json")])
    assert validate.exit_code == 0


def test_the_roster_unchanged_by_rollover_is_still_this_years() -> None:
    roster = load_fixture(ROSTER)
    before = roster.as_json()
    roll_over(roster, load_plan_fixture(PLAN), feedback())
    assert roster.as_json() == before

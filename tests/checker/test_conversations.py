"""Rule 10 in the independent checker: each way a conversation or a co-taught lesson can be wrong."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pairwise.checker.entry import check
from pairwise.engine.pipeline import solve
from pairwise.roster.models import Plan, Roster
from tests.builders import make_roster
from tests.helpers import assert_breaks_only, assert_plan_valid


def roster(tandem: bool = True) -> Roster:
    teachers = [
        {"id": "a", "teaches": ["mon-1", "tue-1"], "tandem": True},
        {"id": "b", "teaches": ["mon-2", "tue-2"], "tandem": True},
    ]
    return make_roster(teachers, days=("mon", "tue"), policy={"tandem": tandem})


@pytest.fixture(scope="module")
def plan() -> Plan:
    result = solve(roster(), time_limit=20, workers=1)
    assert result.plan is not None and result.plan.conversation_counts.placed == 3
    return result.plan


def edited(plan: Plan, edit: Callable[[Plan], object]) -> Plan:
    copy = plan.model_copy(deep=True)
    edit(copy)
    return copy


def moved(plan: Plan, kind: str, slot: str) -> Plan:
    def move(copy: Plan) -> None:
        conversation = next(c for c in copy.conversations if c.kind == kind)
        conversation.slot = slot
        conversation.start, conversation.end = roster().slot_times(slot)

    return edited(plan, move)


def test_the_engine_plan_keeps_rule_10(plan: Plan) -> None:
    assert_plan_valid(roster(), plan)


def test_a_debrief_while_a_member_teaches_breaks_rule_10(plan: Plan) -> None:
    report = assert_breaks_only(roster(), moved(plan, "debrief", "2026-10-06/tue-2"), 10)
    assert any("teaches in tue-2" in v.message for v in report.violations)


def test_a_debrief_before_its_visit_breaks_rule_10(plan: Plan) -> None:
    """The planning (before the lesson) relabelled as the lesson's debrief."""

    def relabel(copy: Plan) -> None:
        planning = next(c for c in copy.conversations if c.kind == "planning")
        copy.conversations = [
            c for c in copy.conversations if not (c.kind == "debrief" and c.visit == planning.visit)
        ]
        planning.kind = "debrief"
        for visit in copy.visits:
            visit.mode = "visit"
        copy.conversation_counts.placed = len(copy.conversations)
        copy.conversation_counts.co_taught = 0

    report = assert_breaks_only(roster(), edited(plan, relabel), 10)
    assert any("not after the visit" in v.message for v in report.violations)


def test_a_debrief_beyond_the_window_breaks_rule_10() -> None:
    wide = make_roster(
        [{"id": "a", "teaches": ["mon-1"]}, {"id": "b", "teaches": ["mon-2"]}],
        weeks=4,
        policy={"debrief_within_days": 0},
    )
    result = solve(wide, time_limit=20, workers=1)
    assert result.plan is not None and result.plan.conversations
    late = result.plan.model_copy(deep=True)
    conversation = late.conversations[0]
    day = conversation.visit.slot[:10]
    other = next(s for s in wide.cycle_slots("c1") if not s.startswith(day) and s.endswith("-3"))
    conversation.slot = other
    conversation.start, conversation.end = wide.slot_times(other)
    report = assert_breaks_only(wide, late, 10)
    assert any("within 0 school days" in v.message for v in report.violations)


def test_co_teaching_without_the_tandem_policy_breaks_rule_10(plan: Plan) -> None:
    report = assert_breaks_only(roster(tandem=False), plan, 10)
    assert any("does not allow tandem" in v.message for v in report.violations)


def test_a_co_taught_lesson_without_its_planning_breaks_rule_10(plan: Plan) -> None:
    def drop(copy: Plan) -> None:
        copy.conversations = [c for c in copy.conversations if c.kind != "planning"]
        copy.conversation_counts.placed -= 1

    report = assert_breaks_only(roster(), edited(plan, drop), 10)
    assert any("0 planning conversations" in v.message for v in report.violations)


def test_a_conversation_in_a_visit_slot_breaks_rule_10(plan: Plan) -> None:
    debrief = next(c for c in plan.conversations if c.kind == "debrief")
    other = next(c for c in plan.conversations if c is not debrief)
    report = check(roster(), moved(plan, "debrief", other.slot))
    assert 10 in report.broken_rules
    assert any("in one slot" in v.message for v in report.violations)


def test_misstated_counts_are_inconsistent(plan: Plan) -> None:
    def overstate(copy: Plan) -> None:
        copy.conversation_counts.placed += 1

    assert_breaks_only(roster(), edited(plan, overstate), 0)


def test_a_plan_without_conversations_is_still_valid(plan: Plan) -> None:
    def strip(copy: Plan) -> None:
        copy.conversations = []
        copy.unplaced_conversations = []
        for visit in copy.visits:
            visit.mode = "visit"
        copy.conversation_counts.placed = copy.conversation_counts.co_taught = 0

    assert_plan_valid(roster(), edited(plan, strip))

"""Conversations of a re-plan: those that took place stay, those ahead stay where they can, new
visits get theirs, and the checker holds rule 10 over the re-plan."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import pairwise
from pairwise.roster.load import roster_from_json
from pairwise.roster.models import Plan, Roster
from tests.builders import FIRST_MONDAY
from tests.helpers import assert_plan_valid
from tests.runs.test_replan import _school, _with

START = FIRST_MONDAY + dt.timedelta(weeks=8)


@pytest.fixture(scope="module")
def tandem_school() -> tuple[Roster, Plan]:
    data = json.loads(_school().as_json())
    data["policy"]["tandem"] = True
    for teacher in data["teachers"]:
        teacher["tandem"] = True
    roster = roster_from_json(json.dumps(data))
    plan = pairwise.solve(roster, time_limit=20, seed=0).plan
    assert plan is not None and plan.conversations
    assert any(visit.mode == "co-teach" for visit in plan.visits)
    return roster, plan


def _texts(plan: Plan) -> list[str]:
    return sorted(conversation.model_dump_json() for conversation in plan.conversations)


def test_an_unchanged_roster_keeps_every_conversation(tandem_school: tuple[Roster, Plan]) -> None:
    roster, plan = tandem_school
    new = pairwise.replan(roster, plan, start=START, time_limit=20).plan
    assert new is not None and new.replans is not None
    assert_plan_valid(roster, new, was=plan)
    assert new.replans.changes == []
    assert _texts(new) == _texts(plan)
    assert [visit.mode for visit in new.visits] == [visit.mode for visit in plan.visits]
    assert new.conversation_counts == plan.conversation_counts


def test_a_new_partnership_gets_its_debriefs(tandem_school: tuple[Roster, Plan]) -> None:
    roster, plan = tandem_school
    leaver = plan.partnerships[0].members[0]
    updated = _with(roster, leaver, end_date=(START - dt.timedelta(days=1)).isoformat())
    result = pairwise.replan(updated, plan, start=START, time_limit=20)
    new = result.plan
    assert new is not None and new.replans is not None
    assert_plan_valid(updated, new, was=plan)
    assert result.status == "optimal"
    kept = [c for c in plan.conversations if c.slot < START.isoformat()]
    assert kept and all(c in new.conversations for c in kept)
    added = {c.session["slot"] for c in new.replans.changes if c.kind != "cancelled"}
    debriefed = {c.visit.slot for c in new.conversations if c.kind == "debrief"}
    assert added & debriefed  # the re-planned visits are debriefed too
    counts = new.conversation_counts
    assert counts.placed == len(new.conversations) <= counts.most
    assert all(leaver not in c.members for c in new.conversations if c.slot >= START.isoformat())


def test_the_checker_holds_rule_10_and_the_kept_conversations(
    tandem_school: tuple[Roster, Plan],
) -> None:
    roster, plan = tandem_school
    new = pairwise.replan(roster, plan, start=START, time_limit=20).plan
    assert new is not None
    kept = next(i for i, c in enumerate(new.conversations) if c.slot < START.isoformat())
    ahead = next(i for i, c in enumerate(new.conversations) if c.slot >= START.isoformat())
    # a conversation that took place, gone from the re-plan
    dropped = new.model_copy(
        update={"conversations": [c for i, c in enumerate(new.conversations) if i != kept]}
    )
    report = pairwise.check(roster, dropped, was=plan)
    assert any("missing or changed" in v.message for v in report.violations)
    # a conversation ahead put in the slot of its own visit: rule 10
    conversation = new.conversations[ahead]
    clash = conversation.model_copy(update={"slot": conversation.visit.slot})
    moved = new.model_copy(
        update={
            "conversations": [clash if i == ahead else c for i, c in enumerate(new.conversations)]
        }
    )
    report = pairwise.check(roster, moved, was=plan)
    assert any(v.rule == 10 for v in report.violations)


def test_tandem_switched_off_keeps_the_lessons_that_took_place(
    tandem_school: tuple[Roster, Plan],
) -> None:
    roster, plan = tandem_school
    data = json.loads(roster.as_json())
    data["policy"]["tandem"] = False
    updated = roster_from_json(json.dumps(data))
    new = pairwise.replan(updated, plan, start=START, time_limit=20).plan
    assert new is not None
    assert_plan_valid(updated, new, was=plan)
    took_place = [
        c for c in plan.conversations if c.kind == "planning" and c.visit.slot < START.isoformat()
    ]
    assert took_place and all(c in new.conversations for c in took_place)
    ahead = [v for v in new.visits if v.slot >= START.isoformat()]
    assert ahead and all(v.mode == "visit" for v in ahead)

"""Staff dates in the reference solvers, and the re-plan's lexicographic optimum by brute force."""

from __future__ import annotations

import datetime as dt

import pytest

import pairwise
from pairwise.checker.replan import ReplanChecker
from pairwise.roster.models import Plan, Replans, Roster
from solvers import bruteforce, greedy
from tests.builders import FIRST_MONDAY, make_roster
from tests.helpers import assert_plan_valid
from tests.runs.test_replan import _with


def _tiny(count: int, rotation: str) -> Roster:
    teachers = [
        {
            "id": f"t{i + 1}",
            "teaches": [f"mon-{i % 3 + 1}"],
            "priority": ["reading", "math"][i % 2],
            "strengths": [["reading", "math"][(i + 1) % 2]],
        }
        for i in range(count)
    ]
    return make_roster(teachers, periods=3, cycles=2, policy={"rotation": rotation})


def _changes(roster: Roster, was: Plan, new: Plan, start: dt.date) -> int:
    """The changes of `new` against `was`, counted by the independent checker."""
    stand_in = new.model_copy(
        update={"replans": Replans(plan="", start=start.isoformat(), objective_bound=0, changes=[])}
    )
    return ReplanChecker(roster, stand_in, was, None)._count_changes()


@pytest.mark.parametrize("count", [4, 5])
def test_reference_solvers_honour_staff_dates(count: int) -> None:
    roster = _tiny(count, "cycle")
    second = FIRST_MONDAY + dt.timedelta(weeks=8)
    updated = _with(roster, "t1", end_date=(second - dt.timedelta(days=1)).isoformat())
    for plan in (bruteforce.solve(updated), greedy.solve(updated, 0)):
        assert plan is not None
        assert_plan_valid(updated, plan)
        assert all(
            "t1" not in (v.visitor, v.host) for v in plan.visits if v.slot[:10] >= str(second)
        )
        assert not any(u.teacher == "t1" and "c2" in u.cycles for u in plan.unpaired)


@pytest.mark.parametrize("count", [4, 5])
def test_replan_from_the_first_day_reaches_the_brute_force_optimum(count: int) -> None:
    """Nothing kept, a new partner each cycle: the re-plan may choose any plan of the updated
    roster, so its objective is brute force's optimum, and no optimal plan changes fewer."""
    roster = _tiny(count, "cycle")
    plan = pairwise.solve(roster, time_limit=20, seed=0).plan
    assert plan is not None
    second = FIRST_MONDAY + dt.timedelta(weeks=8)
    updated = _with(roster, "t2", end_date=(second - dt.timedelta(days=1)).isoformat())
    result = pairwise.replan(updated, plan, start=FIRST_MONDAY, time_limit=20)
    assert result.plan is not None and result.plan.replans is not None
    assert_plan_valid(updated, result.plan, was=plan)
    best = bruteforce.solve(updated)
    assert best is not None
    assert result.plan.objective == best.objective
    assert result.status == "optimal"
    fewest = result.plan.replans.change_bound
    assert fewest == len(result.plan.replans.changes)
    assert fewest <= _changes(updated, plan, best, FIRST_MONDAY)

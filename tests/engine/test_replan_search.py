"""The re-plan's search: one weighted search for both stages, a second one under `keep_within`,
and the restricted copy that only ever hints the full model."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from ortools.sat.python import cp_model

import pairwise
from pairwise.engine.replan import frame as frame_module
from pairwise.engine.replan import neighbourhood
from pairwise.engine.replan.frame import Frame
from pairwise.engine.replan.model import ReplanModel
from pairwise.engine.replan.neighbourhood import settled_moves, touched_teachers
from pairwise.engine.replan.solve import _SlotCandidates
from pairwise.roster.load import roster_from_json
from pairwise.roster.models import Plan, Roster
from pairwise.roster.objective import Scoring
from solvers import bruteforce
from tests.builders import FIRST_MONDAY
from tests.helpers import assert_plan_valid
from tests.runs.test_replan import _school, _with
from tests.solvers.test_replan_brute_force import _tiny

START = FIRST_MONDAY + dt.timedelta(weeks=8)


def _cheap_unpaired() -> tuple[Roster, Plan, Roster]:
    """A school where leaving a teacher unpaired costs one point: a re-plan may then trade a
    little objective for far fewer changes."""
    data = json.loads(_school().as_json())
    data["policy"].setdefault("weights", {})["unpaired"] = 1
    roster = roster_from_json(json.dumps(data))
    plan = pairwise.solve(roster, time_limit=20, seed=0).plan
    assert plan is not None
    leaver = plan.partnerships[0].members[0]
    updated = _with(roster, leaver, end_date=(START - dt.timedelta(days=1)).isoformat())
    return roster, plan, updated


def _built(updated: Roster, plan: Plan) -> ReplanModel:
    scoring = Scoring(updated)
    frame = Frame(updated, plan, START, _SlotCandidates(updated, scoring), scoring)
    built = ReplanModel(frame)
    built.build()
    return built


def test_keep_within_trades_objective_for_fewer_changes() -> None:
    _roster, plan, updated = _cheap_unpaired()
    best = pairwise.replan(updated, plan, start=START, time_limit=20)
    traded = pairwise.replan(updated, plan, start=START, time_limit=20, keep_within=100)
    for result in (best, traded):
        assert result.plan is not None and result.plan.replans is not None
        assert_plan_valid(updated, result.plan, was=plan)
        assert result.status == "optimal"
        assert result.plan.replans.change_bound == len(result.plan.replans.changes)
    assert best.plan is not None and best.plan.replans is not None
    assert traded.plan is not None and traded.plan.replans is not None
    assert traded.plan.replans.objective_bound == best.plan.objective
    assert traded.plan.objective < best.plan.objective
    assert len(traded.plan.replans.changes) < len(best.plan.replans.changes)


def test_one_more_objective_point_outweighs_every_change() -> None:
    """The weight of the objective in the one search is more than the most changes a plan of
    the model can make: the change ceiling is never below what a plan reaches."""
    _roster, plan, updated = _cheap_unpaired()
    built = _built(updated, plan)
    built.model.maximize(built.changes)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(built.model) == cp_model.OPTIMAL
    assert 0 < solver.objective_value <= built.change_ceiling


def test_restricted_copy_frees_the_touched_teachers_only() -> None:
    _roster, plan, updated = _cheap_unpaired()
    built = _built(updated, plan)
    touched = touched_teachers(built)
    leaver = plan.partnerships[0].members
    free = set(built.frame.free_from)  # the leaver's partner, and whom the plan left unpaired
    assert leaver[1] in free and leaver[0] not in free
    assert all(touched[cycle] == free for cycle in built.frame.ahead)
    assert built.owed
    ruled_out = {var.index for var in settled_moves(built)}
    for owed in built.owed:
        moves = [c.var.index for c in owed.choices if c.slot != owed.was]
        if set(owed.arc[:2]) & free:
            assert not set(moves) & ruled_out
        elif owed.was is not None:
            assert set(moves) <= ruled_out


def test_a_restricted_copy_without_a_plan_leaves_the_proof_to_the_full_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With every choice ruled out the restricted copy has no plan (as when cover halved below
    what the plan in force used): the full search still finds and proves the re-plan."""
    _roster, plan, updated = _cheap_unpaired()
    expected = pairwise.replan(updated, plan, start=START, time_limit=20)

    def everything(built: ReplanModel) -> list[cp_model.IntVar]:
        model = built.model
        return [model.get_bool_var_from_proto_index(i) for i in range(len(model.proto.variables))]

    monkeypatch.setattr(neighbourhood, "settled_moves", everything)
    result = pairwise.replan(updated, plan, start=START, time_limit=20)
    assert result.stats["neighbourhood"] == "infeasible"
    assert result.plan is not None and expected.plan is not None
    assert_plan_valid(updated, result.plan, was=plan)
    assert result.status == "optimal"
    assert result.plan.objective == expected.plan.objective
    assert result.plan.replans == expected.plan.replans or (
        result.plan.replans is not None
        and expected.plan.replans is not None
        and len(result.plan.replans.changes) == len(expected.plan.replans.changes)
    )


@pytest.mark.parametrize("count", [5, 7])
def test_left_out_triads_are_bounded_by_the_relaxation(
    count: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Triads listed only up to two free teachers: every triangle is left out, the relaxation
    bounds them, picks the ones to add, and the re-plan reaches and proves the same optimum as
    with every triad listed (brute force's). A relaxation that scored its triads short of a real
    triad would prove a worse plan and fail this."""
    roster = _tiny(count, "cycle")
    plan = pairwise.solve(roster, time_limit=20, seed=0).plan
    assert plan is not None
    updated = _with(roster, "t2", end_date=(START - dt.timedelta(days=1)).isoformat())
    every = pairwise.replan(updated, plan, start=FIRST_MONDAY, time_limit=20)
    monkeypatch.setattr(frame_module, "TRIAD_LIMIT", 2)
    relaxed = pairwise.replan(updated, plan, start=FIRST_MONDAY, time_limit=20)
    assert every.plan is not None and relaxed.plan is not None
    assert relaxed.plan.replans is not None and every.plan.replans is not None
    assert_plan_valid(updated, relaxed.plan, was=plan)
    assert every.status == relaxed.status == "optimal"
    assert relaxed.stats["relaxation"] == "optimal"
    best = bruteforce.solve(updated)
    assert best is not None
    assert relaxed.plan.objective == every.plan.objective == best.objective
    assert len(relaxed.plan.replans.changes) == len(every.plan.replans.changes)
    assert relaxed.plan.replans.objective_bound == every.plan.replans.objective_bound


def test_triads_the_relaxation_picks_join_the_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    """No triad listed at all (five teachers left, so one must be in a triad): the relaxation
    picks each triad's members, they join the candidates, and the re-plan reaches the optimum of
    the one with every triad listed (brute force's)."""
    roster = _tiny(6, "cycle")
    plan = pairwise.solve(roster, time_limit=20, seed=0).plan
    assert plan is not None
    updated = _with(roster, "t2", end_date=(START - dt.timedelta(days=1)).isoformat())
    every = pairwise.replan(updated, plan, start=FIRST_MONDAY, time_limit=20)
    monkeypatch.setattr(frame_module, "TRIAD_LIMIT", 2)
    monkeypatch.setattr(Frame, "_likely_triads", lambda self, free: [])
    relaxed = pairwise.replan(updated, plan, start=FIRST_MONDAY, time_limit=20)
    assert every.plan is not None and relaxed.plan is not None
    assert_plan_valid(updated, relaxed.plan, was=plan)
    assert int(relaxed.stats["triad_rounds"]) >= 1
    assert any(len(p.members) == 3 for p in relaxed.plan.partnerships)
    best = bruteforce.solve(updated)
    assert best is not None
    assert relaxed.plan.objective == every.plan.objective == best.objective
    assert relaxed.status == "optimal"

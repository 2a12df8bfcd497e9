"""The quick sabbatical placement of large rosters (`model/sabbatical_greedy.py`): it keeps the
rules, it is taken as optimal only when it reaches the count bound (and, with the tie-break, only
when every coach's visits are spread perfectly), and a solve that takes it agrees with brute force
where slots and covers bind. The large-roster path is forced on tiny rosters by lowering
`pipeline.EARLY_PLAN_PAIRS` to 0."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from pairwise.engine import pipeline
from pairwise.engine.candidates import Candidates
from pairwise.engine.model.plan_model import PlanSolution
from pairwise.engine.model.sabbatical_greedy import greedy_sabbaticals
from pairwise.engine.model.sabbatical_model import place_sabbaticals
from pairwise.engine.pipeline import solve
from pairwise.engine.plan.builder import build_plan, solution_from_plan
from pairwise.engine.relaxation import sabbatical_count_bound
from pairwise.engine.search import SearchSettings
from pairwise.roster.models import Roster
from pairwise.roster.objective import Scoring
from solvers.bruteforce import solve as brute_force
from tests.builders import make_roster
from tests.engine.test_sabbatical_model import coach, coachee
from tests.helpers import assert_plan_valid
from tests.strategies import binding_rosters


def candidates_of(roster: Roster) -> Candidates:
    return Candidates(roster, Scoring(roster))


def greedy_short_of_the_bound() -> Roster:
    # coachee e teaches mon-1 and mon-2; coach k1 is free in both, k2 teaches mon-2 and no cover
    # is on hand. Both have budget 1. Taking turns, k1 (first in the roster) takes e's first slot,
    # mon-1, and k2 is left with nothing: 12. The optimum sends k1 to mon-2 and k2 to mon-1: 24,
    # the count bound.
    teachers = [
        coach("k1", 1),
        coach("k2", 1, teaches=["mon-2"]),
        coachee("e", ["mon-1", "mon-2"]),
    ]
    return make_roster(teachers, periods=2, policy={"cover_per_period": 0})


def greedy_with_a_repeat() -> Roster:
    # coach k (budget 2) may visit m in mon-1 or mon-2, n only in mon-1. Taking m first (roster
    # order), the greedy puts it in mon-1 and can only visit m again in mon-2: 24, the count bound,
    # with a repeat. The tie-break's best is m in mon-2 and n in mon-1, no repeat.
    teachers = [coach("k", 2), coachee("m", ["mon-1", "mon-2"]), coachee("n", ["mon-1"])]
    return make_roster(teachers, periods=2, policy={"cover_per_period": 0})


def test_the_greedy_short_of_the_bound_is_not_taken() -> None:
    roster = greedy_short_of_the_bound()
    candidates = candidates_of(roster)
    bound = sabbatical_count_bound(candidates)
    assert bound == 24
    quick = greedy_sabbaticals(candidates, PlanSolution([]))
    assert quick.value == 12  # the boundary: one visit short of the bound
    placement = place_sabbaticals(
        candidates, PlanSolution([]), SearchSettings(), 10.0, spread=True, bound=bound
    )
    assert placement.optimal and placement.value == 24
    assert placement.visits == {("k1", "e", "c1"): [1], ("k2", "e", "c1"): [0]}


def test_a_greedy_with_a_repeat_is_not_taken_under_the_tie_break() -> None:
    roster = greedy_with_a_repeat()
    candidates = candidates_of(roster)
    bound = sabbatical_count_bound(candidates)
    quick = greedy_sabbaticals(candidates, PlanSolution([]))
    assert quick.value == bound == 24 and quick.spread == -2
    spread = place_sabbaticals(
        candidates, PlanSolution([]), SearchSettings(), 10.0, spread=True, bound=bound
    )
    assert spread.visits == {("k", "m", "c1"): [1], ("k", "n", "c1"): [0]}
    # without the tie-break the value alone decides, and the greedy's reaches the bound
    plain = place_sabbaticals(candidates, PlanSolution([]), SearchSettings(), 10.0, bound=bound)
    assert plain.outcome is None and plain.value == 24


def test_a_greedy_reaching_the_bound_spares_the_model() -> None:
    teachers = [coach("k", 2), coachee("m", ["mon-1", "mon-2"]), coachee("n", ["mon-3"])]
    roster = make_roster(teachers, periods=3, policy={"cover_per_period": 0})
    candidates = candidates_of(roster)
    bound = sabbatical_count_bound(candidates)
    placement = place_sabbaticals(
        candidates, PlanSolution([]), SearchSettings(), 10.0, spread=True, bound=bound
    )
    assert placement.outcome is None and placement.optimal and placement.value == bound == 24
    assert placement.visits == {("k", "m", "c1"): [0], ("k", "n", "c1"): [2]}


def test_the_greedy_takes_covered_slots_only_while_covers_last() -> None:
    # k1 and k2 teach mon-1, as do their coachees: each visit needs a cover, and one is on hand.
    # The greedy makes one covered visit (11), below the count bound (22, which ignores the
    # covers per slot), so the model decides; with a second cover on hand it makes both.
    teachers = [
        coach("k1", 1, teaches=["mon-1"]),
        coach("k2", 1, teaches=["mon-1"]),
        coachee("e1", ["mon-1"]),
        coachee("e2", ["mon-1"]),
    ]
    for covers, value in ((1, 11), (2, 22)):
        roster = make_roster(teachers, periods=2, policy={"cover_per_period": covers})
        candidates = candidates_of(roster)
        quick = greedy_sabbaticals(candidates, PlanSolution([]))
        assert quick.value == value and sabbatical_count_bound(candidates) == 22


def test_a_warm_start_does_not_keep_the_model_when_the_greedy_reaches_the_bound() -> None:
    # a warm start's visits (one, to m) hint the model; the greedy reaches the bound (24, spread
    # 0), so it is the answer and the model is not built (outcome None)
    teachers = [coach("k", 2), coachee("m", ["mon-1", "mon-2"]), coachee("n", ["mon-3"])]
    roster = make_roster(teachers, periods=3, policy={"cover_per_period": 0})
    candidates = candidates_of(roster)
    bound = sabbatical_count_bound(candidates)
    warm = {("k", "m", "c1"): [1]}
    placement = place_sabbaticals(
        candidates, PlanSolution([]), SearchSettings(), 10.0, spread=True, hint=warm, bound=bound
    )
    assert placement.outcome is None and placement.value == 24
    # short of the bound, the warm start's visits hint the model, which finds the optimum
    short = greedy_short_of_the_bound()
    candidates = candidates_of(short)
    warm = {("k2", "e", "c1"): [0]}
    placement = place_sabbaticals(
        candidates, PlanSolution([]), SearchSettings(), 10.0, spread=True, hint=warm, bound=24
    )
    assert placement.outcome is not None and placement.optimal and placement.value == 24


@pytest.mark.parametrize("build", [greedy_short_of_the_bound, greedy_with_a_repeat])
def test_the_large_path_reaches_the_brute_force_optimum(
    build: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert callable(build)
    roster = build()
    monkeypatch.setattr(pipeline, "EARLY_PLAN_PAIRS", 0)
    reference = brute_force(roster)
    result = solve(roster, time_limit=20.0, workers=1)
    assert reference is not None and result.plan is not None
    assert_plan_valid(roster, result.plan)
    assert result.status == "optimal" and result.plan.objective == reference.objective


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(binding_rosters())
def test_with_the_greedy_binding_rosters_reach_the_brute_force_optimum(roster: Roster) -> None:
    # the large-roster path (early plan, greedy sabbatical placement) on rosters where slots and
    # covers bind: the greedy's plans keep every rule, and the optimum is brute force's
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "EARLY_PLAN_PAIRS", 0)
        result = solve(roster, time_limit=20.0, workers=1)
    reference = brute_force(roster)
    if reference is None:
        assert result.status == "infeasible" and result.plan is None
        return
    assert result.status == "optimal" and result.plan is not None
    assert_plan_valid(roster, result.plan)
    assert result.plan.objective == reference.objective


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(binding_rosters())
def test_the_greedy_keeps_every_rule_around_the_peer_visits(roster: Roster) -> None:
    # around an optimal plan's peer visits, the greedy's visits make a plan the checker accepts,
    # worth no more than the exact placement there, and the count bound holds
    result = solve(roster, time_limit=20.0, workers=1)
    if result.plan is None:
        return
    candidates = candidates_of(roster)
    solution = solution_from_plan(candidates, result.plan)
    peers = PlanSolution(solution.columns, solution.visits)
    quick = greedy_sabbaticals(candidates, peers)
    exact = place_sabbaticals(candidates, peers, SearchSettings(), 10.0)
    assert exact.optimal and quick.value <= exact.value <= sabbatical_count_bound(candidates)
    plan = build_plan(
        candidates,
        Scoring(roster),
        PlanSolution(solution.columns, solution.visits, quick.visits),
        None,
        bound=result.plan.objective,
        seconds=0.0,
        seed=0,
    )
    assert_plan_valid(roster, plan)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(binding_rosters())
def test_a_warm_start_on_the_large_path_keeps_the_optimum(roster: Roster) -> None:
    # the large-roster path, cold and then warm-started from its own plan: the same proven
    # optimum, and both plans pass the checker
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "EARLY_PLAN_PAIRS", 0)
        cold = solve(roster, time_limit=20.0, workers=1)
        if cold.plan is None:
            return
        warm = solve(roster, time_limit=20.0, workers=1, hint=cold.plan)
    assert warm.plan is not None
    assert_plan_valid(roster, cold.plan)
    assert_plan_valid(roster, warm.plan)
    assert cold.status == warm.status == "optimal"
    assert warm.plan.objective == cold.plan.objective

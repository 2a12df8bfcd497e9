"""Exactness at its edges: each shortcut the engine takes while claiming `optimal` is tested on a
roster built at the shortcut's boundary, where cutting it one step further loses the optimum.

Each test states the mutation it guards against; every one of them was tried by hand and made the
test fail (see the commit that added this file).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from pairwise.engine.candidates import Candidates
from pairwise.engine.columns import pair_columns
from pairwise.engine.lp_bound import linear_bound, prune
from pairwise.engine.model.slot_pruning import kept_slots, sabbatical_busy, slots_needed
from pairwise.engine.pipeline import solve
from pairwise.engine.relaxation import column_model, sabbatical_count_bound, solve_peer_relaxation
from pairwise.engine.search import SearchSettings, run_search
from pairwise.engine.seating import seat_tables
from pairwise.roster.models import Plan, Roster
from pairwise.roster.objective import Scoring
from solvers.bruteforce import solve as brute_force
from tests.builders import make_roster, staggered
from tests.helpers import assert_plan_valid
from tests.strategies import binding_rosters

SABBATICAL = 12  # the default `sabbatical` weight


def optimum(roster: Roster) -> Plan:
    """The engine's plan, proven optimal and checked, and its objective equal to brute force's."""
    result = solve(roster, time_limit=20.0, workers=1)
    assert result.status == "optimal" and result.plan is not None
    assert_plan_valid(roster, result.plan)
    reference = brute_force(roster)
    assert reference is not None
    assert result.plan.objective == reference.objective
    return result.plan


# --- slot pruning --------------------------------------------------------------------------------


def crowded_coachee(coaches: int) -> Roster:
    """`coaches` coaches (budget 1 each) and one coachee who may receive them all and teaches in
    exactly `coaches` slots; nobody participates in peer coaching, so busy(coach) = 1 and
    busy(coachee) = `coaches`: the threshold busy + busy - 1 is exactly the coachee's slots.

    The coaches sit `coaches` places apart in roster order, so any rotation linear in the roster
    positions (as the pruning's is) starts every coach's visit at the same slot: keeping one slot
    fewer, every coach drops the same one and only `coaches - 1` visits fit.
    """
    teachers: list[dict[str, Any]] = []
    for index in range(coaches):
        teachers.append(
            {
                "id": f"coach{index}",
                "teaches": [],
                "participates": False,
                "sabbatical": {"topics": ["math"], "budget": 1},
            }
        )
        teachers += [
            {"id": f"filler{index}-{k}", "teaches": [], "participates": False}
            for k in range(coaches - 1)
        ]
    teachers.append(
        {
            "id": "coachee",
            "teaches": [f"mon-{p + 1}" for p in range(coaches)],
            "participates": False,
            "priority": "math",
        }
    )
    policy = {"sabbatical_visits_per_coachee": coaches}
    return make_roster(teachers, periods=coaches, policy=policy)


@pytest.mark.parametrize("coaches", [2, 3])
def test_slot_pruning_keeps_enough_slots_for_a_crowded_coachee(coaches: int) -> None:
    # Guards the pruning threshold (busy(x) + busy(y) - 1 uncovered slots). Kept one fewer, every
    # coach keeps the same `coaches - 1` slots and one visit (12) is lost while `optimal` is claimed.
    roster = crowded_coachee(coaches)
    candidates = Candidates(roster, Scoring(roster))
    busy = sabbatical_busy(candidates)
    for arc, options in candidates.sabbatical_arcs.items():
        assert (
            slots_needed(busy, arc[0], arc[1], arc[2]) == coaches == options.uncovered.bit_count()
        )
        assert len(kept_slots(candidates, arc, options, busy, {})) == coaches
    # every coach visits once, each in a slot of its own: coaches * 12
    assert optimum(roster).objective == coaches * SABBATICAL


# --- reduced-cost column pruning -----------------------------------------------------------------


def lp_roster() -> Roster:
    """Six teachers, complements that make some pairs clearly better, history that makes one pair
    a repeat: the LP is tight, and columns' best plans spread over many values."""
    topics = ["math", "reading", "science"]
    teachers = staggered([f"t{i}" for i in range(6)], 6)
    for i, teacher in enumerate(teachers):
        teacher["priority"] = topics[i % 3]
        teacher["strengths"] = [topics[(i + 1) % 3]]
        teacher["team"] = f"g{i % 2}"
    return make_roster(
        teachers,
        periods=6,
        teams=[{"id": "g0"}, {"id": "g1"}],
        history=[{"a": "t0", "b": "t1", "year": 2025, "trust": 0.5}],
        policy={"allow_triads": False},
    )


def test_reduced_cost_pruning_keeps_every_column_at_its_own_best_value() -> None:
    # Guards `prune`: a column is kept when its Lagrangian bound reaches the threshold, equality
    # included. For every pair column j, with threshold = the best relaxation value of a plan that
    # contains j, j must be kept. Cut one step further (threshold + 1, or `>` for `>=`), the
    # columns of the optimum itself are dropped.
    roster = lp_roster()
    candidates = Candidates(roster, Scoring(roster))
    bound = linear_bound(candidates)
    columns = pair_columns(candidates)
    assert columns
    best_with: list[int] = []
    for column in columns:
        model, variables = column_model(candidates, columns)
        model.add(variables.chosen[columns.index(column)] == 1)
        outcome = run_search(model, SearchSettings(), 10.0)
        assert outcome.status == "optimal" and outcome.objective is not None
        best_with.append(outcome.objective)
        kept = {c.key for c in prune(candidates, bound, outcome.objective)}
        assert column.key in kept, (column.members, outcome.objective, bound.value)
    # the LP is tight here, so the boundary is met with equality by the optimum's columns
    assert max(best_with) == bound.integer_bound


def test_the_relaxation_over_pruned_columns_reaches_the_true_optimum() -> None:
    roster = lp_roster()
    candidates = Candidates(roster, Scoring(roster))
    result = solve_peer_relaxation(candidates, SearchSettings(), 20.0)
    full, _ = column_model(candidates, pair_columns(candidates))
    outcome = run_search(full, SearchSettings(), 20.0)
    assert result.status == "optimal" and outcome.status == "optimal"
    assert result.value == outcome.objective


# --- tables solved apart -------------------------------------------------------------------------


def tables_roster(team_count: int, meetings: int) -> Roster:
    """One school of `team_count` teams (at most four): A and B complement each other, and so do
    C and D (a gain of 2 * 5 = 10 a meeting at one table), no other pair gains anything, and sitting
    together again costs team_repeat * (window + 1) = 10 * 4 = 40 per earlier meeting."""
    teams = [
        {"id": "A", "priority": "math"},
        {"id": "B", "priority": "reading"},
        {"id": "C", "priority": "art"},
        {"id": "D", "priority": "music"},
    ][:team_count]
    strengths = {"A": ["reading"], "B": ["math"], "C": ["music"], "D": ["art"]}
    teachers = [
        {"id": f"t{team['id']}", "team": team["id"], "teaches": ["mon-1"]}
        | {"strengths": strengths[team["id"]]}
        for team in teams
    ]
    return make_roster(teachers, teams=teams, meetings=meetings, tables=2)


@pytest.mark.parametrize(
    ("team_count", "meetings", "expected"),
    [
        # four teams sit in pairs three ways; {AB, CD} gains 20, the others 0. Each meeting alone
        # would take {AB, CD} every time; over the plan the best is {AB, CD} once and then the
        # two other ways (no repeat) ...
        (4, 1, 20),
        (4, 2, 20),
        (4, 3, 20),
        # ... from the fourth meeting a repeat is forced: {AB, CD} again, 20 - 2 * 40
        (4, 4, 20 + 20 - 2 * 40),
        # six meetings: each way twice, 2 * 20 - 6 pairs * 40 = -200 (taking {AB, CD} three times
        # costs its pairs 40 * (1 + 2) each: 3 * 20 - 2 * 120 - 2 * 40 = -260)
        (4, 6, 2 * 20 - 6 * 40),
        # two teams sit together at all three meetings: 3 * 10 - 40 * (1 + 2)
        (2, 3, 3 * 10 - 40 * 3),
    ],
)
def test_tables_are_solved_over_all_meetings_of_the_plan_together(
    team_count: int, meetings: int, expected: int
) -> None:
    # Guards the table model's coupling of meetings: the k-th time a pair sits together costs
    # 40 * (k - 1), modelled by k - 1 "meets again" booleans of costs 40, 80, ... One boolean
    # fewer (two teams at three meetings have no seating), or every repeat at 40 (six meetings:
    # {AB, CD} three times looks best), and the optimum is lost.
    solution = seat_tables(tables_roster(team_count, meetings))
    assert solution.optimal
    assert solution.objective == solution.bound == expected
    assert sum(solution.terms.values()) == expected


# --- the relaxation's bound ----------------------------------------------------------------------


def release_roster(max_release: int) -> Roster:
    """a and b teach every period but mon-4 and are free there only together, so one of their
    visits must be covered each cycle (two cycles): each needs exactly one release per cycle."""
    periods = ["mon-1", "mon-2", "mon-3"]
    teachers = [
        {"id": "a", "teaches": periods, "max_release": max_release},
        {"id": "b", "teaches": [*periods, "mon-4"], "max_release": max_release},
    ]
    return make_roster(teachers, cycles=2, policy={"rotation": "year", "cover_per_period": 1})


def test_a_pair_whose_forced_covers_meet_max_release_exactly_is_kept() -> None:
    # Guards the relaxation's forced releases (`_releases_fit`, `add_forced_releases`): a column
    # whose unavoidable covers equal `max_release` is allowed. One step further (count >= limit
    # rejected, or the knapsack's limit less one), a and b stay unpaired (-2000) though pairing
    # them costs two covers (-2).
    plan = optimum(release_roster(max_release=2))
    assert plan.objective == -2
    assert [sorted(p.members) for p in plan.partnerships] == [["a", "b"]]
    # with one release less the pair cannot keep its visits: both unpaired
    assert optimum(release_roster(max_release=1)).objective == -2000


def test_the_relaxations_bound_every_plan_and_meet_it_at_the_boundary() -> None:
    # Guards the two upper bounds a plan is proven optimal against (peer relaxation, sabbatical
    # count bound): each must stay at or above the true optimum. Here both are tight: a and b
    # must pay one cover a cycle (two in all, -2), and the crowded coachee takes every coach's one
    # visit. Counting one forced cover too many, or one visit too few for the coachee's cap, puts
    # a bound below a plan that exists.
    peer = release_roster(max_release=2)
    candidates = Candidates(peer, Scoring(peer))
    relaxation = solve_peer_relaxation(candidates, SearchSettings(), 20.0)
    assert relaxation.status == "optimal"
    assert relaxation.value == relaxation.bound == optimum(peer).objective == -2
    for coaches in (2, 3):
        roster = crowded_coachee(coaches)
        candidates = Candidates(roster, Scoring(roster))
        assert sabbatical_count_bound(candidates) == optimum(roster).objective == coaches * 12


# --- all of them at once, against brute force ---------------------------------------------------


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(binding_rosters())
def test_rosters_where_slots_and_covers_bind_reach_the_brute_force_optimum(roster: Roster) -> None:
    # few slots, at most one substitute a slot, small release limits, coaches and coachees outside
    # the peer programme: where every shortcut above is at or near its boundary
    reference = brute_force(roster)
    result = solve(roster, time_limit=20.0, workers=1)
    if reference is None:
        assert result.status == "infeasible" and result.plan is None
        return
    assert result.status == "optimal" and result.plan is not None
    assert_plan_valid(roster, result.plan)
    assert result.plan.objective == reference.objective

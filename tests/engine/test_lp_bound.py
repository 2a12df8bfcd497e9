"""The LP bound and reduced-cost pruning: always above the relaxation's optimum, tight where the
cuts say, and never pruning a column an optimal solution needs."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from pairwise.engine.candidates import Candidates
from pairwise.engine.columns import triad_spaces, visit_needs, visit_ways
from pairwise.engine.lp_bound import linear_bound, prune
from pairwise.engine.lp_terms import parity_limit
from pairwise.engine.relaxation import column_model, solve_peer_relaxation
from pairwise.engine.search import SearchSettings, run_search
from pairwise.engine.triad_pricing import lock_triads
from pairwise.roster.models import Roster
from pairwise.roster.objective import Scoring
from tests.builders import every_column, make_roster, staggered
from tests.strategies import rosters

UNPAIRED = 1000


def candidates_of(roster: Roster) -> Candidates:
    return Candidates(roster, Scoring(roster))


def relaxation_optimum(candidates: Candidates) -> int | None:
    """The relaxation's optimum over every column (tiny rosters), None when it has none."""
    model, _variables = column_model(candidates, every_column(candidates))
    outcome = run_search(model, SearchSettings(), 20.0)
    assert outcome.status in ("optimal", "infeasible")
    return outcome.objective


def test_an_odd_cycle_is_cut_by_a_blossom() -> None:
    # three teachers, no triads: the matching LP would take each pair at 1/2 (1.5 pairs, 3 teachers
    # partnered); one pair is all there is: -1000 for the third. Pairs score 0 here.
    roster = make_roster(staggered(["a", "b", "c"], 4), policy={"allow_triads": False})
    bound = linear_bound(candidates_of(roster))
    assert bound.integer_bound == -UNPAIRED


def test_parity_keeps_an_even_school_from_half_triads() -> None:
    # four teachers who all complement each other (20 a pair): two pairs give 40; a triad would
    # leave the fourth out. Without the parity cut the LP mixes triads in above 40.
    teachers = staggered(["a", "b", "c", "d"], 4, priority="x", strengths=["x"])
    roster = make_roster(teachers, policy={"weights": {"shared_priority": 0}})
    candidates = candidates_of(roster)
    assert parity_limit(candidates, "year", "") == 4
    assert linear_bound(candidates).integer_bound == 40


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(rosters(max_teachers=7, max_cycles=2, max_weeks=2, max_periods=4, coaches=False))
def test_the_bound_holds_and_pruning_keeps_an_optimum(roster: Roster) -> None:
    candidates = candidates_of(roster)
    bound = linear_bound(candidates)
    optimum = relaxation_optimum(candidates)
    if optimum is None:
        return  # no relaxation solution (locks): nothing to bound
    assert bound.feasible
    assert bound.value >= optimum - 1e-6
    kept = prune(candidates, bound, optimum)
    model, _variables = column_model(candidates, kept)
    outcome = run_search(model, SearchSettings(), 20.0)
    assert outcome.objective == optimum  # an optimal solution survives the pruning
    result = solve_peer_relaxation(candidates, SearchSettings(), 20.0)
    assert result.value == optimum == result.bound


def test_a_pairs_two_visits_need_two_slots() -> None:
    # a and b both teach only mon-1: each visit alone has a (covered) slot, but not both at once
    roster = make_roster([{"id": "a", "teaches": ["mon-1"]}, {"id": "b", "teaches": ["mon-1"]}])
    candidates = candidates_of(roster)
    assert visit_needs(candidates, visit_ways(candidates, ("a", "b")), "c1") is None
    # with two periods each taught by both, two covered visits fit: 2 covers, one for each
    roster = make_roster(
        [{"id": "a", "teaches": ["mon-1", "mon-2"]}, {"id": "b", "teaches": ["mon-1", "mon-2"]}]
    )
    candidates = candidates_of(roster)
    needs = visit_needs(candidates, visit_ways(candidates, ("a", "b")), "c1")
    assert needs is not None
    assert (needs.covers, needs.teachers, needs.schools) == (2, {"a": 1, "b": 1}, {"": 2})


def test_release_rows_are_tightened_by_their_gcd() -> None:
    # two pairs each need 3 covered visits a year (both teach the only periods: three cycles, one
    # way); a release budget of 5 admits one pair only. The LP alone would take 5/3 of a pair.
    teachers = [{"id": t, "teaches": ["mon-1"]} for t in "abcd"]
    roster = make_roster(
        teachers,
        periods=1,
        cycles=3,
        policy={"reciprocal": False, "release_budget": 5, "allow_triads": False},
    )
    candidates = candidates_of(roster)
    bound = linear_bound(candidates)
    # one pair (3 covers: -3), two teachers out (-2000)
    assert bound.integer_bound == -3 - 2 * UNPAIRED
    assert relaxation_optimum(candidates) == -3 - 2 * UNPAIRED


def test_lock_triads_leave_out_members_locked_elsewhere_in_one_period() -> None:
    # a-b and c-d locked: a triad holding a-b can add only e (c is bound to d), and likewise
    teachers = staggered(["a", "b", "c", "d", "e"], 5)
    locks = [{"a": "a", "b": "b", "kind": "lock"}, {"a": "c", "b": "d", "kind": "lock"}]
    roster = make_roster(teachers, periods=5, relations=locks)
    candidates = candidates_of(roster)
    triads = {
        frozenset(column.members) for column in lock_triads(candidates, triad_spaces(candidates))
    }
    assert triads == {frozenset("abe"), frozenset("cde")}
    # under `rotation: cycle` a lock holds in some cycle only: c may join a-b in another one
    cycled = make_roster(
        teachers, periods=5, cycles=2, relations=locks, policy={"rotation": "cycle"}
    )
    candidates = candidates_of(cycled)
    triads = {
        frozenset(column.members) for column in lock_triads(candidates, triad_spaces(candidates))
    }
    assert frozenset("abc") in triads
    outcome = solve_peer_relaxation(candidates_of(roster), SearchSettings(), 20.0)
    assert outcome.chosen is not None and outcome.value == outcome.bound
    assert {frozenset(column.members) for column in outcome.chosen} & {
        frozenset("ab"),
        frozenset("abe"),
    }

"""The relaxation under `rotation: cycle` split into partnerships first, periods second
(`engine/rotation_split.py`): what it finds is a solution worth the threshold, or nothing."""

from __future__ import annotations

from ortools.sat.python import cp_model

from pairwise.engine.candidates import Candidates
from pairwise.engine.columns import Column
from pairwise.engine.lp_bound import LinearBound, linear_bound, prune
from pairwise.engine.matching import partnerships_value
from pairwise.engine.pipeline import solve
from pairwise.engine.relaxation import column_model, valid_for_relaxation
from pairwise.engine.rotation_split import content, split_by_period
from pairwise.engine.search import SearchSettings
from pairwise.roster.models import Roster
from pairwise.roster.objective import Scoring
from solvers.bruteforce import solve as brute_force
from tests.builders import make_roster, staggered
from tests.engine.test_tight_rows import cycle_roster
from tests.helpers import assert_plan_valid


def triangle() -> Roster:
    """Four teachers, two cycles, no triads: a, b and c complement each other (their three
    pairs are worth the most), d may partner only a. Each cycle holds a matching, so of the
    triangle's pairs two can meet at most. The choice of partnerships, which keeps each teacher
    in two partnerships at most but knows no odd sets, first takes the whole triangle, which no
    split into cycles holds: that choice must be cut off and the next one tried."""
    teachers = staggered(["a", "b", "c", "d"], 4)
    topics = ["math", "reading", "science"]
    for i, teacher in enumerate(teachers[:3]):
        teacher["priority"] = topics[i]
        teacher["strengths"] = [topics[(i + 1) % 3], topics[(i + 2) % 3]]
    teachers[3]["priority"] = "art"
    return make_roster(
        teachers,
        cycles=2,
        policy={"rotation": "cycle", "allow_triads": False},
        relations=[{"a": "d", "b": other, "kind": "avoid"} for other in ("b", "c")],
    )


def split(
    roster: Roster, threshold_offset: int = 0
) -> tuple[Candidates, LinearBound, list[Column] | None]:
    candidates = Candidates(roster, Scoring(roster))
    bound = linear_bound(candidates)
    threshold = bound.integer_bound + threshold_offset
    kept = prune(candidates, bound, threshold)

    def model_of(columns: list[Column]) -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
        model, variables = column_model(candidates, columns, bound.integer_bound)
        return model, variables.chosen

    found = split_by_period(
        candidates, kept, bound, threshold, SearchSettings(), lambda: 10.0, model_of
    )
    return candidates, bound, found


def test_a_split_reaches_the_bound_on_interchangeable_cycles() -> None:
    roster = cycle_roster()
    candidates, bound, found = split(roster)
    assert found is not None
    assert valid_for_relaxation(candidates, found)
    assert partnerships_value(candidates, found) == bound.integer_bound
    # every partnership once, spread over the three cycles
    assert len({content(column) for column in found}) == len(found)
    assert {column.period for column in found} == {"c1", "c2", "c3"}


def test_a_choice_that_no_split_holds_is_cut_off_and_the_next_one_tried() -> None:
    # Boundary: with the cut written one step too weak (<= len(chosen) instead of len - 1), the
    # three pairs are chosen again at every attempt and nothing is found.
    candidates, bound, found = split(triangle())
    assert found is not None
    assert len(found) == 3 and valid_for_relaxation(candidates, found)
    assert partnerships_value(candidates, found) == bound.integer_bound


def test_nothing_below_the_threshold_is_returned() -> None:
    # Boundary: a threshold one above the bound has no solution; with step 2's threshold row
    # dropped, a solution worth the bound (one less) would come back.
    for roster in (cycle_roster(), triangle()):
        _, _, found = split(roster, threshold_offset=1)
        assert found is None


def test_the_triangle_solved_end_to_end_matches_brute_force() -> None:
    roster = triangle()
    reference = brute_force(roster)
    assert reference is not None
    result = solve(roster, time_limit=20.0, workers=1)
    assert result.status == "optimal" and result.plan is not None
    assert_plan_valid(roster, result.plan)
    assert result.plan.objective == reference.objective

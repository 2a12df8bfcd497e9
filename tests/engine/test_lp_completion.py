"""The LP's completion: its whole columns kept, the free teachers partnered by search. What it
finds keeps every rule of the relaxation, and the solve it starts proves the same optimum."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from pairwise.engine import lp_completion, relaxation
from pairwise.engine.candidates import Candidates
from pairwise.engine.columns import Column
from pairwise.engine.lp_bound import LinearBound, linear_bound
from pairwise.engine.lp_completion import complete_linear, wants_completion
from pairwise.engine.matching import partnerships_value
from pairwise.engine.pair_pricing import pair_arrays
from pairwise.engine.pipeline import solve
from pairwise.engine.relaxation import (
    column_model,
    column_model_of,
    solve_peer_relaxation,
    valid_for_relaxation,
)
from pairwise.engine.search import SearchSettings, run_search
from pairwise.roster.models import Roster
from pairwise.roster.objective import Scoring
from tests.builders import every_column
from tests.helpers import assert_plan_valid, load_fixture
from tests.strategies import rosters


def candidates_of(roster: Roster) -> Candidates:
    return Candidates(roster, Scoring(roster))


def relaxation_optimum(candidates: Candidates) -> int:
    model, _variables = column_model(candidates, every_column(candidates))
    outcome = run_search(model, SearchSettings(), 20.0)
    assert outcome.status == "optimal" and outcome.objective is not None
    return outcome.objective


FRACTIONAL = ["fractional_lp_ten.json", "fractional_lp_nine.json"]
"""Rosters whose LP is fractional (found by searching generated rosters; rare at this size)."""


def completion(candidates: Candidates, linear: LinearBound) -> list[Column] | None:
    model_of = column_model_of(candidates, linear.integer_bound)
    return complete_linear(candidates, linear, SearchSettings(), 10.0, model_of)


@pytest.mark.parametrize("fixture", FRACTIONAL)
def test_the_fixtures_have_a_fractional_lp(fixture: str) -> None:
    candidates = candidates_of(load_fixture(fixture))
    linear = linear_bound(candidates)
    assert linear.feasible and not linear.integral


@pytest.mark.parametrize("fixture", FRACTIONAL)
def test_the_completion_keeps_the_whole_columns_and_every_rule(fixture: str) -> None:
    candidates = candidates_of(load_fixture(fixture))
    linear = linear_bound(candidates)
    whole = {column.key for column in linear.solution()}
    completed = completion(candidates, linear)
    assert completed is not None
    assert whole <= {column.key for column in completed}
    assert valid_for_relaxation(candidates, completed)
    assert partnerships_value(candidates, completed) <= relaxation_optimum(candidates)


def test_completion_runs_on_rosters_above_the_pair_count_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    candidates = candidates_of(load_fixture(FRACTIONAL[0]))
    linear = linear_bound(candidates)
    pairs = candidates.admissible_pairs()
    monkeypatch.setattr(lp_completion, "COMPLETION_PAIRS", pairs)
    assert not wants_completion(candidates, linear)
    monkeypatch.setattr(lp_completion, "COMPLETION_PAIRS", pairs - 1)
    assert wants_completion(candidates, linear)


def test_the_free_columns_are_capped_by_reduced_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    # with room for one pair column the one kept is the best priced of the open pairs, and the
    # completion still keeps every rule (fewer columns only remove solutions)
    candidates = candidates_of(load_fixture(FRACTIONAL[0]))
    linear = linear_bound(candidates)
    whole = linear.solution()
    taken = {member for column in whole for member in column.members}
    pairs = pair_arrays(candidates)
    assert linear.pair_costs is not None
    open_costs = [
        (float(linear.pair_costs[j]), pairs.column(j).key)
        for j in range(len(pairs))
        if not taken & set(pairs.column(j).members)
    ]
    assert len(open_costs) > 1
    monkeypatch.setattr(lp_completion, "COMPLETION_COLUMNS", 1)
    free = [column for column in lp_completion._free_columns(candidates, linear, whole)]
    kept = [column.key for column in free if not column.is_triad]
    assert len(kept) == 1
    best = max(cost for cost, _ in open_costs)
    assert kept[0] in {key for cost, key in open_costs if cost == best}
    completed = completion(candidates, linear)
    assert completed is not None and valid_for_relaxation(candidates, completed)


def test_a_completion_at_the_bound_ends_the_relaxation_proven(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    candidates = candidates_of(load_fixture(FRACTIONAL[0]))
    calls: list[int] = []
    real = relaxation.complete_linear

    found: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> list[Column] | None:
        calls.append(1)
        completed = real(*args, **kwargs)
        if completed is not None:
            found.append(partnerships_value(candidates, completed))
        return completed

    monkeypatch.setattr(lp_completion, "COMPLETION_PAIRS", 0)
    monkeypatch.setattr(relaxation, "complete_linear", counted)
    # the first search settles the relaxation: no completion
    settled = solve_peer_relaxation(candidates, SearchSettings(), 20.0)
    assert calls == [] and settled.status == "optimal"
    # a first search cut short gives way to the completion
    monkeypatch.setattr(relaxation, "FIRST_SEARCH_LIMIT", 0.0)
    result = solve_peer_relaxation(candidates, SearchSettings(), 20.0)
    assert calls == [1]
    assert result.status == "optimal"
    # the completion's own solution is the optimum: nothing after it improved on it
    assert found == [result.value] and result.value == relaxation_optimum(candidates)
    assert result.chosen is not None and valid_for_relaxation(candidates, result.chosen)


def test_a_solve_with_the_completion_proves_the_same_optimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    roster = load_fixture(FRACTIONAL[0])
    plain = solve(roster, time_limit=20.0, workers=1)
    monkeypatch.setattr(lp_completion, "COMPLETION_PAIRS", 0)
    monkeypatch.setattr(relaxation, "FIRST_SEARCH_LIMIT", 0.0)
    completed = solve(roster, time_limit=20.0, workers=1)
    assert plain.status == completed.status == "optimal"
    assert completed.objective == plain.objective
    assert completed.plan is not None
    assert_plan_valid(roster, completed.plan)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(rosters(max_teachers=7, max_cycles=2, max_weeks=2, max_periods=4, coaches=False))
def test_whatever_the_roster_a_completion_keeps_every_rule(roster: Roster) -> None:
    candidates = candidates_of(roster)
    linear = linear_bound(candidates)
    if not linear.feasible:
        return
    completed = completion(candidates, linear)
    if completed is None:
        return
    assert {column.key for column in linear.solution()} <= {c.key for c in completed}
    assert valid_for_relaxation(candidates, completed)
    assert partnerships_value(candidates, completed) <= relaxation_optimum(candidates)

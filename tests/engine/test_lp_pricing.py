"""The LP bound's column generation: pairs and triads priced against the duals in numpy instead
of listed. The LP over the few columns listed first, priced to the end, reaches the LP over every
column; the Lagrangian bound stays a proof when pricing is cut short; pruning keeps every column
that unlisted pricing must keep; the vectorised reduced costs and the triad enumeration equal
the column-by-column ones.

Mutations tried by hand, each failing a test here: pricing stopping when one pair is left to
enter (`len(entering) > 1` for `len(entering)`), the Lagrangian summing the listed pairs only,
the numpy pruning's threshold raised past equality, the heavy-edge triad search dropping
triangles whose two heaviest edges tie (`<` for `<=`) or taking heavy edges from above a third of
the threshold (`/ 2.5` for `/ 3`).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from pairwise.engine import lp_bound, triad_pricing
from pairwise.engine.candidates import Candidates, RotationPeriod
from pairwise.engine.columns import TriadSpace, pair_columns
from pairwise.engine.lp_bound import linear_bound, prune
from pairwise.engine.lp_terms import Blossom, Duals, reduced_cost
from pairwise.engine.pair_pricing import pair_arrays, pair_reduced_costs
from pairwise.engine.relaxation import column_model
from pairwise.engine.search import SearchSettings, run_search
from pairwise.roster.load import load_roster
from pairwise.roster.models import Roster
from pairwise.roster.objective import Scoring
from tests.builders import every_column, make_roster, staggered
from tests.strategies import rosters

INSTANCES = Path(__file__).resolve().parents[2] / "instances"
SAMPLES = sorted(p.name for p in INSTANCES.glob("*.json") if p.name != "district-2000.json")
"""Every sample instance but the district (its schools are solved one by one; each is like these)."""


def candidates_of(roster: Roster) -> Candidates:
    return Candidates(roster, Scoring(roster))


@pytest.fixture
def frugal_pricing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The LP starts from each teacher's single best pair and prices in one pair a round: on a
    small roster, most of the LP's pairs then come in by pricing, one at a time."""
    monkeypatch.setattr(lp_bound, "_START_PAIRS_PER_TEACHER", 1)
    monkeypatch.setattr(lp_bound, "_PAIRS_PER_ROUND", 1)


@pytest.mark.parametrize("name", SAMPLES)
def test_the_priced_lp_equals_the_full_lp_on_every_sample(name: str) -> None:
    candidates = candidates_of(load_roster(INSTANCES / name))
    priced = linear_bound(candidates, every_pair=False)
    full = linear_bound(candidates, every_pair=True)
    assert priced.feasible and full.feasible
    assert priced.value == pytest.approx(full.value, abs=1e-6)
    listed_pairs = sum(1 for column in priced.columns if not column.is_triad)
    assert listed_pairs <= len(pair_columns(candidates))
    if len(pair_columns(candidates)) > 100:
        assert listed_pairs < len(pair_columns(candidates)) / 2  # pricing left most pairs out


def pricing_roster() -> Roster:
    """Eight teachers whose best pairs overlap: the LP's optimum needs pairs that are nobody's
    single best, so pricing must bring them in."""
    topics = ["math", "reading", "science", "art"]
    teachers = staggered([f"t{i}" for i in range(8)], 8)
    for i, teacher in enumerate(teachers):
        teacher["priority"] = topics[i % 4]
        teacher["strengths"] = [topics[(i + 1) % 4], topics[(i + 2) % 4]] if i < 2 else []
        teacher["team"] = f"g{i % 3}"
    return make_roster(
        teachers,
        periods=8,
        teams=[{"id": f"g{i}"} for i in range(3)],
        history=[{"a": "t0", "b": "t1", "year": 2025, "trust": 0.5}],
        policy={"allow_triads": False},
    )


@pytest.mark.usefixtures("frugal_pricing")
def test_pricing_one_pair_a_round_reaches_the_full_lp() -> None:
    candidates = candidates_of(pricing_roster())
    full = linear_bound(candidates, every_pair=True)
    priced = linear_bound(candidates, every_pair=False)
    pairs = pair_arrays(candidates)
    start = len(lp_bound.best_per_teacher(candidates, pairs, 1))
    listed_pairs = sum(1 for column in priced.columns if not column.is_triad)
    assert listed_pairs > start  # pairs came in by pricing
    assert listed_pairs < len(pairs)  # and not all of them
    assert priced.value == pytest.approx(full.value, abs=1e-6)
    # no pair left out prices in (a listed one may, at its bound of 1)
    listed = {column.key for column in priced.columns}
    assert priced.pair_costs is not None
    left_out = [
        cost
        for column, cost in zip(pair_columns(candidates), priced.pair_costs.tolist(), strict=True)
        if column.key not in listed
    ]
    assert left_out and max(left_out) <= 1e-4


@pytest.mark.usefixtures("frugal_pricing")
def test_the_bound_stays_a_proof_when_pricing_stops_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # no pricing round at all: the LP over each teacher's best pair is far below the full LP,
    # but the bound counts every unlisted pair's positive reduced cost and stays above it
    monkeypatch.setattr(lp_bound, "_MAX_PAIR_ROUNDS", 0)
    candidates = candidates_of(pricing_roster())
    full = linear_bound(candidates, every_pair=True)
    cut_short = linear_bound(candidates, every_pair=False)
    assert cut_short.value >= full.value - 1e-6
    model, _variables = column_model(candidates, pair_columns(candidates))
    outcome = run_search(model, SearchSettings(), 10.0)
    assert outcome.objective is not None and cut_short.value >= outcome.objective - 1e-6


@pytest.mark.usefixtures("frugal_pricing")
def test_pruning_keeps_every_unlisted_pair_at_its_own_best_value() -> None:
    # `lp_bound.prune` prices every pair in numpy, listed or not: each pair column must survive a
    # threshold equal to the best relaxation value of a plan containing it
    candidates = candidates_of(pricing_roster())
    bound = linear_bound(candidates, every_pair=False)
    listed = {column.key for column in bound.columns}
    columns = pair_columns(candidates)
    unlisted = [column for column in columns if column.key not in listed]
    assert unlisted
    for column in columns:
        model, variables = column_model(candidates, columns)
        model.add(variables.chosen[columns.index(column)] == 1)
        outcome = run_search(model, SearchSettings(), 10.0)
        assert outcome.status == "optimal" and outcome.objective is not None
        kept = {c.key for c in prune(candidates, bound, outcome.objective)}
        assert column.key in kept, (column.members, outcome.objective, bound.value)
        # one more and the column cannot be part of such a plan: pruned when the LP is tight
        if bound.integer_bound == outcome.objective:
            assert (
                column.key not in {c.key for c in prune(candidates, bound, outcome.objective + 1)}
                or reduced_cost(candidates, column, bound.duals) >= -1e-6
            )


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(rosters(max_teachers=9, max_cycles=2, max_weeks=2, max_periods=4, coaches=False))
def test_the_priced_lp_equals_the_full_lp_on_any_roster(roster: Roster) -> None:
    # the LP without cuts has one optimal value whichever way its columns come in; with cuts,
    # which optimal solution GLOP returns steers the odd sets found, so both are bounds on the
    # relaxation's optimum but need not be equal
    candidates = candidates_of(roster)
    full = linear_bound(candidates, every_pair=True, cuts=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lp_bound, "_START_PAIRS_PER_TEACHER", 1)
        patch.setattr(lp_bound, "_PAIRS_PER_ROUND", 1)
        priced = linear_bound(candidates, every_pair=False, cuts=False)
        priced_cut = linear_bound(candidates, every_pair=False)
    assert priced.feasible == full.feasible == priced_cut.feasible
    if not full.feasible:
        return
    assert priced.value == pytest.approx(full.value, abs=1e-6)
    assert priced_cut.value <= priced.value + 1e-6
    model, _variables = column_model(candidates, every_column(candidates))
    outcome = run_search(model, SearchSettings(), 20.0)
    if outcome.objective is not None:
        assert priced_cut.value >= outcome.objective - 1e-6


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(rosters(max_teachers=8, max_cycles=3, max_weeks=1, max_periods=4, coaches=False))
def test_vectorised_reduced_costs_equal_the_columns_own(roster: Roster) -> None:
    candidates = candidates_of(roster)
    columns = pair_columns(candidates)
    if not columns:
        return
    rng = np.random.default_rng(len(columns))
    duals = Duals()
    for column in columns:
        for teacher in column.members:
            duals.degree[column.period, teacher] = float(rng.uniform(0, 30))
            duals.parity[column.period, candidates.school[teacher]] = float(rng.uniform(0, 5))
            duals.release_teacher[teacher] = float(rng.uniform(0, 3))
            duals.release_school[candidates.school[teacher]] = float(rng.uniform(0, 2))
        duals.edge[candidates.edge(*column.members)] = float(rng.uniform(-4, 4))
    period = columns[0].period
    members = sorted({t for c in columns if c.period == period for t in c.members})[:3]
    blossom = Blossom(period, frozenset(members))
    duals.blossom[blossom] = 7.0
    for teacher in members:
        duals.blossoms_of.setdefault((period, teacher), []).append(blossom)
    vectorised = pair_reduced_costs(candidates, pair_arrays(candidates), duals)
    one_by_one = [reduced_cost(candidates, column, duals) for column in columns]
    assert vectorised.tolist() == pytest.approx(one_by_one, abs=1e-9)


def random_space(seed: int, n: int, density: float) -> tuple[TriadSpace, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    weight = np.full((n, n), -np.inf)
    for i, j in itertools.combinations(range(n), 2):
        if rng.random() < density:
            weight[i, j] = weight[j, i] = float(rng.integers(-5, 30))
    period = RotationPeriod("year", ("c1",))
    owners = [f"s{int(rng.integers(0, 2))}" for _ in range(n)]
    space = TriadSpace(period, [f"t{i}" for i in range(n)], weight, owners)
    node = rng.integers(-3, 20, n).astype(float)
    school = rng.integers(-10, 10, n).astype(float)
    return space, node, school


def dense_enumeration(
    space: TriadSpace,
    edge_adjustment: np.ndarray,
    node_adjustment: np.ndarray,
    school_adjustment: np.ndarray,
    threshold: float,
) -> list[tuple[int, int, int, float]]:
    """The reference: every triad (i < j < k) whose adjusted value reaches `threshold`, with that
    value, one triangle at a time. Adjusted value: the three edge weights minus `edge_adjustment`,
    minus the members' `node_adjustment`, minus the smallest `school_adjustment` among them."""
    weight = space.weight - edge_adjustment
    hits = []
    for i, j, k in itertools.combinations(range(len(space.teachers)), 3):
        value = weight[i, j] + weight[j, k] + weight[i, k]
        value -= node_adjustment[i] + node_adjustment[j] + node_adjustment[k]
        value -= min(school_adjustment[i], school_adjustment[j], school_adjustment[k])
        if value >= threshold:
            hits.append((i, j, k, float(value)))
    return hits


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("threshold", [-40.0, 0.0, 15.0, 30.0])
def test_triad_hits_are_the_dense_enumerations(seed: int, threshold: float) -> None:
    # low thresholds take the every-triangle path, high ones the heavy-edge one; ties of
    # integer weights are everywhere
    space, node, school = random_space(seed, 14, 0.7)
    edge = np.zeros_like(space.weight)
    dense = sorted(
        dense_enumeration(space, edge, node, school, threshold),
        key=lambda hit: (-hit[3], *hit[:3]),
    )
    hits = triad_pricing.triad_hits(space, edge, node, school, threshold, None)
    assert hits == dense
    pooled = triad_pricing.triad_hits(space, edge, node, school, threshold, 5)
    assert pooled == dense[:5]


def test_a_triad_of_three_equal_edges_at_the_threshold_is_found() -> None:
    # the heavy-edge search's boundary: a triad worth exactly the threshold whose three edges
    # weigh a third of it each (the heaviest edge no heavier than that); the other edges are light
    n = 6
    weight = np.full((n, n), 1.0)
    np.fill_diagonal(weight, -np.inf)
    for i, j in itertools.combinations(range(3), 2):
        weight[i, j] = weight[j, i] = 10.0
    period = RotationPeriod("year", ("c1",))
    space = TriadSpace(period, [f"t{i}" for i in range(n)], weight, ["s"] * n)
    zeros = np.zeros(n)
    hits = triad_pricing.triad_hits(space, np.zeros((n, n)), zeros, zeros, 30.0, None)
    assert hits == [(0, 1, 2, 30.0)]
    assert triad_pricing.triad_hits(space, np.zeros((n, n)), zeros, zeros, 30.5, None) == []


@pytest.mark.parametrize("name", SAMPLES)
def test_the_pair_arrays_make_the_pair_columns(name: str) -> None:
    candidates = candidates_of(load_roster(INSTANCES / name))
    pairs = pair_arrays(candidates)
    columns = pair_columns(candidates)
    assert len(pairs) == len(columns)
    assert [pairs.column(j) for j in range(len(pairs))] == columns
    assert pairs.value.tolist() == [column.value for column in columns]

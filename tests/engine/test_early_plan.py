"""The early plan of large rosters: the star bound holds (and is tight where it should be), the
best-first partnerships keep the relaxation's rules, and a solve that takes the early path still
returns a checked plan with an honest bound, even with almost no time."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from pairwise.engine import pipeline, relaxation
from pairwise.engine.candidates import Candidates
from pairwise.engine.columns import pair_columns, pair_visit_needs, visit_needs, visit_ways
from pairwise.engine.matching import partnerships_value, quick_partnerships
from pairwise.engine.pipeline import solve
from pairwise.engine.relaxation import column_model, star_bound, valid_for_relaxation
from pairwise.engine.search import SearchSettings, run_search
from pairwise.roster.models import Roster
from pairwise.roster.objective import Scoring
from tests.builders import every_column, make_roster, staggered
from tests.helpers import assert_plan_valid, load_fixture
from tests.strategies import rosters


def candidates_of(roster: Roster) -> Candidates:
    return Candidates(roster, Scoring(roster))


def relaxation_optimum(candidates: Candidates) -> int | None:
    model, _variables = column_model(candidates, every_column(candidates))
    outcome = run_search(model, SearchSettings(), 20.0)
    assert outcome.status in ("optimal", "infeasible")
    return outcome.objective


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(rosters(max_teachers=7, max_cycles=2, max_weeks=2, max_periods=4, coaches=False))
def test_the_star_bound_holds_and_quick_partnerships_keep_the_rules(roster: Roster) -> None:
    candidates = candidates_of(roster)
    columns = pair_columns(candidates)
    optimum = relaxation_optimum(candidates)
    if optimum is not None:
        assert star_bound(candidates, columns) >= optimum
    chosen = quick_partnerships(candidates, columns)
    if chosen is not None:
        assert valid_for_relaxation(candidates, chosen)
        assert optimum is not None and partnerships_value(candidates, chosen) <= optimum


def test_the_star_bound_is_tight_on_one_pair() -> None:
    # two teachers: each one's best share is half their pair, so the bound is the optimum itself
    # (a bound one lower would cut the only solution off)
    roster = make_roster(staggered(["a", "b"], 4, priority="x", strengths=["x"]))
    candidates = candidates_of(roster)
    optimum = relaxation_optimum(candidates)
    assert optimum is not None
    assert star_bound(candidates, pair_columns(candidates)) == optimum
    assert star_bound(candidates) == optimum


def test_a_triad_share_counts_in_the_star_bound() -> None:
    # three teachers who complement each other: the triad beats any pair (a third teacher would
    # be unpaired), and the bound must reach the triad's value
    roster = make_roster(staggered(["a", "b", "c"], 4, priority="x", strengths=["x"]))
    candidates = candidates_of(roster)
    optimum = relaxation_optimum(candidates)
    pairs_only = max(c.value for c in pair_columns(candidates)) - 3 * 1000
    assert optimum is not None and optimum > pairs_only
    assert star_bound(candidates, pair_columns(candidates)) >= optimum


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(rosters(max_teachers=7, max_cycles=2, max_weeks=2, max_periods=4))
def test_pair_needs_written_out_match_the_general_rule(roster: Roster) -> None:
    candidates = candidates_of(roster)
    for period in candidates.periods:
        for a, b in candidates.pair_edges[period.id] + candidates.triad_edges[period.id]:
            for cycle in period.cycles:
                general = visit_needs(candidates, visit_ways(candidates, (a, b)), cycle)
                assert pair_visit_needs(candidates, a, b, cycle) == general


# 0: out of time once the early plan is in, however fast the machine
@pytest.mark.parametrize("time_limit", [0.0, 20.0])
def test_the_early_path_always_ends_with_a_checked_plan(
    monkeypatch: pytest.MonkeyPatch, time_limit: float
) -> None:
    roster = load_fixture("oakridge-tiny")
    monkeypatch.setattr(pipeline, "EARLY_PLAN_PAIRS", 0)
    result = solve(roster, time_limit=time_limit, workers=1)
    assert "early_seconds" in result.stats
    assert result.plan is not None and result.bound is not None and result.objective is not None
    report = assert_plan_valid(roster, result.plan)
    assert report.objective == result.objective <= result.bound
    if time_limit < 1:
        assert result.stats.get("relaxation_skipped") == 1  # out of time after the early plan
    else:
        full = solve(roster, time_limit=time_limit, workers=1)
        assert full.status == result.status == "optimal"
        assert result.objective == full.objective


def test_nobody_partnered_is_the_last_early_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    # when the best-first pairs fail, the early plan is everyone unpaired: still a checked plan
    roster = make_roster(staggered(["a", "b", "c", "d"], 4))
    monkeypatch.setattr(pipeline, "EARLY_PLAN_PAIRS", 0)
    monkeypatch.setattr(pipeline, "quick_partnerships", lambda _candidates, _columns=None: None)
    result = solve(roster, time_limit=0.0, workers=1)  # out of time once the early plan is in
    assert result.plan is not None and result.objective is not None and result.bound is not None
    assert result.plan.partnerships == []
    report = assert_plan_valid(roster, result.plan)
    assert report.objective == result.objective == -4 * 1000 < result.bound
    assert result.status == "feasible"


@pytest.mark.parametrize("limit", [0, 10**9])
def test_the_relaxations_fallback_on_a_large_roster_is_the_best_first_choice(
    monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    # past GREEDY_MATCHING_PAIRS the fallback must not build the NetworkX matching (cubic, and
    # gigabytes of graph at 3,000 teachers): the best-first choice from the pair tables instead
    roster = load_fixture("oakridge-tiny")
    candidates = candidates_of(roster)
    monkeypatch.setattr(relaxation, "GREEDY_MATCHING_PAIRS", limit)
    calls: list[str] = []

    def matching(_candidates: Candidates, _columns: object = None) -> None:
        calls.append("matching")
        return None

    monkeypatch.setattr(relaxation, "greedy_partnerships", matching)
    incumbent = relaxation._Incumbent()
    kept = relaxation._offer_greedy(candidates, incumbent)
    if limit == 0:
        assert calls == [] and kept and incumbent.columns is not None
        assert valid_for_relaxation(candidates, incumbent.columns)
        assert incumbent.value == partnerships_value(candidates, incumbent.columns)
    else:
        assert calls == ["matching"] and not kept

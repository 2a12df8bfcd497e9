"""What-if runs: parsing --vary, the warm-start grid, the words and chart, and monotone budgets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from pairwise.cli.app import main
from pairwise.errors import InputError
from pairwise.generate.rosters import generate_roster
from pairwise.roster.models import Roster
from pairwise.roster.objective import empty_terms
from pairwise.runs.whatif import (
    BUDGET_FIELDS,
    MAX_VARIANTS,
    Axis,
    VariantOutcome,
    grid,
    marginal_values,
    parse_axes,
    parse_vary,
    run_whatif,
    variant_roster,
    warm_start_parents,
    write_chart,
)
from tests.builders import greedy_engine
from tests.helpers import assert_plan_valid, fixture_path, load_fixture
from tests.strategies import rosters

# --- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field", "values"),
    [
        ("release_budget=0:80:10", "release_budget", (0, 10, 20, 30, 40, 50, 60, 70, 80)),
        ("cover_per_period=0:3", "cover_per_period", (0, 1, 2, 3)),
        ("cover_per_period=2", "cover_per_period", (2,)),
        (" repeat_window_years = 1:3 ", "repeat_window_years", (1, 2, 3)),
        ("weights.cover=5,0,1,1", "weights.cover", (0, 1, 5)),
        ("sabbatical_visits_per_coachee=0:4:2", "sabbatical_visits_per_coachee", (0, 2, 4)),
    ],
)
def test_vary_reads_ranges_with_stop_included(
    text: str, field: str, values: tuple[int, ...]
) -> None:
    assert parse_vary(text) == Axis(field, values)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("release_budget", "write FIELD=START:STOP[:STEP]"),
        ("release_budgt=0:8", "did you mean 'release_budget'?"),
        ("rotation=0:1", "'rotation' is not a count"),
        ("weights.complment=1:3", "did you mean 'weights.complement'?"),
        ("release_budget=-2:8", "cannot be negative"),
        ("release_budget=0:8:0", "STEP must be at least 1"),
        ("release_budget=8:0", "STOP 0 is below START 8"),
        ("release_budget=0:10:3", "would end at 9"),
        ("release_budget=0:ten", "'ten' is not a whole number"),
        ("release_budget=0:1:2:3", "has 4 parts"),
    ],
)
def test_vary_errors_name_the_option_and_say_why(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_vary(text)
    (problem,) = caught.value.problems
    assert problem.path == "--vary"
    assert message in problem.message


def test_axes_refuse_a_field_twice_and_too_many_variants() -> None:
    with pytest.raises(InputError, match="'release_budget' is varied twice"):
        parse_axes(["release_budget=0:2", "release_budget=4"])
    with pytest.raises(InputError, match=f"over the limit of {MAX_VARIANTS}"):
        parse_axes(["release_budget=0:100", "cover_per_period=0:10"])
    with pytest.raises(InputError) as caught:
        parse_axes(["nope=1", "release_budget=3:1"])
    assert len(caught.value.problems) == 2  # every problem at once


def test_variant_roster_sets_policy_counts_and_weights() -> None:
    roster = load_fixture("oakridge-tiny")
    changed = variant_roster(roster, {"release_budget": 40, "weights.cover": 7})
    assert changed.policy.release_budget == 40
    assert changed.policy.weights.cover == 7
    assert roster.policy.release_budget == 6  # the original is untouched


def test_whatif_cli_exits_2_naming_the_option() -> None:
    roster = str(fixture_path("oakridge-tiny"))
    runner = CliRunner()
    result = runner.invoke(main, ["whatif", roster, "--vary", "release_budgt=0:3"])
    assert result.exit_code == 2
    assert "--vary" in result.output and "did you mean 'release_budget'?" in result.output
    result = runner.invoke(
        main, ["whatif", roster, "--vary", "release_budget=0:3", "--chart", "out.pdf"]
    )
    assert result.exit_code == 2 and "--chart" in result.output
    result = runner.invoke(
        main, ["whatif", roster, "--vary", "cover_per_period=0:1", "--time-limit", "0"]
    )
    assert result.exit_code == 2 and "--time-limit" in result.output
    result = runner.invoke(main, ["whatif", roster])
    assert result.exit_code == 2 and "--vary" in result.output


# --- the warm-start grid -------------------------------------------------------------------


def _steps_down_one(axes: list[Axis], child: tuple[int, ...], parent: tuple[int, ...]) -> bool:
    differences = [c - p for c, p in zip(child, parent, strict=True)]
    return sorted(differences) == [0] * (len(axes) - 1) + [1]


@pytest.mark.parametrize("slots", [1, 2, 3, 8])
def test_every_warm_start_is_one_step_below(slots: int) -> None:
    for axes in (
        [Axis("release_budget", tuple(range(0, 90, 10)))],
        [Axis("release_budget", (0, 5, 10)), Axis("cover_per_period", (0, 1, 2, 3))],
        [Axis("cover_per_period", (1,)), Axis("release_budget", (0, 5))],
    ):
        parents = warm_start_parents(axes, slots)
        assert set(parents) == set(grid(axes))
        for child, parent in parents.items():
            assert parent is None or _steps_down_one(axes, child, parent)


def test_one_field_is_cut_into_a_chain_per_slot() -> None:
    axes = [Axis("release_budget", tuple(range(0, 90, 10)))]
    assert [index for index, parent in warm_start_parents(axes, 1).items() if parent is None] == [
        (0,)
    ]
    # two slots: two chains, 0..30 and 40..80, the second started from scratch
    cold = [index for index, parent in warm_start_parents(axes, 2).items() if parent is None]
    assert cold == [(0,), (4,)]


def test_a_grid_starts_from_one_corner_when_the_earlier_fields_fill_the_slots() -> None:
    axes = [Axis("release_budget", (0, 5, 10)), Axis("cover_per_period", (0, 1, 2))]
    parents = warm_start_parents(axes, 2)
    assert [index for index, parent in parents.items() if parent is None] == [(0, 0)]
    assert parents[(2, 0)] == (1, 0) and parents[(2, 2)] == (2, 1)


# --- words and chart ------------------------------------------------------------------------


def _outcome(variant: dict[str, int], objective: int, covered: int, **terms: int) -> VariantOutcome:
    full = empty_terms()
    full.update(terms)
    assert sum(full.values()) == objective
    return VariantOutcome(variant, "optimal", objective, objective, full, covered, 0.1)


def test_marginal_values_say_what_a_step_buys() -> None:
    roster = load_fixture("oakridge-tiny")  # default weights: complement 10, cover 1
    axes = [Axis("release_budget", (0, 10, 20))]
    outcomes = [
        _outcome({"release_budget": 0}, 96, 4, complement=100, cover=-4),
        # 10 more covered visits: 6 more complementary matches (+60), a repeat partner (-20)
        _outcome({"release_budget": 10}, 126, 14, complement=160, cover=-14, repeat=-20),
        _outcome({"release_budget": 20}, 142, 14, complement=160, cover=-14, repeat=-4),
    ]
    assert marginal_values(roster, axes, outcomes) == [
        "release_budget 0 → 10: 10 more covered visits buy 6 more complementary matches, "
        "at the cost of 20 points more repeat penalty (objective +30)",
        "release_budget 10 → 20: 16 points less repeat penalty (objective +16)",
    ]


def test_marginal_values_name_costs_and_budgets_that_do_not_bind() -> None:
    roster = load_fixture("oakridge-tiny")
    axes = [Axis("cover_per_period", (0, 1, 2))]
    outcomes = [
        _outcome({"cover_per_period": 0}, -980, 0, complement=20, unpaired=-1000),
        _outcome({"cover_per_period": 1}, 8, 2, complement=10, cover=-2),
        _outcome({"cover_per_period": 2}, 8, 2, complement=10, cover=-2),
    ]
    assert marginal_values(roster, axes, outcomes) == [
        "cover_per_period 0 → 1: 2 more covered visits buy 1 fewer unpaired teacher, "
        "at the cost of 1 fewer complementary match (objective +988)",
        "cover_per_period 1 → 2: no change (the limit does not bind)",
    ]


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_chart_is_written(tmp_path: Path, suffix: str) -> None:
    axes = [Axis("release_budget", (0, 10)), Axis("cover_per_period", (0, 1))]
    outcomes = [
        _outcome({"release_budget": b, "cover_per_period": c}, 10 * b + c, b, complement=10 * b + c)
        for b in (0, 10)
        for c in (0, 1)
    ]
    target = tmp_path / f"chart{suffix}"
    write_chart(axes, outcomes, target)
    head = target.read_bytes()[:64]
    assert head.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in target.read_bytes()


def test_chart_refuses_other_formats(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        write_chart([Axis("release_budget", (0,))], [], tmp_path / "chart.pdf")
    assert caught.value.problems[0].path == "--chart"


# --- running variants ---------------------------------------------------------------------


def test_variants_run_on_the_pool_with_warm_starts_from_below() -> None:
    roster = load_fixture("oakridge-tiny")
    axes = parse_axes(["release_budget=0:6:2", "cover_per_period=0:1"])
    outcomes = run_whatif(roster, axes, time_limit=5, workers=2, solver=greedy_engine)
    assert [outcome.variant for outcome in outcomes] == [
        {"release_budget": budget, "cover_per_period": cover}
        for budget in (0, 2, 4, 6)
        for cover in (0, 1)
    ]
    parents = warm_start_parents(axes, 2)
    for index, outcome in zip(grid(axes), outcomes, strict=True):
        parent = parents[index]
        expected = None
        if parent is not None:
            expected = {
                "release_budget": axes[0].values[parent[0]],
                "cover_per_period": axes[1].values[parent[1]],
            }
        assert outcome.hint_from == expected
        assert outcome.plan is not None
        assert_plan_valid(variant_roster(roster, outcome.variant), outcome.plan)
        data = outcome.as_json_data()
        assert set(data) >= {"variant", "status", "objective", "terms", "covered_visits", "gap"}
        assert data["covered_visits"] == outcome.plan.metrics.covered_visits
        assert data["objective"] == sum(data["terms"].values())


def test_cold_runs_have_no_warm_start() -> None:
    roster = load_fixture("oakridge-tiny")
    axes = parse_axes(["cover_per_period=0:2"])
    outcomes = run_whatif(roster, axes, time_limit=5, workers=1, warm=False, solver=greedy_engine)
    assert all(outcome.hint_from is None for outcome in outcomes)


def test_a_district_roster_varies_as_a_district() -> None:
    roster = generate_roster(40, schools=2, kind="mixed", seed=5)
    axes = parse_axes(["release_budget=0:4:4"])
    outcomes = run_whatif(roster, axes, time_limit=5, workers=1, solver=greedy_engine)
    for outcome in outcomes:
        assert outcome.plan is not None
        assert_plan_valid(variant_roster(roster, outcome.variant), outcome.plan)


# --- with the engine -------------------------------------------------------------------------


def _assert_monotone(roster: Roster, field: str, values: tuple[int, ...]) -> list[VariantOutcome]:
    outcomes = run_whatif(roster, [Axis(field, values)], time_limit=20, workers=1)
    proven = [outcome for outcome in outcomes if outcome.status == "optimal"]
    if len(proven) == len(outcomes):
        objectives = [outcome.objective or 0 for outcome in outcomes]
        assert objectives == sorted(objectives), (field, objectives)
    for outcome in outcomes:
        if outcome.plan is not None:
            assert_plan_valid(variant_roster(roster, outcome.variant), outcome.plan)
    return outcomes


@pytest.mark.parametrize("field", BUDGET_FIELDS)
def test_objective_never_falls_as_a_budget_grows(field: str) -> None:
    roster = load_fixture("oakridge-tiny")
    outcomes = _assert_monotone(roster, field, (0, 1, 2, 3, 4, 6))
    assert all(outcome.status == "optimal" for outcome in outcomes)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rosters(max_teachers=6, max_schools=1, max_periods=3, max_cycles=1, max_weeks=1))
def test_objective_never_falls_as_a_budget_grows_on_tiny_rosters(roster: Roster) -> None:
    _assert_monotone(roster, "release_budget", (0, 1, 2, 4))
    _assert_monotone(roster, "cover_per_period", (0, 1, 2))


def test_whatif_cli_prints_json_and_draws_the_chart(tmp_path: Path) -> None:
    chart = tmp_path / "terms.svg"
    result = CliRunner().invoke(
        main,
        [
            "whatif",
            str(fixture_path("oakridge-tiny")),
            "--vary",
            "release_budget=0:4:2",
            "--json",
            "--chart",
            str(chart),
            "--workers",
            "1",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    data: list[dict[str, Any]] = json.loads(result.stdout)
    assert [entry["variant"] for entry in data] == [{"release_budget": b} for b in (0, 2, 4)]
    for entry in data:
        assert entry["status"] in ("optimal", "feasible")
        assert entry["objective"] == sum(entry["terms"].values())
        assert isinstance(entry["covered_visits"], int)
        assert 0.0 <= entry["gap"] <= 1.0
    assert chart.exists() and b"<svg" in chart.read_bytes()


def test_whatif_cli_prints_a_table_and_the_marginal_values() -> None:
    result = CliRunner().invoke(
        main,
        [
            "whatif",
            str(fixture_path("oakridge-tiny")),
            "--vary",
            "cover_per_period=0:1",
            "--workers",
            "1",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "what if" in result.stdout and "objective" in result.stdout
    assert "cover_per_period 0 → 1: " in result.stdout


def test_whatif_cli_exits_3_when_no_variant_has_a_plan(tmp_path: Path) -> None:
    data = json.loads(fixture_path("oakridge-tiny").read_text())
    data["relations"].append({"a": "t01", "b": "t06", "kind": "lock"})  # t06 evaluates t01
    roster_path = tmp_path / "locked.json"
    roster_path.write_text(json.dumps(data))
    result = CliRunner().invoke(
        main,
        ["whatif", str(roster_path), "--vary", "cover_per_period=0:1", "--json", "--quiet"],
    )
    assert result.exit_code == 3, result.output
    entries = json.loads(result.stdout)
    assert [entry["status"] for entry in entries] == ["infeasible", "infeasible"]
    assert all(entry["objective"] is None and entry["terms"] == {} for entry in entries)

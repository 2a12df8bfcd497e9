"""The summary says in words what the bound proves: optimal, or how far the plan may be from the
best when the time ran out first (a large roster's honest gap)."""

from __future__ import annotations

from rich.console import Console

from pairwise.cli.summary import print_summary
from pairwise.engine.pipeline import solve
from pairwise.roster.models import Plan
from tests.helpers import assert_plan_valid, load_fixture


def summary_text(plan: Plan) -> str:
    roster = load_fixture("oakridge-tiny.json")
    console = Console(record=True, width=200)
    print_summary(console, roster, plan, None)
    return " ".join(console.export_text().split())


def solved() -> Plan:
    roster = load_fixture("oakridge-tiny.json")
    result = solve(roster, time_limit=20.0, workers=1)
    assert result.status == "optimal" and result.plan is not None
    assert_plan_valid(roster, result.plan)
    return result.plan


def test_an_optimal_plan_is_said_to_be_proven() -> None:
    text = summary_text(solved())
    assert "proven optimal: no plan of this roster is worth more" in text
    assert "not proven" not in text


def test_a_plan_short_of_its_bound_says_how_far_it_may_be() -> None:
    plan = solved()
    assert plan.objective is not None
    bound = plan.objective + 50
    short = plan.model_copy(update={"status": "feasible", "bound": bound, "gap": 50 / abs(bound)})
    text = summary_text(short)
    assert f"not proven in the time limit: no plan is worth more than {bound}" in text
    assert f"{50 / abs(bound):.2%} above this one" in text
    assert "proven optimal" not in text

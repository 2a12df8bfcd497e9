"""The trust trend over rolled-over years: `history` shows mean trust and the share of pairs that
asked to continue per year, and the HTML report draws them as a small chart."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from pairwise.analysis.history import rotation_history
from pairwise.cli.app import main
from pairwise.interchange.export.report import render_report
from pairwise.roster.models import Plan, Roster
from pairwise.roster.rollover import Feedback, PartnerAnswer, roll_over
from tests.helpers import load_fixture, load_plan_fixture

# the plan's pairs: t01-t02, t03-t05, t04-t06, t04-t07, t06-t07 (coach t05 visits t07 and t01)


def answers(trust: int, continuing: set[frozenset[str]]) -> Feedback:
    plan = load_plan_fixture("export_oakridge-tiny-plan")
    partners = {}
    for partnership in plan.partnerships:
        for a in partnership.members:
            for b in partnership.members:
                if a != b:
                    partners[a, b] = PartnerAnswer(trust, frozenset((a, b)) in continuing)
    return Feedback(partners=partners)


def two_rolled_years() -> tuple[Roster, Plan]:
    """2026 (trust 4, one pair continues) and 2027 (trust 5, two pairs) rolled into 2028."""
    plan = load_plan_fixture("export_oakridge-tiny-plan")
    first = roll_over(
        load_fixture("oakridge-tiny"), plan, answers(4, {frozenset(("t01", "t02"))})
    ).roster
    second = roll_over(
        first,
        plan,
        answers(5, {frozenset(("t01", "t02")), frozenset(("t04", "t06"))}),
    ).roster
    return second, plan.model_copy(update={"year": 2028})


def test_history_shows_mean_trust_and_who_asked_to_continue_per_year() -> None:
    roster, plan = two_rolled_years()
    report = rotation_history(roster, [plan])
    by_year = {year.year: year for year in report.years}
    assert by_year[2026].mean_trust is not None and by_year[2027].mean_trust is not None
    # peers answered 4 then 5 (0.5, 1.0); the coaching pairs had no answer (0)
    assert by_year[2026].mean_trust < by_year[2027].mean_trust
    assert by_year[2026].continue_share == 0.2 and by_year[2027].continue_share == 0.4
    assert by_year[2028].continue_share is None and by_year[2028].mean_trust is None
    data = report.as_dict()
    assert [y["continue_share"] for y in data["years"] if y["year"] >= 2026] == [0.2, 0.4, None]


def test_history_command_prints_the_trend(tmp_path: Path) -> None:
    roster, plan = two_rolled_years()
    folder = tmp_path
    (folder / "roster.json").write_text(roster.as_json())
    (folder / "plan.json").write_text(plan.as_json())
    result = CliRunner().invoke(
        main, ["history", str(folder / "roster.json"), str(folder / "plan.json")]
    )
    assert result.exit_code == 0, result.output
    assert "asked to" in result.output and "40%" in result.output
    as_json = CliRunner().invoke(
        main, ["history", str(folder / "roster.json"), str(folder / "plan.json"), "--json"]
    )
    years = json.loads(as_json.output)["years"]
    assert [y["continue_share"] for y in years if y["year"] == 2027] == [0.4]


def test_the_report_draws_the_trend_as_a_small_chart() -> None:
    roster, plan = two_rolled_years()
    html = render_report(roster, plan)
    assert '<svg class="trend"' in html
    chart = html[
        html.index('<svg class="trend"') : html.index("</svg>", html.index('class="trend"'))
    ]
    assert chart.count('<rect class="continue"') == 2
    assert chart.count('<circle class="trust"') >= 2
    assert "2026: mean trust" in chart and "40 % of pairs asked to continue" in chart
    # no pair's rating or name appears in the chart
    assert "t01" not in chart


def test_no_chart_without_rated_years() -> None:
    html = render_report(
        load_fixture("oakridge-tiny"), load_plan_fixture("export_oakridge-tiny-plan")
    )
    assert '<svg class="trend"' not in html

"""`pairwise history ROSTER [PLAN...] [--json]`: rotation variety across years."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from pairwise.analysis.history import HistoryReport, rotation_history
from pairwise.cli.wording import counted
from pairwise.interchange.roster_input import read_roster
from pairwise.roster.load import load_plan


@click.command("history")
@click.argument("roster_path", metavar="ROSTER")
@click.argument("plan_paths", metavar="[PLAN]...", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def command(roster_path: str, plan_paths: tuple[str, ...], as_json: bool) -> None:
    """Per-year partnerships and the coaching network of ROSTER's history plus each PLAN."""
    roster = read_roster(roster_path).roster
    plans = [load_plan(path) for path in plan_paths]
    report = rotation_history(roster, plans)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        return
    _print(report)


def _percent(share: float) -> str:
    return f"{100 * share:.0f}%"


def _names(items: list[str], limit: int = 12) -> str:
    if not items:
        return "none"
    shown = ", ".join(items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit} more"


def _print(report: HistoryReport) -> None:
    console = Console()
    years = Table(
        title=f"{report.roster}: partnerships by year",
        caption=f"repeats: pairs partnered within the {report.repeat_window_years} years before",
    )
    years.add_column("year", justify="right")
    years.add_column("from")
    years.add_column("pairs", justify="right")
    years.add_column("repeats", justify="right")
    years.add_column("new partners", justify="right")
    years.add_column("cross-team", justify="right")
    years.add_column("mean trust", justify="right")
    years.add_column("asked to continue", justify="right")
    for year in report.years:
        years.add_row(
            str(year.year),
            " + ".join(year.sources),
            str(year.figures.pairs),
            str(year.figures.repeats),
            _percent(year.figures.new_partner_share),
            _percent(year.figures.cross_team_share),
            _trust_text(year.mean_trust, year.rated_pairs),
            "" if year.continue_share is None else _percent(year.continue_share),
        )
    if report.years:
        console.print(years)
    else:
        console.print("No partnerships yet: the roster has no history and no plan was given.")
    network = report.network
    whole = Table(title="The coaching network", show_header=False)
    whole.add_row("teachers", str(network.teachers))
    whole.add_row("partnerships (distinct pairs)", str(network.edges))
    whole.add_row("components", str(network.components))
    whole.add_row("largest component", _percent(network.largest_component_share))
    whole.add_row(f"never partnered ({len(network.isolated)})", _names(network.isolated))
    if network.fewest_partners is not None:
        whole.add_row(
            f"fewest partners ({network.fewest_partners})",
            _names(network.fewest_partners_teachers),
        )
    whole.add_row(
        f"teams never paired ({len(network.teams_never_paired)})",
        _names([f"{a}–{b}" for a, b in network.teams_never_paired]),
    )
    console.print(whole)


def _trust_text(mean_trust: float | None, rated_pairs: int) -> str:
    """The year's mean trust, or why it is withheld (too few rated pairs to stay anonymous)."""
    if mean_trust is not None:
        return f"{mean_trust:+.2f}"
    if rated_pairs:
        return f"withheld ({counted(rated_pairs, 'rated pair')})"
    return ""

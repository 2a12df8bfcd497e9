"""`pairwise explain ROSTER`: why a roster has no plan, and what to relax."""

from __future__ import annotations

import json
import sys

import click

from pairwise.explanation.diagnose import explain
from pairwise.explanation.report import format_explanation
from pairwise.interchange.roster_input import read_roster

EXIT_FEASIBLE = 0
EXIT_INFEASIBLE = 3
EXIT_UNDECIDED = 4


@click.command("explain")
@click.argument("roster_path", metavar="ROSTER")
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds for the whole explanation.",
)
@click.option(
    "--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Solver threads."
)
def command(roster_path: str, as_json: bool, time_limit: float, workers: int) -> None:
    """Explain why ROSTER ('-' for stdin) has no plan: conflicting rules and checked relaxations.

    Exit 0 when a plan exists, 3 when none can, 4 when the time ran out before deciding.
    """
    source = read_roster(roster_path)
    explanation = explain(source.roster, time_limit=time_limit, workers=workers)
    if as_json:
        click.echo(json.dumps(explanation.as_dict(), indent=2, ensure_ascii=False))
    else:
        # a roster read from a workbook is talked about by its cells, not its JSON paths
        click.echo(source.in_place(format_explanation(explanation)))
    if explanation.status == "infeasible":
        sys.exit(EXIT_INFEASIBLE)
    if explanation.status == "unknown":
        sys.exit(EXIT_UNDECIDED)
    sys.exit(EXIT_FEASIBLE)

"""`pairwise explain ROSTER`: why a roster has no plan, and what to relax."""

from __future__ import annotations

import json
import sys

import click

from pairwise.explanation.diagnose import explain
from pairwise.explanation.report import format_explanation
from pairwise.interchange.roster_input import read_roster
from pairwise.roster.load import load_plan
from pairwise.roster.models import Roster

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
@click.option(
    "--was",
    "was_path",
    metavar="PLAN",
    default=None,
    help="Explain a re-plan of this plan in force instead (with --from).",
)
@click.option("--from", "start", metavar="DATE", default=None, help="The re-plan's first day.")
def command(
    roster_path: str,
    as_json: bool,
    time_limit: float,
    workers: int,
    was_path: str | None,
    start: str | None,
) -> None:
    """Explain why ROSTER ('-' for stdin) has no plan: conflicting rules and checked relaxations.

    With --was PLAN, why re-planning PLAN from --from DATE has none: the kept sessions that
    conflict with the updated roster first. Exit 0 when a plan exists, 3 when none can, 4 when
    the time ran out before deciding.
    """
    source = read_roster(roster_path)
    if was_path is not None:
        _explain_replan(source.roster, was_path, start, as_json)
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


def _explain_replan(roster: Roster, was_path: str, start: str | None, as_json: bool) -> None:
    """Conflicts of the kept part of the year with the updated roster; exits."""
    from pairwise.explanation.replan import replan_conflicts
    from pairwise.runs.replan import check_replan_inputs

    plan = load_plan(was_path)
    first_day = check_replan_inputs(roster, plan, start)
    conflicts = replan_conflicts(roster, plan, first_day)
    if as_json:
        status = "infeasible" if conflicts else "unknown"
        click.echo(json.dumps({"status": status, "conflicts": conflicts}, indent=2))
    elif conflicts:
        click.echo(f"re-planning from {first_day} has no plan:")
        for conflict in conflicts:
            click.echo(f"- {conflict}")
    else:
        click.echo(
            "the kept sessions conflict with nothing by themselves; run `pairwise explain` on the "
            "updated roster alone for its own conflicts"
        )
    sys.exit(EXIT_INFEASIBLE if conflicts else EXIT_UNDECIDED)

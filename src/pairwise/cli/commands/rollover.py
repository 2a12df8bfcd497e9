"""`pairwise rollover ROSTER PLAN [--feedback FILE]... [--year Y] -o NEXT`: next year's roster."""

from __future__ import annotations

import click

from pairwise.files import write_atomic
from pairwise.roster.load import load_roster
from pairwise.runs.rollover import load_plans, rollover


@click.command("rollover")
@click.argument("roster_path", metavar="ROSTER")
@click.argument("plan_path", metavar="PLAN")
@click.option(
    "--feedback",
    "feedback",
    multiple=True,
    metavar="FILE",
    help="The survey's answers: a workbook, a CSV folder, or a folder of per-teacher forms "
    "(repeat for several).",
)
@click.option("--year", type=int, default=None, help="The new year (default: the roster's + 1).")
@click.option(
    "-o", "--output", required=True, metavar="NEXT", help="Next year's roster ('-': stdout)."
)
def command(
    roster_path: str, plan_path: str, feedback: tuple[str, ...], year: int | None, output: str
) -> None:
    """Next year's roster from ROSTER, PLAN (a plan, or the folder `solve --years` wrote) and the
    survey's answers; prints what was carried, changed, dropped, who gave no answer and what is
    left to do."""
    if roster_path == "-" and plan_path == "-":
        raise click.UsageError("only one of ROSTER and PLAN can be standard input ('-')")
    roster = load_roster(roster_path)
    plans = load_plans(plan_path)
    result = rollover(roster, plans, feedback, year=year)
    text = result.roster.as_json()
    to_stdout = output == "-"
    click.echo(result.report.as_text(), nl=False, err=to_stdout)
    if to_stdout:
        click.echo(text, nl=False)
        return
    write_atomic(output, text)
    click.echo(f"wrote {output}: {result.roster.name}, year {result.roster.year}")

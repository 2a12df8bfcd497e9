"""`pairwise survey ROSTER PLAN --to FILE.xlsx|DIR [--per-teacher]`: the spring feedback form."""

from __future__ import annotations

from pathlib import Path

import click

from pairwise.interchange.survey.form import write_survey
from pairwise.roster.load import load_plan, load_roster


@click.command("survey")
@click.argument("roster_path", metavar="ROSTER")
@click.argument("plan_path", metavar="PLAN")
@click.option(
    "--to",
    "target",
    required=True,
    metavar="FILE.xlsx|DIR",
    help="A workbook (.xlsx), or a folder: its sheets as CSV files, or the per-teacher forms.",
)
@click.option(
    "--per-teacher",
    is_flag=True,
    help="One form per teacher (<id>.xlsx) holding that teacher's rows only.",
)
def command(roster_path: str, plan_path: str, target: str, per_teacher: bool) -> None:
    """Write the feedback form for PLAN's year: partnerships (trust 1-5, continue yes/no, what
    helped), sabbatical coaching (useful 1-5), next year's priorities, strengths, coaching topics
    and tandem, and each team's next priority."""
    if roster_path == "-" and plan_path == "-":
        raise click.UsageError("only one of ROSTER and PLAN can be standard input ('-')")
    roster = load_roster(roster_path)
    plan = load_plan(plan_path)
    written = write_survey(roster, plan, target, per_teacher=per_teacher)
    if per_teacher:
        click.echo(f"wrote {len(written)} forms, one per teacher, into {target}")
    elif Path(target).suffix.lower() == ".xlsx":
        click.echo(f"wrote the survey workbook {target}")
    else:
        click.echo(f"wrote {len(written)} CSV sheets into {target}")
    click.echo(
        f"when the answers are in: pairwise rollover {roster_path} {plan_path} "
        f"--feedback {target} -o next.json"
    )

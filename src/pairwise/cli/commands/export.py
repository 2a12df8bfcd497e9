"""`pairwise export ROSTER PLAN --to DIR`: calendars, spreadsheets and an HTML report for people."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from pairwise.interchange.export.bundle import export_plan
from pairwise.interchange.roster_input import read_roster
from pairwise.roster.load import load_plan


@click.command("export")
@click.argument("roster_path", metavar="ROSTER")
@click.argument("plan_path", metavar="PLAN")
@click.option(
    "--to",
    "directory",
    required=True,
    metavar="DIR",
    help=(
        "Folder to write into (created if missing). Files already there are replaced; those an"
        " earlier export wrote and this plan no longer has are removed."
    ),
)
def command(roster_path: str, plan_path: str, directory: str) -> None:
    """Write PLAN's calendars (all.ics, teachers/<id>.ics), teacher pages (teachers/<id>.html), CSV
    files and report.html into DIR."""
    if roster_path == "-" and plan_path == "-":
        raise click.UsageError("only one of ROSTER and PLAN can be standard input ('-')")
    roster = read_roster(roster_path).roster
    plan = load_plan(plan_path)
    summary = export_plan(roster, plan, directory)
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    table = Table(title=f"exported to {summary.directory}", show_header=False)
    table.add_row("all.ics", f"{summary.sessions} sessions")
    table.add_row(
        "teachers/",
        f"{summary.teacher_calendars} calendars and as many printable pages, one per teacher "
        "(only their sessions, with their guides and roadmap)",
    )
    for name in ("partnerships.csv", "visits.csv", "sabbatical_visits.csv", "tables.csv"):
        table.add_row(name, "spreadsheet (UTF-8)")
    table.add_row("report.html", "self-contained report: open it in a browser")
    if summary.sequence_raised:
        table.add_row(
            "changed", f"{summary.sequence_raised} sessions changed since the last export"
        )
    if summary.removed:
        table.add_row(
            "removed",
            f"{len(summary.removed)} files of the last export this plan no longer has",
        )
    Console(highlight=False).print(table)
    click.echo(f"wrote {len(summary.files)} files")

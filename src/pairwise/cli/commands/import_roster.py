"""`pairwise import SOURCE -o ROSTER`: a workbook, a folder of CSV sheets or a OneRoster export."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import cast

import click

from pairwise.cli.wording import counted
from pairwise.errors import InputError, Problem
from pairwise.files import write_atomic
from pairwise.interchange.workbook.layout import ImportResult, import_workbook

ONE_ROSTER_ONLY = ("--bell-schedule", "--year", "--timezone", "--teams")


def _looks_like_oneroster(source: Path) -> bool:
    if source.is_dir():
        return any(entry.name.lower() == "manifest.csv" for entry in source.iterdir())
    return source.suffix.lower() == ".zip"


@click.command("import")
@click.argument("source", metavar="WORKBOOK.xlsx|FOLDER|EXPORT.zip")
@click.option(
    "-o", "--output", required=True, metavar="ROSTER", help="Roster to write ('-': stdout)."
)
@click.option("--oneroster", is_flag=True, help="SOURCE is a OneRoster 1.1/1.2 bulk CSV export.")
@click.option(
    "--bell-schedule",
    metavar="FILE",
    help="OneRoster: CSV of period,day,start,end (blank day: every weekday).",
)
@click.option("--year", type=int, help="OneRoster: the school year to read (its first year).")
@click.option("--timezone", metavar="TZ", help="OneRoster: IANA time zone, e.g. America/Toronto.")
@click.option(
    "--teams",
    type=click.Choice(["auto", "grade", "subject"]),
    default="auto",
    show_default=True,
    help="OneRoster: teams by grade, by subject, or grade for homeroom teachers else subject.",
)
def command(
    source: str,
    output: str,
    oneroster: bool,
    bell_schedule: str | None,
    year: int | None,
    timezone: str | None,
    teams: str,
) -> None:
    """Read a workbook (or its sheets as CSV files) or a OneRoster export into a roster.

    Every problem is named by sheet and cell (Teachers!C14: ...); nothing is written then.
    """
    path = Path(source)
    if not path.exists():
        raise InputError([Problem(source, "no such file or folder")])
    if oneroster:
        from pairwise.interchange.oneroster.importer import TeamRule, read_oneroster

        result: ImportResult = read_oneroster(
            path,
            bell_schedule=bell_schedule,
            timezone=timezone,
            year=year,
            teams=cast(TeamRule, teams),  # click.Choice checked it
        )
    else:
        given = [
            name
            for name, value in zip(
                ONE_ROSTER_ONLY,
                (bell_schedule, year, timezone, None if teams == "auto" else teams),
                strict=True,
            )
            if value is not None
        ]
        if given or _looks_like_oneroster(path):
            reason = (
                f"{', '.join(given)} only apply" if given else "this looks like a OneRoster export"
            )
            raise InputError(
                [Problem(source, f"{reason}: add --oneroster to read a OneRoster export")]
            )
        result = import_workbook(path)
    roster = result.roster
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    text = roster.as_json()
    if output == "-":
        sys.stdout.write(text)
    else:
        write_atomic(output, text)
    click.echo(
        f"wrote {'stdout' if output == '-' else output}: "
        f"{counted(len(roster.teachers), 'teacher')}, {counted(len(roster.schools()), 'school')}, "
        f"{counted(len(roster.teams), 'team')}, {counted(len(roster.periods), 'period')}, "
        f"{counted(len(roster.cycles), 'cycle')}",
        err=True,
    )

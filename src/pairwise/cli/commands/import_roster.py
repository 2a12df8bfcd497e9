"""`pairwise import SOURCE -o ROSTER`: a workbook, a folder of CSV sheets, a OneRoster export, or
a timetabling program's file (FET, XHSTT)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import cast

import click

from pairwise.cli.wording import counted
from pairwise.errors import InputError, Problem
from pairwise.files import write_atomic
from pairwise.interchange.roster_input import RosterSource
from pairwise.interchange.workbook.layout import ImportResult
from pairwise.interchange.workbook.read import import_workbook

ONE_ROSTER_ONLY = ("--bell-schedule", "--year", "--timezone", "--teams")
TIMETABLE_SUFFIXES = (".fet", ".xml")
ONEROSTER_TEAMS = ("auto", "grade", "subject")


def _looks_like_oneroster(source: Path) -> bool:
    if source.is_dir():
        return any(entry.name.lower() == "manifest.csv" for entry in source.iterdir())
    return source.suffix.lower() == ".zip"


def _looks_like_timetable(source: Path) -> bool:
    from pairwise.interchange.timetables.read import sniff_format

    if not source.is_file():
        return False
    return source.suffix.lower() in TIMETABLE_SUFFIXES or sniff_format(source) is not None


def _read_oneroster(
    path: Path, bell_schedule: str | None, year: int | None, timezone: str | None, teams: str
) -> ImportResult:
    from pairwise.interchange.oneroster.importer import TeamRule, read_oneroster

    if teams not in ONEROSTER_TEAMS:
        raise InputError(
            [Problem("--teams", f"{teams}: a OneRoster import takes {', '.join(ONEROSTER_TEAMS)}")]
        )
    return read_oneroster(
        path,
        bell_schedule=bell_schedule,
        timezone=timezone,
        year=year,
        teams=cast(TeamRule, teams),  # checked just above
    )


def _read_timetable(
    path: Path,
    kind: str | None,
    teams: str,
    timezone: str | None,
    year: int | None,
    bell_schedule: str | None,
    instance: str | None,
    solution: str | None,
) -> ImportResult:
    from pairwise.interchange.timetables.model import TeamRule
    from pairwise.interchange.timetables.read import TimetableFormat, read_timetable

    # read_timetable reports a rule it does not take along with the file's own problems
    rule = "subject" if teams == "auto" else teams
    return read_timetable(
        path,
        format=cast(TimetableFormat | None, kind),  # from --fet / --xhstt
        timezone=timezone,
        year=year,
        bell_schedule=bell_schedule,
        teams=cast(TeamRule, rule),
        instance=instance,
        solution=solution,
    )


@click.command("import")
@click.argument("source", metavar="WORKBOOK.xlsx|FOLDER|EXPORT.zip|TIMETABLE.fet|ARCHIVE.xml")
@click.option(
    "-o", "--output", required=True, metavar="ROSTER", help="Roster to write ('-': stdout)."
)
@click.option("--oneroster", is_flag=True, help="SOURCE is a OneRoster 1.1/1.2 bulk CSV export.")
@click.option("--fet", is_flag=True, help="SOURCE is a FET file saved with its timetable.")
@click.option("--xhstt", is_flag=True, help="SOURCE is an XHSTT archive holding a solution.")
@click.option(
    "--bell-schedule",
    metavar="FILE",
    help="OneRoster, timetables: CSV of period,day,start,end (blank day: every weekday).",
)
@click.option("--year", type=int, help="OneRoster, timetables: the school year (its first year).")
@click.option(
    "--timezone", metavar="TZ", help="OneRoster, timetables: IANA time zone, e.g. Europe/Paris."
)
@click.option(
    "--teams",
    type=click.Choice(["auto", "grade", "subject", "department", "class"]),
    default="auto",
    show_default=True,
    help="OneRoster: auto|grade|subject; timetables: subject (auto)|department|class.",
)
@click.option("--instance", metavar="ID", help="XHSTT: the instance to read (several in the file).")
@click.option("--solution", metavar="ID", help="XHSTT: the solution group whose times to read.")
def command(
    source: str,
    output: str,
    oneroster: bool,
    fet: bool,
    xhstt: bool,
    bell_schedule: str | None,
    year: int | None,
    timezone: str | None,
    teams: str,
    instance: str | None,
    solution: str | None,
) -> None:
    """Read a workbook (or its sheets as CSV files), a OneRoster export, or a timetable (FET,
    XHSTT; told apart by the file's content) into a roster.

    Every problem is named by sheet and cell (Teachers!C14: ...) or by its place in the file;
    nothing is written then.
    """
    path = Path(source)
    if not path.exists():
        raise InputError([Problem(source, "no such file or folder")])
    chosen = [
        flag
        for flag, given in (("--oneroster", oneroster), ("--fet", fet), ("--xhstt", xhstt))
        if given
    ]
    if len(chosen) > 1:
        raise InputError([Problem(chosen[1], f"cannot be given with {chosen[0]}")])
    timetable = fet or xhstt or (not oneroster and _looks_like_timetable(path))
    xhstt_options = [
        name for name, value in (("--instance", instance), ("--solution", solution)) if value
    ]
    if xhstt_options and not timetable:
        raise InputError([Problem(xhstt_options[0], "only applies to XHSTT archives")])
    if oneroster:
        result = _read_oneroster(path, bell_schedule, year, timezone, teams)
    elif timetable:
        kind = "fet" if fet else "xhstt" if xhstt else None
        result = _read_timetable(
            path, kind, teams, timezone, year, bell_schedule, instance, solution
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
                [
                    Problem(
                        source,
                        f"{reason}: add --oneroster to read a OneRoster export (or --fet, "
                        "--xhstt for a timetable)",
                    )
                ]
            )
        result = import_workbook(path)
    _write(result, output, source)


def _write(result: ImportResult, output: str, source: str) -> None:
    roster = result.roster
    read = RosterSource(roster, source, result.warnings, result.locations, result.topics)
    for warning in read.notices():
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

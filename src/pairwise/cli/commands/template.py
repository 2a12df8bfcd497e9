"""`pairwise template FILE.xlsx [--from ROSTER] [--csv]`: a workbook to fill in, or a roster in one."""

from __future__ import annotations

from pathlib import Path

import click

from pairwise.errors import InputError, Problem
from pairwise.files import write_atomic
from pairwise.interchange.roster_input import read_roster
from pairwise.interchange.workbook.write import template_csv_files, template_workbook


@click.command("template")
@click.argument("output", metavar="FILE.xlsx")
@click.option(
    "--from", "roster_path", metavar="ROSTER", help="Write this roster in ('-' for stdin)."
)
@click.option(
    "--csv", "as_csv", is_flag=True, help="Write the sheets as CSV files into the folder FILE."
)
@click.option("--force", is_flag=True, help="Replace FILE (or the CSV files) if it exists.")
def command(output: str, roster_path: str | None, as_csv: bool, force: bool) -> None:
    """Write a workbook to fill in (blank, with example rows), or ROSTER written into one.

    An existing FILE (a filled-in workbook, likely) is never replaced without --force.
    """
    target = Path(output)
    if not as_csv and target.suffix.lower() != ".xlsx":
        raise InputError(
            [Problem(output, "must end in .xlsx (or give --csv to write a folder of CSV files)")]
        )
    if as_csv and target.exists() and not target.is_dir():
        raise InputError([Problem(output, "is a file; --csv writes a folder of CSV files")])
    roster = read_roster(roster_path).roster if roster_path is not None else None
    what = f"'{roster.name}' ({len(roster.teachers)} teachers)" if roster else "a blank template"
    # everything is built in memory before the first byte is written
    if as_csv:
        files = template_csv_files(roster)
        existing = [name for name in files if (target / name).exists()]
        if existing and not force:
            raise InputError(
                [
                    Problem(
                        str(target / existing[0]),
                        "already exists (it may hold filled-in rows); give --force to replace "
                        "the sheets, or name another folder",
                    )
                ]
            )
        for name, text in files.items():
            write_atomic(target / name, text)
        click.echo(f"wrote {what} as {len(files)} CSV files in {output}")
    else:
        if target.exists() and not force:
            raise InputError(
                [
                    Problem(
                        output,
                        "already exists (it may be a filled-in workbook); give --force to "
                        "replace it, or name another file",
                    )
                ]
            )
        write_atomic(target, template_workbook(roster))
        click.echo(f"wrote {what} to {output}")

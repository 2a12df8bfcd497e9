"""`pairwise template FILE.xlsx [--from ROSTER] [--csv]`: a workbook to fill in, or a roster in one."""

from __future__ import annotations

from pathlib import Path

import click

from pairwise.errors import InputError, Problem
from pairwise.files import write_atomic
from pairwise.interchange.workbook.write import template_csv_files, template_workbook
from pairwise.roster.load import load_roster


@click.command("template")
@click.argument("output", metavar="FILE.xlsx")
@click.option(
    "--from", "roster_path", metavar="ROSTER", help="Write this roster in ('-' for stdin)."
)
@click.option(
    "--csv", "as_csv", is_flag=True, help="Write the sheets as CSV files into the folder FILE."
)
def command(output: str, roster_path: str | None, as_csv: bool) -> None:
    """Write a workbook to fill in (blank, with example rows), or ROSTER written into one."""
    target = Path(output)
    if not as_csv and target.suffix.lower() != ".xlsx":
        raise InputError(
            [Problem(output, "must end in .xlsx (or give --csv to write a folder of CSV files)")]
        )
    if as_csv and target.exists() and not target.is_dir():
        raise InputError([Problem(output, "is a file; --csv writes a folder of CSV files")])
    roster = load_roster(roster_path) if roster_path is not None else None
    what = f"'{roster.name}' ({len(roster.teachers)} teachers)" if roster else "a blank template"
    # everything is built in memory before the first byte is written
    if as_csv:
        files = template_csv_files(roster)
        for name, text in files.items():
            write_atomic(target / name, text)
        click.echo(f"wrote {what} as {len(files)} CSV files in {output}")
    else:
        write_atomic(target, template_workbook(roster))
        click.echo(f"wrote {what} to {output}")

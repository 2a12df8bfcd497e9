"""`pairwise generate --teachers N [--schools K] [--kind ...] --seed S [-o FILE]`: a synthetic roster."""

from __future__ import annotations

import click

from pairwise.files import write_atomic
from pairwise.generate.rosters import generate_roster, roster_text
from pairwise.generate.vocabulary import KINDS


@click.command("generate")
@click.option("--teachers", type=int, required=True, help="Number of teachers in all.")
@click.option("--schools", type=int, default=1, show_default=True, help="Number of schools.")
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    default="elementary",
    show_default=True,
    help="elementary (K-5), secondary (departments), or mixed (K-8; a district's mix).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option("--year", type=int, default=2026, show_default=True, help="The school year.")
@click.option(
    "--compact", is_flag=True, help="Compact JSON (one line) instead of one line per item."
)
@click.option("-o", "--output", default="-", help="Roster file to write ('-' for standard output).")
def command(
    teachers: int, schools: int, kind: str, seed: int, year: int, compact: bool, output: str
) -> None:
    """Generate a realistic synthetic roster (the same seed always gives the same file)."""
    roster = generate_roster(teachers, schools=schools, kind=kind, seed=seed, year=year)
    text = roster_text(roster, compact=compact)
    if output == "-":
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)

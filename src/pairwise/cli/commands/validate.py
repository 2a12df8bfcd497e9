"""`pairwise validate ROSTER`: read and validate only; print what the roster holds."""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.table import Table

from pairwise.cli.roster_advice import print_advice
from pairwise.cli.wording import counted
from pairwise.interchange.roster_input import read_roster

EXIT_NO_PLAN_CAN_EXIST = 3


@click.command("validate")
@click.argument("roster_path", metavar="ROSTER")
def command(roster_path: str) -> None:
    """Read and validate ROSTER ('-' for stdin, a workbook or a folder of CSV sheets); print
    what it holds; exit 2 if malformed, 3 if its own rules conflict so that no plan can exist."""
    source = read_roster(roster_path)
    roster = source.roster
    participating = sum(1 for teacher in roster.teachers if teacher.participates)
    coaches = [teacher.id for teacher in roster.teachers if teacher.sabbatical is not None]
    slots = sum(len(roster.cycle_slots(cycle.id)) for cycle in roster.cycles)
    meetings = sum(len(cycle.meetings) for cycle in roster.cycles)
    table = Table(title=f"{roster.name} ({roster.year})", show_header=False)
    table.add_row("teachers", f"{len(roster.teachers)} ({participating} participating)")
    table.add_row("schools", str(len(roster.schools())))
    table.add_row("teams", str(len(roster.teams)))
    table.add_row("periods", f"{len(roster.periods)} a week")
    table.add_row(
        "cycles", ", ".join(f"{c.id} ({counted(len(c.weeks), 'week')})" for c in roster.cycles)
    )
    table.add_row("slots", str(slots))
    table.add_row("meetings", str(meetings))
    table.add_row("coaches", ", ".join(coaches) if coaches else "none")
    table.add_row(
        "history",
        f"{counted(len(roster.history), 'partnership')}, "
        f"{counted(len(roster.team_history), 'matchup')}",
    )
    table.add_row("relations", str(len(roster.relations)))
    table.add_row("rotation", roster.policy.rotation)
    Console().print(table)
    conflicts = print_advice(source)
    if conflicts:
        click.echo(
            f"well-formed, but no plan can meet every hard rule ({conflicts} conflict"
            f"{'s' if conflicts != 1 else ''} above); `pairwise explain` says what to relax"
        )
        sys.exit(EXIT_NO_PLAN_CAN_EXIST)
    click.echo("valid")

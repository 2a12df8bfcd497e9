"""`pairwise replan ROSTER PLAN [--from DATE]`: re-plan the rest of the year with the fewest changes.

Progress on stderr and a summary after, as for `solve`; the summary adds the changes counted by
kind and listed with why.
"""

from __future__ import annotations

import sys
import threading
from collections import Counter
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from pairwise.cli.commands.solve import (
    EXIT_INFEASIBLE,
    EXIT_INTERRUPTED,
    EXIT_NO_PLAN_IN_TIME,
)
from pairwise.cli.progress import ProgressDisplay
from pairwise.cli.summary import print_summary
from pairwise.files import write_atomic
from pairwise.roster.load import load_plan, load_roster, plan_from_json, read_text
from pairwise.roster.models import Plan

DEFAULT_NEW_PLAN = "replan.json"
LISTED_CHANGES = 40
"""The summary lists this many changes; the plan holds them all."""


@click.command("replan")
@click.argument("roster_path", metavar="ROSTER")
@click.argument("plan_path", metavar="PLAN")
@click.option(
    "--from",
    "start",
    metavar="DATE",
    default=None,
    help="The first day that may change (YYYY-MM-DD; default: today in the roster's time zone).",
)
@click.option(
    "--keep-within",
    type=click.FloatRange(0, 100),
    default=0.0,
    show_default=True,
    metavar="PCT",
    help="Accept an objective this many percent below the best for fewer changes.",
)
@click.option(
    "-o",
    "--output",
    default=None,
    help=f"Where to write the new plan ('-' for stdout; default {DEFAULT_NEW_PLAN}).",
)
@click.option("--time-limit", type=float, default=30.0, show_default=True, help="Seconds.")
@click.option("--seed", type=int, default=0, show_default=True, help="Solver seed.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Solver threads (default 1: the same plan every run; more may break ties differently).",
)
@click.option("--quiet", is_flag=True, help="No progress on stderr.")
def command(
    roster_path: str,
    plan_path: str,
    start: str | None,
    keep_within: float,
    output: str | None,
    time_limit: float,
    seed: int,
    workers: int | None,
    quiet: bool,
) -> None:
    """Re-plan PLAN (the plan in force) for the updated ROSTER from --from DATE on: what
    happened before stays, the rest gets the best objective with the fewest changes."""
    from pairwise.runs.replan import check_replan_inputs, kept_conflicts, replan

    roster = load_roster(roster_path)
    if plan_path == "-":  # standard input can be read once: the plan and its bytes from it
        text = read_text(plan_path)
        plan, data = plan_from_json(text), text.encode()
    else:
        plan, data = load_plan(plan_path), Path(plan_path).read_bytes()
    first_day = check_replan_inputs(roster, plan, start, keep_within)
    destination = output or DEFAULT_NEW_PLAN
    to_stdout = destination == "-"
    summary = Console(stderr=to_stdout, highlight=False)
    for note in kept_conflicts(roster, plan, first_day):
        summary.print(f"note: {note}", soft_wrap=True)
    stop = threading.Event()
    try:
        with ProgressDisplay(quiet=quiet) as display:
            result = replan(
                roster,
                plan,
                start=first_day,
                keep_within=keep_within,
                time_limit=time_limit,
                seed=seed,
                workers=workers,
                plan_bytes=data,
                progress=display,
                stop=stop,
            )
    except KeyboardInterrupt:
        summary.print("interrupted before any plan was found; nothing written", soft_wrap=True)
        sys.exit(EXIT_INTERRUPTED)
    if result.status == "infeasible":
        from pairwise.explanation.replan import replan_conflicts

        why = result.stats.get("why", "no plan keeps the kept sessions and the rules")
        summary.print(f"infeasible: {why}; nothing written", soft_wrap=True)
        conflicts = replan_conflicts(roster, plan, first_day)
        for conflict in conflicts:
            summary.print(f"- {conflict}", soft_wrap=True)
        if not conflicts:
            summary.print("run `pairwise explain` on the updated roster to see what conflicts")
        sys.exit(EXIT_INFEASIBLE)
    if result.plan is None:
        summary.print(
            f"no plan found within {time_limit:g} s; nothing written (try a longer --time-limit)",
            soft_wrap=True,
        )
        sys.exit(EXIT_NO_PLAN_IN_TIME)
    if to_stdout:
        sys.stdout.write(result.plan.as_json())
        sys.stdout.flush()
    else:
        write_atomic(destination, result.plan.as_json())
    print_summary(summary, roster, result.plan, "standard output" if to_stdout else destination)
    print_changes(summary, result.plan)


def print_changes(console: Console, plan: Plan) -> None:
    """The changes counted by kind, then listed with why."""
    replans = plan.replans
    if replans is None:
        return
    counts = Counter(change.kind for change in replans.changes)
    console.print(
        f"changes from {replans.start}: {counts['moved']} moved, {counts['cancelled']} "
        f"cancelled, {counts['added']} added ({len(replans.changes)} in all; fewest possible at "
        f"this objective: {replans.change_bound}; objective bound {replans.objective_bound})",
        soft_wrap=True,
    )
    if not replans.changes:
        return
    table = Table(show_lines=False)
    for heading in ("change", "session", "was", "why"):
        table.add_column(heading, overflow="fold")
    for change in replans.changes[:LISTED_CHANGES]:
        table.add_row(
            change.kind,
            _describe(change.session),
            _describe(change.was) if change.was and change.kind == "moved" else "",
            change.why,
        )
    console.print(table)
    if len(replans.changes) > LISTED_CHANGES:
        console.print(f"... and {len(replans.changes) - LISTED_CHANGES} more in the plan")


def _describe(session: dict[str, object]) -> str:
    kind = session.get("kind")
    if kind == "visit":
        return f"{session['visitor']} visits {session['host']}, {session['slot']}"
    if kind == "sabbatical_visit":
        return f"{session['coach']} coaches {session['coachee']}, {session['slot']}"
    teams = session.get("teams", [])
    names = ", ".join(str(t) for t in teams) if isinstance(teams, list) else str(teams)
    return f"table {session.get('table')} at {session.get('meeting')}: {names}"

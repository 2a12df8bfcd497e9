"""`pairwise solve ROSTER [-o PLAN]`: solve and write the plan; progress on stderr, a summary after.

Exit codes: 0 a plan was written (also after Ctrl-C, when a plan had been found: its status is then
`feasible`), 2 bad input, 3 infeasible (no plan written; the explanation is printed), 4 the time ran
out before any plan was found, 130 Ctrl-C before any plan was found.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import click
from rich.console import Console

from pairwise.cli.progress import ProgressDisplay
from pairwise.cli.roster_advice import print_advice
from pairwise.cli.summary import print_summary
from pairwise.errors import InputError, Problem
from pairwise.files import write_atomic
from pairwise.interchange.roster_input import read_roster
from pairwise.result import Result
from pairwise.roster.models import Plan, Roster

EXIT_INFEASIBLE = 3
EXIT_NO_PLAN_IN_TIME = 4
EXIT_INTERRUPTED = 130
DEFAULT_PLAN = "plan.json"
DEFAULT_YEARS_FOLDER = "plans"


@click.command("solve")
@click.argument("roster_path", metavar="ROSTER")
@click.option(
    "-o",
    "--output",
    "output",
    metavar="PLAN",
    default=None,
    help=f"Where to write the plan ('-' for stdout; default {DEFAULT_PLAN}, or the folder "
    f"'{DEFAULT_YEARS_FOLDER}' with --years).",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.0, min_open=True),
    default=30.0,
    show_default=True,
    help="Seconds for the whole solve.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Solver seed.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="CPU cores to use (default: all of this machine's).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Send a district's schools to a running Dask scheduler (tcp://HOST:PORT).",
)
@click.option(
    "--years",
    type=click.IntRange(min=1),
    default=None,
    help="Plan this many consecutive years (no pair repeated); -o names a folder.",
)
@click.option("--quiet", is_flag=True, help="No progress on stderr.")
def command(
    roster_path: str,
    output: str | None,
    time_limit: float,
    seed: int,
    workers: int | None,
    scheduler: str | None,
    years: int | None,
    quiet: bool,
) -> None:
    """Solve ROSTER ('-' for stdin, a workbook or a folder of CSV sheets) and write the optimal
    plan as JSON."""
    source = read_roster(roster_path)
    roster = source.roster
    print_advice(source)
    to_stdout = output == "-"
    summary = Console(stderr=to_stdout, highlight=False)
    if years is not None:
        _solve_years(roster, output, years, time_limit, seed, workers, quiet, summary)
        return
    destination = output or DEFAULT_PLAN
    stop = threading.Event()
    try:
        with ProgressDisplay(quiet=quiet) as display:
            result = _solve(roster, time_limit, seed, workers, scheduler, display, stop)
    except KeyboardInterrupt:
        summary.print("interrupted before any plan was found; nothing written", soft_wrap=True)
        sys.exit(EXIT_INTERRUPTED)
    if result.status == "infeasible":
        _explain_infeasible(roster, result, summary, workers)
        sys.exit(EXIT_INFEASIBLE)
    if result.plan is None:
        if result.stats.get("interrupted"):
            summary.print("interrupted before any plan was found; nothing written", soft_wrap=True)
            sys.exit(EXIT_INTERRUPTED)
        summary.print(
            f"no plan found within {time_limit:g} s; nothing written (try a longer --time-limit)",
            soft_wrap=True,
        )
        sys.exit(EXIT_NO_PLAN_IN_TIME)
    _write_plan(result.plan, destination)
    if result.stats.get("interrupted"):
        summary.print("interrupted: the best plan found so far was written", soft_wrap=True)
    print_summary(summary, roster, result.plan, "standard output" if to_stdout else destination)


def _solve(
    roster: Roster,
    time_limit: float,
    seed: int,
    workers: int | None,
    scheduler: str | None,
    display: ProgressDisplay,
    stop: threading.Event,
) -> Result:
    """The engine for one school; the district solver for several schools or a scheduler."""
    # The engine (CP-SAT and the rest) takes a second or more to import: it is imported here, inside
    # the caller's Ctrl-C handling, so an interrupt while it loads exits 130 like any interrupt
    # before a plan, and `pairwise solve --help` stays quick.
    if scheduler is not None or len(roster.schools()) > 1:
        from pairwise.runs.district.solve import solve_district

        return solve_district(
            roster,
            time_limit=time_limit,
            seed=seed,
            workers=workers,
            scheduler=scheduler,
            progress=display,
        )
    from pairwise.engine.pipeline import solve

    return solve(
        roster, time_limit=time_limit, seed=seed, workers=workers, progress=display, stop=stop
    )


def _write_plan(plan: Plan, destination: str) -> None:
    if destination == "-":
        sys.stdout.write(plan.as_json())
        sys.stdout.flush()
    else:
        write_atomic(destination, plan.as_json())


def _explain_infeasible(
    roster: Roster, result: Result, console: Console, workers: int | None
) -> None:
    """Say why there is no plan: the engine's reason, and `pairwise explain`'s when available."""
    why = result.stats.get("why")
    console.print(
        f"no plan meets every hard rule{f': {why}' if why else ''}; nothing written", soft_wrap=True
    )
    # loaded only when a roster has no plan (it needs CP-SAT, like the engine above)
    from pairwise.explanation.diagnose import explain
    from pairwise.explanation.report import format_explanation

    explanation = explain(roster, time_limit=30.0, workers=workers or os.cpu_count() or 1)
    console.print(format_explanation(explanation), markup=False, soft_wrap=True)


def _solve_years(
    roster: Roster,
    output: str | None,
    years: int,
    time_limit: float,
    seed: int,
    workers: int | None,
    quiet: bool,
    console: Console,
) -> None:
    """`--years K`: one plan per year into a folder, no pair repeated across the years."""
    if output == "-":
        raise InputError([Problem("-o", "--years writes one file per year: name a folder")])
    # only `--years` needs the rotation model (CP-SAT and NetworkX): kept off a plain solve's start
    from pairwise.runs.multiyear.choices import RotationError
    from pairwise.runs.multiyear.years import solve_years

    folder = Path(output or DEFAULT_YEARS_FOLDER)
    try:
        with ProgressDisplay(quiet=quiet) as display:
            results = solve_years(
                roster,
                years=years,
                time_limit=time_limit,
                seed=seed,
                workers=workers,
                progress=display,
            )
    except RotationError as error:
        console.print(f"no plan: {error}", soft_wrap=True)
        sys.exit(EXIT_INFEASIBLE)
    except KeyboardInterrupt:
        console.print("interrupted; nothing written", soft_wrap=True)
        sys.exit(EXIT_INTERRUPTED)
    for offset, result in enumerate(results):
        year = roster.year + offset
        if result.plan is None:
            console.print(f"{year}: {result.status}; no plan written for this or later years")
            sys.exit(EXIT_INFEASIBLE if result.status == "infeasible" else EXIT_NO_PLAN_IN_TIME)
        path = folder / f"plan-{year}.json"
        write_atomic(path, result.plan.as_json())
        # each later year's roster is the year before rolled over (its calendar in that year's
        # weeks): `pairwise check` a year's plan against it
        year_roster = getattr(result, "year_roster", None)
        roster_note = ""
        if year_roster is not None and offset > 0:
            roster_path = folder / f"roster-{year}.json"
            write_atomic(roster_path, year_roster.as_json())
            roster_note = f" (its roster: {roster_path})"
        console.print(
            f"{year}: {result.plan.status}, objective {result.plan.objective}, written to {path}"
            f"{roster_note}"
        )

"""`pairwise whatif ROSTER --vary FIELD=START:STOP[:STEP] ...`: solve policy variants, compare terms."""

from __future__ import annotations

import json
import sys
import textwrap

import click
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from pairwise.errors import InputError, Problem
from pairwise.interchange.roster_input import read_roster
from pairwise.result import Progress
from pairwise.runs.whatif import (
    CHART_SUFFIXES,
    VariantOutcome,
    marginal_values,
    nonzero_terms,
    parse_axes,
    run_whatif,
    write_chart,
)

EXIT_INFEASIBLE = 3
EXIT_NO_PLAN_IN_TIME = 4
NO_BREAK = "\u00a0"


@click.command("whatif")
@click.argument("roster_path", metavar="ROSTER")
@click.option(
    "--vary",
    "vary",
    multiple=True,
    required=True,
    metavar="FIELD=START:STOP[:STEP]",
    help="A policy count and its values (STOP included; repeat for a grid), "
    "e.g. release_budget=0:80:10, cover_per_period=0:3, weights.cover=0,1,5.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the variants as JSON.")
@click.option(
    "--chart",
    "chart_path",
    metavar="FILE",
    help="Draw the terms against the first varied field into FILE (.png or .svg).",
)
@click.option(
    "--time-limit", type=float, default=10.0, show_default=True, help="Seconds per variant."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Solver seed.")
@click.option("--workers", type=int, default=None, help="Cores to use (default: all).")
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Send the variants to a running Dask scheduler (tcp://HOST:PORT).",
)
@click.option("--cold", is_flag=True, help="Solve every variant from scratch (no warm starts).")
@click.option("--quiet", is_flag=True, help="No progress lines on stderr.")
def command(
    roster_path: str,
    vary: tuple[str, ...],
    as_json: bool,
    chart_path: str | None,
    time_limit: float,
    seed: int,
    workers: int | None,
    scheduler: str | None,
    cold: bool,
    quiet: bool,
) -> None:
    """Solve every variant of ROSTER's policy (the product of the --vary ranges) and compare them."""
    problems = []
    if time_limit <= 0:
        problems.append(Problem("--time-limit", f"must be positive (got {time_limit:g})"))
    if workers is not None and workers < 1:
        problems.append(Problem("--workers", f"must be at least 1 (got {workers})"))
    if chart_path is not None and not chart_path.lower().endswith(CHART_SUFFIXES):
        problems.append(Problem("--chart", f"'{chart_path}' must end in .png or .svg"))
    try:
        axes = parse_axes(vary)
    except InputError as error:
        problems += error.problems
    if problems:
        raise InputError(problems)
    roster = read_roster(roster_path).roster

    def report(progress: Progress) -> None:
        if not quiet:
            click.echo(
                f"[{progress.seconds:6.1f} s] {progress.phase}"
                + (f", objective {progress.objective}" if progress.objective is not None else ""),
                err=True,
            )

    outcomes = run_whatif(
        roster,
        axes,
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        scheduler=scheduler,
        progress=report,
        warm=not cold,
    )
    if chart_path is not None:
        write_chart(axes, outcomes, chart_path)
    if as_json:
        click.echo(json.dumps([outcome.as_json_data() for outcome in outcomes], indent=2))
    else:
        _print_table(outcomes, [axis.field for axis in axes])
        click.echo()
        for sentence in marginal_values(roster, axes, outcomes):
            click.echo(sentence)
        if chart_path is not None:
            click.echo(f"chart written to {chart_path}")
    if all(outcome.objective is None for outcome in outcomes):
        statuses = {outcome.status for outcome in outcomes}
        sys.exit(EXIT_INFEASIBLE if statuses == {"infeasible"} else EXIT_NO_PLAN_IN_TIME)


def _print_table(outcomes: list[VariantOutcome], fields: list[str]) -> None:
    """The variants as a table; on a terminal too narrow for it, one short block per variant.

    Like git and pip, the output fits the terminal instead of cutting headers to `rel…`; piped
    or captured output gets whole table lines.
    """
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=240)
    table = _variant_table(outcomes, fields)
    unlimited = console.options.update_width(100_000)
    if Measurement.get(console, unlimited, table).maximum <= console.width:
        console.print(table)
    else:
        for outcome in outcomes:
            console.print(_variant_block(outcome, fields, console.width), soft_wrap=True)
    console.print(
        "from: the variant whose plan warm-started this one (cold: solved from scratch, as the"
        " first variant of each worker's chain is)",
        style="dim",
    )


def _variant_table(outcomes: list[VariantOutcome], fields: list[str]) -> Table:
    terms = nonzero_terms(outcomes)
    table = Table(title="what if")
    for name in fields:
        table.add_column(name, justify="right")
    table.add_column("status")
    table.add_column("objective", justify="right")
    for name in terms:
        table.add_column(name, justify="right")
    table.add_column("covered visits", justify="right")
    table.add_column("gap", justify="right")
    table.add_column("seconds", justify="right")
    table.add_column("from")
    for outcome in outcomes:
        table.add_row(
            *(str(outcome.variant[name]) for name in fields),
            outcome.status,
            "-" if outcome.objective is None else str(outcome.objective),
            *(str(outcome.terms.get(name, 0)) if outcome.terms else "-" for name in terms),
            "-" if outcome.covered_visits is None else str(outcome.covered_visits),
            _gap_text(outcome),
            f"{outcome.seconds:.1f}",
            _warm_start_text(outcome),
        )
    return table


def _variant_block(outcome: VariantOutcome, fields: list[str], width: int) -> str:
    """A variant in a few lines no wider than `width`, for a narrow terminal."""
    variant = " ".join(f"{name}={outcome.variant[name]}" for name in fields)
    objective = "-" if outcome.objective is None else str(outcome.objective)
    parts = [
        f"objective {objective}",
        f"gap {_gap_text(outcome)}",
        f"{outcome.seconds:.1f} s",
        f"from {_warm_start_text(outcome)}",
    ]
    parts += [f"{name} {value}" for name, value in outcome.terms.items() if value]
    if outcome.covered_visits is not None:
        parts.append(f"covered visits {outcome.covered_visits}")
    # a part never breaks across lines: its own spaces are non-breaking while wrapping
    details = textwrap.wrap(
        ", ".join(part.replace(" ", NO_BREAK) for part in parts),
        width=max(20, width),
        initial_indent="  ",
        subsequent_indent="  ",
        break_long_words=False,
        break_on_hyphens=False,
    )
    return "\n".join([f"{variant}: {outcome.status}", *details]).replace(NO_BREAK, " ")


def _gap_text(outcome: VariantOutcome) -> str:
    return "-" if outcome.gap is None else f"{outcome.gap:.2%}"


def _warm_start_text(outcome: VariantOutcome) -> str:
    if not outcome.hint_from:
        return "cold"
    return " ".join(f"{name}={value}" for name, value in outcome.hint_from.items())

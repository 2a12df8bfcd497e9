"""`pairwise check ROSTER PLAN`: every hard rule, and the objective recomputed term by term."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from pairwise.checker.entry import check
from pairwise.errors import InputError, Problem
from pairwise.interchange.roster_input import is_spreadsheet_source, read_roster
from pairwise.roster.load import load_plan, parse_json, plan_from_json, read_text
from pairwise.roster.models import PLAN_FORMAT, ROSTER_FORMAT, TERM_NAMES


@click.command("check")
@click.argument("roster_path", metavar="ROSTER")
@click.argument("plan_path", metavar="PLAN")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--was",
    "was_path",
    metavar="PLAN_IN_FORCE",
    default=None,
    help="PLAN is a re-plan of this plan: kept sessions are checked against it.",
)
def command(roster_path: str, plan_path: str, as_json: bool, was_path: str | None) -> None:
    """Check PLAN against every hard rule of ROSTER; exit 1 when a rule breaks or a term differs."""
    if [roster_path, plan_path, was_path].count("-") > 1:
        raise click.UsageError("only one of ROSTER, PLAN and --was can be standard input ('-')")
    _refuse_swapped(roster_path, plan_path)
    roster = read_roster(roster_path).roster
    plan = load_plan(plan_path)
    if was_path is not None:
        if was_path == "-":  # standard input can be read once
            text = read_text(was_path)
            was, data = plan_from_json(text), text.encode()
        else:
            was, data = load_plan(was_path), Path(was_path).read_bytes()
        report = check(roster, plan, was=was, was_bytes=data)
    else:
        report = check(roster, plan)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        sys.exit(0 if report.ok else 1)
    # one line per problem, never wrapped, so the output can be searched and diffed
    for violation in report.violations:
        click.echo(str(violation))
    for mismatch in report.mismatches:
        click.echo(f"mismatch: {mismatch}")
    table = Table(title="objective, term by term")
    table.add_column("term")
    table.add_column("stated", justify="right")
    table.add_column("recomputed", justify="right")
    for name in TERM_NAMES:
        stated = (plan.terms or {}).get(name)
        table.add_row(name, "-" if stated is None else str(stated), str(report.terms[name]))
    stated_objective = "-" if plan.objective is None else str(plan.objective)
    table.add_row("objective", stated_objective, str(report.objective), style="bold")
    Console(highlight=False).print(table)
    if report.ok:
        click.echo("plan is valid")
        return
    rules = [rule for rule in report.broken_rules if rule]
    parts = []
    if rules:
        numbers = ", ".join(str(rule) for rule in rules)
        parts.append(f"breaks {len(rules)} rule{'s' if len(rules) != 1 else ''} ({numbers})")
    inconsistent = sum(1 for violation in report.violations if violation.rule == 0)
    if inconsistent:
        parts.append(f"has {inconsistent} inconsistenc{'ies' if inconsistent != 1 else 'y'}")
    if report.mismatches:
        count = len(report.mismatches)
        parts.append(f"misstates {count} value{'s' if count != 1 else ''}")
    click.echo("plan " + ", ".join(parts))
    if rules:
        # the rules by number, in the project's own words
        click.echo("the rules: " + ", ".join(f"docs/rules.md#rule-{rule}" for rule in rules))
    sys.exit(1)


def _format_of(path: str) -> object:
    """The `format` a JSON file states, or None when it cannot tell (the loaders then say why)."""
    if path == "-" or is_spreadsheet_source(path):
        return None
    try:
        data = parse_json(read_text(path), path)
    except InputError:
        return None
    return data.get("format") if isinstance(data, dict) else None


def _refuse_swapped(roster_path: str, plan_path: str) -> None:
    if (_format_of(roster_path), _format_of(plan_path)) == (PLAN_FORMAT, ROSTER_FORMAT):
        raise InputError(
            [
                Problem(
                    roster_path,
                    f"is a plan and {plan_path} a roster: these look swapped; give the roster "
                    f"first (pairwise check {plan_path} {roster_path})",
                )
            ]
        )

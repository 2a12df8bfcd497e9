"""What `validate`, `solve` and `import` say about a well-formed roster before anything else:
warnings (topics spelled apart, meetings outside their cycle's weeks, topics missing from the
workbook's list) and explain's fast pre-checks (a lock with an evaluator, say)."""

from __future__ import annotations

import click

from pairwise.explanation.prechecks import precheck
from pairwise.interchange.roster_input import RosterSource


def print_advice(source: RosterSource) -> int:
    """Print every warning and pre-check finding to stderr; return how many conflicts were found
    (each means no plan can meet every hard rule)."""
    for notice in source.notices():
        click.echo(f"warning: {notice}", err=True)
    conflicts = 0
    for finding in precheck(source.roster):
        text = source.in_place(finding.message)
        if finding.severity == "conflict":
            conflicts += 1
            click.echo(f"conflict: {text}", err=True)
        else:
            click.echo(f"warning: {text}", err=True)
    return conflicts

"""The checker's entry: a plan against every hard rule, or a re-plan against the plan in force."""

from __future__ import annotations

from pairwise.checker.replan import check_replan
from pairwise.checker.report import CheckReport
from pairwise.checker.rules import Checker
from pairwise.roster.models import Plan, Roster


def check(
    roster: Roster, plan: Plan, *, was: Plan | None = None, was_bytes: bytes | None = None
) -> CheckReport:
    """Check `plan` against every hard rule (docs/rules.md) and recompute its objective term by term.

    With `was` (the plan in force a re-plan was made from; `was_bytes` its file's bytes, to
    match the re-plan's sha256), kept sessions are checked against it and the rest against the
    rules as a re-plan reads them.
    """
    if was is not None:
        return check_replan(roster, plan, was, was_bytes=was_bytes)
    return Checker(roster, plan).run()

"""What every test of a solved plan needs: the independent check, and the hand-made fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairwise.checker.entry import check
from pairwise.checker.report import CheckReport
from pairwise.roster.load import load_plan, load_roster
from pairwise.roster.models import Plan, Roster

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_path(name: str) -> Path:
    """The path of `tests/fixtures/<name>` (`.json` added when the name has no suffix)."""
    path = FIXTURES / name
    return path if path.suffix else path.with_suffix(".json")


def load_fixture(name: str) -> Roster:
    """A roster from `tests/fixtures/`, validated as `pairwise validate` would."""
    return load_roster(fixture_path(name))


def load_plan_fixture(name: str) -> Plan:
    """A plan from `tests/fixtures/` (its shape only; `check` judges it)."""
    return load_plan(fixture_path(name))


def assert_plan_valid(roster: Roster, plan: Plan, *, was: Plan | None = None) -> CheckReport:
    """Fail with every broken rule and misstated value unless `plan` passes the checker (as a
    re-plan of `was`, when given)."""
    report = check(roster, plan, was=was)
    if not report.ok:
        lines = [str(violation) for violation in report.violations]
        lines += [f"mismatch: {mismatch}" for mismatch in report.mismatches]
        pytest.fail(
            f"plan for '{roster.name}' fails the checker ({len(lines)} problems):\n  "
            + "\n  ".join(lines),
            pytrace=False,
        )
    return report


def assert_breaks_only(roster: Roster, plan: Plan, rule: int) -> CheckReport:
    """Fail unless the checker reports `rule`, and nothing but `rule`, for `plan`."""
    report = check(roster, plan)
    found = report.broken_rules
    if found != [rule] or report.mismatches:
        lines = [str(violation) for violation in report.violations]
        lines += [f"mismatch: {mismatch}" for mismatch in report.mismatches]
        pytest.fail(
            f"expected only rule {rule} to break, got rules {found}:\n  " + "\n  ".join(lines),
            pytrace=False,
        )
    return report

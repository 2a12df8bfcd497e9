"""What every test shares: each plan the engine hands a test passes the independent checker.

`pairwise.engine.pipeline.solve` is wrapped here, when pytest loads this file and so before any
test module (or a module it imports, such as the district, what-if and multi-year runs) binds the
name: every plan the engine returns in the test process, directly or through those runs, is
checked against the roster it was solved for. A result without a plan (infeasible, or no plan in
time) has nothing to check. Plans solved in other processes (a spawned pool, a `pairwise`
subprocess) are the tests' own to check.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pairwise.checker.entry import check
from pairwise.engine import pipeline
from pairwise.result import Result
from pairwise.roster.models import Roster

Engine = Callable[..., Result]

# what the checker found wrong with the engine's plans during the running test
_FAILURES: list[str] = []


def checked(engine: Engine) -> Engine:
    """`engine`, with each plan it returns put through the independent checker.

    A plan that fails raises `AssertionError` at once and is recorded, so that the test fails even
    when the caller catches the error (a district task hands errors back as data).
    """

    @functools.wraps(engine)
    def solve_and_check(roster: Roster, *args: Any, **kwargs: Any) -> Result:
        result = engine(roster, *args, **kwargs)
        if result.plan is not None:
            report = check(roster, result.plan)
            if not report.ok:
                problems = [str(violation) for violation in report.violations]
                problems += [f"mismatch: {mismatch}" for mismatch in report.mismatches]
                message = (
                    f"the engine's plan for '{roster.name}' (status {result.status}) fails the "
                    f"checker:\n  " + "\n  ".join(problems)
                )
                _FAILURES.append(message)
                raise AssertionError(message)
        return result

    return solve_and_check


pipeline.solve = checked(pipeline.solve)


@pytest.fixture(autouse=True)
def engine_plans_pass_the_checker() -> Iterator[None]:
    """Fail the test if any plan the engine returned during it failed the checker."""
    _FAILURES.clear()
    yield
    if _FAILURES:
        found = "\n".join(_FAILURES)
        _FAILURES.clear()
        pytest.fail(found, pytrace=False)

"""The shared check of every engine plan (tests/conftest.py) is in place and bites."""

from __future__ import annotations

import pytest

from pairwise.engine import pipeline
from pairwise.result import Result
from pairwise.roster.models import Roster
from pairwise.runs.multiyear import years
from tests import conftest
from tests.helpers import load_fixture


def test_the_engine_is_wrapped_everywhere_the_runs_call_it() -> None:
    assert pipeline.solve.__wrapped__ is not None  # type: ignore[attr-defined]
    # modules that bound the name at import time hold the wrapped engine too
    assert years.solve is pipeline.solve


def test_a_plan_the_checker_rejects_fails_the_call_and_the_test() -> None:
    roster = load_fixture("oakridge-tiny")
    good = pipeline.solve.__wrapped__(roster, time_limit=10, seed=0, workers=1)  # type: ignore[attr-defined]
    assert good.plan is not None

    def misstating_engine(roster: Roster, **_: object) -> Result:
        plan = good.plan.model_copy(update={"objective": good.plan.objective + 1})
        return Result(good.status, good.objective, good.bound, plan, good.seconds, {})

    with pytest.raises(AssertionError, match="fails the checker"):
        conftest.checked(misstating_engine)(roster)
    # recorded as well, for callers that hand errors back as data: clear it so this test passes
    assert conftest._FAILURES and "objective is stated as" in conftest._FAILURES[0]
    conftest._FAILURES.clear()


def test_a_result_without_a_plan_has_nothing_to_check() -> None:
    def no_plan(roster: Roster, **_: object) -> Result:
        return Result("infeasible", None, None, None, 0.0, {})

    result = conftest.checked(no_plan)(load_fixture("oakridge-tiny"))
    assert result.plan is None

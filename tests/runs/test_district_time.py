"""A district's clock: the schools' time shares fit the worker slots, and a task that starts late
gets only the time left before the schools' deadline, so the run ends near its limit with a plan."""

from __future__ import annotations

import gc
import time
from typing import Any

import pytest

from pairwise.generate.rosters import generate_roster
from pairwise.result import Result
from pairwise.roster.models import Plan, Roster
from pairwise.runs.district import solve as district_solve
from pairwise.runs.district.solve import (
    FLOOR_SHARE,
    MINIMUM_TASK_SECONDS,
    collector_paused,
    solve_district,
    task_time_limits,
)
from pairwise.runs.district.split import SchoolPart, split_district
from pairwise.runs.executor import LATE_SHARE, LATE_TASK_SECONDS, SolveTask, task_time_limit
from tests.builders import greedy_engine
from tests.helpers import assert_plan_valid


def test_a_task_gets_its_own_limit_or_the_time_left_before_its_deadline() -> None:
    task = SolveTask(key="s", roster_json="{}", time_limit=2.0, deadline=100.0)
    assert task_time_limit(task, now=90.0) == 2.0  # time enough: its own limit
    assert task_time_limit(task, now=98.5) == pytest.approx(1.5)  # the time left
    assert task_time_limit(task, now=98.9) == pytest.approx(1.1)
    assert task_time_limit(task, now=99.5) == LATE_SHARE * 2.0  # late: half its own still
    assert task_time_limit(task, now=120.0) == LATE_SHARE * 2.0
    small = SolveTask(key="s", roster_json="{}", time_limit=0.3, deadline=100.0)
    assert task_time_limit(small, now=120.0) == LATE_TASK_SECONDS  # and at least 0.2 s
    short = SolveTask(key="s", roster_json="{}", time_limit=0.1, deadline=100.0)
    assert task_time_limit(short, now=120.0) == 0.1  # never more than it asked for
    assert task_time_limit(SolveTask(key="s", roster_json="{}", time_limit=2.0)) == 2.0


def parts_of_sizes(sizes: list[int]) -> list[SchoolPart]:
    return [SchoolPart(f"s{i}", size, {}) for i, size in enumerate(sizes)]


def test_many_small_schools_share_one_slot_without_overfilling_it() -> None:
    # 200 schools on one slot for 100 s: a fixed 1 s floor alone would ask for 200 s
    parts = parts_of_sizes([60] * 150 + [280] * 50)
    limits = task_time_limits(parts, 100.0, slots=1)
    assert sum(limits.values()) == pytest.approx(100.0, abs=0.2)
    floor = FLOOR_SHARE * 100.0 / 200
    assert min(limits.values()) >= floor
    assert limits["s0"] < limits["s199"] <= 100.0
    # two slots: twice the time to share
    assert sum(task_time_limits(parts, 100.0, slots=2).values()) == pytest.approx(200, abs=0.2)


def test_few_schools_keep_the_one_second_floor() -> None:
    parts = parts_of_sizes([10, 20, 400])
    limits = task_time_limits(parts, 20.0, slots=2)
    assert min(limits.values()) >= MINIMUM_TASK_SECONDS
    assert max(limits.values()) <= 20.0


_LIMITS_SEEN: list[float] = []
OVERRUN = 0.4


def engine_overrunning(
    roster: Roster,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int | None = None,
    hint: Plan | None = None,
    progress: Any = None,
) -> Result:
    """Stand-in engine that spends its whole limit and overruns it (a busy machine)."""
    time.sleep(time_limit + OVERRUN)
    return engine_recording(roster, time_limit=time_limit, seed=seed, workers=workers, hint=hint)


def engine_recording(
    roster: Roster,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int | None = None,
    hint: Plan | None = None,
    progress: Any = None,
) -> Result:
    """Stand-in engine that records its limit and answers at once."""
    _LIMITS_SEEN.append(time_limit)
    return greedy_engine(roster, time_limit=time_limit, seed=seed, workers=workers, hint=hint)


def test_tasks_that_start_late_get_the_time_left_and_the_run_ends_with_a_plan() -> None:
    roster = generate_roster(60, schools=6, kind="mixed", seed=3)
    parts = split_district(roster)
    _LIMITS_SEEN.clear()
    solve_district(roster, time_limit=6.0, workers=1, inline=True, solver=engine_recording)
    shares = list(_LIMITS_SEEN)
    _LIMITS_SEEN.clear()
    result = solve_district(
        roster, time_limit=6.0, workers=1, inline=True, solver=engine_overrunning
    )
    assert result.plan is not None
    assert_plan_valid(roster, result.plan)
    assert len(_LIMITS_SEEN) >= len(parts)
    first_round = _LIMITS_SEEN[: len(parts)]
    # the first task runs its share; the overruns pile up past the schools' deadline, so the
    # last ones get half theirs (without the deadline they got their shares, 0.7 s here)
    assert first_round[0] == shares[0]
    assert first_round[-2:] == pytest.approx([LATE_SHARE * share for share in shares[-2:]])


def test_a_slow_split_moves_the_schools_deadline_not_their_shares(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    roster = generate_roster(60, schools=6, kind="mixed", seed=3)
    _LIMITS_SEEN.clear()
    solve_district(roster, time_limit=6.0, workers=1, inline=True, solver=engine_recording)
    shares = list(_LIMITS_SEEN)
    assert min(shares) > LATE_TASK_SECONDS
    # a machine so slow that the merge would need all the time: every task gets half its share
    monkeypatch.setattr(district_solve, "MERGE_TO_SPLIT", 1e9)
    _LIMITS_SEEN.clear()
    result = solve_district(roster, time_limit=6.0, workers=1, inline=True, solver=engine_recording)
    assert _LIMITS_SEEN[: len(shares)] == pytest.approx([LATE_SHARE * share for share in shares])
    assert result.plan is not None
    assert_plan_valid(roster, result.plan)
    assert result.stats["split_seconds"] > 0 and result.stats["merge_seconds"] > 0


def test_the_collector_pause_restores_the_state_it_found_even_on_an_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("merge failed")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # a caller that turned it off keeps it off
    finally:
        gc.enable()
    # nested (or concurrent) pauses: only the outer one, which found it on, turns it back on
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()

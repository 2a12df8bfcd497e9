"""Stand-in engines for the service's tests, importable by the pool's worker processes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from pairwise.result import Progress, ProgressCallback, Result
from pairwise.roster.models import Plan, Roster
from solvers.greedy import solve as greedy_solve


def patient_solver(
    roster: Roster,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int | None = None,
    hint: Plan | None = None,
    progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
    incumbent: Callable[[Plan], None] | None = None,
) -> Result:
    """The greedy plan at once (handed to `incumbent`), then the whole time limit spent unless
    stopped: an engine that finds a plan early and cannot prove it."""
    started = time.perf_counter()
    plan = greedy_solve(roster, seed=seed)
    assert plan is not None
    if incumbent is not None:
        incumbent(plan)
    if progress is not None:
        progress(
            Progress(plan.objective, plan.objective + 10, time.perf_counter() - started, "wait")
        )
    stopped = (stop or threading.Event()).wait(time_limit)
    return Result(
        "feasible",
        plan.objective,
        plan.bound,
        plan,
        time.perf_counter() - started,
        {"interrupted": int(stopped)},
    )

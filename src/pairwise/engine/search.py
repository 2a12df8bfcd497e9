"""Running one CP-SAT model: seed, workers, time limit, progress, and a clean stop on Ctrl-C.

The solve runs in a worker thread while the calling thread waits in short joins, so a Ctrl-C (or a
set `stop` event) reaches us during the search and becomes `StopSearch`: the best solution so far
is kept, exactly as if the time limit had been reached.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from ortools.sat.python import cp_model

SearchStatus = Literal["optimal", "feasible", "infeasible", "unknown"]

_STATUS: dict[Any, SearchStatus] = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "unknown",
}

FULL_LP = 2
"""CP-SAT's `linearization_level` for matching- and assignment-like models (partnerships with
release knapsacks, the split by period, the re-plan's rows): the whole LP, with which they close
in milliseconds where the default level may not close at all."""

SearchProgressCallback = Callable[[int | None, int | None], None]
"""Called with (best objective, proven bound) of the model being searched, either may be None."""


@dataclass
class SearchOutcome:
    """What one search gave: its status, the best objective and bound, and the solver to read."""

    status: SearchStatus
    objective: int | None
    bound: int | None
    solver: cp_model.CpSolver
    seconds: float
    interrupted: bool = False

    @property
    def has_solution(self) -> bool:
        return self.status in ("optimal", "feasible")


@dataclass
class SearchSettings:
    """Settings shared by every search of one solve."""

    seed: int = 0
    workers: int = 1
    stop: threading.Event = field(default_factory=threading.Event)


class _Tracker(cp_model.CpSolverSolutionCallback):
    def __init__(self, target: int | None = None) -> None:
        super().__init__()
        self.objective: int | None = None
        self.bound: int | None = None
        self.target = target
        self.reached = False

    def on_solution_callback(self) -> None:
        self.objective = round(self.objective_value)
        self.bound = _floor(self.best_objective_bound)
        if self.target is not None and self.objective >= self.target:
            self.reached = True
            self.stop_search()


def _floor(bound: float) -> int | None:
    if math.isinf(bound) or math.isnan(bound):
        return None
    return math.floor(bound + 1e-6)


def restore_interrupt_handler() -> None:
    """Put Python's Ctrl-C handler back at the C level.

    A CP-SAT solve run with `catch_sigint_signal` on (its default, as other modules may use it)
    leaves SIGINT at the system default when it ends, so a later Ctrl-C would kill the process
    instead of raising KeyboardInterrupt. Only the main thread may set handlers.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    handler = signal.getsignal(signal.SIGINT)
    if handler is not None:
        signal.signal(signal.SIGINT, handler)


def new_solver(time_limit: float, *, seed: int = 0, workers: int = 1) -> cp_model.CpSolver:
    """The one place a CP-SAT solver is made: time limit, seed and workers, quiet, and Ctrl-C left
    to the caller (a solve stops the whole run and keeps its best plan; CP-SAT's own handler
    would leave SIGINT at the system default once it ends, see `restore_interrupt_handler`)."""
    solver = cp_model.CpSolver()
    parameters = solver.parameters
    parameters.max_time_in_seconds = time_limit
    parameters.random_seed = seed
    parameters.num_workers = max(1, workers)
    parameters.catch_sigint_signal = False
    parameters.log_search_progress = False
    return solver


def run_search(
    model: cp_model.CpModel,
    settings: SearchSettings,
    time_limit: float,
    report: SearchProgressCallback | None = None,
    *,
    workers: int = 1,
    presolve: bool = True,
    deterministic_limit: float | None = None,
    linearization: int | None = None,
    light_presolve: bool = False,
    target: int | None = None,
) -> SearchOutcome:
    """Maximise `model` within `time_limit` seconds; stops early when `settings.stop` is set.

    One worker by default: a single-threaded search is deterministic, and the decomposed models
    are easy enough that a portfolio mostly costs time on a shared machine. `presolve=False` skips
    CP-SAT's presolve, which on wide, flat assignment models costs more than the search.
    `deterministic_limit` also stops it after that much of CP-SAT's deterministic time, so a
    search that does not finish (a tie-break) still ends the same way on every machine.
    `linearization` sets CP-SAT's `linearization_level` (2: the full LP, which matching-like
    models need to close their gap quickly). `light_presolve` runs one presolve pass without
    probing (wide models with many at-most-one rows spend seconds probing for little).
    `target` is a bound on the objective the caller has proven: the search stops at the first
    solution worth it and reports it optimal (a target that is not a proven bound would make that
    a false claim).
    """
    solver = new_solver(max(0.01, time_limit), seed=settings.seed, workers=workers)
    parameters = solver.parameters
    parameters.cp_model_presolve = presolve
    if light_presolve:
        parameters.cp_model_probing_level = 0
        parameters.max_presolve_iterations = 1
    if deterministic_limit is not None:
        parameters.max_deterministic_time = deterministic_limit
    if linearization is not None:
        parameters.linearization_level = linearization
    tracker = _Tracker(target)

    def bound_seen(bound: float) -> None:
        tracker.bound = _floor(bound)

    solver.best_bound_callback = bound_seen
    statuses: list[Any] = []
    started = time.monotonic()
    thread = threading.Thread(
        target=lambda: statuses.append(solver.solve(model, tracker)), daemon=True
    )
    interrupted = settings.stop.is_set()
    if interrupted:
        return SearchOutcome("unknown", None, None, solver, 0.0, interrupted=True)
    restore_interrupt_handler()
    thread.start()
    last_report = 0.0
    while thread.is_alive():
        try:
            thread.join(0.05)
        except KeyboardInterrupt:
            settings.stop.set()
        if settings.stop.is_set():
            interrupted = True
            solver.stop_search()
        now = time.monotonic()
        if report is not None and now - last_report >= 0.25:
            last_report = now
            report(tracker.objective, tracker.bound)
    status = _STATUS.get(statuses[0], "unknown") if statuses else "unknown"
    if tracker.reached and status == "feasible":
        status = "optimal"  # the caller's bound reached: proven
    objective = bound = None
    if status in ("optimal", "feasible"):
        objective = round(solver.objective_value)
        bound = objective if status == "optimal" else _floor(solver.best_objective_bound)
    elif tracker.bound is not None:
        bound = tracker.bound
    if report is not None:
        report(objective, bound)
    return SearchOutcome(
        status, objective, bound, solver, time.monotonic() - started, interrupted=interrupted
    )

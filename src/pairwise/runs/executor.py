"""Running independent solves: an embedded process pool by default, a Dask cluster when asked.

A task carries roster JSON text and plain options, never a CP-SAT model (models do not pickle), and
returns plan JSON and stats. Each task runs CP-SAT with its share of the cores (`cores_per_task`),
fixed before any task starts, so a task's result never depends on which worker ran it or when: the
callers merge outcomes in their own order, not in completion order.

- `LocalExecutor`: a `ProcessPoolExecutor` with the `spawn` context (no fork of a process that may
  hold solver threads), or the calling process itself when only one task runs at a time.
- `DaskExecutor`: a running `distributed` scheduler (`pip install 'pairwise[dask]'`); its workers
  need `pairwise` importable (the same environment).
"""

from __future__ import annotations

import concurrent.futures
import importlib
import multiprocessing
import os
import resource
import sys
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Any, Protocol

from pairwise.errors import InputError, PairwiseError, Problem
from pairwise.result import ProgressCallback, Result, Status
from pairwise.roster.load import plan_from_json, roster_from_json
from pairwise.roster.models import Plan, Roster

DASK_HINT = "pip install 'pairwise[dask]'"
LATE_TASK_SECONDS = 0.2
"""The least time limit a task with a deadline gets, however late it starts."""

LATE_SHARE = 0.5
"""The least share of its own limit a task with a deadline gets, however late it starts."""

CONNECT_TIMEOUT = "10s"
"""How long to try reaching a Dask scheduler before saying it cannot be reached."""


class Solver(Protocol):
    """The engine's signature (`pairwise.engine.pipeline.solve`); tests pass a stand-in with the same one."""

    def __call__(
        self,
        roster: Roster,
        *,
        time_limit: float = ...,
        seed: int = ...,
        workers: int | None = ...,
        hint: Plan | None = ...,
        progress: ProgressCallback | None = ...,
    ) -> Result: ...


class Runner(Protocol):
    """What runs a task in place of a plain engine call (a district's whole solve, say): it gets
    the task's roster and options and the engine to use (None: the default engine)."""

    def __call__(
        self,
        roster: Roster,
        *,
        time_limit: float,
        seed: int,
        workers: int,
        hint: Plan | None,
        solver: Solver | None,
    ) -> Result: ...


@dataclass(frozen=True)
class SolveTask:
    """One independent solve: a roster as JSON text and plain options (everything pickles).

    `solver` is a module-level function (pickled by reference, so workers import it); None means
    `pairwise.engine.pipeline.solve`. `runner`, when given, is a module-level function that runs the
    task instead (with `solver` as its engine), so callers with their own way of solving a roster
    (districts) use the executor without it knowing them. `workers` is set by the executor to its
    share of cores.
    """

    key: str
    roster_json: str
    time_limit: float
    seed: int = 0
    hint_json: str | None = None
    runner: Runner | None = None
    solver: Solver | None = None
    workers: int = 1
    deadline: float | None = None
    """Wall-clock time (`time.time()`) by which the task should end: a task that starts late (a
    busy machine, a worker that fell behind) gets `min(time_limit, time left)`, at least
    `LATE_SHARE` of its own, so the caller's whole run ends near its own limit."""


@dataclass(frozen=True)
class TaskOutcome:
    """What a task returns: the result's fields with the plan as JSON text, or the error it met."""

    key: str
    status: Status
    objective: int | None
    bound: int | None
    plan_json: str | None
    seconds: float
    stats: dict[str, float | int | str] = field(default_factory=dict)
    peak_memory_bytes: int = 0
    problems: tuple[tuple[str, str], ...] = ()
    error: str | None = None
    cpu_seconds: float = 0.0
    """CPU seconds the task's process spent on it (every thread), for the caller's accounts."""
    time_limit: float = 0.0
    """The time limit the task ran with (less than asked when it started late)."""

    def plan(self) -> Plan | None:
        """The task's plan, parsed."""
        return plan_from_json(self.plan_json) if self.plan_json is not None else None

    def result(self) -> Result:
        """The outcome as a `Result` (raising the task's error, if it met one)."""
        self.raise_error()
        return Result(
            status=self.status,
            objective=self.objective,
            bound=self.bound,
            plan=self.plan(),
            seconds=self.seconds,
            stats=dict(self.stats),
        )

    def raise_error(self) -> None:
        """Raise the error the task met in its worker, as the caller's own exception type."""
        if self.problems:
            raise InputError([Problem(path, message) for path, message in self.problems])
        if self.error is not None:
            raise PairwiseError(f"task {self.key} failed: {self.error}")


def peak_memory_bytes() -> int:
    """This process's peak resident memory (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def task_time_limit(task: SolveTask, now: float | None = None) -> float:
    """The limit a task runs with: its own, cut to the time left before its deadline, but never
    below `LATE_SHARE` of its own (nor `LATE_TASK_SECONDS`): on a machine so busy that the
    deadline passes, cutting a school to nothing leaves it a plan far from its bound (a 12 % gap
    at load 8) and saves little time, as each school's fixed work then dominates."""
    if task.deadline is None:
        return task.time_limit
    left = task.deadline - (time.time() if now is None else now)
    floor = max(min(LATE_TASK_SECONDS, task.time_limit), LATE_SHARE * task.time_limit)
    return max(floor, min(task.time_limit, left))


def run_task(task: SolveTask) -> TaskOutcome:
    """Solve one task (in whatever process runs it) and return plain data, never raising."""
    started = time.perf_counter()
    cpu_started = time.process_time()
    time_limit = task_time_limit(task)
    try:
        roster = roster_from_json(task.roster_json)
        hint = plan_from_json(task.hint_json) if task.hint_json is not None else None
        if task.runner is not None:
            result = task.runner(
                roster,
                time_limit=time_limit,
                seed=task.seed,
                workers=task.workers,
                hint=hint,
                solver=task.solver,
            )
        else:
            solver = task.solver if task.solver is not None else engine_solver()
            result = solver(
                roster,
                time_limit=time_limit,
                seed=task.seed,
                workers=task.workers,
                hint=hint,
            )
    except InputError as error:
        return TaskOutcome(
            key=task.key,
            status="unknown",
            objective=None,
            bound=None,
            plan_json=None,
            seconds=time.perf_counter() - started,
            problems=tuple((problem.path, problem.message) for problem in error.problems),
        )
    except Exception as error:  # a worker must hand back every failure as data
        return TaskOutcome(
            key=task.key,
            status="unknown",
            objective=None,
            bound=None,
            plan_json=None,
            seconds=time.perf_counter() - started,
            error=f"{type(error).__name__}: {error}",
        )
    return TaskOutcome(
        key=task.key,
        status=result.status,
        objective=result.objective,
        bound=result.bound,
        plan_json=result.plan.as_json() if result.plan is not None else None,
        seconds=result.seconds,
        stats=dict(result.stats),
        peak_memory_bytes=peak_memory_bytes(),
        cpu_seconds=round(time.process_time() - cpu_started, 3),
        time_limit=round(time_limit, 3),
    )


def engine_solver() -> Solver:
    """The engine, `pairwise.engine.pipeline.solve`."""
    # imported by name: the engine is the one module every task needs, and it loads CP-SAT
    engine: Solver = importlib.import_module("pairwise.engine.pipeline").solve
    return engine


class Executor(ABC):
    """Runs tasks, `slots` at a time, each with `cores_per_task` CP-SAT workers.

    `startup_seconds` is about how long the first tasks wait before they start (worker processes
    starting and importing the engine), for callers that share out a time limit.
    """

    slots: int
    cores_per_task: int
    startup_seconds: float = 0.0

    @abstractmethod
    def submit(self, task: SolveTask) -> Any:
        """Start a task (with this executor's share of cores); returns a handle to wait on."""

    @abstractmethod
    def wait_any(self, pending: Collection[Any]) -> list[Any]:
        """Block until at least one of `pending` is done; return the done ones."""

    @abstractmethod
    def outcome(self, handle: Any) -> TaskOutcome:
        """The outcome of a finished task."""

    @abstractmethod
    def close(self) -> None:
        """Release the pool or the cluster connection."""

    def map(
        self,
        tasks: Sequence[SolveTask],
        on_done: Callable[[int, TaskOutcome], None] | None = None,
    ) -> list[TaskOutcome]:
        """Run every task and return the outcomes in the order of `tasks`."""
        handles = [self.submit(task) for task in tasks]
        index = {id(handle): position for position, handle in enumerate(handles)}
        outcomes: list[TaskOutcome | None] = [None] * len(tasks)
        pending = list(handles)
        while pending:
            done = self.wait_any(pending)
            done_ids = {id(handle) for handle in done}
            pending = [handle for handle in pending if id(handle) not in done_ids]
            # report in submission order within one wake-up, so callbacks see a stable order
            for handle in sorted(done, key=lambda item: index[id(item)]):
                outcome = self.outcome(handle)
                outcomes[index[id(handle)]] = outcome
                if on_done is not None:
                    on_done(index[id(handle)], outcome)
        return [outcome for outcome in outcomes if outcome is not None]

    def __enter__(self) -> Executor:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class _InlineHandle:
    def __init__(self, task: SolveTask) -> None:
        self.task = task
        self.result: TaskOutcome | None = None


class InlineExecutor(Executor):
    """Runs each task in the calling process, one at a time, when it is waited for."""

    def __init__(self, cores_per_task: int = 1) -> None:
        self.slots = 1
        self.cores_per_task = max(1, cores_per_task)

    def submit(self, task: SolveTask) -> _InlineHandle:
        return _InlineHandle(replace(task, workers=self.cores_per_task))

    def wait_any(self, pending: Collection[Any]) -> list[Any]:
        first: _InlineHandle = next(iter(pending))
        if first.result is None:
            first.result = run_task(first.task)
        return [first]

    def outcome(self, handle: Any) -> TaskOutcome:
        inline: _InlineHandle = handle
        if inline.result is None:
            inline.result = run_task(inline.task)
        return inline.result

    def close(self) -> None:
        """Nothing to release: tasks ran in this process."""


class LocalExecutor(Executor):
    """An embedded pool of `slots` worker processes started with `spawn`."""

    # a pool's worker processes take about a second to start and import the engine
    startup_seconds = 1.0

    def __init__(self, slots: int, cores_per_task: int = 1) -> None:
        self.slots = max(1, slots)
        self.cores_per_task = max(1, cores_per_task)
        # spawn: a forked child would inherit the parent's threads' locks (CP-SAT, logging)
        self._pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=self.slots, mp_context=multiprocessing.get_context("spawn")
        )

    def submit(self, task: SolveTask) -> concurrent.futures.Future[TaskOutcome]:
        return self._pool.submit(run_task, replace(task, workers=self.cores_per_task))

    def wait_any(self, pending: Collection[Any]) -> list[Any]:
        done, _ = concurrent.futures.wait(
            list(pending), return_when=concurrent.futures.FIRST_COMPLETED
        )
        return list(done)

    def outcome(self, handle: Any) -> TaskOutcome:
        future: concurrent.futures.Future[TaskOutcome] = handle
        try:
            return future.result()
        except concurrent.futures.process.BrokenProcessPool as error:
            raise PairwiseError(
                f"a solver process died ({error}); the machine may be out of memory"
            ) from None

    def close(self) -> None:
        # on an interrupt, stop the workers rather than letting them finish their searches
        interrupted = sys.exc_info()[0] is not None
        if interrupted:
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.terminate()
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor(Executor):
    """Tasks sent to a running Dask distributed scheduler at `address`."""

    def __init__(
        self, address: str, max_cores_per_task: int | None = None, timeout: str | None = None
    ) -> None:
        try:
            distributed: Any = importlib.import_module("distributed")
        except ImportError:
            raise PairwiseError(
                f"--scheduler needs Dask, which is not installed: {DASK_HINT}"
            ) from None
        self._distributed = distributed
        try:
            self._client = distributed.Client(
                address, timeout=timeout or CONNECT_TIMEOUT, set_as_default=False
            )
        except (OSError, TimeoutError, ValueError) as error:
            raise PairwiseError(
                f"cannot reach the Dask scheduler at {address}: {error}; "
                "start one with `dask scheduler` and workers with `dask worker ADDRESS`"
            ) from None
        workers = self._client.scheduler_info().get("workers", {})
        if not workers:
            self._client.close()
            raise PairwiseError(
                f"the Dask scheduler at {address} has no workers; "
                f"start some with `dask worker {address}`"
            )
        self.slots = sum(int(info.get("nthreads", 1)) for info in workers.values())
        self.cores_per_task = _cluster_share(self._client, workers)
        if max_cores_per_task is not None:
            self.cores_per_task = max(1, min(self.cores_per_task, max_cores_per_task))

    @property
    def client(self) -> Any:
        """The `distributed.Client` talking to the scheduler (channels to tasks use it too)."""
        return self._client

    def submit(self, task: SolveTask) -> Any:
        return self._client.submit(
            run_task, replace(task, workers=self.cores_per_task), pure=False, key=None
        )

    def wait_any(self, pending: Collection[Any]) -> list[Any]:
        with self._client.as_current():  # `wait` finds the client it talks to this way
            done, _ = self._distributed.wait(list(pending), return_when="FIRST_COMPLETED")
        return list(done)

    def outcome(self, handle: Any) -> TaskOutcome:
        outcome: TaskOutcome = handle.result()
        return outcome

    def close(self) -> None:
        self._client.close()


def _cluster_share(client: Any, workers: dict[str, Any]) -> int:
    """Cores per task on the cluster: each host's cores over the threads its workers run.

    The smallest share over the hosts, so every task gets the same CP-SAT worker count wherever
    it lands (its result must not depend on the machine that ran it).
    """
    cores = client.run(os.cpu_count)
    threads_per_host: dict[str, int] = {}
    cores_per_host: dict[str, int] = {}
    for address, info in workers.items():
        host = str(info.get("host", address))
        threads_per_host[host] = threads_per_host.get(host, 0) + int(info.get("nthreads", 1))
        cores_per_host[host] = int(cores.get(address) or 1)
    return max(1, min(cores_per_host[host] // threads_per_host[host] for host in threads_per_host))


def machine_cores() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def open_executor(
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    tasks: int = 1,
    inline: bool = False,
) -> Executor:
    """The executor for `tasks` independent tasks: Dask at `scheduler`, else a local pool.

    Locally `workers` (default: the machine's cores) is split into `slots` processes of
    `workers // slots` CP-SAT workers each; with one slot (or `inline`) no process is started.
    Under Dask `workers`, when given, caps each task's CP-SAT workers.
    """
    if workers is not None and workers < 1:
        raise InputError([Problem("--workers", f"must be at least 1 (got {workers})")])
    if scheduler is not None:
        return DaskExecutor(scheduler, max_cores_per_task=workers)
    cores = workers if workers is not None else machine_cores()
    slots = 1 if inline else max(1, min(cores, tasks))
    if slots == 1:
        return InlineExecutor(cores_per_task=cores)
    return LocalExecutor(slots, cores_per_task=max(1, cores // slots))

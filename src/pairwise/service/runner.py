"""Running jobs: a bounded number at once on the executor, the rest queued in order.

A solve job is one `SolveTask` (roster JSON, never a CP-SAT model) on the executor every other
batch run uses: the embedded process pool, or a Dask cluster with `--scheduler`. Its progress comes
back through a channel (`pairwise.runs.channel`) into the job store; stopping a job sets the
channel's stop flag, and the engine returns its best plan so far, which is kept.

A what-if job runs `run_whatif` from a runner thread (its variants one after another on the
runner's share of the machine, or on the Dask cluster), with progress after each variant.

On shutdown every running job is asked to stop; the plans they return are kept and the jobs
marked `interrupted`, so that they can be resumed.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from pairwise.errors import InputError
from pairwise.result import Progress
from pairwise.roster.load import plan_from_json, roster_from_json
from pairwise.runs.channel import ChannelHub, ChannelSolver, DaskHub, ProcessHub
from pairwise.runs.district.solve import solve_district_inline
from pairwise.runs.executor import DaskExecutor, Executor, LocalExecutor, Solver, SolveTask
from pairwise.runs.replan import replan
from pairwise.service.settings import ServiceSettings
from pairwise.service.store import Finish, Job, JobStore

SHUTDOWN_GRACE = 30.0
"""Seconds a stopping service waits for its running jobs to hand back their best plans."""


class _Stopped(Exception):
    """Raised inside a what-if's progress callback to end it early."""


@dataclass
class _Running:
    thread: threading.Thread
    job: Job


class JobRunner:
    """Takes queued jobs from the store in order and runs `slots` of them at once."""

    def __init__(
        self, store: JobStore, settings: ServiceSettings, solver: Solver | None = None
    ) -> None:
        self.store = store
        self.settings = settings
        self.solver = solver
        self.slots = 1
        self._executor: Executor | None = None
        self._hub: ChannelHub | None = None
        self._condition = threading.Condition()
        self._running: dict[str, _Running] = {}
        self._active = threading.Event()
        self._closing = False
        self._threads: list[threading.Thread] = []

    # --- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Open the executor and start taking jobs."""
        executor: Executor
        if self.settings.scheduler is not None:
            executor = DaskExecutor(self.settings.scheduler, max_cores_per_task=1)
            self._hub = DaskHub(executor.client)
        else:
            executor = LocalExecutor(self.settings.workers, cores_per_task=1)
            self._hub = ProcessHub()
        self._executor = executor
        self.slots = executor.slots
        self._active.set()
        for target in (self._dispatch, self._pump):
            thread = threading.Thread(
                target=target, daemon=True, name=f"pairwise-{target.__name__}"
            )
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Ask every running job to stop, keep what they return (as `interrupted`), close."""
        with self._condition:
            self._closing = True
            running = list(self._running.values())
            self._condition.notify_all()
        for entry in running:
            if self._hub is not None:
                self._hub.stop(entry.job.id)
        deadline = time.monotonic() + SHUTDOWN_GRACE
        for entry in running:
            entry.thread.join(max(0.0, deadline - time.monotonic()))
        self._active.clear()
        for thread in self._threads:
            thread.join(5)
        if self._executor is not None:
            self._executor.close()
        if self._hub is not None:
            self._hub.close()

    def wake(self) -> None:
        """A job was queued: look at the queue now."""
        with self._condition:
            self._condition.notify_all()

    def cancel(self, job_id: str) -> None:
        """Stop a running job (a queued one the store cancels by itself)."""
        with self._condition:
            running = job_id in self._running
        if running and self._hub is not None:
            self._hub.stop(job_id)

    # --- threads ----------------------------------------------------------------------------

    def _dispatch(self) -> None:
        with self._condition:
            while self._active.is_set() and not self._closing:
                while len(self._running) < self.slots:
                    job = self.store.claim_next()
                    if job is None:
                        break
                    thread = threading.Thread(
                        target=self._run, args=(job,), daemon=True, name=f"pairwise-job-{job.id}"
                    )
                    self._running[job.id] = _Running(thread, job)
                    thread.start()
                self._condition.wait(timeout=1.0)

    def _pump(self) -> None:
        assert self._hub is not None
        self._hub.pump(self._deliver, self._active)

    def _deliver(self, note: dict[str, Any]) -> None:
        if "plan" in note:
            self.store.snapshot(str(note["key"]), str(note["plan"]))
            return
        self.store.progress(
            str(note["key"]),
            note.get("objective"),
            note.get("bound"),
            float(note.get("seconds") or 0.0),
            str(note.get("phase") or ""),
        )

    def _run(self, job: Job) -> None:
        try:
            if job.kind == "solve":
                finish = self._solve(job)
            elif job.kind == "replan":
                finish = self._replan(job)
            else:
                finish = self._whatif(job)
        except Exception as error:  # a job's failure is the job's, never the service's
            finish = Finish("failed", errors=[f"{type(error).__name__}: {error}"])
        self.store.finish(job.id, finish)
        with self._condition:
            self._running.pop(job.id, None)
            self._condition.notify_all()

    def _ended(self, job_id: str, status: str, has_plan: bool) -> str:
        """A stopped run's status: cancelled on request, interrupted by a shutdown."""
        current = self.store.get(job_id)
        if current is not None and current.cancel_requested:
            return "cancelled"
        if self._closing:
            return "interrupted"
        return status

    # --- the two kinds of job -----------------------------------------------------------------

    def _solve(self, job: Job) -> Finish:
        assert self._executor is not None and self._hub is not None
        channel = self._hub.open(job.id)
        if (current := self.store.get(job.id)) is not None and current.cancel_requested:
            self._hub.stop(job.id)
        options = job.options
        hint = self.store.plan_json(job.id) if job.has_plan else None
        task = SolveTask(
            key=job.id,
            roster_json=job.roster_json,
            time_limit=float(options["time_limit"]),
            seed=int(options["seed"]),
            hint_json=hint,
            runner=solve_district_inline if options.get("district") else None,
            solver=ChannelSolver(channel, self.solver),
        )
        try:
            outcome = self._executor.outcome(self._executor.submit(task))
        finally:
            self._hub.release(job.id)
        if outcome.problems:
            return Finish(
                "failed",
                elapsed=outcome.seconds,
                errors=[
                    f"{path}: {message}" if path else message for path, message in outcome.problems
                ],
            )
        if outcome.error is not None:
            return Finish("failed", elapsed=outcome.seconds, errors=[outcome.error])
        stopped = bool(outcome.stats.get("interrupted"))
        status: str = outcome.status
        errors: list[str] = []
        if stopped:
            status = self._ended(job.id, status, outcome.plan_json is not None)
        if status == "unknown":
            status = "failed"
            errors = [
                f"time_limit: no plan found within {options['time_limit']:g} s; "
                "try a longer time_limit"
            ]
        if status == "infeasible" and outcome.stats.get("why"):
            errors = [f"roster: no plan meets every hard rule: {outcome.stats['why']}"]
        return Finish(
            status,  # type: ignore[arg-type]
            objective=outcome.objective,
            bound=outcome.bound,
            elapsed=outcome.seconds,
            plan_json=outcome.plan_json,
            errors=errors,
        )

    def _replan(self, job: Job) -> Finish:
        """A re-plan runs in the runner's thread (one CP-SAT worker), stopped through its event."""
        options = job.options
        started = time.monotonic()
        stop = threading.Event()
        plan_in_force = str(options["plan_in_force"])

        def progress(report: Progress) -> None:
            self.store.progress(
                job.id, report.objective, report.bound, report.seconds, report.phase
            )
            current = self.store.get(job.id)
            if self._closing or (current is not None and current.cancel_requested):
                stop.set()

        try:
            result = replan(
                roster_from_json(job.roster_json),
                plan_from_json(plan_in_force),
                start=str(options["from"]),
                keep_within=float(options["keep_within"]),
                time_limit=float(options["time_limit"]),
                seed=int(options["seed"]),
                workers=1,
                plan_bytes=plan_in_force.encode("utf-8"),
                progress=progress,
                stop=stop,
            )
        except InputError as error:
            return Finish("failed", errors=[str(problem) for problem in error.problems])
        elapsed = time.monotonic() - started
        status: str = result.status
        if stop.is_set():
            status = self._ended(job.id, status, result.plan is not None)
        if result.plan is None:
            why = result.stats.get("why")
            errors = [f"roster: no re-plan meets every hard rule{f': {why}' if why else ''}"]
            if status not in ("infeasible", "cancelled", "interrupted"):
                status = "failed"
                errors = [
                    f"time_limit: no re-plan found within {options['time_limit']:g} s; "
                    "try a longer time_limit"
                ]
            return Finish(status, elapsed=elapsed, errors=errors)  # type: ignore[arg-type]
        return Finish(
            status,  # type: ignore[arg-type]
            objective=result.plan.objective,
            bound=result.plan.bound,
            elapsed=elapsed,
            plan_json=result.plan.as_json(),
        )

    def _whatif(self, job: Job) -> Finish:
        from pairwise.runs.whatif import parse_axes, run_whatif

        options = job.options
        started = time.monotonic()

        def progress(report: Progress) -> None:
            self.store.progress(job.id, None, None, report.seconds, report.phase)
            current = self.store.get(job.id)
            if self._closing or (current is not None and current.cancel_requested):
                raise _Stopped

        try:
            outcomes = run_whatif(
                roster_from_json(job.roster_json),
                parse_axes(options["vary"]),
                time_limit=float(options["time_limit"]),
                seed=int(options["seed"]),
                workers=1,
                scheduler=self.settings.scheduler,
                progress=progress,
                solver=self.solver,
            )
        except _Stopped:
            status = self._ended(job.id, "cancelled", False)
            return Finish(status, elapsed=time.monotonic() - started)  # type: ignore[arg-type]
        except InputError as error:
            return Finish("failed", errors=[str(problem) for problem in error.problems])
        variants = [outcome.as_json_data() for outcome in outcomes]
        statuses = {outcome.status for outcome in outcomes}
        status = "optimal" if statuses == {"optimal"} else "feasible"
        if statuses == {"infeasible"}:
            status = "infeasible"
        return Finish(
            status,  # type: ignore[arg-type]
            elapsed=time.monotonic() - started,
            result={"variants": variants},
        )

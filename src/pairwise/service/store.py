"""The job store: every job, its progress and its best plan, in one SQLite file.

SQLite in WAL mode with full sync: a finished job (status, plan, result) is written in one
transaction, so a process killed at any moment leaves each job either as it was or finished, never
half-written. Opening the store marks jobs that were running when the last process died as
`interrupted` (their best plan kept); queued jobs stay queued and run again in their order.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pairwise.result import relative_gap

JobStatus = Literal[
    "queued", "running", "optimal", "feasible", "infeasible", "failed", "cancelled", "interrupted"
]
JobKind = Literal["solve", "whatif", "replan"]
FINISHED: frozenset[str] = frozenset(
    {"optimal", "feasible", "infeasible", "failed", "cancelled", "interrupted"}
)
DATABASE = "jobs.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    tenant TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    position INTEGER NOT NULL,
    created REAL NOT NULL,
    started REAL,
    finished REAL,
    roster TEXT NOT NULL,
    options TEXT NOT NULL,
    objective INTEGER,
    bound INTEGER,
    elapsed REAL NOT NULL DEFAULT 0,
    phase TEXT NOT NULL DEFAULT '',
    plan TEXT,
    result TEXT,
    errors TEXT NOT NULL DEFAULT '[]',
    warnings TEXT NOT NULL DEFAULT '[]',
    cancel INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS jobs_queue ON jobs (status, position);
CREATE INDEX IF NOT EXISTS jobs_tenant ON jobs (tenant, seq);
"""

_COLUMNS = (
    "id, tenant, kind, status, created, started, finished, roster, options, objective, bound, "
    "elapsed, phase, plan IS NOT NULL, result, errors, warnings, cancel"
)


@dataclass(frozen=True)
class Job:
    """One job as stored (the plan itself is read apart: it can be large)."""

    id: str
    tenant: str
    kind: JobKind
    status: JobStatus
    created: float
    started: float | None
    finished: float | None
    roster_json: str
    options: dict[str, Any]
    objective: int | None
    bound: int | None
    elapsed: float
    phase: str
    has_plan: bool
    result: Any
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cancel_requested: bool = False

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return relative_gap(self.objective, self.bound)

    @property
    def done(self) -> bool:
        return self.status in FINISHED


def _job(row: tuple[Any, ...]) -> Job:
    return Job(
        id=row[0],
        tenant=row[1],
        kind=row[2],
        status=row[3],
        created=row[4],
        started=row[5],
        finished=row[6],
        roster_json=row[7],
        options=json.loads(row[8]),
        objective=row[9],
        bound=row[10],
        elapsed=row[11],
        phase=row[12],
        has_plan=bool(row[13]),
        result=json.loads(row[14]) if row[14] is not None else None,
        errors=json.loads(row[15]),
        warnings=json.loads(row[16]),
        cancel_requested=bool(row[17]),
    )


@dataclass(frozen=True)
class Finish:
    """How a job ended: written with its plan in one transaction."""

    status: JobStatus
    objective: int | None = None
    bound: int | None = None
    elapsed: float = 0.0
    plan_json: str | None = None
    result: Any = None
    errors: list[str] = field(default_factory=list)


class JobStore:
    """Jobs in `folder/jobs.sqlite3`; safe to use from several threads of one process."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / DATABASE
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=30
        )
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute("PRAGMA synchronous=FULL")
        self._connection.executescript(_SCHEMA)
        self.interrupted_on_open = self._mark_interrupted()

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Cursor]:
        """One immediate transaction, committed whole or not at all."""
        with self._lock:
            cursor = self._connection.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                yield cursor
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")

    def _read(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._connection.execute(sql, parameters).fetchall()

    def _mark_interrupted(self) -> int:
        with self._write() as cursor:
            cursor.execute(
                "UPDATE jobs SET status = 'interrupted', finished = ?, "
                "phase = 'the service stopped while it ran' WHERE status = 'running'",
                (time.time(),),
            )
            return cursor.rowcount

    # --- creating and reading ------------------------------------------------------------------

    def create(
        self,
        tenant: str,
        kind: JobKind,
        roster_json: str,
        options: dict[str, Any],
        warnings: list[str] | None = None,
    ) -> Job:
        """A new queued job at the back of the queue."""
        job_id = uuid.uuid4().hex
        with self._write() as cursor:
            (position,) = cursor.execute(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM jobs"
            ).fetchone()
            cursor.execute(
                "INSERT INTO jobs (id, tenant, kind, status, position, created, roster, options, "
                "warnings) VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?)",
                (
                    job_id,
                    tenant,
                    kind,
                    position,
                    time.time(),
                    roster_json,
                    json.dumps(options),
                    json.dumps(warnings or []),
                ),
            )
        job = self.get(job_id)
        assert job is not None
        return job

    def get(self, job_id: str, tenant: str | None = None) -> Job | None:
        """The job, or None when it does not exist or belongs to another tenant."""
        rows = self._read(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", (job_id,))
        if not rows:
            return None
        job = _job(rows[0])
        return job if tenant is None or job.tenant == tenant else None

    def plan_json(self, job_id: str) -> str | None:
        rows = self._read("SELECT plan FROM jobs WHERE id = ?", (job_id,))
        return rows[0][0] if rows else None

    def jobs(self, tenant: str, limit: int = 100) -> list[Job]:
        """A tenant's newest jobs first."""
        rows = self._read(
            f"SELECT {_COLUMNS} FROM jobs WHERE tenant = ? ORDER BY seq DESC LIMIT ?",
            (tenant, limit),
        )
        return [_job(row) for row in rows]

    def queued_count(self, tenant: str) -> int:
        """The tenant's jobs waiting or running: what the per-tenant queue limit counts."""
        rows = self._read(
            "SELECT COUNT(*) FROM jobs WHERE tenant = ? AND status IN ('queued', 'running')",
            (tenant,),
        )
        return int(rows[0][0])

    # --- the queue ----------------------------------------------------------------------------

    def claim_next(self) -> Job | None:
        """The first queued job, now running; None when the queue is empty."""
        with self._write() as cursor:
            row = cursor.execute(
                "SELECT id FROM jobs WHERE status = 'queued' ORDER BY position LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            cursor.execute(
                "UPDATE jobs SET status = 'running', started = ?, phase = 'starting' WHERE id = ?",
                (time.time(), row[0]),
            )
        return self.get(row[0])

    def progress(
        self,
        job_id: str,
        objective: int | None,
        bound: int | None,
        elapsed: float,
        phase: str,
    ) -> None:
        """A running job's latest figures."""
        with self._write() as cursor:
            cursor.execute(
                "UPDATE jobs SET objective = ?, bound = ?, elapsed = ?, phase = ? "
                "WHERE id = ? AND status = 'running'",
                (objective, bound, elapsed, phase, job_id),
            )

    def snapshot(self, job_id: str, plan_json: str) -> None:
        """A running job's best plan so far: what it keeps should the service die."""
        with self._write() as cursor:
            cursor.execute(
                "UPDATE jobs SET plan = ? WHERE id = ? AND status = 'running'", (plan_json, job_id)
            )

    def finish(self, job_id: str, finish: Finish) -> None:
        """How the job ended, its plan and result in one transaction (an older plan is kept
        when the run found none)."""
        with self._write() as cursor:
            cursor.execute(
                "UPDATE jobs SET status = ?, finished = ?, objective = COALESCE(?, objective), "
                "bound = COALESCE(?, bound), elapsed = ?, phase = '', plan = COALESCE(?, plan), "
                "result = ?, errors = ? WHERE id = ?",
                (
                    finish.status,
                    time.time(),
                    finish.objective,
                    finish.bound,
                    finish.elapsed,
                    finish.plan_json,
                    json.dumps(finish.result) if finish.result is not None else None,
                    json.dumps(finish.errors),
                    job_id,
                ),
            )

    def request_cancel(self, job_id: str) -> Job | None:
        """Stop a job: a queued one is cancelled at once, a running one is marked for its runner."""
        with self._write() as cursor:
            cursor.execute(
                "UPDATE jobs SET status = 'cancelled', finished = ? WHERE id = ? AND status = 'queued'",
                (time.time(), job_id),
            )
            cursor.execute(
                "UPDATE jobs SET cancel = 1 WHERE id = ? AND status = 'running'", (job_id,)
            )
        return self.get(job_id)

    def requeue(self, job_id: str) -> Job | None:
        """Queue an interrupted or cancelled job again, at the back; its best plan is kept."""
        with self._write() as cursor:
            (position,) = cursor.execute(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM jobs"
            ).fetchone()
            cursor.execute(
                "UPDATE jobs SET status = 'queued', position = ?, cancel = 0, finished = NULL, "
                "phase = '' WHERE id = ? AND status IN ('interrupted', 'cancelled')",
                (position, job_id),
            )
        return self.get(job_id)

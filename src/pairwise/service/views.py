"""What the service answers, as pydantic models (the OpenAPI document is generated from them).

The roster and plan themselves are never redeclared here: requests and responses that carry them
refer to `pairwise.roster.models.Roster` and `Plan`, the models that define the formats.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from pydantic import BaseModel, Field

from pairwise.service.store import Job, JobKind, JobStatus


class JobCreated(BaseModel):
    """A job was queued."""

    id: str = Field(description="The job's id, for /v1/jobs/{id}.")
    status: JobStatus


class JobView(BaseModel):
    """A job: where it stands, its best objective, the proven bound and the time spent."""

    id: str
    kind: JobKind
    status: JobStatus = Field(
        description="queued, running, optimal, feasible, infeasible, failed, cancelled or "
        "interrupted (the service stopped while it ran; resume it with /v1/jobs/{id}/resume)."
    )
    objective: int | None = Field(description="The best plan's objective so far.")
    bound: int | None = Field(description="The proven upper bound on any plan's objective.")
    gap: float | None = Field(description="(bound - objective) / max(1, |bound|); 0 when proven.")
    elapsed: float = Field(description="Seconds spent solving.")
    phase: str = Field(description="What the engine is doing now (while it runs).")
    created: str
    started: str | None
    finished: str | None
    has_plan: bool = Field(description="Whether /v1/jobs/{id}/plan holds a plan.")
    errors: list[str] = Field(description="Why the job failed, as 'path: message'.")
    warnings: list[str] = Field(description="What reading the workbook noted.")
    variants: list[dict[str, Any]] | None = Field(
        default=None, description="A what-if job's variants, once it has finished."
    )


class JobList(BaseModel):
    """The caller's newest jobs first."""

    jobs: list[JobView]


class RosterSummary(BaseModel):
    """What a valid roster holds."""

    name: str
    year: int
    teachers: int
    schools: list[str]
    periods: int
    warnings: list[str]


class CheckViolation(BaseModel):
    rule: int = Field(description="The hard rule's number (0: the plan contradicts itself).")
    message: str


class CheckView(BaseModel):
    """Every broken hard rule, and the objective recomputed term by term."""

    ok: bool
    violations: list[CheckViolation]
    terms: dict[str, int]
    objective: int
    mismatches: list[str]


def _time(stamp: float | None) -> str | None:
    if stamp is None:
        return None
    return dt.datetime.fromtimestamp(stamp, dt.UTC).isoformat(timespec="seconds")


def job_view(job: Job) -> JobView:
    elapsed = job.elapsed
    if job.status == "running" and job.started is not None:
        elapsed = max(elapsed, time.time() - job.started)
    gap = job.gap
    return JobView(
        id=job.id,
        kind=job.kind,
        status=job.status,
        objective=job.objective,
        bound=job.bound,
        gap=round(gap, 6) if gap is not None else None,
        elapsed=round(elapsed, 3),
        phase=job.phase,
        created=_time(job.created) or "",
        started=_time(job.started),
        finished=_time(job.finished),
        has_plan=job.has_plan,
        errors=job.errors,
        warnings=job.warnings,
        variants=job.result.get("variants") if isinstance(job.result, dict) else None,
    )

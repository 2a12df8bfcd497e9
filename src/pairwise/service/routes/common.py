"""What every route shares: the store, the runner and the limits of the running service, the
request bodies' OpenAPI descriptions (pointing at the format models' schemas), and the checks on
query values that have a service limit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import JSONResponse

from pairwise.service.auth import tenant_of
from pairwise.service.problems import ServiceProblem
from pairwise.service.runner import JobRunner
from pairwise.service.settings import Limits
from pairwise.service.store import Job, JobStore
from pairwise.service.views import JobCreated

# the parameters every job route takes: whose job it is, its time and its seed
Tenant = Annotated[str, Depends(tenant_of)]
TimeLimit = Annotated[
    float,
    Query(gt=0, allow_inf_nan=False, description="Seconds for the job (the service caps it)."),
]
Seed = Annotated[int, Query(ge=0, le=2**31 - 1, description="Solver seed.")]
ROSTER_REF = "#/components/schemas/Roster"
PLAN_REF = "#/components/schemas/Plan"
UPLOAD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "file": {
            "type": "string",
            "format": "binary",
            "description": "A workbook (.xlsx, as `pairwise template` writes) or a roster file.",
        }
    },
    "required": ["file"],
}
ROSTER_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A roster (pairwise/roster@1) as JSON, or a workbook as multipart `file`.",
        "content": {
            "application/json": {"schema": {"$ref": ROSTER_REF}},
            "multipart/form-data": {"schema": UPLOAD_SCHEMA},
        },
    }
}


def roster_and_plan_body(description: str) -> dict[str, Any]:
    """The OpenAPI request body of a JSON object holding a roster and a plan."""
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "roster": {"$ref": ROSTER_REF},
                            "plan": {"$ref": PLAN_REF},
                        },
                        "required": ["roster", "plan"],
                        "additionalProperties": False,
                    }
                }
            },
        }
    }


CHECK_BODY = roster_and_plan_body("A roster and a plan to check against it.")


def store_of(request: Request) -> JobStore:
    store: JobStore = request.app.state.store
    return store


def runner_of(request: Request) -> JobRunner:
    runner: JobRunner = request.app.state.runner
    return runner


def limits_of(request: Request) -> Limits:
    limits: Limits = request.app.state.settings.limits
    return limits


def check_time_limit(time_limit: float, limits: Limits) -> None:
    if time_limit > limits.time_limit:
        raise ServiceProblem(
            413,
            f"time_limit {time_limit:g} s is over this service's limit of {limits.time_limit:g} s",
            [f"time_limit: over the limit of {limits.time_limit:g} seconds"],
        )


def check_queue(store: JobStore, tenant: str, limits: Limits) -> None:
    waiting = store.queued_count(tenant)
    if waiting >= limits.queued_per_tenant:
        raise ServiceProblem(
            429,
            f"{waiting} jobs are queued or running for this token, the limit is "
            f"{limits.queued_per_tenant}; wait for one to finish or stop one",
            [f"jobs: {waiting} queued or running, the limit is {limits.queued_per_tenant}"],
            headers={"Retry-After": "5"},
        )


def job_or_404(store: JobStore, job_id: str, tenant: str) -> Job:
    job = store.get(job_id, tenant)
    if job is None:
        raise ServiceProblem(404, f"no job '{job_id}' for this token", [f"id: no job '{job_id}'"])
    return job


def job_created(job: Job) -> JSONResponse:
    """202 with the new job's id and status, and where to follow it."""
    body = JobCreated(id=job.id, status=job.status)
    return JSONResponse(
        body.model_dump(), status_code=202, headers={"Location": f"/v1/jobs/{job.id}"}
    )

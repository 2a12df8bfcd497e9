"""Jobs: queue a solve or a what-if, follow it (also live, as server-sent events), stop it,
resume it, and read its plan, report and exports."""

from __future__ import annotations

import asyncio
import io
import tempfile
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse

from pairwise.errors import InputError
from pairwise.roster.load import plan_from_json, roster_from_json
from pairwise.roster.models import Plan
from pairwise.service.intake import read_roster
from pairwise.service.problems import ServiceProblem, input_problem, problem_responses
from pairwise.service.routes.common import (
    ROSTER_BODY,
    Seed,
    Tenant,
    TimeLimit,
    check_queue,
    check_time_limit,
    job_created,
    job_or_404,
    limits_of,
    runner_of,
    store_of,
)
from pairwise.service.settings import DEFAULT_TIME_LIMIT
from pairwise.service.store import Job, JobStore
from pairwise.service.views import JobCreated, JobList, JobView, job_view

EVENT_POLL = 0.2
"""Seconds between two looks at a followed job."""
MAX_VARIANTS = 64
"""The most variants one what-if job may ask for (413 beyond)."""
REPORT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
"""The report's own policy (it is self-contained and runs no script)."""

router = APIRouter(prefix="/v1", tags=["jobs"])
_RESPONSES = problem_responses(401, 404)


@router.post(
    "/solve",
    status_code=202,
    response_model=JobCreated,
    openapi_extra=ROSTER_BODY,
    responses=problem_responses(401, 413, 422, 429),
    summary="Queue a solve of a roster (JSON) or a workbook (multipart `file`).",
)
async def solve(
    request: Request,
    tenant: Tenant,
    time_limit: TimeLimit = DEFAULT_TIME_LIMIT,
    seed: Seed = 0,
) -> JSONResponse:
    store, limits = store_of(request), limits_of(request)
    check_time_limit(time_limit, limits)
    await run_in_threadpool(check_queue, store, tenant, limits)
    intake = await read_roster(request, limits)
    roster = intake.roster
    options = {"time_limit": time_limit, "seed": seed, "district": len(roster.schools()) > 1}
    # the store syncs to disk: off the event loop
    job = await run_in_threadpool(
        store.create, tenant, "solve", roster.as_json(), options, intake.warnings
    )
    runner_of(request).wake()
    return job_created(job)


@router.post(
    "/whatif",
    status_code=202,
    response_model=JobCreated,
    openapi_extra=ROSTER_BODY,
    responses=problem_responses(401, 413, 422, 429),
    summary="Queue a what-if: the roster solved for each value of the varied policy counts.",
)
async def whatif(
    request: Request,
    tenant: Tenant,
    vary: Annotated[
        list[str],
        Query(
            min_length=1,
            description="FIELD=START:STOP[:STEP] or FIELD=A,B,C (repeat for a grid), "
            "e.g. release_budget=0:80:10.",
        ),
    ],
    time_limit: TimeLimit = 10.0,
    seed: Seed = 0,
) -> JSONResponse:
    from pairwise.runs.whatif import grid, parse_axes

    store, limits = store_of(request), limits_of(request)
    try:
        axes = parse_axes(vary)
    except InputError as error:
        raise input_problem(error, "the varied fields are not valid") from None
    variants = len(grid(axes))
    if variants > MAX_VARIANTS:
        raise ServiceProblem(
            413,
            f"{variants} variants, over this service's limit of {MAX_VARIANTS}",
            [f"vary: {variants} variants is over the limit of {MAX_VARIANTS}"],
        )
    check_time_limit(time_limit * variants, limits)
    await run_in_threadpool(check_queue, store, tenant, limits)
    intake = await read_roster(request, limits)
    options = {"time_limit": time_limit, "seed": seed, "vary": list(vary)}
    job = await run_in_threadpool(
        store.create, tenant, "whatif", intake.roster.as_json(), options, intake.warnings
    )
    runner_of(request).wake()
    return job_created(job)


@router.get("/jobs", response_model=JobList, responses={401: problem_responses(401)[401]})
def list_jobs(request: Request, tenant: Tenant) -> JobList:
    """The caller's newest jobs (at most 100)."""
    return JobList(jobs=[job_view(job) for job in store_of(request).jobs(tenant)])


@router.get("/jobs/{job_id}", response_model=JobView, responses=_RESPONSES)
def get_job(request: Request, job_id: str, tenant: Tenant) -> JobView:
    """Where a job stands: status, objective, bound, gap, elapsed."""
    return job_view(job_or_404(store_of(request), job_id, tenant))


@router.get(
    "/jobs/{job_id}/events",
    responses={
        **_RESPONSES,
        200: {"content": {"text/event-stream": {}}, "description": "progress events"},
    },
    response_class=StreamingResponse,
)
def job_events(request: Request, job_id: str, tenant: Tenant) -> StreamingResponse:
    """The job's view as server-sent events (`progress` while it runs, `done` at the end)."""
    store = store_of(request)
    job_or_404(store, job_id, tenant)
    return StreamingResponse(
        _events(request, store, job_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _events(request: Request, store: JobStore, job_id: str) -> AsyncIterator[str]:
    last = ""
    while True:
        job = await run_in_threadpool(store.get, job_id)
        if job is None:
            return
        data = job_view(job).model_dump_json()
        if data != last:
            yield f"event: {'done' if job.done else 'progress'}\ndata: {data}\n\n"
            last = data
        if job.done or await request.is_disconnected():
            return
        await asyncio.sleep(EVENT_POLL)


@router.delete("/jobs/{job_id}", response_model=JobView, responses=_RESPONSES)
def stop_job(request: Request, job_id: str, tenant: Tenant) -> JobView:
    """Stop a job: a queued one is cancelled, a running one stops and keeps its best plan."""
    store = store_of(request)
    job = job_or_404(store, job_id, tenant)
    if not job.done:
        store.request_cancel(job_id)
        runner_of(request).cancel(job_id)
    return job_view(job_or_404(store, job_id, tenant))


@router.post(
    "/jobs/{job_id}/resume",
    status_code=202,
    response_model=JobCreated,
    responses=problem_responses(401, 404, 409, 429),
)
def resume_job(request: Request, job_id: str, tenant: Tenant) -> JSONResponse:
    """Queue an interrupted or cancelled job again, warm-started from its best plan."""
    store = store_of(request)
    job = job_or_404(store, job_id, tenant)
    if job.status not in {"interrupted", "cancelled"}:
        raise ServiceProblem(
            409,
            f"job '{job_id}' is {job.status}; only an interrupted or cancelled job resumes",
            [f"status: {job.status}"],
        )
    check_queue(store, tenant, limits_of(request))
    resumed = store.requeue(job_id)
    assert resumed is not None
    runner_of(request).wake()
    return job_created(resumed)


def _plan_text(store: JobStore, job: Job) -> str:
    text = store.plan_json(job.id) if job.has_plan else None
    if text is None:
        raise ServiceProblem(
            409,
            f"job '{job.id}' has no plan ({job.status})",
            [f"plan: none yet, the job is {job.status}"],
        )
    return text


@router.get(
    "/jobs/{job_id}/plan",
    responses={
        **_RESPONSES,
        409: problem_responses(409)[409],
        200: {"model": Plan, "description": "The plan (pairwise/plan@1)."},
    },
)
def job_plan(request: Request, job_id: str, tenant: Tenant) -> Response:
    """The job's plan: the final one, or the best so far of a stopped job. 409 while none."""
    store = store_of(request)
    text = _plan_text(store, job_or_404(store, job_id, tenant))
    return Response(text, media_type="application/json")


@router.get(
    "/jobs/{job_id}/report.html",
    response_class=HTMLResponse,
    responses={**_RESPONSES, 409: problem_responses(409)[409]},
)
def job_report(request: Request, job_id: str, tenant: Tenant) -> HTMLResponse:
    """The admin report of the job's plan (self-contained HTML)."""
    from pairwise.interchange.export.report import render_report

    store = store_of(request)
    job = job_or_404(store, job_id, tenant)
    plan = plan_from_json(_plan_text(store, job))
    html = render_report(roster_from_json(job.roster_json), plan)
    return HTMLResponse(html, headers={"Content-Security-Policy": REPORT_POLICY})


@router.get(
    "/jobs/{job_id}/export.zip",
    responses={
        **_RESPONSES,
        409: problem_responses(409)[409],
        200: {"content": {"application/zip": {}}, "description": "calendars, spreadsheets, report"},
    },
    response_class=Response,
)
def job_export(request: Request, job_id: str, tenant: Tenant) -> Response:
    """Calendars (all.ics, teachers/*.ics), spreadsheets (CSV) and the report, zipped."""
    store = store_of(request)
    job = job_or_404(store, job_id, tenant)
    plan = plan_from_json(_plan_text(store, job))
    content = export_zip(job.roster_json, plan)
    return Response(
        content,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="pairwise-{job.id}.zip"'},
    )


def export_zip(roster_json: str, plan: Plan) -> bytes:
    """The export folder of `pairwise export`, as zip bytes."""
    from pairwise.interchange.export.bundle import export_plan

    roster = roster_from_json(roster_json)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="pairwise-export-") as folder:
        summary = export_plan(roster, plan, folder)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in summary.files:
                archive.write(path, Path(path).relative_to(folder).as_posix())
    return buffer.getvalue()

"""Re-planning as a job: the updated roster and the plan in force in, a re-plan from a date out."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from pairwise.errors import InputError
from pairwise.runs.replan import check_replan_inputs
from pairwise.service.intake import read_roster_and_plan
from pairwise.service.problems import input_problem, problem_responses
from pairwise.service.routes.common import (
    Seed,
    Tenant,
    TimeLimit,
    check_queue,
    check_time_limit,
    job_created,
    limits_of,
    roster_and_plan_body,
    runner_of,
    store_of,
)
from pairwise.service.settings import DEFAULT_TIME_LIMIT
from pairwise.service.views import JobCreated

router = APIRouter(prefix="/v1", tags=["jobs"])
REPLAN_BODY = roster_and_plan_body("The updated roster and the plan in force.")


@router.post(
    "/replan",
    status_code=202,
    response_model=JobCreated,
    openapi_extra=REPLAN_BODY,
    responses=problem_responses(401, 413, 422, 429),
    summary="Queue a re-plan: sessions before `from` stay, the rest moves as little as it can.",
)
async def replan(
    request: Request,
    tenant: Tenant,
    start: Annotated[
        dt.date | None,
        Query(
            alias="from",
            description="The first day that may change (default: today in the roster's zone).",
        ),
    ] = None,
    keep_within: Annotated[
        float,
        Query(
            ge=0,
            le=100,
            allow_inf_nan=False,
            description="Percent of the best objective the re-plan may give up for fewer changes.",
        ),
    ] = 0.0,
    time_limit: TimeLimit = DEFAULT_TIME_LIMIT,
    seed: Seed = 0,
) -> JSONResponse:
    store, limits = store_of(request), limits_of(request)
    check_time_limit(time_limit, limits)
    await run_in_threadpool(check_queue, store, tenant, limits)
    roster, plan = await read_roster_and_plan(request, limits)
    try:
        first_day = check_replan_inputs(roster, plan, start, keep_within)
    except InputError as error:
        raise input_problem(error, "the plan in force does not fit the roster") from None
    options = {
        "time_limit": time_limit,
        "seed": seed,
        "from": first_day.isoformat(),
        "keep_within": keep_within,
        "plan_in_force": plan.as_json(),
    }
    job = await run_in_threadpool(store.create, tenant, "replan", roster.as_json(), options, [])
    runner_of(request).wake()
    return job_created(job)

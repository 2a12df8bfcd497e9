"""Answers that need no job: validate a roster, check a plan against a roster, explain why a
roster has no plan (bounded by the service's time limit)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool

from pairwise.service.intake import read_roster, read_roster_and_plan
from pairwise.service.problems import problem_responses
from pairwise.service.routes.common import (
    CHECK_BODY,
    ROSTER_BODY,
    Tenant,
    check_time_limit,
    limits_of,
)
from pairwise.service.views import CheckView, RosterSummary

router = APIRouter(prefix="/v1", tags=["tools"])
_RESPONSES = problem_responses(401, 413, 422)


@router.post(
    "/validate",
    response_model=RosterSummary,
    openapi_extra=ROSTER_BODY,
    responses=_RESPONSES,
    summary="Read and validate a roster or workbook; every problem by path or cell.",
)
async def validate(request: Request, tenant: Tenant) -> RosterSummary:
    intake = await read_roster(request, limits_of(request))
    roster = intake.roster
    return RosterSummary(
        name=roster.name,
        year=roster.year,
        teachers=len(roster.teachers),
        schools=roster.schools(),
        periods=len(roster.periods),
        warnings=intake.warnings,
    )


@router.post(
    "/check",
    response_model=CheckView,
    openapi_extra=CHECK_BODY,
    responses=_RESPONSES,
    summary="Check a plan against every hard rule of a roster and recompute its objective.",
)
async def check(request: Request, tenant: Tenant) -> CheckView:
    from pairwise.checker.entry import check as check_plan

    roster, plan = await read_roster_and_plan(request, limits_of(request))
    report = await run_in_threadpool(check_plan, roster, plan)
    return CheckView.model_validate(report.as_dict())


@router.post(
    "/explain",
    openapi_extra=ROSTER_BODY,
    responses=_RESPONSES,
    summary="Explain why a roster has no plan: conflicting rules and checked relaxations.",
)
async def explain(
    request: Request,
    tenant: Tenant,
    time_limit: Annotated[
        float, Query(gt=0, allow_inf_nan=False, description="Seconds for the explanation.")
    ] = 10.0,
) -> dict[str, Any]:
    from pairwise.explanation.diagnose import explain as explain_roster

    limits = limits_of(request)
    check_time_limit(time_limit, limits)
    intake = await read_roster(request, limits)
    explanation = await run_in_threadpool(
        lambda: explain_roster(intake.roster, time_limit=time_limit, workers=1)
    )
    result: dict[str, Any] = explanation.as_dict()
    return result

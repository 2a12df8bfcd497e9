"""Errors as RFC 9457 problem details, with every problem as `path: message` (as the CLI prints).

Every error the service returns goes through `problem_response`: bad input (422), a missing or
unknown token (401), an unknown job or another tenant's (404), too large (413), too many jobs
(429), a job without what was asked for yet (409).
"""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from pairwise.errors import InputError, PairwiseError, format_path

PROBLEM_TYPE = "application/problem+json"


class ProblemDetails(BaseModel):
    """An error (RFC 9457): what went wrong, and each problem as `path: message`."""

    type: str = Field(default="about:blank", description="A URI naming the kind of problem.")
    title: str = Field(description="The HTTP status in words.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(default="", description="What went wrong, in a sentence.")
    errors: list[str] = Field(
        default_factory=list, description="Every problem as 'path: message', as the CLI prints."
    )


class ServiceProblem(Exception):
    """Raised by a route to answer with a problem."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: Sequence[str] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = list(errors)
        self.headers = headers


def problem_response(
    status: int,
    detail: str,
    errors: Sequence[str] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ProblemDetails(
        title=HTTPStatus(status).phrase, status=status, detail=detail, errors=list(errors)
    )
    return JSONResponse(
        body.model_dump(), status_code=status, media_type=PROBLEM_TYPE, headers=headers
    )


def input_problem(error: InputError, detail: str = "the input is not valid") -> ServiceProblem:
    """A 422 carrying every problem of bad input."""
    return ServiceProblem(422, detail, [str(problem) for problem in error.problems])


def _validation_errors(error: RequestValidationError) -> list[str]:
    lines = []
    for item in error.errors():
        location: list[Any] = list(item.get("loc", ()))
        if location and location[0] in {"query", "path", "header", "body", "cookie"}:
            location = location[1:]
        path = format_path([part for part in location if isinstance(part, (str, int))])
        message = str(item.get("msg", "is not valid"))
        lines.append(f"{path}: {message}" if path else message)
    return lines


def install_handlers(app: FastAPI) -> None:
    """Every error answered as a problem."""

    @app.exception_handler(ServiceProblem)
    async def service_problem(request: Request, error: ServiceProblem) -> JSONResponse:
        return problem_response(error.status, error.detail, error.errors, error.headers)

    @app.exception_handler(InputError)
    async def input_error(request: Request, error: InputError) -> JSONResponse:
        problem = input_problem(error)
        return problem_response(problem.status, problem.detail, problem.errors)

    @app.exception_handler(PairwiseError)
    async def pairwise_error(request: Request, error: PairwiseError) -> JSONResponse:
        return problem_response(422, str(error), [str(error)])

    @app.exception_handler(RequestValidationError)
    async def request_invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        return problem_response(422, "the request is not valid", _validation_errors(error))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        # uvicorn logs the traceback; the caller gets a problem without it
        return problem_response(500, "the service met an unexpected error (it is logged)")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        detail = (
            error.detail if isinstance(error.detail, str) else HTTPStatus(error.status_code).phrase
        )
        headers = dict(error.headers) if error.headers else None
        return problem_response(error.status_code, detail, headers=headers)


_PROBLEM_RESPONSES: dict[int, dict[str, Any]] = {
    status: {"model": ProblemDetails, "content": {PROBLEM_TYPE: {}}, "description": description}
    for status, description in {
        401: "No valid token.",
        404: "No such job for this token.",
        409: "The job has no such result yet.",
        413: "Over a limit: body size, teachers, variants or time limit.",
        422: "The roster, plan or a parameter is not valid (every problem as 'path: message').",
        429: "Too many queued jobs for this token.",
    }.items()
}


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI description of these problem responses."""
    return {code: _PROBLEM_RESPONSES[code] for code in codes}

"""Reading what a request sends: a roster as JSON, or a workbook (or roster file) as multipart
`file`, within the service's limits.

The roster goes through the same loader as the command line (`roster_from_data`), so its problems
read the same: `teachers[3].teaches[1]: unknown period 'mon-9'`, or `Teachers!C14: ...` for a
workbook. The body is read in pieces and refused (413) as soon as it passes the size limit.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from pairwise.errors import InputError, Problem
from pairwise.roster.load import parse_json, roster_from_data, validate_model
from pairwise.roster.models import PLAN_FORMAT, Plan, Roster
from pairwise.service.problems import ServiceProblem, input_problem
from pairwise.service.settings import Limits

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class Intake:
    """A roster read from a request, and what the admin should know about how it was read."""

    roster: Roster
    warnings: list[str] = field(default_factory=list)


async def read_body(request: Request, limits: Limits) -> bytes:
    """The whole body, refused with a 413 once it passes `limits.body_bytes`."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.body_bytes:
        raise _too_large(int(declared), limits)
    pieces = []
    size = 0
    async for piece in request.stream():
        size += len(piece)
        if size > limits.body_bytes:
            raise _too_large(size, limits)
        pieces.append(piece)
    body = b"".join(pieces)
    # the form parser reads the body again from here (Starlette keeps a read body in `_body`)
    request._body = body
    return body


def _too_large(size: int, limits: Limits) -> ServiceProblem:
    return ServiceProblem(
        413,
        f"the request is {size:,} bytes, over the limit of {limits.body_bytes:,}",
        [f"body: over the limit of {limits.body_bytes:,} bytes"],
    )


def check_teachers(count: int, limits: Limits) -> None:
    if count > limits.teachers:
        raise ServiceProblem(
            413,
            f"the roster has {count:,} teachers, over this service's limit of {limits.teachers:,}",
            [f"teachers: {count:,} teachers is over the limit of {limits.teachers:,}"],
        )


def json_document(body: bytes) -> Any:
    """Parsed JSON (UTF-8), every problem as `path: message`."""
    if not body.strip():
        raise input_problem(InputError([Problem("body", "is empty; send a roster as JSON")]))
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise input_problem(
            InputError([Problem("body", f"is not UTF-8 text (byte {error.start})")])
        ) from None
    try:
        return parse_json(text, "body")
    except InputError as error:
        raise input_problem(error) from None


def roster_from_document(data: Any, limits: Limits, prefix: str = "") -> Roster:
    """A roster from parsed JSON, within the teacher limit; problems located under `prefix`."""
    teachers = data.get("teachers") if isinstance(data, dict) else None
    if isinstance(teachers, list):
        check_teachers(len(teachers), limits)
    try:
        return roster_from_data(data)
    except InputError as error:
        if prefix:
            error.problems = [
                Problem(f"{prefix}.{p.path}" if p.path else prefix, p.message)
                for p in error.problems
            ]
        raise input_problem(error, "the roster is not valid") from None


async def read_roster(request: Request, limits: Limits) -> Intake:
    """The roster a request sends: JSON in the body, or a multipart `file` (workbook or JSON)."""
    body = await read_body(request, limits)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        return await _from_form(request, limits)
    return Intake(roster_from_document(json_document(body), limits))


async def _from_form(request: Request, limits: Limits) -> Intake:
    try:
        form = await request.form()
    except Exception as error:  # a malformed multipart body
        raise input_problem(
            InputError([Problem("body", f"is not a readable multipart form: {error}")])
        ) from None
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise input_problem(
            InputError([Problem("file", "send the workbook or roster as the form field 'file'")])
        )
    content = await upload.read()
    name = upload.filename or "upload"
    if not name.lower().endswith(WORKBOOK_SUFFIXES):
        return Intake(roster_from_document(json_document(content), limits))
    return read_workbook(content, name, limits)


def read_workbook(content: bytes, name: str, limits: Limits) -> Intake:
    """A roster from workbook bytes: problems by sheet and cell (`Teachers!C14: ...`)."""
    from pairwise.interchange.workbook.read import import_workbook

    with tempfile.TemporaryDirectory(prefix="pairwise-upload-") as folder:
        path = Path(folder) / Path(name).name
        path.write_bytes(content)
        try:
            imported = import_workbook(path)
        except InputError as error:
            raise input_problem(error, f"the workbook '{Path(name).name}' is not valid") from None
    check_teachers(len(imported.roster.teachers), limits)
    return Intake(imported.roster, list(imported.warnings))


async def read_roster_and_plan(request: Request, limits: Limits) -> tuple[Roster, Plan]:
    """A JSON body `{"roster": ..., "plan": ...}`: both read and validated, every problem named."""
    document = json_document(await read_body(request, limits))
    problems = ["body: send an object with 'roster' and 'plan'"]
    if isinstance(document, dict):
        problems = [
            f"{key}: required field is missing" for key in ("roster", "plan") if key not in document
        ]
        problems += [f"{key}: unknown field" for key in document if key not in {"roster", "plan"}]
    if problems:
        raise ServiceProblem(422, "send an object with 'roster' and 'plan'", problems)
    roster = roster_from_document(document["roster"], limits, prefix="roster")
    return roster, plan_from_document(document["plan"])


def plan_from_document(data: Any) -> Plan:
    """A plan from a request's JSON value; a 422 naming each problem under `plan.`."""
    try:
        return validate_model(data, Plan, PLAN_FORMAT)
    except InputError as error:
        error.problems = [
            type(problem)(f"plan.{problem.path}" if problem.path else "plan", problem.message)
            for problem in error.problems
        ]
        raise input_problem(error, "the plan is not valid") from None

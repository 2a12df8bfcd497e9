"""Reading rosters and plans from files or standard input, with every problem named by its path.

Nothing here raises anything but `InputError`: missing files, empty files, non-UTF-8 bytes,
malformed JSON, NaN, wrong types, unknown fields (with the nearest known name) and hostile sizes.
"""

from __future__ import annotations

import difflib
import json
import os
import sys
import types
import typing
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pairwise.errors import InputError, Problem, format_path
from pairwise.roster.models import PLAN_FORMAT, ROSTER_FORMAT, SKIP_CROSS_CHECK, Plan, Roster
from pairwise.roster.validate import cross_check

MAX_BYTES_DEFAULT = 64 * 1024 * 1024
MAX_TEACHERS_DEFAULT = 20_000
MAX_BYTES_VARIABLE = "PAIRWISE_MAX_BYTES"
MAX_TEACHERS_VARIABLE = "PAIRWISE_MAX_TEACHERS"

ModelT = TypeVar("ModelT", bound=BaseModel)


def _limit(variable: str, default: int) -> int:
    text = os.environ.get(variable, "")
    try:
        return int(text) if text else default
    except ValueError:
        raise InputError([Problem(variable, f"'{text}' is not a whole number")]) from None


def byte_limit() -> int:
    """The largest input file read (a roster, a plan, a workbook, a timetable): PAIRWISE_MAX_BYTES,
    or 64 MiB."""
    return _limit(MAX_BYTES_VARIABLE, MAX_BYTES_DEFAULT)


def read_bytes(source: str | Path, limit: int | None = None, *, stdin: bool = False) -> bytes:
    """The one reader of input files: a file's bytes (standard input for '-' when `stdin`),
    refusing missing, unreadable, folder and oversized input (over `limit`, `byte_limit()` by
    default), each as an `InputError` naming the file."""
    name = str(source)
    limit = byte_limit() if limit is None else limit
    raise_hint = f"set {MAX_BYTES_VARIABLE} to a larger number of bytes to allow it"
    try:
        if stdin and name == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            path = Path(name)
            if path.is_dir():
                raise InputError([Problem(name, "is a folder, not a file")])
            size = path.stat().st_size
            if size > limit:
                raise InputError(
                    [Problem(name, f"is {size:,} bytes, over the limit of {limit:,}; {raise_hint}")]
                )
            data = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(name, "no such file")]) from None
    except PermissionError:
        raise InputError([Problem(name, "permission denied")]) from None
    except IsADirectoryError:
        raise InputError([Problem(name, "is a folder, not a file")]) from None
    except OSError as error:
        raise InputError([Problem(name, f"cannot be read: {error.strerror or error}")]) from None
    if len(data) > limit:
        raise InputError([Problem(name, f"is over the limit of {limit:,} bytes; {raise_hint}")])
    return data


def read_text(source: str | Path) -> str:
    """The text of a file (or standard input for '-'), refusing missing, huge and non-UTF-8 input."""
    name = str(source)
    data = read_bytes(source, stdin=True)
    if not data.strip():
        raise InputError([Problem(name, "is empty")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            [Problem(name, f"is not UTF-8 text (byte {error.start} is 0x{data[error.start]:02x})")]
        ) from None


class _NonFinite:
    """What NaN, Infinity and -Infinity parse to, so that their place can be named."""

    def __init__(self, token: str) -> None:
        self.token = token


class _RepeatedKeys(dict[str, Any]):
    """A JSON object that repeats a key: the later value would silently replace the earlier."""

    def __init__(self, pairs: list[tuple[str, Any]], repeated: list[str]) -> None:
        super().__init__(pairs)
        self.repeated = repeated


def _marked_problems(data: Any) -> list[Problem]:
    """Every NaN/Infinity and repeated key in a parsed document, by path (iteratively: deep
    documents must not overflow the stack)."""
    problems = []
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
    while stack:
        location, value = stack.pop()
        if isinstance(value, _NonFinite):
            problems.append(
                Problem(
                    format_path(location),
                    f"{value.token} is not allowed in JSON; write a finite number",
                )
            )
        elif isinstance(value, dict):
            if isinstance(value, _RepeatedKeys):
                problems += [
                    Problem(
                        format_path((*location, key)),
                        f"duplicate key '{key}' (the later value would silently replace the first)",
                    )
                    for key in value.repeated
                ]
            stack += [((*location, key), child) for key, child in reversed(value.items())]
        elif isinstance(value, list):
            stack += [((*location, i), child) for i, child in reversed(list(enumerate(value)))]
    return problems


def _syntax_message(text: str, error: json.JSONDecodeError) -> str:
    """Where and why JSON text does not parse; a comma before a closing bracket is named as such
    (the parser itself only says what it expected after the comma)."""
    before = text[: error.pos].rstrip()
    closing = text[error.pos : error.pos + 1]
    if before.endswith(",") and closing in ("]", "}"):
        comma = len(before) - 1
        line = text.count("\n", 0, comma) + 1
        column = comma - (text.rfind("\n", 0, comma) + 1) + 1
        return (
            f"not valid JSON at line {line}, column {column}: a trailing comma before '{closing}' "
            "(JSON allows no comma after the last item; delete it)"
        )
    return f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}"


def parse_json(text: str, source: str = "") -> Any:
    """Parse JSON text, refusing NaN, Infinity and repeated keys (each named by its path), with
    the line and column of any syntax error."""
    marked: list[bool] = []

    def constant(token: str) -> _NonFinite:
        marked.append(True)
        return _NonFinite(token)

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(items)
        if len(result) == len(items):
            return result
        marked.append(True)
        counts = Counter(key for key, _ in items)
        return _RepeatedKeys(items, [key for key, count in counts.items() if count > 1])

    try:
        data = json.loads(text, parse_constant=constant, object_pairs_hook=pairs)
    except json.JSONDecodeError as error:
        raise InputError([Problem(source, _syntax_message(text, error))]) from None
    except ValueError as error:
        # Python refuses to read integers of thousands of digits
        message = str(error)
        if "integer string conversion" in message:
            message = "a number has too many digits to be read"
        raise InputError([Problem(source, message)]) from None
    except RecursionError:
        raise InputError([Problem(source, "JSON is nested too deeply")]) from None
    if marked:
        problems = _marked_problems(data)
        raise InputError([Problem(p.path or source, p.message) for p in problems])
    return data


def _model_at(model: type[BaseModel], location: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model class that holds the object at `location` inside `model`, if any."""
    current: Any = model
    for part in location:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            current = field.annotation if field else None
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated so lists and models show through."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            annotation = options[0] if len(options) == 1 else annotation
            if len(options) != 1:
                return annotation
        else:
            return annotation


def _describe(error: Any, model: type[BaseModel]) -> Problem:
    location = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        field = str(location[-1])
        holder = _model_at(model, location[:-1])
        known = list(holder.model_fields) if holder else []
        nearest = difflib.get_close_matches(field, known, n=1, cutoff=0.5)
        hint = f"; did you mean '{nearest[0]}'?" if nearest else ""
        if known and not nearest:
            hint = f"; known fields: {', '.join(known)}"
        return Problem(format_path(location), f"unknown field '{field}'{hint}")
    if kind == "missing":
        return Problem(format_path(location), "required field is missing")
    if kind == "too_short":
        least = error.get("ctx", {}).get("min_length", 1)
        return Problem(
            format_path(location), f"must list at least {least} item{'s' * (least != 1)}"
        )
    message = _in_our_words(kind, str(error["msg"]), error.get("ctx", {}))
    value = error.get("input")
    if kind in _SHOW_THE_VALUE or (kind.endswith("_type") and not isinstance(value, (dict, list))):
        message = f"{message} (got {json.dumps(value)[:60]})"
    return Problem(format_path(location), message)


# pydantic's error kinds said as the rest of pairwise says things ("must be ...")
_PLAIN_WORDS: dict[str, str] = {
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "dict_type": "must be an object",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number, not a fraction",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be text",
    "list_type": "must be a list",
    "finite_number": "must be a finite number",
}
_BOUNDS: dict[str, str] = {
    "greater_than_equal": "must be {ge} or more",
    "less_than_equal": "must be {le} or less",
    "greater_than": "must be more than {gt}",
    "less_than": "must be less than {lt}",
}
_SHOW_THE_VALUE = {
    "literal_error",
    "int_type",
    "int_parsing",
    "bool_type",
    "bool_parsing",
    *_BOUNDS,
}


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _in_our_words(kind: str, message: str, context: dict[str, Any]) -> str:
    if kind in _PLAIN_WORDS:
        return _PLAIN_WORDS[kind]
    if kind in _BOUNDS:
        return _BOUNDS[kind].format(**{key: _number(value) for key, value in context.items()})
    if message.startswith("Value error, "):
        return message[len("Value error, ") :]
    if message.startswith("Input should be "):
        return "must be " + message[len("Input should be ") :]
    return message


def validate_model(
    data: Any, model: type[ModelT], expected_format: str, context: dict[str, Any] | None = None
) -> ModelT:
    """Check a parsed JSON value against a format model, every problem at once."""
    if not isinstance(data, dict):
        raise InputError([Problem("", f"the top level must be a JSON object ({expected_format})")])
    given = data.get("format")
    kinds = {ROSTER_FORMAT: "roster", PLAN_FORMAT: "plan"}
    if isinstance(given, str) and given in kinds and given != expected_format:
        raise InputError(
            [
                Problem(
                    "format",
                    f"this is a {kinds[given]} ('{given}'), not a {kinds[expected_format]} "
                    f"('{expected_format}')",
                )
            ]
        )
    if given is not None and given != expected_format:
        raise InputError(
            [
                Problem(
                    "format", f"'{given}' is not supported; this version reads '{expected_format}'"
                )
            ]
        )
    try:
        return model.model_validate(data, context=context)
    except ValidationError as error:
        problems = [_describe(item, model) for item in error.errors(include_url=False)]
        raise InputError(problems) from None
    except RecursionError:
        raise InputError([Problem("", "JSON is nested too deeply")]) from None


def roster_from_data(data: Any) -> Roster:
    """A validated roster from parsed JSON (shape and cross-references)."""
    # counted before validation, which would build every teacher of a hostile roster first
    limit = _limit(MAX_TEACHERS_VARIABLE, MAX_TEACHERS_DEFAULT)
    teachers = data.get("teachers") if isinstance(data, dict) else None
    if isinstance(teachers, list) and len(teachers) > limit:
        raise InputError(
            [
                Problem(
                    "teachers",
                    f"{len(teachers):,} teachers is over the limit of {limit:,}; "
                    f"set {MAX_TEACHERS_VARIABLE} to a larger number to allow it",
                )
            ]
        )
    roster = validate_model(data, Roster, ROSTER_FORMAT, {SKIP_CROSS_CHECK: True})
    problems = cross_check(roster)
    if problems:
        raise InputError(problems)
    return roster


def _name_the_file(error: InputError, source: str) -> None:
    """A problem of the whole document (no path inside it) is located by the file's name."""
    error.source = source
    error.problems = [Problem(p.path or source, p.message) for p in error.problems]


def load_roster(source: str | Path) -> Roster:
    """Read and validate a roster file ('-' for standard input)."""
    text = read_text(source)
    try:
        return roster_from_data(parse_json(text, str(source)))
    except InputError as error:
        _name_the_file(error, str(source))
        raise


def load_plan(source: str | Path) -> Plan:
    """Read a plan file ('-' for standard input): its shape only; `check` judges it against a roster."""
    text = read_text(source)
    try:
        return validate_model(parse_json(text, str(source)), Plan, PLAN_FORMAT)
    except InputError as error:
        _name_the_file(error, str(source))
        raise


def roster_from_json(text: str) -> Roster:
    """A validated roster from JSON text."""
    return roster_from_data(parse_json(text))


def roster_from_dict(data: Mapping[str, Any]) -> Roster:
    """A validated roster from a dict shaped as the JSON format (shape and cross-references),
    every problem raised at once as `InputError`."""
    return roster_from_data(dict(data) if isinstance(data, Mapping) else data)


def plan_from_json(text: str) -> Plan:
    """A plan from JSON text (shape only)."""
    return validate_model(parse_json(text), Plan, PLAN_FORMAT)

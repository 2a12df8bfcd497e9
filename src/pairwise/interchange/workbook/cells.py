"""Reading one cell of a workbook: its text, and its value converted to the kind its column holds
(integer, number, yes/no, date, clock time, day, list). A cell that cannot be read raises
`CellError` with a message for the admin.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from pairwise.roster.models import DAYS

_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::00)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DAY_NAMES = {
    name: day
    for day, full in zip(
        DAYS,
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        strict=True,
    )
    for name in (day, full)
}
_TRUE = {"yes", "y", "true", "1", "x"}
_FALSE = {"no", "n", "false", "0"}


class CellError(ValueError):
    """A cell whose value cannot be read as its column's kind."""


# --- cells ----------------------------------------------------------------------------------------


def column_letter(index: int) -> str:
    """Spreadsheet column letters of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def cell_text(value: object) -> str | None:
    """A cell as stripped text, None when blank; whole numbers lose their '.0'."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    text = str(value).strip()
    return text or None


def _quote(value: object) -> str:
    text = cell_text(value) or ""
    return f"'{text[:40]}'"


def _integer(value: object) -> int:
    if isinstance(value, bool):
        raise CellError(f"{_quote(value)} is not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(f"{_quote(value)} is not a whole number")
    text = cell_text(value) or ""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        raise CellError(f"{_quote(value)} is not a whole number") from None
    if number.is_integer():
        return int(number)
    raise CellError(f"{_quote(value)} is not a whole number")


def _number(value: object) -> float:
    if isinstance(value, bool):
        raise CellError(f"{_quote(value)} is not a number")
    if isinstance(value, (int, float)):
        return float(value)
    text = cell_text(value) or ""
    try:
        return float(text)
    except ValueError:
        raise CellError(f"{_quote(value)} is not a number") from None


def _boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = (cell_text(value) or "").lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"{_quote(value)} is not yes or no")


def _date(value: object) -> str:
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0, 0):
            raise CellError(f"'{value.isoformat(sep=' ')}' has a time of day; write the date only")
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = cell_text(value) or ""
    if not _DATE.match(text):
        raise CellError(f"{_quote(value)} is not a date as YYYY-MM-DD")
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        raise CellError(f"{_quote(value)} is not a real calendar date") from None
    return text


def _clock(value: object) -> str:
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        if value.second or value.microsecond:
            raise CellError(f"'{value.isoformat()}' has seconds; write HH:MM")
        return value.strftime("%H:%M")
    text = cell_text(value) or ""
    match = _TIME.match(text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise CellError(f"{_quote(value)} is not a time of day as HH:MM")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _day(value: object) -> str:
    text = (cell_text(value) or "").lower()
    if text not in _DAY_NAMES:
        raise CellError(f"{_quote(value)} is not a day (mon, tue, wed, thu, fri, sat or sun)")
    return _DAY_NAMES[text]


def _items(value: object) -> list[str]:
    text = cell_text(value) or ""
    return [item.strip() for item in text.split(",") if item.strip()]


def _mark(value: object) -> str:
    text = (cell_text(value) or "").upper()
    letters = "".join(ch for ch in text if ch not in " ,;+/")
    if not letters or set(letters) - {"T", "X"}:
        raise CellError(
            f"{_quote(value)} is not a timetable mark: write T (teaches), "
            "X (unavailable every week) or TX (both)"
        )
    return ("T" if "T" in letters else "") + ("X" if "X" in letters else "")


def _lower(value: object) -> str:
    return (cell_text(value) or "").lower()


_CONVERTERS: dict[str, Callable[[object], Any]] = {
    "text": cell_text,
    "int": _integer,
    "float": _number,
    "bool": _boolean,
    "date": _date,
    "time": _clock,
    "day": _day,
    "list": _items,
    "choice": _lower,
    "mark": _mark,
}


def convert(kind: str, value: object) -> Any:
    """A non-blank cell read as `kind`; `CellError` says why it cannot be."""
    return _CONVERTERS[kind](value)

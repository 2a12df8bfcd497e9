"""A school's clock, for the imports that lack one: the bell schedule (`--bell-schedule`, a CSV
of `period,day,start,end`; a blank day rings every weekday) and the IANA time zone (`--timezone`).
Shared by the OneRoster and timetable imports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pairwise.errors import Problem
from pairwise.interchange.csv_tables import read_table, slug
from pairwise.interchange.workbook.cells import CellError, convert
from pairwise.interchange.workbook.sources import decode
from pairwise.roster.load import byte_limit, read_bytes
from pairwise.roster.models import DAYS

BELL_COLUMNS = ("period", "day", "start", "end")
_BELL_CELLS = (("period", "text"), ("day", "day"), ("start", "time"), ("end", "time"))


@dataclass(frozen=True)
class Bell:
    """One period on one day of the bell schedule: its name or number, and its clock times."""

    period: str
    day: str
    start: str
    end: str

    @property
    def id(self) -> str:
        return f"{self.day}-{slug(self.period) or self.period}"


def read_bell_schedule(path: Path, problems: list[Problem]) -> list[Bell]:
    """The bells of a bell-schedule CSV in day and time order; each bad cell goes to `problems`
    as `periods.csv!C4: ...`."""
    text = decode(read_bytes(path, byte_limit()), str(path))
    table = read_table(path.name, text, BELL_COLUMNS, problems)
    bells: list[Bell] = []
    seen: dict[tuple[str, str], str] = {}
    for row in table.rows if table else []:
        values: dict[str, Any] = {}
        for column, kind in _BELL_CELLS:
            cell = row.get(column)
            if not cell:
                if column != "day":
                    problems.append(Problem(row.ref(column), f"the {column} is required"))
                continue
            try:
                values[column] = convert(kind, cell)
            except CellError as error:
                problems.append(Problem(row.ref(column), str(error)))
        if not {"period", "start", "end"} <= set(values) or (
            row.get("day") and "day" not in values
        ):
            continue
        # a blank day: the period rings at that time every school day
        days = [values["day"]] if "day" in values else list(DAYS[:5])
        for day in days:
            key = (values["period"], day)
            if key in seen:
                problems.append(
                    Problem(
                        row.ref("period"), f"period '{key[0]}' on {day} is already at {seen[key]}"
                    )
                )
                continue
            seen[key] = row.ref("period")
            bells.append(Bell(values["period"], day, values["start"], values["end"]))
    bells.sort(key=lambda bell: (DAYS.index(bell.day), bell.start, bell.period))
    return bells


def check_timezone(timezone: str | None, holder: str, problems: list[Problem]) -> None:
    """Add a problem unless `timezone` is a known IANA zone; `holder` names what lacks one
    ("OneRoster exports")."""
    if timezone is None:
        problems.append(Problem("--timezone", f"is required: {holder} carry no time zone"))
        return
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(Problem("--timezone", f"unknown IANA time zone '{timezone}'"))

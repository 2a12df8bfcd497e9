"""Clock times for a timetable's periods: read from the hour names when they hold them ("08:10",
"9.30 - 11.00"), else from a bell schedule, else a default bell that the warnings name."""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from pairwise.errors import Problem
from pairwise.interchange.bells import Bell
from pairwise.interchange.timetables.model import Day

DEFAULT_FIRST_START = 8 * 60 + 30
DEFAULT_LENGTH = 50
DEFAULT_GAP = 10
_DAY_MINUTES = 24 * 60
_CLOCK = re.compile(
    r"(?<![\d:.])([01]?\d|2[0-3])\s*[:.hH]\s*([0-5]\d)(?!\d)(?:\s*([aApP])\.?\s*[mM]\.?)?"
)


@dataclass(frozen=True)
class Times:
    """Each period's (start, end) by period id, and where they came from (for the warnings)."""

    by_period: dict[str, tuple[str, str]]
    origin: str


def _minutes(hour: str, minute: str, meridiem: str | None) -> int:
    value = int(hour) % 24
    if meridiem is not None:
        value = value % 12 + (12 if meridiem.lower() == "p" else 0)
    return value * 60 + int(minute)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def times_in(name: str) -> tuple[int | None, int | None]:
    """The start and end (minutes after midnight) a period's name holds, each None if absent."""
    found = [_minutes(*match.groups()) for match in _CLOCK.finditer(name)]
    return (found[0] if found else None, found[1] if len(found) > 1 else None)


def _day_from_names(day: Day) -> list[tuple[int, int | None]] | None:
    starts: list[tuple[int, int | None]] = []
    for hour in day.hours:
        start, end = times_in(hour.name)
        if start is None:
            start, end = times_in(hour.long_name)
        if start is None:
            return None
        starts.append((start, end))
    return starts


def hours_named_with_times(days: Sequence[Day]) -> tuple[list[str], list[str]]:
    """The hour names that hold a clock time and those that do not (each name once)."""
    named: dict[str, bool] = {}
    for day in days:
        for hour in day.hours:
            held = times_in(hour.name)[0] is not None or times_in(hour.long_name)[0] is not None
            named.setdefault(hour.name, held)
    return [n for n, held in named.items() if held], [n for n, held in named.items() if not held]


def from_names(days: Sequence[Day], problems: list[Problem], where: str) -> Times | None:
    """The periods' times from their names, when every hour's name (or long name) holds one.

    A name with only a start ends when the day's next period starts; the day's last period then
    lasts as long as the others do (the median), or the default length when it is alone.
    """
    read = {day.code: _day_from_names(day) for day in days}
    if not days or any(found is None for found in read.values()):
        return None
    lengths = [
        end - start for found in read.values() for start, end in found or [] if end is not None
    ]
    by_period: dict[str, tuple[str, str]] = {}
    only_starts = False
    for day in days:
        found = read[day.code] or []
        gaps = [b[0] - a[0] for a, b in itertools.pairwise(found) if b[0] > a[0]]
        typical = round(statistics.median(lengths or gaps or [DEFAULT_LENGTH]))
        for index, (hour, (start, end)) in enumerate(zip(day.hours, found, strict=True)):
            if end is None:
                only_starts = True
                following = found[index + 1][0] if index + 1 < len(found) else None
                end = following if following is not None and following > start else start + typical
            if end <= start or end >= _DAY_MINUTES:
                problems.append(
                    Problem(
                        f"{where}: {day.name}, hour '{hour.name}'",
                        f"ends at {_clock(end % _DAY_MINUTES)}, not after it starts "
                        f"({_clock(start)})",
                    )
                )
                continue
            by_period[day.period_id(hour)] = (_clock(start), _clock(end))
    origin = "the hour names" + (
        " (start times only: each period ends when the next one starts)" if only_starts else ""
    )
    return Times(by_period, origin)


def from_bells(
    days: Sequence[Day], bells: Sequence[Bell], problems: list[Problem], where: str
) -> Times:
    """The periods' times from a bell schedule whose `period` names an hour or gives its number."""
    by_key: dict[tuple[str, str], Bell] = {}
    for row in bells:
        by_key.setdefault((row.day, row.period.strip().casefold()), row)
    by_period: dict[str, tuple[str, str]] = {}
    missing: dict[int, tuple[str, list[str]]] = {}  # period number -> (first name, days)
    for day in days:
        for hour in day.hours:
            keys = [key.strip().casefold() for key in (hour.name, str(hour.number), *hour.keys)]
            bell = next((by_key[(day.code, k)] for k in keys if (day.code, k) in by_key), None)
            if bell is None:
                missing.setdefault(hour.number, (hour.name, []))[1].append(day.code)
            else:
                by_period[day.period_id(hour)] = (bell.start, bell.end)
    for number, (name, day_codes) in missing.items():
        problems.append(
            Problem(
                where,
                f"no bell for period {number} (hour '{name}') on {', '.join(day_codes)}: give a "
                "row whose period is the hour's name or number",
            )
        )
    return Times(by_period, "the bell schedule")


def default_bell(days: Sequence[Day], problems: list[Problem]) -> Times:
    """The default bell: the first period at 08:30, 50 minutes each, 10 minutes apart."""
    by_period: dict[str, tuple[str, str]] = {}
    longest = max((len(day.hours) for day in days), default=0)
    start_of_last = DEFAULT_FIRST_START + (longest - 1) * (DEFAULT_LENGTH + DEFAULT_GAP)
    if start_of_last + DEFAULT_LENGTH >= _DAY_MINUTES:
        problems.append(
            Problem(
                "--bell-schedule",
                f"{longest} periods a day do not fit the default bell (08:30, 50 minutes each, "
                "10 apart) before midnight: give a bell schedule",
            )
        )
        return Times({}, "")
    for day in days:
        for hour in day.hours:
            start = DEFAULT_FIRST_START + (hour.number - 1) * (DEFAULT_LENGTH + DEFAULT_GAP)
            by_period[day.period_id(hour)] = (_clock(start), _clock(start + DEFAULT_LENGTH))
    return Times(
        by_period,
        "the default bell (the first period at 08:30, 50 minutes each, 10 minutes apart)",
    )

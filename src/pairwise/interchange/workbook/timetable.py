"""The Timetable and Unavailable sheets: the periods each teacher teaches and when they are away.

The Timetable has one row per teacher and one column per period, marked `T` (teaches) or `X`
(unavailable every week); the Unavailable sheet lists dated absences (a whole day or one period).
Each value is remembered with the cell it came from, as the rest of the reader does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from pairwise.interchange.workbook.cells import CellError, cell_text, column_letter, convert
from pairwise.interchange.workbook.layout import TIMETABLE, UNAVAILABLE
from pairwise.roster.models import DAYS

if TYPE_CHECKING:
    from pairwise.interchange.workbook.read import _Reader, _Record


class Mark(NamedTuple):
    """One filled Timetable cell: its marks (`T`, `X` or both) and the cell."""

    marks: str
    where: str


class DatedSlot(NamedTuple):
    """One slot (`2026-10-05/mon-1`) a teacher is away, from the Unavailable sheet, and the cell."""

    slot: str
    where: str


@dataclass(frozen=True)
class _Periods:
    """The Periods sheet as the timetable needs it: the ids in order and each one's day."""

    order: list[str]
    day: dict[str, Any]
    readable: bool

    @classmethod
    def of(cls, periods: list[dict[str, Any]], readable: bool) -> _Periods:
        named = [period for period in periods if isinstance(period.get("id"), str)]
        return cls(
            [period["id"] for period in named],
            {period["id"]: period.get("day") for period in named},
            readable,
        )


@dataclass
class _PeriodColumns:
    """The Timetable's period columns, taken from its header row as the reader meets them."""

    reader: _Reader
    label: str
    periods: _Periods
    by_index: dict[int, str] = field(default_factory=dict)

    def accept(self, index: int, text: str) -> bool:
        """Take a header that names no teacher column as a period column (reporting the wrong
        ones); always accepted, so that a wrong period is reported once, here."""
        if not self.periods.readable:
            return True
        where = f"{self.label}!{column_letter(index)}1"
        if text not in self.periods.day:
            self.reader.problem(where, f"unknown period '{text}' (not in the Periods sheet)")
        elif text in self.by_index.values():
            self.reader.problem(where, f"period '{text}' has a second column")
        else:
            self.by_index[index] = text
        return True


def read_timetable(
    reader: _Reader, teachers: list[dict[str, Any]], periods: list[dict[str, Any]]
) -> None:
    """Fill each teacher's `teaches` and `unavailable` (weekly, then dated) from the two sheets."""
    index_of: dict[str, int] = {}
    for index, teacher in enumerate(teachers):
        if isinstance(teacher.get("id"), str):
            index_of.setdefault(teacher["id"], index)
    known = _Periods.of(periods, readable="periods" not in reader.poisoned)
    sheet = reader.by_name.get(TIMETABLE.name)
    columns = _PeriodColumns(reader, sheet.label if sheet else TIMETABLE.name, known)
    records = reader.records(TIMETABLE, "timetable", columns.accept)
    if sheet is None:
        reader.warnings.append("no Timetable sheet: nobody teaches any period")
    marks: dict[int, dict[str, Mark]] = {}
    if records is not None:
        marks = _marks(reader, records, index_of, columns.by_index)
        _warn_of_gaps(reader, index_of, marks, known, columns.by_index)
    dated = read_unavailable(reader, index_of, known)
    for index, teacher in enumerate(teachers):
        _fill(reader, index, teacher, marks.get(index, {}), dated.get(index, []), known.order)


def _marks(
    reader: _Reader,
    records: list[_Record],
    index_of: dict[str, int],
    period_columns: dict[int, str],
) -> dict[int, dict[str, Mark]]:
    """Each teacher's filled period cells, by teacher index and period id."""
    marks: dict[int, dict[str, Mark]] = {}
    first_row: dict[str, int] = {}
    for record in records:
        teacher_id = _row_teacher(reader, record, index_of, first_row)
        if teacher_id is None:
            continue
        first_row[teacher_id] = record.row
        found: dict[str, Mark] = {}
        for column_index, period_id in period_columns.items():
            raw = record.cells[column_index] if column_index < len(record.cells) else None
            if cell_text(raw) is None:
                continue
            where = f"{record.label}!{column_letter(column_index)}{record.row}"
            try:
                found[period_id] = Mark(convert("mark", raw), where)
            except CellError as error:
                reader.problem(where, str(error))
        marks[index_of[teacher_id]] = found
    return marks


def _row_teacher(
    reader: _Reader, record: _Record, index_of: dict[str, int], first_row: dict[str, int]
) -> str | None:
    """The teacher a Timetable row is for (None, reported, when missing, unknown or repeated)."""
    teacher_id = cell_text(record.raw("teacher"))
    if teacher_id is None:
        reader.problem(record.ref("teacher"), "the teacher id is required")
        return None
    if teacher_id not in index_of:
        reader.problem(
            record.ref("teacher"),
            f"unknown teacher '{teacher_id}' (not in the Teachers sheet)",
        )
        return None
    if teacher_id in first_row:
        reader.problem(
            record.ref("teacher"),
            f"teacher '{teacher_id}' has a second row (first in row {first_row[teacher_id]})",
        )
        return None
    return teacher_id


def _warn_of_gaps(
    reader: _Reader,
    index_of: dict[str, int],
    marks: dict[int, dict[str, Mark]],
    periods: _Periods,
    period_columns: dict[int, str],
) -> None:
    """Warn of the teachers with no Timetable row and the periods with no column."""
    missing = [teacher_id for teacher_id, index in index_of.items() if index not in marks]
    if missing:
        shown = ", ".join(missing[:8]) + (", ..." if len(missing) > 8 else "")
        reader.warnings.append(
            f"the Timetable has no row for {len(missing)} teacher"
            f"{'s' if len(missing) != 1 else ''} ({shown}): they teach no period"
        )
    unused = [pid for pid in periods.order if pid not in period_columns.values()]
    if unused and periods.readable:
        reader.warnings.append(
            f"the Timetable has no column for period{'s' if len(unused) != 1 else ''} "
            f"{', '.join(unused)}: nobody teaches then"
        )


def _fill(
    reader: _Reader,
    index: int,
    teacher: dict[str, Any],
    found: dict[str, Mark],
    dated: list[DatedSlot],
    period_order: list[str],
) -> None:
    """One teacher's `teaches` and `unavailable` (weekly marks, then dated slots), by cell."""
    path = f"teachers[{index}]"
    teaches = [pid for pid in period_order if "T" in found.get(pid, Mark("", "")).marks]
    weekly = [pid for pid in period_order if "X" in found.get(pid, Mark("", "")).marks]
    for position, period_id in enumerate(teaches):
        reader.locations[f"{path}.teaches[{position}]"] = found[period_id].where
    for position, period_id in enumerate(weekly):
        reader.locations[f"{path}.unavailable[{position}]"] = found[period_id].where
    for position, entry in enumerate(dated, start=len(weekly)):
        reader.locations[f"{path}.unavailable[{position}]"] = entry.where
    teacher["teaches"] = teaches
    teacher["unavailable"] = weekly + [entry.slot for entry in dated]


def read_unavailable(
    reader: _Reader, index_of: dict[str, int], periods: _Periods
) -> dict[int, list[DatedSlot]]:
    """The Unavailable sheet's slots by teacher index: one period of a date, or all of its day."""
    records = reader.records(UNAVAILABLE, "unavailable")
    slots: dict[int, list[DatedSlot]] = {}
    for record in records or []:
        teacher_id = cell_text(record.raw("teacher"))
        if teacher_id is None or teacher_id not in index_of:
            message = (
                f"unknown teacher '{teacher_id}' (not in the Teachers sheet)"
                if teacher_id
                else "the teacher id is required"
            )
            reader.problem(record.ref("teacher"), message)
            continue
        raw_date = record.raw("date")
        if raw_date is None:
            reader.problem(record.ref("date"), "the date is required")
            continue
        try:
            date = convert("date", raw_date)
        except CellError as error:
            reader.problem(record.ref("date"), str(error))
            continue
        period_id = cell_text(record.raw("period"))
        entries = slots.setdefault(index_of[teacher_id], [])
        if period_id is not None:
            entries.append(DatedSlot(f"{date}/{period_id}", record.ref("period")))
            continue
        weekday = DAYS[dt.date.fromisoformat(date).weekday()]
        that_day = [pid for pid in periods.order if periods.day.get(pid) == weekday]
        if not that_day:
            reader.problem(record.ref("date"), f"{date} is a {weekday}: no period is on {weekday}")
        entries.extend(DatedSlot(f"{date}/{pid}", record.ref("date")) for pid in that_day)
    return slots

"""Reading a roster from a workbook (.xlsx) or a folder of its sheets as CSV files.

Every cell read is remembered with the roster path it fills (`teachers[3].team` -> `Teachers!C6`),
so that the roster model's own validation problems are reported at the cell the admin must fix.
All problems are collected and raised at once as one `InputError`.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import os
import re
import types
import typing
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from pairwise.errors import InputError, Problem, format_path
from pairwise.interchange.workbook.layout import (
    COVER_OVERRIDES,
    CYCLES,
    EXAMPLE_MARK,
    HISTORY,
    MEETINGS,
    PERIODS,
    POLICY_SETTINGS,
    RELATIONS,
    ROSTER_SETTINGS,
    SHEET_ORDER,
    TEACHERS,
    TEAM_HISTORY,
    TEAMS,
    TIMETABLE,
    UNAVAILABLE,
    Column,
    ImportResult,
    SettingsSheet,
    TableSheet,
    normalise_header,
)
from pairwise.roster.load import MAX_BYTES_DEFAULT, MAX_BYTES_VARIABLE, roster_from_data
from pairwise.roster.models import DAYS, ROSTER_FORMAT, SKIP_CROSS_CHECK, Roster

# a zip that unpacks to many times its size is refused before openpyxl opens it
_UNPACK_FACTOR = 16
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
_STAND_IN_MONDAY = "1900-01-01"
_TRUE = {"yes", "y", "true", "1", "x"}
_FALSE = {"no", "n", "false", "0"}
_PATH_IN_TEXT = re.compile(
    r"\b(?:teachers|periods|cycles|teams|history|team_history|relations|policy)"
    r"(?:\[\d+\]|\.[a-z_]+)*"
)


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


# --- sources --------------------------------------------------------------------------------------


@dataclass
class RawSheet:
    """A sheet as found: its name as the admin wrote it and its rows (row 1 first)."""

    label: str
    rows: list[list[object]]


def byte_limit() -> int:
    """The largest input file read, from PAIRWISE_MAX_BYTES as for rosters."""
    text = os.environ.get(MAX_BYTES_VARIABLE, "")
    try:
        return int(text) if text else MAX_BYTES_DEFAULT
    except ValueError:
        raise InputError([Problem(MAX_BYTES_VARIABLE, f"'{text}' is not a whole number")]) from None


def read_bytes(path: Path, limit: int) -> bytes:
    """A file's bytes, refusing missing, unreadable and oversized files."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(
                [
                    Problem(
                        name,
                        f"is {size:,} bytes, over the limit of {limit:,}; "
                        f"set {MAX_BYTES_VARIABLE} to a larger number of bytes to allow it",
                    )
                ]
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(name, "no such file")]) from None
    except PermissionError:
        raise InputError([Problem(name, "permission denied")]) from None
    except IsADirectoryError:
        raise InputError([Problem(name, "is a folder, not a file")]) from None
    except OSError as error:
        raise InputError([Problem(name, f"cannot be read: {error.strerror or error}")]) from None


def check_zip(data: bytes, name: str, limit: int) -> zipfile.ZipFile:
    """Open zip bytes, refusing what is not a zip or unpacks to far more than the size limit."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InputError([Problem(name, "is not a zip file")]) from None
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > limit * _UNPACK_FACTOR:
        raise InputError(
            [Problem(name, f"unpacks to {unpacked:,} bytes, over {limit * _UNPACK_FACTOR:,}")]
        )
    return archive


def xlsx_sheets(path: Path) -> list[RawSheet]:
    """Every worksheet of an .xlsx file, cached formula values read as values."""
    from openpyxl import load_workbook

    name = str(path)
    limit = byte_limit()
    data = read_bytes(path, limit)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            [Problem(name, "is an old-style .xls workbook: save it as .xlsx (Excel Workbook)")]
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(
            [
                Problem(
                    name, "is not an .xlsx workbook (nor a folder of CSV files named after sheets)"
                )
            ]
        )
    check_zip(data, name, limit).close()
    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # openpyxl raises many kinds on malformed files
        raise InputError([Problem(name, f"cannot be read as a workbook: {error}")]) from None
    return [RawSheet(worksheet.title, _filled_rows(worksheet)) for worksheet in book.worksheets]


def _filled_rows(worksheet: Any) -> list[list[object]]:
    """A worksheet's rows up to its last filled cell, each only as long as its own last value.

    A stray value or format far out (XFD1048576) makes openpyxl's used range huge; walking only
    the cells that exist keeps reading proportional to the workbook's content.
    """
    filled = [
        (row, column, cell.value)
        for (row, column), cell in worksheet._cells.items()  # openpyxl's own cell store
        if cell.value is not None
    ]
    rows: list[list[object]] = [[] for _ in range(max((row for row, _, _ in filled), default=0))]
    for row, column, value in filled:
        cells = rows[row - 1]
        if len(cells) < column:
            cells.extend([None] * (column - len(cells)))
        cells[column - 1] = value
    return rows


def csv_rows(text: str) -> list[list[object]]:
    """CSV text as rows of cells ('' becomes blank); `;` and tab separators are recognised."""
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        if ";" in first_line:
            delimiter = ";"
        elif "\t" in first_line:
            delimiter = "\t"
    return [
        [cell if cell != "" else None for cell in row]
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    ]


def decode(data: bytes, name: str) -> str:
    """UTF-8 text (a byte order mark is dropped); other encodings are refused by name."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            [
                Problem(
                    name,
                    f"is not UTF-8 text (byte {error.start} is 0x{data[error.start]:02x}); "
                    "save it as CSV UTF-8",
                )
            ]
        ) from None


def csv_sheets(folder: Path) -> list[RawSheet]:
    """Every `*.csv` file of a folder as a sheet named after the file."""
    limit = byte_limit()
    sheets = []
    problems = []
    for entry in sorted(folder.iterdir()):
        if not entry.is_file() or entry.suffix.lower() != ".csv":
            continue
        text = decode(read_bytes(entry, limit), str(entry))
        try:
            sheets.append(RawSheet(entry.stem, csv_rows(text)))
        except csv.Error as error:
            problems.append(Problem(entry.name, f"is not valid CSV: {error}"))
    if problems:
        raise InputError(problems, source=str(folder))
    if not sheets:
        raise InputError(
            [
                Problem(
                    str(folder),
                    "holds no CSV files; name them after the sheets (Roster.csv, Teachers.csv, ...)",
                )
            ]
        )
    return sheets


def read_source(path: Path) -> ImportResult:
    """A roster from a workbook file or a folder of CSV files."""
    if path.is_dir():
        sheets, csv_mode = csv_sheets(path), True
    else:
        sheets, csv_mode = xlsx_sheets(path), False
    try:
        return _Reader(sheets, csv_mode).read()
    except InputError as error:
        error.source = str(path)
        raise


# --- the reader -----------------------------------------------------------------------------------


def _is_comment(cells: list[object], key_column: int) -> bool:
    """A row is a comment when its first filled cell, or its id cell, starts with '#'."""
    first = next((text for text in map(cell_text, cells) if text is not None), None)
    key = cell_text(cells[key_column]) if key_column < len(cells) else None
    return any(text is not None and text.startswith(EXAMPLE_MARK) for text in (first, key))


@dataclass
class _Record:
    """One data row of a table sheet."""

    label: str
    row: int
    cells: list[object]
    columns: dict[str, int]

    def raw(self, header: str) -> object:
        index = self.columns.get(header)
        if index is None or index >= len(self.cells):
            return None
        value = self.cells[index]
        return value if cell_text(value) is not None else None

    def ref(self, header: str | None = None) -> str:
        index = self.columns.get(header, 0) if header is not None else 0
        return f"{self.label}!{column_letter(index)}{self.row}"


@dataclass
class _Reader:
    sheets: list[RawSheet]
    csv_mode: bool
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    locations: dict[str, str] = field(default_factory=dict)
    poisoned: set[str] = field(default_factory=set)
    by_name: dict[str, RawSheet] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)

    # -- plumbing --

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def poison(self, path: str) -> None:
        self.poisoned.add(path)

    def value(self, record: _Record, column: Column, path: str) -> Any:
        """The converted value of a cell (None when blank or unreadable), remembered by path."""
        self.locations[path] = record.ref(column.header)
        raw = record.raw(column.header)
        if raw is None:
            return None
        try:
            return convert(column.kind, raw)
        except CellError as error:
            self.problem(record.ref(column.header), str(error))
            self.poison(path)
            return None

    def missing_sheet(self, name: str) -> str:
        return f"file {name}.csv is missing" if self.csv_mode else "sheet is missing"

    def resolve_sheets(self) -> None:
        known = {normalise_header(name): name for name in SHEET_ORDER}
        for sheet in self.sheets:
            if sheet.label.startswith(EXAMPLE_MARK):
                continue
            name = known.get(normalise_header(sheet.label))
            if name is None:
                nearest = difflib.get_close_matches(sheet.label, SHEET_ORDER, n=1, cutoff=0.5)
                hint = (
                    f"did you mean '{nearest[0]}'?"
                    if nearest
                    else f"known: {', '.join(SHEET_ORDER)}"
                )
                self.problem(
                    sheet.label,
                    f"unknown sheet '{sheet.label}'; {hint} "
                    "(a sheet whose name starts with '#' is ignored)",
                )
            elif name in self.by_name:
                self.problem(
                    sheet.label,
                    f"a second {name} sheet (the first is '{self.by_name[name].label}')",
                )
            else:
                self.by_name[name] = sheet
                self.order[sheet.label] = SHEET_ORDER.index(name)

    def header(
        self, sheet: RawSheet, columns: tuple[Column, ...], extra: Callable[[int, str], bool] | None
    ) -> dict[str, int] | None:
        """Column positions by header, or None when a required column is missing."""
        known = {normalise_header(column.header): column.header for column in columns}
        header_row = sheet.rows[0] if sheet.rows else []
        positions: dict[str, int] = {}
        for index, value in enumerate(header_row):
            text = cell_text(value)
            if text is None or text.startswith(EXAMPLE_MARK):
                continue
            name = known.get(normalise_header(text))
            where = f"{sheet.label}!{column_letter(index)}1"
            if name is None:
                if extra is not None and extra(index, text):
                    continue
                headers = [column.header for column in columns]
                nearest = difflib.get_close_matches(text.lower(), headers, n=1, cutoff=0.5)
                hint = (
                    f"did you mean '{nearest[0]}'?" if nearest else f"known: {', '.join(headers)}"
                )
                self.problem(where, f"unknown column '{text}'; {hint}")
            elif name in positions:
                first = column_letter(positions[name])
                self.problem(where, f"column '{name}' appears twice (first in column {first})")
            else:
                positions[name] = index
        complete = True
        for column in columns:
            if column.required and column.header not in positions:
                self.problem(f"{sheet.label}!1", f"missing required column '{column.header}'")
                complete = False
        return positions if complete else None

    def records(
        self,
        layout: TableSheet,
        path: str,
        extra: Callable[[int, str], bool] | None = None,
    ) -> list[_Record] | None:
        """The data rows of a table sheet, or None when it is absent or cannot be read."""
        sheet = self.by_name.get(layout.name)
        if sheet is None:
            if layout.required:
                self.problem(layout.name, self.missing_sheet(layout.name))
                self.poison(path)
            return None
        positions = self.header(sheet, layout.columns, extra)
        if positions is None:
            self.poison(path)
            return None
        used = set(positions.values())
        header_row = sheet.rows[0] if sheet.rows else []
        reported: set[int] = set()
        records = []
        for row_index, cells in enumerate(sheet.rows[1:], start=2):
            if all(cell_text(cell) is None for cell in cells):
                continue
            if _is_comment(cells, positions[layout.columns[0].header]):
                continue
            for index, cell in enumerate(cells):
                if index in used or index in reported or cell_text(cell) is None:
                    continue
                if index >= len(header_row) or cell_text(header_row[index]) is None:
                    reported.add(index)
                    self.problem(
                        f"{sheet.label}!{column_letter(index)}{row_index}",
                        "a value in a column without a header",
                    )
            records.append(_Record(sheet.label, row_index, cells, positions))
        self.locations[path] = sheet.label
        return records

    def settings(self, layout: SettingsSheet, prefix: str) -> dict[str, Any]:
        """The values of a key/value sheet by setting key (blank values left out)."""
        sheet = self.by_name.get(layout.name)
        if sheet is None:
            if layout.required:
                self.problem(layout.name, self.missing_sheet(layout.name))
            return {}
        columns = (
            Column("setting", "text", "", required=True),
            Column("value", "text", "", required=True),
            Column("note", "text", ""),
        )
        positions = self.header(sheet, columns, None)
        if positions is None:
            for setting in layout.settings:
                self.poison(prefix + setting.key)
            return {}
        known = {normalise_header(setting.key): setting for setting in layout.settings}
        seen: dict[str, int] = {}
        values: dict[str, Any] = {}
        for row_index, cells in enumerate(sheet.rows[1:], start=2):
            record = _Record(sheet.label, row_index, cells, positions)
            key_text = cell_text(record.raw("setting"))
            if key_text is None:
                if record.raw("value") is not None:
                    self.problem(record.ref("setting"), "a value without a setting name")
                continue
            if _is_comment(cells, positions["setting"]):
                continue
            found = known.get(normalise_header(key_text))
            if found is None:
                keys = [setting.key for setting in layout.settings]
                nearest = difflib.get_close_matches(key_text.lower(), keys, n=1, cutoff=0.5)
                hint = f"did you mean '{nearest[0]}'?" if nearest else f"known: {', '.join(keys)}"
                self.problem(record.ref("setting"), f"unknown setting '{key_text}'; {hint}")
                continue
            if found.key in seen:
                self.problem(
                    record.ref("setting"),
                    f"setting '{found.key}' appears twice (first in row {seen[found.key]})",
                )
                continue
            seen[found.key] = row_index
            column = Column("value", found.kind, "")
            value = self.value(record, column, prefix + found.key)
            if value is not None:
                values[found.key] = value
        if prefix:
            self.locations[prefix.rstrip(".")] = sheet.label
        return values

    # -- the sheets --

    def read(self) -> ImportResult:
        self.resolve_sheets()
        data: dict[str, Any] = {"format": ROSTER_FORMAT}
        self.roster_settings(data)
        periods = self.periods()
        data["periods"] = periods
        data["cycles"] = self.cycles()
        data["teams"] = self.table(TEAMS, "teams", ("id", "priority", "grade", "school"))
        data["teachers"] = self.teachers(periods)
        data["history"] = self.table(HISTORY, "history", ("a", "b", "year", "kind", "trust"))
        data["team_history"] = self.table(TEAM_HISTORY, "team_history", ("a", "b", "year"))
        data["relations"] = self.table(RELATIONS, "relations", ("a", "b", "kind"))
        data["policy"] = self.policy()
        return self.finish(data)

    def roster_settings(self, data: dict[str, Any]) -> None:
        values = self.settings(ROSTER_SETTINGS, "")
        sheet = self.by_name.get(ROSTER_SETTINGS.name)
        for key in ("name", "year", "timezone"):
            if key in values:
                data[key] = values[key]
            elif sheet is None:
                self.poison(key)
            elif key not in self.locations and not self.is_poisoned(key):
                self.problem(sheet.label, f"setting '{key}' is missing: add a row '{key}'")
                self.poison(key)
        if "format" in values:
            data["format"] = values["format"]

    def table(self, layout: TableSheet, path: str, fields: tuple[str, ...]) -> list[dict[str, Any]]:
        """A sheet whose columns map one to one onto the fields of its roster objects."""
        records = self.records(layout, path)
        items: list[dict[str, Any]] = []
        for record in records or []:
            item_path = f"{path}[{len(items)}]"
            self.locations[item_path] = record.ref()
            item: dict[str, Any] = {}
            for column, name in zip(layout.columns, fields, strict=True):
                value = self.value(record, column, f"{item_path}.{name}")
                if value is not None:
                    item[name] = value
            items.append(item)
        return items

    def periods(self) -> list[dict[str, Any]]:
        return self.table(PERIODS, "periods", ("id", "day", "start", "end"))

    def cycles(self) -> list[dict[str, Any]]:
        records = self.records(CYCLES, "cycles")
        cycles: dict[str, dict[str, Any]] = {}
        for record in records or []:
            week_column = CYCLES.columns[1]
            cycle_id = cell_text(record.raw("cycle"))
            if cycle_id is None:
                self.problem(record.ref("cycle"), "the cycle id is required")
                continue
            if cycle_id not in cycles:
                path = f"cycles[{len(cycles)}]"
                cycles[cycle_id] = {"id": cycle_id, "weeks": [], "meetings": []}
                self.locations[path] = record.ref("cycle")
                self.locations[f"{path}.id"] = record.ref("cycle")
            index = list(cycles).index(cycle_id)
            weeks = cycles[cycle_id]["weeks"]
            week_path = f"cycles[{index}].weeks[{len(weeks)}]"
            week = self.value(record, week_column, week_path)
            if week is None and week_path not in self.poisoned:
                self.problem(record.ref("week"), "the week's Monday is required")
            if week is not None:
                weeks.append(week)
                self.locations[week_path] = record.ref("week")
        for index, cycle in enumerate(cycles.values()):
            if not cycle["weeks"]:
                # its weeks were all unreadable and are reported; a stand-in Monday keeps the
                # cycle (and the roster's other cross-references) checkable
                self.poison(f"cycles[{index}].weeks")
                cycle["weeks"].append(_STAND_IN_MONDAY)
        self.meetings(cycles)
        return list(cycles.values())

    def meetings(self, cycles: dict[str, dict[str, Any]]) -> None:
        records = self.records(MEETINGS, "meetings")
        columns = {column.header: column for column in MEETINGS.columns}
        for record in records or []:
            cycle_id = cell_text(record.raw("cycle"))
            if cycle_id not in cycles:
                message = (
                    f"unknown cycle '{cycle_id}' (not in the Cycles sheet)"
                    if cycle_id
                    else "the cycle id is required"
                )
                self.problem(record.ref("cycle"), message)
                continue
            index = list(cycles).index(cycle_id)
            meetings = cycles[cycle_id]["meetings"]
            path = f"cycles[{index}].meetings[{len(meetings)}]"
            self.locations[path] = record.ref()
            meeting: dict[str, Any] = {}
            for name in ("id", "date", "start", "end", "tables"):
                value = self.value(record, columns[name], f"{path}.{name}")
                if value is not None:
                    meeting[name] = value
            meetings.append(meeting)

    def teachers(self, periods: list[dict[str, Any]]) -> list[dict[str, Any]]:
        records = self.records(TEACHERS, "teachers")
        columns = {column.header: column for column in TEACHERS.columns}
        teachers: list[dict[str, Any]] = []
        for record in records or []:
            path = f"teachers[{len(teachers)}]"
            self.locations[path] = record.ref()
            teacher: dict[str, Any] = {}
            for name in (
                "id",
                "name",
                "team",
                "school",
                "years_experience",
                "priority",
                "strengths",
                "evaluator",
                "max_release",
                "participates",
                "room",
            ):
                value = self.value(record, columns[name], f"{path}.{name}")
                if value is not None:
                    teacher[name] = value
            topics = self.value(record, columns["sabbatical_topics"], f"{path}.sabbatical.topics")
            budget = self.value(record, columns["sabbatical_budget"], f"{path}.sabbatical.budget")
            self.locations[f"{path}.sabbatical"] = record.ref("sabbatical_topics")
            if topics is not None or budget is not None:
                teacher["sabbatical"] = {
                    key: value
                    for key, value in (("topics", topics), ("budget", budget))
                    if value is not None
                }
            teachers.append(teacher)
        if records is not None:
            self.timetable(teachers, periods)
        return teachers

    def timetable(self, teachers: list[dict[str, Any]], periods: list[dict[str, Any]]) -> None:
        index_of: dict[str, int] = {}
        for index, teacher in enumerate(teachers):
            if isinstance(teacher.get("id"), str):
                index_of.setdefault(teacher["id"], index)
        period_order = [p["id"] for p in periods if isinstance(p.get("id"), str)]
        period_day = {p["id"]: p.get("day") for p in periods if isinstance(p.get("id"), str)}
        periods_readable = "periods" not in self.poisoned
        sheet = self.by_name.get(TIMETABLE.name)
        period_columns: dict[int, str] = {}

        def period_column(index: int, text: str) -> bool:
            if not periods_readable:
                return True
            if text not in period_day:
                self.problem(
                    f"{sheet.label if sheet else TIMETABLE.name}!{column_letter(index)}1",
                    f"unknown period '{text}' (not in the Periods sheet)",
                )
                return True
            if text in period_columns.values():
                self.problem(
                    f"{sheet.label if sheet else TIMETABLE.name}!{column_letter(index)}1",
                    f"period '{text}' has a second column",
                )
                return True
            period_columns[index] = text
            return True

        marks: dict[int, dict[str, tuple[str, str]]] = {}
        records = self.records(TIMETABLE, "timetable", period_column)
        if sheet is None:
            self.warnings.append("no Timetable sheet: nobody teaches any period")
        if records is not None:
            first_row: dict[str, int] = {}
            for record in records:
                teacher_id = cell_text(record.raw("teacher"))
                if teacher_id is None:
                    self.problem(record.ref("teacher"), "the teacher id is required")
                    continue
                if teacher_id not in index_of:
                    self.problem(
                        record.ref("teacher"),
                        f"unknown teacher '{teacher_id}' (not in the Teachers sheet)",
                    )
                    continue
                if teacher_id in first_row:
                    self.problem(
                        record.ref("teacher"),
                        f"teacher '{teacher_id}' has a second row (first in row {first_row[teacher_id]})",
                    )
                    continue
                first_row[teacher_id] = record.row
                found: dict[str, tuple[str, str]] = {}
                for column_index, period_id in period_columns.items():
                    raw = record.cells[column_index] if column_index < len(record.cells) else None
                    if cell_text(raw) is None:
                        continue
                    where = f"{record.label}!{column_letter(column_index)}{record.row}"
                    try:
                        found[period_id] = (convert("mark", raw), where)
                    except CellError as error:
                        self.problem(where, str(error))
                marks[index_of[teacher_id]] = found
            missing = [teacher_id for teacher_id, index in index_of.items() if index not in marks]
            if missing:
                shown = ", ".join(missing[:8]) + (", ..." if len(missing) > 8 else "")
                self.warnings.append(
                    f"the Timetable has no row for {len(missing)} teacher"
                    f"{'s' if len(missing) != 1 else ''} ({shown}): they teach no period"
                )
            unused = [pid for pid in period_order if pid not in period_columns.values()]
            if unused and periods_readable:
                self.warnings.append(
                    f"the Timetable has no column for period{'s' if len(unused) != 1 else ''} "
                    f"{', '.join(unused)}: nobody teaches then"
                )
        dated = self.unavailable(index_of, period_order, period_day)
        for index, teacher in enumerate(teachers):
            path = f"teachers[{index}]"
            found = marks.get(index, {})
            teaches = [pid for pid in period_order if "T" in found.get(pid, ("", ""))[0]]
            weekly = [pid for pid in period_order if "X" in found.get(pid, ("", ""))[0]]
            for position, period_id in enumerate(teaches):
                self.locations[f"{path}.teaches[{position}]"] = found[period_id][1]
            for position, period_id in enumerate(weekly):
                self.locations[f"{path}.unavailable[{position}]"] = found[period_id][1]
            slots = dated.get(index, [])
            for position, (_slot, where) in enumerate(slots, start=len(weekly)):
                self.locations[f"{path}.unavailable[{position}]"] = where
            teacher["teaches"] = teaches
            teacher["unavailable"] = weekly + [slot for slot, _where in slots]

    def unavailable(
        self, index_of: dict[str, int], period_order: list[str], period_day: dict[str, Any]
    ) -> dict[int, list[tuple[str, str]]]:
        records = self.records(UNAVAILABLE, "unavailable")
        slots: dict[int, list[tuple[str, str]]] = {}
        for record in records or []:
            teacher_id = cell_text(record.raw("teacher"))
            if teacher_id is None or teacher_id not in index_of:
                message = (
                    f"unknown teacher '{teacher_id}' (not in the Teachers sheet)"
                    if teacher_id
                    else "the teacher id is required"
                )
                self.problem(record.ref("teacher"), message)
                continue
            raw_date = record.raw("date")
            if raw_date is None:
                self.problem(record.ref("date"), "the date is required")
                continue
            try:
                date = convert("date", raw_date)
            except CellError as error:
                self.problem(record.ref("date"), str(error))
                continue
            period_id = cell_text(record.raw("period"))
            entries = slots.setdefault(index_of[teacher_id], [])
            if period_id is not None:
                entries.append((f"{date}/{period_id}", record.ref("period")))
                continue
            weekday = DAYS[dt.date.fromisoformat(date).weekday()]
            that_day = [pid for pid in period_order if period_day.get(pid) == weekday]
            if not that_day:
                self.problem(
                    record.ref("date"), f"{date} is a {weekday}: no period is on {weekday}"
                )
            entries.extend((f"{date}/{pid}", record.ref("date")) for pid in that_day)
        return slots

    def policy(self) -> dict[str, Any]:
        values = self.settings(POLICY_SETTINGS, "policy.")
        policy: dict[str, Any] = {}
        for key, value in values.items():
            if key.startswith("weights."):
                policy.setdefault("weights", {})[key.split(".", 1)[1]] = value
            else:
                policy[key] = value
        records = self.records(COVER_OVERRIDES, "policy.cover_overrides")
        columns = {column.header: column for column in COVER_OVERRIDES.columns}
        overrides: list[dict[str, Any]] = []
        for record in records or []:
            path = f"policy.cover_overrides[{len(overrides)}]"
            self.locations[path] = record.ref()
            date = self.value(record, columns["date"], f"{path}.date")
            period_id = self.value(record, columns["period"], f"{path}.period")
            cover = self.value(record, columns["cover"], f"{path}.cover")
            self.locations[f"{path}.slot"] = record.ref("period")
            override: dict[str, Any] = {}
            if date is None or period_id is None:
                if f"{path}.date" not in self.poisoned:
                    missing = "date" if date is None else "period"
                    self.problem(record.ref(missing), f"the {missing} is required")
                self.poison(f"{path}.slot")
            else:
                override["slot"] = f"{date}/{period_id}"
            if cover is not None:
                override["cover"] = cover
            elif f"{path}.cover" not in self.poisoned:
                self.problem(record.ref("cover"), "the cover is required")
                self.poison(f"{path}.cover")
            overrides.append(override)
        if overrides:
            policy["cover_overrides"] = overrides
        return policy

    # -- validation, reported at cells --

    def locate(self, path: str) -> str | None:
        candidate = path
        while candidate:
            if candidate in self.locations:
                return self.locations[candidate]
            cut = max(candidate.rfind("."), candidate.rfind("["))
            candidate = candidate[:cut] if cut > 0 else ""
        return None

    def is_poisoned(self, path: str) -> bool:
        return any(path == bad or path.startswith((bad + ".", bad + "[")) for bad in self.poisoned)

    def translate(self, problem: Problem) -> Problem | None:
        if self.is_poisoned(problem.path):
            return None
        where = self.locate(problem.path) or problem.path
        message = problem.message
        if message == "required field is missing":
            field_name = re.sub(r"\[\d+\]", "", problem.path).rsplit(".", 1)[-1]
            message = f"'{field_name}' is required"
        elif "at least 1 item" in message:  # an empty list the model requires
            message = "needs at least one row"

        def cell_of(match: re.Match[str]) -> str:
            return self.locate(match.group(0)) or match.group(0)

        message = _PATH_IN_TEXT.sub(cell_of, message)
        return Problem(where, message)

    def sort_key(self, problem: Problem) -> tuple[int, int, int]:
        sheet, _, cell = problem.path.partition("!")
        order = self.order.get(sheet, SHEET_ORDER.index(sheet) if sheet in SHEET_ORDER else 99)
        match = re.match(r"^([A-Z]*)(\d+)$", cell)
        if not match:
            return order, 0, 0
        column = 0
        for letter in match.group(1):
            column = column * 26 + ord(letter) - ord("A") + 1
        return order, int(match.group(2)), column

    def finish(self, data: dict[str, Any]) -> ImportResult:
        problems = list(self.problems)
        try:
            roster = roster_from_data(data)
        except InputError as error:
            found = list(error.problems) + cross_problems_beside_shape(data, error.problems)
            for problem in found:
                translated = self.translate(problem)
                if translated is not None and translated not in problems:
                    problems.append(translated)
            if not problems:  # never swallow a problem, even one no cell explains
                problems = list(error.problems)
        if problems:
            raise InputError(sorted(problems, key=self.sort_key))
        return ImportResult(roster, self.warnings)


# --- cross-reference problems beside shape problems --------------------------------------------------

# items nothing refers to by position: one with a shape problem can be left out of the cross-check
_DROPPABLE = re.compile(
    r"^(relations|history|team_history|policy\.cover_overrides|cycles\[\d+\]\.meetings)$"
)
_TOKEN = re.compile(r"([A-Za-z_]+)|\[(\d+)\]")


def _location(path: str) -> list[str | int]:
    return [name if name else int(index) for name, index in _TOKEN.findall(path)]


def _path(location: list[str | int]) -> str:
    return format_path(location)


def _field_required(location: list[str | int]) -> bool | None:
    """Whether the roster field at `location` is required (None when there is no such field)."""
    current: Any = Roster
    required = True
    for part in location:
        if isinstance(part, int):
            args = typing.get_args(current)
            if not args:
                return None
            current = args[0]
            continue
        while typing.get_origin(current) in (typing.Union, types.UnionType):
            options = [arg for arg in typing.get_args(current) if arg is not type(None)]
            current = options[0]
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        required = info.is_required()
        current = info.annotation
        while typing.get_origin(current) is typing.Annotated:
            current = typing.get_args(current)[0]
    return required


def cross_problems_beside_shape(data: dict[str, Any], shape: list[Problem]) -> list[Problem]:
    """The cross-reference problems a roster would have once its shape problems are fixed.

    The roster model checks cross-references only on a well-shaped roster; to report everything at
    once, each shape problem is set aside (an optional field dropped, or an item nothing refers to
    by position left out) and the rest is cross-checked, paths mapped back to the original items.
    """
    from pairwise.roster.validate import cross_check

    drop_fields: set[str] = set()
    drop_items: set[str] = set()
    for problem in shape:
        location = _location(problem.path)
        if not location:
            return []
        if _field_required(location) is False:
            drop_fields.add(_path(location))
            continue
        while location and not (
            isinstance(location[-1], int) and _DROPPABLE.match(_path(location[:-1]))
        ):
            location = location[:-1]
        if not location:
            return []
        drop_items.add(_path(location))
    kept: dict[str, list[int]] = {}

    def prune(node: Any, path: str) -> Any:
        if isinstance(node, dict):
            return {
                key: prune(value, f"{path}.{key}" if path else key)
                for key, value in node.items()
                if (f"{path}.{key}" if path else key) not in drop_fields
            }
        if isinstance(node, list):
            kept[path] = [i for i in range(len(node)) if f"{path}[{i}]" not in drop_items]
            return [prune(node[i], f"{path}[{i}]") for i in kept[path]]
        return node

    try:
        repaired = Roster.model_validate(prune(data, ""), context={SKIP_CROSS_CHECK: True})
    except ValidationError:
        return []

    def original(path: str) -> str:
        rebuilt: list[str | int] = []
        for part in _location(path):
            if isinstance(part, int):
                positions = kept.get(_path(rebuilt), [])
                part = positions[part] if part < len(positions) else part
            rebuilt.append(part)
        return _path(rebuilt)

    return [
        Problem(
            original(problem.path),
            _PATH_IN_TEXT.sub(lambda m: original(m.group(0)), problem.message),
        )
        for problem in cross_check(repaired)
    ]

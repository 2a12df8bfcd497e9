"""Reading a roster from a workbook (.xlsx) or a folder of its sheets as CSV files.

Every cell read is remembered with the roster path it fills (`teachers[3].team` -> `Teachers!C6`),
so that the roster model's own validation problems are reported at the cell the admin must fix.
All problems are collected and raised at once as one `InputError`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pairwise.errors import InputError, Problem
from pairwise.interchange.workbook.cells import CellError, cell_text, column_letter, convert
from pairwise.interchange.workbook.coaching import read_guides, read_roadmaps
from pairwise.interchange.workbook.cross_references import PATH_IN_TEXT, cross_problems_beside_shape
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
    TOPICS_SHEET,
    ImportResult,
    SettingsSheet,
    SheetColumn,
    TableSheet,
    normalise_header,
)
from pairwise.interchange.workbook.sources import RawSheet, csv_sheets, xlsx_sheets
from pairwise.interchange.workbook.timetable import read_timetable
from pairwise.roster.load import roster_from_data
from pairwise.roster.models import ROSTER_FORMAT

_STAND_IN_MONDAY = "1900-01-01"


def import_workbook(source: str | Path) -> ImportResult:
    """Read a .xlsx workbook, or a folder of the same sheets as CSV files, into a valid roster.

    Raises `InputError` with every problem located by sheet and cell (`Teachers!C14: ...`).
    """
    return read_source(Path(source))


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

    def value(self, record: _Record, column: SheetColumn, path: str) -> Any:
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
        self,
        sheet: RawSheet,
        columns: tuple[SheetColumn, ...],
        extra: Callable[[int, str], bool] | None,
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
            SheetColumn("setting", "text", "", required=True),
            SheetColumn("value", "text", "", required=True),
            SheetColumn("note", "text", ""),
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
            column = SheetColumn("value", found.kind, "")
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
        data["teams"] = self.table(TEAMS, "teams", ("id", "priority", "grade", "school", "name"))
        data["teachers"] = self.teachers(periods)
        data["history"] = self.table(
            HISTORY, "history", ("a", "b", "year", "kind", "trust", "asked_to_continue")
        )
        data["team_history"] = self.table(TEAM_HISTORY, "team_history", ("a", "b", "year"))
        data["relations"] = self.table(RELATIONS, "relations", ("a", "b", "kind"))
        data["policy"] = self.policy()
        read_roadmaps(self, data)
        guides = read_guides(self)
        if guides is not None:
            data["guides"] = guides
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
                "tandem",
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
            read_timetable(self, teachers, periods)
        return teachers

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

        message = PATH_IN_TEXT.sub(cell_of, message)
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
        return ImportResult(roster, self.warnings, dict(self.locations), self.topics())

    def topics(self) -> list[str]:
        """The topics listed on the Topics sheet (its first column under the header), if any."""
        sheet = self.by_name.get(TOPICS_SHEET)
        if sheet is None:
            return []
        listed = []
        for cells in sheet.rows[1:]:
            text = cell_text(cells[0]) if cells else None
            if text is not None and not text.startswith(EXAMPLE_MARK):
                listed.append(text)
        return listed

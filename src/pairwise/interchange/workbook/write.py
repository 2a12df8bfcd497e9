"""Writing the workbook template: a roster (or nothing) as sheets, then as .xlsx bytes or CSV texts.

The sheets are built once as rows of plain values (`Sheet`); the .xlsx and CSV writers only
serialise them. A roster that a workbook cannot hold exactly (a list item with a comma, an id
starting with '#', ...) is refused with every such value named, so `import` of what `template`
wrote always gives back the same roster (see `layout.canonical`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from pairwise.errors import InputError, Problem
from pairwise.interchange.workbook.coaching import guide_rows, roadmap_rows
from pairwise.interchange.workbook.layout import (
    COVER_OVERRIDES,
    CYCLES,
    GUIDES,
    HISTORY,
    MARKS,
    MEETINGS,
    PERIODS,
    POLICY_SETTINGS,
    RELATIONS,
    ROADMAPS,
    ROSTER_SETTINGS,
    STARTER_TOPICS,
    TEACHERS,
    TEAM_HISTORY,
    TEAMS,
    TIMETABLE,
    TIMETABLE_FIXED,
    TOPICS_SHEET,
    UNAVAILABLE,
    SettingsSheet,
    SheetColumn,
    TableSheet,
    canonical,
    normalise_header,
)
from pairwise.roster.models import Policy, Roster, Teacher

Value = str | int | float | dt.date | dt.time | None

# Excel keeps 15 significant digits and openpyxl writes "%.16g": beyond that a number is written
# as text so that it reads back exactly.
_EXCEL_INTEGER_LIMIT = 10**15
_MAX_CELL_TEXT = 32_767
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


@dataclass
class Sheet:
    """One sheet as plain rows: the header, the instruction row, data rows (example rows first)."""

    name: str
    columns: list[SheetColumn]
    rows: list[list[Value]] = field(default_factory=list)
    example_rows: int = 0
    settings: SettingsSheet | None = None


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _time(text: str) -> dt.time:
    hour, minute = text.split(":")
    return dt.time(int(hour), int(minute))


def _typed(column: SheetColumn, value: object) -> Value:
    """A cell value as the column's kind wants it in a workbook (dates as dates, times as times)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or None
    if isinstance(value, str) and not value.startswith("#"):
        if column.kind == "date":
            return _date(value)
        if column.kind == "time":
            return _time(value)
    if isinstance(value, (str, int, float)):
        return value
    raise TypeError(f"cannot write {value!r} in a cell")


def table_sheet(layout: TableSheet, rows: list[list[object]], example: bool) -> Sheet:
    sheet = Sheet(layout.name, list(layout.columns))
    sheet.rows.append([column.header for column in layout.columns])
    # The blank template's example lives in the instruction row, never in a data row: typing
    # over part of an example row would keep its other cells as data (a stray school, say).
    examples = layout.example if example else (None,) * len(layout.columns)
    sheet.rows.append(
        [
            _with_example(column.note, value)
            for column, value in zip(layout.columns, examples, strict=True)
        ]
    )
    for row in rows:
        sheet.rows.append(
            [_typed(column, value) for column, value in zip(layout.columns, row, strict=True)]
        )
    return sheet


def _with_example(note: str, value: object) -> str:
    if value is None or value == "" or "e.g." in note:
        return note
    shown = str(value).lstrip("#")
    return f"{note}; e.g. {shown}" if note else f"# e.g. {shown}"


def _settings(layout: SettingsSheet, values: dict[str, object]) -> Sheet:
    columns = [
        SheetColumn("setting", "text", "", required=True),
        SheetColumn("value", "text", ""),
        SheetColumn("note", "text", ""),
    ]
    sheet = Sheet(layout.name, columns, settings=layout)
    sheet.rows.append(["setting", "value", "note"])
    sheet.rows.append(["# setting", "value (blank: the default)", "what it means"])
    for setting in layout.settings:
        value = values.get(setting.key)
        cell: Value
        if isinstance(value, bool):
            cell = _yes_no(value)
        elif value is None or isinstance(value, (str, int, float)):
            cell = value
        else:
            raise TypeError(f"cannot write {value!r} in a cell")
        sheet.rows.append([setting.key, cell, setting.note])
    return sheet


def _teacher_row(teacher: Teacher) -> list[object]:
    sabbatical = teacher.sabbatical
    return [
        teacher.id,
        teacher.name,
        teacher.team,
        teacher.school,
        teacher.years_experience,
        teacher.priority,
        teacher.strengths,
        teacher.evaluator,
        teacher.max_release,
        teacher.participates,
        sabbatical.topics if sabbatical else None,
        sabbatical.budget if sabbatical else None,
        teacher.room,
        teacher.tandem or None,
    ]


def _timetable(roster: Roster | None) -> Sheet:
    # the blank template's example columns start with '#' like its example rows: skipped on import
    period_ids = (
        [period.id for period in roster.periods] if roster else ["#mon-1", "#mon-2", "#tue-1"]
    )
    mark_note = "T teaches, X unavailable every week, TX both"
    columns = [*TIMETABLE_FIXED] + [
        SheetColumn(pid, "mark", mark_note, choices=MARKS) for pid in period_ids
    ]
    sheet = Sheet(TIMETABLE.name, columns)
    sheet.rows.append([column.header for column in columns])
    sheet.rows.append([column.note for column in columns])
    if roster is None:  # the example is in the instruction row (see `_table`)
        sheet.rows[1] = [
            _with_example(column.note, value)
            for column, value in zip(columns, ["t01", "Ana Ruiz", "T", "T", "X"], strict=True)
        ]
        return sheet
    for teacher in roster.teachers:
        teaches = set(teacher.teaches)
        weekly = {entry for entry in teacher.unavailable if "/" not in entry}
        marks: list[Value] = []
        for period_id in period_ids:
            mark = ("T" if period_id in teaches else "") + ("X" if period_id in weekly else "")
            marks.append(mark or None)
        sheet.rows.append([teacher.id, teacher.name, *marks])
    return sheet


def _policy_values(policy: Policy) -> dict[str, object]:
    values: dict[str, object] = {}
    for key, value in policy.model_dump().items():
        if key == "weights":
            values.update({f"weights.{name}": weight for name, weight in value.items()})
        elif key != "cover_overrides":
            values[key] = value
    return values


def topics_sheet(roster: Roster | None) -> Sheet:
    columns = [SheetColumn("topic", "text", "")]
    sheet = Sheet(TOPICS_SHEET, columns)
    sheet.rows.append(["topic"])
    sheet.rows.append(["# topics offered in the drop-down lists; add your own below"])
    if roster is None:
        topics = set(STARTER_TOPICS)
    else:
        topics = {team.priority for team in roster.teams if team.priority}
        for teacher in roster.teachers:
            topics.update(teacher.strengths)
            if teacher.priority:
                topics.add(teacher.priority)
            if teacher.sabbatical:
                topics.update(teacher.sabbatical.topics)
    sheet.rows.extend([topic] for topic in sorted(topics))
    return sheet


def build_sheets(roster: Roster | None) -> list[Sheet]:
    """Every sheet of the template, in workbook order; refuses a roster a workbook cannot hold."""
    if roster is not None:
        problems = unwritable(roster)
        if problems:
            raise InputError(problems)
        roster = canonical(roster)
    example = roster is None
    if roster is None:
        roster_values: dict[str, object] = {"format": "pairwise/roster@1"}
        policy_values = _policy_values(Policy())
        sheets_rows: dict[str, list[list[object]]] = {}
    else:
        roster_values = {
            "format": roster.format,
            "name": roster.name,
            "year": roster.year,
            "timezone": roster.timezone,
        }
        policy_values = _policy_values(roster.policy)
        sheets_rows = {
            "Teachers": [_teacher_row(teacher) for teacher in roster.teachers],
            "Unavailable": [
                [teacher.id, *entry.split("/", 1)]
                for teacher in roster.teachers
                for entry in teacher.unavailable
                if "/" in entry
            ],
            "Periods": [[p.id, p.day, p.start, p.end] for p in roster.periods],
            "Cycles": [[cycle.id, week] for cycle in roster.cycles for week in cycle.weeks],
            "Meetings": [
                [cycle.id, m.id, m.date, m.start, m.end, m.tables]
                for cycle in roster.cycles
                for m in cycle.meetings
            ],
            "Teams": [[t.id, t.priority, t.grade, t.school, t.name] for t in roster.teams],
            "History": [
                [h.a, h.b, h.year, h.kind, h.trust, h.asked_to_continue or None]
                for h in roster.history
            ],
            "TeamHistory": [[h.a, h.b, h.year] for h in roster.team_history],
            "Relations": [[r.a, r.b, r.kind] for r in roster.relations],
            "CoverOverrides": [
                [*override.slot.split("/", 1), override.cover]
                for override in roster.policy.cover_overrides
            ],
            "Roadmaps": roadmap_rows(roster),
            "Guides": guide_rows(roster),
        }

    def table(layout: TableSheet) -> Sheet:
        return table_sheet(layout, sheets_rows.get(layout.name, []), example)

    return [
        _settings(ROSTER_SETTINGS, roster_values),
        table(TEACHERS),
        _timetable(roster),
        table(UNAVAILABLE),
        table(PERIODS),
        table(CYCLES),
        table(MEETINGS),
        table(TEAMS),
        table(HISTORY),
        table(TEAM_HISTORY),
        table(RELATIONS),
        _settings(POLICY_SETTINGS, policy_values),
        table(COVER_OVERRIDES),
        table(ROADMAPS),
        table(GUIDES),
        topics_sheet(roster),
    ]


# --- what a workbook cannot hold ------------------------------------------------------------------


def _text_problem(text: str, *, optional: bool, first_cell: bool = False) -> str | None:
    if text != text.strip():
        return "has spaces at its start or end, which a spreadsheet cell does not keep"
    if not text and optional:
        return "is empty, which a blank cell reads back as no value"
    if _ILLEGAL.search(text):
        return "holds a control character that a spreadsheet cell cannot hold"
    if len(text) > _MAX_CELL_TEXT:
        return f"is longer than a spreadsheet cell holds ({_MAX_CELL_TEXT:,} characters)"
    if first_cell and text.startswith("#"):
        return "starts with '#', which marks a comment row in the workbook"
    return None


def _item_problem(text: str) -> str | None:
    if "," in text:
        return "holds a comma, which separates the items of a list cell"
    if not text.strip() or text != text.strip():
        return "is empty or has spaces at its start or end, which a list cell does not keep"
    return _text_problem(text, optional=False)


def unwritable(roster: Roster) -> list[Problem]:
    """Every value of `roster` that a workbook could not give back exactly, by roster path."""
    problems: list[Problem] = []

    def text(path: str, value: str | None, optional: bool = True, first: bool = False) -> None:
        if value is not None:
            reason = _text_problem(value, optional=optional, first_cell=first)
            if reason:
                problems.append(Problem(path, f"'{value[:40]}' {reason}"))

    def items(path: str, values: list[str]) -> None:
        for index, value in enumerate(values):
            reason = _item_problem(value)
            if reason:
                problems.append(Problem(f"{path}[{index}]", f"'{value[:40]}' {reason}"))

    text("name", roster.name, optional=False)
    text("timezone", roster.timezone, optional=False)
    fixed = {normalise_header(column.header) for column in TIMETABLE_FIXED}
    for i, period in enumerate(roster.periods):
        text(f"periods[{i}].id", period.id, optional=False, first=True)
        if normalise_header(period.id) in fixed:
            problems.append(
                Problem(
                    f"periods[{i}].id",
                    f"'{period.id}' would be read as the Timetable's '{period.id.lower()}' column",
                )
            )
    for i, cycle in enumerate(roster.cycles):
        text(f"cycles[{i}].id", cycle.id, optional=False, first=True)
        for j, meeting in enumerate(cycle.meetings):
            text(f"cycles[{i}].meetings[{j}].id", meeting.id, optional=False)
    for i, team in enumerate(roster.teams):
        text(f"teams[{i}].id", team.id, optional=False, first=True)
        text(f"teams[{i}].priority", team.priority)
        text(f"teams[{i}].school", team.school)
        text(f"teams[{i}].name", team.name)
    for i, teacher in enumerate(roster.teachers):
        path = f"teachers[{i}]"
        text(f"{path}.id", teacher.id, optional=False, first=True)
        text(f"{path}.name", teacher.name, optional=False)
        for name in ("team", "school", "priority", "evaluator", "room"):
            text(f"{path}.{name}", getattr(teacher, name))
        items(f"{path}.strengths", teacher.strengths)
        if teacher.sabbatical is not None:
            items(f"{path}.sabbatical.topics", teacher.sabbatical.topics)
    for i, entry in enumerate(roster.history):
        text(f"history[{i}].a", entry.a, optional=False, first=True)
        text(f"history[{i}].b", entry.b, optional=False)
    for i, team_entry in enumerate(roster.team_history):
        text(f"team_history[{i}].a", team_entry.a, optional=False, first=True)
        text(f"team_history[{i}].b", team_entry.b, optional=False)
    for i, relation in enumerate(roster.relations):
        text(f"relations[{i}].a", relation.a, optional=False, first=True)
        text(f"relations[{i}].b", relation.b, optional=False)
    return problems


# --- serialisers --------------------------------------------------------------------------------


def _exact_in_excel(value: int | float) -> bool:
    if isinstance(value, int):
        return abs(value) < _EXCEL_INTEGER_LIMIT
    return float(f"{value:.16g}") == value


def _validation_formula(column: SheetColumn, sheet_names: set[str]) -> tuple[str, bool] | None:
    """The drop-down list of a column and whether a value outside it is refused."""
    if column.choices:
        return '"' + ",".join(column.choices) + '"', True
    if column.source and column.source in sheet_names:
        # a list cell (strengths) holds several values, so the list only suggests
        strict = column.source in ("Teams", "Teachers", "Periods", "Cycles")
        return f"{column.source}!$A$3:$A$5000", strict and column.kind != "list"
    return None


def workbook_bytes(roster: Roster | None) -> bytes:
    """The template as .xlsx bytes (openpyxl, built in memory)."""
    return xlsx_bytes(build_sheets(roster))


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    """Sheets as .xlsx bytes: header row, grey instruction row, example rows, drop-down lists."""
    # openpyxl takes a few tenths of a second to import: loaded only when .xlsx bytes are asked
    # for, not for the CSV template
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    names = {sheet.name for sheet in sheets}
    book = Workbook()
    book.remove(book.active)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="305496")
    note_font = Font(italic=True, color="595959")
    example_font = Font(italic=True, color="808080")
    example_fill = PatternFill("solid", fgColor="EDEDED")
    for sheet in sheets:
        worksheet = book.create_sheet(sheet.name)
        for row_index, row in enumerate(sheet.rows, start=1):
            for column_index, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = worksheet.cell(row_index, column_index)
                if isinstance(value, (int, float)) and not _exact_in_excel(value):
                    value = repr(value)
                cell.value = value
                if isinstance(value, str):
                    # never a formula, whatever the text starts with
                    cell.data_type = "s"
                elif isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(value, dt.time):
                    cell.number_format = "hh:mm"
                if row_index == 1:
                    cell.font = header_font
                    cell.fill = header_fill
                elif row_index == 2:
                    cell.font = note_font
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                elif row_index - 2 <= sheet.example_rows:
                    cell.font = example_font
                    cell.fill = example_fill
        worksheet.freeze_panes = "C3" if sheet.name == TIMETABLE.name else "A3"
        for column_index, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(column_index)
            width = max(len(column.header) + 2, 8 if column.kind == "mark" else 14)
            worksheet.column_dimensions[letter].width = min(width, 40)
            validation = _validation_formula(column, names)
            if validation is not None and sheet.settings is None:
                formula, strict = validation
                rule = DataValidation(type="list", formula1=formula, allow_blank=True)
                rule.errorStyle = "stop" if strict else "warning"
                rule.showErrorMessage = column.kind != "list"
                rule.error = f"{column.header}: {column.note.lstrip('# ')}"
                worksheet.add_data_validation(rule)
                rule.add(f"{letter}3:{letter}5000")
        if sheet.settings is not None:
            worksheet.column_dimensions["A"].width = 32
            worksheet.column_dimensions["B"].width = 28
            worksheet.column_dimensions["C"].width = 60
            for row_index, setting in enumerate(sheet.settings.settings, start=3):
                if setting.choices:
                    rule = DataValidation(
                        type="list",
                        formula1='"' + ",".join(setting.choices) + '"',
                        allow_blank=True,
                    )
                    worksheet.add_data_validation(rule)
                    rule.add(f"B{row_index}")
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _csv_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def csv_texts(roster: Roster | None) -> dict[str, str]:
    """The template's sheets as CSV texts keyed by file name."""
    return csv_files(build_sheets(roster))


def csv_files(sheets: list[Sheet]) -> dict[str, str]:
    """Sheets as CSV texts keyed by file name (`<sheet>.csv`)."""
    files: dict[str, str] = {}
    for sheet in sheets:
        stream = io.StringIO()
        writer = csv.writer(stream, lineterminator="\n")
        for row in sheet.rows:
            writer.writerow([_csv_text(value) for value in row])
        files[f"{sheet.name}.csv"] = stream.getvalue()
    return files


def template_workbook(roster: Roster | None = None) -> bytes:
    """The .xlsx bytes of the template: blank with example rows, or holding `roster`."""
    return workbook_bytes(roster)


def template_csv_files(roster: Roster | None = None) -> dict[str, str]:
    """The template's sheets as CSV texts, keyed by file name (`Teachers.csv`, ...)."""
    return csv_texts(roster)

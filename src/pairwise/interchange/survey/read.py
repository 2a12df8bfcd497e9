"""Reading the survey's answers back (`pairwise rollover --feedback FILE`), with the workbook reader's
habits: sheets from an .xlsx file or a folder of CSV files, headers matched loosely, `#` rows skipped,
and every problem located by sheet and cell (`Partnerships!F7: 6 is not a rating from 1 to 5`),
all of them at once.

A feedback source is a survey workbook, a folder of its sheets as CSV files, or a folder of
per-teacher forms (`.xlsx` files, or sub-folders of CSV files); answers of several sources are put
together, and the same answer given twice is a problem wherever it is.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pairwise.errors import InputError, Problem
from pairwise.interchange.survey.layout import (
    COACHING,
    PARTNERSHIPS,
    SURVEY_SHEETS,
    TEACHERS,
    TEAMS,
)
from pairwise.interchange.workbook.cells import CellError, cell_text, column_letter, convert
from pairwise.interchange.workbook.layout import (
    EXAMPLE_MARK,
    TOPICS_SHEET,
    TableSheet,
    normalise_header,
)
from pairwise.interchange.workbook.sources import RawSheet, csv_sheets, xlsx_sheets
from pairwise.roster.models import Plan, Roster
from pairwise.roster.rollover import Feedback, PartnerAnswer, TeacherAnswer


@dataclass
class _Row:
    """One data row of a survey sheet: where it is and its cells by column header."""

    where: str  # "Partnerships" or "t01.xlsx Partnerships"
    number: int
    cells: list[object]
    positions: dict[str, int]

    def raw(self, header: str) -> object:
        index = self.positions.get(header)
        return None if index is None or index >= len(self.cells) else self.cells[index]

    def ref(self, header: str) -> str:
        return f"{self.where}!{column_letter(self.positions[header])}{self.number}"


@dataclass
class _Answers:
    """What has been read so far, and where each answer was first given."""

    roster: Roster
    plan: Plan
    problems: list[Problem] = field(default_factory=list)
    partners: dict[tuple[str, str], PartnerAnswer] = field(default_factory=dict)
    coaching: dict[tuple[str, str], int] = field(default_factory=dict)
    teachers: dict[str, TeacherAnswer] = field(default_factory=dict)
    teams: dict[str, str] = field(default_factory=dict)
    first_seen: dict[tuple[str, ...], str] = field(default_factory=dict)

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def once(self, key: tuple[str, ...], row: _Row, header: str, what: str) -> bool:
        """True the first time an answer is given; a problem naming the first place otherwise."""
        first = self.first_seen.get(key)
        if first is not None:
            self.problem(row.ref(header), f"{what} is answered twice (first at {first})")
            return False
        self.first_seen[key] = row.ref(header)
        return True


def read_feedback(roster: Roster, plan: Plan, sources: Sequence[str | Path]) -> Feedback:
    """Every answer of the given survey files or folders, checked against the roster and the plan.

    Raises `InputError` with every problem at once, each named by sheet and cell.
    """
    answers = _Answers(roster, plan)
    forms: list[tuple[str, list[RawSheet]]] = []
    for source in sources:
        forms += _forms(Path(source), several=len(sources) > 1)
    several = len(forms) > 1
    for label, sheets in forms:
        _read_form(answers, label if several else "", sheets)
    if answers.problems:
        raise InputError(answers.problems)
    return Feedback(answers.partners, answers.coaching, answers.teachers, answers.teams)


def _forms(path: Path, *, several: bool) -> list[tuple[str, list[RawSheet]]]:
    """The forms a source holds, each with the label its problems carry."""
    if not path.exists():
        raise InputError([Problem(str(path), "no such file or folder")])
    if path.is_file():
        return [(path.name, xlsx_sheets(path))]
    entries = sorted(path.iterdir())
    if any(e.is_file() and e.suffix.lower() == ".csv" for e in entries):
        return [(path.name, csv_sheets(path))]
    forms: list[tuple[str, list[RawSheet]]] = []
    for entry in entries:
        if entry.is_file() and entry.suffix.lower() == ".xlsx" and not entry.name.startswith("~$"):
            forms.append((entry.name, xlsx_sheets(entry)))
        elif entry.is_dir() and any(f.suffix.lower() == ".csv" for f in entry.iterdir()):
            forms.append((entry.name, csv_sheets(entry)))
    if not forms:
        raise InputError([Problem(str(path), "holds no survey: no .xlsx forms and no CSV sheets")])
    return forms


def _read_form(answers: _Answers, label: str, sheets: list[RawSheet]) -> None:
    layouts = {normalise_header(layout.name): layout for layout in SURVEY_SHEETS}
    readers: dict[str, Callable[[_Answers, _Row], None]] = {
        PARTNERSHIPS.name: _partner_row,
        COACHING.name: _coaching_row,
        TEACHERS.name: _teacher_row,
        TEAMS.name: _team_row,
    }
    found = False
    for sheet in sheets:
        if sheet.label.startswith(EXAMPLE_MARK) or sheet.label == TOPICS_SHEET:
            continue
        layout = layouts.get(normalise_header(sheet.label))
        if layout is None:
            continue
        found = True
        where = f"{label} {sheet.label}".strip()
        for row in _rows(answers, layout, sheet, where):
            readers[layout.name](answers, row)
    if not found:
        names = ", ".join(layout.name for layout in SURVEY_SHEETS)
        answers.problem(label or "feedback", f"holds none of the survey's sheets ({names})")


def _rows(answers: _Answers, layout: TableSheet, sheet: RawSheet, where: str) -> list[_Row]:
    known = {normalise_header(column.header): column.header for column in layout.columns}
    header_row = sheet.rows[0] if sheet.rows else []
    positions: dict[str, int] = {}
    for index, value in enumerate(header_row):
        text = cell_text(value)
        if text is None or text.startswith(EXAMPLE_MARK):
            continue
        name = known.get(normalise_header(text))
        cell = f"{where}!{column_letter(index)}1"
        if name is None:
            headers = [column.header for column in layout.columns]
            nearest = difflib.get_close_matches(text.lower(), headers, n=1, cutoff=0.5)
            hint = f"did you mean '{nearest[0]}'?" if nearest else f"known: {', '.join(headers)}"
            answers.problem(cell, f"unknown column '{text}'; {hint}")
        elif name in positions:
            answers.problem(cell, f"column '{name}' appears twice")
        else:
            positions[name] = index
    missing = [c.header for c in layout.columns if c.required and c.header not in positions]
    for header in missing:
        answers.problem(f"{where}!1", f"missing required column '{header}'")
    if missing:
        return []
    rows = []
    key_column = positions[layout.columns[0].header]
    for number, cells in enumerate(sheet.rows[1:], start=2):
        if all(cell_text(cell) is None for cell in cells):
            continue
        first = next((cell_text(c) for c in cells if cell_text(c) is not None), "") or ""
        key = cell_text(cells[key_column]) if key_column < len(cells) else None
        if first.startswith(EXAMPLE_MARK) or (key or "").startswith(EXAMPLE_MARK):
            continue
        rows.append(_Row(where, number, cells, positions))
    return rows


def _value(answers: _Answers, row: _Row, header: str, kind: str) -> Any:
    """A cell read as `kind`; None when blank or unreadable (the problem is recorded)."""
    if header not in row.positions:
        return None
    raw = row.raw(header)
    if cell_text(raw) is None:
        return None
    try:
        return convert(kind, raw)
    except CellError as error:
        answers.problem(row.ref(header), str(error))
        return None


def _rating(answers: _Answers, row: _Row, header: str) -> int | None:
    value = _value(answers, row, header, "int")
    if value is not None and not 1 <= value <= 5:
        answers.problem(row.ref(header), f"{value} is not a rating from 1 to 5")
        return None
    return value  # type: ignore[no-any-return]


def _teacher(answers: _Answers, row: _Row, header: str) -> str | None:
    teacher = cell_text(row.raw(header))
    if teacher is None:
        answers.problem(row.ref(header), f"no {header} id")
        return None
    if teacher not in answers.roster.teacher_by_id:
        answers.problem(row.ref(header), f"unknown teacher '{teacher}'")
        return None
    return teacher


def _partner_row(answers: _Answers, row: _Row) -> None:
    teacher = _teacher(answers, row, "teacher")
    partner = _teacher(answers, row, "partner")
    trust = _rating(answers, row, "trust")
    continues = _value(answers, row, "continue", "bool")
    helped = _value(answers, row, "helped", "text") or ""
    if teacher is None or partner is None:
        return
    partners = {
        other
        for partnership in answers.plan.partnerships
        if teacher in partnership.members
        for other in partnership.members
        if other != teacher
    }
    if partner not in partners:
        answers.problem(
            row.ref("partner"),
            f"{partner} was not {teacher}'s partner this year "
            f"(partners: {', '.join(sorted(partners)) or 'none'})",
        )
        return
    if answers.once(("partner", teacher, partner), row, "teacher", f"{teacher} about {partner}"):
        answers.partners[teacher, partner] = PartnerAnswer(trust, continues, helped)


def _coaching_row(answers: _Answers, row: _Row) -> None:
    coachee = _teacher(answers, row, "coachee")
    coach = _teacher(answers, row, "coach")
    useful = _rating(answers, row, "useful")
    if coachee is None or coach is None:
        return
    visited = any(v.coach == coach and v.coachee == coachee for v in answers.plan.sabbatical_visits)
    if not visited:
        answers.problem(
            row.ref("coach"), f"{coach} made no sabbatical visit to {coachee} this year"
        )
        return
    first = answers.once(("coaching", coachee, coach), row, "coachee", f"{coachee} about {coach}")
    if first and useful is not None:
        answers.coaching[coachee, coach] = useful


def _teacher_row(answers: _Answers, row: _Row) -> None:
    teacher = _teacher(answers, row, "teacher")
    priority = _value(answers, row, "priority", "text")
    strengths = _value(answers, row, "strengths", "list")
    coach_topics = _value(answers, row, "coach_topics", "list")
    tandem = _value(answers, row, "tandem", "bool")
    if teacher is None:
        return
    if answers.once(("teacher", teacher), row, "teacher", f"{teacher}'s next year"):
        answers.teachers[teacher] = TeacherAnswer(
            priority,
            None if strengths is None else tuple(strengths),
            None if coach_topics is None else tuple(coach_topics),
            tandem,
        )


def _team_row(answers: _Answers, row: _Row) -> None:
    team = cell_text(row.raw("team"))
    priority = _value(answers, row, "priority", "text")
    if team is None:
        answers.problem(row.ref("team"), "no team id")
        return
    if team not in answers.roster.team_by_id:
        answers.problem(row.ref("team"), f"unknown team '{team}'")
        return
    if answers.once(("team", team), row, "team", f"team {team}'s priority") and priority:
        answers.teams[team] = priority

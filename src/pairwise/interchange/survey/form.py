"""The feedback form (`pairwise survey ROSTER PLAN --to FILE.xlsx|DIR [--per-teacher]`).

One workbook for the whole staff (the admin hands it round or copies rows into a form tool), or with
`--per-teacher` one file per teacher holding that teacher's rows only: their partners, their
coaches, their own next-year answers. A teacher's own form names their partners and coaches beside
the ids and shows their own priority; it holds nothing about anyone else's answers, ratings or
relations, and no team sheet (a team's priority is answered once, in the whole-staff workbook).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pairwise.errors import InputError, Problem
from pairwise.files import write_atomic
from pairwise.interchange.export.common import reference_problems
from pairwise.interchange.file_names import safe_file_names
from pairwise.interchange.survey.layout import COACHING, PARTNERSHIPS, TEACHERS, TEAMS
from pairwise.interchange.workbook.write import (
    Sheet,
    csv_files,
    table_sheet,
    topics_sheet,
    xlsx_bytes,
)
from pairwise.roster.models import Plan, Roster


@dataclass(frozen=True)
class SurveyRows:
    """The rows of each survey sheet, as plain values in the layout's column order."""

    partnerships: list[list[object]]
    coaching: list[list[object]]
    teachers: list[list[object]]
    teams: list[list[object]]


def _partner_rows(roster: Roster, plan: Plan) -> list[list[object]]:
    """One row per teacher and partner (a triad gives each member two), in plan order."""
    names = {teacher.id: teacher.name for teacher in roster.teachers}
    cycles: dict[tuple[str, str], list[str]] = {}
    for partnership in plan.partnerships:
        for teacher in partnership.members:
            for partner in partnership.members:
                if partner != teacher:
                    listed = cycles.setdefault((teacher, partner), [])
                    listed += [c for c in partnership.cycles if c not in listed]
    order = {teacher.id: index for index, teacher in enumerate(roster.teachers)}
    keys = sorted(cycles, key=lambda key: (order.get(key[0], len(order)), key[0], key[1]))
    return [
        [
            teacher,
            names.get(teacher),
            partner,
            names.get(partner),
            ", ".join(cycles[teacher, partner]),
            None,
            None,
            None,
        ]
        for teacher, partner in keys
    ]


def _coaching_rows(roster: Roster, plan: Plan) -> list[list[object]]:
    names = {teacher.id: teacher.name for teacher in roster.teachers}
    visits = Counter((visit.coachee, visit.coach) for visit in plan.sabbatical_visits)
    return [
        [coachee, names.get(coachee), coach, names.get(coach), count, None]
        for (coachee, coach), count in visits.items()
    ]


def _teacher_rows(roster: Roster) -> list[list[object]]:
    return [
        [teacher.id, teacher.name, teacher.priority, None, None, None, None]
        for teacher in roster.teachers
    ]


def survey_rows(roster: Roster, plan: Plan) -> SurveyRows:
    """Every row of the whole-staff survey."""
    return SurveyRows(
        _partner_rows(roster, plan),
        _coaching_rows(roster, plan),
        _teacher_rows(roster),
        [[team.id, team.name, team.priority, None] for team in roster.teams],
    )


def survey_sheets(
    roster: Roster, plan: Plan, teacher: str | None = None, rows: SurveyRows | None = None
) -> list[Sheet]:
    """The survey's sheets; with `teacher`, only that teacher's rows (and no Teams sheet).
    `rows`: the whole survey's rows when already computed (one form per teacher reuses them)."""
    rows = rows or survey_rows(roster, plan)
    if teacher is None:
        return [
            table_sheet(PARTNERSHIPS, rows.partnerships, example=False),
            table_sheet(COACHING, rows.coaching, example=False),
            table_sheet(TEACHERS, rows.teachers, example=False),
            table_sheet(TEAMS, rows.teams, example=False),
            topics_sheet(roster),
        ]
    partners = [r for r in rows.partnerships if r[0] == teacher]
    return [
        table_sheet(PARTNERSHIPS, partners, example=False),
        table_sheet(COACHING, [r for r in rows.coaching if r[0] == teacher], example=False),
        table_sheet(TEACHERS, [r for r in rows.teachers if r[0] == teacher], example=False),
        _own_topics(roster, teacher, [str(r[2]) for r in partners]),
    ]


def _own_topics(roster: Roster, teacher_id: str, partners: list[str]) -> Sheet:
    """A teacher's drop-down topics: the starter list, their own, and their partners' priorities
    (which they see anyway); never the whole staff's, which would show others' priorities."""
    sheet = topics_sheet(None)
    topics = {str(row[0]) for row in sheet.rows[2:]}
    own = roster.teacher_by_id[teacher_id]
    topics.update(own.strengths)
    if own.priority:
        topics.add(own.priority)
    if own.sabbatical:
        topics.update(own.sabbatical.topics)
    for partner in partners:
        priority = (
            roster.teacher_by_id[partner].priority if partner in roster.teacher_by_id else None
        )
        if priority:
            topics.add(priority)
    sheet.rows[2:] = [[topic] for topic in sorted(topics)]
    return sheet


def survey_workbook(
    roster: Roster, plan: Plan, teacher: str | None = None, rows: SurveyRows | None = None
) -> bytes:
    """The survey as .xlsx bytes (drop-down lists for ratings, yes/no and topics)."""
    return xlsx_bytes(survey_sheets(roster, plan, teacher, rows))


def survey_csv_files(
    roster: Roster, plan: Plan, teacher: str | None = None, rows: SurveyRows | None = None
) -> dict[str, str]:
    """The survey's sheets as CSV texts keyed by file name (`Partnerships.csv`, ...)."""
    return csv_files(survey_sheets(roster, plan, teacher, rows))


def survey_files(
    roster: Roster, plan: Plan, *, csv: bool, per_teacher: bool
) -> dict[str, bytes | str]:
    """Every file of a survey, keyed by its path relative to the target.

    Whole staff: `survey.xlsx` bytes (the caller names the file) or `<Sheet>.csv` texts. Per teacher:
    `<id>.xlsx`, or `<id>/<Sheet>.csv` folders with `csv`.
    """
    files: dict[str, bytes | str] = {}
    if not per_teacher:
        if csv:
            files.update(survey_csv_files(roster, plan))
        else:
            files["survey.xlsx"] = survey_workbook(roster, plan)
        return files
    rows = survey_rows(roster, plan)
    # one flat, portable name per teacher (ids are free text; `a/b` gives `a%2Fb.xlsx`)
    names = safe_file_names([t.id for t in roster.teachers], "" if csv else ".xlsx")
    for teacher in roster.teachers:
        if csv:
            for name, text in survey_csv_files(roster, plan, teacher.id, rows).items():
                files[f"{names[teacher.id]}/{name}"] = text
        else:
            files[names[teacher.id]] = survey_workbook(roster, plan, teacher.id, rows)
    return files


def write_survey(
    roster: Roster, plan: Plan, target: str | Path, *, per_teacher: bool = False
) -> list[Path]:
    """Write the survey: `target` ending in `.xlsx` is one workbook; any other target is a folder
    (CSV sheets, or with `per_teacher` one `<id>.xlsx` per teacher). Returns the files written.

    Raises `InputError` when the plan names a teacher, cycle or team the roster does not have
    (nothing is written then).
    """
    problems = reference_problems(roster, plan)
    if problems:
        raise InputError(problems, source="PLAN")
    path = Path(target)
    as_workbook = path.suffix.lower() == ".xlsx"
    if per_teacher and as_workbook:
        raise InputError(
            [Problem("--to", "--per-teacher writes one file per teacher: name a folder")]
        )
    files = survey_files(
        roster, plan, csv=not as_workbook and not per_teacher, per_teacher=per_teacher
    )
    written: list[Path] = []
    for name, content in files.items():
        destination = path if as_workbook else path / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(destination, content)
        written.append(destination)
    return written

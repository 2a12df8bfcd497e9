"""`export_plan`: everything people read, written into one folder.

- `all.ics`, and `teachers/<id>.ics` for each teacher of the roster (see `export_calendar`);
- `partnerships.csv`, `visits.csv`, `sabbatical_visits.csv`, `tables.csv` (see `export_csv`);
- `report.html`, self-contained (see `export_report`).

Every file is rendered in memory first, then each is written atomically, so a failure never leaves
a half-written file and a rendering error writes nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pairwise.errors import InputError, Problem
from pairwise.files import write_atomic
from pairwise.interchange.export.calendars import (
    build_calendars,
    previous_revisions,
    teacher_file_name,
)
from pairwise.interchange.export.common import reference_problems
from pairwise.interchange.export.report import render_report
from pairwise.interchange.export.spreadsheets import build_spreadsheets
from pairwise.roster.models import Plan, Roster

ALL_CALENDAR = "all.ics"
TEACHER_FOLDER = "teachers"
REPORT = "report.html"


@dataclass
class ExportSummary:
    """What an export wrote: every file (in writing order), the sessions, and what changed."""

    directory: Path
    files: list[Path] = field(default_factory=list)
    sessions: int = 0
    teacher_calendars: int = 0
    sequence_raised: int = 0
    warnings: list[str] = field(default_factory=list)


def export_plan(roster: Roster, plan: Plan, directory: str | Path) -> ExportSummary:
    """Write the calendars, spreadsheets and report of `plan` into `directory` (created if needed).

    Raises `InputError` when the plan names something the roster does not hold, or when the
    folder cannot be written.
    """
    target = Path(directory)
    problems = reference_problems(roster, plan)
    if problems:
        raise InputError(problems)
    if target.exists() and not target.is_dir():
        raise InputError([Problem(str(target), "is a file, not a folder")])
    summary = ExportSummary(directory=target)
    if plan.roster != roster.name:
        summary.warnings.append(
            f"the plan was made for roster '{plan.roster}', not '{roster.name}'"
        )
    previous, warnings = previous_revisions(target / ALL_CALENDAR)
    summary.warnings += warnings
    calendars = build_calendars(roster, plan, previous)
    contents: dict[str, str | bytes] = {ALL_CALENDAR: calendars.all_sessions}
    for teacher_id, calendar in calendars.by_teacher.items():
        contents[f"{TEACHER_FOLDER}/{teacher_file_name(teacher_id)}"] = calendar
    contents.update(build_spreadsheets(roster, plan))
    contents[REPORT] = render_report(roster, plan)
    for relative, content in contents.items():
        path = target / relative
        try:
            write_atomic(path, content)
        except OSError as error:
            reason = error.strerror or str(error)
            raise InputError([Problem(str(path), f"cannot be written: {reason}")]) from None
        summary.files.append(path)
    summary.sessions = len(calendars.sessions)
    summary.teacher_calendars = len(calendars.by_teacher)
    summary.sequence_raised = calendars.raised
    return summary

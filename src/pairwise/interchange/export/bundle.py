"""`export_plan`: everything people read, written into one folder.

- `all.ics`, and `teachers/<id>.ics` for each teacher of the roster (see `export_calendar`);
- `teachers/<id>.html`, each teacher's printable page: the year's sessions with their guides and
  the teacher's roadmap (see `pages.py`);
- `partnerships.csv`, `visits.csv`, `sabbatical_visits.csv`, `tables.csv` (see `export_csv`);
- `report.html`, self-contained (see `export_report`);
- `.pairwise-export.json`, the list of files this export wrote: the next export into the folder
  removes those the new plan no longer has (a teacher who left, say), and nothing else.

Every file is rendered in memory first, then each is written atomically, so a failure never leaves
a half-written file and a rendering error writes nothing at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pairwise.errors import InputError, Problem
from pairwise.files import OutputError, write_atomic
from pairwise.interchange.export.calendars import (
    build_calendars,
    previous_revisions,
    teacher_file_name,
)
from pairwise.interchange.export.common import reference_problems
from pairwise.interchange.export.pages import render_teacher_pages, teacher_page_name
from pairwise.interchange.export.report import render_report
from pairwise.interchange.export.spreadsheets import build_spreadsheets
from pairwise.roster.models import Plan, Roster

ALL_CALENDAR = "all.ics"
TEACHER_FOLDER = "teachers"
REPORT = "report.html"
# what the last export into a folder wrote, so the next one removes what the new plan no longer has
MANIFEST = ".pairwise-export.json"


@dataclass
class ExportSummary:
    """What an export wrote: every file (in writing order), the sessions, and what changed."""

    directory: Path
    files: list[Path] = field(default_factory=list)
    sessions: int = 0
    teacher_calendars: int = 0
    sequence_raised: int = 0
    removed: list[Path] = field(default_factory=list)
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
    previous_files = written_before(target)
    previous, warnings = previous_revisions(target / ALL_CALENDAR)
    summary.warnings += warnings
    calendars = build_calendars(roster, plan, previous)
    contents: dict[str, str | bytes] = {ALL_CALENDAR: calendars.all_sessions}
    for teacher_id, calendar in calendars.by_teacher.items():
        contents[f"{TEACHER_FOLDER}/{teacher_file_name(teacher_id)}"] = calendar
    for teacher_id, page in render_teacher_pages(roster, plan, calendars.sessions).items():
        contents[f"{TEACHER_FOLDER}/{teacher_page_name(teacher_id)}"] = page
    contents.update(build_spreadsheets(roster, plan))
    contents[REPORT] = render_report(roster, plan)
    for relative, content in contents.items():
        path = target / relative
        try:
            write_atomic(path, content)
        except OutputError as error:
            raise InputError([Problem(str(path), f"cannot be written: {error.reason}")]) from None
        summary.files.append(path)
    summary.removed = remove_stale_files(target, previous_files, set(contents))
    write_atomic(target / MANIFEST, manifest_text(contents))
    summary.files.append(target / MANIFEST)
    summary.sessions = len(calendars.sessions)
    summary.teacher_calendars = len(calendars.by_teacher)
    summary.sequence_raised = calendars.raised
    return summary


def written_before(directory: Path) -> set[str]:
    """The files the last export into `directory` wrote (relative paths); none if it kept no list.

    An export made before the list existed wrote one calendar per teacher under `teachers/`, and
    nothing else there, so those calendars count as written by it.
    """
    try:
        listed = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        folder = directory / TEACHER_FOLDER
        if not folder.is_dir():
            return set()
        return {f"{TEACHER_FOLDER}/{path.name}" for path in folder.glob("*.ics")}
    except (OSError, ValueError):
        return set()
    if not isinstance(listed, dict) or not isinstance(listed.get("files"), list):
        return set()
    return {name for name in listed["files"] if isinstance(name, str) and _inside(name)}


def remove_stale_files(directory: Path, before: set[str], now: set[str]) -> list[Path]:
    """Remove what an earlier export wrote and this one did not (in sorted order)."""
    removed = []
    for relative in sorted(before - now):
        path = directory / relative
        if path.is_file() and not path.is_symlink():
            path.unlink()
            removed.append(path)
    return removed


def manifest_text(contents: dict[str, str | bytes]) -> str:
    """The list of files an export wrote, as JSON."""
    return json.dumps({"files": sorted(contents)}, indent=2) + "\n"


def _inside(relative: str) -> bool:
    """A listed name stays inside the export folder (never `..` or an absolute path)."""
    parts = Path(relative).parts
    return bool(parts) and not Path(relative).is_absolute() and ".." not in parts

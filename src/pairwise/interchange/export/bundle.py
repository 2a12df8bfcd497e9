"""`export_plan`: everything people read, written into one folder (`render_export`: the same
files as strings, in memory, for a service or an embedding program).

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
    Revision,
    build_calendars,
    previous_revisions,
)
from pairwise.interchange.export.common import reference_problems
from pairwise.interchange.export.pages import render_teacher_pages
from pairwise.interchange.export.report import render_report
from pairwise.interchange.export.spreadsheets import build_spreadsheets
from pairwise.interchange.file_names import safe_file_names
from pairwise.roster.models import Plan, Roster

ALL_CALENDAR = "all.ics"
TEACHER_FOLDER = "teachers"
REPORT = "report.html"
# what the last export into a folder wrote, so the next one removes what the new plan no longer has
MANIFEST = ".pairwise-export.json"


@dataclass
class RenderedExport:
    """Everything an export holds, in memory: each file's text (bytes for none yet) by its
    relative path (`all.ics`, `teachers/<id>.ics`, `visits.csv`, `report.html`, ...)."""

    files: dict[str, str | bytes]
    sessions: int = 0
    teacher_calendars: int = 0
    sequence_raised: int = 0
    warnings: list[str] = field(default_factory=list)


def render_export(
    roster: Roster, plan: Plan, *, previous_calendar: str | Path | None = None
) -> RenderedExport:
    """The calendars, spreadsheets and report of `plan` as strings, written nowhere.

    `previous_calendar`: the `all.ics` of an earlier export, whose events keep their UIDs and
    have their SEQUENCE raised where they changed. Raises `InputError` when the plan names
    something the roster does not hold.
    """
    problems = reference_problems(roster, plan)
    if problems:
        raise InputError(problems)
    rendered = RenderedExport(files={})
    if plan.roster != roster.name:
        rendered.warnings.append(
            f"the plan was made for roster '{plan.roster}', not '{roster.name}'"
        )
    previous: dict[str, Revision] = {}
    if previous_calendar is not None:
        previous, warnings = previous_revisions(Path(previous_calendar))
        rendered.warnings += warnings
    calendars = build_calendars(roster, plan, previous)
    rendered.files[ALL_CALENDAR] = calendars.all_sessions
    names = safe_file_names(calendars.by_teacher, ".ics")
    for teacher_id, calendar in calendars.by_teacher.items():
        rendered.files[f"{TEACHER_FOLDER}/{names[teacher_id]}"] = calendar
    pages = render_teacher_pages(roster, plan, calendars.sessions)
    page_names = safe_file_names(pages, ".html")
    for teacher_id, page in pages.items():
        rendered.files[f"{TEACHER_FOLDER}/{page_names[teacher_id]}"] = page
    rendered.files.update(build_spreadsheets(roster, plan))
    rendered.files[REPORT] = render_report(roster, plan)
    rendered.sessions = len(calendars.sessions)
    rendered.teacher_calendars = len(calendars.by_teacher)
    rendered.sequence_raised = calendars.raised
    return rendered


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
    previous_files = written_before(target)
    rendered = render_export(roster, plan, previous_calendar=target / ALL_CALENDAR)
    summary = ExportSummary(directory=target, warnings=list(rendered.warnings))
    contents = rendered.files
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
    summary.sessions = rendered.sessions
    summary.teacher_calendars = rendered.teacher_calendars
    summary.sequence_raised = rendered.sequence_raised
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

"""Reading a roster from whatever the admin has: roster JSON, a workbook (.xlsx), or a folder of
its sheets as CSV files. Every command that reads a roster reads it through here, so each one
names a problem by `Sheet!Cell` when the roster came from a workbook, as `import` does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pairwise.errors import InputError, Problem
from pairwise.interchange.workbook.read import import_workbook
from pairwise.roster.load import load_roster
from pairwise.roster.models import Roster
from pairwise.roster.notices import roster_notices

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
ZIP_MAGIC = b"PK\x03\x04"
TIMETABLE_SUFFIXES = (".fet", ".xml")  # FET and XHSTT files, read by `pairwise import`
# a roster path written inside a message (`relations[2]`, `teachers[0].evaluator`)
PATH_IN_TEXT = re.compile(
    r"\b(?:teachers|periods|cycles|teams|history|team_history|relations|policy)"
    r"(?:\[\d+\]|\.[a-z_]+)*"
)


@dataclass
class RosterSource:
    """A roster, where it came from, and where each of its parts was written."""

    roster: Roster
    source: str
    warnings: list[str] = field(default_factory=list)
    locations: dict[str, str] = field(default_factory=dict)
    topics: list[str] = field(default_factory=list)

    def locate(self, path: str) -> str:
        """The cell a roster path was read from (`Teachers!F4`), else the path itself."""
        candidate = path
        while candidate:
            if candidate in self.locations:
                return self.locations[candidate]
            cut = max(candidate.rfind("."), candidate.rfind("["))
            candidate = candidate[:cut] if cut > 0 else ""
        return path

    def in_place(self, text: str) -> str:
        """`text` with every roster path in it named by its cell."""
        if not self.locations:
            return text
        return PATH_IN_TEXT.sub(lambda match: self.locate(match.group(0)), text)

    def localised(self, problems: Iterable[Problem]) -> list[Problem]:
        """Problems located by cell (for a workbook) instead of by roster path."""
        return [Problem(self.locate(p.path), self.in_place(p.message)) for p in problems]

    def notices(self) -> list[str]:
        """Every warning about the roster: the reader's own, then typos in topics, meetings
        outside their cycle's weeks and topics missing from the workbook's Topics sheet."""
        found = self.localised(roster_notices(self.roster, self.topics))
        return [*self.warnings, *(str(notice) for notice in found)]


def _looks_like_oneroster(path: Path) -> bool:
    if path.is_dir():
        return any(entry.name.lower() == "manifest.csv" for entry in path.iterdir())
    return path.suffix.lower() == ".zip"


def is_spreadsheet_source(source: str) -> bool:
    """Whether `source` names a workbook or a folder of CSV sheets rather than roster JSON."""
    if source == "-":
        return False
    path = Path(source)
    if path.is_dir() or path.suffix.lower() in (*WORKBOOK_SUFFIXES, ".zip"):
        return True
    try:
        with path.open("rb") as file:
            return file.read(4) == ZIP_MAGIC  # a workbook saved under another name
    except OSError:
        return False  # the JSON reader says what is wrong with it


def read_roster(source: str | Path) -> RosterSource:
    """A validated roster from roster JSON ('-' for standard input), a workbook or a CSV folder.

    Raises `InputError` naming each problem by its path, or by `Sheet!Cell` for a workbook. A
    OneRoster export needs a bell schedule and a time zone, which only `import` takes.
    """
    name = str(source)
    if name != "-" and Path(name).suffix.lower() in TIMETABLE_SUFFIXES:
        raise InputError(
            [
                Problem(
                    name,
                    "looks like a timetabling program's file: read it into a roster with "
                    "`pairwise import` first (it asks for what the file does not hold)",
                )
            ]
        )
    if not is_spreadsheet_source(name):
        return RosterSource(load_roster(name), name)
    path = Path(name)
    if _looks_like_oneroster(path):
        raise InputError(
            [
                Problem(
                    name,
                    "is a OneRoster export, which needs a bell schedule and a time zone: read it "
                    "with `pairwise import --oneroster` first",
                )
            ]
        )
    result = import_workbook(path)
    return RosterSource(result.roster, name, result.warnings, result.locations, result.topics)

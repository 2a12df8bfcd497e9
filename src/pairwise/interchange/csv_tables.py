"""CSV files read as tables of rows addressed by header name (case-insensitive), shared by the
OneRoster import and the bell schedule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pairwise.errors import Problem
from pairwise.interchange.workbook.cells import column_letter
from pairwise.interchange.workbook.sources import (
    csv_rows,
)

INACTIVE = {"tobedeleted", "inactive"}
_LIST_SPLIT = re.compile(r"\s*,\s*")


def slug(text: str) -> str:
    """A readable id from a name: lower case, runs of other characters as '-'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def split_list(text: str) -> list[str]:
    """A OneRoster list field ("07,08") as its items."""
    return [item for item in _LIST_SPLIT.split(text.strip()) if item]


@dataclass
class Row:
    """One row of a CSV file, read by header name (case-insensitive)."""

    file: str
    number: int
    cells: list[str]
    columns: dict[str, int]

    def get(self, column: str) -> str:
        index = self.columns.get(column.lower())
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index].strip()

    def ref(self, column: str) -> str:
        index = self.columns.get(column.lower(), 0)
        return f"{self.file}!{column_letter(index)}{self.number}"

    @property
    def active(self) -> bool:
        return self.get("status").lower() not in INACTIVE


@dataclass
class Table:
    """A CSV file: its name, header positions and rows."""

    name: str
    columns: dict[str, int]
    rows: list[Row]


def read_table(
    given: str, text: str, required: tuple[str, ...], problems: list[Problem]
) -> Table | None:
    """A CSV text as a table, or None with a problem for each required column it lacks."""
    rows = csv_rows(text)
    header = [str(cell or "").strip() for cell in rows[0]] if rows else []
    columns = {title.lower(): index for index, title in enumerate(header) if title}
    missing = [column for column in required if column.lower() not in columns]
    for column in missing:
        problems.append(Problem(f"{given}!1", f"missing required column '{column}'"))
    if missing:
        return None
    records = [
        Row(given, number, [str(cell or "") for cell in cells], columns)
        for number, cells in enumerate(rows[1:], start=2)
        if any(str(cell or "").strip() for cell in cells)
    ]
    return Table(given, columns, records)

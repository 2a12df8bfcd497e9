"""Where a workbook's sheets come from: an .xlsx file or a folder of CSV files, each read within the
byte limit and (for .xlsx) refused when it unpacks to many times its size.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pairwise.errors import InputError, Problem
from pairwise.roster.load import byte_limit, read_bytes

# a zip that unpacks to many times its size is refused before openpyxl opens it
_UNPACK_FACTOR = 16


# --- sources --------------------------------------------------------------------------------------


@dataclass
class RawSheet:
    """A sheet as found: its name as the admin wrote it and its rows (row 1 first)."""

    label: str
    rows: list[list[object]]


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
    # openpyxl takes a few tenths of a second to import: loaded only for an .xlsx file, not for
    # CSV folders or the OneRoster import, which share this module's byte limits
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

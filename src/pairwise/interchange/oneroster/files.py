"""A OneRoster export's CSV files, from a zip or a folder, within the byte limit."""

from __future__ import annotations

from pathlib import Path

from pairwise.errors import InputError, Problem
from pairwise.interchange.workbook.sources import check_zip, decode
from pairwise.roster.load import byte_limit, read_bytes

# OneRoster files are larger than rosters (students are in them): allow more than a roster file
_SIZE_FACTOR = 8


def export_files(source: Path) -> dict[str, tuple[str, str]]:
    """The CSV files of an export (zip or folder) by lower-case name: (name, text)."""
    limit = byte_limit() * _SIZE_FACTOR
    files: dict[str, tuple[str, str]] = {}
    if source.is_dir():
        for entry in sorted(source.iterdir()):
            if entry.is_file() and entry.suffix.lower() == ".csv":
                files[entry.name.lower()] = (
                    entry.name,
                    decode(read_bytes(entry, limit), str(entry)),
                )
    else:
        archive = check_zip(read_bytes(source, limit), str(source), limit)
        with archive:
            for info in archive.infolist():
                name = info.filename.rsplit("/", 1)[-1]
                if (
                    info.is_dir()
                    or not name.lower().endswith(".csv")
                    or "__MACOSX" in info.filename
                ):
                    continue
                if name.lower() in files:
                    raise InputError(
                        [Problem(f"{source}!{info.filename}", f"a second {name} in the zip")]
                    )
                files[name.lower()] = (
                    name,
                    decode(archive.read(info), f"{source}!{info.filename}"),
                )
    if not files:
        raise InputError([Problem(str(source), "holds no OneRoster CSV files")])
    return files

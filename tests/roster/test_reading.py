"""The one reader of input files: every importer (roster, plan, workbook, OneRoster, timetables,
bell schedules) refuses a missing, folder or oversized file in the same words."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairwise.errors import InputError
from pairwise.interchange.workbook.read import import_workbook
from pairwise.roster.load import MAX_BYTES_VARIABLE, load_roster, read_bytes


def problems(error: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(problem) for problem in error.value.problems]


def test_oversized_files_are_refused_alike_by_every_importer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MAX_BYTES_VARIABLE, "10")
    roster = tmp_path / "roster.json"
    roster.write_text('{"format": "pairwise/roster@1"}')
    workbook = tmp_path / "staff.xlsx"
    workbook.write_bytes(b"PK" + b"\0" * 40)
    with pytest.raises(InputError) as from_load:
        load_roster(roster)
    with pytest.raises(InputError) as from_workbook:
        import_workbook(workbook)
    expected = "is {size} bytes, over the limit of 10; set PAIRWISE_MAX_BYTES to a larger number"
    assert expected.format(size=31) in problems(from_load)[0]
    assert expected.format(size=42) in problems(from_workbook)[0]


def test_missing_files_and_folders_are_named(tmp_path: Path) -> None:
    with pytest.raises(InputError) as missing:
        read_bytes(tmp_path / "nowhere.json")
    assert problems(missing) == [f"{tmp_path / 'nowhere.json'}: no such file"]
    with pytest.raises(InputError) as folder:
        read_bytes(tmp_path)
    assert problems(folder) == [f"{tmp_path}: is a folder, not a file"]


def test_a_file_named_dash_is_a_file_unless_standard_input_is_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("-").write_bytes(b"{}")
    assert read_bytes(Path("-")) == b"{}"

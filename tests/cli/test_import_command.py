"""`pairwise template` and `pairwise import` on the command line: every malformed sheet is named by
sheet, row and column with exit 2, all problems at once, and an existing output is never touched."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from pairwise.cli.app import main
from pairwise.interchange.workbook.write import template_csv_files
from pairwise.roster.load import load_roster
from tests.helpers import fixture_path, load_fixture

TINY = str(fixture_path("oakridge-tiny"))


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def sheets_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "sheets"
    folder.mkdir()
    for name, text in template_csv_files(load_fixture("oakridge-tiny")).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def set_cell(folder: Path, sheet: str, ref: str, value: str) -> None:
    """Write `value` into cell `ref` (e.g. C4) of the sheet's CSV file, growing it as needed."""
    match = re.fullmatch(r"([A-Z])(\d+)", ref)
    assert match
    column, row = ord(match.group(1)) - ord("A"), int(match.group(2)) - 1
    path = folder / f"{sheet}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    while len(rows) <= row:
        rows.append([])
    while len(rows[row]) <= column:
        rows[row].append("")
    rows[row][column] = value
    stream = io.StringIO()
    csv.writer(stream, lineterminator="\n").writerows(rows)
    path.write_text(stream.getvalue(), encoding="utf-8")


def import_problems(source: Path, tmp_path: Path) -> list[str]:
    result = run("import", str(source), "-o", str(tmp_path / "out.json"))
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "out.json").exists()
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: ")
    return [line.strip() for line in lines[1:]]


MALFORMED = [
    ("Teachers", "C4", "grade-7", "Teachers!C4: unknown team 'grade-7'"),
    ("Teachers", "E5", "seven", "Teachers!E5: 'seven' is not a whole number"),
    ("Teachers", "H3", "t99", "Teachers!H3: unknown teacher 't99'"),
    ("Teachers", "I3", "-1", "Teachers!I3: must be 0 or more"),
    ("Teachers", "J4", "maybe", "Teachers!J4: 'maybe' is not yes or no"),
    ("Teachers", "B6", "", "Teachers!B6: 'name' is required"),
    (
        "Teachers",
        "G1",
        "strenghts",
        "Teachers!G1: unknown column 'strenghts'; did you mean 'strengths'?",
    ),
    ("Cycles", "B3", "2026-13-05", "Cycles!B3: '2026-13-05' is not a real calendar date"),
    ("Cycles", "B4", "05/03/2027", "Cycles!B4: '05/03/2027' is not a date as YYYY-MM-DD"),
    ("Cycles", "B3", "2026-10-06", "Cycles!B3: '2026-10-06' is a tue, not a Monday"),
    ("Periods", "C3", "8h30", "Periods!C3: '8h30' is not a time of day as HH:MM"),
    (
        "Periods",
        "B4",
        "Funday",
        "Periods!B4: 'Funday' is not a day (mon, tue, wed, thu, fri, sat or sun)",
    ),
    ("Periods", "D5", "07:00", "Periods!A5: starts at 08:30, not before its end 07:00"),
    ("Timetable", "I1", "mon-9", "Timetable!I1: unknown period 'mon-9' (not in the Periods sheet)"),
    ("Timetable", "C3", "Y", "Timetable!C3: 'Y' is not a timetable mark"),
    ("Timetable", "A12", "t42", "Timetable!A12: unknown teacher 't42' (not in the Teachers sheet)"),
    ("Unavailable", "C3", "mon-7", "Unavailable!C3: unknown period 'mon-7'"),
    ("Meetings", "A3", "winter", "Meetings!A3: unknown cycle 'winter' (not in the Cycles sheet)"),
    ("Meetings", "F3", "4.5", "Meetings!F3: '4.5' is not a whole number"),
    ("History", "C3", "2026", "History!C3: 2026 is not earlier than the roster's year 2026"),
    ("History", "E4", "2", "History!E4: must be 1 or less"),
    (
        "Relations",
        "C3",
        "friend",
        "Relations!C3: must be 'avoid', 'request', 'lock' or 'continue'",
    ),
    ("Relations", "B4", "t77", "Relations!B4: unknown teacher 't77'"),
    ("Roster", "B5", "twenty", "Roster!B5: 'twenty' is not a whole number"),
    ("Roster", "B6", "Mars/Olympus", "Roster!B6: unknown IANA time zone 'Mars/Olympus'"),
    ("Policy", "B4", "maybe", "Policy!B4: 'maybe' is not yes or no"),
    ("Policy", "B3", "decade", "Policy!B3: must be 'year' or 'cycle'"),
    ("Policy", "A30", "weights.colour", "Policy!A30: unknown setting 'weights.colour'"),
]


@pytest.mark.parametrize(("sheet", "ref", "value", "expected"), MALFORMED)
def test_each_malformed_cell_is_named_with_exit_2(
    tmp_path: Path, sheet: str, ref: str, value: str, expected: str
) -> None:
    folder = sheets_folder(tmp_path)
    set_cell(folder, sheet, ref, value)
    problems = import_problems(folder, tmp_path)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_duplicate_teacher_id_points_at_both_rows(tmp_path: Path) -> None:
    folder = sheets_folder(tmp_path)
    set_cell(folder, "Teachers", "A5", "t01")
    problems = import_problems(folder, tmp_path)
    assert "Teachers!A5: duplicate teacher id 't01' (first at Teachers!A3)" in problems


def test_cover_override_on_the_wrong_day_is_named_at_its_period(tmp_path: Path) -> None:
    folder = sheets_folder(tmp_path)
    set_cell(folder, "CoverOverrides", "A3", "2026-10-06")
    set_cell(folder, "CoverOverrides", "B3", "mon-1")
    set_cell(folder, "CoverOverrides", "C3", "1")
    problems = import_problems(folder, tmp_path)
    assert problems == [
        "CoverOverrides!B3: '2026-10-06/mon-1': 2026-10-06 is a tue, but period 'mon-1' is on mon"
    ]


def test_missing_column_and_sheet(tmp_path: Path) -> None:
    folder = sheets_folder(tmp_path)
    rows = list(csv.reader(io.StringIO((folder / "Teachers.csv").read_text())))
    stream = io.StringIO()
    csv.writer(stream).writerows([row[:1] + row[2:] for row in rows])  # drop 'name'
    (folder / "Teachers.csv").write_text(stream.getvalue())
    (folder / "Periods.csv").unlink()
    (folder / "Teams.csv").rename(folder / "Teems.csv")
    problems = import_problems(folder, tmp_path)
    assert "Teachers!1: missing required column 'name'" in problems
    assert "Periods: file Periods.csv is missing" in problems
    assert (
        "Teems: unknown sheet 'Teems'; did you mean 'Teams'? (a sheet whose name starts with '#' is ignored)"
        in problems
    )


def test_every_problem_is_reported_at_once_in_sheet_order(tmp_path: Path) -> None:
    folder = sheets_folder(tmp_path)
    set_cell(folder, "Relations", "C3", "friend")
    set_cell(folder, "Teachers", "C4", "grade-7")
    set_cell(folder, "Teachers", "E5", "seven")
    set_cell(folder, "Timetable", "I1", "mon-9")
    set_cell(folder, "Cycles", "B3", "2026-13-05")
    problems = import_problems(folder, tmp_path)
    assert [problem.split(":")[0] for problem in problems] == [
        "Teachers!C4",
        "Teachers!E5",
        "Timetable!I1",
        "Cycles!B3",
        "Relations!C3",
    ]


def test_a_malformed_xlsx_cell_is_named_the_same_way(tmp_path: Path) -> None:
    workbook = tmp_path / "tiny.xlsx"
    assert run("template", str(workbook), "--from", TINY).exit_code == 0
    book = openpyxl.load_workbook(workbook)
    book["Teachers"]["C4"] = "grade-7"
    book["Teachers"]["E5"] = "seven"
    book.save(workbook)
    assert import_problems(workbook, tmp_path) == [
        "Teachers!C4: unknown team 'grade-7'",
        "Teachers!E5: 'seven' is not a whole number",
    ]


def test_existing_output_is_never_clobbered_on_failure(tmp_path: Path) -> None:
    folder = sheets_folder(tmp_path)
    set_cell(folder, "Teachers", "C4", "grade-7")
    output = tmp_path / "roster.json"
    output.write_text("previous roster\n")
    result = run("import", str(folder), "-o", str(output))
    assert result.exit_code == 2
    assert output.read_text() == "previous roster\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["roster.json", "sheets"]


def test_not_a_workbook(tmp_path: Path) -> None:
    text_file = tmp_path / "roster.xlsx"
    text_file.write_text("id,name\n")
    assert import_problems(text_file, tmp_path) == [
        f"{text_file}: is not an .xlsx workbook (nor a folder of CSV files named after sheets)"
    ]
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    assert import_problems(old, tmp_path)[0].endswith("save it as .xlsx (Excel Workbook)")


def test_template_then_import_on_the_command_line_gives_the_roster_back(tmp_path: Path) -> None:
    workbook = tmp_path / "staff.xlsx"
    result = run("template", str(workbook), "--from", TINY)
    assert result.exit_code == 0, result.output
    assert "wrote 'Oakridge Tiny 2026-27' (7 teachers)" in result.stdout
    result = run("import", str(workbook), "-o", str(tmp_path / "roster.json"))
    assert result.exit_code == 0, result.output
    assert "7 teachers, 1 school, 3 teams, 6 periods, 2 cycles" in result.stderr
    back = load_roster(tmp_path / "roster.json")
    assert back.model_dump() == load_fixture("oakridge-tiny").model_dump()


def test_csv_template_and_import_to_stdout(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    result = run("template", str(folder), "--csv", "--from", TINY)
    assert result.exit_code == 0, result.output
    assert (folder / "Teachers.csv").exists() and (folder / "Timetable.csv").exists()
    result = run("import", str(folder), "-o", "-")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["name"] == "Oakridge Tiny 2026-27"


def test_blank_template_on_the_command_line(tmp_path: Path) -> None:
    result = run("template", str(tmp_path / "blank.xlsx"))
    assert result.exit_code == 0
    assert "blank template" in result.stdout
    assert openpyxl.load_workbook(tmp_path / "blank.xlsx").sheetnames[0] == "Roster"


def test_template_refuses_other_names_and_bad_rosters(tmp_path: Path) -> None:
    result = run("template", str(tmp_path / "staff.txt"))
    assert result.exit_code == 2
    assert "must end in .xlsx" in result.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "pairwise/roster@1"}')
    result = run("template", str(tmp_path / "staff.xlsx"), "--from", str(bad))
    assert result.exit_code == 2
    assert "name: required field is missing" in result.stderr
    assert not (tmp_path / "staff.xlsx").exists()


def test_oneroster_options_need_the_oneroster_flag(tmp_path: Path) -> None:
    folder = sheets_folder(tmp_path)
    result = run("import", str(folder), "-o", str(tmp_path / "r.json"), "--timezone", "UTC")
    assert result.exit_code == 2
    assert "--timezone only apply: add --oneroster" in result.stderr
    (folder / "manifest.csv").write_text("propertyName,value\n")
    result = run("import", str(folder), "-o", str(tmp_path / "r.json"))
    assert result.exit_code == 2
    assert "looks like a OneRoster export" in result.stderr


def test_cross_references_are_checked_beside_shape_problems(tmp_path: Path) -> None:
    folder = sheets_folder(tmp_path)
    set_cell(folder, "Relations", "C3", "friend")  # relations[0]: set aside for the cross-check
    set_cell(folder, "Relations", "B4", "t77")  # relations[1]: still named at its own row
    set_cell(folder, "Teachers", "I5", "-2")  # an optional field with a bad value
    set_cell(folder, "Teachers", "H6", "t99")
    problems = import_problems(folder, tmp_path)
    assert [problem.split(":")[0] for problem in problems] == [
        "Teachers!I5",
        "Teachers!H6",
        "Relations!C3",
        "Relations!B4",
    ]

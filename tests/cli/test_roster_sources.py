"""Every command reads a roster from JSON, a workbook or a folder of CSV sheets; validate and solve
say what explain's pre-checks and the roster's warnings find; template never overwrites unasked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner, Result

from pairwise.cli.app import main
from pairwise.roster.load import load_plan
from tests.helpers import assert_plan_valid, fixture_path, load_fixture

TINY = str(fixture_path("oakridge-tiny"))


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def workbook(tmp_path: Path, roster: str = TINY, name: str = "lincoln.xlsx") -> Path:
    path = tmp_path / name
    assert run("template", str(path), "--from", roster).exit_code == 0
    return path


def test_solve_reads_a_workbook(tmp_path: Path) -> None:
    book = workbook(tmp_path)
    result = run("solve", str(book), "-o", str(tmp_path / "plan.json"), "--quiet", "--workers", "1")
    assert result.exit_code == 0, result.output
    assert_plan_valid(load_fixture("oakridge-tiny"), load_plan(tmp_path / "plan.json"))
    check = run("check", str(book), str(tmp_path / "plan.json"))
    assert check.exit_code == 0 and "plan is valid" in check.stdout


def test_validate_reads_a_folder_of_csv_sheets(tmp_path: Path) -> None:
    folder = tmp_path / "sheets"
    assert run("template", str(folder), "--csv", "--from", TINY).exit_code == 0
    result = run("validate", str(folder))
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().endswith("valid")


def test_a_workbook_under_another_name_is_still_read_as_one(tmp_path: Path) -> None:
    book = workbook(tmp_path)
    renamed = book.rename(tmp_path / "roster.dat")
    assert run("validate", str(renamed)).exit_code == 0


def test_problems_in_a_workbook_are_named_by_cell_in_every_command(tmp_path: Path) -> None:
    book = workbook(tmp_path)
    sheet = openpyxl.load_workbook(book)
    sheet["Teachers"]["C4"] = "grade-7"
    sheet.save(book)
    for command in (["validate"], ["solve", "--quiet"], ["explain"], ["history"]):
        result = run(command[0], str(book), *command[1:])
        assert result.exit_code == 2, (command, result.output)
        assert "Teachers!C4: unknown team 'grade-7'" in result.stderr
        assert "not UTF-8" not in result.stderr


def _lock_with_evaluator(data: dict[str, Any]) -> None:
    data["teachers"][1]["evaluator"] = "t01"
    data["relations"] = [{"a": "t01", "b": "t02", "kind": "lock"}]


def _write(tmp_path: Path, edit: Any, name: str = "roster.json") -> str:
    data = json.loads(Path(TINY).read_text())
    edit(data)
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return str(path)


def test_validate_does_not_call_a_lock_with_an_evaluator_valid(tmp_path: Path) -> None:
    result = run("validate", _write(tmp_path, _lock_with_evaluator))
    assert result.exit_code == 3, result.output
    assert "conflict: " in result.stderr and "locked together" in result.stderr
    assert "teachers[1].evaluator" in result.stderr
    assert not result.stdout.rstrip().endswith("\nvalid")
    assert "no plan can meet every hard rule" in result.stdout


def test_explain_names_the_cells_of_a_workbook(tmp_path: Path) -> None:
    roster = _write(tmp_path, _lock_with_evaluator)
    book = workbook(tmp_path, roster)
    result = run("explain", str(book), "--time-limit", "10")
    assert result.exit_code == 3, result.output
    assert "Teachers!H4" in result.stdout and "Relations!A3" in result.stdout
    assert "relations[0]" not in result.stdout and "teachers[1]" not in result.stdout
    validate = run("validate", str(book))
    assert validate.exit_code == 3 and "Teachers!H4" in validate.stderr


def test_validate_and_solve_warn_about_a_topic_spelled_apart(tmp_path: Path) -> None:
    roster = _write(tmp_path, lambda d: d["teachers"][0].update(priority="Literacy"))
    result = run("validate", roster)
    assert result.exit_code == 0
    assert (
        "warning: teachers[0].priority: topic 'Literacy' is used by no other teacher or team"
        in result.stderr
    )
    solved = run("solve", roster, "-o", str(tmp_path / "p.json"), "--quiet", "--workers", "1")
    assert solved.exit_code == 0 and "did you mean 'literacy'?" in solved.stderr
    book = workbook(tmp_path, roster)
    imported = run("import", str(book), "-o", str(tmp_path / "back.json"))
    assert imported.exit_code == 0
    assert "warning: Teachers!F3: topic 'Literacy'" in imported.stderr


def test_topics_missing_from_the_topics_sheet_are_warned_about(tmp_path: Path) -> None:
    book = workbook(tmp_path)
    sheet = openpyxl.load_workbook(book)
    topics = sheet["Topics"]
    for row in topics.iter_rows(min_row=3):
        if row[0].value == "numeracy":
            row[0].value = None
    sheet.save(book)
    result = run("validate", str(book))
    assert result.exit_code == 0
    assert "topic 'numeracy' is not on the Topics sheet" in result.stderr


def test_template_never_replaces_a_file_unless_forced(tmp_path: Path) -> None:
    book = workbook(tmp_path)
    before = book.read_bytes()
    result = run("template", str(book))
    assert result.exit_code == 2
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert book.read_bytes() == before
    assert run("template", str(book), "--force").exit_code == 0
    assert book.read_bytes() != before
    folder = tmp_path / "csv"
    assert run("template", str(folder), "--csv").exit_code == 0
    assert run("template", str(folder), "--csv").exit_code == 2
    assert run("template", str(folder), "--csv", "--force").exit_code == 0

"""`pairwise import` of FET files and XHSTT archives on the command line: the format told from the
content, every problem at once with exit 2 and nothing written, and the path from a timetable to a
first plan that the independent checker accepts."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from pairwise.cli.app import main
from pairwise.roster.load import load_plan, load_roster
from tests.helpers import FIXTURES, assert_plan_valid

TIMETABLES = FIXTURES / "timetables"
SAINT_ELOI = str(TIMETABLES / "saint-eloi.fet")
ARCHIVE = str(TIMETABLES / "two-schools.xml")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_a_fet_file_is_read_without_a_flag(tmp_path: Path) -> None:
    output = tmp_path / "roster.json"
    result = run(
        "import", SAINT_ELOI, "--timezone", "Europe/Paris", "--year", "2026", "-o", str(output)
    )
    assert result.exit_code == 0, result.output
    assert "4 teachers, 1 school, 3 teams, 20 periods, 3 cycles" in result.stderr
    assert "warning: FET files hold no priorities" in result.stderr
    assert load_roster(output).teacher_by_id["ZMU"].name == "Zoë Müller"


def test_a_timetable_under_another_name_is_told_by_its_content(tmp_path: Path) -> None:
    renamed = tmp_path / "export.txt"
    renamed.write_bytes(Path(ARCHIVE).read_bytes())
    result = run("import", str(renamed), "--instance", "Tiny", "--timezone", "UTC", "-o", "-")
    assert result.exit_code == 0, result.output
    assert '"Solo Teacher"' in result.stdout


def test_an_archive_with_its_options_and_the_flag(tmp_path: Path) -> None:
    output = tmp_path / "roster.json"
    result = run(
        "import", ARCHIVE, "--xhstt", "--instance", "Lindenhof-2026", "--solution", "Hand",
        "--teams", "department", "--timezone", "Europe/Berlin", "--year", "2026", "-o", str(output),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    roster = load_roster(output)
    assert roster.teacher_by_id["T_Dubois"].team == "Sprachen"
    assert roster.teacher_by_id["T_Weiss"].teaches == ["mon-1", "tue-1"]


def test_problems_exit_2_and_leave_the_output_alone(tmp_path: Path) -> None:
    output = tmp_path / "roster.json"
    output.write_text("previous roster\n")
    result = run("import", ARCHIVE, "--teams", "grade", "-o", str(output))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"error: {ARCHIVE}: 3 problems" in result.stderr
    assert "--teams: grade: a timetable import takes subject, department, class" in result.stderr
    assert "--instance: the archive holds 2 instances; choose one" in result.stderr
    assert "--timezone: is required: XHSTT files carry no time zone" in result.stderr
    assert output.read_text() == "previous roster\n"
    assert [path.name for path in tmp_path.iterdir()] == ["roster.json"]


def test_flags_that_do_not_fit_the_source(tmp_path: Path) -> None:
    result = run("import", SAINT_ELOI, "--fet", "--xhstt", "-o", str(tmp_path / "r.json"))
    assert result.exit_code == 2
    assert "--xhstt: cannot be given with --fet" in result.stderr
    result = run("import", ARCHIVE, "--fet", "--timezone", "UTC", "-o", str(tmp_path / "r.json"))
    assert result.exit_code == 2
    assert "is an XHSTT archive, not a FET file: use --xhstt" in result.stderr
    workbook = tmp_path / "staff.xlsx"
    workbook.write_bytes(b"")
    result = run("import", str(workbook), "--instance", "A", "-o", str(tmp_path / "r.json"))
    assert result.exit_code == 2
    assert "--instance: only applies to XHSTT archives" in result.stderr
    assert not (tmp_path / "r.json").exists()


def test_from_a_fet_file_to_a_first_plan_in_three_commands(tmp_path: Path) -> None:
    # the README's three commands: import, solve, export
    roster_path, plan_path, handout = (
        tmp_path / "roster.json",
        tmp_path / "plan.json",
        tmp_path / "handout",
    )
    result = run(
        "import", SAINT_ELOI, "--timezone", "Europe/Paris", "--year", "2026", "-o", str(roster_path)
    )
    assert result.exit_code == 0, result.output
    result = run("solve", str(roster_path), "-o", str(plan_path), "--time-limit", "20", "--quiet")
    assert result.exit_code == 0, result.output
    roster = load_roster(roster_path)
    plan = load_plan(plan_path)
    assert_plan_valid(roster, plan)
    assert plan.visits
    assert all(
        visit.slot.split("/")[1] in roster.teacher_by_id[visit.host].teaches
        for visit in plan.visits
    )
    result = run("export", str(roster_path), str(plan_path), "--to", str(handout))
    assert result.exit_code == 0, result.output
    assert any(path.suffix == ".ics" for path in handout.rglob("*"))
    # and the rest of the roster goes through the workbook
    result = run("template", str(tmp_path / "staff.xlsx"), "--from", str(roster_path))
    assert result.exit_code == 0, result.output
    result = run("import", str(tmp_path / "staff.xlsx"), "-o", str(tmp_path / "back.json"))
    assert result.exit_code == 0, result.output
    assert load_roster(tmp_path / "back.json").model_dump() == roster.model_dump()

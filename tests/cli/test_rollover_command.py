"""`pairwise survey` and `pairwise rollover` from the command line, and `solve --years` rolling each
year over into its own weeks."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from pairwise.cli.app import main
from pairwise.roster.load import load_plan, load_roster
from tests.helpers import assert_plan_valid, fixture_path

ROSTER = str(fixture_path("oakridge-tiny"))
PLAN = str(fixture_path("export_oakridge-tiny-plan"))


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_survey_writes_a_workbook_csv_sheets_and_per_teacher_forms(tmp_path: Path) -> None:
    code, output = run("survey", ROSTER, PLAN, "--to", str(tmp_path / "feedback.xlsx"))
    assert code == 0, output
    assert (tmp_path / "feedback.xlsx").is_file()
    assert "pairwise rollover" in output
    code, output = run("survey", ROSTER, PLAN, "--to", str(tmp_path / "sheets"))
    assert code == 0 and "wrote 5 CSV sheets" in output
    code, output = run("survey", ROSTER, PLAN, "--to", str(tmp_path / "forms"), "--per-teacher")
    assert code == 0 and "wrote 7 forms" in output
    code, output = run("survey", ROSTER, PLAN, "--to", str(tmp_path / "x.xlsx"), "--per-teacher")
    assert code == 2 and "--to: --per-teacher writes one file per teacher" in output
    assert not (tmp_path / "x.xlsx").exists()


def test_survey_of_a_plan_naming_an_unknown_teacher_exits_2_and_writes_nothing(
    tmp_path: Path,
) -> None:
    plan = json.loads(Path(PLAN).read_text())
    plan["partnerships"][0]["members"][0] = "t99"
    bad = tmp_path / "plan.json"
    bad.write_text(json.dumps(plan))
    code, output = run("survey", ROSTER, str(bad), "--to", str(tmp_path / "out.xlsx"))
    assert code == 2
    assert "partnerships[0].members[0]: unknown teacher 't99'" in output
    assert not (tmp_path / "out.xlsx").exists()


def test_rollover_without_feedback_says_trust_0(tmp_path: Path) -> None:
    code, output = run("rollover", ROSTER, PLAN, "-o", str(tmp_path / "next.json"))
    assert code == 0, output
    assert "no feedback given: trust 0 for every pair" in output
    assert load_roster(tmp_path / "next.json").year == 2027
    code, output = run("rollover", ROSTER, PLAN, "--year", "2026", "-o", str(tmp_path / "n.json"))
    assert code == 2 and "2026 is not after the roster's year 2026" in output


def test_solve_years_rolls_each_year_into_its_weeks_and_rollover_takes_the_folder(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "plans"
    code, output = run("solve", ROSTER, "--years", "2", "-o", str(folder), "--quiet")
    assert code == 0, output
    assert sorted(p.name for p in folder.iterdir()) == [
        "plan-2026.json",
        "plan-2027.json",
        "roster-2027.json",
    ]
    later_roster = load_roster(folder / "roster-2027.json")
    later_plan = load_plan(folder / "plan-2027.json")
    assert later_roster.year == later_plan.year == 2027
    assert_plan_valid(later_roster, later_plan)
    assert all(visit.slot.startswith(("2027", "2028")) for visit in later_plan.visits)
    code, output = run("check", str(folder / "roster-2027.json"), str(folder / "plan-2027.json"))
    assert code == 0, output
    # rollover from the folder: from its last year, both years in history
    code, output = run("rollover", ROSTER, str(folder), "-o", str(tmp_path / "next.json"))
    assert code == 0, output
    following = load_roster(tmp_path / "next.json")
    assert following.year == 2028
    assert {h.year for h in following.history} >= {2026, 2027}
    # a later year's plan alone is refused: the years in between are missing
    code, output = run("rollover", ROSTER, str(folder / "plan-2027.json"), "-o", "-")
    assert code == 2 and "the plan is for 2027 but the roster for 2026" in output

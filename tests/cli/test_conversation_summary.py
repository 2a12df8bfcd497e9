"""`pairwise solve` states the conversations it booked, and the plan file holds them."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pairwise.cli.app import main
from pairwise.roster.load import load_plan
from tests.builders import make_roster
from tests.helpers import assert_plan_valid


def test_solve_books_debriefs_and_a_co_taught_lesson(tmp_path: Path) -> None:
    roster = make_roster(
        [
            {"id": "a", "teaches": ["mon-1", "tue-1"], "tandem": True},
            {"id": "b", "teaches": ["mon-2", "tue-2"], "tandem": True},
        ],
        days=("mon", "tue"),
        policy={"tandem": True},
    )
    path = tmp_path / "roster.json"
    path.write_text(roster.as_json())
    target = tmp_path / "plan.json"
    result = CliRunner().invoke(
        main, ["solve", str(path), "-o", str(target), "--workers", "1", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    assert "3 booked of at most 3, 1 co-taught lesson" in " ".join(result.output.split())
    plan = load_plan(target)
    assert_plan_valid(roster, plan)
    assert [c.kind for c in plan.conversations].count("debrief") == 2

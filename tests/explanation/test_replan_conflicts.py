"""Why a re-plan has no plan: a lock the kept part of the year cannot honour."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

import pairwise
from pairwise.cli.app import main
from pairwise.explanation.replan import replan_conflicts
from pairwise.roster.load import roster_from_json
from tests.builders import FIRST_MONDAY
from tests.runs.test_replan import _school


def test_a_lock_whose_member_left_is_named_with_the_kept_partnership(tmp_path: Path) -> None:
    roster = _school(6)
    plan = pairwise.solve(roster, time_limit=20, seed=0).plan
    assert plan is not None
    first, second = plan.partnerships[0], plan.partnerships[1]
    a, b = first.members[0], second.members[0]
    start = FIRST_MONDAY + dt.timedelta(weeks=8)
    data = json.loads(roster.as_json())
    data["relations"] = [{"a": a, "b": b, "kind": "lock"}]
    for teacher in data["teachers"]:
        if teacher["id"] == b:
            teacher["end_date"] = (start - dt.timedelta(days=1)).isoformat()
    updated = roster_from_json(json.dumps(data))
    conflicts = replan_conflicts(updated, plan, start)
    assert len(conflicts) == 1
    assert f"{a} and {b} are locked together" in conflicts[0] and f"{b} left on" in conflicts[0]
    result = pairwise.replan(updated, plan, start=start, time_limit=20)
    assert result.status == "infeasible" and result.plan is None
    roster_path, plan_path = tmp_path / "roster.json", tmp_path / "plan.json"
    roster_path.write_text(updated.as_json())
    plan_path.write_text(plan.as_json())
    output = tmp_path / "new.json"
    run = CliRunner().invoke(
        main,
        [
            "replan",
            str(roster_path),
            str(plan_path),
            "--from",
            start.isoformat(),
            "-o",
            str(output),
        ],
    )
    assert run.exit_code == 3 and not output.exists()
    assert "locked together" in run.stdout
    run = CliRunner().invoke(
        main,
        ["explain", str(roster_path), "--was", str(plan_path), "--from", start.isoformat()],
    )
    assert run.exit_code == 3
    assert f"{a} and {b} are locked together" in run.stdout


def test_a_lock_against_a_continuing_partnership_names_it() -> None:
    roster = _school(6)
    plan = pairwise.solve(roster, time_limit=20, seed=0).plan
    assert plan is not None
    first, second = plan.partnerships[0], plan.partnerships[1]
    a, b = first.members[0], second.members[0]
    data = json.loads(roster.as_json())
    data["relations"] = [{"a": a, "b": b, "kind": "lock"}]
    updated = roster_from_json(json.dumps(data))
    conflicts = replan_conflicts(updated, plan, FIRST_MONDAY + dt.timedelta(weeks=8))
    assert len(conflicts) == 1
    assert (
        f"keeps partnership {first.id}" in conflicts[0]
        or f"keeps partnership {second.id}" in conflicts[0]
    )


def test_explain_reads_staff_dates() -> None:
    data = json.loads(_school(6).as_json())
    data["relations"] = [{"a": "t01", "b": "t02", "kind": "lock"}]
    data["teachers"][1]["end_date"] = "2026-10-01"  # before the first cycle
    explanation = pairwise.explain(roster_from_json(json.dumps(data)), time_limit=20)
    assert explanation.status == "infeasible"
    text = pairwise.format_explanation(explanation)
    assert "t02" in text and "locked" in text

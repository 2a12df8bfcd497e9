"""`pairwise replan` and `pairwise check --was` on the command line: output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

import pairwise
from pairwise.cli.app import main
from tests.runs.test_replan import _school


def run(*arguments: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(arguments))
    return result.exit_code, result.stdout, result.stderr


def _files(tmp_path: Path) -> tuple[str, str, str]:
    roster = _school(6)
    result = pairwise.solve(roster, time_limit=20, seed=0)
    assert result.plan is not None
    roster_path, plan_path = tmp_path / "roster.json", tmp_path / "plan.json"
    roster_path.write_text(roster.as_json())
    plan_path.write_text(result.plan.as_json())
    data = json.loads(roster.as_json())
    leaver = result.plan.partnerships[0].members[0]
    for teacher in data["teachers"]:
        if teacher["id"] == leaver:
            teacher["end_date"] = "2026-11-29"
    updated = tmp_path / "updated.json"
    updated.write_text(json.dumps(data))
    return str(updated), str(plan_path), leaver


def test_replan_writes_a_plan_that_checks_against_the_plan_in_force(tmp_path: Path) -> None:
    roster, plan, leaver = _files(tmp_path)
    output = tmp_path / "new.json"
    code, out, _ = run("replan", roster, plan, "--from", "2026-11-30", "-o", str(output), "--quiet")
    assert code == 0, out
    assert "cancelled" in out and "changes from 2026-11-30" in out
    new = json.loads(output.read_text())
    assert any(f"{leaver} left on 2026-11-29" in c["why"] for c in new["replans"]["changes"])
    assert new["replans"]["from"] == "2026-11-30"
    code, out, _ = run("check", roster, str(output), "--was", plan)
    assert code == 0, out
    assert out.rstrip().endswith("plan is valid")


def test_replan_refuses_bad_input_and_writes_nothing(tmp_path: Path) -> None:
    roster, plan, _ = _files(tmp_path)
    output = tmp_path / "new.json"
    code, out, err = run("replan", roster, plan, "--from", "2031-01-01", "-o", str(output))
    assert code == 2
    assert "outside the year" in out + err
    assert not output.exists()
    other = json.loads(Path(plan).read_text())
    other["roster"] = "Another School 2026-27"
    other_path = tmp_path / "other.json"
    other_path.write_text(json.dumps(other))
    code, out, err = run(
        "replan", roster, str(other_path), "--from", "2026-11-30", "-o", str(output)
    )
    assert code == 2
    assert "Another School 2026-27" in out + err
    assert not output.exists()


def test_check_was_names_a_kept_session_that_changed(tmp_path: Path) -> None:
    roster, plan, _ = _files(tmp_path)
    output = tmp_path / "new.json"
    code, _, _ = run("replan", roster, plan, "--from", "2026-11-30", "-o", str(output), "--quiet")
    assert code == 0
    new = json.loads(output.read_text())
    kept = next(v for v in new["visits"] if v["slot"] < "2026-11-30")
    new["visits"].remove(kept)
    output.write_text(json.dumps(new))
    code, out, _ = run("check", roster, str(output), "--was", plan)
    assert code == 1
    assert "kept visit" in out


def test_kept_sessions_the_updated_roster_forbids_are_said_not_refused(tmp_path: Path) -> None:
    roster, plan, leaver = _files(tmp_path)
    data = json.loads(Path(roster).read_text())
    for teacher in data["teachers"]:
        if teacher["id"] == leaver:
            teacher["end_date"] = "2026-10-01"  # before the year: their autumn visits were kept
    Path(roster).write_text(json.dumps(data))
    output = tmp_path / "new.json"
    code, out, _ = run("replan", roster, plan, "--from", "2026-11-30", "-o", str(output), "--quiet")
    assert code == 0, out
    assert "is kept, though" in out and leaver in out
    code, out, _ = run("check", roster, str(output), "--was", plan)
    assert code == 0, out


def test_the_plan_in_force_may_come_from_standard_input(tmp_path: Path) -> None:
    import hashlib

    roster, plan, _ = _files(tmp_path)
    output = tmp_path / "new.json"
    text = Path(plan).read_text()
    result = CliRunner().invoke(
        main,
        ["replan", roster, "-", "--from", "2026-11-30", "-o", str(output), "--quiet"],
        input=text,
    )
    assert result.exit_code == 0, result.stdout
    new = json.loads(output.read_text())
    assert new["replans"]["plan"] == hashlib.sha256(text.encode()).hexdigest()
    result = CliRunner().invoke(main, ["check", roster, str(output), "--was", "-"], input=text)
    assert result.exit_code == 0, result.stdout

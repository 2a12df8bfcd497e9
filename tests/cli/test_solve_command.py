"""`pairwise solve` on the command line: outputs, exit codes, atomic writes, Ctrl-C."""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pairwise.cli.app import main
from pairwise.result import Result
from pairwise.roster.load import load_plan, plan_from_json
from tests.builders import make_roster, staggered
from tests.helpers import assert_plan_valid, fixture_path, load_fixture

ROOT = Path(__file__).resolve().parents[2]
TINY = str(fixture_path("oakridge-tiny"))


def run(*arguments: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(arguments))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def infeasible_roster(path: Path) -> str:
    teachers = staggered(["a", "b"], 4)
    teachers[1]["evaluator"] = "a"
    roster = make_roster(teachers, relations=[{"a": "a", "b": "b", "kind": "lock"}])
    path.write_text(roster.as_json())
    return str(path)


def test_solve_writes_a_valid_plan_and_a_summary(tmp_path: Path) -> None:
    target = tmp_path / "out" / "plan.json"
    code, stdout, stderr = run(
        "solve", TINY, "-o", str(target), "--time-limit", "20", "--workers", "1"
    )
    assert code == 0, stderr
    plan = load_plan(target)
    assert_plan_valid(load_fixture("oakridge-tiny"), plan)
    assert plan.status == "optimal"
    assert f"plan written to {target}" in stdout
    assert "objective terms" in stdout and "sabbatical coaches" in stdout
    assert "bound" in stderr  # a plain progress line: stderr is not a terminal here


def test_quiet_prints_no_progress(tmp_path: Path) -> None:
    code, _stdout, stderr = run(
        "solve", TINY, "-o", str(tmp_path / "p.json"), "--quiet", "--workers", "1"
    )
    assert code == 0
    # the roster's warnings are still said (the tiny roster's meeting is after its cycle's week)
    assert stderr.splitlines() == [
        line for line in stderr.splitlines() if line.startswith("warning:")
    ]
    assert "bound" not in stderr


def test_dash_writes_the_plan_to_stdout_and_the_summary_to_stderr() -> None:
    code, stdout, stderr = run("solve", TINY, "-o", "-", "--quiet", "--workers", "1")
    assert code == 0
    plan = plan_from_json(stdout)
    assert_plan_valid(load_fixture("oakridge-tiny"), plan)
    assert "objective terms" in stderr and "standard output" in stderr


def test_default_output_is_plan_json_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _stdout, _stderr = run("solve", TINY, "--quiet", "--workers", "1")
    assert code == 0
    assert load_plan(tmp_path / "plan.json").status == "optimal"


def test_infeasible_exits_3_and_leaves_an_existing_plan_untouched(tmp_path: Path) -> None:
    roster = infeasible_roster(tmp_path / "roster.json")
    target = tmp_path / "plan.json"
    target.write_text("previous good plan\n")
    code, stdout, _stderr = run(
        "solve", roster, "-o", str(target), "--quiet", "--workers", "1", "--time-limit", "5"
    )
    assert code == 3
    assert target.read_text() == "previous good plan\n"
    assert "no plan meets every hard rule" in stdout
    assert "evaluat" in stdout  # the explanation names the conflict
    assert [p.name for p in tmp_path.iterdir()] == ["roster.json", "plan.json"] or sorted(
        p.name for p in tmp_path.iterdir()
    ) == ["plan.json", "roster.json"]


def test_no_plan_in_time_exits_4_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_plan(*args: object, **kwargs: object) -> Result:
        return Result("unknown", None, 120, None, 0.1, {"interrupted": 0})

    # `pairwise.solve` is also the function's name on the package: patch the module itself
    monkeypatch.setattr(importlib.import_module("pairwise.engine.pipeline"), "solve", no_plan)
    target = tmp_path / "plan.json"
    code, stdout, _stderr = run("solve", TINY, "-o", str(target), "--quiet")
    assert code == 4
    assert not target.exists()
    assert "no plan found" in stdout


def test_bad_input_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "pairwise/roster@1"}))
    code, _stdout, stderr = run("solve", str(bad), "-o", str(tmp_path / "p.json"))
    assert code == 2
    assert "problem" in stderr


def test_the_summary_says_why_a_coach_makes_no_visit(tmp_path: Path) -> None:
    roster = make_roster(
        [
            {"id": "k", "teaches": [], "sabbatical": {"topics": ["art"], "budget": 3}},
            *staggered(["a", "b", "c"], 4, priority="math"),
        ]
    )
    path = tmp_path / "roster.json"
    path.write_text(roster.as_json())
    code, stdout, _stderr = run("solve", str(path), "-o", str(tmp_path / "p.json"), "--quiet")
    assert code == 0
    assert "no colleague's priority is one of its topics (art)" in " ".join(stdout.split())


def test_ctrl_c_writes_the_best_plan_so_far_or_nothing(tmp_path: Path) -> None:
    roster = ROOT / "instances" / "secondary-150.json"
    target = tmp_path / "plan.json"
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "pairwise"),
            "solve",
            str(roster),
            "-o",
            str(target),
            "--workers",
            "1",
            "--time-limit",
            "60",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    # the interrupt comes once the solve has reported progress (a fixed wait could land while
    # the interpreter is still starting on a busy machine, before the command runs at all)
    assert process.stderr is not None
    started = b""
    while b"s] " not in started:
        line = process.stderr.readline()
        if not line:
            break
        started += line
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    text = (started + stderr).decode()
    assert "Traceback" not in text
    # -SIGINT: the signal came as the interpreter shut down, after the command had finished
    assert process.returncode in (0, 130, -signal.SIGINT)
    if process.returncode == 130:
        assert b"interrupted" in stdout
    if process.returncode == -signal.SIGINT:
        assert target.exists()
    if target.exists():
        # the best plan so far, or a plan written just before the interrupt: whole, never cut
        plan = load_plan(target)
        assert plan.status in ("feasible", "optimal")
    else:
        assert process.returncode == 130


def test_ctrl_c_while_the_roster_loads_exits_130_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*arguments: object, **options: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("pairwise.cli.commands.solve.read_roster", interrupted)
    target = tmp_path / "plan.json"
    result = CliRunner().invoke(
        main, ["solve", str(ROOT / "instances" / "tiny-7.json"), "-o", str(target)]
    )
    assert result.exit_code == 130
    assert "interrupted" in result.stdout
    assert "Aborted" not in result.output
    assert not target.exists()


def test_the_same_plan_whatever_the_string_hashing_of_the_process() -> None:
    roster = ROOT / "instances" / "elementary-24.json"
    plans = []
    for hash_seed in ("1", "2"):
        completed = subprocess.run(
            [
                str(Path(sys.executable).parent / "pairwise"),
                "solve",
                str(roster),
                "-o",
                "-",
                "--quiet",
                "--seed",
                "3",
            ],
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )
        plan = json.loads(completed.stdout)
        plan.pop("seconds")
        plans.append(plan)
    assert plans[0] == plans[1]


def test_the_summary_names_the_partners_unpaired_and_coaches(tmp_path: Path) -> None:
    code, stdout, _ = run(
        "solve", TINY, "-o", str(tmp_path / "p.json"), "--quiet", "--workers", "1"
    )
    assert code == 0
    plan = load_plan(tmp_path / "p.json")
    roster = load_fixture("oakridge-tiny")
    section = stdout[stdout.index("partners ") :]
    for partnership in plan.partnerships:
        for member in partnership.members:
            assert roster.teacher_by_id[member].name.split()[0] in section
    # reasons name people: "Ana Ruiz is strong in literacy, Ben Okafor's priority"
    assert all(" t0" not in reason for p in plan.partnerships for reason in p.reasons)
    assert "is strong in" in section
    coaches = stdout[stdout.index("sabbatical coaches") :]
    for teacher in roster.teachers:
        if teacher.sabbatical is not None:
            assert teacher.name.split()[0] in coaches

"""A smoke test of the benchmark runner: tiny-7 with the greedy, every output file written."""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

RUNNER = Path(__file__).parents[2] / "benchmarks" / "run.py"


def _runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark_runner", RUNNER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up by name
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_runner_measures_checks_and_writes_every_result_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runner = _runner()
    code = runner.main(
        [
            "--instances",
            "tiny-7",
            "--solvers",
            "greedy",
            "--seeds",
            "2",
            "--results",
            str(tmp_path),
            "--name",
            "smoke",
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "tiny-7" in printed and "greedy" in printed
    with open(tmp_path / "smoke.csv", encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [row["seed"] for row in rows] == ["0", "1"]
    for row in rows:
        assert row["checker"] == "ok"
        assert row["status"] == "feasible"
        assert float(row["peak_mib"]) > 10  # a Python process holds more than 10 MiB
        assert int(row["cores"]) >= 1
    document = json.loads((tmp_path / "smoke.json").read_text(encoding="utf-8"))
    assert document["machine"]["python"]
    assert document["machine"]["ortools"]
    (summary,) = document["summary"]
    assert summary["seeds"] == 2
    assert summary["ratio_to_greedy"] is None  # tiny-7's greedy objective is negative
    assert summary["objective"] == int(rows[0]["objective"])
    # the targets are judged only from what was measured
    assert all(target["met"] is None for target in document["targets"])
    table = (tmp_path / "smoke.md").read_text(encoding="utf-8")
    assert "| tiny-7 | 7 | greedy | feasible |" in table
    assert (tmp_path / "smoke.png").read_bytes().startswith(b"\x89PNG")


def test_targets_are_judged_from_the_summaries() -> None:
    runner = _runner()
    summary = runner.Summary(
        instance="school-30",
        teachers=30,
        solver="pairwise",
        status="optimal",
        objective=100,
        bound=100,
        gap_percent=0.0,
        seconds=1.5,
        peak_mib=200.0,
        ratio_to_greedy=1.3,
        checker="ok",
        seeds=3,
    )
    (verdict,) = runner.judge([runner.TARGETS[0]], [summary])
    assert verdict["met"] is True
    slow = runner.Summary(**{**summary.__dict__, "seconds": 2.5})
    (verdict,) = runner.judge([runner.TARGETS[0]], [slow])
    assert verdict["met"] is False
    unproven = runner.Summary(**{**summary.__dict__, "status": "feasible", "gap_percent": 0.1})
    (verdict,) = runner.judge([runner.TARGETS[0]], [unproven])
    assert verdict["met"] is False


def test_readme_blocks_are_replaced_with_the_measured_sections(tmp_path: Path) -> None:
    runner = _runner()
    engine = runner.Summary(
        "school-30", 30, "pairwise", "optimal", 400, 400, 0.0, 1.0, 130.0, 1.6, "ok", 1
    )
    greedy = runner.Summary(
        "school-30", 30, "greedy", "feasible", 250, 250, 0.0, 0.1, 46.0, 1.0, "ok", 1
    )
    info = {"date": "2026-11-26T00:00:00", "cores": 2, "platform": "x", "python": "3.11",
            "ortools": "9", "pairwise": "0.1"}  # fmt: skip
    extras = {"targets": runner.judge(runner.TARGETS[:1], [engine, greedy])}
    sections = runner.readme_sections([engine, greedy], extras, info, 3)
    readme = tmp_path / "README.md"
    readme.write_text(
        "intro\n<!-- results -->\nstale\n<!-- /results -->\n<!-- targets -->\n<!-- /targets -->\n"
        "<!-- shortfall -->\n<!-- /shortfall -->\nend\n",
        encoding="utf-8",
    )
    runner.update_readme(sections, readme)
    text = readme.read_text(encoding="utf-8")
    assert "stale" not in text and text.startswith("intro\n") and text.endswith("end\n")
    assert "| school-30 | 30 | pairwise | optimal | 400 |" in text
    assert "30-teacher school proven optimal in <= 2 s" in text and "**met**" in text
    assert "| school-30 | 30 | 250 | — | 400 | optimal (gap 0.00 %) | 62 % | — |" in text
    assert "--seeds 3" in text


def test_the_whatif_command_is_timed_warm_and_cold_with_the_same_seed_and_workers() -> None:
    runner = _runner()
    warm = runner.whatif_command(None, 1, 2, cold=False)
    cold = runner.whatif_command(5.0, 1, 2, cold=True)
    assert "--cold" not in warm and cold[-1] == "--cold"
    for command in (warm, cold):
        assert command[3] == "whatif"
        assert command[command.index("--seed") + 1] == "1"
        assert command[command.index("--workers") + 1] == "2"
        assert command[command.index("--vary") + 1] == "release_budget=0:80:10"
    assert "--time-limit" not in warm and cold[cold.index("--time-limit") + 1] == "5.0"
    assert runner.shown_command(warm).startswith(
        "pairwise whatif instances/school-60-coaches.json --vary release_budget=0:80:10"
    )


def _whatif_run(mode: str, seconds: float, objectives: list[int] | None = None) -> dict[str, Any]:
    objectives = objectives or [773] * 9
    return {
        "command": "pairwise whatif x" + (" --cold" if mode == "cold" else ""),
        "mode": mode,
        "seed": 0,
        "workers": 2,
        "exit_code": 0,
        "seconds": seconds,
        "peak_mib": 150.0,
        "variants": len(objectives),
        "statuses": ["optimal"],
        "objectives": objectives,
        "warm_started": 7 if mode == "warm" else 0,
    }


def test_whatif_medians_the_saving_and_the_target_judged_on_the_warm_runs() -> None:
    runner = _runner()
    runs = [
        _whatif_run("warm", 5.0),
        _whatif_run("cold", 70.0),
        _whatif_run("warm", 4.0),
        _whatif_run("cold", 8.0),
        _whatif_run("warm", 6.0),
        _whatif_run("cold", 7.0),
    ]
    summary = runner.summarise_whatif(runs)
    assert summary["warm"]["seconds"] == 5.0 and summary["warm"]["each"] == [5.0, 4.0, 6.0]
    assert summary["cold"]["seconds"] == 8.0 and summary["cold"]["seeds"] == 3
    assert summary["saving_seconds"] == 3.0 and summary["saving_percent"] == 37.5
    # a 70 s cold run does not fail the target: the what-if runs warm-started
    assert summary["met"] is True and summary["warm_saves_time"] is True
    assert summary["same_objectives"] is True
    rows = runner.whatif_target_rows(summary)
    assert "in 5.00 s (median of 3)" in rows[0] and rows[0].endswith("**met** |")
    assert "warm 5.00 s against cold 8.00 s" in rows[1] and "saves 3.00 s (38 %)" in rows[1]
    assert "the same objective in every variant" in rows[1]

    slow = runner.summarise_whatif([_whatif_run("warm", 61.0), _whatif_run("cold", 30.0)])
    assert slow["met"] is False and slow["warm_saves_time"] is False
    assert slow["saving_seconds"] == -31.0
    assert all(row.endswith("**not met** |") for row in runner.whatif_target_rows(slow))
    short = runner.summarise_whatif([_whatif_run("warm", 3.0, [773] * 8), _whatif_run("cold", 9.0)])
    assert short["met"] is False  # eight variants are not the nine asked for
    assert short["same_objectives"] is False
    assert "not measured" in runner.whatif_target_rows(None)[0]


def test_workers_rows_give_the_speed_up_against_one_worker() -> None:
    runner = _runner()

    def run(workers: int, seed: int, seconds: float) -> Any:
        return runner.Run(
            "district-2000", 2000, 25, f"pairwise ×{workers}", seed, workers, 90.0, "optimal",
            22449, 22449, 0.0, seconds, 300.0 * workers, "ok",
        )  # fmt: skip

    runs = [run(1, 0, 20.0), run(1, 1, 22.0), run(1, 2, 30.0)]
    runs += [run(2, 0, 11.0), run(2, 1, 12.0), run(2, 2, 10.0)]
    one, two = runner.workers_rows(runs)
    assert (one.workers, one.seconds, one.speed_up, one.seeds) == (1, 22.0, 1.0, 3)
    assert (two.workers, two.seconds, two.speed_up, two.peak_mib) == (2, 11.0, 2.0, 600.0)
    info = {"date": "2026-11-26T00:00:00", "cores": 2, "platform": "x", "python": "3.11",
            "ortools": "9", "pairwise": "0.1", "load_average": [0.4, 0.5, 0.6]}  # fmt: skip
    text = runner.workers_section([one, two], info, "python benchmarks/run.py --workers 1,2")
    assert (
        "| district-2000 | 2,000 | 2 | optimal | 22,449 | 22,449 | 0.00 | 11.00 | 600 | 2.00× |"
        in text
    )
    assert "medians of 3 seeds" in text and "load average 0.4" in text


README_BLOCKS = (
    "intro\n<!-- results -->\nold results\n<!-- /results -->\n<!-- targets -->\nold targets\n"
    "<!-- /targets -->\n<!-- shortfall -->\n<!-- /shortfall -->\n<!-- whatif -->\nold what-if\n"
    "<!-- /whatif -->\n<!-- workers -->\nold workers\n<!-- /workers -->\nend\n"
)


def test_a_run_over_worker_counts_writes_only_the_workers_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = _runner()
    seconds = {1: 20.0, 2: 11.0}

    def measure(instance: str, solver: str, seed: int, limit: float, workers: int, *_: Any) -> Any:
        # the solves themselves are measured by the smoke test; here only what the runner makes of them
        return runner.Run(
            instance, 7, 1, solver, seed, workers, limit, "optimal", -425, -425, 0.0,
            seconds[workers], 100.0, "ok",
        )  # fmt: skip

    monkeypatch.setattr(runner, "measure", measure)
    readme = tmp_path / "README.md"
    readme.write_text(README_BLOCKS, encoding="utf-8")
    arguments = ["--instances", "tiny-7", "--solvers", "pairwise", "--workers", "1,2"]
    arguments += ["--results", str(tmp_path), "--name", "workers", "--no-chart"]
    code = runner.main([*arguments, "--update-readme", "--readme", str(readme)])
    assert code == 0
    text = readme.read_text(encoding="utf-8")
    assert "old results" in text and "old targets" in text and "old what-if" in text
    assert "old workers" not in text
    assert "| tiny-7 | 7 | 1 | optimal | -425 | -425 | 0.00 | 20.00 | 100 | 1.00× |" in text
    assert "| tiny-7 | 7 | 2 | optimal | -425 | -425 | 0.00 | 11.00 | 100 | 1.82× |" in text
    assert "--workers 1,2" in text
    document = json.loads((tmp_path / "workers.json").read_text(encoding="utf-8"))
    assert [row["speed_up"] for row in document["workers"]] == [1.0, 1.82]


def test_whatif_is_timed_warm_and_cold_for_each_seed_and_written_to_the_readme(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = _runner()

    def fake_whatif(time_limit: float | None, seed: int, workers: int, cold: bool) -> list[str]:
        # a child that prints nine variants the way `pairwise whatif --json` does, without solving
        variants = [
            {"status": "optimal", "objective": 773 + seed, "hint_from": None if cold else {"b": 0}}
            for _ in range(9)
        ]
        script = f"import json; print(json.dumps({variants!r}))"
        return [sys.executable, "-c", script, "whatif", "--seed", str(seed)] + (
            ["--cold"] if cold else []
        )

    monkeypatch.setattr(runner, "whatif_command", fake_whatif)
    readme = tmp_path / "README.md"
    readme.write_text(README_BLOCKS, encoding="utf-8")
    arguments = ["--instances", "tiny-7", "--solvers", "greedy", "--seeds", "2", "--whatif"]
    arguments += ["--results", str(tmp_path), "--name", "smoke", "--no-chart"]
    code = runner.main([*arguments, "--update-readme", "--readme", str(readme)])
    assert code == 0
    whatif = json.loads((tmp_path / "smoke.json").read_text(encoding="utf-8"))["whatif"]
    assert [(run["mode"], run["seed"]) for run in whatif["runs"]] == [
        ("warm", 0), ("cold", 0), ("warm", 1), ("cold", 1),
    ]  # fmt: skip
    assert all(run["variants"] == 9 and run["exit_code"] == 0 for run in whatif["runs"])
    assert whatif["warm"]["warm_started"] == 9 and whatif["cold"]["warm_started"] == 0
    assert whatif["met"] is True  # nine variants in well under 60 s
    assert whatif["same_objectives"] is False  # seed 1's objectives differ from seed 0's
    text = readme.read_text(encoding="utf-8")
    assert "old what-if" not in text and "old workers" in text and "old results" not in text
    assert "| warm | `pairwise whatif --seed 0` |" in text
    assert "| cold | `pairwise whatif --seed 0 --cold` |" in text
    assert f"| 9 | {runner.WHATIF_TARGET} |" in text and "--whatif" in text

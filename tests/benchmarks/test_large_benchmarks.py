"""The large-roster benchmarks (`benchmarks/run.py --large`): generated rosters, targets judged on
the right process's memory, the speed-up pair, the README block."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.benchmarks.test_benchmark_runner import _runner

INFO = {"date": "2026-12-03T00:00:00", "cores": 2, "platform": "x", "python": "3.11",
        "ortools": "9", "pairwise": "0.1", "load_average": [0.4, 0.5, 0.6]}  # fmt: skip


def _large() -> Any:
    _runner()  # puts the repository on sys.path, as `python benchmarks/run.py` does
    import benchmarks.large as large

    return large


def _run(runner: Any, workers: int, limit: float, seconds: float, main: float, status: str) -> Any:
    return runner.Run(
        "district-20000", 20000, 200, "pairwise", 0, workers, limit, status, 99_000, 100_000,
        1.0, seconds, 3000.0, "ok", main_peak_mib=main, worker_peak_mib=900.0,
    )  # fmt: skip


def test_the_district_target_is_judged_on_the_main_process_memory() -> None:
    runner, large = _runner(), _large()
    target = next(t for t in large.LARGE_TARGETS if t.instance == "district-20000")
    # 3,000 MiB over all processes, 1,500 in the main one: met
    verdict = large.judge_large(target, [_run(runner, 2, 120.0, 110.0, 1500.0, "feasible")])
    assert verdict["met"] is True and "main process" in verdict["measured"]
    assert (
        large.judge_large(target, [_run(runner, 2, 120.0, 110.0, 2100.0, "feasible")])["met"]
        is False
    )
    assert (
        large.judge_large(target, [_run(runner, 2, 120.0, 121.0, 1500.0, "feasible")])["met"]
        is False
    )
    # the speed-up pair (another time limit) does not count for the target
    assert (
        large.judge_large(target, [_run(runner, 2, 600.0, 100.0, 1500.0, "optimal")])["met"] is None
    )


def test_speed_up_compares_one_worker_at_twice_the_limit_and_goes_in_the_readme() -> None:
    runner, large = _runner(), _large()
    runs = [
        _run(runner, 2, 120.0, 100.0, 1500.0, "feasible"),
        _run(runner, 1, 240.0, 190.0, 2500.0, "feasible"),
    ]
    runs[0].cpu_seconds, runs[1].cpu_seconds = 180.0, 171.0
    runs[0].district = {"schools_seconds": 80.0, "schools_cpu_seconds": 150.0}
    runs[1].district = {"schools_seconds": 156.0, "schools_cpu_seconds": 148.0}
    runs[0].load_average, runs[1].load_average = (0.3, 1.9), (1.2, 1.1)
    assert large._speed_up(runs) == {"wall": 1.9, "schools_wall": 1.95, "cpu": 0.95}
    # a one-worker run at another limit did other work: no speed-up from it
    other = _run(runner, 1, 600.0, 190.0, 2500.0, "feasible")
    assert large._speed_up([runs[0], other]) is None
    killed = _run(runner, 1, 240.0, 540.0, 2500.0, "error")
    killed.checker = "no plan"
    assert large._speed_up([runs[0], killed]) is None
    verdicts = [large.judge_large(target, runs) for target in large.LARGE_TARGETS]
    speed_up = large._speed_up(runs)
    text = large.large_section(runs, verdicts, speed_up, INFO, "python benchmarks/run.py --large")
    assert "| district-20000 | 20,000 | 200 | 1 | 240 | feasible |" in text
    assert "| 80.0 (150.0) |" in text and "| 0.3 → 1.9 |" in text
    assert "| 1,500 | 900 | ok |" in text
    assert "**speed-up from one to two workers 1.90×" in text and "load average 0.4" in text
    assert "not measured" in text  # the schools and small districts were not run here
    line = large._run_line(runs[0])
    assert "CPU 180.0 s" in line and "schools 80.0 s wall / 150.0 s CPU" in line


def test_a_large_roster_is_made_by_pairwise_generate_with_cross_school_pairs_where_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner, large = _runner(), _large()
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    small = ("--teachers", "24", "--schools", "2", "--kind", "elementary", "--seed", "3")
    monkeypatch.setitem(large.LARGE_INSTANCES, "small-cross", (small, True))
    roster = runner.load_instance("small-cross")
    path = tmp_path / "pairwise-benchmarks" / "small-cross.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["policy"]["cross_school_pairs"] is False  # the file is the generator's output
    assert roster.policy.cross_school_pairs is True
    assert len(roster.teachers) == 24 and len(roster.schools()) == 2

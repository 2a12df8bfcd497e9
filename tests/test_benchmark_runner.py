"""A smoke test of the benchmark runner: tiny-7 with the greedy, every output file written."""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

RUNNER = Path(__file__).parent.parent / "benchmarks" / "run.py"


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
        "intro\n<!-- results -->\nold\n<!-- /results -->\n<!-- targets -->\n<!-- /targets -->\n"
        "<!-- shortfall -->\n<!-- /shortfall -->\nend\n",
        encoding="utf-8",
    )
    runner.update_readme(sections, readme)
    text = readme.read_text(encoding="utf-8")
    assert "old" not in text and text.startswith("intro\n") and text.endswith("end\n")
    assert "| school-30 | 30 | pairwise | optimal | 400 |" in text
    assert "30-teacher school proven optimal in <= 2 s" in text and "**met**" in text
    assert "| school-30 | 30 | 250 | — | 400 | optimal (gap 0.00 %) | 62 % | — |" in text
    assert "--seeds 3" in text

"""The service benchmark end to end at a small scale: a real service, jobs from two tenants, every
plan checked, the figures written to the results and the README's block."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

ROOT = Path(__file__).resolve().parents[2]


def test_service_benchmark_small(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("before\n<!-- service -->\nold\n<!-- /service -->\nafter\n")
    result = subprocess.run(
        [
            sys.executable, str(ROOT / "benchmarks" / "service.py"),
            "--jobs", "4", "--tenants", "2", "--sequential", "2", "--instance", "tiny-7",
            "--workers", "1", "--results", str(tmp_path), "--readme", str(readme),
            "--update-readme",
        ],
        capture_output=True, text=True, timeout=600, check=False, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((tmp_path / "service.json").read_text())
    assert summary["jobs"] == 4
    assert summary["tenants"] == 2
    assert summary["plans_checked"] == 4 + 2
    assert summary["statuses"] == ["optimal"]
    assert summary["turnaround_median_s"] > 0
    text = readme.read_text()
    assert text.startswith("before\n<!-- service -->\nMeasured ")
    assert text.endswith("<!-- /service -->\nafter\n")
    assert "old" not in text
    assert "| **added latency per job**: turnaround less the engine call inside it" in text

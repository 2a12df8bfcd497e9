"""`rotation: cycle` against `rotation: year` on the same roster, phase by phase.

    python benchmarks/rotation.py [INSTANCE ...] [--repeats 3] [--time-limit 60] [--workers 2]
    python benchmarks/rotation.py [INSTANCE ...] --lp [--repeats 3]

Each instance (default: secondary-150, school-60-coaches, k8-60) is solved with its policy's
`rotation` set to `year` and to `cycle`, the two runs alternated so that the load of a shared
machine falls on both, `--repeats` times each. Printed per rotation: the median wall seconds of
`pairwise.solve` (conversations included) and the median CPU seconds of the process (every
thread: on a busy machine the steadier figure), the median seconds of its phases (timed by
wrapping the engine's functions: the LP bound, the relaxation's searches, its split by cycle,
the early plan, the placement, the sabbatical placement, the conversations), status and
objective; then the cycle/year ratios of wall and CPU seconds. `--lp` times the LP bound alone
(CPU seconds, cold, medians).
The load average is printed before and after. Figures go to benchmarks/README.md by hand
("Rotation by cycle"). Measured, not timed tests: the machine may be shared and noisy.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

import pairwise.engine.pipeline as pipeline  # noqa: E402
import pairwise.engine.relaxation as relaxation  # noqa: E402
from pairwise.engine.candidates import Candidates  # noqa: E402
from pairwise.engine.lp_bound import linear_bound  # noqa: E402
from pairwise.roster.models import Roster  # noqa: E402
from pairwise.roster.objective import Scoring  # noqa: E402

INSTANCES = ["secondary-150", "school-60-coaches", "k8-60"]
PHASES: list[tuple[Any, str, str]] = [
    (relaxation, "linear_bound", "LP bound"),
    (relaxation, "run_search", "relaxation search"),
    (relaxation, "split_by_period", "cycle split"),
    (pipeline, "_early_plan", "early plan"),
    (pipeline, "place_sabbaticals", "sabbaticals"),
    (pipeline, "place_conversations", "conversations"),
]


@contextmanager
def timed_phases() -> Iterator[dict[str, float]]:
    """Wrap the engine's phase functions; yields the seconds spent in each."""
    spent: dict[str, float] = {}
    originals: list[tuple[Any, str, Any]] = []

    def wrapper(function: Callable[..., Any], label: str) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.monotonic()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.monotonic() - started

        return timed

    for owner, name, label in PHASES:
        if not hasattr(pipeline._Engine if name.startswith("_") else owner, name):
            continue  # a phase the code measured does not have (an older commit)
        if name.startswith("_"):
            original = getattr(pipeline._Engine, name)
            originals.append((pipeline._Engine, name, original))
            setattr(pipeline._Engine, name, wrapper(original, label))
        else:
            original = getattr(owner, name)
            originals.append((owner, name, original))
            setattr(owner, name, wrapper(original, label))
    try:
        yield spent
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)


def solve_once(data: dict[str, Any], time_limit: float, workers: int) -> dict[str, Any]:
    roster = Roster.model_validate(data)
    with timed_phases() as spent:
        started, cpu = time.monotonic(), time.process_time()
        result = pipeline.solve(roster, time_limit=time_limit, workers=workers)
        seconds, cpu = time.monotonic() - started, time.process_time() - cpu
    stats = result.stats
    spent["placement"] = float(stats.get("placement_seconds", 0.0))
    return {
        "seconds": seconds,
        "cpu": cpu,
        "status": result.status,
        "objective": result.objective,
        "phases": spent,
    }


def lp_seconds(data: dict[str, Any]) -> float:
    """CPU seconds of the LP bound alone (`linear_bound`, cold: no warm start)."""
    roster = Roster.model_validate(data)
    candidates = Candidates(roster, Scoring(roster))
    started = time.process_time()
    linear_bound(candidates)
    return time.process_time() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("instances", nargs="*", default=INSTANCES)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="one JSON line per instance")
    parser.add_argument("--lp", action="store_true", help="the LP bound's CPU seconds alone")
    arguments = parser.parse_args(argv)
    print(f"load average before: {os.getloadavg()}", flush=True)
    for name in arguments.instances:
        path = Path(name) if name.endswith(".json") else ROOT / "instances" / f"{name}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        if arguments.lp:
            lp: dict[str, list[float]] = {"year": [], "cycle": []}
            for _ in range(arguments.repeats):
                for rotation in ("year", "cycle"):
                    data["policy"] = {**data.get("policy", {}), "rotation": rotation}
                    lp[rotation].append(lp_seconds(data))
            medians = {rotation: statistics.median(values) for rotation, values in lp.items()}
            print(
                f"{path.stem}: LP bound CPU seconds, year {medians['year']:.2f}, "
                f"cycle {medians['cycle']:.2f}",
                flush=True,
            )
            continue
        runs: dict[str, list[dict[str, Any]]] = {"year": [], "cycle": []}
        for _ in range(arguments.repeats):
            for rotation in ("year", "cycle"):
                data["policy"] = {**data.get("policy", {}), "rotation": rotation}
                runs[rotation].append(solve_once(data, arguments.time_limit, arguments.workers))
        summary: dict[str, Any] = {"instance": path.stem}
        for rotation, results in runs.items():
            labels = sorted({label for result in results for label in result["phases"]})
            summary[rotation] = {
                "seconds": round(statistics.median(r["seconds"] for r in results), 2),
                "cpu": round(statistics.median(r["cpu"] for r in results), 2),
                "status": sorted({r["status"] for r in results}),
                "objective": sorted({r["objective"] for r in results}),
                "phases": {
                    label: round(statistics.median(r["phases"].get(label, 0.0) for r in results), 2)
                    for label in labels
                },
            }
        summary["ratio"] = round(summary["cycle"]["seconds"] / summary["year"]["seconds"], 2)
        summary["cpu_ratio"] = round(summary["cycle"]["cpu"] / summary["year"]["cpu"], 2)
        if arguments.json:
            print(json.dumps(summary), flush=True)
            continue
        print(
            f"{path.stem}: cycle/year {summary['ratio']}x (CPU {summary['cpu_ratio']}x)",
            flush=True,
        )
        for rotation in ("year", "cycle"):
            entry = summary[rotation]
            phases = ", ".join(f"{label} {value}" for label, value in entry["phases"].items())
            print(
                f"  {rotation:<5} {entry['seconds']:6.2f} s (CPU {entry['cpu']:.2f} s)  "
                f"{entry['status']} "
                f"{entry['objective']}  ({phases})",
                flush=True,
            )
    print(f"load average after: {os.getloadavg()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""One solve in this process, with the engine's stats, wall and CPU seconds, peak RSS and load.

    python benchmarks/solve_stats.py ROSTER.json [--time-limit 30] [--workers 2] [--progress]

`pairwise.solve(load_roster(ROSTER), workers=..., time_limit=...)`; prints the status, objective
and bound, the wall seconds and the CPU seconds of the process (CP-SAT's threads included), every
entry of `Result.stats` (each phase's seconds, what it found), the peak resident memory
(`ru_maxrss`) and the load averages at the end. With `--progress`, each progress report as it
comes (elapsed seconds, phase, best, bound) where it changes. Figures go to benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from pairwise import solve  # noqa: E402
from pairwise.result import Progress  # noqa: E402
from pairwise.roster.load import load_roster  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("roster")
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--progress", action="store_true")
    arguments = parser.parse_args(argv)
    started, cpu = time.monotonic(), time.process_time()
    roster = load_roster(arguments.roster)
    last: list[tuple[str, int | None, int | None]] = []

    def report(progress: Progress) -> None:
        key = (progress.phase, progress.objective, progress.bound)
        if last and last[-1] == key:
            return
        last.append(key)
        print(f"  [{progress.seconds:6.2f}] {key[0]} best={key[1]} bound={key[2]}", flush=True)

    result = solve(
        roster,
        workers=arguments.workers,
        time_limit=arguments.time_limit,
        progress=report if arguments.progress else None,
    )
    wall, cpu = time.monotonic() - started, time.process_time() - cpu
    print(f"status {result.status}, objective {result.objective}, bound {result.bound}")
    print(f"wall {wall:.1f} s, CPU {cpu:.1f} s (load and roster included)")
    for key, value in result.stats.items():
        print(f"  {key} {value}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB")
    print("load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

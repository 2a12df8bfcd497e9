"""Where time and memory go before the engine's first search, phase by phase, on one roster.

    python benchmarks/phases.py ROSTER.json [--tracemalloc] [--top 12] [--no-lp | --lp-only]

Runs the engine's own steps in order (load, tables, candidates, sabbatical count bound, pair
columns, triad spaces, the star bound, the early best-first partnerships, the LP bound) and prints, per phase, its
wall seconds, the process's peak resident memory after it (`ru_maxrss`) and, with `--tracemalloc`,
the Python heap it holds and its peak (tracemalloc slows everything about twice), then the source
lines holding the most memory at the end. Figures go to benchmarks/README.md by hand ("Where
the time and memory go").
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from pairwise.engine.candidates import Candidates  # noqa: E402
from pairwise.engine.columns import pair_columns, triad_spaces  # noqa: E402
from pairwise.engine.lp_bound import linear_bound  # noqa: E402
from pairwise.engine.matching import quick_partnerships  # noqa: E402
from pairwise.engine.relaxation import sabbatical_count_bound, star_bound  # noqa: E402
from pairwise.roster.load import load_roster  # noqa: E402
from pairwise.roster.objective import Scoring  # noqa: E402


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("roster")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--no-lp", action="store_true", help="stop before the LP bound")
    parser.add_argument(
        "--lp-only", action="store_true", help="the candidates, then the LP bound alone"
    )
    arguments = parser.parse_args(argv)
    if arguments.tracemalloc:
        tracemalloc.start()
    state: dict[str, Any] = {}

    def phase(name: str, step: Callable[[], Any]) -> None:
        started = time.monotonic()
        state[name] = step()
        seconds = time.monotonic() - started
        line = f"{name:<22} {seconds:8.1f} s  peak RSS {peak_mib():7.0f} MiB"
        if arguments.tracemalloc:
            current, peak = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            line += f"  heap {current / 2**20:6.0f} MiB (phase peak {peak / 2**20:6.0f} MiB)"
        print(line, flush=True)

    phase("load", lambda: load_roster(arguments.roster))
    roster = state["load"]
    print(f"{len(roster.teachers)} teachers, {len(roster.cycles)} cycles", flush=True)
    phase("candidates", lambda: Candidates(roster, Scoring(roster)))
    candidates = state["candidates"]
    edges = sum(len(e) for e in candidates.pair_edges.values())
    print(f"  {edges} admissible pairs", flush=True)
    if not arguments.lp_only:
        phase("sabbatical bound", lambda: sabbatical_count_bound(candidates))
        phase("pair columns", lambda: pair_columns(candidates))
        print(f"  {len(state['pair columns'])} pair columns", flush=True)
        phase("triad spaces", lambda: triad_spaces(candidates))
        phase("star bound", lambda: star_bound(candidates))
        print(f"  star bound {state['star bound']}", flush=True)
        phase("quick partnerships", lambda: quick_partnerships(candidates))
    if not arguments.no_lp:
        phase("LP bound", lambda: linear_bound(candidates))
        bound = state["LP bound"]
        print(f"  LP value {bound.value:.1f}, {len(bound.columns)} columns listed", flush=True)
    if arguments.tracemalloc:
        snapshot = tracemalloc.take_snapshot()
        for statistic in snapshot.statistics("lineno")[: arguments.top]:
            print(statistic)
    return 0


if __name__ == "__main__":
    sys.exit(main())

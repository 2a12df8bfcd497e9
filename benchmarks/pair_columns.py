"""What reading a plan's pairs from the pair tables saves against making every pair column.

    python benchmarks/pair_columns.py ROSTER.json PLAN.json [--matching]

The engine's consumers that used to make a `Column` for every admissible pair (266,078 at 800
teachers) now read the pair tables and make columns only for the pairs they keep: a warm start's
own pairs (`plan.builder.solution_from_plan`), an unpaired teacher's possible partners
(`plan.reasons.unpaired_reason`) and the relaxation's maximum-weight matching fallback
(`matching.greedy_partnerships`, with `--matching`: NetworkX's matching is cubic in the
teachers, minutes at 800). For each it prints the wall seconds and the Python heap's peak
(tracemalloc) of the old way (every pair column, then the same answer) and of the new one, on a
fresh `Candidates` each time, and checks that both give the same answer. PLAN.json is a plan of
the roster (`pairwise solve ROSTER.json -o PLAN.json`). Figures go to benchmarks/README.md.
"""

from __future__ import annotations

import argparse
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
from pairwise.engine.columns import pair_columns, pair_partners  # noqa: E402
from pairwise.engine.matching import greedy_partnerships  # noqa: E402
from pairwise.engine.plan.builder import solution_from_plan  # noqa: E402
from pairwise.roster.load import load_plan, load_roster  # noqa: E402
from pairwise.roster.models import Plan, Roster  # noqa: E402
from pairwise.roster.objective import Scoring  # noqa: E402


def measured(roster: Roster, step: Callable[[Candidates], Any]) -> tuple[Any, float, float]:
    """`step`'s answer on fresh candidates, its wall seconds and its heap peak in MiB."""
    candidates = Candidates(roster, Scoring(roster))
    tracemalloc.start()
    tracemalloc.reset_peak()
    started = time.monotonic()
    answer = step(candidates)
    seconds = time.monotonic() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return answer, seconds, peak / 2**20


def hint_keys(candidates: Candidates, plan: Plan, every: bool) -> list[tuple[str, ...]]:
    if every:
        pair_columns(candidates)  # the old way made every pair column first
    return sorted(column.key for column in solution_from_plan(candidates, plan).columns)


def unpaired_partners(candidates: Candidates, plan: Plan, every: bool) -> list[tuple[str, ...]]:
    """The possible partners of every teacher left unpaired in some period, the old way or new."""
    partnered = {(c, m) for part in plan.partnerships for c in part.cycles for m in part.members}
    answers = []
    for period in candidates.periods:
        for teacher in candidates.participants:
            if (period.cycles[0], teacher) in partnered:
                continue
            if every:
                members = {
                    member
                    for column in pair_columns(candidates)
                    if column.period == period.id and teacher in column.members
                    for member in column.members
                } - {teacher}
            else:
                members = pair_partners(candidates, period.id, teacher)
            answers.append((period.id, teacher, *sorted(members)))
    return answers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("roster")
    parser.add_argument("plan")
    parser.add_argument("--matching", action="store_true", help="also the matching fallback")
    arguments = parser.parse_args(argv)
    roster = load_roster(arguments.roster)
    plan = load_plan(arguments.plan)
    steps: list[tuple[str, Callable[[Candidates, bool], Any]]] = [
        ("warm start's pairs", lambda c, every: hint_keys(c, plan, every)),
        ("unpaired teachers' partners", lambda c, every: unpaired_partners(c, plan, every)),
    ]
    if arguments.matching:
        steps.append(
            (
                "maximum-weight matching",
                lambda c, every: greedy_partnerships(c, pair_columns(c) if every else None),
            )
        )
    print(f"{'consumer':<30} {'every column':>22} {'pair tables':>22}  same")
    for name, step in steps:
        old, old_seconds, old_peak = measured(roster, lambda c, s=step: s(c, True))
        new, new_seconds, new_peak = measured(roster, lambda c, s=step: s(c, False))
        print(
            f"{name:<30} {old_seconds:8.2f} s {old_peak:7.1f} MiB "
            f"{new_seconds:8.2f} s {new_peak:7.1f} MiB  {old == new}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

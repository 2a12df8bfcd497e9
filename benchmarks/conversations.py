"""What the conversation stage costs and places: each instance solved with and without it.

    python benchmarks/conversations.py [--instances NAME ...] [--seeds K] [--time-limit S]

Per instance and seed, the same roster is solved twice in this process, alternating which goes
first so the machine's load falls on both: once with the conversation stage (the default) and once
without (`conversations=False`, the solve time before the stage existed). Reports the median
seconds of each, the stage's own seconds, its cost as a share of the solve without it, and the
debriefs placed against the most the stage proves possible (the plan's `most`: the static bound,
each visit some slot of which leaves a period both members are free in its window, or the tighter
one counting covered visits, or the search's). Every plan goes through the checker.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pairwise.checker.entry import check  # noqa: E402
from pairwise.engine.pipeline import solve  # noqa: E402
from pairwise.roster.load import load_roster  # noqa: E402

DEFAULT = ("elementary-24", "k8-60", "school-60-coaches", "secondary-150")


def measure(name: str, seeds: int, time_limit: float) -> dict[str, object]:
    roster = load_roster(ROOT / "instances" / f"{name}.json")
    with_stage: list[float] = []
    without: list[float] = []
    stage: list[float] = []
    last = None
    for seed in range(seeds):
        order = (True, False) if seed % 2 == 0 else (False, True)
        for conversations in order:
            started = time.perf_counter()
            result = solve(roster, time_limit=time_limit, seed=seed, conversations=conversations)
            seconds = time.perf_counter() - started
            assert result.plan is not None and check(roster, result.plan).ok, name
            if conversations:
                with_stage.append(seconds)
                stage.append(float(result.stats.get("conversations_seconds", 0.0)))
                last = result.plan
            else:
                without.append(seconds)
    assert last is not None
    counts = last.conversation_counts
    debriefs = sum(1 for c in last.conversations if c.kind == "debrief")
    possible = counts.most - counts.co_taught_most
    base = statistics.median(without)
    return {
        "instance": name,
        "visits": len(last.visits),
        "without": base,
        "with": statistics.median(with_stage),
        "stage": statistics.median(stage),
        "cost": statistics.median(stage) / base if base else 0.0,
        "debriefs": debriefs,
        "possible": possible,
        "status": last.status,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--instances", nargs="+", default=list(DEFAULT))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=60.0)
    arguments = parser.parse_args()
    print(
        "| instance | visits | solve without (s) | solve with (s) | stage (s) | stage cost "
        "| debriefs placed / possible | status |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name in arguments.instances:
        row = measure(name, arguments.seeds, arguments.time_limit)
        share = f"{row['debriefs']} / {row['possible']}"
        print(
            f"| {row['instance']} | {row['visits']} | {row['without']:.2f} | {row['with']:.2f} "
            f"| {row['stage']:.3f} | {100 * float(str(row['cost'])):.1f} % | {share} "
            f"| {row['status']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()

"""Re-planning benchmarks: a year's plan, then the roster changes mid-year and is re-planned.

    python benchmarks/run.py --replan [--instances secondary-150] [--time-limit S]
    python benchmarks/replan.py [INSTANCE] [--time-limit S]

Scenarios, each from the first Monday of the second cycle: a teacher leaves (the day before), a
teacher joins (a copy of one, new id), a week lost (the second cycle's first week unavailable to
everyone), cover halved (`cover_per_period` and its overrides halved; kept sessions stay as
they were), a long leave (a date range over the whole second cycle). For each:
the re-plan's seconds (wall clock, and the process's CPU seconds, which a busy shared machine
inflates less; the 1-minute load average beside them), status of both stages, objective and changes by kind, every plan checked
(`check --was`), and how many sessions a fresh solve of the updated roster changes against the plan
in force (counted the same way). Measured, not timed tests: the machine may be shared and noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pairwise  # noqa: E402
from pairwise.checker.replan import ReplanChecker  # noqa: E402
from pairwise.roster.models import Plan, Replans, Roster  # noqa: E402

Edit = Callable[[dict[str, Any], Plan, dt.date], str]


def _leaves(data: dict[str, Any], plan: Plan, start: dt.date) -> str:
    leaver = plan.partnerships[len(plan.partnerships) // 2].members[0]
    for teacher in data["teachers"]:
        if teacher["id"] == leaver:
            teacher["end_date"] = (start - dt.timedelta(days=1)).isoformat()
    return leaver


def _joins(data: dict[str, Any], plan: Plan, start: dt.date) -> str:
    model = dict(data["teachers"][0])
    model.update(id="joiner", name="New Teacher", begin_date=start.isoformat())
    model.pop("sabbatical", None)
    data["teachers"].append(model)
    return "joiner"


def _week_lost(data: dict[str, Any], plan: Plan, start: dt.date) -> str:
    last = (start + dt.timedelta(days=6)).isoformat()
    for teacher in data["teachers"]:
        teacher["unavailable"] = [*teacher.get("unavailable", []), f"{start}..{last}"]
    return ""


def _cover_halved(data: dict[str, Any], plan: Plan, start: dt.date) -> str:
    policy = data["policy"]
    policy["cover_per_period"] = policy.get("cover_per_period", 2) // 2
    for override in policy.get("cover_overrides", []):
        override["cover"] //= 2
    return ""


def _long_leave(data: dict[str, Any], plan: Plan, start: dt.date) -> str:
    teacher_id = plan.partnerships[len(plan.partnerships) // 3].members[0]
    last = (start + dt.timedelta(days=27)).isoformat()
    for teacher in data["teachers"]:
        if teacher["id"] == teacher_id:
            teacher["unavailable"] = [*teacher.get("unavailable", []), f"{start}..{last}"]
    return teacher_id


SCENARIOS: dict[str, Edit] = {
    "teacher leaves": _leaves,
    "teacher joins": _joins,
    "a week lost": _week_lost,
    "cover halved": _cover_halved,
    "long leave": _long_leave,
}


def fresh_changes(roster: Roster, plan: Plan, fresh: Plan, start: dt.date) -> int:
    """Sessions from `start` on that a fresh plan changes against the plan in force."""
    stand_in = fresh.model_copy(
        update={
            "replans": Replans(
                plan="", start=start.isoformat(), objective_bound=fresh.objective, changes=[]
            )
        }
    )
    checker = ReplanChecker(roster, stand_in, plan, None)
    return checker._count_changes()


def run_scenarios(instance: str, time_limit: float) -> list[dict[str, Any]]:
    roster = pairwise.load_roster(ROOT / "instances" / f"{instance}.json")
    plan = pairwise.solve(roster, time_limit=time_limit, seed=0).plan
    assert plan is not None
    start = dt.date.fromisoformat(roster.cycles[1].weeks[0])
    rows = []
    for name, edit in SCENARIOS.items():
        data = json.loads(roster.as_json())
        who = edit(data, plan, start)
        updated = pairwise.roster_from_json(json.dumps(data))
        began, cpu = time.monotonic(), time.process_time()
        result = pairwise.replan(updated, plan, start=start, time_limit=time_limit, seed=0)
        seconds = time.monotonic() - began
        row: dict[str, Any] = {
            "scenario": name,
            "status": result.status,
            "seconds": seconds,
            "cpu_seconds": time.process_time() - cpu,
            "load": os.getloadavg()[0],
        }
        if result.plan is not None and result.plan.replans is not None:
            report = pairwise.check(updated, result.plan, was=plan)
            kinds = Counter(change.kind for change in result.plan.replans.changes)
            ahead = sum(
                1
                for v in [*plan.visits, *plan.sabbatical_visits]
                if v.slot[:10] >= start.isoformat()
                and who
                in (
                    getattr(v, "visitor", ""),
                    getattr(v, "host", ""),
                    getattr(v, "coach", ""),
                    getattr(v, "coachee", ""),
                )
            )
            fresh = pairwise.solve(updated, time_limit=time_limit, seed=0).plan
            row.update(
                objective=result.plan.objective,
                objective_bound=result.plan.replans.objective_bound,
                changes=len(result.plan.replans.changes),
                change_bound=result.plan.replans.change_bound,
                moved=kinds["moved"],
                cancelled=kinds["cancelled"],
                added=kinds["added"],
                sessions_ahead_of_who=ahead if who else None,
                fresh_changes=fresh_changes(updated, plan, fresh, start) if fresh else None,
                fresh_objective=fresh.objective if fresh else None,
                conversations=result.plan.conversation_counts.placed,
                conversations_most=result.plan.conversation_counts.most,
                checker="ok" if report.ok else "BROKEN",
            )
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def markdown(instance: str, rows: list[dict[str, Any]]) -> str:
    lines = [
        f"Re-planning `{instance}` from the second cycle's first day (`python benchmarks/run.py "
        "--replan`):",
        "",
        "| scenario | status | seconds (CPU) | load | objective (fresh) | changes: moved / "
        "cancelled / added | fewest proven | per session ahead | fresh solve changes "
        "| conversations | checker |",
        "|---|---|---:|---:|---:|---|---:|---:|---:|---:|---|",
    ]

    def cell(key: str) -> object:
        value = row.get(key)
        return "-" if value is None else value

    for row in rows:
        ahead = row.get("sessions_ahead_of_who")
        ratio = f"{row['changes'] / ahead:.1f}" if ahead and "changes" in row else "-"
        lines.append(
            f"| {row['scenario']} | {row['status']} | {row['seconds']:.2f} "
            f"({row['cpu_seconds']:.2f}) | {row['load']:.1f} | "
            f"{cell('objective')} ({cell('fresh_objective')}) | "
            f"{cell('changes')}: {cell('moved')} / {cell('cancelled')} / {cell('added')} | "
            f"{cell('change_bound')} | {ratio} | {cell('fresh_changes')} | "
            f"{cell('conversations')} / {cell('conversations_most')} | {cell('checker')} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("instance", nargs="?", default="secondary-150")
    parser.add_argument("--time-limit", type=float, default=60.0)
    arguments = parser.parse_args(argv)
    rows = run_scenarios(arguments.instance, arguments.time_limit)
    print(markdown(arguments.instance, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())

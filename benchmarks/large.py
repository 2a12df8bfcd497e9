"""The large rosters of `python benchmarks/run.py --large`: generated on the fly by `pairwise generate`
(never committed), each solved once in a child process of its own like every benchmark solve, the
issue's targets judged, and the 20,000-teacher district's speed-up from one to two workers.

    python benchmarks/run.py --large [--instances NAME ...] [--update-readme]

Besides the child's whole process tree, each run reports the peak of the child's own process (the
one that splits a district, merges and checks) apart from its worker processes'.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# The large rosters (`--large`): name -> the `pairwise generate` arguments that make it, and whether
# the district wants partnerships across schools (`policy.cross_school_pairs`).
LARGE_INSTANCES: dict[str, tuple[tuple[str, ...], bool]] = {
    "secondary-400": (("--teachers", "400", "--kind", "secondary", "--seed", "7"), False),
    "secondary-800": (("--teachers", "800", "--kind", "secondary", "--seed", "8"), False),
    "district-1000-cross": (
        ("--teachers", "1000", "--schools", "10", "--kind", "mixed", "--seed", "1"),
        True,
    ),
    "district-3000-cross": (
        ("--teachers", "3000", "--schools", "30", "--kind", "mixed", "--seed", "1"),
        True,
    ),
    "district-20000": (
        ("--teachers", "20000", "--schools", "200", "--kind", "mixed", "--seed", "1"),
        False,
    ),
}
LARGE_TIME_LIMITS = {
    "secondary-400": 30.0,
    "secondary-800": 30.0,
    "district-1000-cross": 60.0,
    "district-3000-cross": 300.0,
    "district-20000": 120.0,
}
# the instance whose speed-up from one to two workers `--large` also measures
SPEED_UP_INSTANCE = "district-20000"


def large_roster_path(name: str) -> Path:
    """The large roster `name`, made by `pairwise generate` once into a temporary folder."""
    arguments, _ = LARGE_INSTANCES[name]
    folder = Path(tempfile.gettempdir()) / "pairwise-benchmarks"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.json"
    if not path.exists():
        script = Path(sys.executable).with_name("pairwise")
        command = (
            [str(script)]
            if script.exists()
            else [sys.executable, "-c", "from pairwise.cli import main; main()"]
        )
        subprocess.run(
            [*command, "generate", *arguments, "--compact", "-o", str(path)],
            check=True,
            cwd=ROOT,
        )
    return path


SPEED_UP_FACTOR = 2.0
"""The speed-up pair: the two-worker run at the instance's own limit, and one worker with this
many times that limit. A district shares its worker slots' time out among its schools, so one slot
for twice the time gives every school the same limit as two slots: the two runs do the same work,
and their times (and CPU seconds) compare how well two workers share it."""


@dataclass(frozen=True)
class LargeTarget:
    """One of the issue's targets for a large roster; `memory` is judged on the main process
    (`main`) or on the whole process tree (`tree`)."""

    text: str
    instance: str
    seconds: float
    max_gap_percent: float
    memory_mib: float
    memory: str = "tree"
    workers: int = 2


LARGE_TARGETS = (
    LargeTarget("800-teacher school proven optimal in <= 30 s, peak <= 1 GiB", "secondary-800", 30.0, 0.0, 1024.0),
    LargeTarget("1,000-teacher district with cross-school pairs within 0.5 % of its bound in <= 60 s, peak <= 1.5 GiB", "district-1000-cross", 60.0, 0.5, 1536.0),
    LargeTarget("3,000-teacher district with cross-school pairs within 1 % in <= 5 min, peak <= 4 GiB", "district-3000-cross", 300.0, 1.0, 4096.0),
    LargeTarget("20,000-teacher, 200-school district within 1 % in <= 2 min on two workers, main process <= 2 GiB", "district-20000", 120.0, 1.0, 2048.0, "main"),
)  # fmt: skip


def judge_large(target: LargeTarget, runs: list[Any]) -> dict[str, Any]:
    """The target met or not, from the run of its instance with its worker count and time limit."""
    found = [
        run
        for run in runs
        if run.instance == target.instance
        and run.workers == target.workers
        and run.time_limit == LARGE_TIME_LIMITS[target.instance]
    ]
    verdict: dict[str, Any] = {"issue": 21, "target": target.text}
    if not found:
        return {**verdict, "met": None, "measured": "not measured"}
    run = found[0]
    memory = run.main_peak_mib if target.memory == "main" else run.peak_mib
    gap_ok = (
        run.status == "optimal"
        if target.max_gap_percent == 0
        else run.gap_percent is not None and run.gap_percent <= target.max_gap_percent
    )
    met = (
        gap_ok
        and run.seconds <= target.seconds
        and memory is not None
        and memory <= target.memory_mib
        and run.checker == "ok"
    )
    return {
        **verdict,
        "met": met,
        "measured": f"{run.status}, gap {_number(run.gap_percent, 2)} %, {run.seconds:.1f} s, "
        f"peak {_number(memory)} MiB ({'main process' if target.memory == 'main' else 'all processes'}), "
        f"checker {run.checker}",
    }


def run_large(arguments: argparse.Namespace) -> int:
    """Every large roster once (seed 0), then the speed-up pair; prints, writes, fills the README."""
    from benchmarks.run import README, machine, measure, update_readme, write_results

    chosen = arguments.instances if arguments.instances_given else list(LARGE_INSTANCES)
    unknown = [name for name in chosen if name not in LARGE_INSTANCES]
    if unknown:
        print(f"unknown large roster {', '.join(unknown)} (known: {', '.join(LARGE_INSTANCES)})")
        return 2
    plan = [(name, arguments.time_limit or LARGE_TIME_LIMITS[name], 2) for name in chosen]
    if SPEED_UP_INSTANCE in chosen and not arguments.no_speed_up:
        limit = arguments.time_limit or LARGE_TIME_LIMITS[SPEED_UP_INSTANCE]
        plan.append((SPEED_UP_INSTANCE, SPEED_UP_FACTOR * limit, 1))
    runs = []
    for name, limit, workers in plan:
        print(f"{name}: {large_roster_path(name)}", file=sys.stderr, flush=True)
        run = measure(name, "pairwise", 0, limit, workers, arguments.memory_limit)
        runs.append(run)
        print(_run_line(run), file=sys.stderr, flush=True)
    verdicts = [judge_large(target, runs) for target in LARGE_TARGETS]
    speed_up = _speed_up(runs)
    for verdict in verdicts:
        mark = {True: "met", False: "NOT met", None: "not measured"}[verdict["met"]]
        print(f"issue 21: {verdict['target']}: {mark} — {verdict['measured']}")
    if speed_up is not None:
        print(f"{SPEED_UP_INSTANCE}: {_speed_up_text(speed_up)}")
    extras = {"targets": verdicts, "speed_up": speed_up}
    written = write_results(runs, [], extras, Path(arguments.results), arguments.name, False)
    if arguments.update_readme:
        command = shlex.join(["python", "benchmarks/run.py", *arguments.argv])
        update_readme(
            {"large": large_section(runs, verdicts, speed_up, machine(), command)}, README
        )
        written.append(README)
    for path in written:
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


def _run_line(run: Any) -> str:
    """One run as a line of the runner's output."""
    schools = run.district
    phase = (
        f", schools {schools['schools_seconds']:.1f} s wall / {schools['schools_cpu_seconds']:.1f} s "
        f"CPU ({schools.get('schools_optimal', 0):.0f} proven, "
        f"{schools.get('schools_second_round', 0):.0f} in round two)"
        if "schools_seconds" in schools
        else ""
    )
    load = run.load_average or (None, None)
    return (
        f"{run.instance:22} {run.workers} worker(s), limit {run.time_limit:g} s: {run.status:10} "
        f"gap {_number(run.gap_percent, 2)} % in {run.seconds:7.1f} s, CPU {_number(run.cpu_seconds, 1)} s"
        f"{phase}, peak {run.peak_mib:,.0f} MiB (main {_number(run.main_peak_mib)}, workers "
        f"{_number(run.worker_peak_mib)}), checker {run.checker}, load {load[0]} -> {load[1]}"
        + (f" ({run.error})" if run.error else "")
    )


def _speed_up(runs: list[Any]) -> dict[str, float] | None:
    """The speed-up pair's ratios, one worker over two: the whole solve's wall seconds, the
    schools' phase's wall seconds, and the CPU seconds (about 1 when both did the same work)."""
    two_limit = next(
        (run.time_limit for run in runs if run.instance == SPEED_UP_INSTANCE and run.workers == 2),
        None,
    )
    pair = {
        run.workers: run
        for run in runs
        if run.instance == SPEED_UP_INSTANCE
        and two_limit is not None
        and run.time_limit == (two_limit if run.workers == 2 else SPEED_UP_FACTOR * two_limit)
        and run.checker == "ok"  # a run killed or without a plan times nothing
    }
    if 1 not in pair or 2 not in pair or pair[2].seconds <= 0:
        return None
    one, two = pair[1], pair[2]
    ratios = {"wall": round(one.seconds / two.seconds, 2)}
    if one.district.get("schools_seconds") and two.district.get("schools_seconds"):
        ratios["schools_wall"] = round(
            one.district["schools_seconds"] / two.district["schools_seconds"], 2
        )
    if one.cpu_seconds and two.cpu_seconds:
        ratios["cpu"] = round(one.cpu_seconds / two.cpu_seconds, 2)
    return ratios


def _speed_up_text(speed_up: dict[str, float]) -> str:
    text = f"speed-up from one to two workers {speed_up['wall']:.2f}× (whole solve, wall)"
    if "schools_wall" in speed_up:
        text += f", {speed_up['schools_wall']:.2f}× (the schools' phase)"
    if "cpu" in speed_up:
        text += f"; CPU seconds one worker / two: {speed_up['cpu']:.2f}"
    return text


def large_section(
    runs: list[Any],
    verdicts: list[dict[str, Any]],
    speed_up: dict[str, float] | None,
    info: dict[str, Any],
    command: str,
) -> str:
    """The README's large-roster block: one row per run (with its CPU seconds and the load
    average before and after it), the targets, the speed-up."""
    lines = [
        f"Measured {info['date'][:10]} on {info['cores']} cores ({info['platform']}), Python "
        f"{info['python']}, OR-Tools {info['ortools']}, pairwise {info['pairwise']}"
        + (
            f", load average {info['load_average'][0]} at the end"
            if info.get("load_average")
            else ""
        )
        + f"; seed 0, `{command}`.",
        "",
        "| roster | teachers | schools | workers | limit s | status | objective | bound | gap % "
        "| seconds | CPU s | schools' phase s (CPU s) | peak MiB (all) | main MiB | worker MiB "
        "| checker | load before → after |",
        "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for run in runs:
        schools = run.district
        phase = (
            f"{schools['schools_seconds']:.1f} ({schools['schools_cpu_seconds']:.1f})"
            if "schools_seconds" in schools
            else "—"
        )
        load = run.load_average or (None, None)
        lines.append(
            f"| {run.instance} | {run.teachers:,} | {run.schools} | {run.workers} | "
            f"{run.time_limit:g} | {run.status} | {_number(run.objective)} | {_number(run.bound)} | "
            f"{_number(run.gap_percent, 2)} | {run.seconds:.1f} | {_number(run.cpu_seconds, 1)} | "
            f"{phase} | {run.peak_mib:,.0f} | {_number(run.main_peak_mib)} | "
            f"{_number(run.worker_peak_mib)} | {run.checker} | {load[0]} → {load[1]} |"
        )
    lines += ["", "| target | measured | |", "|---|---|---|"]
    for verdict in verdicts:
        mark = {True: "**met**", False: "**not met**", None: "not measured"}[verdict["met"]]
        lines.append(f"| {verdict['target']} | {verdict['measured']} | {mark} |")
    if speed_up is not None:
        lines += [
            "",
            f"`{SPEED_UP_INSTANCE}` on one worker with {SPEED_UP_FACTOR:g}× the two-worker run's "
            f"limit (every school the same limit as on two workers, so the same work): "
            f"**{_speed_up_text(speed_up)}**.",
        ]
    return "\n".join(lines) + "\n"


def _number(value: float | int | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"

"""Benchmark runner: every instance × solver × seed, each solve in its own process, every plan checked.

    python benchmarks/run.py [--instances NAME ...] [--solvers pairwise,greedy,random_pairs]
                             [--time-limit S] [--seeds K] [--workers N[,N...]] [--whatif]
    python benchmarks/run.py --large [--instances NAME ...]

`--large` runs the large rosters instead (`LARGE_INSTANCES`: 400- and 800-teacher schools, 1,000-
and 3,000-teacher districts with cross-school pairs, the 20,000-teacher district, and that one's
speed-up from one to two workers), generated on the fly by `pairwise generate` (not committed).

Instances are the files of `instances/` (`tiny-7`, `secondary-150`, ...); `NAME:peer-only` is the
same roster without sabbatical coaches and meetings (the engine issue's scope: partnerships and
visits only). Each solve runs in a child process so its peak memory (the child's maximum resident
set from `os.wait4`, or the sum over its process tree sampled from /proc when that is larger) and
its time are its own. The parent checks every plan with `pairwise.check.check`, prints a table
(medians over seeds), and writes `benchmarks/results/<name>.csv`, `.json`, `.md` and `.png`.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import os
import platform
import resource
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INSTANCES = ROOT / "instances"
RESULTS = ROOT / "benchmarks" / "results"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SOLVERS = ("pairwise", "greedy", "random_pairs")
DEFAULT_INSTANCES = (
    "tiny-7",
    "elementary-24",
    "school-30",
    "school-60-coaches:peer-only",
    "school-60-coaches",
    "k8-60",
    "secondary-150:peer-only",
    "secondary-150",
    "district-2000",
)
# The engine's time limit per instance: the targets' own budgets (a solve that proves optimality
# earlier stops earlier). `--time-limit` replaces them all.
TIME_LIMITS = {
    "tiny-7": 10.0,
    "elementary-24": 10.0,
    "school-30": 10.0,
    "school-60-coaches:peer-only": 15.0,
    "school-60-coaches": 20.0,
    "k8-60": 20.0,
    "secondary-150:peer-only": 30.0,
    "secondary-150": 45.0,
    "district-2000": 90.0,
}
WHATIF_INSTANCE = "school-60-coaches"
WHATIF_VARY = "release_budget=0:80:10"  # nine variants
WHATIF_VARIANTS = 9
WHATIF_SECONDS = 60.0


@dataclass
class Run:
    """One solve of one instance by one solver with one seed."""

    instance: str
    teachers: int
    schools: int
    solver: str
    seed: int
    workers: int
    time_limit: float
    status: str
    objective: int | None
    bound: int | None
    gap_percent: float | None
    seconds: float
    peak_mib: float
    checker: str
    covered_visits: int | None = None
    unpaired: int | None = None
    error: str = ""
    terms: dict[str, int] = field(default_factory=dict)
    main_peak_mib: float | None = None
    """The child's own peak resident memory (the process that splits, merges and checks)."""
    worker_peak_mib: float | None = None
    """The largest peak of a district's worker processes (None: no worker process ran)."""
    cpu_seconds: float | None = None
    """CPU seconds of the child and every process it waited for (its workers), from `os.wait4`."""
    load_average: tuple[float, float] | None = None
    """The machine's one-minute load average when the run started and when it ended."""
    district: dict[str, float] = field(default_factory=dict)
    """A district's own figures: its schools' phase (wall and CPU seconds), round two, merge."""


# --- the child: one solve -----------------------------------------------------------------------


def load_instance(name: str) -> Any:
    """The roster of `NAME` or `NAME:peer-only` (coaches and meetings removed); a large one is
    generated (with `cross_school_pairs` set where its entry says so)."""
    from benchmarks.large import LARGE_INSTANCES, large_roster_path
    from pairwise.roster.load import load_roster, roster_from_data

    base, _, variant = name.partition(":")
    if base in LARGE_INSTANCES:
        roster = load_roster(large_roster_path(base))
        if LARGE_INSTANCES[base][1]:
            data = roster.model_dump(mode="json")
            data["policy"]["cross_school_pairs"] = True
            data["name"] = f"{data['name']} (cross-school pairs)"
            roster = roster_from_data(data)
    else:
        roster = load_roster(INSTANCES / f"{base}.json")
    if variant == "peer-only":
        data = roster.model_dump(mode="json")
        for teacher in data["teachers"]:
            teacher["sabbatical"] = None
        for cycle in data["cycles"]:
            cycle["meetings"] = []
        data["name"] = f"{data['name']} (peer visits only)"
        roster = roster_from_data(data)
    elif variant:
        raise SystemExit(f"unknown variant '{variant}' (known: peer-only)")
    return roster


def solve_with_stats(
    solver: str, roster: Any, seed: int, time_limit: float, workers: int
) -> tuple[str, Any, dict[str, Any]]:
    """Run one solver; returns (status, plan or None, the solver's own stats)."""
    if solver == "pairwise":
        from pairwise.engine.pipeline import solve  # type: ignore[import-not-found,unused-ignore]

        if len(roster.schools()) > 1:
            try:
                from pairwise.runs.district.solve import solve_district
            except ImportError:
                result = solve(roster, time_limit=time_limit, seed=seed, workers=workers)
            else:
                result = solve_district(roster, time_limit=time_limit, seed=seed, workers=workers)
        else:
            result = solve(roster, time_limit=time_limit, seed=seed, workers=workers)
        return result.status, result.plan, dict(result.stats)
    if solver == "greedy":
        from solvers import greedy

        plan = greedy.solve(roster, seed)
    elif solver == "random_pairs":
        from solvers import random_pairs

        plan = random_pairs.solve(roster, seed)
    else:
        raise SystemExit(f"unknown solver '{solver}' (known: {', '.join(SOLVERS)})")
    return ("feasible" if plan is not None else "infeasible"), plan, {}


DISTRICT_FIGURES = (
    "schools_seconds",
    "schools_cpu_seconds",
    "schools_task_seconds",
    "schools_optimal",
    "schools_second_round",
    "placement_seconds",
)
"""The district stats a child reports: the schools' phase in wall and CPU seconds, round two and
the cross-school placement."""


def child_main(arguments: argparse.Namespace) -> int:
    """Solve one instance and write {status, seconds, plan} as JSON to `--report`."""
    report: dict[str, Any] = {}
    try:
        roster = load_instance(arguments.instance)
        started = time.perf_counter()
        status, plan, stats = solve_with_stats(
            arguments.solver, roster, arguments.seed, arguments.time_limit, arguments.workers
        )
        report["seconds"] = time.perf_counter() - started
        report["status"] = status
        # this process's own peak (KiB on Linux); a district's workers report theirs in the stats
        report["main_peak_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        report["district"] = {
            key: float(value)
            for key, value in stats.items()
            if key in DISTRICT_FIGURES and isinstance(value, int | float)
        }
        if int(stats.get("parallel_tasks", 1)) > 1:
            report["worker_peak_bytes"] = stats.get("peak_memory_bytes")
        report["plan"] = plan.model_dump(mode="json") if plan is not None else None
    except Exception as error:  # the parent records the failure as a row
        report["error"] = f"{type(error).__name__}: {error}"
        report["traceback"] = traceback.format_exc()
    Path(arguments.report).write_text(json.dumps(report), encoding="utf-8")
    return 0


# --- the parent: run children, measure, check ---------------------------------------------------


def tree_rss_bytes(root: int) -> int:
    """Resident memory of a process and all its descendants, from /proc (0 when unavailable)."""
    try:
        entries = [entry for entry in os.listdir("/proc") if entry.isdigit()]
    except OSError:
        return 0
    parents: dict[int, int] = {}
    for entry in entries:
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as stream:
                fields = stream.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    family = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                grew = True
    total = 0
    page = os.sysconf("SC_PAGE_SIZE")
    for pid in family:
        try:
            with open(f"/proc/{pid}/statm", encoding="utf-8") as stream:
                total += int(stream.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
    return total


def end_group(group: int) -> None:
    """Kill whatever is left of a child's process group (nothing when it ended cleanly)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)


def run_child(
    command: list[str],
    timeout: float,
    memory_limit: float = float("inf"),
    stdout: Any = subprocess.DEVNULL,
    cpu: list[float] | None = None,
) -> tuple[int, float, float]:
    """Run a child to completion: (exit code, wall seconds, peak memory in MiB). The child and
    its workers are killed past `timeout` seconds or `memory_limit` bytes (the machine is shared).
    `cpu`, when given, receives the CPU seconds of the child and the workers it waited for."""
    started = time.perf_counter()
    # its own process group, so that a time-out also ends the worker processes it started
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=stdout,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    peak_tree = 0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - started > timeout or peak_tree > memory_limit:
            end_group(process.pid)
            pid, status, usage = os.wait4(process.pid, 0)
            break
        peak_tree = max(peak_tree, tree_rss_bytes(process.pid))
        time.sleep(0.1)
    process.returncode = os.waitstatus_to_exitcode(status)
    if cpu is not None:
        cpu.append(usage.ru_utime + usage.ru_stime)
    # workers the child left behind belong to its group: end them too
    end_group(process.pid)
    # ru_maxrss is in KiB on Linux
    peak = max(usage.ru_maxrss * 1024, peak_tree)
    return process.returncode, time.perf_counter() - started, peak / (1024 * 1024)


def measure(
    instance: str,
    solver: str,
    seed: int,
    time_limit: float,
    workers: int,
    memory_limit_gib: float = 8.0,
) -> Run:
    """One solve in a child process, its plan checked here."""
    from pairwise.checker.entry import check
    from pairwise.result import relative_gap
    from pairwise.roster.models import Plan

    roster = load_instance(instance)
    teachers, schools = len(roster.teachers), len(roster.schools())
    with tempfile.TemporaryDirectory() as folder:
        report_path = Path(folder) / "report.json"
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            "--instance",
            instance,
            "--solver",
            solver,
            "--seed",
            str(seed),
            "--time-limit",
            str(time_limit),
            "--workers",
            str(workers),
            "--report",
            str(report_path),
        ]
        timeout = time_limit * 2 + 60
        memory_limit = memory_limit_gib * 1024**3
        load_before = os.getloadavg()[0]
        cpu: list[float] = []
        code, wall, peak = run_child(command, timeout, memory_limit, cpu=cpu)
        load_after = os.getloadavg()[0]
        report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else {}
    run = Run(
        instance=instance,
        teachers=teachers,
        schools=schools,
        solver=solver,
        seed=seed,
        workers=workers,
        time_limit=time_limit,
        status=str(report.get("status", "error")),
        objective=None,
        bound=None,
        gap_percent=None,
        seconds=round(float(report.get("seconds", wall)), 3),
        peak_mib=round(peak, 1),
        checker="no plan",
        error=str(report.get("error", "" if code == 0 else f"exit code {code}")),
        main_peak_mib=_mib(report.get("main_peak_bytes")),
        worker_peak_mib=_mib(report.get("worker_peak_bytes")),
        cpu_seconds=round(cpu[0], 1) if cpu else None,
        load_average=(round(load_before, 2), round(load_after, 2)),
        district=dict(report.get("district") or {}),
    )
    if not report:
        if peak * 1024 * 1024 > memory_limit:
            run.error = f"killed past the memory limit of {memory_limit_gib:g} GiB"
        elif wall > timeout:
            run.error = f"killed after {timeout:g} s (twice the time limit plus a minute)"
    if report.get("plan") is not None:
        plan = Plan.model_validate(report["plan"])
        checked = check(roster, plan)
        run.objective, run.bound = plan.objective, plan.bound
        run.gap_percent = round(100 * relative_gap(plan.objective, plan.bound), 3)
        run.covered_visits = plan.metrics.covered_visits
        run.unpaired = len(plan.unpaired)
        run.terms = dict(plan.terms)
        if checked.ok:
            run.checker = "ok"
        else:
            rules = ", ".join(str(rule) for rule in checked.broken_rules)
            run.checker = f"BROKEN rules {rules}" if checked.violations else "MISSTATED"
    return run


def _mib(value: Any) -> float | None:
    return round(float(value) / (1024 * 1024), 1) if value else None


# --- summary, files, chart ----------------------------------------------------------------------


@dataclass
class Summary:
    """The runs of one instance × solver, as the table shows them (medians over seeds)."""

    instance: str
    teachers: int
    solver: str
    status: str
    objective: float | None
    bound: float | None
    gap_percent: float | None
    seconds: float
    peak_mib: float
    ratio_to_greedy: float | None
    checker: str
    seeds: int


def median_or_none(values: Sequence[float | int | None]) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def summarise(runs: list[Run]) -> list[Summary]:
    keys = list(dict.fromkeys((run.instance, run.solver) for run in runs))
    greedy: dict[str, float | None] = {}
    for instance, solver in keys:
        if solver == "greedy":
            greedy[instance] = median_or_none(
                [r.objective for r in runs if r.instance == instance and r.solver == solver]
            )
    summaries = []
    for instance, solver in keys:
        group = [r for r in runs if r.instance == instance and r.solver == solver]
        objective = median_or_none([r.objective for r in group])
        base = greedy.get(instance)
        ratio = (
            objective / base if objective is not None and base is not None and base > 0 else None
        )
        statuses = sorted({r.status for r in group})
        verdicts = sorted({r.checker for r in group})
        summaries.append(
            Summary(
                instance=instance,
                teachers=group[0].teachers,
                solver=solver,
                status="/".join(statuses),
                objective=objective,
                bound=median_or_none([r.bound for r in group]),
                gap_percent=median_or_none([r.gap_percent for r in group]),
                seconds=round(statistics.median(r.seconds for r in group), 2),
                peak_mib=max(r.peak_mib for r in group),
                ratio_to_greedy=round(ratio, 3) if ratio is not None else None,
                checker="/".join(verdicts),
                seeds=len(group),
            )
        )
    return summaries


def fmt(value: float | int | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    if digits == 0:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


TABLE_HEADER = (
    "instance",
    "teachers",
    "solver",
    "status",
    "objective",
    "bound",
    "gap %",
    "seconds",
    "peak MiB",
    "× greedy",
    "checker",
)


def table_rows(summaries: list[Summary]) -> list[tuple[str, ...]]:
    return [
        (
            s.instance,
            fmt(s.teachers),
            s.solver,
            s.status,
            fmt(s.objective),
            fmt(s.bound),
            fmt(s.gap_percent, 2),
            fmt(s.seconds, 2),
            fmt(s.peak_mib),
            fmt(s.ratio_to_greedy, 2),
            s.checker,
        )
        for s in summaries
    ]


def markdown_table(summaries: list[Summary]) -> str:
    lines = ["| " + " | ".join(TABLE_HEADER) + " |", "|" + "---|" * len(TABLE_HEADER)]
    for row in table_rows(summaries):
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def print_table(summaries: list[Summary], title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for name in TABLE_HEADER:
        numeric = name in (
            "teachers",
            "objective",
            "bound",
            "gap %",
            "seconds",
            "peak MiB",
            "× greedy",
        )
        table.add_column(name, justify="right" if numeric else "left")
    for row in table_rows(summaries):
        table.add_row(*row)
    # wide enough for every column when the output is a file or a pipe
    Console(width=None if sys.stdout.isatty() else 160).print(table)


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    versions: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        # other work on the machine slows the solves: the load when the results were written
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }
    for package in ("ortools", "pairwise"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return versions


def write_results(
    runs: list[Run],
    summaries: list[Summary],
    extras: dict[str, Any],
    folder: Path,
    name: str,
    chart: bool,
) -> list[Path]:
    from pairwise.files import write_atomic

    info = machine()
    written = []
    columns = [key for key in asdict(runs[0]) if key not in ("terms", "district")] if runs else []
    lines: list[str] = []
    if runs:
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([*columns, *info])
        for run in runs:
            row = asdict(run)
            writer.writerow([row[key] for key in columns] + list(info.values()))
        lines.append(buffer.getvalue())
    target = folder / f"{name}.csv"
    write_atomic(target, "".join(lines))
    written.append(target)
    document = {
        "machine": info,
        "runs": [asdict(run) for run in runs],
        "summary": [asdict(summary) for summary in summaries],
        **extras,
    }
    target = folder / f"{name}.json"
    write_atomic(target, json.dumps(document, indent=2) + "\n")
    written.append(target)
    target = folder / f"{name}.md"
    cores = info["cores"]
    heading = (
        f"Measured {info['date'][:10]} on {cores} cores, Python {info['python']}, "
        f"OR-Tools {info['ortools']}, pairwise {info['pairwise']}.\n\n"
    )
    write_atomic(target, heading + markdown_table(summaries))
    written.append(target)
    if chart and summaries:
        target = folder / f"{name}.png"
        draw_chart(summaries, target)
        written.append(target)
    return written


def draw_chart(summaries: list[Summary], target: Path) -> None:
    """Objective as a multiple of the greedy's, and seconds, against the number of teachers."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    solvers = list(dict.fromkeys(s.solver for s in summaries))
    for solver in solvers:
        points = sorted(
            (
                (s.teachers, s.ratio_to_greedy, s.seconds, s.instance)
                for s in summaries
                if s.solver == solver
            ),
            key=lambda point: (point[0], point[3]),
        )
        ratios = [(t, r) for t, r, _, _ in points if r is not None]
        if ratios:
            left.plot(*zip(*ratios, strict=True), marker="o", label=solver)
        right.plot(
            [p[0] for p in points], [max(p[2], 0.001) for p in points], marker="o", label=solver
        )
    left.set_xscale("log")
    left.set_xlabel("teachers")
    left.set_ylabel("objective ÷ greedy's")
    left.set_title("How far the by-hand way falls short")
    left.axhline(1.0, color="grey", linewidth=0.8)
    if left.get_legend_handles_labels()[0]:
        left.legend()
    right.set_xscale("log")
    right.set_yscale("log")
    right.set_xlabel("teachers")
    right.set_ylabel("seconds (median)")
    right.set_title("Time against size")
    right.legend()
    figure.tight_layout()
    with tempfile.NamedTemporaryFile(suffix=".png", dir=target.parent, delete=False) as stream:
        temporary = Path(stream.name)
    try:
        figure.savefig(temporary, dpi=110)
        os.replace(temporary, target)
    finally:
        plt.close(figure)
        if temporary.exists():
            temporary.unlink()


# --- targets ------------------------------------------------------------------------------------


@dataclass
class Target:
    """One speed target of the issues, judged from the measured summaries."""

    issue: int
    text: str
    instance: str
    seconds: float
    max_gap_percent: float = 0.0  # 0: proven optimal
    memory_mib: float | None = None


TARGETS = (
    Target(3, "30-teacher school proven optimal in <= 2 s", "school-30", 2.0),
    Target(3, "60-teacher school (peer visits) proven optimal in <= 5 s", "school-60-coaches:peer-only", 5.0),
    Target(4, "60-teacher school, six teams, two coaches, proven optimal in <= 10 s", "school-60-coaches", 10.0),
    Target(3, "150-teacher secondary (peer visits): gap <= 0.5 % in <= 30 s, peak < 1 GiB", "secondary-150:peer-only", 30.0, 0.5, 1024.0),
    Target(4, "150-teacher secondary with tables and six coaches: gap <= 0.5 % in <= 45 s", "secondary-150", 45.0, 0.5, 1024.0),
    Target(9, "~2,000-teacher district: within 1 % of its bound in <= 90 s, peak <= 2 GiB", "district-2000", 90.0, 1.0, 2048.0),
)  # fmt: skip


def judge(targets: Sequence[Target], summaries: list[Summary]) -> list[dict[str, Any]]:
    """Each target met or not, with what was measured ('not measured' when it was not run)."""
    verdicts = []
    for target in targets:
        found = [s for s in summaries if s.instance == target.instance and s.solver == "pairwise"]
        verdict: dict[str, Any] = {"issue": target.issue, "target": target.text}
        if not found:
            verdict.update(met=None, measured="not measured")
        else:
            s = found[0]
            gap = s.gap_percent
            proven = "optimal" in s.status and "feasible" not in s.status
            gap_ok = (
                proven
                if target.max_gap_percent == 0
                else gap is not None and gap <= target.max_gap_percent
            )
            time_ok = s.seconds <= target.seconds
            memory_ok = target.memory_mib is None or s.peak_mib < target.memory_mib
            met = gap_ok and time_ok and memory_ok and s.checker == "ok"
            verdict.update(
                met=met,
                measured=f"{s.status}, gap {fmt(gap, 2)} %, {s.seconds:.2f} s (median of "
                f"{s.seeds}), peak {s.peak_mib:,.0f} MiB, checker {s.checker}",
            )
        verdicts.append(verdict)
    return verdicts


def whatif_command(time_limit: float | None, seed: int, workers: int, cold: bool) -> list[str]:
    """The `pairwise whatif` command line the runner times (warm starts unless `cold`)."""
    command = [
        sys.executable,
        "-c",
        "from pairwise.cli import main; main()",
        "whatif",
        str(INSTANCES / f"{WHATIF_INSTANCE}.json"),
        "--vary",
        WHATIF_VARY,
        "--json",
        "--quiet",
        "--seed",
        str(seed),
        "--workers",
        str(workers),
    ]
    if time_limit is not None:
        command += ["--time-limit", str(time_limit)]
    if cold:
        command.append("--cold")
    return command


def shown_command(command: list[str]) -> str:
    """A child's command line as a reader would type it."""
    return " ".join(["pairwise", *command[3:]]).replace(str(ROOT) + "/", "")


def run_whatif_once(
    time_limit: float | None, seed: int, workers: int, cold: bool
) -> dict[str, Any]:
    """One timed `pairwise whatif` in a child process: seconds, peak memory, its variants."""
    command = whatif_command(time_limit, seed, workers, cold)
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "whatif.json"
        with open(output, "w", encoding="utf-8") as stream:
            code, seconds, peak = run_child(command, 600.0, 8 * 1024**3, stdout=stream)
        try:
            variants = json.loads(output.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            variants = []
    if not isinstance(variants, list):
        variants = []
    entries = [variant for variant in variants if isinstance(variant, dict)]
    return {
        "command": shown_command(command),
        "mode": "cold" if cold else "warm",
        "seed": seed,
        "workers": workers,
        "exit_code": code,
        "seconds": round(seconds, 2),
        "peak_mib": round(peak, 1),
        "variants": len(entries),
        "statuses": sorted({str(entry.get("status")) for entry in entries}),
        "objectives": [entry.get("objective") for entry in entries],
        "warm_started": sum(1 for entry in entries if entry.get("hint_from")),
    }


def summarise_whatif(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Warm against cold what-if runs: medians of each, the saving, the target judged on warm."""
    summary: dict[str, Any] = {"runs": runs}
    for mode in ("warm", "cold"):
        group = [run for run in runs if run["mode"] == mode]
        if not group:
            continue
        summary[mode] = {
            "command": group[0]["command"],
            "seconds": round(statistics.median(run["seconds"] for run in group), 2),
            "each": [run["seconds"] for run in group],
            "variants": min(run["variants"] for run in group),
            "statuses": sorted({status for run in group for status in run["statuses"]}),
            "peak_mib": max(run["peak_mib"] for run in group),
            "warm_started": max(run["warm_started"] for run in group),
            "exit_codes": sorted({run["exit_code"] for run in group}),
            "seeds": len(group),
        }
    warm, cold = summary.get("warm"), summary.get("cold")
    first = runs[0] if runs else {}
    summary["command"] = warm["command"] if warm else first.get("command", "")
    summary["workers"] = first.get("workers")
    # the target is the warm-started what-if (the command's default)
    summary["met"] = bool(
        warm is not None
        and warm["exit_codes"] == [0]
        and warm["variants"] == WHATIF_VARIANTS
        and warm["seconds"] <= WHATIF_SECONDS
    )
    if warm is not None and cold is not None and cold["seconds"] > 0:
        saving = cold["seconds"] - warm["seconds"]
        summary["saving_seconds"] = round(saving, 2)
        summary["saving_percent"] = round(100 * saving / cold["seconds"], 1)
        summary["warm_saves_time"] = saving > 0
        # warm starts must not change what the variants reach: same objectives as cold
        summary["same_objectives"] = all(
            run["objectives"] == other["objectives"]
            for run in runs
            for other in runs
            if run["mode"] == "warm" and other["mode"] == "cold"
        )
    return summary


def run_whatif(time_limit: float | None, seeds: int, workers: int) -> dict[str, Any]:
    """The 9-variant what-if on the 60-teacher school, warm-started and cold, for each seed."""
    runs = []
    for seed in range(seeds):
        # alternate, so that a change in the machine's load falls on both
        for cold in (False, True):
            run = run_whatif_once(time_limit, seed, workers, cold)
            runs.append(run)
            print(
                f"what-if {run['mode']:4} seed {seed}: {run['variants']} variants "
                f"({', '.join(run['statuses'])}) in {run['seconds']:7.2f} s, "
                f"{run['peak_mib']:7.1f} MiB (exit {run['exit_code']})",
                file=sys.stderr,
                flush=True,
            )
    summary = summarise_whatif(runs)
    summary["time_limit"] = time_limit
    return summary


# --- the README's measured sections -------------------------------------------------------------

README = ROOT / "benchmarks" / "README.md"
WHATIF_TARGET = "9-variant what-if on 60 teachers in <= 60 s (warm starts)"
WHATIF_SAVING_TARGET = "warm starts save time against cold starts (the same what-if with `--cold`)"


def whatif_target_rows(whatif: dict[str, Any] | None) -> list[str]:
    """The what-if's two rows of the targets table: its time (warm), and warm against cold."""
    if whatif is None or "warm" not in whatif:
        return [
            f"| 9 | {WHATIF_TARGET} | not measured (run with `--whatif`) | |",
            f"| 9 | {WHATIF_SAVING_TARGET} | not measured (run with `--whatif`) | |",
        ]
    warm = whatif["warm"]
    mark = "**met**" if whatif["met"] else "**not met**"
    rows = [
        f"| 9 | {WHATIF_TARGET} | `{warm['command']}`: {warm['variants']} variants "
        f"({', '.join(warm['statuses'])}) in {warm['seconds']:.2f} s (median of {warm['seeds']}), "
        f"peak {warm['peak_mib']:,.0f} MiB | {mark} |"
    ]
    cold = whatif.get("cold")
    if cold is None:
        rows.append(f"| 9 | {WHATIF_SAVING_TARGET} | not measured (no cold runs) | |")
        return rows
    mark = "**met**" if whatif["warm_saves_time"] else "**not met**"
    agree = (
        "the same objective in every variant"
        if whatif["same_objectives"]
        else "objectives differ between warm and cold"
    )
    rows.append(
        f"| 9 | {WHATIF_SAVING_TARGET} | warm {warm['seconds']:.2f} s against cold "
        f"{cold['seconds']:.2f} s (medians of {cold['seeds']}): saves "
        f"{whatif['saving_seconds']:.2f} s ({whatif['saving_percent']:.0f} %), {agree} | {mark} |"
    )
    return rows


def whatif_section(whatif: dict[str, Any], info: dict[str, Any]) -> str:
    """The README's what-if block: warm-started against cold, seed by seed."""
    lines = [
        f"Measured {info['date'][:10]} on {info['cores']} cores"
        + (f", load average {info['load_average'][0]}" if info.get("load_average") else "")
        + f"; `--workers {whatif['workers']}`, "
        + (
            f"`--time-limit {whatif['time_limit']:g}` per variant."
            if whatif.get("time_limit") is not None
            else "the command's default time limit per variant."
        ),
        "",
        "| start | command | seconds (median) | each seed | variants | status "
        "| warm-started variants | peak MiB |",
        "|---|---|---:|---|---:|---|---:|---:|",
    ]
    for mode in ("warm", "cold"):
        group = whatif.get(mode)
        if group is None:
            continue
        lines.append(
            f"| {mode} | `{group['command']}` | {group['seconds']:.2f} | "
            + ", ".join(f"{seconds:.2f}" for seconds in group["each"])
            + f" | {group['variants']} | {', '.join(group['statuses'])} | "
            f"{group['warm_started']} | {group['peak_mib']:,.0f} |"
        )
    if "saving_seconds" in whatif:
        lines += [
            "",
            f"Warm starts {'save' if whatif['saving_seconds'] > 0 else 'cost'} "
            f"{abs(whatif['saving_seconds']):.2f} s against the cold "
            f"{whatif['cold']['seconds']:.2f} s ({abs(whatif['saving_percent']):.0f} %); "
            + (
                "every variant reaches the same objective either way."
                if whatif["same_objectives"]
                else "some variants reach a different objective warm than cold."
            ),
        ]
    return "\n".join(lines) + "\n"


@dataclass
class WorkersRow:
    """One instance at one worker count (medians over seeds), with its speed-up."""

    instance: str
    teachers: int
    workers: int
    status: str
    objective: float | None
    bound: float | None
    gap_percent: float | None
    seconds: float
    peak_mib: float
    speed_up: float | None
    seeds: int


def workers_rows(runs: list[Run]) -> list[WorkersRow]:
    """Time against worker count for each instance; the speed-up is against the fewest workers."""
    rows = []
    for instance in dict.fromkeys(run.instance for run in runs):
        own = [run for run in runs if run.instance == instance]
        seconds = {
            count: statistics.median(run.seconds for run in own if run.workers == count)
            for count in sorted({run.workers for run in own})
        }
        base = seconds[min(seconds)]
        for count, median in seconds.items():
            group = [run for run in own if run.workers == count]
            rows.append(
                WorkersRow(
                    instance=instance,
                    teachers=group[0].teachers,
                    workers=count,
                    status="/".join(sorted({run.status for run in group})),
                    objective=median_or_none([run.objective for run in group]),
                    bound=median_or_none([run.bound for run in group]),
                    gap_percent=median_or_none([run.gap_percent for run in group]),
                    seconds=round(median, 2),
                    peak_mib=max(run.peak_mib for run in group),
                    speed_up=round(base / median, 2) if median > 0 else None,
                    seeds=len(group),
                )
            )
    return rows


def workers_section(rows: list[WorkersRow], info: dict[str, Any], command: str) -> str:
    """The README's workers block: seconds, status, gap, peak memory and speed-up per worker count."""
    seeds = max((row.seeds for row in rows), default=0)
    lines = [
        f"Measured {info['date'][:10]} on {info['cores']} cores ({info['platform']}), Python "
        f"{info['python']}, OR-Tools {info['ortools']}, pairwise {info['pairwise']}"
        + (f", load average {info['load_average'][0]}" if info.get("load_average") else "")
        + f"; medians of {seeds} seed{'s' if seeds != 1 else ''}, `{command}`.",
        "",
        "| instance | teachers | workers | status | objective | bound | gap % | seconds | peak MiB "
        "| speed-up |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.instance} | {row.teachers:,} | {row.workers} | {row.status} | "
            f"{fmt(row.objective)} | {fmt(row.bound)} | {fmt(row.gap_percent, 2)} | "
            f"{row.seconds:.2f} | {row.peak_mib:,.0f} | "
            + (f"{row.speed_up:.2f}×" if row.speed_up is not None else "—")
            + " |"
        )
    return "\n".join(lines) + "\n"


def readme_sections(
    summaries: list[Summary], extras: dict[str, Any], info: dict[str, Any], seeds: int
) -> dict[str, str]:
    """The measured parts of benchmarks/README.md: the table, the targets, the greedy's shortfall."""
    heading = (
        f"Measured {info['date'][:10]} on {info['cores']} cores ({info['platform']}), Python "
        f"{info['python']}, OR-Tools {info['ortools']}, pairwise {info['pairwise']}"
        + (f", load average {info['load_average'][0]}" if info.get("load_average") else "")
        + "; "
        f"{seeds} seed{'s' if seeds != 1 else ''} per instance and solver (medians), "
        "`python benchmarks/run.py"
        + (f" --seeds {seeds}" if seeds != 1 else "")
        + (" --whatif" if "whatif" in extras else "")
        + "`.\n\n"
    )
    lines = ["| issue | target | measured | |", "|---|---|---|---|"]
    for verdict in extras["targets"]:
        mark = {True: "**met**", False: "**not met**", None: "not measured"}[verdict["met"]]
        lines.append(
            f"| {verdict['issue']} | {verdict['target']} | {verdict['measured']} | {mark} |"
        )
    lines += whatif_target_rows(extras.get("whatif"))
    shortfall = [
        "| instance | teachers | greedy | random pairs | pairwise | pairwise status | greedy ÷ pairwise |"
        " random ÷ pairwise |",
        "|---|---:|---:|---:|---:|---|---:|---:|",
    ]
    by_key = {(s.instance, s.solver): s for s in summaries}
    for instance in dict.fromkeys(s.instance for s in summaries):
        engine = by_key.get((instance, "pairwise"))
        greedy = by_key.get((instance, "greedy"))
        drawn = by_key.get((instance, "random_pairs"))
        if engine is None or engine.objective is None or greedy is None:
            continue

        def share(other: Summary | None, engine: Summary = engine) -> str:
            if (
                other is None
                or other.objective is None
                or not engine.objective
                or engine.objective <= 0
            ):
                return "—"
            return f"{100 * other.objective / engine.objective:.0f} %"

        shortfall.append(
            f"| {instance} | {engine.teachers:,} | {fmt(greedy.objective)} | "
            f"{fmt(drawn.objective if drawn else None)} | {fmt(engine.objective)} | {engine.status} "
            f"(gap {fmt(engine.gap_percent, 2)} %) | {share(greedy)} | {share(drawn)} |"
        )
    sections = {
        "results": heading + markdown_table(summaries),
        "targets": "\n".join(lines) + "\n",
        "shortfall": "\n".join(shortfall) + "\n",
    }
    # the what-if block keeps its last measured figures when this run did not time it
    if "warm" in extras.get("whatif", {}):
        sections["whatif"] = whatif_section(extras["whatif"], info)
    return sections


def update_readme(sections: dict[str, str], path: Path = README) -> None:
    """Replace each `<!-- NAME -->`…`<!-- /NAME -->` block of the README with its measured text."""
    from pairwise.files import write_atomic

    text = path.read_text(encoding="utf-8")
    for name, body in sections.items():
        start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
        if start not in text or end not in text:
            raise SystemExit(f"{path}: no {start} ... {end} block to fill")
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        text = f"{before}{start}\n{body}{end}{after}"
    write_atomic(path, text)


# --- command line -------------------------------------------------------------------------------


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", nargs="*", default=list(DEFAULT_INSTANCES))
    parser.add_argument("--solvers", default=",".join(SOLVERS))
    parser.add_argument("--time-limit", type=float, default=None, help="seconds per solve (all)")
    parser.add_argument("--seeds", type=int, default=1, help="seeds per instance and solver")
    parser.add_argument("--workers", default="2", help="CP-SAT workers, or a list: 1,2")
    parser.add_argument("--whatif", action="store_true", help="also time a 9-variant what-if")
    parser.add_argument(
        "--large",
        action="store_true",
        help="the large rosters instead (generated by `pairwise generate`; benchmarks/large.py)",
    )
    parser.add_argument(
        "--no-speed-up",
        action="store_true",
        help="with --large: skip the one-worker run that gives district-20000's speed-up",
    )
    parser.add_argument(
        "--replan",
        action="store_true",
        help="the re-planning scenarios only (benchmarks/replan.py)",
    )
    parser.add_argument(
        "--memory-limit",
        type=float,
        default=8.0,
        help="GiB: a solve whose processes hold more is killed (the machine may be shared)",
    )
    parser.add_argument("--name", default="latest", help="file name of the results")
    parser.add_argument("--results", default=str(RESULTS), help="folder for the results")
    parser.add_argument("--no-chart", action="store_true")
    parser.add_argument(
        "--update-readme", action="store_true", help="write the measured sections of the README"
    )
    parser.add_argument("--readme", default=str(README), help=argparse.SUPPRESS)
    # the child's own arguments
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--instance", help=argparse.SUPPRESS)
    parser.add_argument("--solver", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--report", help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    arguments.argv = list(sys.argv[1:] if argv is None else argv)
    arguments.instances_given = arguments.instances != list(DEFAULT_INSTANCES)
    if arguments.large and arguments.name == "latest":
        arguments.name = "large"
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    if arguments.replan:
        from benchmarks.replan import main as replan_main

        instance = arguments.instances[0] if arguments.instances != list(DEFAULT_INSTANCES) else ""
        return replan_main(
            [instance or "secondary-150", "--time-limit", str(arguments.time_limit or 60.0)]
        )
    if arguments.child:
        arguments.workers = int(arguments.workers)
        return child_main(arguments)
    if arguments.large:
        from benchmarks.large import run_large

        return run_large(arguments)
    solvers = [name.strip() for name in arguments.solvers.split(",") if name.strip()]
    unknown = [name for name in solvers if name not in SOLVERS]
    if unknown:
        print(f"unknown solver {', '.join(unknown)} (known: {', '.join(SOLVERS)})", file=sys.stderr)
        return 2
    worker_counts = [int(part) for part in str(arguments.workers).split(",")]
    runs: list[Run] = []
    for instance in arguments.instances:
        limit = arguments.time_limit or TIME_LIMITS.get(instance, 30.0)
        for solver in solvers:
            counts = worker_counts if solver == "pairwise" else [worker_counts[0]]
            for workers in counts:
                for seed in range(arguments.seeds):
                    run = measure(instance, solver, seed, limit, workers, arguments.memory_limit)
                    if len(counts) > 1:
                        run.solver = f"{solver} ×{workers}"
                    runs.append(run)
                    print(
                        f"{instance:28} {run.solver:14} seed {seed}: {run.status:10} "
                        f"{fmt(run.objective):>8} in {run.seconds:7.2f} s, "
                        f"{run.peak_mib:7.1f} MiB, checker {run.checker}"
                        + (f" ({run.error})" if run.error else ""),
                        file=sys.stderr,
                        flush=True,
                    )
    summaries = summarise(runs)
    extras: dict[str, Any] = {"targets": judge(TARGETS, summaries)}
    several_counts = len(worker_counts) > 1 and "pairwise" in solvers
    if several_counts:
        extras["workers"] = [asdict(row) for row in workers_rows(runs)]
    if arguments.whatif:
        extras["whatif"] = run_whatif(arguments.time_limit, arguments.seeds, worker_counts[0])
    print_table(summaries, f"pairwise benchmarks ({os.cpu_count()} cores)")
    for verdict in extras["targets"]:
        mark = {True: "met", False: "NOT met", None: "not measured"}[verdict["met"]]
        print(f"issue {verdict['issue']}: {verdict['target']}: {mark} — {verdict['measured']}")
    if "warm" in extras.get("whatif", {}):
        whatif = extras["whatif"]
        warm, cold = whatif["warm"], whatif.get("cold")
        print(
            f"issue 9: {WHATIF_TARGET}: {'met' if whatif['met'] else 'NOT met'} — "
            f"{warm['variants']} variants in {warm['seconds']:.2f} s (median of {warm['seeds']}, "
            f"exit {', '.join(str(code) for code in warm['exit_codes'])})"
            + (
                f"; cold {cold['seconds']:.2f} s, warm starts save "
                f"{whatif['saving_seconds']:.2f} s ({whatif['saving_percent']:.0f} %)"
                if cold is not None
                else ""
            )
        )
    for row in extras.get("workers", []):
        print(
            f"{row['instance']} with {row['workers']} worker{'s' if row['workers'] != 1 else ''}: "
            f"{row['status']}, gap {fmt(row['gap_percent'], 2)} %, {row['seconds']:.2f} s, "
            f"peak {row['peak_mib']:,.0f} MiB, speed-up {fmt(row['speed_up'], 2)}×"
        )
    written = write_results(
        runs, summaries, extras, Path(arguments.results), arguments.name, not arguments.no_chart
    )
    if arguments.update_readme:
        info = machine()
        if several_counts:
            # a run over worker counts fills only the workers block; the main table stays
            command = shlex.join(["python", "benchmarks/run.py", *arguments.argv])
            sections = {"workers": workers_section(workers_rows(runs), info, command)}
        else:
            sections = readme_sections(summaries, extras, info, arguments.seeds)
        update_readme(sections, Path(arguments.readme))
        written.append(Path(arguments.readme))
    for path in written:
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Service benchmark: concurrent solve jobs from several tenants through `pairwise serve`, every
plan checked, against the in-process call.

    python benchmarks/service.py [--jobs 50] [--tenants 5] [--workers 2] [--instance school-30]
                                 [--sequential 10] [--update-readme]

1. In process: `pairwise.solve(roster, workers=1)` (the roster already loaded, one CP-SAT worker
   as each service job has), `--sequential` times; the median is the in-process call.
2. One job at a time through the service (`--sequential` jobs, each right after an in-process
   call, so that a change in the machine's load falls on both): from the POST of the roster to
   the plan read back, the client polling the job every 10 ms. The added latency is the median,
   job by job, of the turnaround less the engine call's own seconds inside the job (the service's
   time around the call); the turnaround less the in-process call is shown beside it.
3. `--jobs` jobs at once from `--tenants` tenants (one token each, one thread per tenant sending
   its jobs together): the wall time until every plan is back, jobs per minute, each job's
   turnaround (median, 95th percentile), and every plan through the checker.

The service runs as `pairwise serve --tokens FILE --workers N` on loopback in its own process
group (started and stopped here). Results go to stdout, `benchmarks/results/service.json`, and
with `--update-readme` to the `service` block of benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from pairwise.checker.entry import check  # noqa: E402
from pairwise.engine.pipeline import solve  # noqa: E402
from pairwise.roster.load import load_roster, plan_from_json  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "benchmarks" / "README.md"
TARGET_ADDED_MS = 100.0
POLL = 0.01


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_service(
    folder: Path, tenants: int, workers: int, jobs: int
) -> tuple[Any, str, list[str]]:
    tokens = [f"token-{index}" for index in range(tenants)]
    tokens_file = folder / "tokens"
    tokens_file.write_text("".join(f"{token} school-{i}\n" for i, token in enumerate(tokens)))
    port = free_port()
    command = [
        sys.executable, "-c", "from pairwise.cli import main; main()", "serve",
        "--port", str(port), "--data", str(folder / "data"), "--tokens", str(tokens_file),
        "--workers", str(workers), "--max-queued", str(max(20, jobs)),
    ]  # fmt: skip
    log = (folder / "service.log").open("wb")
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the service exited: {(folder / 'service.log').read_text()}")
        try:
            if httpx.get(f"{base}/openapi.json", timeout=5).status_code == 200:
                return process, base, tokens
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("the service did not start")


def run_job(client: httpx.Client, text: str, time_limit: float) -> dict[str, Any]:
    """POST a roster, poll until the job ends, read the plan: the turnaround and the result."""
    started = time.perf_counter()
    answer = client.post(
        "/v1/solve",
        params={"time_limit": time_limit},
        content=text,
        headers={"content-type": "application/json"},
    )
    answer.raise_for_status()
    job_id = answer.json()["id"]
    while True:
        view = client.get(f"/v1/jobs/{job_id}").json()
        if view["status"] not in {"queued", "running"}:
            break
        time.sleep(POLL)
    plan_text = client.get(f"/v1/jobs/{job_id}/plan").text if view["has_plan"] else None
    return {
        "id": job_id,
        "turnaround": time.perf_counter() - started,
        "status": view["status"],
        "engine_seconds": view["elapsed"],
        "plan": plan_text,
    }


def in_process(roster: Any, repeats: int, time_limit: float) -> list[float]:
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = solve(roster, time_limit=time_limit, seed=0, workers=1)
        seconds.append(time.perf_counter() - started)
        assert result.plan is not None and check(roster, result.plan).ok
    return seconds


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=50)
    parser.add_argument("--tenants", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2, help="jobs at once in the service")
    parser.add_argument("--instance", default="school-30")
    parser.add_argument("--sequential", type=int, default=10)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--update-readme", action="store_true")
    parser.add_argument("--results", default=str(RESULTS), help="folder for service.json")
    parser.add_argument("--readme", default=str(README), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    roster_path = ROOT / "instances" / f"{arguments.instance}.json"
    roster = load_roster(roster_path)
    text = roster_path.read_text()

    with tempfile.TemporaryDirectory(prefix="pairwise-service-bench-") as folder:
        process, base, tokens = start_service(
            Path(folder), arguments.tenants, arguments.workers, arguments.jobs
        )
        try:
            clients = [
                httpx.Client(base_url=base, headers={"Authorization": f"Bearer {t}"}, timeout=600)
                for t in tokens
            ]
            run_job(clients[0], text, arguments.time_limit)  # the pool's processes start
            in_process(roster, 1, arguments.time_limit)  # and the engine loads here
            # in turn, so that a change in the machine's load falls on both alike
            local: list[float] = []
            sequential: list[dict[str, Any]] = []
            for _ in range(arguments.sequential):
                local += in_process(roster, 1, arguments.time_limit)
                sequential.append(run_job(clients[0], text, arguments.time_limit))
            outcomes: list[dict[str, Any]] = []
            lock = threading.Lock()
            per_tenant = [
                arguments.jobs // arguments.tenants + (i < arguments.jobs % arguments.tenants)
                for i in range(arguments.tenants)
            ]

            def tenant(index: int) -> None:
                jobs = [
                    threading.Thread(
                        target=lambda: _keep(
                            outcomes, lock, clients[index], text, arguments.time_limit
                        )
                    )
                    for _ in range(per_tenant[index])
                ]
                for job in jobs:
                    job.start()
                for job in jobs:
                    job.join()

            started = time.perf_counter()
            threads = [threading.Thread(target=tenant, args=(i,)) for i in range(arguments.tenants)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - started
            for client in clients:
                client.close()
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(60)
    checked = 0
    for outcome in [*sequential, *outcomes]:
        assert outcome["plan"] is not None, outcome
        report = check(roster, plan_from_json(outcome["plan"]))
        assert report.ok, report.violations
        checked += 1
    summary = _summary(arguments, local, sequential, outcomes, wall, checked)
    _print(summary)
    results = Path(arguments.results)
    results.mkdir(parents=True, exist_ok=True)
    (results / "service.json").write_text(json.dumps(summary, indent=2) + "\n")
    if arguments.update_readme:
        _update_readme(summary, Path(arguments.readme))


def _keep(
    outcomes: list[dict[str, Any]],
    lock: threading.Lock,
    client: httpx.Client,
    text: str,
    time_limit: float,
) -> None:
    outcome = run_job(client, text, time_limit)
    with lock:
        outcomes.append(outcome)


def _summary(
    arguments: argparse.Namespace,
    local: list[float],
    sequential: list[dict[str, Any]],
    outcomes: list[dict[str, Any]],
    wall: float,
    checked: int,
) -> dict[str, Any]:
    local_median = statistics.median(local)
    one_at_a_time = [outcome["turnaround"] for outcome in sequential]
    engine = [outcome["engine_seconds"] for outcome in sequential]
    turnarounds = [outcome["turnaround"] for outcome in outcomes]
    # the service's own time around the engine call: each job's turnaround less the engine's
    # seconds inside it (the same call, timed where it ran)
    added_ms = 1000 * statistics.median(
        service - inside for service, inside in zip(one_at_a_time, engine, strict=True)
    )
    versus_local_ms = 1000 * statistics.median(
        service - alone for service, alone in zip(one_at_a_time, local, strict=True)
    )
    return {
        "date": dt.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores ({platform.platform()})",
        "load_average": round(os.getloadavg()[0], 2),
        "command": "python benchmarks/service.py " + shlex.join(sys.argv[1:]),
        "instance": arguments.instance,
        "service_workers": arguments.workers,
        "jobs": len(outcomes),
        "tenants": arguments.tenants,
        "statuses": sorted({outcome["status"] for outcome in outcomes}),
        "plans_checked": checked,
        "in_process_median_s": round(local_median, 3),
        "sequential_turnaround_median_s": round(statistics.median(one_at_a_time), 3),
        "sequential_engine_median_s": round(statistics.median(engine), 3),
        "added_latency_ms": round(added_ms, 1),
        "against_in_process_ms": round(versus_local_ms, 1),
        "target_added_ms": TARGET_ADDED_MS,
        "concurrent_wall_s": round(wall, 2),
        "jobs_per_minute": round(60 * len(outcomes) / wall, 1),
        "ideal_wall_s": round(len(outcomes) * local_median / arguments.workers, 2),
        "turnaround_median_s": round(statistics.median(turnarounds), 2),
        "turnaround_p95_s": round(percentile(turnarounds, 0.95), 2),
    }


def _print(summary: dict[str, Any]) -> None:
    for key, value in summary.items():
        print(f"{key:32} {value}")


def _update_readme(summary: dict[str, Any], readme: Path) -> None:
    met = "met" if summary["added_latency_ms"] < summary["target_added_ms"] else "NOT met"
    block = "\n".join(
        [
            f"Measured {summary['date']} on {summary['machine']}, load average "
            f"{summary['load_average']} (a machine shared with other work: figures are noisy), "
            f"`{summary['command']}`.",
            "",
            "| measure | value |",
            "|---|---|",
            f"| jobs at once / tenants / service workers | {summary['jobs']} / {summary['tenants']} / {summary['service_workers']} |",
            f"| statuses, plans through the checker | {', '.join(summary['statuses'])}; {summary['plans_checked']} ok |",
            f"| in-process call (median) | {summary['in_process_median_s']} s |",
            f"| one job at a time, POST to plan read back (median) | {summary['sequential_turnaround_median_s']} s (engine {summary['sequential_engine_median_s']} s) |",
            f"| **added latency per job**: turnaround less the engine call inside it, median (target < {summary['target_added_ms']:g} ms) | **{summary['added_latency_ms']} ms** ({met}) |",
            f"| turnaround less the in-process call just before it, median | {summary['against_in_process_ms']} ms |",
            f"| {summary['jobs']} concurrent jobs: wall time | {summary['concurrent_wall_s']} s (ideal {summary['ideal_wall_s']} s: jobs × in-process call / workers) |",
            f"| throughput | {summary['jobs_per_minute']} jobs per minute |",
            f"| turnaround per job, median / 95th percentile | {summary['turnaround_median_s']} s / {summary['turnaround_p95_s']} s |",
        ]
    )
    text = readme.read_text()
    start, end = "<!-- service -->", "<!-- /service -->"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(f"{head}{start}\n{block}\n{end}{tail}")


if __name__ == "__main__":
    main()

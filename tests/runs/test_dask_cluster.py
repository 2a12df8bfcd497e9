"""A real Dask cluster on loopback: `dask scheduler` and one `dask worker`, started and always stopped.

The district and the what-if variants go through `--scheduler tcp://127.0.0.1:PORT` exactly as on
machines elsewhere; the worker runs in the same environment, so it imports `pairwise` (and, through
PYTHONPATH, this repository's test stand-ins).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from pairwise.cli.app import main
from pairwise.generate.rosters import generate_roster
from pairwise.roster.load import load_plan
from pairwise.roster.models import Roster
from pairwise.runs import executor
from pairwise.runs.district.solve import solve_district
from pairwise.runs.executor import DaskExecutor
from pairwise.runs.whatif import parse_axes, run_whatif, variant_roster
from tests.builders import greedy_engine
from tests.helpers import assert_plan_valid, load_fixture

distributed = pytest.importorskip("distributed")

REPOSITORY = Path(__file__).resolve().parents[2]
DASK = Path(sys.executable).with_name("dask")
STARTUP_SECONDS = 90.0

pytestmark = pytest.mark.slow


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Ask a process to stop, then make sure it has."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def scheduler_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A scheduler and one single-threaded worker on 127.0.0.1, on ports the system picks."""
    if not DASK.exists():
        pytest.skip(f"no dask command beside {sys.executable}")
    folder = tmp_path_factory.mktemp("dask")
    scheduler_file = folder / "scheduler.json"
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(REPOSITORY), *filter(None, [environment.get("PYTHONPATH")])]
    )
    with (folder / "scheduler.log").open("wb") as scheduler_log:
        scheduler = subprocess.Popen(
            [
                str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0",
                "--no-dashboard", "--scheduler-file", str(scheduler_file),
            ],
            stdout=scheduler_log, stderr=subprocess.STDOUT, env=environment, cwd=folder,
        )  # fmt: skip
    worker: subprocess.Popen[bytes] | None = None
    try:
        address = _wait_for_address(scheduler_file, scheduler)
        with (folder / "worker.log").open("wb") as worker_log:
            worker = subprocess.Popen(
                [
                    str(DASK), "worker", address, "--host", "127.0.0.1",
                    "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                ],
                stdout=worker_log, stderr=subprocess.STDOUT, env=environment, cwd=folder,
            )  # fmt: skip
        with distributed.Client(address, timeout="30s") as client:
            client.wait_for_workers(1, timeout=STARTUP_SECONDS)
        yield address
    finally:
        if worker is not None:
            _stop(worker)
        _stop(scheduler)


def _wait_for_address(scheduler_file: Path, scheduler: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if scheduler.poll() is not None:
            pytest.fail(f"dask scheduler exited with {scheduler.returncode}")
        if scheduler_file.exists():
            try:
                return str(json.loads(scheduler_file.read_text())["address"])
            except (ValueError, KeyError):
                pass  # written but not complete yet
        time.sleep(0.2)
    pytest.fail("dask scheduler did not start in time")


@pytest.fixture(scope="module")
def four_schools() -> Roster:
    """Four schools of 10 to 24 teachers whose coaches also visit other schools."""
    return generate_roster(60, schools=4, kind="mixed", seed=4)


def test_the_cluster_reports_its_slots_and_share_of_cores(scheduler_address: str) -> None:
    with DaskExecutor(scheduler_address) as executor:
        assert executor.slots == 1  # one worker, one thread
        assert executor.cores_per_task == max(1, os.cpu_count() or 1)
    with DaskExecutor(scheduler_address, max_cores_per_task=1) as capped:
        assert capped.cores_per_task == 1


def test_a_district_solved_on_the_cluster_passes_the_checker(
    scheduler_address: str, four_schools: Roster
) -> None:
    result = solve_district(four_schools, time_limit=30, scheduler=scheduler_address)
    assert result.plan is not None and result.objective is not None and result.bound is not None
    assert_plan_valid(four_schools, result.plan)
    assert result.stats["schools"] == 4
    assert result.stats["parallel_tasks"] == 1
    assert result.bound >= result.objective


def test_the_cluster_and_the_embedded_pool_give_the_same_plan(
    scheduler_address: str, four_schools: Roster
) -> None:
    # the same tasks, each with one CP-SAT worker, wherever they run
    remote = solve_district(
        four_schools, time_limit=20, workers=1, scheduler=scheduler_address, solver=greedy_engine
    )
    local = solve_district(four_schools, time_limit=20, workers=2, solver=greedy_engine)
    assert remote.plan is not None and local.plan is not None
    assert_plan_valid(four_schools, remote.plan)
    local.plan.seconds = remote.plan.seconds
    assert local.plan.as_json() == remote.plan.as_json()


def test_pairwise_solve_sends_a_district_to_the_scheduler(
    scheduler_address: str, four_schools: Roster, tmp_path: Path
) -> None:
    roster_path = tmp_path / "district.json"
    roster_path.write_text(four_schools.as_json())
    plan_path = tmp_path / "plan.json"
    result = CliRunner().invoke(
        main,
        [
            "solve", str(roster_path), "-o", str(plan_path), "--time-limit", "30",
            "--scheduler", scheduler_address, "--quiet",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert_plan_valid(four_schools, load_plan(plan_path))


def test_an_address_with_nothing_listening_exits_2_naming_the_scheduler(
    four_schools: Roster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(executor, "CONNECT_TIMEOUT", "1s")
    roster_path = tmp_path / "district.json"
    roster_path.write_text(four_schools.as_json())
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(
        main,
        ["solve", str(roster_path), "--scheduler", f"tcp://127.0.0.1:{port}", "--quiet"],
    )
    assert result.exit_code == 2
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in result.output


def test_whatif_variants_run_on_the_cluster(scheduler_address: str) -> None:
    roster = load_fixture("oakridge-tiny")
    axes = parse_axes(["cover_per_period=0:2"])
    outcomes = run_whatif(
        roster, axes, time_limit=5, scheduler=scheduler_address, solver=greedy_engine
    )
    assert [outcome.variant for outcome in outcomes] == [{"cover_per_period": c} for c in (0, 1, 2)]
    assert [outcome.hint_from for outcome in outcomes] == [
        None,
        {"cover_per_period": 0},
        {"cover_per_period": 1},
    ]
    for outcome in outcomes:
        assert outcome.plan is not None
        assert_plan_valid(variant_roster(roster, outcome.variant), outcome.plan)

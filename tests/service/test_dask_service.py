"""`pairwise serve --scheduler`: jobs on a real Dask cluster on loopback, their progress and best
plans back through the cluster, and a stop that reaches the worker."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.runs.test_dask_cluster import scheduler_address  # noqa: F401  (the cluster fixture)
from tests.service.server import FINISHED, Servers, wait_for
from tests.service.test_stop_and_restart import assert_job_plan_valid, solve, wait_for_plan

pytestmark = pytest.mark.slow


def test_a_job_on_the_cluster(servers: Servers, tmp_path: Path, scheduler_address: str) -> None:  # noqa: F811
    server = servers.start(tmp_path / "data", "--scheduler", scheduler_address)
    client = server.client()
    job = solve(client, "school-30", 30)
    view = wait_for(client, job, FINISHED)
    assert view["status"] == "optimal", view["errors"]
    assert_job_plan_valid(client, job, "school-30")


def test_a_job_on_the_cluster_stops_with_its_plan(
    servers: Servers,
    tmp_path: Path,
    scheduler_address: str,  # noqa: F811
) -> None:
    server = servers.start(tmp_path / "data", "--scheduler", scheduler_address, standin=True)
    client = server.client()
    job = solve(client, "school-30", 600)
    wait_for_plan(client, job)  # the stand-in's plan came back through the cluster
    client.delete(f"/v1/jobs/{job}")
    view = wait_for(client, job, FINISHED, seconds=60)
    assert view["status"] == "cancelled"
    assert_job_plan_valid(client, job, "school-30")

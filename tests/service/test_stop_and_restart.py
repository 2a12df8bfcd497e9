"""Stopping jobs, and what a restart keeps: finished plans always; a job that was running comes
back `interrupted` with its best plan (also after kill -9) and can be resumed.

The stand-in engine (`tests.service.standins.patient_solver`) finds its plan at once and then
waits out its time limit unless stopped, so every moment below is on cue."""

from __future__ import annotations

import signal
from pathlib import Path

from pairwise.roster.load import plan_from_json, roster_from_json
from tests.helpers import assert_plan_valid
from tests.service.server import FINISHED, Servers, roster_text, wait_for


def solve(client, name: str, time_limit: float) -> str:
    answer = client.post(
        "/v1/solve",
        params={"time_limit": time_limit},
        content=roster_text(name),
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 202, answer.text
    job_id: str = answer.json()["id"]
    return job_id


def wait_for_plan(client, job_id: str) -> dict:
    """The running job's view once its best plan so far has reached the store."""
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        view = client.get(f"/v1/jobs/{job_id}").json()
        if view["status"] == "running" and view["has_plan"] and view["objective"] is not None:
            return view
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} never showed a plan while running: {view}")


def assert_job_plan_valid(client, job_id: str, name: str) -> None:
    plan = plan_from_json(client.get(f"/v1/jobs/{job_id}/plan").text)
    assert_plan_valid(roster_from_json(roster_text(name)), plan)


def test_stop_a_running_job_keeps_its_plan_and_a_queued_one_never_runs(
    servers: Servers, tmp_path: Path
) -> None:
    server = servers.start(tmp_path / "data", standin=True, workers=1)
    client = server.client()
    running = solve(client, "school-30", 600)
    queued = solve(client, "tiny-7", 600)
    wait_for_plan(client, running)
    assert client.get(f"/v1/jobs/{queued}").json()["status"] == "queued"
    # the queued one first: it ends at once, with nothing
    stopped = client.delete(f"/v1/jobs/{queued}").json()
    assert stopped["status"] == "cancelled"
    assert stopped["has_plan"] is False
    assert client.get(f"/v1/jobs/{queued}/plan").status_code == 409
    client.delete(f"/v1/jobs/{running}")
    view = wait_for(client, running, FINISHED, seconds=30)
    assert view["status"] == "cancelled"
    assert view["has_plan"] is True
    assert_job_plan_valid(client, running, "school-30")
    # a cancelled job resumes, and stops again on request
    resumed = client.post(f"/v1/jobs/{running}/resume")
    assert resumed.status_code == 202
    wait_for(client, running, {"running"})
    client.delete(f"/v1/jobs/{running}")
    assert wait_for(client, running, FINISHED, seconds=30)["status"] == "cancelled"
    finished = client.post(f"/v1/jobs/{queued}/resume")
    assert finished.status_code == 202  # cancelled while queued: resumable too
    client.delete(f"/v1/jobs/{queued}")


def test_restart_keeps_finished_plans(servers: Servers, tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = servers.start(data, workers=2)
    client = first.client()
    job_id = solve(client, "school-30", 30)
    view = wait_for(client, job_id, FINISHED)
    assert view["status"] == "optimal"
    plan_text = client.get(f"/v1/jobs/{job_id}/plan").text
    # uvicorn shuts down gracefully, then ends by the signal it caught
    assert first.stop() in {0, -signal.SIGTERM}
    second = servers.start(data, workers=2)
    again = second.client()
    assert again.get(f"/v1/jobs/{job_id}").json() == view
    assert again.get(f"/v1/jobs/{job_id}/plan").text == plan_text
    assert_job_plan_valid(again, job_id, "school-30")
    # a finished job does not resume
    assert again.post(f"/v1/jobs/{job_id}/resume").status_code == 409


def test_kill_9_leaves_the_running_job_interrupted_with_its_plan(
    servers: Servers, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    first = servers.start(data, standin=True, workers=1)
    client = first.client()
    running = solve(client, "school-30", 600)
    waiting = solve(client, "tiny-7", 1)
    wait_for_plan(client, running)
    first.kill()  # SIGKILL to the service and its worker processes at once
    second = servers.start(data, standin=True, workers=1)
    client = second.client()
    view = client.get(f"/v1/jobs/{running}").json()
    assert view["status"] == "interrupted"
    assert view["phase"] == "the service stopped while it ran"
    assert view["has_plan"] is True
    assert_job_plan_valid(client, running, "school-30")
    # the queued job was kept in the queue, and runs now
    assert wait_for(client, waiting, FINISHED)["status"] == "feasible"
    assert_job_plan_valid(client, waiting, "tiny-7")
    resumed = client.post(f"/v1/jobs/{running}/resume")
    assert resumed.status_code == 202
    assert resumed.json() == {"id": running, "status": "queued"}
    wait_for(client, running, {"running"})
    client.delete(f"/v1/jobs/{running}")
    final = wait_for(client, running, FINISHED, seconds=30)
    assert final["status"] == "cancelled"
    assert_job_plan_valid(client, running, "school-30")


def test_a_stopping_service_interrupts_its_jobs_and_keeps_their_plans(
    servers: Servers, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    first = servers.start(data, standin=True, workers=1)
    client = first.client()
    running = solve(client, "school-30", 600)
    wait_for_plan(client, running)
    assert first.stop() in {0, -signal.SIGTERM}
    second = servers.start(data, standin=True, workers=1)
    view = second.client().get(f"/v1/jobs/{running}").json()
    assert view["status"] == "interrupted"
    assert view["finished"] is not None
    assert view["phase"] == ""  # ended by the runner, not found running by the next start
    assert_job_plan_valid(second.client(), running, "school-30")

"""Progress back and a stop request out, for tasks in this process and in the embedded pool."""

from __future__ import annotations

import threading
import time
from typing import Any

from pairwise.roster.load import load_roster, plan_from_json
from pairwise.runs.channel import ChannelSolver, ProcessHub, ThreadHub
from pairwise.runs.executor import LocalExecutor, SolveTask
from tests.helpers import assert_plan_valid
from tests.service.standins import patient_solver

INSTANCES = "instances"


def collect(hub: Any, into: list[dict[str, Any]], running: threading.Event) -> threading.Thread:
    thread = threading.Thread(target=hub.pump, args=(into.append, running), daemon=True)
    thread.start()
    return thread


def test_the_engine_reports_through_a_channel_and_stops_on_request() -> None:
    roster = load_roster(f"{INSTANCES}/secondary-150.json")
    hub = ThreadHub()
    notes: list[dict[str, Any]] = []
    running = threading.Event()
    running.set()
    pump = collect(hub, notes, running)
    solver = ChannelSolver(hub.open("job-1"))

    def stop_after_a_plan() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if any("plan" in note for note in notes):
                hub.stop("job-1")
                return
            time.sleep(0.05)

    stopper = threading.Thread(target=stop_after_a_plan, daemon=True)
    stopper.start()
    result = solver(roster, time_limit=120, seed=0, workers=1)
    running.clear()
    pump.join(5)
    stopper.join(5)
    assert result.plan is not None
    assert_plan_valid(roster, result.plan)
    assert {note["key"] for note in notes} == {"job-1"}
    progress = [note for note in notes if "plan" not in note]
    assert progress and all(
        set(note) == {"key", "objective", "bound", "seconds", "phase"} for note in progress
    )
    snapshots = [plan_from_json(note["plan"]) for note in notes if "plan" in note]
    assert snapshots
    for snapshot in snapshots:
        assert_plan_valid(roster, snapshot)
        assert snapshot.objective <= result.plan.objective


def test_a_pool_task_reports_its_plan_and_stops() -> None:
    roster = load_roster(f"{INSTANCES}/school-30.json")
    hub = ProcessHub()
    notes: list[dict[str, Any]] = []
    running = threading.Event()
    running.set()
    pump = collect(hub, notes, running)
    executor = LocalExecutor(1)
    try:
        task = SolveTask(
            key="job-2",
            roster_json=roster.as_json(),
            time_limit=600,
            solver=ChannelSolver(hub.open("job-2"), patient_solver),
        )
        handle = executor.submit(task)
        deadline = time.monotonic() + 60
        while not any("plan" in note for note in notes) and time.monotonic() < deadline:
            time.sleep(0.05)
        hub.stop("job-2")
        outcome = executor.outcome(handle)
    finally:
        executor.close()
        running.clear()
        pump.join(5)
        hub.close()
    assert outcome.error is None and outcome.stats["interrupted"] == 1
    plan = outcome.plan()
    assert plan is not None
    assert_plan_valid(roster, plan)
    assert [note["plan"] for note in notes if "plan" in note] == [plan.as_json()]
    assert any(note.get("phase") == "wait" for note in notes)

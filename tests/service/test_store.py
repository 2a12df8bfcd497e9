"""The job store: queue order, what a restart finds, and a kill -9 in the middle of writing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pairwise.service.store import Finish, JobStore
from tests.service.server import REPOSITORY


def test_queue_order_claims_and_requeue(tmp_path: Path) -> None:
    store = JobStore(tmp_path)
    first = store.create("north", "solve", "{}", {"time_limit": 1, "seed": 0})
    second = store.create("south", "solve", "{}", {"time_limit": 1, "seed": 0})
    third = store.create("north", "solve", "{}", {"time_limit": 1, "seed": 0})
    assert store.queued_count("north") == 2
    assert store.get(first.id, "south") is None  # another tenant's
    claimed = store.claim_next()
    assert claimed is not None and claimed.id == first.id and claimed.status == "running"
    store.request_cancel(second.id)
    assert store.get(second.id).status == "cancelled"  # type: ignore[union-attr]
    store.requeue(second.id)  # back in the queue, behind the third
    assert [store.claim_next().id, store.claim_next().id] == [third.id, second.id]  # type: ignore[union-attr]
    assert store.claim_next() is None
    store.snapshot(first.id, '{"plan": 1}')
    store.finish(first.id, Finish("feasible", objective=5, bound=7, elapsed=1.5))
    job = store.get(first.id)
    assert job is not None and job.status == "feasible" and job.gap == 2 / 7
    assert store.plan_json(first.id) == '{"plan": 1}'  # a run that found no plan keeps the older
    store.close()
    reopened = JobStore(tmp_path)
    assert reopened.interrupted_on_open == 2  # the second and third were running
    assert {job.status for job in reopened.jobs("north")} == {"feasible", "interrupted"}


WRITER = """
import sys
from pairwise.service.store import Finish, JobStore

store = JobStore(sys.argv[1])
plan = "x" * 200_000
print("ready", flush=True)
while True:
    job = store.create("t", "solve", "{}", {"time_limit": 1, "seed": 0})
    store.claim_next()
    store.snapshot(job.id, plan)
    store.finish(job.id, Finish("optimal", objective=1, bound=1, plan_json=plan + job.id))
"""


def test_kill_9_while_writing_loses_nothing_finished(tmp_path: Path) -> None:
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path)],
        cwd=REPOSITORY,
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == b"ready"
    time.sleep(1.5)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(30)
    store = JobStore(tmp_path)
    jobs = store.jobs("t", limit=100_000)
    finished = [job for job in jobs if job.status == "optimal"]
    assert len(finished) >= 3
    for job in finished:
        assert store.plan_json(job.id) == "x" * 200_000 + job.id
    # at most the one job in flight was cut short, and it is interrupted or still queued
    others = [job for job in jobs if job.status != "optimal"]
    assert len(others) <= 1
    assert all(job.status in {"queued", "interrupted"} for job in others)

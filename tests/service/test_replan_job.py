"""POST /v1/replan against a real `pairwise serve`: a teacher leaves mid-year, the re-plan keeps
what happened and passes the checker against the plan in force; bad input is a 422."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pairwise
from pairwise.roster.load import plan_from_json
from pairwise.roster.models import Plan, Roster
from tests.builders import FIRST_MONDAY
from tests.helpers import assert_plan_valid
from tests.runs.test_replan import _school, _with
from tests.service.server import FINISHED, Servers, wait_for

PROBLEM = "application/problem+json"


def school_and_plan() -> tuple[Roster, Plan]:
    roster = _school()
    result = pairwise.solve(roster, time_limit=20, seed=0)
    assert result.plan is not None and result.status == "optimal"
    return roster, result.plan


def test_replan_job_keeps_the_past_and_passes_the_checker(servers: Servers, tmp_path: Path) -> None:
    roster, plan = school_and_plan()
    start = FIRST_MONDAY + dt.timedelta(weeks=8)
    leaver = plan.partnerships[0].members[0]
    updated = _with(roster, leaver, end_date=(start - dt.timedelta(days=1)).isoformat())
    client = servers.start(tmp_path / "data", workers=1).client()
    answer = client.post(
        "/v1/replan",
        params={"from": start.isoformat(), "time_limit": 30},
        json={"roster": json.loads(updated.as_json()), "plan": json.loads(plan.as_json())},
    )
    assert answer.status_code == 202, answer.text
    job = answer.json()["id"]
    view = wait_for(client, job, FINISHED)
    assert view["status"] == "optimal", view
    new = plan_from_json(client.get(f"/v1/jobs/{job}/plan").text)
    assert new.replans is not None
    assert new.replans.start == start.isoformat()
    assert any(leaver in change.why for change in new.replans.changes)
    assert_plan_valid(updated, new, was=plan)
    # the same re-plan as the API gives in process
    local = pairwise.replan(updated, plan, start=start, time_limit=30)
    assert local.plan is not None
    assert new.objective == local.plan.objective
    assert len(new.replans.changes) == len(local.plan.replans.changes)  # type: ignore[union-attr]


def test_replan_of_a_plan_for_another_roster_is_a_422(servers: Servers, tmp_path: Path) -> None:
    roster, plan = school_and_plan()
    other = plan.model_copy(update={"roster": "Another School 2026-27"})
    client = servers.start(tmp_path / "data", workers=1).client()
    answer = client.post(
        "/v1/replan",
        params={"from": (FIRST_MONDAY + dt.timedelta(weeks=8)).isoformat()},
        json={"roster": json.loads(roster.as_json()), "plan": json.loads(other.as_json())},
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith(PROBLEM)
    assert any("Another School" in line for line in answer.json()["errors"]), answer.json()
    missing = client.post("/v1/replan", json={"roster": json.loads(roster.as_json())})
    assert missing.status_code == 422
    assert "plan: required field is missing" in missing.json()["errors"]
    assert client.get("/v1/jobs").json()["jobs"] == []

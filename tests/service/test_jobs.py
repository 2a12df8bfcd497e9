"""The whole job cycle over HTTP against a real `pairwise serve` on loopback: queue, follow live,
read the plan (checked), the report and the exports; bad input as problem details."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from pairwise import template_workbook
from pairwise.roster.load import plan_from_json, roster_from_json
from tests.helpers import assert_plan_valid, fixture_path
from tests.service.server import FINISHED, Servers, roster_text, wait_for

PROBLEM = "application/problem+json"


def events_until_done(client, job_id: str) -> list[tuple[str, dict]]:
    """Every server-sent event of a job, read until the stream ends."""
    events = []
    with client.stream("GET", f"/v1/jobs/{job_id}/events", timeout=120) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        name = ""
        for line in response.iter_lines():
            if line.startswith("event: "):
                name = line[len("event: ") :]
            elif line.startswith("data: "):
                events.append((name, json.loads(line[len("data: ") :])))
    return events


def test_solve_cycle_json(servers: Servers, tmp_path: Path) -> None:
    server = servers.start(tmp_path / "data", workers=2)
    client = server.client()
    text = roster_text("school-30")
    answer = client.post(
        "/v1/solve",
        params={"time_limit": 30, "seed": 0},
        content=text,
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 202, answer.text
    created = answer.json()
    assert created["status"] == "queued"
    assert answer.headers["location"] == f"/v1/jobs/{created['id']}"
    events = events_until_done(client, created["id"])
    assert events[-1][0] == "done"
    assert all(name == "progress" for name, _ in events[:-1])
    final = events[-1][1]
    assert final["status"] == "optimal"
    assert final["objective"] == final["bound"] == 379
    assert final["gap"] == 0.0
    view = client.get(f"/v1/jobs/{created['id']}").json()
    assert view == {**final, "elapsed": view["elapsed"]}
    plan_response = client.get(f"/v1/jobs/{created['id']}/plan")
    assert plan_response.status_code == 200
    roster = roster_from_json(text)
    plan = plan_from_json(plan_response.text)
    assert_plan_valid(roster, plan)
    assert plan.objective == 379
    # the same plan checked by the service's own check endpoint
    check = client.post(
        "/v1/check", json={"roster": json.loads(text), "plan": plan_response.json()}
    )
    assert check.status_code == 200
    assert check.json()["ok"] is True
    assert check.json()["objective"] == 379
    exports = client.get(f"/v1/jobs/{created['id']}/export.zip")
    assert exports.status_code == 200
    assert exports.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(exports.content)).namelist()
    assert {"all.ics", "report.html", "partnerships.csv", "visits.csv"} <= set(names)
    calendars = [name for name in names if name.startswith("teachers/") and name.endswith(".ics")]
    assert len(calendars) == len(roster.teachers)
    report = client.get(f"/v1/jobs/{created['id']}/report.html")
    assert report.status_code == 200
    assert roster.name.split()[0] in report.text
    listing = client.get("/v1/jobs").json()["jobs"]
    assert [job["id"] for job in listing] == [created["id"]]
    # stopping a finished job changes nothing
    assert client.delete(f"/v1/jobs/{created['id']}").json()["status"] == "optimal"


def test_workbook_upload_and_its_problems_by_cell(servers: Servers, tmp_path: Path) -> None:
    server = servers.start(tmp_path / "data")
    client = server.client()
    roster = roster_from_json(roster_text("elementary-24"))
    workbook = template_workbook(roster)
    files = {"file": ("staff roster 2026/27 (é).xlsx", workbook, "application/octet-stream")}
    checked = client.post("/v1/validate", files=files)
    assert checked.status_code == 200, checked.text
    assert checked.json()["teachers"] == len(roster.teachers)
    answer = client.post("/v1/solve", params={"time_limit": 20}, files=files)
    assert answer.status_code == 202, answer.text
    view = wait_for(client, answer.json()["id"], FINISHED)
    assert view["status"] == "optimal", view
    plan = plan_from_json(client.get(f"/v1/jobs/{view['id']}/plan").text)
    assert_plan_valid(roster, plan)
    # a broken cell: the problem names the sheet and the cell, as the command line does
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(workbook))
    sheet = book["Teachers"]
    sheet.cell(row=sheet.max_row, column=1).value = sheet.cell(
        row=sheet.max_row - 1, column=1
    ).value
    broken = io.BytesIO()
    book.save(broken)
    refused = client.post("/v1/solve", files={"file": ("broken.xlsx", broken.getvalue())})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == PROBLEM
    problem = refused.json()
    assert problem["status"] == 422
    assert any(line.startswith("Teachers!A") for line in problem["errors"]), problem


def test_bad_roster_is_a_problem_with_paths(servers: Servers, tmp_path: Path) -> None:
    server = servers.start(tmp_path / "data")
    client = server.client()
    data = json.loads(roster_text("tiny-7"))
    data["teachers"][3]["teaches"].append("mon-9")
    data["teachers"][1]["tem"] = "x"
    answer = client.post("/v1/solve", json=data)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == PROBLEM
    problem = answer.json()
    assert problem["title"] == "Unprocessable Content" or problem["title"].startswith(
        "Unprocessable"
    )
    assert "teachers[1].tem: unknown field 'tem'; did you mean 'team'?" in problem["errors"]
    not_json = client.post(
        "/v1/solve", content=b'{"format": NaN}', headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 422
    assert not_json.json()["errors"] == [
        "format: NaN is not allowed in JSON; write a finite number"
    ]
    assert client.get("/v1/jobs").json()["jobs"] == []  # nothing queued
    unknown = client.get("/v1/jobs/0123/plan")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == PROBLEM


def test_whatif_and_explain(servers: Servers, tmp_path: Path) -> None:
    server = servers.start(tmp_path / "data")
    client = server.client()
    text = roster_text("school-30")
    answer = client.post(
        "/v1/whatif",
        params={"vary": "release_budget=0:20:10", "time_limit": 10},
        content=text,
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 202, answer.text
    view = wait_for(client, answer.json()["id"], FINISHED)
    assert view["kind"] == "whatif"
    assert [variant["variant"] for variant in view["variants"]] == [
        {"release_budget": 0},
        {"release_budget": 10},
        {"release_budget": 20},
    ]
    assert view["status"] in {"optimal", "feasible"}
    assert client.get(f"/v1/jobs/{view['id']}/plan").status_code == 409
    bad = client.post("/v1/whatif", params={"vary": "no_such=1:2"}, content=text)
    assert bad.status_code == 422
    assert bad.json()["errors"][0].startswith("--vary") or "no_such" in bad.json()["errors"][0]
    # t1 is locked with t2; avoiding each other too leaves no plan
    infeasible = json.loads(fixture_path("explain_base").read_text())
    infeasible.setdefault("relations", []).append({"a": "t1", "b": "t2", "kind": "avoid"})
    explained = client.post("/v1/explain", params={"time_limit": 20}, json=infeasible)
    assert explained.status_code == 200, explained.text
    explanation = explained.json()
    assert explanation["status"] == "infeasible"
    rules = {rule["rule"] for rule in explanation["conflicts"][0]["rules"]}
    assert rules == {"lock:t1/t2", "avoid:t1/t2"}
    solved = client.post("/v1/solve", params={"time_limit": 20}, json=infeasible)
    view = wait_for(client, solved.json()["id"], FINISHED)
    assert view["status"] == "infeasible"
    assert view["errors"][0].startswith("roster: no plan meets every hard rule")
    assert client.get(f"/v1/jobs/{view['id']}/plan").status_code == 409

"""Who sees what, and every limit: a token sees only its tenant's jobs (another's is 404), no token
is 401, and each limit answers 413 or 429 with a problem that names it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.service.server import FINISHED, Servers, roster_text, wait_for
from tests.service.test_stop_and_restart import solve

PROBLEM = "application/problem+json"


def tokens_file(tmp_path: Path) -> Path:
    path = tmp_path / "tokens"
    path.write_text(
        "# token tenant\n"
        "north-admin   north-high   # the school's admin\n"
        "north-hr north-high\n"
        "\n"
        "south-admin south-elementary\n"
    )
    return path


def test_each_token_sees_only_its_tenants_jobs(servers: Servers, tmp_path: Path) -> None:
    server = servers.start(tmp_path / "data", "--tokens", str(tokens_file(tmp_path)))
    north, colleague, south = (
        server.client(token) for token in ("north-admin", "north-hr", "south-admin")
    )
    text = roster_text("tiny-7")
    answer = north.post("/v1/solve", params={"time_limit": 10}, content=text)
    assert answer.status_code == 202, answer.text
    job_id = answer.json()["id"]
    view = wait_for(north, job_id, FINISHED)
    assert view["status"] == "optimal"
    # the same tenant, another token: the same jobs
    assert colleague.get(f"/v1/jobs/{job_id}").json()["id"] == job_id
    assert colleague.get(f"/v1/jobs/{job_id}/plan").status_code == 200
    # another tenant: as if the job did not exist
    for method, path in [
        ("GET", f"/v1/jobs/{job_id}"),
        ("GET", f"/v1/jobs/{job_id}/plan"),
        ("GET", f"/v1/jobs/{job_id}/events"),
        ("GET", f"/v1/jobs/{job_id}/export.zip"),
        ("GET", f"/v1/jobs/{job_id}/report.html"),
        ("DELETE", f"/v1/jobs/{job_id}"),
        ("POST", f"/v1/jobs/{job_id}/resume"),
    ]:
        refused = south.request(method, path)
        assert refused.status_code == 404, (method, path, refused.text)
        assert refused.headers["content-type"] == PROBLEM
        assert refused.json() == south.get("/v1/jobs/0000").json() | {
            "detail": f"no job '{job_id}' for this token",
            "errors": [f"id: no job '{job_id}'"],
        }
    assert south.get("/v1/jobs").json()["jobs"] == []
    assert [job["id"] for job in north.get("/v1/jobs").json()["jobs"]] == [job_id]
    # no token, or a wrong one: 401 everywhere, the page itself excepted
    for client in (server.client(), server.client("north-admin-x")):
        for path in ("/v1/jobs", f"/v1/jobs/{job_id}"):
            refused = client.get(path)
            assert refused.status_code == 401
            assert refused.headers["www-authenticate"] == "Bearer"
            assert refused.json()["errors"] == ["Authorization: missing or unknown token"]
        assert client.post("/v1/solve", content=text).status_code == 401
    assert server.client().get("/").status_code == 200


def test_every_limit_has_its_own_answer(servers: Servers, tmp_path: Path) -> None:
    server = servers.start(
        tmp_path / "data",
        "--max-body-bytes",
        "40000",
        "--max-teachers",
        "25",
        "--max-time-limit",
        "60",
    )
    client = server.client()
    school = roster_text("school-30")  # 30 teachers
    small = roster_text("tiny-7")
    json_type = {"content-type": "application/json"}
    # the body: refused from its declared length, and when it streams past the limit
    large = client.post("/v1/solve", content=small + " " * 40000, headers=json_type)
    assert large.status_code == 413
    assert large.json()["errors"] == ["body: over the limit of 40,000 bytes"]

    def chunks():
        for _ in range(50):
            yield b" " * 1000

    streamed = client.post("/v1/solve", content=chunks(), headers=json_type)
    assert streamed.status_code == 413
    # the teachers
    assert len(school) < 40000
    many = client.post("/v1/solve", content=school, headers=json_type)
    assert many.status_code == 413
    assert many.json()["errors"] == ["teachers: 30 teachers is over the limit of 25"]
    # the time limit
    slow = client.post("/v1/solve", params={"time_limit": 61}, content=small, headers=json_type)
    assert slow.status_code == 413
    assert slow.json()["errors"] == ["time_limit: over the limit of 60 seconds"]
    variants = client.post(
        "/v1/whatif",
        params={"vary": "release_budget=0:10", "time_limit": 10},
        content=small,
        headers=json_type,
    )
    assert variants.status_code == 413  # 11 variants of 10 s each


def test_the_queue_limit_counts_queued_and_running_jobs(servers: Servers, tmp_path: Path) -> None:
    server = servers.start(tmp_path / "data", standin=True, workers=1)
    client = server.client()
    limit = 20  # the stand-in server keeps the default limits
    jobs = [solve(client, "tiny-7", 600) for _ in range(limit)]
    refused = client.post("/v1/solve", content=roster_text("tiny-7"))
    assert refused.status_code == 429
    assert refused.headers["content-type"] == PROBLEM
    assert refused.json()["errors"] == [f"jobs: {limit} queued or running, the limit is {limit}"]
    statuses = [client.get(f"/v1/jobs/{job}").json()["status"] for job in jobs]
    assert statuses.count("running") == 1
    assert statuses.count("queued") == limit - 1
    # jobs start in the order they were queued
    assert statuses[0] == "running"
    client.delete(f"/v1/jobs/{jobs[-1]}")
    assert client.post("/v1/solve", content=roster_text("tiny-7")).status_code == 202
    for job in jobs:
        client.delete(f"/v1/jobs/{job}")


def test_check_names_roster_and_plan_problems(servers: Servers, tmp_path: Path) -> None:
    server = servers.start(tmp_path / "data")
    client = server.client()
    roster = json.loads(roster_text("tiny-7"))
    answer = client.post("/v1/check", json={"roster": roster})
    assert answer.status_code == 422
    assert answer.json()["errors"] == ["plan: required field is missing"]
    roster["teachers"][0]["teaches"] = ["mon-9"]
    answer = client.post(
        "/v1/check", json={"roster": roster, "plan": {"format": "pairwise/plan@1"}}
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0].startswith("roster.teachers[0].teaches[0]: ")

"""The admin page in headless Chromium, served by a real service: it follows a job to its end,
shows the summary and the report, lists the jobs, and asks nothing of any other host."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.interchange.test_report_browser import CHROMIUM, chromium, page_requests
from tests.service.server import FINISHED, Servers, roster_text, wait_for

pytestmark = [
    pytest.mark.chromium,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium"),
]


def test_page_follows_a_job_and_shows_its_plan(servers: Servers, tmp_path: Path) -> None:
    server = servers.start(tmp_path / "data")
    client = server.client()
    answer = client.post(
        "/v1/solve",
        params={"time_limit": 20},
        content=roster_text("school-30"),
        headers={"content-type": "application/json"},
    )
    job_id = answer.json()["id"]
    assert wait_for(client, job_id, FINISHED)["status"] == "optimal"
    net_log = tmp_path / "net.json"
    # virtual time lets the page's requests finish before the DOM is read (Chromium hangs when
    # it is combined with --screenshot, so there is none)
    result = chromium(
        tmp_path,
        "--enable-logging=stderr",
        "--v=0",
        f"--log-net-log={net_log}",
        "--window-size=1280,2400",
        "--virtual-time-budget=5000",
        "--dump-dom",
        f"{server.base}/#job={job_id}",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
    assert 'id="job-status" class="status-optimal">optimal<' in dom
    assert "<th>Objective</th><td>379 (bound 379)</td>" in dom
    assert "srcdoc=" in dom  # the report, in its sandboxed frame
    assert dom.count("Open</button>") == 1  # the jobs list
    # every request went to the service itself
    requests = page_requests(net_log)
    assert requests
    assert all(url.startswith(server.base) for url in requests), requests

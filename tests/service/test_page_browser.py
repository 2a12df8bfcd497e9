"""The admin page in headless Chromium, served by a real service and driven over the DevTools
protocol: it follows a job to its end, shows the summary and the report, lists the jobs, asks
nothing of any other host and logs nothing; an admin's workbook upload shows its problems by sheet
and cell, and a fixed one is solved."""

from __future__ import annotations

import fcntl
import io
import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from pairwise import template_workbook
from pairwise.roster.load import plan_from_json, roster_from_json
from tests.helpers import assert_plan_valid
from tests.interchange.test_report_browser import CHROMIUM
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
    browser = DevTools(tmp_path)
    try:
        browser.open(f"{server.base}/#job={job_id}")
        status = browser.wait_for(
            "!document.getElementById('result').hidden"
            " && document.getElementById('report').srcdoc.length > 1000"
            " && document.getElementById('job-status').textContent"
        )
        assert status == "optimal"
        assert browser.evaluate("document.getElementById('job-objective').textContent") == "379"
        # cells read one by one: innerText depends on layout, which a headless page may not
        # have done yet when the check runs
        summary = browser.evaluate(
            "Array.from(document.querySelectorAll('#summary tr'))"
            ".map((row) => Array.from(row.cells).map((cell) => cell.textContent).join('\\t'))"
            ".join('\\n')"
        )
        assert "Objective\t379 (bound 379)" in summary
        listed = browser.wait_for("document.querySelectorAll('#jobs tbody tr').length")
        assert listed == 1
        # everything the page asked for came from the service itself
        requested = browser.evaluate(
            "performance.getEntriesByType('resource').map((entry) => entry.name)"
        )
        assert requested and all(url.startswith(server.base) for url in requested), requested
        assert browser.complaints() == []
    finally:
        browser.close()


def test_the_check_sees_console_errors_and_other_hosts(servers: Servers, tmp_path: Path) -> None:
    # a page that breaks both rules is caught, so a pass above means something
    server = servers.start(tmp_path / "data")
    browser = DevTools(tmp_path)
    try:
        browser.open(f"{server.base}/")
        browser.wait_for("document.getElementById('file') !== null")
        browser.evaluate("console.error('boom'); fetch('https://example.invalid/x').catch(() => 0)")
        browser.wait_for("true")
        complaints = browser.complaints()
        assert any("boom" in line for line in complaints), complaints
        assert any("example.invalid" in line for line in complaints), complaints
    finally:
        browser.close()


class DevTools:
    """Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`): JSON
    messages ended by NUL, the browser reading fd 3 and writing fd 4."""

    def __init__(self, tmp_path: Path) -> None:
        self._to_browser_read, self._to_browser = os.pipe()
        self._from_browser, self._from_browser_write = os.pipe()
        ends = (self._to_browser_read, self._from_browser_write)

        def onto_3_and_4() -> None:
            high = [fcntl.fcntl(end, fcntl.F_DUPFD, 10) for end in ends]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.process = subprocess.Popen(
            [
                str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-extensions", "--no-first-run",
                f"--user-data-dir={tmp_path / 'devtools-profile'}", "--remote-debugging-pipe",
                "about:blank",
            ],
            pass_fds=(3, 4),
            preexec_fn=onto_3_and_4,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for end in ends:
            os.close(end)
        self._buffer = b""
        self._next = 0
        self.session = ""
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive()
            if "id" not in reply:
                self.events.append(reply)
            elif reply["id"] == self._next:
                assert "error" not in reply, reply
                result: dict[str, Any] = reply.get("result", {})
                return result

    def _receive(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            piece = os.read(self._from_browser, 65536)
            assert piece, "Chromium closed its DevTools pipe"
            self._buffer += piece
        message, self._buffer = self._buffer.split(b"\0", 1)
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def open(self, url: str) -> None:
        """A new tab, listening to its console and log, then sent to `url`."""
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        for domain in ("Runtime", "Log", "Page"):
            self.send(f"{domain}.enable")
        self.send("Page.navigate", url=url)

    def complaints(self) -> list[str]:
        """Console messages, uncaught exceptions and browser log errors (a blocked request, a
        security policy refusal) seen so far."""
        lines = []
        for event in self.events:
            params = event.get("params", {})
            if event.get("method") == "Runtime.consoleAPICalled":
                lines.append(" ".join(str(arg.get("value")) for arg in params.get("args", [])))
            elif event.get("method") == "Runtime.exceptionThrown":
                lines.append(str(params.get("exceptionDetails", {}).get("text")))
            elif event.get("method") == "Log.entryAdded":
                entry = params.get("entry", {})
                if entry.get("level") in {"error", "warning"}:
                    lines.append(f"{entry.get('text')} {entry.get('url', '')}")
        return lines

    def evaluate(self, expression: str) -> Any:
        return self.send("Runtime.evaluate", expression=expression, returnByValue=True)[
            "result"
        ].get("value")

    def wait_for(self, expression: str, seconds: float = 60) -> Any:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"never true in the page: {expression}")

    def close(self) -> None:
        self.process.kill()
        self.process.wait(30)
        os.close(self._to_browser)
        os.close(self._from_browser)


def test_page_shows_a_workbooks_problems_by_sheet_and_cell_then_solves_it(
    servers: Servers, tmp_path: Path
) -> None:
    server = servers.start(tmp_path / "data")
    roster = roster_from_json(roster_text("elementary-24"))
    book = load_workbook(io.BytesIO(template_workbook(roster)))
    book["Teachers"].cell(row=5, column=3).value = "nonsense-team"
    broken = tmp_path / "staff 2026 (broken).xlsx"
    book.save(broken)
    fixed = tmp_path / "staff 2026.xlsx"
    fixed.write_bytes(template_workbook(roster))
    browser = DevTools(tmp_path)
    try:
        browser.open(f"{server.base}/")
        browser.wait_for(
            "document.readyState === 'complete' && document.getElementById('file') !== null"
        )
        document = browser.send("DOM.getDocument")["root"]["nodeId"]
        field = browser.send("DOM.querySelector", nodeId=document, selector="#file")["nodeId"]
        browser.send("DOM.setFileInputFiles", nodeId=field, files=[str(broken)])
        browser.evaluate("document.getElementById('validate-button').click()")
        problems = browser.wait_for(
            "!document.getElementById('problems').hidden && "
            "document.getElementById('problem-groups').innerText"
        )
        assert "Sheet Teachers" in problems
        assert "C5\tunknown team 'nonsense-team'" in problems
        browser.send("DOM.setFileInputFiles", nodeId=field, files=[str(fixed)])
        browser.evaluate("document.getElementById('time-limit').value = '20'")
        browser.evaluate("document.getElementById('solve-button').click()")
        status = browser.wait_for(
            "['optimal', 'feasible'].includes(document.getElementById('job-status').textContent)"
            " && !document.getElementById('result').hidden"
            " && document.getElementById('job-status').textContent",
            seconds=120,
        )
        assert status == "optimal"
        assert browser.evaluate("document.getElementById('problems').hidden") is True
        # cells read one by one: innerText depends on layout, which a headless page may not
        # have done yet when the check runs
        summary = browser.evaluate(
            "Array.from(document.querySelectorAll('#summary tr'))"
            ".map((row) => Array.from(row.cells).map((cell) => cell.textContent).join('\\t'))"
            ".join('\\n')"
        )
        assert "Partnerships" in summary and "complement" in summary
        browser.wait_for("document.getElementById('report').srcdoc.length > 1000")
        # the browser logs the refused workbook's answer, and nothing else
        assert [line.split(": ")[0] for line in browser.complaints()] == ["Failed to load resource"]
        assert "status of 422" in browser.complaints()[0]
    finally:
        browser.close()
    jobs = server.client().get("/v1/jobs").json()["jobs"]
    assert [job["status"] for job in jobs] == ["optimal"]
    plan = plan_from_json(server.client().get(f"/v1/jobs/{jobs[0]['id']}/plan").text)
    assert_plan_valid(roster, plan)

"""The report in a real browser: headless Chromium opens it, nothing leaves the page, no console
message, one SVG node per teacher, and a screenshot.

Chromium's NetLog records every request the browser makes; the page's own are those with an
initiator (the browser's background requests have none), so the check sees what the page asked
for even where the Content-Security-Policy would have blocked it.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from pairwise.interchange.export.bundle import export_plan
from tests.helpers import load_fixture, load_plan_fixture

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.chromium,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium"),
]


@dataclass
class Visit:
    """What the browser saw: the rendered DOM, console messages and the page's requests."""

    dom: str
    console: list[str]
    requests: list[str]


def chromium(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *arguments,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def net_log_events(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    text = path.read_text()
    try:
        data, _ = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError:
        # a log cut short ends inside the events list: close it
        data = json.loads(text.rstrip().rstrip(",") + "]}")
    return data["constants"], data["events"]


def page_requests(path: Path) -> list[str]:
    """URLs the page itself asked for (not file:), from Chromium's NetLog."""
    constants, events = net_log_events(path)
    start_job = constants["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in events:
        params = event.get("params", {})
        url = params.get("url")
        if event["type"] != start_job or url is None or params.get("initiator") == "not an origin":
            continue
        if not str(url).startswith("file:"):
            urls.append(str(url))
    return urls


def open_page(tmp_path: Path, page: Path, screenshot: Path) -> Visit:
    """One headless visit: the DOM after load, console lines, page requests and a screenshot."""
    net_log = tmp_path / f"net-{page.stem}.json"
    result = chromium(
        tmp_path,
        "--enable-logging=stderr",
        "--v=0",
        f"--log-net-log={net_log}",
        "--window-size=1280,2400",
        f"--screenshot={screenshot}",
        "--dump-dom",
        page.as_uri(),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    return Visit(result.stdout, console, page_requests(net_log))


class TeacherNodes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.in_svg = 0
        self.teachers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "svg":
            self.in_svg += 1
        elif tag == "circle" and self.in_svg and "teacher" in (values.get("class") or "").split():
            self.teachers.append(str(values.get("data-teacher")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.in_svg -= 1


def test_the_check_sees_requests_and_console_errors(tmp_path: Path) -> None:
    # a page that breaks both rules is caught, so a pass below means something
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><title>bad</title></head><body>"
        '<img src="https://example.invalid/x.png"><script>console.error("boom")</script>'
        "</body></html>"
    )
    visit = open_page(tmp_path, bad, tmp_path / "bad.png")
    assert any("example.invalid" in url for url in visit.requests)
    assert any("boom" in line for line in visit.console)


def test_report_in_chromium(tmp_path: Path) -> None:
    roster, plan = load_fixture("export_district"), load_plan_fixture("export_district-plan")
    export_plan(roster, plan, tmp_path / "out")
    report = tmp_path / "out" / "report.html"
    screenshot = tmp_path / "report.png"
    visit = open_page(tmp_path, report, screenshot)
    assert visit.requests == []
    assert visit.console == []
    nodes = TeacherNodes()
    nodes.feed(visit.dom)
    assert sorted(nodes.teachers) == sorted(teacher.id for teacher in roster.teachers)
    assert "Coaching plan: Riverside &amp; Hill District 2026-27" in visit.dom
    assert screenshot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    # a rendered page, not a blank one; it stays in pytest's tmp_path for a person to look at
    assert screenshot.stat().st_size > 20_000


def test_teacher_page_in_chromium(tmp_path: Path) -> None:
    roster, plan = load_fixture("export_district"), load_plan_fixture("export_district-plan")
    export_plan(roster, plan, tmp_path / "out")
    teacher = next(t for t in roster.teachers if any(t.id == v.visitor for v in plan.visits))
    page = tmp_path / "out" / "teachers" / f"{teacher.id}.html"
    screenshot = tmp_path / "teacher.png"
    visit = open_page(tmp_path, page, screenshot)
    assert visit.requests == []
    assert visit.console == []
    assert "Your year" in visit.dom and teacher.name in visit.dom
    assert visit.dom.count('class="session"') == sum(
        teacher.id in (v.visitor, v.host) for v in plan.visits
    ) + sum(teacher.id in (v.coach, v.coachee) for v in plan.sabbatical_visits) + sum(
        teacher.team in seat.teams for seat in plan.tables
    )
    assert screenshot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")

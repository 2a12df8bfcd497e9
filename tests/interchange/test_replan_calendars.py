"""Calendars of a re-plan exported into the earlier export's folder, read back with icalendar."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar

import pairwise
from tests.builders import FIRST_MONDAY
from tests.helpers import assert_plan_valid
from tests.runs.test_replan import _school, _with


def _events(path: Path) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_moved_keep_their_uid_and_cancelled_stay_cancelled(tmp_path: Path) -> None:
    roster = _school(6)
    plan = pairwise.solve(roster, time_limit=20, seed=0).plan
    assert plan is not None
    pairwise.export_plan(roster, plan, tmp_path)
    before = _events(tmp_path / "all.ics")
    start = FIRST_MONDAY + dt.timedelta(weeks=8)
    leaver = plan.partnerships[0].members[0]
    updated = _with(roster, leaver, end_date=(start - dt.timedelta(days=1)).isoformat())
    new = pairwise.replan(updated, plan, start=start, time_limit=20).plan
    assert new is not None and new.replans is not None
    assert_plan_valid(updated, new, was=plan)
    pairwise.export_plan(updated, new, tmp_path)
    after = _events(tmp_path / "all.ics")
    cancelled = [e for e in after.values() if str(e["STATUS"]) == "CANCELLED"]
    expected = [c for c in new.replans.changes if c.kind == "cancelled"]
    # a visit that goes on in a triad is one change ("moved"), but a new event: its old one ends
    joined = [
        c
        for c in new.replans.changes
        if c.kind == "moved" and c.was and c.was["members"] != c.session["members"]
    ]
    assert expected and len(cancelled) == len(expected) + len(joined)
    changed = [e for e in after.values() if "Changed: the partnership" in str(e["DESCRIPTION"])]
    assert len(changed) == len(joined)
    for event in cancelled:
        assert str(event["UID"]) in before  # the same event, now cancelled
        assert int(event["SEQUENCE"]) == int(before[str(event["UID"])]["SEQUENCE"]) + 1
    for uid, event in after.items():
        if uid in before and str(event["STATUS"]) == "CONFIRMED":
            moved = event.decoded("DTSTART") != before[uid].decoded("DTSTART")
            # a visit's text names its debrief: a debrief that moved changes the invite too
            reworded = str(event["DESCRIPTION"]) != str(before[uid]["DESCRIPTION"])
            assert int(event["SEQUENCE"]) == int(before[uid]["SEQUENCE"]) + (moved or reworded)
    # the leaver's own calendar shows the cancellations, without saying why
    own = icalendar.Calendar.from_ical(
        next((tmp_path / "teachers").glob(f"{leaver}*.ics")).read_bytes()
    )
    statuses = [str(e["STATUS"]) for e in own.walk("VEVENT")]
    assert "CANCELLED" in statuses
    texts = " ".join(str(e["DESCRIPTION"]) for e in own.walk("VEVENT"))
    assert "leaves" not in texts and "left" not in texts
    # the admin's report lists the changes and marks the kept part of the year done
    report = (tmp_path / "report.html").read_text()
    assert f"Changes from {start.isoformat()}" in report
    assert report.count("<tr><td>cancelled</td>") == len(expected)
    assert 'class="tag">done</span>' in report

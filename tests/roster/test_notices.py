"""Warnings about a valid roster: topics spelled apart, topics off the workbook's list, meetings
outside their cycle's weeks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pairwise.roster.load import roster_from_dict
from pairwise.roster.models import Roster
from pairwise.roster.notices import (
    meetings_outside_weeks,
    roster_notices,
    topic_typos,
    topics_outside,
)
from tests.helpers import fixture_path


def _tiny(edit: Any = None) -> Roster:
    data = json.loads(fixture_path("oakridge-tiny").read_text())
    if edit is not None:
        edit(data)
    return roster_from_dict(data)


def test_a_clean_roster_has_no_topic_warning() -> None:
    assert topic_typos(_tiny()) == []


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("Literacy", "literacy"),
        ("literacy ", "literacy"),
        ("formative assessment", "formative-assessment"),
        ("formative-assesment", "formative-assessment"),
        ("Classroom_Management", "classroom-management"),
    ],
)
def test_a_priority_nobody_shares_near_a_used_one_is_named(written: str, meant: str) -> None:
    roster = _tiny(lambda d: d["teachers"][0].update(priority=written))
    notices = [str(notice) for notice in topic_typos(roster)]
    assert len(notices) == 1
    assert notices[0].startswith(f"teachers[0].priority: topic '{written}'")
    assert notices[0].endswith(f"did you mean '{meant}'?")


def test_a_strength_is_warned_about_too_and_a_new_topic_is_not() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["teachers"][1]["strengths"] = ["Numeracy", "robotics"]

    assert [notice.path for notice in topic_typos(_tiny(edit))] == ["teachers[1].strengths[0]"]


def test_topics_differing_in_a_number_are_different_topics() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["teachers"][0]["priority"] = "grade 3 writing"
        data["teachers"][1]["strengths"] = ["grade 4 writing"]
        data["teachers"][2]["strengths"] = ["grade 4 writing"]

    assert topic_typos(_tiny(edit)) == []


def test_topics_off_the_list() -> None:
    listed = ["literacy", "numeracy", "formative-assessment", "writing-feedback"]
    notices = [str(notice) for notice in topics_outside(_tiny(), listed)]
    assert notices and all("is not on the Topics sheet" in notice for notice in notices)
    assert any("'classroom-management'" in notice for notice in notices)
    assert roster_notices(_tiny(), None) == roster_notices(_tiny(), [])


def test_a_meeting_on_a_saturday_after_its_cycle_is_warned_about() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["cycles"][0]["weeks"] = ["2026-10-05", "2026-10-12"]
        data["cycles"][0]["meetings"][0]["date"] = "2026-10-16"

    assert meetings_outside_weeks(_tiny(edit)) == []

    def saturday(data: dict[str, Any]) -> None:
        edit(data)
        data["cycles"][0]["meetings"][0]["date"] = "2026-10-24"

    notices = [str(notice) for notice in meetings_outside_weeks(_tiny(saturday))]
    assert notices == [
        "cycles[0].meetings[0].date: meeting 'fall-pd' on Saturday 2026-10-24 is outside the "
        "weeks of cycle 'fall' (2026-10-05 to 2026-10-18); is the date right?"
    ]

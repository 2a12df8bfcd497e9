"""Roadmaps, guides, tandem and the debrief window: read, defaulted, validated, and school days."""

from __future__ import annotations

import datetime as dt

import pytest

from pairwise.errors import InputError
from pairwise.roster.calendar import (
    add_school_days,
    is_school_day,
    school_days_between,
    school_weekdays,
    slot_date,
    within_school_days,
)
from pairwise.roster.guides import DEFAULT_GUIDES, prompts
from pairwise.roster.load import roster_from_data
from tests.builders import make_roster

ROADMAP = {
    "goal": "Students give each other feedback on drafts",
    "actions": [{"action": "Model a feedback protocol", "due": "2026-10-09"}],
    "evidence": ["exit tickets name one change made after feedback"],
}


def test_roadmaps_tandem_and_guides_are_read_with_defaults() -> None:
    roster = make_roster(
        [{"id": "a", "roadmap": ROADMAP, "tandem": True}, {"id": "b"}],
        teams=[{"id": "g3", "roadmap": {"goal": "Shared rubrics"}}],
        policy={"tandem": True, "debrief_within_days": 0},
    )
    teacher = roster.teacher_by_id["a"]
    assert teacher.roadmap is not None and teacher.roadmap.actions[0].due == "2026-10-09"
    assert teacher.tandem and not roster.teacher_by_id["b"].tandem
    assert roster.team_by_id["g3"].roadmap is not None
    assert roster.policy.tandem and roster.policy.debrief_within_days == 0
    assert make_roster([{"id": "a"}]).policy.debrief_within_days == 2
    assert not make_roster([{"id": "a"}]).policy.tandem
    assert prompts(roster, "debrief") == list(DEFAULT_GUIDES["debrief"])


def test_a_roster_guide_replaces_only_its_own_kind() -> None:
    data = make_roster([{"id": "a"}]).model_dump()
    data["guides"] = {"visit": ["Look for the exit tickets"]}
    roster = roster_from_data(data)
    assert prompts(roster, "visit") == ["Look for the exit tickets"]
    assert prompts(roster, "table") == list(DEFAULT_GUIDES["table"])


def test_default_guides_are_non_evaluative() -> None:
    words = " ".join(line for lines in DEFAULT_GUIDES.values() for line in lines).lower()
    for judgement in ("rate", "score", "grade the", "evaluate your", "weakness"):
        assert judgement not in words


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"due": "2026-02-30"}, "teachers[0].roadmap.actions[0].due"),
        ({"action": "  "}, "teachers[0].roadmap.actions[0].action"),
        ({"when": "x"}, "teachers[0].roadmap.actions[0]"),
    ],
)
def test_a_bad_roadmap_action_is_named_by_its_path(change: dict[str, str], path: str) -> None:
    data = make_roster([{"id": "a"}]).model_dump()
    data["teachers"][0]["roadmap"] = {
        "goal": "g",
        "actions": [{"action": "Model it", "due": "2026-10-09", **change}],
    }
    with pytest.raises(InputError) as raised:
        roster_from_data(data)
    assert any(str(problem).startswith(path) for problem in raised.value.problems)


def test_a_negative_debrief_window_is_an_error() -> None:
    data = make_roster([{"id": "a"}]).model_dump()
    data["policy"]["debrief_within_days"] = -1
    with pytest.raises(InputError) as raised:
        roster_from_data(data)
    assert "policy.debrief_within_days" in str(raised.value)


def test_school_days_skip_days_without_periods() -> None:
    roster = make_roster([{"id": "a"}], days=("mon", "tue", "wed", "thu", "fri"))
    weekdays = school_weekdays(roster)
    friday, monday = dt.date(2026, 10, 9), dt.date(2026, 10, 12)
    assert not is_school_day(roster, dt.date(2026, 10, 10))
    # Friday to Monday is one school day; to Tuesday two
    assert school_days_between(weekdays, friday, monday) == 1
    assert school_days_between(weekdays, friday, monday + dt.timedelta(days=1)) == 2
    assert school_days_between(weekdays, monday, friday) == 0
    assert add_school_days(weekdays, friday, 2) == dt.date(2026, 10, 13)
    assert within_school_days(weekdays, friday, monday, 1)
    assert not within_school_days(weekdays, friday, monday, 0)
    assert within_school_days(weekdays, friday, friday, 0)
    # two weeks and a day: ten school days and one more
    assert school_days_between(weekdays, monday, monday + dt.timedelta(days=15)) == 11
    assert slot_date("2026-10-06/tue-3") == dt.date(2026, 10, 6)


def test_school_days_of_a_monday_only_timetable() -> None:
    weekdays = school_weekdays(make_roster([{"id": "a"}]))
    monday = dt.date(2026, 10, 5)
    assert school_days_between(weekdays, monday, monday + dt.timedelta(days=7)) == 1
    assert add_school_days(weekdays, monday, 2) == monday + dt.timedelta(days=14)

"""The roster format: one tiny hand-made roster per feature, its defaults, and its errors by path."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from pairwise.errors import InputError
from pairwise.roster.load import plan_from_json, roster_from_data, roster_from_json
from pairwise.roster.models import Plan, Roster
from tests.helpers import load_fixture, load_plan_fixture
from tests.strategies import roster_data

Data = dict[str, Any]

BASE: Data = {
    "format": "pairwise/roster@1",
    "name": "Feature",
    "year": 2026,
    "timezone": "America/Toronto",
    "periods": [
        {"id": "mon-1", "day": "mon", "start": "08:30", "end": "09:20"},
        {"id": "tue-3", "day": "tue", "start": "10:20", "end": "11:10"},
    ],
    "cycles": [{"id": "fall", "weeks": ["2026-10-05"]}],
    "teachers": [
        {"id": "t01", "name": "Ana"},
        {"id": "t02", "name": "Ben"},
    ],
}


def with_(edit: Callable[[Data], object]) -> Data:
    document = copy.deepcopy(BASE)
    edit(document)
    return document


def problems(document: Any) -> list[str]:
    with pytest.raises(InputError) as caught:
        roster_from_data(document)
    return [str(problem) for problem in caught.value.problems]


# --- generated rosters -------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(roster_data())
def test_generated_rosters_are_valid(data: Data) -> None:
    roster = roster_from_data(data)
    assert len(roster.teachers) == len(data["teachers"])
    # the canonical JSON reads back to the same roster
    assert roster_from_json(roster.as_json()) == roster


# --- one feature at a time ---------------------------------------------------------------------


def test_defaults() -> None:
    roster = roster_from_data(BASE)
    teacher = roster.teacher_by_id["t01"]
    assert (teacher.years_experience, teacher.participates, teacher.max_release) == (0, True, None)
    assert (teacher.strengths, teacher.teaches, teacher.unavailable) == ([], [], [])
    assert teacher.team is None and teacher.school is None and teacher.sabbatical is None
    assert roster.history == [] and roster.team_history == [] and roster.relations == []
    assert roster.teams == [] and roster.cycles[0].meetings == []
    policy = roster.policy
    assert (policy.rotation, policy.reciprocal, policy.allow_triads) == ("year", True, True)
    assert (policy.cover_per_period, policy.release_budget, policy.cross_school_pairs) == (
        2,
        None,
        False,
    )
    assert (policy.repeat_window_years, policy.novice_years, policy.mentor_years) == (3, 3, 6)
    assert policy.sabbatical_visits_per_coachee == 2
    assert policy.weights.model_dump() == {
        "complement": 10,
        "shared_priority": 3,
        "trust": 6,
        "repeat": 20,
        "cross_team": 2,
        "mentoring": 8,
        "request": 15,
        "cover": 1,
        "team_complement": 5,
        "team_repeat": 10,
        "sabbatical": 12,
        "unpaired": 1000,
    }


def test_slots_are_dated_periods_in_week_order() -> None:
    roster = roster_from_data(
        with_(lambda d: d["cycles"][0].update(weeks=["2026-10-05", "2026-11-02"]))
    )
    assert roster.cycle_slots("fall") == [
        "2026-10-05/mon-1",
        "2026-10-06/tue-3",
        "2026-11-02/mon-1",
        "2026-11-03/tue-3",
    ]
    # zoned times follow daylight saving time (Toronto leaves it on 2026-11-01)
    assert roster.slot_times("2026-10-06/tue-3") == (
        "2026-10-06T10:20:00-04:00",
        "2026-10-06T11:10:00-04:00",
    )
    assert roster.slot_times("2026-11-03/tue-3")[0] == "2026-11-03T10:20:00-05:00"


def test_meetings_and_tables() -> None:
    roster = roster_from_data(
        with_(
            lambda d: d["cycles"][0].update(
                meetings=[
                    {"id": "pd", "date": "2026-10-09", "start": "13:00", "end": "15:00"},
                    {
                        "id": "pd2",
                        "date": "2026-10-09",
                        "start": "15:00",
                        "end": "16:00",
                        "tables": 3,
                    },
                ]
            )
        )
    )
    assert [m.tables for m in roster.cycles[0].meetings] == [None, 3]


def test_teams_and_schools() -> None:
    def district(document: Data) -> None:
        document["teams"] = [{"id": "g1", "priority": "literacy"}, {"id": "g2", "school": "east"}]
        document["teachers"] = [
            {"id": "t01", "name": "A", "team": "g1", "school": "west"},
            {"id": "t02", "name": "B", "team": "g1"},
            {"id": "t03", "name": "C", "team": "g2"},
            {"id": "t04", "name": "D"},
        ]

    roster = roster_from_data(with_(district))
    # t02's school is its team's, which is its members' (west); t04 has none: ''
    assert [roster.school_of(t.id) for t in roster.teachers] == ["west", "west", "east", ""]
    assert roster.team_school("g1") == "west"
    assert roster.schools() == ["west", "east", ""]


def test_unavailable_periods_and_slots() -> None:
    roster = roster_from_data(
        with_(lambda d: d["teachers"][0].update(unavailable=["mon-1", "2026-10-06/tue-3"]))
    )
    assert roster.teacher_by_id["t01"].unavailable == ["mon-1", "2026-10-06/tue-3"]


def test_cover_overrides() -> None:
    roster = roster_from_data(
        with_(
            lambda d: d.update(
                policy={
                    "cover_per_period": 2,
                    "cover_overrides": [{"slot": "2026-10-06/tue-3", "cover": 0}],
                }
            )
        )
    )
    assert roster.cover_limit("2026-10-06/tue-3") == 0
    assert roster.cover_limit("2026-10-05/mon-1") == 2


def test_history_may_name_former_staff() -> None:
    def history(document: Data) -> None:
        document["history"] = [
            {"a": "t01", "b": "gone", "year": 2024, "kind": "mentor", "trust": -1},
            {"a": "t01", "b": "t02", "year": 2025},
        ]
        document["team_history"] = [{"a": "old-team", "b": "g9", "year": 2020}]

    roster = roster_from_data(with_(history))
    assert roster.history[1].trust == 0.0 and roster.history[1].kind == "peer"


def test_relations_evaluator_sabbatical_and_room() -> None:
    def features(document: Data) -> None:
        document["relations"] = [
            {"a": "t01", "b": "t02", "kind": "avoid"},
            {"a": "t02", "b": "t01", "kind": "request"},
            {"a": "t01", "b": "t02", "kind": "lock"},
        ]
        document["teachers"][0].update(
            evaluator="t02",
            sabbatical={"topics": ["technology"], "budget": 4},
            room="204",
            participates=False,
            max_release=0,
        )

    teacher = roster_from_data(with_(features)).teacher_by_id["t01"]
    assert teacher.evaluator == "t02" and teacher.room == "204" and not teacher.participates
    assert teacher.sabbatical is not None and teacher.sabbatical.budget == 4


def test_hand_made_fixtures_read() -> None:
    assert [t.id for t in load_fixture("check_small").teachers] == ["a", "b", "c", "d", "e"]
    assert isinstance(load_fixture("oakridge-tiny"), Roster)
    assert isinstance(load_plan_fixture("check_small_plan"), Plan)


def test_plan_year_is_optional() -> None:
    text = json.dumps({"roster": "x", "status": "optimal", "objective": 1, "bound": 1})
    assert plan_from_json(text).year is None
    assert plan_from_json(text.replace('"roster"', '"year": 2027, "roster"')).year == 2027


# --- errors name the field -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: d["teachers"][0].update(teaches=["mon-1", "mon-9"]),
            "teachers[0].teaches[1]: unknown period 'mon-9'",
        ),
        (
            lambda d: d["teachers"][1].update(teachs=["mon-1"]),
            "teachers[1].teachs: unknown field 'teachs'; did you mean 'teaches'?",
        ),
        (
            lambda d: d["teachers"][0].update(unavailable=["2026-10-07/tue-3"]),
            "teachers[0].unavailable[0]: '2026-10-07/tue-3': 2026-10-07 is a wed, but period 'tue-3' is on tue",
        ),
        (
            lambda d: d["cycles"][0].update(weeks=["2026-10-06"]),
            "cycles[0].weeks[0]: '2026-10-06' is a tue, not a Monday",
        ),
        (
            lambda d: d.update(timezone="Mars/Olympus"),
            "timezone: unknown IANA time zone 'Mars/Olympus'",
        ),
        (
            lambda d: d["teachers"].append({"id": "t01", "name": "Again"}),
            "teachers[2].id: duplicate teacher id 't01' (first at teachers[0].id)",
        ),
        (
            lambda d: d["teachers"][0].update(evaluator="t01"),
            "teachers[0].evaluator: a teacher cannot evaluate themself",
        ),
        (
            lambda d: d["teachers"][0].update(evaluator="t77"),
            "teachers[0].evaluator: unknown teacher 't77'",
        ),
        (
            lambda d: d.update(relations=[{"a": "t01", "b": "t09", "kind": "avoid"}]),
            "relations[0].b: unknown teacher 't09'",
        ),
        (
            lambda d: d.update(history=[{"a": "t01", "b": "t02", "year": 2026}]),
            "history[0].year: 2026 is not earlier than the roster's year 2026",
        ),
        (
            lambda d: d["teachers"][0].update(team="g1"),
            "teachers[0].team: unknown team 'g1'",
        ),
        (
            lambda d: d["periods"][0].update(start="09:30"),
            "periods[0]: starts at 09:30, not before its end 09:20",
        ),
        (
            lambda d: d.update(
                policy={"cover_overrides": [{"slot": "2026-10-05/fri-1", "cover": 1}]}
            ),
            "policy.cover_overrides[0].slot: unknown period 'fri-1'",
        ),
        (
            lambda d: d.update(policy={"rotation": "term"}),
            "policy.rotation: must be 'year' or 'cycle' (got \"term\")",
        ),
        (lambda d: d.pop("year"), "year: required field is missing"),
        (
            lambda d: d.update(format="pairwise/roster@2"),
            "format: 'pairwise/roster@2' is not supported; this version reads 'pairwise/roster@1'",
        ),
    ],
)
def test_errors_name_the_field(edit: Callable[[Data], object], expected: str) -> None:
    assert expected in problems(with_(edit))


@pytest.mark.parametrize(
    ("edit", "path"),
    [
        (
            lambda d: d.update(history=[{"a": "t01", "b": "t02", "year": 2025, "trust": 1.5}]),
            "history[0].trust",
        ),
        (
            lambda d: d.update(history=[{"a": "t01", "b": "t02", "year": 2025, "trust": math.nan}]),
            "history[0].trust",
        ),
        (lambda d: d["teachers"][0].update(max_release=-1), "teachers[0].max_release"),
        (lambda d: d.update(policy={"weights": {"cover": -1}}), "policy.weights.cover"),
        (lambda d: d.update(policy={"release_budget": -5}), "policy.release_budget"),
        (
            lambda d: d["teachers"][0].update(sabbatical={"budget": -1}),
            "teachers[0].sabbatical.budget",
        ),
        (lambda d: d.update(relations=[{"a": "t01", "b": "t01", "kind": "lock"}]), "relations[0]"),
        (
            lambda d: d.update(team_history=[{"a": "g1", "b": "g1", "year": 2020}]),
            "team_history[0]",
        ),
        (lambda d: d.update(cycles=[{"id": "fall", "weeks": []}]), "cycles[0].weeks"),
        (
            lambda d: d.update(cycles=[*d["cycles"], {"id": "spring", "weeks": ["2026-10-05"]}]),
            "cycles[1].weeks[0]",
        ),
        (lambda d: d["periods"][0].update(id="mon/1"), "periods[0].id"),
    ],
)
def test_bad_values_are_refused_by_path(edit: Callable[[Data], object], path: str) -> None:
    assert any(problem.startswith(f"{path}:") for problem in problems(with_(edit)))


def test_every_problem_at_once() -> None:
    def many(document: Data) -> None:
        document["teachers"][0].update(teaches=["mon-9"], evaluator="t77")
        document["teachers"][1].update(team="nowhere")

    found = problems(with_(many))
    assert len(found) == 3


def test_a_copied_roster_indexes_its_own_teachers() -> None:
    roster = load_fixture("oakridge-tiny.json")
    assert roster.teacher_by_id["t01"].name == "Ana Ruiz"  # computes the cached index
    renamed = [teacher.model_copy(update={"name": "Z"}) for teacher in roster.teachers]
    copy = roster.model_copy(update={"teachers": renamed})
    assert copy.teacher_by_id["t01"].name == "Z"
    assert roster.teacher_by_id["t01"].name == "Ana Ruiz"

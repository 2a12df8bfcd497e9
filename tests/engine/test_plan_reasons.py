"""Plain words for a plan: why partners were put together, why a teacher is unpaired, why a
sabbatical coach makes no visit."""

from __future__ import annotations

from typing import Any

import pytest

from pairwise.engine.candidates import Candidates
from pairwise.engine.plan.reasons import coach_idle_reason, partnership_reasons, unpaired_reason
from pairwise.roster.models import Roster
from pairwise.roster.objective import Scoring
from tests.builders import make_roster, staggered


def candidates_of(roster: Roster) -> Candidates:
    return Candidates(roster, Scoring(roster))


def reasons(roster: Roster, *members: str) -> list[str]:
    return partnership_reasons(candidates_of(roster), Scoring(roster), members)


def test_each_pair_term_is_named_most_valuable_first_and_trust_never() -> None:
    teachers = [
        {"id": "a", "teaches": ["mon-1"], "priority": "reading", "years_experience": 1},
        {"id": "b", "teaches": ["mon-2"], "strengths": ["reading"], "years_experience": 20},
    ]
    roster = make_roster(
        teachers,
        relations=[{"a": "a", "b": "b", "kind": "request"}],
        history=[{"a": "a", "b": "b", "year": 2020, "kind": "peer", "trust": 0.9}],
    )
    found = reasons(roster, "a", "b")
    weights = roster.policy.weights
    assert weights.request > weights.complement > weights.mentoring > 1  # the default weights
    assert found == [
        "requested each other",
        "Teacher b is strong in reading, Teacher a's priority",
        "novice Teacher a with a 20-year veteran, Teacher b",
        "new partners: last paired in 2020",
    ]
    assert not any("trust" in reason or "0.9" in reason for reason in found)


def test_a_lock_comes_first_and_a_recent_partner_is_a_repeat() -> None:
    teachers = staggered(["a", "b"], 4)
    roster = make_roster(
        teachers,
        relations=[{"a": "a", "b": "b", "kind": "lock"}],
        history=[{"a": "a", "b": "b", "year": 2025, "kind": "peer"}],
    )
    found = reasons(roster, "a", "b")
    assert found[0] == "Teacher a and Teacher b are locked together by the admin"
    assert "repeat: partners in 2025" in found


def test_a_triad_names_the_pair_each_reason_is_about() -> None:
    teachers = staggered(["a", "b", "c"], 4)
    teachers[0]["priority"] = teachers[1]["priority"] = "writing"
    roster = make_roster(teachers)
    found = reasons(roster, "a", "b", "c")
    assert "Teacher a and Teacher b share the priority writing" in found
    assert "Teacher a and Teacher c new partners: never paired before" in found


def unpaired_why(roster: Roster, teacher: str, earlier: set[str] | None = None) -> str:
    candidates = candidates_of(roster)
    return unpaired_reason(candidates, teacher, candidates.periods[0].id, earlier or set())


@pytest.mark.parametrize(
    ("teachers", "options", "why"),
    [
        (
            [{"id": "a", "teaches": ["mon-1"]}, {"id": "b", "participates": False}],
            {},
            "no other teacher participates",
        ),
        (
            [{"id": "a", "teaches": ["mon-1"], "school": "north"}, {"id": "b", "school": "south"}],
            {},
            "no other participating teacher in their school",
        ),
        (
            [{"id": "a", "teaches": ["mon-1"]}, {"id": "b", "teaches": ["mon-2"]}],
            {"relations": [{"a": "a", "b": "b", "kind": "avoid"}]},
            "every possible partner is an avoid relation",
        ),
        (
            [
                {"id": "a", "teaches": ["mon-1"]},
                {"id": "b", "teaches": ["mon-2"], "evaluator": "a"},
            ],
            {},
            "every possible partner is their evaluator or evaluated by them",
        ),
        (
            # both teach every period: their visits need covers, and there are none
            [
                {"id": "a", "teaches": ["mon-1", "mon-2"]},
                {"id": "b", "teaches": ["mon-1", "mon-2"]},
            ],
            {"periods": 2, "policy": {"cover_per_period": 0}},
            "no slot where a partner teaches and both are free (c1), within the covers and "
            "release limits",
        ),
        (
            staggered(["a", "b", "c"], 4),
            {"policy": {"allow_triads": False}},
            "odd number of teachers and triads are not allowed",
        ),
        (
            staggered(["a", "b", "c", "d"], 4),
            {},
            "left out to keep the plan's value highest",
        ),
    ],
)
def test_why_a_teacher_is_unpaired(
    teachers: list[dict[str, Any]], options: dict[str, Any], why: str
) -> None:
    assert unpaired_why(make_roster(teachers, **options), "a") == why


def test_a_teacher_who_had_every_possible_partner_already() -> None:
    roster = make_roster(staggered(["a", "b", "c"], 4))
    assert unpaired_why(roster, "a", {"b", "c"}) == (
        "already partnered this year with every possible partner"
    )


def coach(**sabbatical: Any) -> dict[str, Any]:
    return {
        "id": "k",
        "teaches": [],
        "sabbatical": {"budget": 4, "topics": ["reading"], **sabbatical},
    }


@pytest.mark.parametrize(
    ("teachers", "options", "why"),
    [
        (
            [coach(budget=0), {"id": "a", "priority": "reading"}],
            {},
            "a budget of 0 release periods",
        ),
        ([coach(topics=[]), {"id": "a", "priority": "reading"}], {}, "no topics to coach"),
        (
            [coach(), {"id": "a", "priority": "maths"}],
            {},
            "no colleague's priority is one of its topics (reading)",
        ),
        (
            [coach(), {"id": "a", "priority": "reading", "teaches": ["mon-1"]}],
            {"relations": [{"a": "k", "b": "a", "kind": "avoid"}]},
            "every colleague with one of its topics is an avoid relation or an evaluator pair",
        ),
        (
            # the coachee teaches nothing: there is no lesson to visit
            [coach(), {"id": "a", "priority": "reading", "teaches": []}],
            {},
            "no slot where an eligible coachee teaches and the coach is free or can be covered",
        ),
        ([coach(), {"id": "a", "priority": "reading", "teaches": ["mon-1"]}], {}, None),
    ],
)
def test_why_a_coach_makes_no_visit(
    teachers: list[dict[str, Any]], options: dict[str, Any], why: str | None
) -> None:
    assert coach_idle_reason(make_roster(teachers, **options), "k") == why


def test_a_teacher_without_a_sabbatical_is_no_coach() -> None:
    roster = make_roster(staggered(["a", "b"], 4))
    assert coach_idle_reason(roster, "a") == "not a sabbatical coach"

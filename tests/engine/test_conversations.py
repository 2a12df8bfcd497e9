"""Debriefs after visits and co-taught lessons: placed without cost, counted, explained, and equal
to the exhaustive reference on tiny rosters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pairwise.engine.model import conversations
from pairwise.engine.pipeline import solve
from pairwise.engine.search import run_search
from pairwise.roster.load import load_roster
from pairwise.roster.models import Plan, Roster
from solvers import bruteforce
from tests.builders import make_roster
from tests.helpers import assert_plan_valid

TWO_DAYS = ("mon", "tue")
INSTANCES = Path(__file__).resolve().parents[2] / "instances"


def tandem_pair(policy: dict[str, Any] | None = None, **extra: Any) -> Roster:
    """a teaches period 1, b period 2, both days: periods 3-4 are free for both.

    Visits: a watches b in period 2, b watches a in period 1; a debrief fits after each in 3 or 4,
    and a planning before a lesson on Tuesday fits on Monday afternoon: 2 debriefs + 1 planning.
    """
    teachers = [
        {"id": "a", "teaches": ["mon-1", "tue-1"], "tandem": True, **extra},
        {"id": "b", "teaches": ["mon-2", "tue-2"], "tandem": True, **extra},
    ]
    return make_roster(teachers, days=TWO_DAYS, policy={"tandem": True, **(policy or {})})


def solved(roster: Roster) -> Plan:
    result = solve(roster, time_limit=20, seed=0, workers=1)
    assert result.plan is not None
    assert_plan_valid(roster, result.plan)
    return result.plan


def test_a_tandem_pair_gets_two_debriefs_and_one_co_taught_lesson() -> None:
    roster = tandem_pair()
    plan = solved(roster)
    counts = plan.conversation_counts
    assert (counts.placed, counts.most, counts.co_taught, counts.co_taught_most) == (3, 3, 1, 1)
    assert [visit.mode for visit in plan.visits].count("co-teach") == 1
    kinds = sorted(conversation.kind for conversation in plan.conversations)
    assert kinds == ["debrief", "debrief", "planning"]
    assert plan.unplaced_conversations == []
    lesson = next(visit for visit in plan.visits if visit.mode == "co-teach")
    planning = next(c for c in plan.conversations if c.kind == "planning")
    assert planning.visit.slot == lesson.slot and planning.slot < lesson.slot


def test_conversations_never_change_the_objective() -> None:
    with_tandem, without = solved(tandem_pair()), solved(tandem_pair({"tandem": False}))
    assert with_tandem.objective == without.objective
    assert without.conversation_counts.co_taught == 0
    assert without.conversation_counts.placed == 2


def test_tandem_needs_both_teachers_willing() -> None:
    data = tandem_pair().model_dump()
    data["teachers"][1]["tandem"] = False
    roster = Roster.model_validate(data)
    assert solved(roster).conversation_counts.co_taught == 0


def test_a_pair_with_no_shared_free_period_is_listed_with_why() -> None:
    # a teaches periods 1-2, b periods 3-4 (Monday only): never both free
    roster = make_roster(
        [{"id": "a", "teaches": ["mon-1", "mon-2"]}, {"id": "b", "teaches": ["mon-3", "mon-4"]}]
    )
    plan = solved(roster)
    assert plan.conversations == [] and plan.conversation_counts.most == 0
    assert len(plan.unplaced_conversations) == 2
    first = plan.unplaced_conversations[0]
    assert first.kind == "debrief"
    assert first.why.endswith(
        f"share no free period within 2 school days of the visit on {first.visit.slot[:10]}"
    )


def test_same_day_debriefs_when_the_window_is_zero() -> None:
    roster = tandem_pair({"debrief_within_days": 0})
    plan = solved(roster)
    for conversation in plan.conversations:
        assert conversation.slot[:10] == conversation.visit.slot[:10]
    # the lesson's planning needs a free period earlier the same day: none before periods 1-2
    assert plan.conversation_counts.co_taught == 0
    assert plan.conversation_counts.placed == 2


def test_visits_move_to_make_room_for_debriefs() -> None:
    """Monday only, window 0: a debrief needs a free period later the same day, so every visit
    must come before periods 3-4, and the two debriefs take one period each."""
    teachers = [
        {"id": "a", "teaches": ["mon-1", "mon-4"]},
        {"id": "b", "teaches": ["mon-2", "mon-4"]},
    ]
    roster = make_roster(teachers, periods=5, weeks=2, policy={"debrief_within_days": 0})
    plan = solved(roster)
    assert plan.conversation_counts.placed == 2 == plan.conversation_counts.most


@pytest.mark.parametrize(
    "roster",
    [
        tandem_pair(),
        tandem_pair({"debrief_within_days": 0}),
        make_roster(
            [
                {"id": "a", "teaches": ["mon-1", "mon-2"], "tandem": True},
                {"id": "b", "teaches": ["mon-2", "mon-3"], "tandem": True},
                {"id": "c", "teaches": ["mon-3", "mon-1"]},
            ],
            days=TWO_DAYS,
            policy={"tandem": True, "debrief_within_days": 1},
        ),
    ],
    ids=["tandem-pair", "same-day", "triad"],
)
def test_the_engine_places_as_many_conversations_as_the_exhaustive_reference(
    roster: Roster,
) -> None:
    reference = bruteforce.solve(roster, conversations=True)
    assert reference is not None
    assert_plan_valid(roster, reference)
    plan = solved(roster)
    assert plan.objective == reference.objective
    engine, exact = plan.conversation_counts, reference.conversation_counts
    assert (engine.placed, engine.co_taught) == (exact.placed, exact.co_taught)


def test_the_conversation_search_stops_on_deterministic_time_not_on_the_solves_pace(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """k8-60's conversation search (its moves fall one short of the bound) stops on reaching the
    bound, or else on CP-SAT's deterministic time (the same on every machine), with the wall
    clock only at the solve's own limit; a budget tied to the seconds the solve took made the
    count vary with the machine's load."""
    seen: list[tuple[float, float | None]] = []

    def recording(model: Any, settings: Any, time_limit: float, *args: Any, **kwargs: Any) -> Any:
        seen.append((time_limit, kwargs.get("deterministic_limit")))
        return run_search(model, settings, time_limit, *args, **kwargs)

    monkeypatch.setattr(conversations, "run_search", recording)
    roster = load_roster(INSTANCES / "k8-60.json")
    result = solve(roster, time_limit=60, seed=0, workers=2)
    assert result.plan is not None
    assert_plan_valid(roster, result.plan)
    assert len(seen) == 1
    wall, deterministic = seen[0]
    assert wall > 30
    assert deterministic == conversations.DETERMINISTIC_LIMIT

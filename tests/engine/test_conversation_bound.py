"""The bound on debriefs that counts covered visits (`conversation_bound`): exact on its own
relaxation (against trying every choice), a proof on real plans (the engine's count equals the
exhaustive reference's where the covers bind), and tight where a debrief needs a cover the plan
does not have."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from pairwise.engine import pipeline
from pairwise.engine.model import conversations
from pairwise.engine.model.conversation_bound import (
    SlotClass,
    VisitChoices,
    debrief_bound,
    group_most,
)
from pairwise.engine.pipeline import solve
from pairwise.engine.search import new_solver
from pairwise.roster.models import Roster
from solvers.bruteforce import solve as brute_force
from tests.builders import make_roster
from tests.helpers import assert_plan_valid

FREE, COVERED = False, True


def slots(*indices: int) -> int:
    return sum(1 << i for i in indices)


def two_groups() -> list[VisitChoices]:
    """Group ab: two visits whose debriefs can only both fit when one of them is covered (slot 1
    is the only debrief an uncovered slot of either leaves; the covered slot of the second leaves
    slot 2). Group cd: one visit whose only debrief needs a covered slot."""
    ab, cd = ("a", "b", "c1"), ("c", "d", "c1")
    return [
        VisitChoices(ab, frozenset({SlotClass(FREE, slots(1))})),
        VisitChoices(ab, frozenset({SlotClass(FREE, slots(1)), SlotClass(COVERED, slots(2))})),
        VisitChoices(cd, frozenset({SlotClass(FREE, 0), SlotClass(COVERED, slots(5))})),
    ]


def test_each_covered_visit_buys_one_debrief_up_to_what_the_groups_can_use() -> None:
    # no cover: 1 (ab's two visits share slot 1); one: 2 (either ab's second or cd's);
    # two: 3, every debrief; a third cover buys nothing more
    assert [debrief_bound(two_groups(), covers) for covers in range(4)] == [1, 2, 3, 3]


def test_visits_that_must_be_covered_spend_the_covers_first() -> None:
    """A visit with no uncovered slot takes a cover whatever else happens: with one cover in all
    nothing is left for a debrief that needs one, and with none there is no placement (-1)."""
    forced = VisitChoices(("e", "f", "c1"), frozenset({SlotClass(COVERED, 0)}))
    assert debrief_bound([*two_groups(), forced], 1) == 1
    assert debrief_bound([*two_groups(), forced], 2) == 2
    assert debrief_bound([forced], 0) == -1


def test_a_group_counts_debriefs_by_the_covered_visits_it_uses() -> None:
    assert group_most([[SlotClass(FREE, slots(1))], [SlotClass(FREE, slots(1))]]) == {0: 1}
    choices = [SlotClass(FREE, slots(1)), SlotClass(COVERED, slots(2))]
    assert group_most([[SlotClass(FREE, slots(1))], choices]) == {0: 1, 1: 2}


classes = st.builds(SlotClass, st.booleans(), st.integers(0, 7))
visits = st.builds(
    VisitChoices,
    st.sampled_from([("a", "b", "c1"), ("a", "b", "c2"), ("c", "d", "c1")]),
    st.frozensets(classes, min_size=1, max_size=3),
)


def every_choice(choices: list[VisitChoices], covers: int) -> int:
    """The relaxation by trying everything: per visit one class and a debrief slot of it or none,
    debriefs distinct within a group, no more covered visits than `covers`."""
    best = -1
    for picked in itertools.product(*(sorted(visit.classes) for visit in choices)):
        if sum(choice.covered for choice in picked) > covers:
            continue
        options = [
            [None, *(slot for slot in range(3) if choice.debriefs >> slot & 1)] for choice in picked
        ]
        for debriefs in itertools.product(*options):
            taken = [
                (visit.group, slot)
                for visit, slot in zip(choices, debriefs, strict=True)
                if slot is not None
            ]
            if len(set(taken)) == len(taken):
                best = max(best, len(taken))
    return best


@settings(max_examples=150, deadline=None, database=None)
@given(st.lists(visits, min_size=1, max_size=4), st.integers(0, 3))
def test_the_bound_is_the_relaxations_optimum(choices: list[VisitChoices], covers: int) -> None:
    # debrief slots 0-2 only (the windows are drawn in 0..7: bit 2 set means slot 2)
    clipped = [
        VisitChoices(
            v.group, frozenset(SlotClass(c.covered, c.debriefs & 0b111) for c in v.classes)
        )
        for v in choices
    ]
    assert debrief_bound(clipped, covers) == every_choice(clipped, covers)


def cover_bound_roster() -> Roster:
    """x teaches periods 2 and 3, y 2 and 6 (Monday, debriefs the same day). y watches x
    uncovered in 3 (y is free) and gets a debrief in 4 or 5. x watches y uncovered only in 6,
    after which no period is left; in 2 (covered) a debrief would fit, but the best plan has no
    covered visit, and the conversations never add one. Static bound 2, the most 1."""
    return make_roster(
        [{"id": "x", "teaches": ["mon-2", "mon-3"]}, {"id": "y", "teaches": ["mon-2", "mon-6"]}],
        periods=6,
        policy={"debrief_within_days": 0, "reciprocal": True},
    )


def test_a_debrief_that_needs_a_cover_the_plan_lacks_is_proven_out_without_a_search() -> None:
    """The boundary: with the plan's covered visits counted one too many (or the bound left at
    the static 2) the search runs; one too few and the bound falls below what is placed."""
    roster = cover_bound_roster()
    result = solve(roster, time_limit=20.0, workers=1)
    assert result.plan is not None
    assert_plan_valid(roster, result.plan)
    reference = brute_force(roster, conversations=True)
    assert reference is not None
    counts = result.plan.conversation_counts
    assert counts.placed == counts.most == reference.conversation_counts.placed == 1
    assert result.stats["conversations_most"] == 1  # the stage's own figure, before the plan
    assert "conversations_search" not in result.stats


@st.composite
def scarce_free_periods(draw: st.DrawFn) -> Roster:
    """Two to four peer teachers on one Monday of four or five periods (one or two cycles), each
    teaching all but at least one, debriefs the same day, at most one cover a period: a debrief
    often fits only after one slot of a visit, and that slot often needs the cover."""
    periods = draw(st.integers(4, 5))
    ids = [f"mon-{i + 1}" for i in range(periods)]
    teaches = st.lists(st.sampled_from(ids), unique=True, min_size=1, max_size=periods - 1)
    teachers = [
        {"id": f"t{i + 1}", "teaches": draw(teaches)} for i in range(draw(st.integers(2, 4)))
    ]
    policy = {
        "debrief_within_days": 0,
        "reciprocal": draw(st.booleans()),
        "allow_triads": draw(st.booleans()),
        "cover_per_period": draw(st.integers(0, 1)),
    }
    return make_roster(teachers, periods=periods, cycles=draw(st.integers(1, 2)), policy=policy)


def exact_most(stage: conversations._Stage) -> int:
    """The conversation model of `stage` solved to optimality (no deterministic stop): the most
    conversations any placement around the plan reaches."""
    weight = stage.static_most()[1] + 1
    model = conversations._ConversationModel(stage, weight=weight)
    model.build(conversations._greedy(stage))
    solver = new_solver(60.0)
    assert solver.solve(model.model) == cp_model.OPTIMAL
    return round(solver.objective_value) // weight


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(scarce_free_periods())
def test_the_bound_never_falls_below_the_exact_most_and_the_engine_reaches_it(
    roster: Roster,
) -> None:
    """For the engine's plan: the covered-visit bound (with the plannings' static one) is at least
    the conversation model's exact optimum, and the stage places that optimum. A bound cut too
    far falls below it here, and the moves stop short of it."""
    seen: list[tuple[Any, Any]] = []
    original = pipeline.place_conversations

    def recording(candidates: Any, solution: Any, *args: Any) -> Any:
        seen.append((candidates, solution))
        return original(candidates, solution, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "place_conversations", recording)
        result = solve(roster, time_limit=20.0, workers=1)
    if result.plan is None:
        return
    assert_plan_valid(roster, result.plan)
    assert len(seen) == 1
    stage = conversations._Stage(*seen[0])
    exact = exact_most(stage)
    static, plannings = stage.static_most()
    assert min(static, stage.covered_most() + plannings) >= exact
    assert result.plan.conversation_counts.placed == exact

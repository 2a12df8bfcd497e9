"""Candidates: which pairs may partner, and which slots each visit and sabbatical visit may take."""

from __future__ import annotations

from pairwise.engine.candidates import Candidates, slot_indices
from pairwise.engine.columns import triad_column
from pairwise.roster.models import Roster
from pairwise.roster.objective import Scoring
from tests.builders import make_roster


def candidates_of(roster: object) -> Candidates:
    assert isinstance(roster, Roster)
    return Candidates(roster, Scoring(roster))


def slots(mask: int) -> list[int]:
    return list(slot_indices(mask))


def test_host_teaches_and_covered_exactly_when_the_visitor_teaches() -> None:
    # slots 0..3 are mon-1..mon-4; b teaches 1 and 2, a teaches 2 and 4
    roster = make_roster(
        [{"id": "a", "teaches": ["mon-2", "mon-4"]}, {"id": "b", "teaches": ["mon-1", "mon-2"]}]
    )
    options = candidates_of(roster).visit_options("a", "b", "c1")
    assert slots(options.uncovered) == [0]  # b teaches mon-1, a is free
    assert slots(options.covered) == [1]  # both teach mon-2: a needs a cover
    assert options.forced_cover == 0


def test_unavailable_periods_and_slots_are_never_used() -> None:
    roster = make_roster(
        [
            {"id": "a", "teaches": [], "unavailable": ["mon-1"]},
            {
                "id": "b",
                "teaches": ["mon-1", "mon-2", "mon-3"],
                "unavailable": ["2026-10-05/mon-3"],
            },
        ]
    )
    options = candidates_of(roster).visit_options("a", "b", "c1")
    assert slots(options.uncovered) == [1]


def test_no_cover_on_hand_or_no_release_leaves_only_free_slots() -> None:
    teachers = [{"id": "a", "teaches": ["mon-1"]}, {"id": "b", "teaches": ["mon-1", "mon-2"]}]
    override = {"cover_overrides": [{"slot": "2026-10-05/mon-1", "cover": 0}]}
    assert (
        candidates_of(make_roster(teachers, policy=override)).visit_options("a", "b", "c1").covered
        == 0
    )
    released_never = [{**teachers[0], "max_release": 0}, teachers[1]]
    assert candidates_of(make_roster(released_never)).visit_options("a", "b", "c1").covered == 0
    assert slots(candidates_of(make_roster(teachers)).visit_options("a", "b", "c1").covered) == [0]


def test_admissible_pairs_respect_avoid_evaluator_school_and_participation() -> None:
    everyone = ["mon-1", "mon-2"]
    roster = make_roster(
        [
            {"id": "a", "teaches": everyone, "school": "north"},
            {"id": "b", "teaches": everyone, "school": "north", "evaluator": "a"},
            {"id": "c", "teaches": everyone, "school": "north"},
            {"id": "d", "teaches": everyone, "school": "north"},
            {"id": "e", "teaches": everyone, "school": "south"},
            {"id": "f", "teaches": everyone, "school": "north", "participates": False},
        ],
        relations=[{"a": "c", "b": "d", "kind": "avoid"}],
    )
    candidates = candidates_of(roster)
    assert candidates.pair_edges["year"] == [("a", "c"), ("a", "d"), ("b", "c"), ("b", "d")]
    assert candidates.base_reason[("a", "b")] == "evaluator"
    assert candidates.base_reason[("c", "d")] == "avoid"
    assert candidates.base_reason[("a", "e")] == "school"


def test_a_pair_visiting_one_way_only_can_still_sit_in_a_triad_ring() -> None:
    # no covers: b cannot visit a (a teaches only when b does), a can visit b in mon-2;
    # the ring a -> b -> c -> a works (mon-2, mon-3, mon-1)
    roster = make_roster(
        [
            {"id": "a", "teaches": ["mon-1"]},
            {"id": "b", "teaches": ["mon-1", "mon-2"]},
            {"id": "c", "teaches": ["mon-3"]},
        ],
        policy={"cover_per_period": 0},
    )
    candidates = candidates_of(roster)
    period = candidates.periods[0]
    assert ("a", "b") not in candidates.pair_edges["year"]
    assert ("a", "b") in candidates.triad_edges["year"]
    assert triad_column(candidates, period, ("a", "b", "c"), "") is not None


def test_a_teacher_who_never_teaches_cannot_be_in_a_ring() -> None:
    roster = make_roster(
        [
            {"id": "a", "teaches": []},
            {"id": "b", "teaches": ["mon-1"]},
            {"id": "c", "teaches": ["mon-2"]},
        ]
    )
    candidates = candidates_of(roster)
    assert ("a", "b") in candidates.triad_edges["year"]  # a can visit b, one way
    assert triad_column(candidates, candidates.periods[0], ("a", "b", "c"), "") is None


def test_rotation_cycle_has_one_rotation_period_per_cycle() -> None:
    roster = make_roster(
        [{"id": "a", "teaches": ["mon-1"]}, {"id": "b", "teaches": ["mon-2"]}],
        cycles=3,
        policy={"rotation": "cycle"},
    )
    candidates = candidates_of(roster)
    assert [period.id for period in candidates.periods] == ["c1", "c2", "c3"]
    assert all(candidates.pair_edges[p.id] == [("a", "b")] for p in candidates.periods)


def test_sabbatical_options_need_a_topic_a_teaching_coachee_and_no_evaluation() -> None:
    roster = make_roster(
        [
            {"id": "k", "teaches": ["mon-1"], "sabbatical": {"topics": ["math"], "budget": 2}},
            {"id": "m", "teaches": ["mon-1", "mon-2"], "priority": "math"},
            {"id": "n", "teaches": ["mon-3"], "priority": "art"},
            {"id": "p", "teaches": ["mon-3"], "priority": "math", "evaluator": "k"},
            {"id": "q", "teaches": [], "priority": "math"},
        ]
    )
    candidates = candidates_of(roster)
    assert candidates.eligible_coachees("k") == ["m"]
    options = candidates.sabbatical_arcs["k", "m", "c1"]
    assert slots(options.uncovered) == [1]  # k free in mon-2 while m teaches
    assert slots(options.covered) == [0]  # k teaches mon-1 too: covered

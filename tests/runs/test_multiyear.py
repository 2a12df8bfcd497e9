"""Multi-year rotation: no pair twice over the years, round robins found, each year's plan valid."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Sequence
from typing import Any

import networkx as nx
import pytest

from pairwise.errors import PairwiseError
from pairwise.generate.rosters import generate_roster
from pairwise.roster.load import roster_from_data
from pairwise.roster.models import Roster
from pairwise.runs.multiyear.choices import Group, Rotation, RotationError, YearResult
from pairwise.runs.multiyear.rotation import plan_rotation
from pairwise.runs.multiyear.years import derived_roster, solve_years
from tests.helpers import assert_plan_valid, load_fixture

DAYS = ("mon", "tue", "wed", "thu", "fri")


def ring_roster(
    count: int,
    *,
    cycles: int = 2,
    rotation: str = "year",
    history: Sequence[tuple[str, str, int]] = (),
    relations: Sequence[tuple[str, str, str]] = (),
    window: int = 3,
    weights: dict[str, int] | None = None,
) -> Roster:
    """`count` teachers on a ring of `count` periods, each teaching three consecutive ones: no
    teacher's periods contain another's, so every visit has a free slot (no cover needed)."""
    periods = [
        {
            "id": f"p{i}",
            "day": DAYS[i % 5],
            "start": f"{8 + i // 5:02d}:00",
            "end": f"{8 + i // 5:02d}:50",
        }
        for i in range(count)
    ]
    teachers = [
        {
            "id": f"t{i:02d}",
            "name": f"Teacher {i}",
            "teaches": [f"p{(i + j) % count}" for j in range(3)],
        }
        for i in range(count)
    ]
    first = dt.date(2026, 10, 5)
    data: dict[str, Any] = {
        "format": "pairwise/roster@1",
        "name": f"Ring of {count}",
        "year": 2026,
        "timezone": "America/Toronto",
        "periods": periods,
        "cycles": [
            {"id": f"cycle-{c + 1}", "weeks": [(first + dt.timedelta(weeks=6 * c)).isoformat()]}
            for c in range(cycles)
        ],
        "teachers": teachers,
        "history": [{"a": a, "b": b, "year": year} for a, b, year in history],
        "relations": [{"a": a, "b": b, "kind": kind} for a, b, kind in relations],
        "policy": {"rotation": rotation, "repeat_window_years": window},
    }
    if weights is not None:
        data["policy"]["weights"] = weights
    return roster_from_data(data)


def rotation_pairs(rotation: Rotation) -> list[frozenset[str]]:
    """Every pair partnered over the rotation (a triad gives three), once per partnership."""
    return [
        frozenset(pair)
        for year in rotation.groups
        for period in year
        for group in period
        for pair in itertools.combinations(group, 2)
    ]


def assert_everyone_partnered_once_per_period(roster: Roster, rotation: Rotation) -> None:
    teachers = sorted(teacher.id for teacher in roster.teachers)
    for year in rotation.groups:
        for period in year:
            assert sorted(t for group in period for t in group) == teachers


@pytest.mark.parametrize("count", [8, 10])
def test_round_robin_of_n_minus_one_years_is_found(count: int) -> None:
    # n teachers have n(n-1)/2 pairs and each year uses n/2 of them: n-1 years use every pair once.
    roster = ring_roster(count)
    rotation = plan_rotation(roster, count - 1, time_limit=20)
    pairs = rotation_pairs(rotation)
    assert len(pairs) == len(set(pairs)) == count * (count - 1) // 2
    assert_everyone_partnered_once_per_period(roster, rotation)
    assert rotation.years == list(range(2026, 2026 + count - 1))


def test_one_year_more_than_a_round_robin_is_refused_with_the_most_that_works() -> None:
    roster = ring_roster(8)
    with pytest.raises(RotationError) as raised:
        plan_rotation(roster, 8, time_limit=20)
    assert raised.value.years_possible == 7
    assert "no repeat-free rotation of 8 years" in str(raised.value)
    assert "at most 7 years" in str(raised.value)


def test_history_within_the_window_is_never_repeated() -> None:
    # Four teachers have three perfect matchings: {01,23}, {02,13}, {03,12}. t00-t01 met in 2025,
    # inside a 3-year window for 2026-2028, so only two matchings are left: two years at most.
    history = [("t00", "t01", 2025)]
    roster = ring_roster(4, history=history)
    with pytest.raises(RotationError) as raised:
        plan_rotation(roster, 3, time_limit=20)
    assert raised.value.years_possible == 2
    rotation = plan_rotation(roster, 2, time_limit=20)
    assert frozenset(("t00", "t01")) not in rotation_pairs(rotation)
    # with a window of 0 years the 2025 pair may meet again in 2026: three years work
    assert len(plan_rotation(ring_roster(4, history=history, window=0), 3).groups) == 3


def test_odd_count_takes_one_triad_a_year_and_repeats_no_pair() -> None:
    roster = ring_roster(7)
    rotation = plan_rotation(roster, 3, time_limit=20)
    pairs = rotation_pairs(rotation)
    assert len(pairs) == len(set(pairs))
    assert_everyone_partnered_once_per_period(roster, rotation)
    for year in rotation.groups:
        assert [len(group) for group in year[0]].count(3) == 1


def test_rotation_by_cycle_never_repeats_within_or_across_years() -> None:
    # 6 teachers, 2 cycles a year, 2 years: 4 perfect matchings of 15 pairs, all different.
    roster = ring_roster(6, rotation="cycle")
    rotation = plan_rotation(roster, 2, time_limit=20)
    assert [period_id for period_id, _ in rotation.periods] == ["cycle-1", "cycle-2"]
    pairs = rotation_pairs(rotation)
    assert len(pairs) == len(set(pairs)) == 12
    assert_everyone_partnered_once_per_period(roster, rotation)


def test_locks_bind_the_first_year_only() -> None:
    roster = ring_roster(6, relations=[("t00", "t03", "lock")])
    rotation = plan_rotation(roster, 2, time_limit=20)
    first_year = [set(group) for group in rotation.groups[0][0]]
    assert {"t00", "t03"} in first_year
    assert frozenset(("t00", "t03")) not in rotation_pairs(rotation)[3:]


def test_avoids_hold_every_year() -> None:
    roster = ring_roster(6, relations=[("t00", "t01", "avoid"), ("t02", "t03", "avoid")])
    rotation = plan_rotation(roster, 3, time_limit=20)
    pairs = set(rotation_pairs(rotation))
    assert frozenset(("t00", "t01")) not in pairs and frozenset(("t02", "t03")) not in pairs


def components(roster: Roster, rotation: Rotation) -> int:
    """Connected components of the history among the roster's teachers plus the rotation's pairs."""
    graph = nx.Graph()
    graph.add_nodes_from(teacher.id for teacher in roster.teachers)
    graph.add_edges_from((entry.a, entry.b) for entry in roster.history)
    graph.add_edges_from(tuple(pair) for pair in rotation_pairs(rotation))
    return int(nx.number_connected_components(graph))


@pytest.mark.parametrize(
    "groups",
    [
        [["t00", "t01", "t06", "t07"], ["t02", "t03", "t04", "t05"]],
        [["t00", "t01"], ["t02", "t05"], ["t03", "t06"], ["t04", "t07"]],
    ],
)
def test_ties_are_broken_towards_one_connected_network(groups: list[list[str]]) -> None:
    # History joined these groups among themselves (2025, outside a 0-year window, so those pairs
    # may meet again). No pair scores anything: every rotation ties. Without the tie-break the
    # answer keeps each group to itself (checked when this test was written: the greedy hint pairs
    # t00-t07, t01-t06, t02-t05, t03-t04); the tie-break must join them into one component.
    history = [(a, b, 2025) for group in groups for a, b in itertools.combinations(group, 2)]
    roster = ring_roster(8, history=history, window=0, weights={"cross_team": 0})
    rotation = plan_rotation(roster, 1, time_limit=20)
    assert rotation.objective == 0
    assert rotation.components == components(roster, rotation) == 1


def test_two_years_of_eight_make_one_cycle_not_two() -> None:
    # Two perfect matchings of 8 teachers form even cycles: one 8-cycle (connected) or two
    # 4-cycles. All tie on the objective; the tie-break takes the 8-cycle.
    roster = ring_roster(8, weights={"cross_team": 0})
    rotation = plan_rotation(roster, 2, time_limit=20)
    assert rotation.components == components(roster, rotation) == 1


def test_derived_roster_years_history_locks_and_avoids() -> None:
    roster = ring_roster(
        6,
        relations=[("t00", "t01", "lock"), ("t01", "t04", "continue")],
        history=[("t04", "t05", 2025), ("t01", "t04", 2025)],
    )
    earlier: list[Group] = [("t00", "t01"), ("t02", "t03", "t04")]
    derived = derived_roster(roster, earlier, [("t00", "t02"), ("t01", "t05")], keep_locks=False)
    assert derived.year == 2026 and derived.history == roster.history
    locks = {frozenset((r.a, r.b)) for r in derived.relations if r.kind == "lock"}
    assert locks == {
        frozenset(("t00", "t02")),
        frozenset(("t01", "t05")),
    }  # the roster's lock is gone
    avoids = {frozenset((r.a, r.b)) for r in derived.relations if r.kind == "avoid"}
    # every earlier pair of this run and history's pairs in the window, but the continue pair
    assert avoids == {
        frozenset(pair)
        for pair in [("t00", "t01"), ("t02", "t03"), ("t02", "t04"), ("t03", "t04"), ("t04", "t05")]
    }
    assert len(roster.relations) == 2  # the roster itself is untouched


def test_later_years_roll_over_into_their_own_weeks() -> None:
    # 2026 has 53 ISO weeks: the autumn of 2027 is 53 weeks after 2026's, in the same ISO week
    roster = ring_roster(6, relations=[("t00", "t01", "request")])
    results = checked_years(solve_years(roster, 3, time_limit=20, seed=0))
    for result in results:
        assert result.year_roster is not None and result.plan is not None
        assert result.year_roster.year == result.year
        mondays = {w for cycle in result.year_roster.cycles for w in cycle.weeks}
        for visit in result.plan.visits:
            day = dt.date.fromisoformat(visit.slot[:10])
            assert (day - dt.timedelta(days=day.weekday())).isoformat() in mondays
        # the plan is valid against its year's own roster too (no rotation locks needed)
        assert_plan_valid(result.year_roster, result.plan)
    first, second, third = (r.year_roster for r in results)
    assert first is not None and second is not None and third is not None
    assert first.cycles[0].weeks[0] == "2026-10-05"
    assert dt.date.fromisoformat(second.cycles[0].weeks[0]).isocalendar()[1:] == (41, 1)
    assert second.cycles[0].weeks[0] == "2027-10-11"
    assert third.cycles[0].weeks[0] == "2028-10-09"
    # history grows year by year; this year's request ends with it
    assert {h.year for h in third.history} >= {2026, 2027}
    assert not [r for r in second.relations if r.kind == "request"]


def years_pairs(results: Sequence[YearResult]) -> Counter[frozenset[str]]:
    counts: Counter[frozenset[str]] = Counter()
    for result in results:
        assert result.plan is not None
        for partnership in result.plan.partnerships:
            counts.update(frozenset(p) for p in itertools.combinations(partnership.members, 2))
    return counts


def checked_years(results: list[Any]) -> list[YearResult]:
    """Each year's result: a valid plan for its year, by the independent checker."""
    years = []
    for result in results:
        assert isinstance(result, YearResult) and result.roster is not None
        assert result.plan is not None and result.plan.year == result.year
        assert_plan_valid(result.roster, result.plan)
        years.append(result)
    return years


@pytest.mark.parametrize("count", [8, 10])
def test_round_robin_years_are_valid_plans(count: int) -> None:
    roster = ring_roster(count)
    results = checked_years(solve_years(roster, count - 1, time_limit=20, seed=1))
    assert [result.year for result in results] == list(range(2026, 2026 + count - 1))
    pairs = years_pairs(results)
    assert len(pairs) == count * (count - 1) // 2 and set(pairs.values()) == {1}
    assert all(not result.plan.unpaired for result in results if result.plan is not None)


def test_thirty_teacher_school_over_three_years_repeats_no_pair() -> None:
    roster = generate_roster(30, kind="elementary", seed=3)
    results = checked_years(solve_years(roster, 3, time_limit=30, seed=0))
    pairs = years_pairs(results)
    assert max(pairs.values()) == 1
    window = roster.policy.repeat_window_years
    for result in results:
        assert result.plan is not None
        for partnership in result.plan.partnerships:
            for a, b in itertools.combinations(partnership.members, 2):
                last = [
                    entry.year
                    for entry in roster.history
                    if {entry.a, entry.b} == {a, b} and result.year - entry.year <= window
                ]
                assert not last, f"{a}-{b} in {result.year} repeats history {last}"


def test_thirty_teacher_locks_hold_in_the_first_year_only() -> None:
    roster = generate_roster(30, kind="elementary", seed=3)
    locks = [frozenset((r.a, r.b)) for r in roster.relations if r.kind == "lock"]
    assert locks
    rotation = plan_rotation(roster, 3, time_limit=20)
    first = {frozenset(p) for g in rotation.groups[0][0] for p in itertools.combinations(g, 2)}
    assert all(lock in first for lock in locks)
    pairs = rotation_pairs(rotation)
    assert len(pairs) == len(set(pairs))


def test_same_seed_same_rotation() -> None:
    roster = generate_roster(30, kind="elementary", seed=5)
    first = plan_rotation(roster, 2, time_limit=5, seed=2)
    second = plan_rotation(roster, 2, time_limit=5, seed=2)
    assert first.groups == second.groups


def test_rotation_error_is_a_pairwise_error() -> None:
    with pytest.raises(PairwiseError, match="at most 3 years"):
        plan_rotation(ring_roster(4), 4, time_limit=10)


def covered_pair_roster(cycles: int = 2, release_budget: int | None = None) -> Roster:
    """Four teachers: t00 and t01 teach the same two periods (each visits the other only with a
    cover, one per cycle for t00, whose `max_release` is 1), t02 and t03 the other two (likewise);
    every visit between the halves has a free slot."""
    roster = ring_roster(4, cycles=cycles)
    teaches = {"t00": ["p0", "p1"], "t01": ["p0", "p1"], "t02": ["p2", "p3"], "t03": ["p2", "p3"]}
    teachers = [
        teacher.model_copy(
            update={
                "teaches": teaches[teacher.id],
                "max_release": 1 if teacher.id == "t00" else None,
            }
        )
        for teacher in roster.teachers
    ]
    policy = roster.policy.model_copy(
        update={"cover_per_period": 2, "release_budget": release_budget}
    )
    return roster.model_copy(update={"teachers": teachers, "policy": policy})


def test_a_pair_whose_covers_exceed_a_release_limit_is_never_planned() -> None:
    # t00-t01 would take two of t00's covers over the year: only the two matchings without it are
    # left, and each year's locked partnerships are then ones the engine can place.
    roster = covered_pair_roster()
    with pytest.raises(RotationError) as raised:
        plan_rotation(roster, 3, time_limit=10)
    assert raised.value.years_possible == 2
    results = checked_years(solve_years(roster, 2, time_limit=10, seed=0))
    assert frozenset(("t00", "t01")) not in years_pairs(results)
    assert all(result.status == "optimal" for result in results)


def test_a_year_keeps_its_schools_release_budget() -> None:
    # one cycle: t00-t01 and t02-t03 need two covers each, within a budget of 3 alone but not
    # together, which leaves the two matchings across the halves.
    roster = covered_pair_roster(cycles=1, release_budget=3)
    roster = roster.model_copy(
        update={
            "teachers": [
                teacher.model_copy(update={"max_release": None}) for teacher in roster.teachers
            ]
        }
    )
    with pytest.raises(RotationError) as raised:
        plan_rotation(roster, 3, time_limit=10)
    assert raised.value.years_possible == 2


def test_the_first_years_own_locks_stay_when_the_engine_chooses_the_partners() -> None:
    # the retry path of solve_years hands the engine no chosen pairs; the roster's lock still binds

    roster = load_fixture("oakridge-tiny.json")
    data = roster.model_dump()
    data["relations"].append({"a": "t03", "b": "t04", "kind": "lock"})
    locked = Roster.model_validate(data)
    first = derived_roster(locked, [], [], keep_locks=True)
    assert any(r.kind == "lock" and {r.a, r.b} == {"t03", "t04"} for r in first.relations)
    later = derived_roster(locked, [], [], keep_locks=False)
    assert not any(r.kind == "lock" for r in later.relations)


def test_a_teacher_who_leaves_after_the_first_year_is_planned_only_in_it() -> None:
    roster = ring_roster(7)
    teachers = [
        t.model_copy(update={"end_date": "2027-06-30"}) if t.id == "t03" else t
        for t in roster.teachers
    ]
    roster = roster.model_copy(update={"teachers": teachers})
    results = checked_years(solve_years(roster, 2, time_limit=20, seed=0))
    first, second = (r.plan for r in results)
    assert first is not None and second is not None
    assert any("t03" in p.members for p in first.partnerships)
    assert not any("t03" in p.members for p in second.partnerships)
    assert results[1].year_roster is not None
    assert "t03" not in results[1].year_roster.teacher_by_id

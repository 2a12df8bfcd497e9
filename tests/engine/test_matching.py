"""The greedy partnerships: a maximum-weight matching with locks first, within the release limits.

It only hints the exact search and gives the LP pruning its threshold, so what matters is that
its choice keeps every rule of the relaxation, and that for pairs alone it is the best matching.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings

from pairwise.engine.candidates import Candidates
from pairwise.engine.columns import Column, base_value, pair_columns
from pairwise.engine.matching import greedy_partnerships, partnerships_value, quick_partnerships
from pairwise.roster.facts import releases_over
from pairwise.roster.models import Roster
from pairwise.roster.objective import Scoring
from tests.builders import every_column, make_roster, staggered
from tests.strategies import rosters


def candidates_of(roster: Roster) -> Candidates:
    return Candidates(roster, Scoring(roster))


def best_matching(columns: list[Column]) -> int:
    """The most a set of member-disjoint pair columns is worth (brute force, one period)."""
    best = 0
    for size in range(1, len(columns) + 1):
        for chosen in itertools.combinations(columns, size):
            members = [m for column in chosen for m in column.members]
            if len(members) == len(set(members)):
                best = max(best, sum(column.value for column in chosen))
    return best


def members_of(chosen: list[Column] | None) -> set[tuple[str, ...]]:
    assert chosen is not None
    return {column.members for column in chosen}


def teacher(name: str, teaches: list[str], **extra: Any) -> dict[str, Any]:
    return {"id": name, "teaches": teaches, **extra}


# six teachers of one school whose pairs are worth different amounts: complements, a mentor
VARIED = [
    teacher("a", ["mon-1", "mon-2"], priority="reading", strengths=["maths"]),
    teacher("b", ["mon-2", "mon-3"], priority="maths", strengths=["reading"], years_experience=1),
    teacher("c", ["mon-3", "mon-4"], priority="writing", years_experience=20),
    teacher("d", ["mon-4", "mon-1"], strengths=["writing"], priority="reading"),
    teacher("e", ["mon-1", "mon-3"], strengths=["reading", "maths"]),
    teacher("f", ["mon-2", "mon-4"], priority="maths", years_experience=2),
]


def test_pairs_alone_get_a_maximum_weight_matching() -> None:
    roster = make_roster(VARIED, policy={"allow_triads": False})
    candidates = candidates_of(roster)
    columns = pair_columns(candidates)
    assert len({column.value for column in columns}) > 1  # the choice matters
    chosen = greedy_partnerships(candidates, columns)
    assert chosen is not None
    assert sum(column.value for column in chosen) == best_matching(columns)
    assert partnerships_value(candidates, chosen) == base_value(candidates) + best_matching(columns)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rosters(
        max_teachers=7,
        max_schools=1,
        rotation="year",
        allow_triads=False,
        relations=False,
        coaches=False,
    )
)
def test_on_any_small_school_pairs_alone_get_the_best_matching(roster: Roster) -> None:
    candidates = candidates_of(roster)
    columns = pair_columns(candidates)
    chosen = greedy_partnerships(candidates, columns)
    assert chosen is not None
    # where forced covers count, the release limits may drop pairs: checked on its own below
    assume(all(not c.releases and not c.school_releases for c in columns))
    assert sum(column.value for column in chosen) == best_matching(columns)


def test_each_teacher_once_per_period_and_no_pair_twice() -> None:
    roster = make_roster(VARIED, cycles=3, policy={"rotation": "cycle"})
    candidates = candidates_of(roster)
    chosen = greedy_partnerships(candidates, every_column(candidates))
    assert chosen is not None
    assert {column.period for column in chosen} == {period.id for period in candidates.periods}
    for period in candidates.periods:
        members = [m for c in chosen if c.period == period.id for m in c.members]
        assert len(members) == len(set(members))
    edges = [edge for column in chosen for edge in column.edges(candidates)]
    assert len(edges) == len(set(edges))


def test_locks_are_placed_before_the_matching() -> None:
    free = make_roster(VARIED, policy={"allow_triads": False})
    candidates = candidates_of(free)
    unlocked = members_of(greedy_partnerships(candidates, pair_columns(candidates)))
    # lock a pair the matching leaves apart
    lock = next(
        column.members for column in pair_columns(candidates) if column.members not in unlocked
    )
    locked_roster = make_roster(
        VARIED,
        policy={"allow_triads": False},
        relations=[{"a": lock[0], "b": lock[1], "kind": "lock"}],
    )
    locked = candidates_of(locked_roster)
    assert lock in members_of(greedy_partnerships(locked, pair_columns(locked)))


def test_a_lock_without_a_column_gives_no_choice() -> None:
    roster = make_roster(
        staggered(["a", "b", "c", "d"], 4),
        policy={"allow_triads": False},
        relations=[{"a": "a", "b": "b", "kind": "lock"}],
    )
    candidates = candidates_of(roster)
    without_the_lock = [c for c in pair_columns(candidates) if c.members != ("a", "b")]
    assert greedy_partnerships(candidates, without_the_lock) is None


# a and b, c and d teach the same two periods: their visits always need a cover; e and f teach
# one other period each, so visits with them never do. a-b and c-d are worth most (complements).
COVERED_PAIRS = [
    teacher("a", ["mon-1", "mon-2"], priority="p"),
    teacher("b", ["mon-1", "mon-2"], strengths=["p"]),
    teacher("c", ["mon-1", "mon-2"], priority="q"),
    teacher("d", ["mon-1", "mon-2"], strengths=["q"]),
    teacher("e", ["mon-3"]),
    teacher("f", ["mon-4"]),
]


def test_the_release_budget_is_kept_by_dropping_covered_pairs() -> None:
    policy: dict[str, Any] = {"allow_triads": False}
    free = candidates_of(make_roster(COVERED_PAIRS, periods=4, policy=policy))
    unlimited = greedy_partnerships(free, pair_columns(free))
    assert {("a", "b"), ("c", "d")} <= members_of(unlimited)  # both covered pairs, so it bites
    per_pair = {c.members: sum(n for _, n in c.school_releases) for c in pair_columns(free)}
    budget = per_pair["a", "b"]
    assert budget > 0 and per_pair["c", "d"] == budget

    limited_roster = make_roster(
        COVERED_PAIRS, periods=4, policy={**policy, "release_budget": budget}
    )
    limited = candidates_of(limited_roster)
    chosen = greedy_partnerships(limited, pair_columns(limited))
    assert chosen is not None
    per_teacher: dict[str, int] = {}
    per_school: dict[str, int] = {}
    for column in chosen:
        for name, count in column.releases:
            per_teacher[name] = per_teacher.get(name, 0) + count
        for name, count in column.school_releases:
            per_school[name] = per_school.get(name, 0) + count
    assert releases_over(limited_roster, per_teacher, per_school) == []
    assert not {("a", "b"), ("c", "d")} <= members_of(chosen)


# the teacher left over is the first or the last in roster order, so the triad edges it needs
# have it as their first or their second member (the pair table lists each edge once)
@pytest.mark.parametrize(("requested", "left_over"), [(("b", "c"), "a"), (("a", "b"), "c")])
@pytest.mark.parametrize("from_tables", [True, False])
def test_the_teacher_left_over_joins_the_best_pair_as_a_triad(
    requested: tuple[str, str], left_over: str, from_tables: bool
) -> None:
    roster = make_roster(
        staggered(["a", "b", "c"], 4, priority="x", strengths=["x"]),
        relations=[{"a": requested[0], "b": requested[1], "kind": "request"}],
    )
    candidates = candidates_of(roster)
    columns = None if from_tables else pair_columns(candidates)
    chosen = quick_partnerships(candidates, columns)
    assert chosen is not None and [column.members for column in chosen] == [("a", "b", "c")]
    alone = quick_partnerships(
        candidates_of(
            make_roster(
                staggered(["a", "b", "c"], 4, priority="x", strengths=["x"]),
                policy={"allow_triads": False},
                relations=[{"a": requested[0], "b": requested[1], "kind": "request"}],
            )
        ),
        None,
    )
    assert alone is not None and [column.members for column in alone] == [requested]
    assert left_over not in requested

"""The roster facts read the same way everywhere: pair keys, latest trust, who is kept apart, and
the release limits of rule 7."""

from __future__ import annotations

from pairwise.roster.facts import (
    avoid_pairs,
    can_be_released,
    kept_apart,
    kept_apart_from,
    latest_ratings,
    pair_key,
    release_limits,
    releases_over,
)
from tests.builders import make_roster


def test_pair_key_is_the_same_either_way_round() -> None:
    assert pair_key("b", "a") == pair_key("a", "b") == ("a", "b")
    assert pair_key("Zoë", "ana") == ("Zoë", "ana")  # compared as strings: capitals first


def test_the_latest_earlier_year_wins_and_within_it_the_first_listed() -> None:
    roster = make_roster(
        [{"id": "a"}, {"id": "b"}],
        history=[
            {"a": "a", "b": "b", "year": 2023, "trust": 0.5},
            {"a": "b", "b": "a", "year": 2024, "trust": -1},
            {"a": "a", "b": "b", "year": 2024, "trust": 1},  # same year, listed later: ignored
        ],
    )
    assert latest_ratings(roster.history, roster.year) == {("a", "b"): -1}
    # entries from the plan's year or later never count (a roster cannot hold them; a multi-year
    # plan's earlier years can be asked about)
    assert latest_ratings(roster.history, 2024) == {("a", "b"): 0.5}


def test_kept_apart_names_avoid_before_evaluator() -> None:
    roster = make_roster(
        [{"id": "a", "evaluator": "b"}, {"id": "b"}, {"id": "c"}],
        relations=[{"a": "b", "b": "a", "kind": "avoid"}],
    )
    avoid = avoid_pairs(roster)
    assert kept_apart(roster, avoid, "a", "b") == "avoid"
    no_avoid = roster.model_copy(update={"relations": []})
    assert kept_apart(no_avoid, avoid_pairs(no_avoid), "b", "a") == "evaluator"
    assert kept_apart(roster, avoid, "a", "c") is None


def test_kept_apart_from_holds_exactly_the_pairs_kept_apart() -> None:
    roster = make_roster(
        [{"id": "a", "evaluator": "b"}, {"id": "b"}, {"id": "c"}, {"id": "d", "evaluator": "c"}],
        relations=[
            {"a": "a", "b": "c", "kind": "avoid"},
            {"a": "c", "b": "b", "kind": "request"},
        ],
    )
    avoid = avoid_pairs(roster)
    apart = kept_apart_from(roster, avoid)
    ids = [teacher.id for teacher in roster.teachers]
    pairs = {(a, b) for a in ids for b in ids if a != b}
    assert {(a, b) for a, b in pairs if b in apart.get(a, set())} == {
        (a, b) for a, b in pairs if kept_apart(roster, avoid, a, b) is not None
    }
    assert apart["a"] == {"b", "c"} and apart["c"] == {"a", "d"}


def test_release_limits_teachers_first_then_schools_and_none_is_no_limit() -> None:
    roster = make_roster([{"id": "a", "max_release": 1}, {"id": "b"}], policy={"release_budget": 2})
    limits = list(release_limits(roster, {"a": [1, 1], "b": [1]}, {"s": [1, 1, 1]}))
    assert [(limit.kind, limit.name, limit.limit) for limit in limits] == [
        ("teacher", "a", 1),
        ("school", "s", 2),
    ]
    over = releases_over(roster, {"a": 1, "b": 5}, {"s": 2})
    assert over == []  # exactly at each limit is within it
    over = releases_over(roster, {"a": 2}, {"s": 3})
    assert [(limit.kind, limit.name) for limit in over] == [("teacher", "a"), ("school", "s")]


def test_a_teacher_with_no_release_left_is_never_covered() -> None:
    roster = make_roster([{"id": "a", "max_release": 0}, {"id": "b"}])
    assert not can_be_released(roster, "a")
    assert can_be_released(roster, "b")
    no_budget = make_roster([{"id": "a"}], policy={"release_budget": 0})
    assert not can_be_released(no_budget, "a")

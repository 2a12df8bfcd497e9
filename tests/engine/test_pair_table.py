"""The pair table (engine/pair_table.py): every pair's data computed on arrays is what the per-pair
rules give (separation, score, visit needs, release limits), on every sample roster, on random
rosters, and at each boundary where a rule flips."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from pairwise.engine import matching
from pairwise.engine.candidates import Candidates
from pairwise.engine.columns import (
    Column,
    pair_columns,
    pair_columns_of,
    pair_partners,
    period_needs,
    triad_edge_covers,
)
from pairwise.engine.matching import greedy_partnerships, quick_partnerships
from pairwise.engine.relaxation import star_bound
from pairwise.roster.facts import releases_over
from pairwise.roster.load import load_roster
from pairwise.roster.models import Roster
from pairwise.roster.objective import Scoring
from tests.builders import make_roster
from tests.strategies import binding_rosters, rosters

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted(
    path
    for path in [
        *(ROOT / "instances").glob("*.json"),
        *(ROOT / "tests" / "fixtures").glob("*.json"),
    ]
    # the per-pair reference is Python, quadratic in the teachers: 2,000 would take a minute
    if path.stem != "district-2000"
)


def candidates_of(roster: Roster) -> Candidates:
    return Candidates(roster, Scoring(roster))


def expected_rows(candidates: Candidates) -> dict[str, Any]:
    """The table's contents by the per-pair rules, pair by pair (the engine's rules before the
    table: `separation_reason`, `pair_score`, `pair_masks`, `period_needs`, `releases_over`)."""
    roster = candidates.roster
    weights = roster.policy.weights
    reasons: dict[tuple[str, str], str] = {}
    scores: dict[tuple[str, str], int] = {}
    pair_edges: dict[str, list[tuple[str, str]]] = {p.id: [] for p in candidates.periods}
    triad_edges: dict[str, list[tuple[str, str]]] = {p.id: [] for p in candidates.periods}
    triad_covers: dict[tuple[str, tuple[str, str]], int] = {}
    columns: dict[str, list[Column]] = {p.id: [] for p in candidates.periods}
    for a, b in itertools.combinations(candidates.participants, 2):
        reason = candidates.separation_reason(a, b)
        if reason is not None:
            reasons[a, b] = reason
            continue
        scores[a, b] = candidates.scoring.pair_score(a, b)
        for period in candidates.periods:
            as_pair, in_triad = True, roster.policy.allow_triads
            for cycle in period.cycles:
                there, there_covered, back, back_covered = candidates.pair_masks(a, b, cycle)
                forward, backward = bool(there or there_covered), bool(back or back_covered)
                if roster.policy.reciprocal:
                    as_pair = as_pair and forward and backward
                else:
                    as_pair = as_pair and (forward or backward)
                in_triad = in_triad and (forward or backward)
            triad_covers[period.id, (a, b)] = triad_edge_covers(candidates, (a, b), period)
            if in_triad:
                triad_edges[period.id].append((a, b))
            if not as_pair:
                continue
            pair_edges[period.id].append((a, b))
            needs = period_needs(candidates, (a, b), period)
            if needs is None or releases_over(roster, needs.teachers, needs.schools):
                continue
            columns[period.id].append(
                Column(
                    period.id,
                    (a, b),
                    candidates.school[a],
                    scores[a, b] - weights.cover * needs.covers + 2 * weights.unpaired,
                    scores[a, b],
                    tuple(sorted(needs.teachers.items(), key=lambda i: candidates.index[i[0]])),
                    tuple(sorted(needs.schools.items())),
                )
            )
    return {
        "reasons": reasons,
        "scores": scores,
        "pair_edges": pair_edges,
        "triad_edges": triad_edges,
        "triad_covers": triad_covers,
        "columns": [column for period in candidates.periods for column in columns[period.id]],
    }


def table_rows(candidates: Candidates) -> dict[str, Any]:
    """The same contents as the pair table and what is read from it gives them."""
    teachers = candidates.teachers
    triad_covers = {}
    for table in candidates.pair_tables:
        for first, second, covers in zip(
            table.first.tolist(), table.second.tolist(), table.triad_covers.tolist(), strict=True
        ):
            triad_covers[table.period.id, (teachers[first], teachers[second])] = covers
    return {
        "reasons": {
            edge: reason
            for edge, reason in candidates.base_reason.items()
            if edge[0] in candidates.participants
        },
        "scores": candidates.edge_score,
        "pair_edges": candidates.pair_edges,
        "triad_edges": candidates.triad_edges,
        "triad_covers": triad_covers,
        "columns": pair_columns(candidates),
    }


def assert_same(candidates: Candidates) -> None:
    expected, got = expected_rows(candidates), table_rows(candidates)
    for name in expected:
        assert got[name] == expected[name], name
    # and in the same order (the models are built in this order)
    assert list(got["scores"]) == list(expected["scores"])
    for period in candidates.periods:
        for school in candidates.schools:
            edges = expected["pair_edges"][period.id] + expected["triad_edges"][period.id]
            able = {t for edge in edges for t in edge if candidates.school[t] == school}
            assert candidates.partner_able(period.id, school) == len(able)
    # some pairs' columns alone (as the locks' are read), the others not made
    some = [edge for period in candidates.periods for edge in expected["pair_edges"][period.id]]
    some = [*some[::3], *expected["reasons"]][::-1]
    assert pair_columns_of(candidates, some) == [
        column for column in expected["columns"] if column.members in some
    ]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_the_table_matches_the_per_pair_rules_on_every_sample(path: Path) -> None:
    try:
        roster = load_roster(path)
    except Exception:  # a fixture that is not a roster (a plan, a malformed file)
        pytest.skip("not a roster")
    assert_same(candidates_of(roster))


def test_the_samples_are_read() -> None:
    assert len(SAMPLES) >= 7


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(rosters(max_teachers=8, max_cycles=2, max_weeks=2, max_periods=4))
def test_the_table_matches_the_per_pair_rules_on_random_rosters(roster: Roster) -> None:
    assert_same(candidates_of(roster))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(binding_rosters(max_teachers=6))
def test_the_table_matches_the_per_pair_rules_where_slots_and_covers_bind(roster: Roster) -> None:
    assert_same(candidates_of(roster))


def assert_same_early_choice(candidates: Candidates) -> None:
    """The star bound, the best-first partnerships and the maximum-weight ones read from the
    tables are those of the pair columns."""
    columns = pair_columns(candidates)
    assert star_bound(candidates) == star_bound(candidates, columns)
    assert quick_partnerships(candidates) == quick_partnerships(candidates, columns)
    assert greedy_partnerships(candidates) == greedy_partnerships(candidates, columns)
    for period in candidates.periods:
        for teacher in candidates.teachers:
            members = {
                member
                for column in columns
                if column.period == period.id and teacher in column.members
                for member in column.members
            }
            assert pair_partners(candidates, period.id, teacher) == members - {teacher}


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_the_early_choice_from_the_tables_is_the_columns_one_on_every_sample(path: Path) -> None:
    try:
        roster = load_roster(path)
    except Exception:  # a fixture that is not a roster (a plan, a malformed file)
        pytest.skip("not a roster")
    assert_same_early_choice(candidates_of(roster))


# 1 and 2: a chunk holds one row (each row filtered against every earlier pick) or a pair of rows
# whose second shares a member with the first (filtered only in the Python walk)
@pytest.mark.parametrize("chunk", [1, 2, 3])
@pytest.mark.parametrize("name", ["secondary-150", "school-30", "k8-60"])
def test_the_best_first_walk_in_chunks_takes_the_same_pairs(
    monkeypatch: pytest.MonkeyPatch, name: str, chunk: int
) -> None:
    candidates = candidates_of(load_roster(ROOT / "instances" / f"{name}.json"))
    whole = quick_partnerships(candidates)
    assert whole is not None and len(whole) > 3
    monkeypatch.setattr(matching, "BEST_FIRST_CHUNK", chunk)
    assert quick_partnerships(candidates) == whole
    assert quick_partnerships(candidates) == quick_partnerships(
        candidates, pair_columns(candidates)
    )


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(binding_rosters(max_teachers=6))
def test_the_early_choice_from_the_tables_is_the_columns_one_where_releases_bind(
    roster: Roster,
) -> None:
    assert_same_early_choice(candidates_of(roster))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(rosters(max_teachers=8, max_cycles=2, max_weeks=2, max_periods=4))
def test_the_early_choice_from_the_tables_is_the_columns_one_on_random_rosters(
    roster: Roster,
) -> None:
    assert_same_early_choice(candidates_of(roster))


# --- boundaries --------------------------------------------------------------------------------


def columns_of(roster: Roster) -> list[Column]:
    candidates = candidates_of(roster)
    assert_same(candidates)
    return pair_columns(candidates)


@pytest.mark.parametrize(("periods", "columns"), [(1, 0), (2, 1)])
def test_two_visits_both_ways_need_two_distinct_slots(periods: int, columns: int) -> None:
    # both teach every period and may be covered: each visit's only slots are the shared ones
    everyone = [f"mon-{i + 1}" for i in range(periods)]
    roster = make_roster(
        [{"id": "a", "teaches": everyone}, {"id": "b", "teaches": everyone}], periods=periods
    )
    found = columns_of(roster)
    assert len(found) == columns
    assert [column.value for column in found] == [2 * 1000 - 2] * columns  # two covers


@pytest.mark.parametrize(("max_release", "columns"), [(0, 0), (1, 1)])
def test_a_forced_cover_counts_against_max_release_up_to_the_limit(
    max_release: int, columns: int
) -> None:
    # a is free only when b does not teach: its visit to b must be covered (one release)
    roster = make_roster(
        [
            {"id": "a", "teaches": ["mon-1", "mon-2"], "max_release": max_release},
            {"id": "b", "teaches": ["mon-1"]},
        ]
    )
    found = columns_of(roster)
    assert len(found) == columns
    assert [column.releases for column in found] == [(("a", 1),)] * columns


@pytest.mark.parametrize(("budget", "columns"), [(1, 0), (2, 1)])
def test_a_pairs_forced_covers_count_against_the_school_budget_up_to_it(
    budget: int, columns: int
) -> None:
    everyone = ["mon-1", "mon-2"]
    roster = make_roster(
        [{"id": "a", "teaches": everyone}, {"id": "b", "teaches": everyone}],
        periods=2,
        policy={"release_budget": budget},
    )
    found = columns_of(roster)
    assert len(found) == columns
    assert [column.school_releases for column in found] == [(("", 2),)] * columns


def test_slots_past_the_first_64_bit_word_count() -> None:
    # 14 periods a day, five days: the only shared hosting slots are past slot 63
    late = ["fri-11", "fri-12"]
    roster = make_roster(
        [{"id": "a", "teaches": ["fri-11"]}, {"id": "b", "teaches": ["fri-12"]}],
        periods=14,
        days=("mon", "tue", "wed", "thu", "fri"),
    )
    assert len(roster.cycle_slots("c1")) == 70
    assert late
    found = columns_of(roster)
    assert [(column.members, column.value) for column in found] == [(("a", "b"), 2000)]


def test_a_pair_with_history_scores_by_the_rule_whichever_way_its_ids_sort() -> None:
    # roster order z, a: the history key sorts the ids the other way round
    roster = make_roster(
        [
            {"id": "z", "teaches": ["mon-1"]},
            {"id": "a", "teaches": ["mon-2"]},
            {"id": "m", "teaches": ["mon-3"]},
        ],
        history=[{"year": 2025, "a": "a", "b": "z", "trust": 0.5}],
    )
    candidates = candidates_of(roster)
    assert_same(candidates)
    # trust round(6 * 0.5) = 3, partners last year: repeat -20 * 3
    assert candidates.edge_score["z", "a"] == 3 - 60
    assert candidates.edge_score["z", "m"] == candidates.edge_score["a", "m"] == 0


ALL = ["mon-1", "mon-2", "mon-3", "mon-4"]
EARLY = ["mon-1", "mon-2"]


def test_best_first_drops_only_the_pairs_of_a_teacher_over_max_release() -> None:
    # two rotation periods; a's visits always need a cover and a may be released once: paired in
    # both periods it is over, so only pairs releasing a are dropped (c's cover stays)
    roster = make_roster(
        [
            {"id": "a", "teaches": ALL, "max_release": 1},
            {"id": "b", "teaches": EARLY},
            {"id": "c", "teaches": ALL},
            {"id": "d", "teaches": EARLY},
        ],
        cycles=2,
        policy={"rotation": "cycle", "allow_triads": False},
    )
    candidates = candidates_of(roster)
    assert_same_early_choice(candidates)
    chosen = quick_partnerships(candidates)
    assert chosen is not None
    assert [(c.period, c.members) for c in chosen] == [("c1", ("b", "c")), ("c2", ("c", "d"))]


def test_best_first_drops_only_the_pairs_of_a_school_over_its_budget() -> None:
    # north's two pairs need a cover each, one more than the budget; south's one pair stays
    people = [("a", ALL), ("b", EARLY), ("c", ALL), ("d", EARLY), ("e", ALL), ("f", EARLY)]
    roster = make_roster(
        [
            {"id": t, "teaches": teaches, "school": "north" if t < "e" else "south"}
            for t, teaches in people
        ],
        policy={"release_budget": 1, "allow_triads": False},
    )
    candidates = candidates_of(roster)
    assert_same_early_choice(candidates)
    chosen = quick_partnerships(candidates)
    assert chosen is not None
    assert [c.members for c in chosen] == [("e", "f")]


@pytest.mark.parametrize(("unpaired", "chosen"), [(1, 0), (2, 1)])
def test_best_first_takes_only_pairs_worth_more_than_nothing(unpaired: int, chosen: int) -> None:
    # a's visit needs a cover (2 points): with unpaired 1 the pair is worth 0 and is not taken
    roster = make_roster(
        [{"id": "a", "teaches": ALL}, {"id": "b", "teaches": EARLY}],
        policy={"allow_triads": False, "weights": {"unpaired": unpaired, "cover": 2}},
    )
    candidates = candidates_of(roster)
    assert_same_early_choice(candidates)
    assert [c.value for c in pair_columns(candidates)] == [2 * unpaired - 2]
    found = quick_partnerships(candidates)
    assert found is not None and len(found) == chosen

"""Table seatings (rule 9): hand-derived optima, brute-force agreement, the seeds' shapes."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from pairwise.engine.seating import seat_tables, seating_terms
from pairwise.roster.load import roster_from_data
from pairwise.roster.models import TERM_NAMES, Plan, Roster, TableSeat
from tests.helpers import assert_plan_valid, load_fixture

# A team is (id, priority, strengths of its members (one list per member), school).
TeamSpec = tuple[str, str | None, list[list[str]], str | None]


def make_roster(
    teams: Sequence[TeamSpec],
    meetings: int,
    *,
    tables: int | None = None,
    team_history: Sequence[tuple[str, str, int]] = (),
    team_complement: int = 5,
    team_repeat: int = 10,
    window: int = 3,
) -> Roster:
    """A roster of the given teams, one meeting per cycle; nobody in partnerships (tables only)."""
    monday = dt.date(2026, 10, 5)
    cycles = [
        {
            "id": f"cycle-{m + 1}",
            "weeks": [(monday + dt.timedelta(weeks=4 * m)).isoformat()],
            "meetings": [
                {
                    "id": f"meeting-{m + 1}",
                    "date": (monday + dt.timedelta(weeks=4 * m, days=4)).isoformat(),
                    "start": "13:00",
                    "end": "15:00",
                    **({"tables": tables} if tables is not None else {}),
                }
            ],
        }
        for m in range(meetings)
    ]
    teachers: list[dict[str, Any]] = []
    for team_id, _, members, school in teams:
        for number, strengths in enumerate(members, start=1):
            teachers.append(
                {
                    "id": f"{team_id}-{number}",
                    "name": f"{team_id} teacher {number}",
                    "team": team_id,
                    **({"school": school} if school is not None else {}),
                    "strengths": strengths,
                    "participates": False,
                }
            )
    data = {
        "format": "pairwise/roster@1",
        "name": "tables test",
        "year": 2026,
        "timezone": "America/Toronto",
        "periods": [{"id": "mon-1", "day": "mon", "start": "08:30", "end": "09:20"}],
        "cycles": cycles,
        "teams": [
            {
                "id": team_id,
                **({"priority": priority} if priority is not None else {}),
                **({"school": school} if school is not None else {}),
            }
            for team_id, priority, _, school in teams
        ],
        "teachers": teachers,
        "team_history": [{"a": a, "b": b, "year": year} for a, b, year in team_history],
        "policy": {
            "repeat_window_years": window,
            "weights": {"team_complement": team_complement, "team_repeat": team_repeat},
        },
    }
    return roster_from_data(data)


def tables_plan(roster: Roster, tables: list[TableSeat], objective: int) -> Plan:
    """A plan holding only tables, for the independent checker."""
    terms = dict.fromkeys(TERM_NAMES, 0)
    terms.update(seating_terms(roster, tables))
    return Plan(
        roster=roster.name,
        status="optimal",
        objective=objective,
        bound=objective,
        terms=terms,
        tables=tables,
    )


def pair_counts(tables: Sequence[TableSeat]) -> Counter[frozenset[str]]:
    """How many meetings each pair of teams shares a table."""
    counts: Counter[frozenset[str]] = Counter()
    for seat in tables:
        counts.update(frozenset(pair) for pair in itertools.combinations(seat.teams, 2))
    return counts


# --- the table terms of the objective, written out again here so the engine is not marking its own work --


def spec_table_value(roster: Roster, meetings: Sequence[Sequence[Sequence[str]]]) -> int:
    """the objective's table terms of a seating given meeting by meeting in plan order."""
    weights = roster.policy.weights
    window = roster.policy.repeat_window_years
    strengths: dict[str | None, set[str]] = {}
    for teacher in roster.teachers:
        strengths.setdefault(teacher.team, set()).update(teacher.strengths)
    priority = {team.id: team.priority for team in roster.teams}
    last_year: dict[frozenset[str], int] = {}
    for entry in roster.team_history:
        key = frozenset((entry.a, entry.b))
        last_year[key] = max(last_year.get(key, entry.year), entry.year)
    earlier: Counter[frozenset[str]] = Counter()
    value = 0
    for seating in meetings:
        for group in seating:
            for t, u in itertools.permutations(group, 2):
                if priority[t] is not None and priority[t] in strengths.get(u, set()):
                    value += weights.team_complement
            for pair in itertools.combinations(group, 2):
                key = frozenset(pair)
                year = last_year.get(key)
                if year is not None and roster.year - year <= window:
                    value -= weights.team_repeat * (window + 1 - (roster.year - year))
                value -= weights.team_repeat * (window + 1) * earlier[key]
        for group in seating:
            earlier.update(frozenset(pair) for pair in itertools.combinations(group, 2))
    return value


def all_seatings(teams: Sequence[str]) -> Iterator[list[tuple[str, ...]]]:
    """Every seating of one meeting: pairs, with one table of three when the count is odd."""
    if len(teams) < 2:
        yield []
        return
    if len(teams) == 3:
        yield [tuple(teams)]
        return
    first, rest = teams[0], list(teams[1:])
    sizes = [1, 2] if len(teams) % 2 else [1]
    for size in sizes:
        for companions in itertools.combinations(rest, size):
            remaining = [team for team in rest if team not in companions]
            if size == 2 and len(remaining) % 2:
                continue
            if size == 1 and len(remaining) % 2 and len(remaining) < 3:
                continue
            for tail in all_seatings(remaining):
                yield [(first, *companions), *tail]


def brute_force_optimum(roster: Roster) -> int:
    teams = [team.id for team in roster.teams]
    meetings = sum(len(cycle.meetings) for cycle in roster.cycles)
    options = list(all_seatings(teams))
    return max(
        spec_table_value(roster, combination)
        for combination in itertools.product(options, repeat=meetings)
    )


# --- hand-derived optima ------------------------------------------------------------------------


def test_two_teams_one_meeting_complements_and_history() -> None:
    # Each team's priority is a strength of the other's member: 2 x team_complement = 10.
    # They met in 2025, window 3, year 2026: -team_repeat * (3 + 1 - 1) = -30.  10 - 30 = -20.
    roster = make_roster(
        [("a", "literacy", [["numeracy"]], None), ("b", "numeracy", [["literacy"]], None)],
        meetings=1,
        team_history=[("a", "b", 2025)],
    )
    solution = seat_tables(roster)
    assert solution.optimal and solution.feasible
    assert solution.objective == solution.bound == -20
    assert solution.terms == {"team_complement": 10, "team_repeat": -30}
    assert [(seat.table, seat.teams) for seat in solution.tables] == [(1, ["a", "b"])]


def test_two_teams_sit_together_every_meeting_and_pay_each_earlier_one() -> None:
    # Three meetings, only one seating: meeting 2 repeats 1 earlier meeting, meeting 3 repeats 2.
    # -team_repeat * (window + 1) * (0 + 1 + 2) = -10 * 4 * 3 = -120.
    roster = make_roster([("a", "x", [[]], None), ("b", "y", [[]], None)], meetings=3)
    solution = seat_tables(roster)
    assert solution.objective == solution.bound == -120
    assert solution.terms == {"team_complement": 0, "team_repeat": -120}
    assert len(solution.tables) == 3


def test_three_teams_share_one_table_of_three() -> None:
    # One table of three at both meetings: its three pairs each repeat once at meeting 2,
    # 3 x -40 = -120; b's member is strong in a's priority, +5 per meeting: -120 + 10 = -110.
    roster = make_roster(
        [("a", "art", [[]], None), ("b", "bio", [["art"]], None), ("c", "chem", [[]], None)],
        meetings=2,
    )
    solution = seat_tables(roster)
    assert solution.objective == solution.bound == -110
    assert [seat.teams for seat in solution.tables] == [["a", "b", "c"], ["a", "b", "c"]]


def test_four_teams_take_the_best_matching() -> None:
    # Strengths: a {bio, drama}, b {art, chem}, c {art, bio}, d {chem, bio, art}.
    # {ab, cd}: ab both ways 10, c's chem is d's strength (not d's drama c's) 5 -> 15.
    # {ac, bd}: a's art is c's strength 5, b's bio is d's strength 5 -> 10.
    # {ad, bc}: both ways twice 20, minus ad's 2024 matchup -10 * (3 + 1 - 2) = -20 -> 0.
    roster = make_roster(
        [
            ("a", "art", [["bio", "drama"]], None),
            ("b", "bio", [["art", "chem"]], None),
            ("c", "chem", [["art", "bio"]], None),
            ("d", "drama", [["chem", "bio", "art"]], None),
        ],
        meetings=1,
        team_history=[("a", "d", 2024)],
    )
    solution = seat_tables(roster)
    assert brute_force_optimum(roster) == 15
    assert solution.objective == solution.bound == 15
    assert [seat.teams for seat in solution.tables] == [["a", "b"], ["c", "d"]]


def test_history_outside_the_window_costs_nothing() -> None:
    # 2022 is 4 years before 2026 with a window of 3: no penalty, and nothing else scores.
    roster = make_roster(
        [("a", "x", [[]], None), ("b", "y", [[]], None)],
        meetings=1,
        team_history=[("a", "b", 2022)],
    )
    assert seat_tables(roster).objective == 0


def test_four_teams_over_three_meetings_is_a_round_robin() -> None:
    # Three perfect matchings of four teams cover all six pairs once: no repeat, objective 0.
    roster = make_roster([(team, None, [[]], None) for team in "abcd"], meetings=3)
    solution = seat_tables(roster)
    assert solution.objective == solution.bound == 0
    assert set(pair_counts(solution.tables).values()) == {1}
    assert len(pair_counts(solution.tables)) == 6


# --- brute force on small random cases ----------------------------------------------------------


def random_roster(seed: int) -> Roster:
    rng = random.Random(seed)
    topics = ["art", "bio", "chem", "drama", "econ"]
    count = rng.randint(2, 7)
    meetings = {2: 3, 3: 3, 4: 3, 5: 3, 6: 2, 7: 2}[count]
    meetings = rng.randint(1, meetings)
    teams: list[TeamSpec] = [
        (
            f"t{i}",
            rng.choice([*topics, None]),
            [rng.sample(topics, rng.randint(0, 2)) for _ in range(rng.randint(1, 2))],
            None,
        )
        for i in range(count)
    ]
    ids = [team[0] for team in teams]
    history: list[tuple[str, str, int]] = []
    for _ in range(rng.randint(0, count)):
        a, b = rng.sample(ids, 2)
        history.append((a, b, rng.randint(2020, 2025)))
    return make_roster(
        teams,
        meetings,
        team_history=history,
        team_complement=rng.randint(0, 12),
        team_repeat=rng.randint(0, 12),
        window=rng.randint(0, 4),
    )


@pytest.mark.parametrize("seed", range(30))
def test_agrees_with_brute_force(seed: int) -> None:
    roster = random_roster(seed)
    solution = seat_tables(roster, seed=seed)
    assert solution.optimal
    assert solution.objective == solution.bound == brute_force_optimum(roster)
    meetings = [
        [seat.teams for seat in solution.tables if seat.meeting == meeting.id]
        for cycle in roster.cycles
        for meeting in cycle.meetings
    ]
    assert spec_table_value(roster, meetings) == solution.objective
    assert_plan_valid(roster, tables_plan(roster, solution.tables, solution.objective))


# --- the seeds' own shapes ----------------------------------------------------------------------


def test_six_grade_teams_over_three_meetings_never_meet_twice() -> None:
    roster = load_fixture("tables_k5")
    assert [team.id for team in roster.teams] == [f"grade-{g}" for g in "K12345"]
    solution = seat_tables(roster)
    assert solution.optimal
    assert max(pair_counts(solution.tables).values()) == 1
    for meeting in ("fall-pd", "winter-pd", "spring-pd"):
        seats = [seat for seat in solution.tables if seat.meeting == meeting]
        assert [seat.table for seat in seats] == [1, 2, 3]
        assert sorted(team for seat in seats for team in seat.teams) == sorted(
            team.id for team in roster.teams
        )
    assert_plan_valid(roster, tables_plan(roster, solution.tables, solution.objective))


def test_seven_teams_get_one_table_of_three_with_different_teams_each_time() -> None:
    roster = make_roster([(f"g{i}", None, [[]], None) for i in range(7)], meetings=3)
    solution = seat_tables(roster)
    # 3 meetings x 5 pairs at tables (2 pairs + the 3 of the table of three) = 15 <= 21 pairs,
    # and a repeat-free seating exists, so the optimum is 0.
    assert solution.objective == solution.bound == 0
    threes = [frozenset(seat.teams) for seat in solution.tables if len(seat.teams) == 3]
    assert len(threes) == 3
    assert len(set(threes)) == 3
    assert all(len(a & b) <= 1 for a, b in itertools.combinations(threes, 2))
    assert max(pair_counts(solution.tables).values()) == 1


def table_of_three_turns(seatings: Sequence[Sequence[Sequence[str]]]) -> int:
    """The rotation tie-break: each team's repeat turns at the table of three, C(turns, 2)."""
    turns = Counter(
        team for seating in seatings for group in seating if len(group) == 3 for team in group
    )
    return sum(count * (count - 1) // 2 for count in turns.values())


@pytest.mark.parametrize("meetings", [3, 4, 5])
def test_table_of_three_rotates_as_far_as_the_optimum_allows(meetings: int) -> None:
    # Five teams, nothing scores but repeats. Among the seatings with the best objective (found by
    # enumerating every multiset of meeting seatings: the value ignores their order), the solver's
    # must also have the fewest repeat turns at the table of three.
    roster = make_roster([(f"g{i}", None, [[]], None) for i in range(5)], meetings=meetings)
    options = list(all_seatings([team.id for team in roster.teams]))
    best = max(
        (
            spec_table_value(roster, seatings),
            -table_of_three_turns(seatings),
        )
        for combination in itertools.combinations_with_replacement(range(len(options)), meetings)
        for seatings in [[options[i] for i in combination]]
    )
    solution = seat_tables(roster)
    assert solution.objective == solution.bound == best[0]
    chosen = [
        [seat.teams for seat in solution.tables if seat.meeting == f"meeting-{m + 1}"]
        for m in range(meetings)
    ]
    assert table_of_three_turns(chosen) == -best[1]


# --- feasibility, districts, determinism --------------------------------------------------------


def test_too_few_tables_is_infeasible_and_says_why() -> None:
    roster = make_roster([(f"g{i}", None, [[]], None) for i in range(6)], meetings=2, tables=2)
    solution = seat_tables(roster)
    assert not solution.feasible
    assert solution.tables == []
    assert len(solution.why) == 2
    assert "meeting-1" in solution.why[0]
    assert "6 teams" in solution.why[0]
    assert "needs 3 tables" in solution.why[0]
    assert "has 2" in solution.why[0]


def test_seven_teams_fit_three_tables() -> None:
    roster = make_roster([(f"g{i}", None, [[]], None) for i in range(7)], meetings=1, tables=3)
    solution = seat_tables(roster)
    assert solution.feasible
    assert [len(seat.teams) for seat in solution.tables].count(3) == 1
    assert [seat.table for seat in solution.tables] == [1, 2, 3]


def test_district_tables_never_cross_schools() -> None:
    north: list[TeamSpec] = [(f"n{i}", "art", [["bio"]], "north") for i in range(5)]
    south: list[TeamSpec] = [(f"s{i}", "bio", [["art"]], "south") for i in range(4)]
    lonely: list[TeamSpec] = [("e0", "art", [["bio"]], "east")]
    roster = make_roster([*north, *south, *lonely], meetings=2)
    solution = seat_tables(roster, workers=2)
    school = {team.id: roster.team_school(team.id) for team in roster.teams}
    for seat in solution.tables:
        assert len({school[team] for team in seat.teams}) == 1
    assert not any("e0" in seat.teams for seat in solution.tables)
    # each school numbers its own tables 1..k at each meeting
    for meeting in ("meeting-1", "meeting-2"):
        for name, count in (("north", 2), ("south", 2)):
            numbers = [
                seat.table
                for seat in solution.tables
                if seat.meeting == meeting and school[seat.teams[0]] == name
            ]
            assert numbers == list(range(1, count + 1))
    alone = [
        seat_tables(make_roster(part, meetings=2)).objective for part in (north, south, lonely)
    ]
    assert solution.objective == sum(alone)
    assert solution.optimal
    assert_plan_valid(roster, tables_plan(roster, solution.tables, solution.objective))


def test_school_with_one_team_sits_at_no_table() -> None:
    roster = make_roster([("a", "x", [["x"]], None)], meetings=2, tables=0)
    solution = seat_tables(roster)
    assert solution.feasible and solution.optimal
    assert solution.tables == [] and solution.objective == 0


def test_same_seed_gives_the_same_seating() -> None:
    roster = random_roster(7)
    first = seat_tables(roster, seed=3)
    second = seat_tables(roster, seed=3)
    assert first.tables == second.tables


def test_hint_is_accepted_and_the_optimum_stays_proven() -> None:
    roster = load_fixture("tables_k5")
    reference = seat_tables(roster)
    reversed_hint = [
        TableSeat(cycle=seat.cycle, meeting=seat.meeting, table=seat.table, teams=seat.teams)
        for seat in reversed(reference.tables)
    ]
    hinted = seat_tables(roster, hint=reversed_hint)
    assert hinted.optimal and hinted.objective == reference.objective


def test_seating_terms_count_earlier_meetings_in_plan_order() -> None:
    # a and b at both meetings: the second pays -10 * 4 once; listed out of order on purpose.
    roster = make_roster(
        [(team, None, [[]], None) for team in "abcd"],
        meetings=2,
    )
    seats = [
        TableSeat(cycle="cycle-2", meeting="meeting-2", table=1, teams=["a", "b"]),
        TableSeat(cycle="cycle-2", meeting="meeting-2", table=2, teams=["c", "d"]),
        TableSeat(cycle="cycle-1", meeting="meeting-1", table=1, teams=["a", "b"]),
        TableSeat(cycle="cycle-1", meeting="meeting-1", table=2, teams=["d", "c"]),
    ]
    assert seating_terms(roster, seats) == {"team_complement": 0, "team_repeat": -80}

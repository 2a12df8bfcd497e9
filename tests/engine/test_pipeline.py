"""The engine end to end: every plan passes the independent checker with its stated objective, and
the optimum is the true one (brute force, maximum-weight matching, hand-derived)."""

from __future__ import annotations

import random
import threading
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings

from pairwise.engine.pipeline import solve
from pairwise.result import Result
from pairwise.roster.load import load_roster
from pairwise.roster.models import Plan, Roster
from pairwise.roster.objective import Scoring
from pairwise.runs.whatif import variant_roster
from solvers.bruteforce import solve as brute_force
from tests.builders import make_roster, staggered
from tests.helpers import assert_plan_valid, fixture_path, load_fixture
from tests.strategies import rosters

ROOT = Path(__file__).resolve().parents[2]


def solved(roster: Roster, **options: Any) -> Plan:
    """Solve, insist on a proven optimum, and check the plan independently."""
    result = solve(roster, time_limit=options.pop("time_limit", 20.0), workers=1, **options)
    assert result.status == "optimal", (result.status, result.objective, result.bound)
    assert result.plan is not None
    report = assert_plan_valid(roster, result.plan)
    assert report.objective == result.plan.objective == result.objective == result.bound
    return result.plan


def test_oakridge_tiny_is_the_brute_force_optimum() -> None:
    roster = load_fixture("oakridge-tiny")
    reference = brute_force(roster)
    assert reference is not None
    plan = solved(roster)
    assert plan.objective == reference.objective
    assert sum(plan.terms.values()) == plan.objective


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(
    rosters(max_teachers=7, max_cycles=2, max_weeks=2, max_periods=3, max_teams=3, max_meetings=1)
)
def test_tiny_rosters_reach_the_brute_force_optimum(roster: Roster) -> None:
    reference = brute_force(roster)
    result = solve(roster, time_limit=20.0, workers=1)
    if reference is None:
        # infeasible is claimed only when the exhaustive search finds no plan either
        assert result.status == "infeasible"
        assert result.plan is None
        return
    assert result.status == "optimal"
    assert result.plan is not None
    assert_plan_valid(roster, result.plan)
    assert result.plan.objective == reference.objective


def test_a_lock_against_an_evaluator_is_infeasible() -> None:
    teachers = staggered(["a", "b", "c", "d"], 4)
    teachers[1]["evaluator"] = "a"
    roster = make_roster(teachers, relations=[{"a": "a", "b": "b", "kind": "lock"}])
    assert brute_force(roster) is None
    result = solve(roster, time_limit=10.0, workers=1)
    assert result.status == "infeasible"
    assert result.plan is None


def matching_roster(count: int, seed: int) -> Roster:
    """Slots that never bind: teacher i is free only in period i, every week, and teaches the rest,
    so each visit x -> y has one uncovered slot a week (x's free period) and no two pairs meet."""
    rng = random.Random(seed)
    topics = ["literacy", "numeracy", "inquiry", "feedback"]
    ids = [f"t{i + 1:02d}" for i in range(count)]
    teachers = []
    for i, teacher in enumerate(ids):
        teachers.append(
            {
                "id": teacher,
                "teaches": [f"mon-{p + 1}" for p in range(count) if p != i],
                "team": rng.choice(["k", "g1", "g2"]),
                "years_experience": rng.choice([0, 1, 4, 8, 20]),
                "priority": rng.choice(topics),
                "strengths": rng.sample(topics, rng.randint(0, 2)),
            }
        )
    history = [
        {
            "a": a,
            "b": b,
            "year": rng.choice([2023, 2024, 2025]),
            "trust": rng.choice([-0.5, 0.5, 1.0]),
        }
        for a, b in (rng.sample(ids, 2) for _ in range(count))
    ]
    requests = [
        {"a": a, "b": b, "kind": "request"} for a, b in (rng.sample(ids, 2) for _ in range(2))
    ]
    return make_roster(
        teachers,
        periods=count,
        weeks=count,
        history=history,
        relations=requests,
        teams=[{"id": "k"}, {"id": "g1"}, {"id": "g2"}],
        policy={"allow_triads": False},
    )


@pytest.mark.parametrize("count, seed", [(6, 1), (8, 2), (10, 3)])
def test_unbinding_slots_give_the_maximum_weight_matching(count: int, seed: int) -> None:
    roster = matching_roster(count, seed)
    scoring = Scoring(roster)
    graph = nx.Graph()
    ids = [teacher.id for teacher in roster.teachers]
    shift = 1000  # every pair positive, so the maximum-cardinality matching decides alone
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            graph.add_edge(a, b, weight=scoring.pair_score(a, b) + shift)
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    expected = sum(graph.edges[a, b]["weight"] - shift for a, b in matching)
    plan = solved(roster)
    assert not plan.unpaired
    assert plan.terms["cover"] == 0
    assert plan.objective == expected


@pytest.mark.parametrize("count", [6, 8, 10])
def test_round_robin_has_no_repeated_partner(count: int) -> None:
    ids = [f"t{i + 1:02d}" for i in range(count)]
    teachers = [
        {"id": teacher, "teaches": [f"mon-{p + 1}" for p in range(count) if p != i]}
        for i, teacher in enumerate(ids)
    ]
    roster = make_roster(
        teachers,
        periods=count,
        cycles=count - 1,
        policy={"rotation": "cycle", "allow_triads": False},
    )
    plan = solved(roster, time_limit=60.0)
    assert not plan.unpaired  # a perfect matching in every cycle, none repeated (the checker)
    assert len(plan.partnerships) == (count - 1) * count // 2


def test_same_seed_gives_the_same_plan() -> None:
    roster = load_fixture("oakridge-tiny")
    first = solve(roster, time_limit=20.0, seed=5, workers=1).plan
    second = solve(roster, time_limit=20.0, seed=5, workers=1).plan
    assert first is not None and second is not None
    assert first.model_copy(update={"seconds": 0}) == second.model_copy(update={"seconds": 0})


@pytest.mark.parametrize(
    "path", [fixture_path("oakridge-tiny"), ROOT / "instances" / "elementary-24.json"]
)
def test_warm_start_from_an_optimal_plan_keeps_its_value_in_a_tiny_budget(path: Path) -> None:
    roster = load_roster(path)
    optimal = solved(roster)
    result = solve(roster, time_limit=0.05, workers=1, hint=optimal)
    assert result.plan is not None
    assert_plan_valid(roster, result.plan)
    assert result.plan.objective >= optimal.objective


def coach_roster(budget: int, coachees: int) -> Roster:
    teachers: list[dict[str, Any]] = [
        {
            "id": "k",
            "teaches": [],
            "participates": False,
            "sabbatical": {"topics": ["math"], "budget": budget},
        },
    ]
    teachers += [
        {
            "id": f"m{i}",
            "teaches": ["mon-1", "mon-2", "mon-3"],
            "participates": False,
            "priority": "math",
        }
        for i in range(coachees)
    ]
    return make_roster(teachers, periods=4, cycles=2)


def test_a_coach_spends_a_budget_smaller_than_its_coachees() -> None:
    # budget 3, five eligible coachees with free slots: all 3 visits, to 3 different coachees
    plan = solved(coach_roster(3, 5))
    assert len(plan.sabbatical_visits) == 3
    assert len({visit.coachee for visit in plan.sabbatical_visits}) == 3
    assert plan.terms["sabbatical"] == 3 * 12


def test_a_coachs_visits_spread_over_cycles_and_coachees() -> None:
    # budget 4 over two cycles and four coachees: the tie-break gives 2 + 2 and 4 different people
    plan = solved(coach_roster(4, 4))
    cycles = sorted(visit.cycle for visit in plan.sabbatical_visits)
    assert cycles == ["c1", "c1", "c2", "c2"]
    assert len({visit.coachee for visit in plan.sabbatical_visits}) == 4


def test_a_coach_without_an_eligible_coachee_makes_no_visit() -> None:
    roster = make_roster(
        [
            {"id": "k", "teaches": [], "sabbatical": {"topics": ["art"], "budget": 3}},
            *staggered(["a", "b", "c"], 4, priority="math"),
        ]
    )
    plan = solved(roster)
    assert plan.sabbatical_visits == []


def test_one_substitute_is_shared_by_peer_and_sabbatical_visits() -> None:
    teachers = [
        {"id": "a", "teaches": ["mon-1"]},
        {"id": "b", "teaches": ["mon-1"]},
        {
            "id": "k",
            "teaches": ["mon-1"],
            "participates": False,
            "sabbatical": {"topics": ["math"], "budget": 1},
        },
        {"id": "m", "teaches": ["mon-1"], "participates": False, "priority": "math"},
    ]
    roster = make_roster(teachers, periods=1, policy={"reciprocal": False, "cover_per_period": 1})
    plan = solved(roster)
    covered = [v for v in plan.visits if v.covered] + [
        v for v in plan.sabbatical_visits if v.covered
    ]
    assert len(covered) == 1  # the checker also counts covers per slot
    assert plan.objective == -1  # the pair's covered visit; the coach's visit does not fit


def test_several_schools_are_solved_apart_and_checked() -> None:
    roster = make_roster(
        staggered(["a", "b", "c"], 4, school="north") + staggered(["d", "e"], 4, school="south"),
    )
    plan = solved(roster)
    schools = {"a": "north", "b": "north", "c": "north", "d": "south", "e": "south"}
    for partnership in plan.partnerships:
        assert len({schools[m] for m in partnership.members}) == 1
    assert not plan.unpaired


def test_unpaired_teachers_are_told_why() -> None:
    roster = make_roster(
        [
            *staggered(["a", "b", "c"], 4),
            {"id": "d", "teaches": ["mon-1"], "evaluator": "a"},
        ],
        relations=[{"a": "d", "b": "b", "kind": "avoid"}, {"a": "d", "b": "c", "kind": "avoid"}],
        policy={"allow_triads": False},
    )
    plan = solved(roster)
    whys = {entry.teacher: entry.why for entry in plan.unpaired}
    assert whys["d"].startswith("every possible partner is an avoid relation or their evaluator")
    assert len(whys) == 2  # three left for one pair: one more is out
    (other,) = (why for teacher, why in whys.items() if teacher != "d")
    assert other == "odd number of teachers and triads are not allowed"


def test_partnership_reasons_name_the_terms() -> None:
    roster = make_roster(
        [
            {**staggered(["a"], 4)[0], "priority": "math", "years_experience": 1},
            {**staggered(["a", "b"], 4)[1], "strengths": ["math"], "years_experience": 12},
        ],
        relations=[{"a": "a", "b": "b", "kind": "request"}],
        history=[{"a": "a", "b": "b", "year": 2022}],
    )
    plan = solved(roster)
    (partnership,) = plan.partnerships
    # people by name (make_roster names teacher `a` "Teacher a"), not by id
    assert "Teacher b is strong in math, Teacher a's priority" in partnership.reasons
    assert "novice Teacher a with a 12-year veteran, Teacher b" in partnership.reasons
    assert "requested each other" in partnership.reasons
    assert "new partners: last paired in 2022" in partnership.reasons
    assert partnership.score == 10 + 8 + 15


def test_a_stop_before_any_plan_gives_no_plan() -> None:
    stop = threading.Event()
    stop.set()
    result: Result = solve(load_fixture("oakridge-tiny"), time_limit=10.0, workers=1, stop=stop)
    assert result.plan is None
    assert result.status == "unknown"
    assert result.stats["interrupted"] == 1


def test_six_teams_never_sit_together_twice_and_seven_rotate_the_table_of_three() -> None:
    six = [{"id": f"g{i}", "priority": "math"} for i in range(6)]
    teachers = staggered([f"t{i}" for i in range(6)], 6)
    for i, teacher in enumerate(teachers):
        teacher["team"] = f"g{i}"
    roster = make_roster(teachers, periods=6, cycles=3, teams=six, meetings=1)
    plan = solved(roster)
    together = [tuple(sorted(seat.teams)) for seat in plan.tables]
    assert len(together) == 9 and len(set(together)) == 9
    seven = [{"id": f"g{i}"} for i in range(7)]
    teachers = staggered([f"t{i}" for i in range(7)], 7)
    for i, teacher in enumerate(teachers):
        teacher["team"] = f"g{i}"
    roster = make_roster(teachers, periods=7, cycles=3, teams=seven, meetings=1)
    plan = solved(roster)
    threes = [seat.teams for seat in plan.tables if len(seat.teams) == 3]
    assert len(threes) == 3  # one table of three per meeting
    pairs = [tuple(sorted(p)) for teams in (s.teams for s in plan.tables) for p in _pairs(teams)]
    assert len(pairs) == len(set(pairs))  # nobody sits with the same team twice


def _pairs(teams: list[str]) -> list[tuple[str, str]]:
    return [(a, b) for i, a in enumerate(teams) for b in teams[i + 1 :]]


def test_teachers_whose_visits_cannot_fit_are_told_so() -> None:
    # both teach only mon-1: two visits cannot share the one slot, so there is no partnership
    roster = make_roster(
        [{"id": "a", "teaches": ["mon-1"]}, {"id": "b", "teaches": ["mon-1"]}], periods=1
    )
    plan = solved(roster)
    assert [entry.why for entry in plan.unpaired] == [
        "no slot where a partner teaches and both are free (c1), within the covers and release limits"
    ] * 2


def test_locks_competing_for_one_substitute_are_infeasible() -> None:
    # each locked pair's one visit needs the one substitute of mon-1: both locks cannot hold
    teachers = [{"id": t, "teaches": ["mon-1"]} for t in "abcd"]
    roster = make_roster(
        teachers,
        periods=1,
        policy={"reciprocal": False, "cover_per_period": 1},
        relations=[
            {"a": "a", "b": "b", "kind": "lock"},
            {"a": "c", "b": "d", "kind": "lock"},
        ],
    )
    assert brute_force(roster) is None
    result = solve(roster, time_limit=10.0, workers=1)
    assert result.status == "infeasible"
    assert result.plan is None


@pytest.mark.parametrize(
    "path", [fixture_path("oakridge-tiny"), ROOT / "instances" / "elementary-24.json"]
)
def test_warm_start_from_a_smaller_budget_proves_the_cold_optimum(path: Path) -> None:
    # the hint's partnerships seed the relaxation's LP and incumbent: the proof must not change

    roster = load_roster(path)
    smaller = solved(variant_roster(roster, {"release_budget": 0}))
    larger = variant_roster(roster, {"release_budget": 6})
    cold = solve(larger, time_limit=30.0, workers=1)
    warm = solve(larger, time_limit=30.0, workers=1, hint=smaller)
    assert cold.status == warm.status == "optimal"
    assert warm.plan is not None
    assert_plan_valid(larger, warm.plan)
    assert warm.objective == cold.objective == warm.bound


def test_unpaired_because_every_possible_partner_is_locked_elsewhere() -> None:
    # c can pair only with b (a teaches when c does, so their two visits would share a slot and
    # no ring of three fits), and the admin locked b to a
    roster = make_roster(
        [
            {"id": "a", "name": "Ana Ruiz", "teaches": ["mon-1"]},
            {"id": "b", "name": "Sam Patel", "teaches": ["mon-2"]},
            {"id": "c", "name": "Cy Okafor", "teaches": ["mon-1"]},
        ],
        relations=[{"a": "a", "b": "b", "kind": "lock"}],
    )
    plan = solved(roster)
    assert [p.members for p in plan.partnerships] == [["a", "b"]]
    assert [(entry.teacher, entry.why) for entry in plan.unpaired] == [
        (
            "c",
            "every possible partner is locked to another teacher by the admin (Sam Patel), "
            "and no triad with them fits the timetable",
        )
    ]
    assert (
        plan.partnerships[0].reasons[0] == "Ana Ruiz and Sam Patel are locked together by the admin"
    )

"""The full model's rule families, one by one, each on a fixture of a few teachers.

Each test derives its exact optimum by hand, and where a rule's effect is the point, switches that
one rule off to show the optimum moves (so the test can fail).
"""

from __future__ import annotations

import pytest

from pairwise.engine.candidates import Candidates
from pairwise.engine.columns import Column, pair_columns
from pairwise.engine.model.plan_model import PlanModel, PlanSolution
from pairwise.engine.search import SearchSettings, run_search
from pairwise.roster.models import Roster
from pairwise.roster.objective import Scoring
from tests.builders import every_column, make_roster, staggered

UNPAIRED = 1000
PLAN_MODEL = "pairwise.engine.model.plan_model"


def best(roster: Roster, *, sabbaticals: bool = True) -> PlanSolution:
    """The proven optimum of the full model over every column."""
    candidates = Candidates(roster, Scoring(roster))
    model = PlanModel(candidates, every_column(candidates), sabbaticals=sabbaticals)
    model.build()
    outcome = run_search(model.model, SearchSettings(), 20.0)
    assert outcome.status == "optimal"
    return model.read(outcome.solver)


def members(solution: PlanSolution) -> list[tuple[str, ...]]:
    return sorted(column.members for column in solution.columns)


def test_one_partnership_per_period_leaves_the_odd_teacher_out() -> None:
    # three teachers, no triads: one pair, one unpaired; every pair scores 0 (same team None,
    # no priorities), so the objective is -1000
    roster = make_roster(staggered(["a", "b", "c"], 4), policy={"allow_triads": False})
    solution = best(roster)
    assert len(solution.columns) == 1
    assert solution.objective == -UNPAIRED


def test_at_most_one_triad_per_school(monkeypatch: pytest.MonkeyPatch) -> None:
    # six teachers who all complement each other (10 per direction, 20 per pair): three pairs give
    # 3 * 20 = 60; two triads would give 6 * 20 = 120 but only one triad is allowed, and one
    # triad + one pair leaves a teacher out (-1000)
    teachers = staggered([f"t{i}" for i in range(6)], 6, priority="x", strengths=["x"])
    policy = {"weights": {"shared_priority": 0}}
    roster = make_roster(teachers, periods=6, policy=policy)
    assert best(roster).objective == 60
    monkeypatch.setattr(
        "pairwise.engine.model.partnership_rules._at_most_one_triad_per_school", lambda *args: None
    )
    monkeypatch.setattr("pairwise.engine.model.partnership_rules._parity", lambda *args: None)
    assert best(roster).objective == 120


def test_no_repeat_within_year(monkeypatch: pytest.MonkeyPatch) -> None:
    # two teachers, two cycles of their own partnerships: together once, unpaired once (2 * -1000)
    roster = make_roster(
        [{"id": "a", "teaches": ["mon-1"]}, {"id": "b", "teaches": ["mon-2"]}],
        cycles=2,
        policy={"rotation": "cycle"},
    )
    assert best(roster).objective == -2 * UNPAIRED
    monkeypatch.setattr(
        "pairwise.engine.model.partnership_rules._no_repeat_within_year", lambda *args: None
    )
    assert best(roster).objective == 0


def test_locks_hold_against_a_better_pairing() -> None:
    # a-b request each other (+15) but the admin locks a with c: a-c and b alone... b pairs with d
    roster = make_roster(
        staggered(["a", "b", "c", "d"], 4),
        relations=[{"a": "a", "b": "b", "kind": "request"}, {"a": "a", "b": "c", "kind": "lock"}],
        policy={"allow_triads": False},
    )
    assert members(best(roster)) == [("a", "c"), ("b", "d")]


def test_visits_reciprocal_one_way_and_in_a_ring() -> None:
    free = ["mon-1", "mon-2"]
    pair = make_roster([{"id": "a", "teaches": free}, {"id": "b", "teaches": free}], cycles=2)
    assert len(best(pair).visits) == 2 * 2  # both ways in each of two cycles
    one_way = make_roster(
        [{"id": "a", "teaches": free}, {"id": "b", "teaches": free}],
        cycles=2,
        policy={"reciprocal": False},
    )
    assert len(best(one_way).visits) == 2  # one visit per cycle
    triad = make_roster(staggered(["a", "b", "c"], 4))
    solution = best(triad)
    assert members(solution) == [("a", "b", "c")]
    visitors = sorted(arc[0] for arc in solution.visits)
    hosts = sorted(arc[1] for arc in solution.visits)
    assert visitors == hosts == ["a", "b", "c"]  # each visits once and hosts once


def test_no_double_booking(monkeypatch: pytest.MonkeyPatch) -> None:
    # both teach only mon-1: each visit must be there, covered; two visits in one slot is double
    # booking, so they stay unpaired (2 * -1000); without the rule: paired, 2 covers (-2). The
    # column is made by hand: the column builder already leaves out pairs whose visits cannot
    # take distinct slots, and this test is about the model's own rule.
    roster = make_roster(
        [{"id": "a", "teaches": ["mon-1"]}, {"id": "b", "teaches": ["mon-1"]}], periods=1
    )
    candidates = Candidates(roster, Scoring(roster))
    assert pair_columns(candidates) == []

    def solve() -> int:
        model = PlanModel(candidates, [Column("year", ("a", "b"), "", 0, 0)])
        model.build()
        outcome = run_search(model.model, SearchSettings(), 10.0)
        assert outcome.status == "optimal" and outcome.objective is not None
        return outcome.objective

    assert solve() == -2 * UNPAIRED
    monkeypatch.setattr(f"{PLAN_MODEL}.no_double_booking", lambda *args: None)
    assert solve() == -2


def test_one_substitute_is_never_taken_by_both_a_peer_and_a_sabbatical_visit() -> None:
    # one slot, one substitute: the one-way peer visit a -> b (covered, -1) and the coach's visit
    # k -> m (covered, 12 - 1 = 11) both need it. Keeping the pair (else -2000) wins: -1.
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
    policy = {"reciprocal": False, "cover_per_period": 1}
    solution = best(make_roster(teachers, periods=1, policy=policy))
    assert solution.objective == -1
    assert solution.sabbatical_visits == {}
    # with two substitutes both visits happen: -1 + 11 = 10
    policy["cover_per_period"] = 2
    assert best(make_roster(teachers, periods=1, policy=policy)).objective == 10


def test_max_release_per_teacher(monkeypatch: pytest.MonkeyPatch) -> None:
    # both teach only mon-1, two cycles of two weeks: every visit is covered, a visits b once a
    # cycle (2 covers) but may be released once, so the pair cannot be placed (-2000); without the
    # rule: 4 covered visits (-4). The column is made by hand: the column builder already drops
    # pairs whose forced covers exceed a limit, and this test is about the model's own rule.
    roster = make_roster(
        [{"id": "a", "teaches": ["mon-1"], "max_release": 1}, {"id": "b", "teaches": ["mon-1"]}],
        periods=1,
        cycles=2,
        weeks=2,
    )
    candidates = Candidates(roster, Scoring(roster))
    column = Column("year", ("a", "b"), "", 0, 0)

    def solve() -> int:
        model = PlanModel(candidates, [column])
        model.build()
        outcome = run_search(model.model, SearchSettings(), 10.0)
        assert outcome.status == "optimal" and outcome.objective is not None
        return outcome.objective

    assert solve() == -2 * UNPAIRED
    monkeypatch.setattr(f"{PLAN_MODEL}.release_limits_on_slots", lambda *args: None)
    assert solve() == -4


def test_release_budget_per_school(monkeypatch: pytest.MonkeyPatch) -> None:
    # two one-way pairs, each visit only possible covered (all teach mon-1 only); a budget of one
    # covered visit keeps one pair (-1) and leaves two teachers out (-2000)
    teachers = [{"id": t, "teaches": ["mon-1"]} for t in ("a", "b", "c", "d")]
    policy = {"reciprocal": False, "release_budget": 1, "allow_triads": False}
    roster = make_roster(teachers, periods=1, policy=policy)
    assert best(roster).objective == -1 - 2 * UNPAIRED
    monkeypatch.setattr(f"{PLAN_MODEL}.release_limits_on_slots", lambda *args: None)
    assert best(roster).objective == -2


def test_sabbatical_budget_and_per_coachee_cap() -> None:
    # coach k (budget 1) and coach j (budget 3); coachees m and n teach mon-1..mon-3, coaches are
    # free. A cap of 1 visit per coachee allows 2 visits (2 * 12 = 24); a cap of 2 allows all 4
    # budgeted visits (48); budgets of 9 and a cap of 3 allow 3 per coachee: 6 visits (72).
    def roster(budget_k: int, budget_j: int, cap: int) -> Roster:
        teachers = [
            {
                "id": "k",
                "teaches": [],
                "participates": False,
                "sabbatical": {"topics": ["math"], "budget": budget_k},
            },
            {
                "id": "j",
                "teaches": [],
                "participates": False,
                "sabbatical": {"topics": ["math"], "budget": budget_j},
            },
            {
                "id": "m",
                "teaches": ["mon-1", "mon-2", "mon-3"],
                "participates": False,
                "priority": "math",
            },
            {
                "id": "n",
                "teaches": ["mon-1", "mon-2", "mon-3"],
                "participates": False,
                "priority": "math",
            },
        ]
        return make_roster(teachers, periods=3, policy={"sabbatical_visits_per_coachee": cap})

    assert best(roster(1, 3, 1)).objective == 24
    assert best(roster(1, 3, 2)).objective == 48
    solution = best(roster(1, 3, 2))
    assert (
        sum(len(s) for (coach, _, _), s in solution.sabbatical_visits.items() if coach == "k") == 1
    )
    assert best(roster(9, 9, 3)).objective == 72

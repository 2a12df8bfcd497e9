"""Relation kind `continue`: both partners asked to keep working together. Their repeat term is 0
and they earn the request reward, in the engine, the checker and both reference solvers alike."""

from __future__ import annotations

from pathlib import Path

from pairwise.checker.entry import check
from pairwise.engine.pipeline import solve
from pairwise.interchange.workbook.read import import_workbook
from pairwise.interchange.workbook.write import template_workbook
from pairwise.roster.models import Roster
from pairwise.roster.objective import Scoring
from solvers import bruteforce, greedy
from tests.builders import make_roster, staggered
from tests.helpers import assert_plan_valid


def four_teachers(relations: list[dict[str, str]]) -> Roster:
    """a and b were partners last year (a repeat costs 20 * 3 = 60); c and d never were."""
    return make_roster(
        staggered(["a", "b", "c", "d"], 4),
        history=[{"a": "a", "b": "b", "year": 2025, "trust": 1.0}],
        relations=relations,
    )


def test_continue_pair_has_no_repeat_cost_and_the_request_reward() -> None:
    scoring = Scoring(four_teachers([{"a": "b", "b": "a", "kind": "continue"}]))
    terms = scoring.pair_terms("a", "b")
    assert terms["repeat"] == 0
    assert terms["request"] == 15
    assert terms["trust"] == 6
    plain = Scoring(four_teachers([])).pair_terms("a", "b")
    assert plain["repeat"] == -60 and plain["request"] == 0


def test_request_and_continue_on_one_pair_reward_it_once() -> None:
    both = four_teachers(
        [{"a": "a", "b": "b", "kind": "request"}, {"a": "a", "b": "b", "kind": "continue"}]
    )
    assert Scoring(both).pair_terms("a", "b")["request"] == 15


def test_engine_keeps_a_continue_pair_together_and_says_why() -> None:
    roster = four_teachers([{"a": "a", "b": "b", "kind": "continue"}])
    result = solve(roster, time_limit=20.0, workers=1)
    assert result.status == "optimal" and result.plan is not None
    report = assert_plan_valid(roster, result.plan)
    assert report.objective == result.plan.objective
    by_members = {tuple(sorted(p.members)): p for p in result.plan.partnerships}
    assert ("a", "b") in by_members
    assert "both asked to keep working together" in by_members["a", "b"].reasons
    assert result.plan.terms["repeat"] == 0 and result.plan.terms["request"] == 15
    # without the relation the engine splits them up (the repeat costs more than trust gives)
    alone = solve(four_teachers([]), time_limit=20.0, workers=1)
    assert alone.plan is not None
    assert ["a", "b"] not in [sorted(p.members) for p in alone.plan.partnerships]


def test_reference_solvers_agree_on_continue() -> None:
    roster = four_teachers([{"a": "a", "b": "b", "kind": "continue"}])
    exact = bruteforce.solve(roster)
    assert exact is not None
    assert_plan_valid(roster, exact)
    engine = solve(roster, time_limit=20.0, workers=1)
    assert engine.objective == exact.objective
    admin = greedy.solve(roster)
    assert admin is not None
    assert_plan_valid(roster, admin)
    pair = next(p for p in admin.partnerships if sorted(p.members) == ["a", "b"])
    assert "a and b both asked to keep working together" in pair.reasons


def test_checker_recomputes_the_continue_terms() -> None:
    roster = four_teachers([{"a": "a", "b": "b", "kind": "continue"}])
    plan = greedy.solve(roster)
    assert plan is not None
    stated = plan.model_copy(update={"terms": {**plan.terms, "repeat": -60}})
    report = check(roster, stated)
    assert report.terms["repeat"] == 0 and report.terms["request"] == 15
    assert not report.ok


def test_avoid_wins_over_continue() -> None:
    roster = four_teachers(
        [{"a": "a", "b": "b", "kind": "avoid"}, {"a": "b", "b": "a", "kind": "continue"}]
    )
    result = solve(roster, time_limit=20.0, workers=1)
    assert result.plan is not None
    assert_plan_valid(roster, result.plan)
    assert ["a", "b"] not in [sorted(p.members) for p in result.plan.partnerships]


def test_continue_survives_the_workbook(tmp_path: Path) -> None:
    roster = four_teachers([{"a": "a", "b": "b", "kind": "continue"}])
    path = tmp_path / "roster.xlsx"
    path.write_bytes(template_workbook(roster))
    assert import_workbook(path).roster.relations == roster.relations

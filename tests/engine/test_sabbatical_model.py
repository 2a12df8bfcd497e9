"""The sabbatical model's rule families, one by one, each on a fixture of a few teachers.

Sabbatical visits are placed around fixed peer visits. Each test derives its exact optimum by
hand and, where a rule's effect is the point, switches that one rule off to show the optimum moves
(so the test can fail). Weights are the defaults: `sabbatical` 12, `cover` 1.
"""

from __future__ import annotations

from typing import Any

import pytest

from pairwise.engine.candidates import Candidates, SlotOptions, slot_indices
from pairwise.engine.model.plan_model import PlanSolution
from pairwise.engine.model.sabbatical_model import SabbaticalPlacement, place_sabbaticals
from pairwise.engine.search import SearchOutcome, SearchSettings, new_solver
from pairwise.roster.models import Roster
from pairwise.roster.objective import Scoring
from tests.builders import make_roster

MODEL = "pairwise.engine.model.sabbatical_model"


def coach(teacher_id: str, budget: int, teaches: list[str] | None = None) -> dict[str, Any]:
    return {
        "id": teacher_id,
        "teaches": teaches or [],
        "participates": False,
        "sabbatical": {"topics": ["math"], "budget": budget},
    }


def coachee(teacher_id: str, teaches: list[str], participates: bool = False) -> dict[str, Any]:
    return {"id": teacher_id, "teaches": teaches, "participates": participates, "priority": "math"}


def placed(
    roster: Roster, peer_visits: dict[tuple[str, str, str], int] | None = None
) -> SabbaticalPlacement:
    """The proven best sabbatical visits around the given peer visits (slot indices)."""
    candidates = Candidates(roster, Scoring(roster))
    peer = PlanSolution([], dict(peer_visits or {}))
    placement = place_sabbaticals(candidates, peer, SearchSettings(), 10.0)
    assert placement.optimal
    return placement


def rule_off(monkeypatch: pytest.MonkeyPatch, rule: str) -> None:
    """Switch one rule off, and the slot pruning with it (its threshold counts on the rules)."""
    monkeypatch.setattr(f"{MODEL}.{rule}", lambda *args: None)

    def every_slot(
        _candidates: Candidates, _arc: object, options: SlotOptions, *_rest: object
    ) -> list[tuple[int, bool]]:
        free = [(slot, False) for slot in slot_indices(options.uncovered)]
        return sorted(free + [(slot, True) for slot in slot_indices(options.covered)])

    monkeypatch.setattr(f"{MODEL}.kept_slots", every_slot)


def visit_count(placement: SabbaticalPlacement) -> int:
    return sum(len(slots) for slots in placement.visits.values())


def test_a_slot_taken_by_a_peer_visit_is_not_used() -> None:
    # coachee a teaches mon-1 and mon-2; b visits a in mon-1 (slot 0). Coach k (budget 2) may
    # visit a twice (cap 2): only mon-2 is left, one visit (12); with no peer visit, two (24).
    teachers = [
        coach("k", 2),
        coachee("a", ["mon-1", "mon-2"], participates=True),
        {"id": "b", "teaches": ["mon-3"]},
    ]
    roster = make_roster(teachers, periods=3)
    assert placed(roster).value == 24
    around = placed(roster, {("b", "a", "c1"): 0})
    assert around.value == 12
    assert around.visits == {("k", "a", "c1"): [1]}


def test_no_double_booking(monkeypatch: pytest.MonkeyPatch) -> None:
    # coachee m teaches only mon-1; coaches k and j (budget 1 each) both want it: one visit (12).
    # Without the rule both take mon-1 (24).
    roster = make_roster([coach("k", 1), coach("j", 1), coachee("m", ["mon-1"])], periods=1)
    assert placed(roster).value == 12
    rule_off(monkeypatch, "no_double_booking")
    assert placed(roster).value == 24


def test_a_cover_taken_by_a_peer_visit_is_gone() -> None:
    # one substitute per slot; coach k teaches mon-1, so its visit to m there is covered (12 - 1).
    # The peer visit a -> b in mon-1 is covered too (a teaches then) and takes the substitute.
    teachers = [
        coach("k", 1, ["mon-1"]),
        coachee("m", ["mon-1"]),
        {"id": "a", "teaches": ["mon-1"]},
        {"id": "b", "teaches": ["mon-1", "mon-2"]},
    ]
    roster = make_roster(teachers, periods=2, policy={"cover_per_period": 1})
    assert placed(roster).value == 11
    assert placed(roster, {("a", "b", "c1"): 0}).value == 0


def test_cover_per_slot(monkeypatch: pytest.MonkeyPatch) -> None:
    # coaches k and j teach mon-1 and mon-2; coachees m and n teach mon-1 only. Both visits are
    # covered in mon-1; one substitute lets one happen (11). Without the rule: 22.
    teachers = [
        coach("k", 1, ["mon-1", "mon-2"]),
        coach("j", 1, ["mon-1", "mon-2"]),
        coachee("m", ["mon-1"]),
        coachee("n", ["mon-1"]),
    ]
    roster = make_roster(
        teachers, periods=2, policy={"cover_per_period": 1, "sabbatical_visits_per_coachee": 1}
    )
    assert placed(roster).value == 11
    rule_off(monkeypatch, "cover_per_slot")
    assert placed(roster).value == 22


def test_budget_per_coach(monkeypatch: pytest.MonkeyPatch) -> None:
    # coach k (budget 1) could visit m and n in two slots each: one visit (12). Without the
    # rule: the cap of 2 per coachee allows four (48).
    teachers = [coach("k", 1), coachee("m", ["mon-1", "mon-2"]), coachee("n", ["mon-3", "mon-4"])]
    roster = make_roster(teachers, periods=4)
    assert placed(roster).value == 12
    rule_off(monkeypatch, "sabbatical_budget")
    assert visit_count(placed(roster)) == 4


def test_cap_per_coachee(monkeypatch: pytest.MonkeyPatch) -> None:
    # coach k (budget 3) and one coachee m teaching three periods, cap 1: one visit (12). Without
    # the rule: three (36).
    roster = make_roster(
        [coach("k", 3), coachee("m", ["mon-1", "mon-2", "mon-3"])],
        periods=3,
        policy={"sabbatical_visits_per_coachee": 1},
    )
    assert placed(roster).value == 12
    rule_off(monkeypatch, "sabbatical_per_coachee")
    assert placed(roster).value == 36


def test_visits_need_the_coachee_teaching_and_the_coach_free_or_covered() -> None:
    # rule 8's slot conditions: m teaches mon-1 and mon-3; k teaches mon-3 and is unavailable in
    # mon-1, so its only visit is covered, in mon-3 (12 - 1); with no cover there, none.
    k = coach("k", 1, ["mon-3"]) | {"unavailable": ["mon-1"]}
    teachers = [k, coachee("m", ["mon-1", "mon-3"])]
    roster = make_roster(teachers, periods=3)
    placement = placed(roster)
    assert placement.value == 11 and placement.visits == {("k", "m", "c1"): [2]}
    no_cover = make_roster(teachers, periods=3, policy={"cover_per_period": 0})
    assert placed(no_cover).value == 0


def test_the_tie_break_spreads_a_coachs_visits_over_coachees() -> None:
    # coach k (budget 2) may visit m or n, each in two slots (cap 2): the value is 24 either way;
    # the tie-break prefers one visit each over two to one coachee.
    teachers = [coach("k", 2), coachee("m", ["mon-1", "mon-2"]), coachee("n", ["mon-3", "mon-4"])]
    roster = make_roster(teachers, periods=4)
    candidates = Candidates(roster, Scoring(roster))
    placement = place_sabbaticals(candidates, PlanSolution([]), SearchSettings(), 10.0, spread=True)
    assert placement.value == 24
    assert sorted(coachee for (_k, coachee, _c) in placement.visits) == ["m", "n"]


def test_a_search_out_of_time_before_any_solution_keeps_the_greedys_visits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    roster = make_roster(
        [coach("k", 2), coachee("a", ["mon-1"]), coachee("b", ["mon-2"])], periods=2
    )
    candidates = Candidates(roster, Scoring(roster))

    def out_of_time(*_arguments: object, **_options: object) -> SearchOutcome:
        return SearchOutcome("unknown", None, None, new_solver(0.01), 0.0)

    monkeypatch.setattr(f"{MODEL}.run_search", out_of_time)
    placement = place_sabbaticals(candidates, PlanSolution([], {}), SearchSettings(), 0.0)
    assert not placement.optimal and placement.bound is None  # no proof from it
    assert placement.value == 24 and visit_count(placement) == 2  # both visits, uncovered

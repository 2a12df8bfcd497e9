"""Visits moved to make room for a debrief before any search (`conversations._moved_for_debriefs`):
only to a slot of the same kind, a covered one only where its covers have room."""

from __future__ import annotations

from pairwise.engine.candidates import Candidates
from pairwise.engine.columns import pair_columns
from pairwise.engine.model.conversations import ConversationPlacement, place_conversations
from pairwise.engine.model.plan_model import PlanSolution
from pairwise.engine.plan.builder import build_plan, plan_terms
from pairwise.engine.search import SearchSettings
from pairwise.roster.models import Roster
from pairwise.roster.objective import Scoring
from tests.builders import make_roster
from tests.helpers import assert_plan_valid


def late_visit_roster(cover: int) -> Roster:
    """Monday, six periods, debriefs the same day. a teaches 1, 2 and 6, b 2 and 6: a watches b
    only covered, in period 2 or 6; after 6 no debrief fits, after 2 one fits in 3-5. c watches
    d covered in period 2, the only cover there when `cover` is 1."""
    teachers = [
        {"id": "a", "teaches": ["mon-1", "mon-2", "mon-6"]},
        {"id": "b", "teaches": ["mon-2", "mon-6"]},
        {"id": "c", "teaches": ["mon-2", "mon-3"]},
        {"id": "d", "teaches": ["mon-2", "mon-4"]},
    ]
    return make_roster(
        teachers,
        periods=6,
        policy={"debrief_within_days": 0, "cover_per_period": cover, "reciprocal": True},
    )


def checked_conversations(
    roster: Roster, candidates: Candidates, solution: PlanSolution
) -> ConversationPlacement:
    """`solution`'s conversations placed with no time for a search (the greedy and the moves
    alone); the plan they make passes the checker, its objective unchanged."""
    solution.objective = sum(plan_terms(candidates, Scoring(roster), solution, None).values())
    conversations = place_conversations(candidates, solution, SearchSettings(), 0.0)
    plan = build_plan(
        candidates,
        Scoring(roster),
        solution,
        None,
        bound=solution.objective,
        seconds=0.0,
        seed=0,
        conversations=conversations,
    )
    assert_plan_valid(roster, plan)
    assert plan.objective == solution.objective
    return conversations


def placed(roster: Roster) -> ConversationPlacement:
    """A hand-made plan (a with b, c with d; a's visit late, in period 5) and its conversations
    placed with no time for a search: the greedy and the moves alone. The plan they make passes
    the checker, its objective unchanged."""
    candidates = Candidates(roster, Scoring(roster))
    columns = [c for c in pair_columns(candidates) if c.members in (("a", "b"), ("c", "d"))]
    assert len(columns) == 2
    # slots are indices in the cycle: period p of the one Monday is p - 1
    visits = {
        ("a", "b", "c1"): 5,  # covered, last period: no debrief after it
        ("b", "a", "c1"): 0,  # uncovered (b is free in period 1)
        ("c", "d", "c1"): 1,  # covered: the cover of period 2
        ("d", "c", "c1"): 2,  # uncovered (d is free in period 3)
    }
    solution = PlanSolution(columns, visits, {}, 0)
    return checked_conversations(roster, candidates, solution)


def test_a_covered_visit_moves_to_a_covered_slot_with_room_and_gains_its_debrief() -> None:
    conversations = placed(late_visit_roster(cover=2))
    assert conversations.visits["a", "b", "c1"] == 1
    assert ("a", "b", "c1") in conversations.debriefs
    assert conversations.placed == conversations.most
    assert conversations.stats["conversations_moved"] == conversations.placed


def test_a_covered_visit_stays_when_the_other_slot_has_no_cover_left() -> None:
    """The boundary: period 2's one cover is c's. Moving a's visit there anyway (the room check
    dropped) gives a plan the checker refuses (rule 7, covers per slot)."""
    conversations = placed(late_visit_roster(cover=1))
    assert conversations.visits["a", "b", "c1"] == 5
    assert ("a", "b", "c1") not in conversations.debriefs
    assert conversations.placed < conversations.most
    assert [entry.visit for entry in conversations.unplaced] == [("a", "b", "c1")]


def test_an_uncovered_visit_never_moves_to_a_covered_slot() -> None:
    """x watches y uncovered in period 6 (no debrief after it) or covered in period 2 (debriefs
    fit after it). Moving it to period 2 would add a cover and lower the plan's objective (the
    move made for any slot of the visit, covered or not, is refused by the checker)."""
    roster = make_roster(
        [{"id": "x", "teaches": ["mon-2", "mon-3"]}, {"id": "y", "teaches": ["mon-2", "mon-6"]}],
        periods=6,
        policy={"debrief_within_days": 0, "reciprocal": True},
    )
    candidates = Candidates(roster, Scoring(roster))
    solution = PlanSolution(
        pair_columns(candidates), {("x", "y", "c1"): 5, ("y", "x", "c1"): 2}, {}, 0
    )
    conversations = checked_conversations(roster, candidates, solution)
    assert conversations.visits["x", "y", "c1"] == 5
    # x's debrief needs a covered visit and the plan has none: 1 is proven the most
    # (`conversation_bound`), where the static bound said 2
    assert conversations.placed == conversations.most == 1


def test_a_partnerships_two_visits_move_together_when_neither_can_alone() -> None:
    """p teaches periods 1 and 4, q period 5 (Monday, debriefs the same day): both are free in
    2, 3 and 6. q watches p in 4 and p watches q in 5: after either only period 6 is left, and
    the greedy gives it to q's visit. p's visit has no other slot (q teaches only in 5), so it
    cannot move alone; q's moving to period 1 (debrief in 2) frees 6 for p's. Placing the two
    visits one at a time (the pair pass left out) stops at 1 debrief."""
    roster = make_roster(
        [{"id": "p", "teaches": ["mon-1", "mon-4"]}, {"id": "q", "teaches": ["mon-5"]}],
        periods=6,
        policy={"debrief_within_days": 0, "reciprocal": True},
    )
    candidates = Candidates(roster, Scoring(roster))
    solution = PlanSolution(
        pair_columns(candidates), {("q", "p", "c1"): 3, ("p", "q", "c1"): 4}, {}, 0
    )
    conversations = checked_conversations(roster, candidates, solution)
    assert conversations.stats["conversations_greedy"] == 1
    assert conversations.visits == {("q", "p", "c1"): 0, ("p", "q", "c1"): 4}
    assert conversations.debriefs == {("q", "p", "c1"): 1, ("p", "q", "c1"): 5}
    assert conversations.placed == conversations.most == 2

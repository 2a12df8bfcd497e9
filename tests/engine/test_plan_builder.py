"""The plan builder: a model's solution as a `pairwise/plan@1` plan, and a plan back as a hint."""

from __future__ import annotations

from pairwise.engine.candidates import Candidates
from pairwise.engine.pipeline import solve
from pairwise.engine.plan.builder import (
    Seating,
    build_plan,
    plan_terms,
    solution_from_plan,
    unpaired_entries,
)
from pairwise.roster.models import Plan, Roster
from pairwise.roster.objective import Scoring
from tests.builders import make_roster, staggered
from tests.helpers import assert_plan_valid, load_fixture

TABLE_TERMS = ("team_complement", "team_repeat")


def solved(roster: Roster) -> Plan:
    result = solve(roster, time_limit=20, seed=0, workers=1)
    assert result.plan is not None
    return result.plan


def seating_of(plan: Plan) -> Seating:
    terms = {name: plan.terms[name] for name in TABLE_TERMS}
    return Seating(plan.tables, terms, sum(terms.values()), sum(terms.values()))


def rebuilt(roster: Roster, plan: Plan) -> Plan:
    candidates = Candidates(roster, Scoring(roster))
    solution = solution_from_plan(candidates, plan)
    return build_plan(
        candidates,
        Scoring(roster),
        solution,
        seating_of(plan),
        bound=plan.bound,
        seconds=plan.seconds,
        seed=plan.seed,
    )


def test_a_plan_read_back_as_a_solution_builds_the_same_plan() -> None:
    roster = load_fixture("oakridge-tiny")
    plan = solved(roster)
    assert plan.visits and plan.sabbatical_visits and plan.tables  # every part is exercised
    again = rebuilt(roster, plan)
    # conversations come from the conversation stage, not from a plan read back as a hint
    conversation_fields = {"conversations", "unplaced_conversations", "conversation_counts"}
    assert again.model_dump(exclude=conversation_fields) == plan.model_dump(
        exclude=conversation_fields
    )
    assert_plan_valid(roster, again)


def test_the_terms_add_up_to_the_objective_and_the_checker_agrees() -> None:
    roster = load_fixture("oakridge-tiny")
    plan = solved(roster)
    candidates = Candidates(roster, Scoring(roster))
    solution = solution_from_plan(candidates, plan)
    terms = plan_terms(candidates, Scoring(roster), solution, seating_of(plan))
    assert terms == plan.terms
    assert sum(terms.values()) == plan.objective
    report = assert_plan_valid(roster, plan)
    assert report.terms == terms
    # without the tables part, the table terms are zero and the rest unchanged
    bare = plan_terms(candidates, Scoring(roster), solution, None)
    assert all(bare[name] == 0 for name in TABLE_TERMS)
    assert {n: v for n, v in bare.items() if n not in TABLE_TERMS} == {
        n: v for n, v in terms.items() if n not in TABLE_TERMS
    }


def test_what_no_longer_fits_the_roster_is_left_out_of_the_hint() -> None:
    roster = load_fixture("oakridge-tiny")
    plan = solved(roster)
    leaver = plan.partnerships[0].members[0]
    data = roster.model_dump(mode="json")
    data["teachers"] = [t for t in data["teachers"] if t["id"] != leaver]
    data["relations"] = [r for r in data["relations"] if leaver not in (r["a"], r["b"])]
    data["history"] = [h for h in data["history"] if leaver not in (h["a"], h["b"])]
    smaller = Roster.model_validate(data)
    candidates = Candidates(smaller, Scoring(smaller))
    solution = solution_from_plan(candidates, plan)
    kept = [column.members for column in solution.columns]
    assert kept  # the others' partnerships are kept
    assert all(leaver not in members for members in kept)
    # visits are kept by (visitor, host, cycle); the model hints only the arcs it has
    staying = {
        (v.visitor, v.host, v.cycle) for v in plan.visits if leaver not in (v.visitor, v.host)
    }
    assert staying and staying <= set(solution.visits)
    assert all(leaver not in arc[:2] for arc in solution.sabbatical_visits)


def test_the_odd_teacher_out_is_listed_unpaired_with_the_reason() -> None:
    roster = make_roster(staggered(["a", "b", "c"], 4), policy={"allow_triads": False})
    plan = solved(roster)
    candidates = Candidates(roster, Scoring(roster))
    solution = solution_from_plan(candidates, plan)
    entries = unpaired_entries(candidates, solution.columns)
    assert len(entries) == 1
    (entry,) = entries
    partnered = {m for p in plan.partnerships for m in p.members}
    assert entry.teacher not in partnered
    assert entry.cycles == ["c1"]
    assert entry.why == "odd number of teachers and triads are not allowed"
    assert [e.model_dump() for e in plan.unpaired] == [entry.model_dump()]

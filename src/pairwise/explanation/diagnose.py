"""`explain`: pre-checks, then conflict after conflict, each with its checked relaxations, until the
roster is solvable or the time runs out.

rule 1 (docs/rules.md) lets any participating teacher be unpaired (at a cost), so a roster can only be
infeasible through decisions that cannot all hold: locks (with everything a partnership and its
visits need), table counts, and the cover limits and budgets those visits use.
"""

from __future__ import annotations

from pairwise.explanation.conflicts import conflict_facts, rule_words, shrink
from pairwise.explanation.facts import Facts
from pairwise.explanation.feasibility import Clock, Feasibility
from pairwise.explanation.prechecks import precheck
from pairwise.explanation.relax import Edit, Relaxer, apply_edits, choose_relaxation
from pairwise.explanation.report import MAX_CONFLICTS, Conflict, ConflictRule, Explanation
from pairwise.roster.models import Roster

# --- explain ------------------------------------------------------------------------------------


def explain(roster: Roster, *, time_limit: float = 30.0, workers: int = 1) -> Explanation:
    """Pre-checks, then (when the roster has no plan) minimal conflict sets and checked relaxations."""
    clock = Clock(time_limit)
    findings = precheck(roster)
    explanation = Explanation(
        roster.name,
        "unknown",
        prechecks=[f for f in findings if f.severity == "conflict"],
        warnings=[f for f in findings if f.severity == "warning"],
    )
    original = Facts(roster)
    current = roster
    applied: list[Edit] = []
    for number in range(1, MAX_CONFLICTS + 1):
        facts = Facts(current)
        model = Feasibility(facts)
        outcome = model.solve(model.rules, max(clock.left(), 0.05), workers)
        if outcome.status == "feasible":
            if number == 1:
                explanation.status = "feasible"
            else:
                explanation.solvable_after = True
            return explanation
        if outcome.status == "unknown":
            return explanation
        explanation.status = "infeasible"
        rules, minimal = shrink(model, outcome.core, clock, workers)
        members = []
        for rule in rules:
            path, message = rule_words(facts, rule, original, rules)
            members.append(ConflictRule(rule.key, rule.kind, path, message))
        explanation.conflicts.append(
            Conflict(number, members, conflict_facts(facts, rules), minimal)
        )
        relaxer = Relaxer(current, original, rules, clock, workers)
        results = [relaxer.relax(number, rule) for rule in rules]
        explanation.relaxations += [relaxation for relaxation, _ in results]
        choice = choose_relaxation(results)
        if choice is None:
            explanation.solvable_after = False if applied else None
            return explanation
        relaxation, edit = results[choice]
        relaxation.applied = True
        assert edit is not None
        applied.append(edit)
        current = apply_edits(current, [edit])
        explanation.solvable_after = relaxation.solves_roster
        if relaxation.solves_roster:
            return explanation
    return explanation

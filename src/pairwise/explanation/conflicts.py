"""Minimal conflict sets: shrinking CP-SAT's core, and the words and facts that describe each rule."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from pairwise.explanation.facts import Facts, join_names, plural, school_label
from pairwise.explanation.feasibility import Clock, Feasibility
from pairwise.explanation.prechecks import meeting_words, tables_short
from pairwise.explanation.report import RULE_KINDS, Rule

# --- minimal conflict sets ----------------------------------------------------------------------


def shrink(
    model: Feasibility, core: list[Rule], clock: Clock, workers: int
) -> tuple[list[Rule], bool]:
    """Drop members one by one while the rest still conflict; minimal when every test finished."""
    current = sorted(core, key=lambda r: (RULE_KINDS.index(r.kind), r.subject))
    minimal = True
    index = 0
    while index < len(current):
        trial = current[:index] + current[index + 1 :]
        if clock.left() <= 0:
            return current, False
        outcome = model.solve(trial, clock.left(), workers)
        if outcome.status == "infeasible":
            # members already shown necessary stay in every smaller core, so `index` stays valid
            kept = set(outcome.core)
            current = [rule for rule in trial if rule in kept]
        else:
            minimal = minimal and outcome.status == "feasible"
            index += 1
    return current, minimal


def unavailable_entries(facts: Facts, teacher_id: str, cycle_id: str) -> list[tuple[int, str]]:
    """The teacher's unavailable entries (index, text) that touch slots of the cycle."""
    slots = {slot for slot, _ in facts.slots[cycle_id]}
    periods = {period for _, period in facts.slots[cycle_id]}
    return [
        (i, entry)
        for i, entry in enumerate(facts.teacher[teacher_id].unavailable)
        if (entry in slots) or ("/" not in entry and entry in periods)
    ]


def rule_words(
    facts: Facts, rule: Rule, original: Facts, conflict: Sequence[Rule] = ()
) -> tuple[str, str]:
    """(path, sentence) for one member of a conflict set (`conflict`: all of its members)."""
    kind, subject = rule.kind, rule.subject
    policy = facts.policy
    if kind == "lock":
        a, b = subject
        when = " in at least one cycle" if policy.rotation == "cycle" else " for the year"
        return (
            original.relation_path("lock", (a, b)),
            f"{facts.label(a)} and {facts.label(b)} are locked together: they must be "
            f"partners{when}",
        )
    if kind == "avoid":
        a, b = subject
        return (
            original.relation_path("avoid", (a, b)),
            f"{facts.label(a)} and {facts.label(b)} are an avoid relation: never partners",
        )
    if kind == "evaluator":
        (evaluated,) = subject
        evaluator = facts.teacher[evaluated].evaluator or ""
        return (
            facts.path(evaluated, "evaluator"),
            f"{facts.label(evaluator)} evaluates {facts.label(evaluated)}: evaluator and "
            "evaluated are never partners",
        )
    if kind == "participates":
        (teacher_id,) = subject
        return (
            facts.path(teacher_id, "participates"),
            f"{facts.label(teacher_id)} does not participate in partnerships",
        )
    if kind == "cross_school_pairs":
        crossing = [
            f"{a} ({school_label(facts.school[a])}) and {b} ({school_label(facts.school[b])})"
            for a, b in (member.subject for member in conflict if member.kind == "lock")
            if facts.school[a] != facts.school[b]
        ]
        tail = f"; locked across schools: {'; '.join(crossing)}" if crossing else ""
        return (
            "policy.cross_school_pairs",
            f"partnerships never cross schools (cross_school_pairs is false){tail}",
        )
    if kind == "allow_triads":
        return "policy.allow_triads", "triads are not allowed (allow_triads is false)"
    if kind == "reciprocal":
        return (
            "policy.reciprocal",
            "visits are reciprocal: in every cycle each partner visits the other once",
        )
    if kind == "no_repeat":
        return (
            "policy.rotation",
            "under rotation 'cycle' no two teachers are partners in two cycles of the year",
        )
    if kind == "unavailable":
        teacher_id, cycle_id = subject
        entries = [entry for _, entry in unavailable_entries(facts, teacher_id, cycle_id)]
        return (
            facts.path(teacher_id, "unavailable"),
            f"in cycle {cycle_id}, {facts.label(teacher_id)} is unavailable in "
            f"{join_names(entries) or 'some slots'}",
        )
    if kind == "cover_per_period":
        return (
            "policy.cover_per_period",
            f"each school has {plural(policy.cover_per_period, 'cover')} per slot "
            "(cover_per_period)",
        )
    if kind == "cover_override":
        (slot,) = subject
        index, cover = facts.override[slot]
        return (
            f"policy.cover_overrides[{index}].cover",
            f"slot {slot} has {plural(cover, 'cover')} per school (an override)",
        )
    if kind == "max_release":
        (teacher_id,) = subject
        limit = facts.teacher[teacher_id].max_release
        return (
            facts.path(teacher_id, "max_release"),
            f"{facts.label(teacher_id)} can be released for at most "
            f"{plural(limit or 0, 'covered visit')} (max_release)",
        )
    if kind == "release_budget":
        (school,) = subject
        return (
            "policy.release_budget",
            f"{school_label(school)} can use at most "
            f"{plural(policy.release_budget or 0, 'covered peer visit')} (release_budget)",
        )
    if kind == "tables":
        cycle_id, meeting_id = subject
        c = facts.cycle_index[cycle_id]
        m = next(i for i, x in enumerate(facts.roster.cycles[c].meetings) if x.id == meeting_id)
        tables = facts.roster.cycles[c].meetings[m].tables or 0
        return (
            f"cycles[{c}].meetings[{m}].tables",
            f"meeting {meeting_id} of cycle {cycle_id} has {plural(tables, 'table')}, but "
            f"{tables_short(facts, tables)}",
        )
    raise ValueError(f"unknown rule kind {kind}")


SLOT_KINDS = frozenset(
    {
        "unavailable",
        "cover_per_period",
        "cover_override",
        "max_release",
        "release_budget",
        "reciprocal",
    }
)


def conflict_facts(facts: Facts, rules: Sequence[Rule]) -> list[str]:
    """Facts behind a conflict about slots: where each locked pair in it can meet."""
    kinds = {rule.kind for rule in rules}
    locks = [rule.subject for rule in rules if rule.kind == "lock"]
    if not (kinds & SLOT_KINDS or (kinds == {"lock"} and len(locks) == 1)):
        return []
    sentences = []
    for a, b in locks:
        by_text: dict[str, list[str]] = defaultdict(list)
        for cycle_id in facts.cycle_ids:
            by_text[meeting_words(facts, a, b, cycle_id)].append(cycle_id)
        for text, cycles in by_text.items():
            when = (
                "in every cycle"
                if len(cycles) == len(facts.cycle_ids) > 1
                else f"in cycle{'s' if len(cycles) > 1 else ''} {join_names(cycles)}"
            )
            sentences.append(f"{when}: {text}")
    return sentences

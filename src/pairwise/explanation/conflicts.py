"""Minimal conflict sets: shrinking CP-SAT's core, and the words and facts that describe each rule."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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
    if rule.kind in _FIXED_WORDS:
        return _FIXED_WORDS[rule.kind]
    words = _WORDS.get(rule.kind)
    if words is None:
        raise ValueError(f"unknown rule kind {rule.kind}")
    return words(_Wording(facts, original, conflict), rule.subject)


_FIXED_WORDS: dict[str, tuple[str, str]] = {
    "allow_triads": ("policy.allow_triads", "triads are not allowed (allow_triads is false)"),
    "reciprocal": (
        "policy.reciprocal",
        "visits are reciprocal: in every cycle each partner visits the other once",
    ),
    "no_repeat": (
        "policy.rotation",
        "under rotation 'cycle' no two teachers are partners in two cycles of the year",
    ),
}
"""The words of the rules that have no subject and name no number of the roster."""


@dataclass(frozen=True)
class _Wording:
    """The words of one kind of rule each: `facts` (maybe relaxed) and the `original` roster's
    facts (for paths into its relations), and the conflict set the rule is a member of."""

    facts: Facts
    original: Facts
    conflict: Sequence[Rule]

    def lock(self, subject: tuple[str, ...]) -> tuple[str, str]:
        a, b = subject
        when = (
            " in at least one cycle" if self.facts.policy.rotation == "cycle" else " for the year"
        )
        return (
            self.original.relation_path("lock", (a, b)),
            f"{self.facts.label(a)} and {self.facts.label(b)} are locked together: they must be "
            f"partners{when}",
        )

    def avoid(self, subject: tuple[str, ...]) -> tuple[str, str]:
        a, b = subject
        return (
            self.original.relation_path("avoid", (a, b)),
            f"{self.facts.label(a)} and {self.facts.label(b)} are an avoid relation: never partners",
        )

    def evaluator(self, subject: tuple[str, ...]) -> tuple[str, str]:
        (evaluated,) = subject
        evaluator = self.facts.teacher[evaluated].evaluator or ""
        return (
            self.facts.path(evaluated, "evaluator"),
            f"{self.facts.label(evaluator)} evaluates {self.facts.label(evaluated)}: evaluator and "
            "evaluated are never partners",
        )

    def participates(self, subject: tuple[str, ...]) -> tuple[str, str]:
        (teacher_id,) = subject
        return (
            self.facts.path(teacher_id, "participates"),
            f"{self.facts.label(teacher_id)} does not participate in partnerships",
        )

    def cross_school_pairs(self, subject: tuple[str, ...]) -> tuple[str, str]:
        school = self.facts.school
        crossing = [
            f"{a} ({school_label(school[a])}) and {b} ({school_label(school[b])})"
            for a, b in (member.subject for member in self.conflict if member.kind == "lock")
            if school[a] != school[b]
        ]
        tail = f"; locked across schools: {'; '.join(crossing)}" if crossing else ""
        return (
            "policy.cross_school_pairs",
            f"partnerships never cross schools (cross_school_pairs is false){tail}",
        )

    def unavailable(self, subject: tuple[str, ...]) -> tuple[str, str]:
        teacher_id, cycle_id = subject
        entries = [entry for _, entry in unavailable_entries(self.facts, teacher_id, cycle_id)]
        return (
            self.facts.path(teacher_id, "unavailable"),
            f"in cycle {cycle_id}, {self.facts.label(teacher_id)} is unavailable in "
            f"{join_names(entries) or 'some slots'}",
        )

    def cover_per_period(self, subject: tuple[str, ...]) -> tuple[str, str]:
        return (
            "policy.cover_per_period",
            f"each school has {plural(self.facts.policy.cover_per_period, 'cover')} per slot "
            "(cover_per_period)",
        )

    def cover_override(self, subject: tuple[str, ...]) -> tuple[str, str]:
        (slot,) = subject
        index, cover = self.facts.override[slot]
        return (
            f"policy.cover_overrides[{index}].cover",
            f"slot {slot} has {plural(cover, 'cover')} per school (an override)",
        )

    def max_release(self, subject: tuple[str, ...]) -> tuple[str, str]:
        (teacher_id,) = subject
        limit = self.facts.teacher[teacher_id].max_release
        return (
            self.facts.path(teacher_id, "max_release"),
            f"{self.facts.label(teacher_id)} can be released for at most "
            f"{plural(limit or 0, 'covered visit')} (max_release)",
        )

    def release_budget(self, subject: tuple[str, ...]) -> tuple[str, str]:
        (school,) = subject
        return (
            "policy.release_budget",
            f"{school_label(school)} can use at most "
            f"{plural(self.facts.policy.release_budget or 0, 'covered peer visit')} "
            "(release_budget)",
        )

    def tables(self, subject: tuple[str, ...]) -> tuple[str, str]:
        cycle_id, meeting_id = subject
        facts = self.facts
        c = facts.cycle_index[cycle_id]
        m = next(i for i, x in enumerate(facts.roster.cycles[c].meetings) if x.id == meeting_id)
        tables = facts.roster.cycles[c].meetings[m].tables or 0
        return (
            f"cycles[{c}].meetings[{m}].tables",
            f"meeting {meeting_id} of cycle {cycle_id} has {plural(tables, 'table')}, but "
            f"{tables_short(facts, tables)}",
        )


_WORDS: dict[str, Callable[[_Wording, tuple[str, ...]], tuple[str, str]]] = {
    "lock": _Wording.lock,
    "avoid": _Wording.avoid,
    "evaluator": _Wording.evaluator,
    "participates": _Wording.participates,
    "cross_school_pairs": _Wording.cross_school_pairs,
    "unavailable": _Wording.unavailable,
    "cover_per_period": _Wording.cover_per_period,
    "cover_override": _Wording.cover_override,
    "max_release": _Wording.max_release,
    "release_budget": _Wording.release_budget,
    "tables": _Wording.tables,
}
"""The words of each kind of rule with a subject or a number of the roster behind it."""


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

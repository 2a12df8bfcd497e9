"""Relaxations: the smallest change to the roster that lifts one rule of a conflict, checked by
solving again."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pairwise.explanation.conflicts import rule_words, unavailable_entries
from pairwise.explanation.facts import Facts, join_names
from pairwise.explanation.feasibility import Clock, solve_feasibility
from pairwise.explanation.report import MAX_SINGLE_EDITS, PREFERENCE, Relaxation, Rule
from pairwise.roster.facts import pair_key
from pairwise.roster.models import Roster

# --- relaxations --------------------------------------------------------------------------------


@dataclass
class Edit:
    """One change to a roster's JSON that relaxes a rule."""

    action: str
    path: str
    old: Any
    new: Any
    change: Callable[[dict[str, Any]], None]


def apply_edits(roster: Roster, edits: Iterable[Edit]) -> Roster:
    data = roster.model_dump(mode="json")
    for edit in edits:
        edit.change(data)
    return Roster.model_validate(data)


def _set(*path: str | int, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


def _drop_relations(kind: str, pair: tuple[str, str]) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["relations"] = [
            r
            for r in data["relations"]
            if not (r["kind"] == kind and pair_key(r["a"], r["b"]) == pair)
        ]

    return change


def _drop_unavailable(index: int, entries: Sequence[str]) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        teacher = data["teachers"][index]
        teacher["unavailable"] = [u for u in teacher["unavailable"] if u not in entries]

    return change


class Relaxer:
    """Finds, for each member of a conflict set, a roster change that relaxes it, and checks it."""

    def __init__(
        self, roster: Roster, original: Facts, rules: list[Rule], clock: Clock, workers: int
    ) -> None:
        self.roster = roster
        self.facts = Facts(roster)
        self.original = original
        self.rules = rules
        self.clock = clock
        self.workers = workers

    def check(self, edits: Sequence[Edit], whole: bool) -> bool | None:
        """Whether the roster with `edits` has a plan (`whole`), or meets the conflict's rules."""
        if self.clock.left() <= 0:
            return None
        relaxed = apply_edits(self.roster, edits)
        outcome = solve_feasibility(
            relaxed, None if whole else self.rules, self.clock, self.workers
        )
        return None if outcome.status == "unknown" else outcome.status == "feasible"

    def relax(self, number: int, rule: Rule) -> tuple[Relaxation, Edit | None]:
        edit = self.best_edit(rule)
        if edit is None:
            path, _ = rule_words(self.facts, rule, self.original)
            action = (
                "none: who evaluates whom is a fact of the school, not a decision"
                if rule.kind == "evaluator"
                else "none found"
            )
            return Relaxation(number, rule.key, action, path), None
        resolves = self.check([edit], whole=False)
        solves = self.check([edit], whole=True) if resolves else resolves
        relaxation = Relaxation(
            number,
            rule.key,
            edit.action,
            edit.path,
            edit.old,
            edit.new,
            checked=solves is not None,
            resolves_conflict=resolves,
            solves_roster=solves,
        )
        return relaxation, edit

    def best_edit(self, rule: Rule) -> Edit | None:
        facts = self.facts
        kind, subject = rule.kind, rule.subject
        if kind in ("lock", "avoid"):
            a, b = subject
            return Edit(
                f"drop the {kind} {a}–{b}",
                self.original.relation_path(kind, (a, b)),
                kind,
                None,
                _drop_relations(kind, (a, b)),
            )
        if kind == "participates":
            (teacher_id,) = subject
            path = facts.path(teacher_id, "participates")
            return Edit(
                f"let {teacher_id} participate (set {path} to true)",
                path,
                False,
                True,
                _set("teachers", facts.index[teacher_id], "participates", value=True),
            )
        switches = {
            "cross_school_pairs": ("allow cross-school pairs", True),
            "allow_triads": ("allow triads", True),
            "reciprocal": ("make visits one-way", False),
        }
        if kind in switches:
            words, value = switches[kind]
            return Edit(
                f"{words} (set policy.{kind} to {str(value).lower()})",
                f"policy.{kind}",
                not value,
                value,
                _set("policy", kind, value=value),
            )
        if kind == "no_repeat":
            return Edit(
                "keep one partner for the year (set policy.rotation to 'year')",
                "policy.rotation",
                "cycle",
                "year",
                _set("policy", "rotation", value="year"),
            )
        if kind == "unavailable":
            teacher_id, cycle_id = subject
            return self.availability_edit(teacher_id, cycle_id)
        if kind == "tables":
            cycle_id, meeting_id = subject
            c = facts.cycle_index[cycle_id]
            meetings = facts.roster.cycles[c].meetings
            m = next(i for i, meeting in enumerate(meetings) if meeting.id == meeting_id)
            # tables count per school: enough for the school with the most teams
            needed = max(len(teams) // 2 for teams in facts.teams_by_school().values())
            old = meetings[m].tables
            path = f"cycles[{c}].meetings[{m}].tables"
            return Edit(
                f"raise {path} from {old} to {needed}",
                path,
                old,
                needed,
                _set("cycles", c, "meetings", m, "tables", value=needed),
            )
        return self.numeric_edit(rule)

    def availability_edit(self, teacher_id: str, cycle_id: str) -> Edit | None:
        facts = self.facts
        index = facts.index[teacher_id]
        entries = unavailable_entries(facts, teacher_id, cycle_id)
        path = facts.path(teacher_id, "unavailable")
        if not entries:
            return None

        def edit(chosen: Sequence[tuple[int, str]]) -> Edit:
            texts = [entry for _, entry in chosen]
            paths = ", ".join(f"{path}[{i}]" for i, _ in chosen)
            note = " every week" if any("/" not in text for text in texts) else ""
            return Edit(
                f"make {teacher_id} available in {join_names(texts)}{note} (remove {paths})",
                paths,
                texts,
                None,
                _drop_unavailable(index, texts),
            )

        # one entry is the smallest change; prefer one that also solves the whole roster
        resolving = None
        for entry in entries[:MAX_SINGLE_EDITS]:
            single = edit([entry])
            if self.check([single], whole=False):
                if self.check([single], whole=True):
                    return single
                resolving = resolving or single
        return resolving or edit(entries)

    def numeric_edit(self, rule: Rule) -> Edit | None:
        """Raise a count to the smallest value that lets the conflict's rules hold."""
        facts = self.facts
        policy = facts.policy
        # no more covered visits than visitors per slot, one visit per visitor and cycle
        visitors = len(facts.locked) + len(facts.schools)
        setter: Callable[[int], Callable[[dict[str, Any]], None]]
        if rule.kind == "cover_per_period":
            old, path = policy.cover_per_period, "policy.cover_per_period"
            high, words = old + visitors, "raise cover_per_period"

            def setter(value: int) -> Callable[[dict[str, Any]], None]:
                return _set("policy", "cover_per_period", value=value)
        elif rule.kind == "cover_override":
            (slot,) = rule.subject
            index, old = facts.override[slot]
            path = f"policy.cover_overrides[{index}].cover"
            high, words = old + visitors, f"raise the cover of slot {slot}"

            def setter(value: int) -> Callable[[dict[str, Any]], None]:
                return _set("policy", "cover_overrides", index, "cover", value=value)
        elif rule.kind == "max_release":
            (teacher_id,) = rule.subject
            old = facts.teacher[teacher_id].max_release or 0
            path = facts.path(teacher_id, "max_release")
            high, words = max(old + 1, len(facts.cycle_ids)), f"raise {teacher_id}'s max_release"
            position = facts.index[teacher_id]

            def setter(value: int) -> Callable[[dict[str, Any]], None]:
                return _set("teachers", position, "max_release", value=value)
        elif rule.kind == "release_budget":
            old, path = policy.release_budget or 0, "policy.release_budget"
            high, words = old + visitors * len(facts.cycle_ids), "raise release_budget"

            def setter(value: int) -> Callable[[dict[str, Any]], None]:
                return _set("policy", "release_budget", value=value)
        else:
            return None

        def edit(value: int) -> Edit:
            return Edit(f"{words} from {old} to {value}", path, old, value, setter(value))

        if not self.check([edit(high)], whole=False):
            return edit(high)
        low = old + 1
        while low < high:
            middle = (low + high) // 2
            if self.check([edit(middle)], whole=False):
                high = middle
            else:
                low = middle + 1
        return edit(high)


def choose_relaxation(relaxations: list[tuple[Relaxation, Edit | None]]) -> int | None:
    """The relaxation to apply before looking for the next conflict: one that solves the roster
    if any, else the cheapest kind of change that resolves this conflict."""

    def rank(item: tuple[int, tuple[Relaxation, Edit | None]]) -> tuple[int, int, int]:
        index, (relaxation, _) = item
        kind = relaxation.rule.split(":")[0]
        return (not relaxation.solves_roster, PREFERENCE.index(kind), index)

    usable = [
        (i, item)
        for i, item in enumerate(relaxations)
        if item[1] is not None and item[0].resolves_conflict
    ]
    return min(usable, key=rank)[0] if usable else None

"""Facts about a roster that every part of an explanation needs: pairs, admissible options, slots."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pairwise.explanation.report import YEAR, Rule
from pairwise.roster.calendar import away_on, is_date_range, slot_date
from pairwise.roster.facts import pair_key
from pairwise.roster.models import Roster, parse_slot

# --- facts about a roster that every part below needs -------------------------------------------


def join_names(items: Iterable[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def school_label(school: str) -> str:
    return f"school '{school}'" if school else "the school"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


@dataclass(frozen=True)
class Option:
    """A slot in which one teacher could visit another: the host teaches then."""

    slot: str
    period: str
    covered: bool  # the visitor teaches then
    visitor_away: bool  # the visitor is unavailable then
    host_away: bool

    @property
    def free(self) -> bool:
        return not self.visitor_away and not self.host_away


class Facts:
    """Lookups derived once from a roster: schools, timetables, relations, slots."""

    def __init__(self, roster: Roster) -> None:
        self.roster = roster
        self.policy = roster.policy
        self.teacher = roster.teacher_by_id
        self.index = {teacher.id: i for i, teacher in enumerate(roster.teachers)}
        self.school = {teacher.id: roster.school_of(teacher.id) for teacher in roster.teachers}
        self.schools = roster.schools()
        self.teaches = {t.id: frozenset(t.teaches) for t in roster.teachers}
        self.away_periods = {
            t.id: frozenset(u for u in t.unavailable if "/" not in u and not is_date_range(u))
            for t in roster.teachers
        }
        self.away_slots = {
            t.id: frozenset(u for u in t.unavailable if "/" in u) for t in roster.teachers
        }
        self.cycle_ids = [cycle.id for cycle in roster.cycles]
        self.cycle_index = {cycle_id: i for i, cycle_id in enumerate(self.cycle_ids)}
        self.slots: dict[str, list[tuple[str, str]]] = {
            cycle_id: [(slot, parse_slot(slot)[1]) for slot in roster.cycle_slots(cycle_id)]
            for cycle_id in self.cycle_ids
        }
        self.slot_cycle = {
            slot: cycle_id for cycle_id, slots in self.slots.items() for slot, _ in slots
        }
        self.relation_paths: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        for i, relation in enumerate(roster.relations):
            a, b = pair_key(relation.a, relation.b)
            self.relation_paths[(relation.kind, a, b)].append(f"relations[{i}]")
        self.locks = [(a, b) for kind, a, b in self.relation_paths if kind == "lock"]
        self.avoid = {(a, b) for kind, a, b in self.relation_paths if kind == "avoid"}
        self.lock_partners: dict[str, set[str]] = defaultdict(set)
        for a, b in self.locks:
            self.lock_partners[a].add(b)
            self.lock_partners[b].add(a)
        self.locked = {t for pair in self.locks for t in pair}
        self.periods = [YEAR] if self.policy.rotation == "year" else list(self.cycle_ids)
        self.override = {
            override.slot: (i, override.cover)
            for i, override in enumerate(self.policy.cover_overrides)
        }
        self._options: dict[tuple[str, str, str], list[Option]] = {}

    def cycles_of(self, period: str) -> list[str]:
        return list(self.cycle_ids) if period == YEAR else [period]

    def label(self, teacher_id: str) -> str:
        teacher = self.teacher.get(teacher_id)
        return f"{teacher_id} ({teacher.name})" if teacher else teacher_id

    def path(self, teacher_id: str, field_name: str) -> str:
        return f"teachers[{self.index[teacher_id]}].{field_name}"

    def relation_path(self, kind: str, pair: tuple[str, str]) -> str:
        return ", ".join(self.relation_paths.get((kind, *pair), [])) or "relations"

    def away(self, teacher_id: str, slot: str, period: str) -> bool:
        """Unavailable then: a weekly period, a single slot, a date range, or off staff."""
        if period in self.away_periods[teacher_id] or slot in self.away_slots[teacher_id]:
            return True
        return away_on(self.teacher[teacher_id], slot_date(slot))

    def evaluation(self, a: str, b: str) -> tuple[str, str] | None:
        """(evaluated, evaluator) when one of a and b evaluates the other."""
        if self.teacher[a].evaluator == b:
            return a, b
        if self.teacher[b].evaluator == a:
            return b, a
        return None

    def admissible(self, a: str, b: str) -> bool:
        """Whether a and b may be partners by rule 2 (docs/rules.md) (ignoring locks)."""
        return (
            pair_key(a, b) not in self.avoid
            and self.evaluation(a, b) is None
            and (self.policy.cross_school_pairs or self.school[a] == self.school[b])
        )

    def options(self, visitor: str, host: str, cycle_id: str) -> list[Option]:
        """Every slot of a cycle in which `visitor` could visit `host` (the host teaches then)."""
        key = (visitor, host, cycle_id)
        if key not in self._options:
            host_teaches, visitor_teaches = self.teaches[host], self.teaches[visitor]
            self._options[key] = [
                Option(
                    slot,
                    period,
                    period in visitor_teaches,
                    self.away(visitor, slot, period),
                    self.away(host, slot, period),
                )
                for slot, period in self.slots[cycle_id]
                if period in host_teaches
            ]
        return self._options[key]

    def hostable(self, teacher_id: str, cycle_id: str) -> bool:
        """Whether the teacher teaches, and is available, in some slot of the cycle."""
        teaches = self.teaches[teacher_id]
        return any(
            period in teaches and not self.away(teacher_id, slot, period)
            for slot, period in self.slots[cycle_id]
        )

    def cover_limit(self, slot: str) -> tuple[int, Rule]:
        """Covers on hand in a slot per school, and the rule that sets the number."""
        if slot in self.override:
            return self.override[slot][1], Rule("cover_override", (slot,))
        return self.policy.cover_per_period, Rule("cover_per_period")

    def teams_by_school(self) -> dict[str, list[str]]:
        teams: dict[str, list[str]] = defaultdict(list)
        for team in self.roster.teams:
            teams[self.roster.team_school(team.id)].append(team.id)
        return teams

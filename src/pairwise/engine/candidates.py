"""What the model may choose from: admissible pairs, feasible visit slots, sabbatical candidates.

Everything here is derived from the roster alone and iterated in roster order (never in the hash
order of strings), so every model built from it is the same from run to run. Slots are bit masks
over a cycle's slots (bit i = `roster.cycle_slots(cycle)[i]`), which keeps a 150-teacher school's
half a million pair × cycle × direction checks to integer operations.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from pairwise.engine.pair_table import WORD, PairTable, pair_tables, words
from pairwise.roster.calendar import away_on, is_date_range, on_staff_in_cycle, slot_date
from pairwise.roster.facts import PairKey, avoid_pairs, can_be_released, kept_apart
from pairwise.roster.models import Roster, parse_slot
from pairwise.roster.objective import Scoring

Edge = tuple[str, str]
"""An unordered pair of teachers, written in roster order."""


@dataclass(frozen=True)
class RotationPeriod:
    """The span one partnership lasts: the whole year (`rotation: year`) or one cycle."""

    id: str
    cycles: tuple[str, ...]


@dataclass(frozen=True)
class SlotOptions:
    """Feasible slots of one visit in one cycle, as bit masks over the cycle's slots."""

    uncovered: int
    covered: int

    @property
    def any(self) -> int:
        return self.uncovered | self.covered

    @property
    def forced_cover(self) -> int | None:
        """Covers the visit needs at least: 0 with a free slot, 1 with only covered ones, None if none."""
        if self.uncovered:
            return 0
        if self.covered:
            return 1
        return None


def slot_indices(mask: int) -> Iterator[int]:
    """The set bits of a mask, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


@dataclass
class Candidates:
    """Admissible partnerships, their visits' feasible slots, and sabbatical visit options."""

    roster: Roster
    scoring: Scoring
    teachers: list[str] = field(init=False)
    index: dict[str, int] = field(init=False)
    participants: list[str] = field(init=False)
    period_participants: dict[str, list[str]] = field(init=False)
    """Per rotation period, the participants on staff for at least one of its slots: only they
    are partnered or unpaired in it."""
    periods: list[RotationPeriod] = field(init=False)
    cycle_ids: list[str] = field(init=False)
    slots: dict[str, list[str]] = field(init=False)
    schools: list[str] = field(init=False)
    school: dict[str, str] = field(init=False)
    pair_edges: dict[str, list[Edge]] = field(init=False)
    triad_edges: dict[str, list[Edge]] = field(init=False)
    sabbatical_arcs: dict[tuple[str, str, str], SlotOptions] = field(init=False)
    coaches: list[str] = field(init=False)
    edge_score: dict[Edge, int] = field(init=False)
    base_reason: dict[Edge, str] = field(init=False)
    memo: dict[str, object] = field(init=False, default_factory=dict)
    """Products derived from the candidates once per solve (pair columns, triad spaces)."""
    _host: dict[tuple[str, str], int] = field(init=False)
    _free: dict[tuple[str, str], int] = field(init=False)
    _cover_on_hand: dict[str, int] = field(init=False)
    _releasable: dict[str, bool] = field(init=False)
    pair_tables: list[PairTable] = field(init=False, default_factory=list)
    """Per rotation period, every pair no rule keeps apart as numpy arrays (`pair_table`)."""
    _slot_arrays: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = field(
        init=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        roster = self.roster
        self.teachers = [teacher.id for teacher in roster.teachers]
        self.index = {teacher_id: i for i, teacher_id in enumerate(self.teachers)}
        self.participants = [t.id for t in roster.teachers if t.participates]
        self.cycle_ids = [cycle.id for cycle in roster.cycles]
        self.slots = {cycle: roster.cycle_slots(cycle) for cycle in self.cycle_ids}
        self.school = {t: roster.school_of(t) for t in self.teachers}
        self.schools = roster.schools()
        if roster.policy.rotation == "year":
            self.periods = [RotationPeriod("year", tuple(self.cycle_ids))]
        else:
            self.periods = [RotationPeriod(cycle, (cycle,)) for cycle in self.cycle_ids]
        self._availability()
        self.period_participants = {
            period.id: [
                t.id
                for t in roster.teachers
                if t.participates
                and any(
                    on_staff_in_cycle(roster, t, roster.cycle_by_id[cycle])
                    for cycle in period.cycles
                )
            ]
            for period in self.periods
        }
        self._partner_candidates()
        self._sabbatical_candidates()

    # --- slots -----------------------------------------------------------------------------

    # rule 5: host teaches, neither unavailable, covered exactly when the visitor teaches (and rule
    # 7: a slot without cover takes no covered visit)
    def _availability(self) -> None:
        """Per teacher and cycle: slots where it can host, where it is free, where it teaches."""
        self._host, self._free, self._cover_on_hand = {}, {}, {}
        self._releasable = {t.id: can_be_released(self.roster, t.id) for t in self.roster.teachers}
        for cycle in self.cycle_ids:
            slots = self.slots[cycle]
            periods = [parse_slot(slot)[1] for slot in slots]
            cover = 0
            for i, slot in enumerate(slots):
                if self.roster.cover_limit(slot) > 0:
                    cover |= 1 << i
            self._cover_on_hand[cycle] = cover
            position = {slot: i for i, slot in enumerate(slots)}
            days = [slot_date(slot) for slot in slots]
            for teacher in self.roster.teachers:
                teaches = set(teacher.teaches)
                available = (1 << len(slots)) - 1
                teaching = 0
                weekly_off = {
                    entry
                    for entry in teacher.unavailable
                    if "/" not in entry and not is_date_range(entry)
                }
                dated = (
                    teacher.begin_date
                    or teacher.end_date
                    or len(weekly_off) < len(teacher.unavailable)
                )
                for i, period in enumerate(periods):
                    if period in weekly_off or (dated and away_on(teacher, days[i])):
                        available &= ~(1 << i)
                    if period in teaches:
                        teaching |= 1 << i
                for entry in teacher.unavailable:
                    if entry in position:
                        available &= ~(1 << position[entry])
                key = (teacher.id, cycle)
                self._host[key] = teaching & available
                self._free[key] = available & ~teaching

    def admissible_pairs(self) -> int:
        """Admissible pairs over every rotation period: what makes a roster large."""
        return sum(len(edges) for edges in self.pair_edges.values())

    def unpaired_places(self) -> int:
        """Teacher × rotation period places that are unpaired when nobody is partnered."""
        return sum(len(members) for members in self.period_participants.values())

    def free_slots(self, teacher: str, cycle: str) -> int:
        """Slots where the teacher is available and does not teach."""
        return self._free[teacher, cycle]

    def visit_options(self, visitor: str, host: str, cycle: str) -> SlotOptions:
        """Where `visitor` can watch `host` teach in `cycle` (rules 5 and 7, per slot)."""
        return self._peer_options(visitor, host, cycle)

    # rules 5 and 7 both ways at once, as `_peer_options` (this runs for every pair and cycle)
    def pair_masks(self, a: str, b: str, cycle: str) -> tuple[int, int, int, int]:
        """Feasible slots of a's visit to b, uncovered and covered, then of b's visit to a."""
        host_a, host_b = self._host[a, cycle], self._host[b, cycle]
        both = host_a & host_b & self._cover_on_hand[cycle]
        return (
            host_b & self._free[a, cycle],
            both if self._releasable[a] else 0,
            host_a & self._free[b, cycle],
            both if self._releasable[b] else 0,
        )

    # rule 5: a peer visit's feasible slots, uncovered and covered (rule 7: only if releasable)
    def _peer_options(self, visitor: str, host: str, cycle: str) -> SlotOptions:
        host_mask = self._host[host, cycle]
        uncovered = host_mask & self._free[visitor, cycle]
        covered = 0
        if self._releasable[visitor]:
            covered = host_mask & self._host[visitor, cycle] & self._cover_on_hand[cycle]
        return SlotOptions(uncovered, covered)

    # --- partnerships ------------------------------------------------------------------------

    # rule 2: avoid, evaluator, same school (locks: partnership_rules._locks)
    def separation_reason(self, a: str, b: str) -> str | None:
        """Why two teachers may never be partners whatever the slots, or None."""
        roster = self.roster
        x, y = roster.teacher_by_id[a], roster.teacher_by_id[b]
        if not x.participates or not y.participates:
            return "does not participate"
        apart = kept_apart(roster, self._avoids, a, b)
        if apart is not None:
            return apart
        # rule 2: members share a school unless cross_school_pairs
        if not roster.policy.cross_school_pairs and self.school[a] != self.school[b]:
            return "school"
        return None

    @cached_property
    def _avoids(self) -> frozenset[PairKey]:
        return avoid_pairs(self.roster)

    @cached_property
    def locks(self) -> list[Edge]:
        """Locked pairs, once each, in roster order of the relations."""
        seen: dict[Edge, None] = {}
        for relation in self.roster.relations:
            if relation.kind == "lock":
                seen.setdefault(self.edge(relation.a, relation.b), None)
        return list(seen)

    def edge(self, a: str, b: str) -> Edge:
        """The unordered pair in roster order."""
        return (a, b) if self.index[a] < self.index[b] else (b, a)

    def _partner_candidates(self) -> None:
        """Admissible pairs per rotation period: as a pair (all its visits possible) or in a triad.

        Computed for every pair at once on numpy arrays (`engine/pair_table.py`, whose tables
        stay in `pair_tables`); the dictionaries and lists here are read from them. A visit's
        slot masks are not stored (half a million per 400 teachers): `arc_options` recomputes
        them from the per-teacher masks, a few integer operations.
        """
        every = pair_tables(self)
        self.pair_tables = every.tables
        teachers = self.teachers
        edges = list(
            zip(
                [teachers[i] for i in every.first.tolist()],
                [teachers[j] for j in every.second.tolist()],
                strict=True,
            )
        )
        self.edge_score = dict(zip(edges, every.score.tolist(), strict=True))
        self.pair_edges = {
            table.period.id: [edges[r] for r in np.flatnonzero(table.pair).tolist()]
            for table in every.tables
        }
        self.triad_edges = {
            table.period.id: [edges[r] for r in np.flatnonzero(table.triad).tolist()]
            for table in every.tables
        }
        self.base_reason = {
            (teachers[i], teachers[j]): reason for (i, j), reason in every.separated.items()
        }
        if not self.roster.policy.cross_school_pairs and len(set(self.school.values())) > 1:
            # rule 2: members share a school unless cross_school_pairs
            for a, b in itertools.combinations(self.participants, 2):
                if self.school[a] != self.school[b]:
                    self.base_reason.setdefault((a, b), "school")

    def slot_arrays(self, cycle: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The slot masks of every teacher in a cycle as numpy arrays of 64-bit words (one row
        per teacher in roster order, lowest slots in the first word): where it can host, where
        it is free, then the slots with cover on hand and whether each teacher may be released."""
        if cycle not in self._slot_arrays:
            count = max(1, -(-len(self.slots[cycle]) // WORD))
            host = [words(self._host[t, cycle], count) for t in self.teachers]
            free = [words(self._free[t, cycle], count) for t in self.teachers]
            self._slot_arrays[cycle] = (
                np.array(host, dtype=np.uint64).reshape(len(self.teachers), count),
                np.array(free, dtype=np.uint64).reshape(len(self.teachers), count),
                np.array(words(self._cover_on_hand[cycle], count), dtype=np.uint64),
                np.array([self._releasable[t] for t in self.teachers], dtype=bool),
            )
        return self._slot_arrays[cycle]

    def partner_able(self, period: str, school: str) -> int:
        """How many of a school's participants have some admissible partner in a rotation period."""
        return len(self._partner_able.get((period, school), ()))

    @cached_property
    def _partner_able(self) -> dict[tuple[str, str], set[str]]:
        """Per rotation period and school, the teachers in some admissible pair or triad edge."""
        able: dict[tuple[str, str], set[str]] = {}
        for table in self.pair_tables:
            some = table.pair | table.triad
            for i in np.unique(np.concatenate([table.first[some], table.second[some]])).tolist():
                teacher = self.teachers[i]
                able.setdefault((table.period.id, self.school[teacher]), set()).add(teacher)
        return able

    def arc_options(self, visitor: str, host: str, cycle: str) -> SlotOptions | None:
        """Feasible slots of a visit between admissible partners, None when it has none."""
        if self.edge(visitor, host) not in self.edge_score:
            return None
        options = self._peer_options(visitor, host, cycle)
        return options if options.any else None

    def forced_cover(self, visitor: str, host: str, cycle: str) -> int | None:
        options = self.arc_options(visitor, host, cycle)
        return None if options is None else options.forced_cover

    # --- sabbatical visits ---------------------------------------------------------------------

    # rule 8: topic, not kept apart, neither unavailable, coachee teaches, covered iff coach teaches
    def _sabbatical_candidates(self) -> None:
        """Coach → coachee visit options per cycle (rule 8, slot by slot)."""
        roster = self.roster
        self.sabbatical_arcs = {}
        self.coaches = []
        for coach in roster.teachers:
            if coach.sabbatical is None or coach.sabbatical.budget <= 0:
                continue
            self.coaches.append(coach.id)
            topics = set(coach.sabbatical.topics)
            for coachee in roster.teachers:
                if coachee.id == coach.id or coachee.priority not in topics:
                    continue
                if kept_apart(roster, self._avoids, coach.id, coachee.id) is not None:
                    continue
                for cycle in self.cycle_ids:
                    host_mask = self._host[coachee.id, cycle]
                    uncovered = host_mask & self._free[coach.id, cycle]
                    covered = host_mask & self._host[coach.id, cycle] & self._cover_on_hand[cycle]
                    if uncovered or covered:
                        self.sabbatical_arcs[coach.id, coachee.id, cycle] = SlotOptions(
                            uncovered, covered
                        )

    def eligible_coachees(self, coach: str) -> list[str]:
        """Coachees a coach could visit in some cycle, in roster order."""
        seen: dict[str, None] = {}
        for k, coachee, _cycle in self.sabbatical_arcs:
            if k == coach:
                seen.setdefault(coachee, None)
        return sorted(seen, key=self.index.__getitem__)

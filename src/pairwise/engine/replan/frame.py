"""What a re-plan decides, and what it must keep: the plan in force read against the updated roster.

A session (peer visit, sabbatical visit, a meeting's seating) is *kept* when it starts before the
re-plan's first day: it stays as it was. From that day on:

- a cycle that has already started keeps its partnerships; their visits still ahead may move
  within the cycle (a visit no slot can hold any more, because a member left or is away, is
  cancelled);
- under `rotation: year` a partnership goes on into the cycles ahead while all its members are on
  staff and take part; from the first cycle where one is not, it has ended, and its other members
  are *free*, as are teachers who join and teachers the plan left unpaired. Free teachers may form
  new partnerships, or one of them may join a continuing pair as its third member;
- under `rotation: cycle` every cycle ahead is partnered afresh (no pair partnered earlier in the
  year again).

The frame holds those facts; `model.py` turns them into a CP-SAT model.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from dataclasses import dataclass, field

from pairwise.engine.candidates import Candidates, SlotOptions
from pairwise.roster.calendar import (
    away_ranges,
    cycle_dates,
    on_staff,
    on_staff_in_cycle,
    slot_date,
)
from pairwise.roster.facts import can_be_released
from pairwise.roster.models import Plan, Roster
from pairwise.roster.objective import Scoring

Arc = tuple[str, str, str]
"""(visitor, host, cycle) or (coach, coachee, cycle)."""
TRIAD_LIMIT = 40
"""Up to this many free teachers every triangle among them is a candidate triad."""
Way = tuple[tuple[str, str], ...]
"""One way a partnership visits in a cycle: its (visitor, host) visits."""


@dataclass(frozen=True)
class Unit:
    """A partnership of the plan in force that goes on in one cycle: its visits are owed."""

    partnership: str
    members: tuple[str, ...]
    cycle: str
    arcs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class NewPartnership:
    """A partnership the re-plan may form, for `cycles`; `extends` names the continuing pair of
    the plan in force it takes a third member into (that pair's own visits then stop)."""

    members: tuple[str, ...]
    cycles: tuple[str, ...]
    ways: dict[str, list[Way]]
    score: int
    extends: str | None = None
    was: str | None = None
    """The plan in force's partnership with these very members in this cycle (rotation: cycle)."""


@dataclass
class Frame:
    """The plan in force split at the first day that may change, against the updated roster."""

    roster: Roster
    plan: Plan
    start: dt.date
    candidates: Candidates
    scoring: Scoring
    started: list[str] = field(init=False)
    ahead: list[str] = field(init=False)
    ahead_mask: dict[str, int] = field(init=False)
    slot_index: dict[str, dict[str, int]] = field(init=False)
    units: list[Unit] = field(init=False)
    continuing: dict[str, list[str]] = field(init=False)
    """Per partnership of the plan in force, the cycles ahead it goes on into."""
    free_from: dict[str, int] = field(init=False)
    """Per free teacher, the index in `ahead` of the first cycle it is free in."""
    new_partnerships: list[NewPartnership] = field(init=False)
    kept_release: Counter[str] = field(init=False)
    kept_school_release: Counter[str] = field(init=False)
    kept_coach: Counter[str] = field(init=False)
    kept_coachee: Counter[str] = field(init=False)
    partnered_edges: set[tuple[str, str]] = field(init=False)
    kept_tables: list[tuple[str, str, tuple[str, ...]]] = field(init=False)
    ahead_meetings: list[tuple[str, str]] = field(init=False)
    complete: bool = True
    """False when some triads were left out for size: the optimum is then not proven."""
    kept_unpaired: dict[str, list[str]] = field(init=False)
    """Per teacher, the started cycles the plan in force lists them unpaired in."""
    impossible_triads: set[tuple[tuple[str, ...], str]] = field(init=False, default_factory=set)
    """(members, cycle) of triads that cannot visit in that cycle (no ring of visits fits)."""
    gone: dict[tuple[str, str], bool] = field(init=False, default_factory=dict)
    """`member_gone`'s answers so far."""

    def __post_init__(self) -> None:
        roster = self.roster
        self.started, self.ahead = [], []
        for record in roster.cycles:
            first, _ = cycle_dates(roster, record)
            (self.started if first < self.start else self.ahead).append(record.id)
        self.slot_index = {
            cycle: {slot: i for i, slot in enumerate(slots)}
            for cycle, slots in self.candidates.slots.items()
        }
        self.ahead_mask = {}
        for cycle, slots in self.candidates.slots.items():
            mask = 0
            for i, slot in enumerate(slots):
                if slot_date(slot) >= self.start:
                    mask |= 1 << i
            self.ahead_mask[cycle] = mask
        self._kept_usage()
        self._units()
        self._new_partnerships()
        self._tables()

    # --- kept sessions ---------------------------------------------------------------------------

    def kept(self, slot: str) -> bool:
        return slot_date(slot) < self.start

    def _kept_usage(self) -> None:
        self.kept_release, self.kept_school_release = Counter(), Counter()
        self.kept_coach, self.kept_coachee = Counter(), Counter()
        for visit in self.plan.visits:
            if self.kept(visit.slot) and visit.covered:
                self.kept_release[visit.visitor] += 1
                self.kept_school_release[self.candidates.school[visit.visitor]] += 1
        for sabbatical in self.plan.sabbatical_visits:
            if self.kept(sabbatical.slot):
                self.kept_coach[sabbatical.coach] += 1
                self.kept_coachee[sabbatical.coachee] += 1

    # --- partnerships of the plan in force -------------------------------------------------------

    def member_gone(self, teacher: str, cycle: str) -> bool:
        """Whether a teacher no longer takes part in a cycle: left, not yet joined, or stopped."""
        known = self.gone.get((teacher, cycle))
        if known is None:
            record = self.roster.teacher_by_id[teacher]
            known = not record.participates or not on_staff_in_cycle(
                self.roster, record, self.roster.cycle_by_id[cycle]
            )
            self.gone[teacher, cycle] = known
        return known

    def _units(self) -> None:
        plan = self.plan
        arcs_of: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for visit in plan.visits:
            arcs_of.setdefault((visit.partnership, visit.cycle), []).append(
                (visit.visitor, visit.host)
            )
        self.units = []
        self.continuing = {}
        year = self.roster.policy.rotation == "year"
        self.partnered_edges = set()
        self.kept_unpaired = {}
        for partnership in plan.partnerships:
            members = tuple(partnership.members)
            listed = [c for c in partnership.cycles if c in self.roster.cycle_by_id]
            for cycle in listed:
                if cycle in self.started:
                    self.partnered_edges.update(self._edges(members))
                    arcs = arcs_of.get((partnership.id, cycle)) or _default_arcs(members)
                    self.units.append(Unit(partnership.id, members, cycle, tuple(arcs)))
            if not year:
                continue
            going_on: list[str] = []
            for cycle in self.ahead:
                if any(self.member_gone(m, cycle) for m in members):
                    break
                going_on.append(cycle)
            if going_on and not any(c in listed for c in going_on):
                going_on = []  # the plan in force never had it in these cycles
            self.continuing[partnership.id] = going_on
            for cycle in going_on:
                self.partnered_edges.update(self._edges(members))
                arcs = arcs_of.get((partnership.id, cycle)) or _default_arcs(members)
                self.units.append(Unit(partnership.id, members, cycle, tuple(arcs)))
        for entry in plan.unpaired:
            started = [c for c in entry.cycles if c in self.started]
            if started:
                self.kept_unpaired.setdefault(entry.teacher, []).extend(started)
        in_units = {(m, u.cycle) for u in self.units for m in u.members}
        self.free_from = {}
        for teacher in self.candidates.participants:
            for position, cycle in enumerate(self.ahead):
                if (teacher, cycle) in in_units or self.member_gone(teacher, cycle):
                    continue
                if year:
                    self.free_from[teacher] = position
                    break
        if not year:
            self.free_from = {t: 0 for t in self.candidates.participants}

    def _edges(self, members: tuple[str, ...]) -> list[tuple[str, str]]:
        return [self.candidates.edge(a, b) for a, b in itertools.combinations(members, 2)]

    def free_in(self, teacher: str, cycle: str) -> bool:
        """Whether a teacher may be in a new partnership in a cycle ahead."""
        if teacher not in self.free_from or self.member_gone(teacher, cycle):
            return False
        position = self.ahead.index(cycle)
        if position < self.free_from[teacher]:
            return False
        return not any(teacher in u.members and u.cycle == cycle for u in self.units)

    # --- options ---------------------------------------------------------------------------------

    def peer_options(self, visitor: str, host: str, cycle: str) -> SlotOptions:
        """The visit's feasible slots from the first changing day on."""
        options = self.candidates.visit_options(visitor, host, cycle)
        mask = self.ahead_mask[cycle]
        covered = options.covered
        if not can_be_released(self.roster, visitor):
            covered = 0
        return SlotOptions(options.uncovered & mask, covered & mask)

    def sabbatical_options(self, arc: Arc) -> SlotOptions | None:
        options = self.candidates.sabbatical_arcs.get(arc)
        if options is None:
            return None
        mask = self.ahead_mask[arc[2]]
        if not (options.any & mask):
            return None
        return SlotOptions(options.uncovered & mask, options.covered & mask)

    # --- new partnerships ------------------------------------------------------------------------

    def admissible(self, members: tuple[str, ...]) -> bool:
        """No two members separated, nor (under `rotation: cycle`) partnered earlier."""
        for a, b in itertools.combinations(members, 2):
            if self.candidates.separation_reason(a, b) is not None:
                return False
            if self.roster.policy.rotation == "cycle" and self.candidates.edge(a, b) in (
                self.partnered_edges
            ):
                return False
        return True

    def _ways(self, members: tuple[str, ...], cycle: str) -> list[Way]:
        """The ways the members can make their visits in a cycle from the first changing day."""
        if len(members) == 2:
            a, b = members
            if self.roster.policy.reciprocal:
                options: list[Way] = [((a, b), (b, a))]
            else:
                options = [((a, b),), ((b, a),)]
        else:
            a, b, c = members
            options = [((a, b), (b, c), (c, a)), ((a, c), (c, b), (b, a))]
        return [way for way in options if all(self.peer_options(v, h, cycle).any for v, h in way)]

    def _column(
        self, members: tuple[str, ...], cycles: list[str], extends: str | None = None
    ) -> NewPartnership | None:
        if not cycles or not self.admissible(members):
            return None
        ways = {}
        for cycle in cycles:
            found = self._ways(members, cycle)
            if not found:
                return None
            ways[cycle] = found
        score = sum(self.scoring.group_terms(members).values())
        was = None
        if extends is None and len(cycles) == 1:
            for partnership in self.plan.partnerships:
                if set(partnership.members) == set(members) and cycles[0] in partnership.cycles:
                    was = partnership.id
        return NewPartnership(members, tuple(cycles), ways, score, extends, was)

    def _span(self, members: tuple[str, ...], first: int) -> list[str]:
        """The cycles ahead from `first` on while every member is free (year) or that one cycle."""
        span = []
        for cycle in self.ahead[first:]:
            if not all(self.free_in(m, cycle) for m in members):
                break
            span.append(cycle)
        return span

    def _new_partnerships(self) -> None:
        self.new_partnerships = []
        order = self.candidates.index
        free = sorted(self.free_from, key=order.__getitem__)
        year = self.roster.policy.rotation == "year"
        triads = self.roster.policy.allow_triads
        groups: list[tuple[str, ...]] = list(itertools.combinations(free, 2))
        if triads and len(free) <= TRIAD_LIMIT:
            groups += list(itertools.combinations(free, 3))
        elif triads:
            self.complete = False  # too many triangles: the plan's triads and pairs plus one
            groups += self._likely_triads(free)
        for members in groups:
            if year:
                first = max(self.free_from[m] for m in members)
                column = self._column(members, self._span(members, first))
                if column is not None:
                    self.new_partnerships.append(column)
                continue
            for cycle in self.ahead:
                if all(self.free_in(m, cycle) for m in members):
                    column = self._column(members, [cycle])
                    if column is not None:
                        self.new_partnerships.append(column)
        if year and triads:
            self._extensions(free)

    def add_triad(self, members: tuple[str, ...], cycle: str) -> bool:
        """A triad the relaxation of the left-out triads picked, as a new partnership from
        `cycle` (for its span under `rotation: year`); False when it is no new partnership."""
        members = tuple(sorted(members, key=self.candidates.index.__getitem__))
        if self.roster.policy.rotation == "year":
            first = max(self.free_from[m] for m in members)
            cycles = self._span(members, max(first, self.ahead.index(cycle)))
        else:
            cycles = [cycle] if all(self.free_in(m, cycle) for m in members) else []
        known = {(c.members, c.cycles) for c in self.new_partnerships}
        column = self._column(members, cycles)
        if column is None:
            # no triad of these members can visit in this cycle: the relaxation leaves them out
            self.impossible_triads.add((members, cycle))
            return True
        if (column.members, column.cycles) in known:
            return False
        self.new_partnerships.append(column)
        return True

    def _likely_triads(self, free: list[str]) -> list[tuple[str, ...]]:
        """With many free teachers: the plan in force's triads, and its pairs with one teacher
        whose partnership it cannot keep (the re-plan is then not proven optimal)."""
        order = self.candidates.index.__getitem__
        partnered = {
            m
            for p in self.plan.partnerships
            for m in p.members
            if self.admissible(tuple(p.members))
        }
        loose = [t for t in free if t not in partnered]
        found: dict[tuple[str, ...], None] = {}
        for partnership in self.plan.partnerships:
            members = tuple(sorted(partnership.members, key=order))
            if len(members) == 3:
                found.setdefault(members, None)
            elif len(members) == 2 and all(m in self.free_from for m in members):
                for teacher in loose:
                    if teacher not in members:
                        found.setdefault(tuple(sorted([*members, teacher], key=order)), None)
        return list(found)

    def _extensions(self, free: list[str]) -> None:
        """A free teacher as the third member of a continuing pair, from when it is free."""
        for partnership in self.plan.partnerships:
            going_on = self.continuing.get(partnership.id, [])
            if len(partnership.members) != 2 or not going_on:
                continue
            for teacher in free:
                first = self.ahead.index(going_on[0])
                first = max(first, self.free_from[teacher])
                cycles = [
                    c for c in self.ahead[first:] if c in going_on and self.free_in(teacher, c)
                ]
                members = tuple(
                    sorted([*partnership.members, teacher], key=self.candidates.index.__getitem__)
                )
                column = self._column(members, cycles, extends=partnership.id)
                if column is not None:
                    self.new_partnerships.append(column)

    # --- tables ----------------------------------------------------------------------------------

    def _tables(self) -> None:
        self.kept_tables, self.ahead_meetings = [], []
        kept_meetings = set()
        for cycle in self.roster.cycles:
            for meeting in cycle.meetings:
                if dt.date.fromisoformat(meeting.date) < self.start:
                    kept_meetings.add((cycle.id, meeting.id))
                else:
                    self.ahead_meetings.append((cycle.id, meeting.id))
        for seat in self.plan.tables:
            if (seat.cycle, seat.meeting) in kept_meetings:
                self.kept_tables.append((seat.cycle, seat.meeting, tuple(seat.teams)))

    # --- words -----------------------------------------------------------------------------------

    def absence(self, teacher: str, cycle: str | None = None) -> str | None:
        """Why a teacher takes no part from the first changing day (in a cycle), in words."""
        record = self.roster.teacher_by_id.get(teacher)
        if record is None:
            return f"{teacher} is no longer on the roster"
        if not record.participates:
            return f"{teacher} no longer takes part in partnerships"
        if record.end_date is not None and dt.date.fromisoformat(record.end_date) >= self.start:
            return f"{teacher} leaves on {record.end_date}"
        if record.end_date is not None:
            return f"{teacher} left on {record.end_date}"
        if record.begin_date is not None and dt.date.fromisoformat(record.begin_date) > self.start:
            return f"{teacher} joins on {record.begin_date}"
        for first, last in away_ranges(record):
            if last >= self.start and (cycle is None or self._overlaps(cycle, first, last)):
                return f"{teacher} is away {first.isoformat()}..{last.isoformat()}"
        return None

    def _overlaps(self, cycle: str, first: dt.date, last: dt.date) -> bool:
        begin, end = cycle_dates(self.roster, self.roster.cycle_by_id[cycle])
        return first <= end and last >= begin

    def on_staff_on(self, teacher: str, slot: str) -> bool:
        return on_staff(self.roster.teacher_by_id[teacher], slot_date(slot))


def _default_arcs(members: tuple[str, ...]) -> list[tuple[str, str]]:
    if len(members) == 2:
        a, b = members
        return [(a, b), (b, a)]
    a, b, c = members
    return [(a, b), (b, c), (c, a)]

"""Placing the real cross-school sabbatical visits on the capacity the schools' plans left (free slots
of coach and coachee, remaining covers of the coach's school per slot, unspent coach budgets and
per-coachee caps): a greedy that spreads them over coachees and cycles, kept when it spends every
budget without cover, else a small CP-SAT model hinted with it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from ortools.sat.python import cp_model

from pairwise.engine.model.visit_rules import (
    CoachingArc,
    SlotChoice,
    cover_per_slot,
    no_double_booking,
    sabbatical_budget,
    sabbatical_per_coachee,
)
from pairwise.engine.search import new_solver
from pairwise.roster.models import (
    Roster,
    SabbaticalVisit,
    Visit,
)
from pairwise.runs.district.split import Availability, CrossCoachees, teacher_schools

PHASE_TWO_SECONDS = 5.0


def place_cross_visits(
    roster: Roster,
    visits: Sequence[Visit],
    sabbatical_visits: Sequence[SabbaticalVisit],
    *,
    seed: int = 0,
    deterministic_seconds: float = PHASE_TWO_SECONDS,
) -> list[SabbaticalVisit]:
    """The most valuable cross-school sabbatical visits that fit around a district's plan.

    Exact in its model (CP-SAT, one worker, deterministic time), with each coach–coachee pair
    offered only the first `r + q` slots where both are free (r, q: the visits the coach and the
    coachee may still take): a visit placed anywhere else could move to one of those at no cost.
    """
    policy = roster.policy
    weights = policy.weights
    gain_uncovered = weights.sabbatical
    gain_covered = weights.sabbatical - weights.cover
    if gain_uncovered <= 0 or policy.sabbatical_visits_per_coachee == 0:
        return []
    availability = Availability(roster)
    used = _used_by(roster, availability, visits, sabbatical_visits)
    candidates, options = _cross_options(
        roster,
        availability,
        used,
        include_covered=gain_covered > 0,
    )
    if not candidates:
        return []
    limits = _CrossLimits(
        budget_left=used.budget_left,
        room_left=used.room_left,
        covers_left=used.covers_left,
        school_of=used.school_of,
        gain_uncovered=gain_uncovered,
        gain_covered=gain_covered,
        cycle_of_slot=availability.cycle_index,
        cycle_id=[availability.cycle_of[slot] for slot in availability.slots],
        visits_per_cycle=Counter(
            (visit.coach, availability.cycle_index[availability.position[visit.slot]])
            for visit in sabbatical_visits
        ),
    )
    chosen = _choose_cross_visits(
        candidates, limits, options, seed=seed, deterministic_seconds=deterministic_seconds
    )
    placed = []
    for coach_id, coachee_id, slot, covered in chosen:
        slot_text = availability.slots[slot]
        start, end = roster.slot_times(slot_text)
        placed.append(
            SabbaticalVisit(
                coach=coach_id,
                coachee=coachee_id,
                cycle=availability.cycle_of[slot_text],
                slot=slot_text,
                start=start,
                end=end,
                covered=covered,
            )
        )
    return placed


class _Used(NamedTuple):
    """What the schools' plans leave: busy slots, coaches' budgets, coachees' room, covers."""

    school_of: dict[str, str]
    busy_mask: dict[str, int]
    budget_left: dict[str, int]
    """Per sabbatical coach, the visits its budget still allows."""
    room_left: dict[str, int]
    """Per teacher, the sabbatical visits it may still receive (the per-coachee cap's rest)."""
    covers_left: Callable[[str, int], int]


def _used_by(
    roster: Roster,
    availability: Availability,
    visits: Sequence[Visit],
    sabbatical_visits: Sequence[SabbaticalVisit],
) -> _Used:
    """What the schools' plans use of each person's slots, the budgets, caps and covers."""
    school_of = teacher_schools(roster)
    busy_mask: dict[str, int] = {}
    cover_used: Counter[tuple[str, int]] = Counter()
    spent: Counter[str] = Counter()
    received: Counter[str] = Counter()

    def occupy(teacher: str, slot: int) -> None:
        busy_mask[teacher] = busy_mask.get(teacher, 0) | (1 << slot)

    for visit in visits:
        slot = availability.position[visit.slot]
        occupy(visit.host, slot)
        occupy(visit.visitor, slot)
        if visit.covered:
            cover_used[school_of[visit.visitor], slot] += 1
    for sabbatical in sabbatical_visits:
        slot = availability.position[sabbatical.slot]
        occupy(sabbatical.coach, slot)
        occupy(sabbatical.coachee, slot)
        spent[sabbatical.coach] += 1
        received[sabbatical.coachee] += 1
        if sabbatical.covered:
            cover_used[school_of[sabbatical.coach], slot] += 1
    cover_left: dict[tuple[str, int], int] = {}

    def covers_left(school: str, slot: int) -> int:
        key = (school, slot)
        if key not in cover_left:
            cover_left[key] = roster.cover_limit(availability.slots[slot]) - cover_used[key]
        return cover_left[key]

    cap = roster.policy.sabbatical_visits_per_coachee
    budget_left = {
        coach.id: coach.sabbatical.budget - spent[coach.id]
        for coach in roster.teachers
        if coach.sabbatical is not None
    }
    room_left = {teacher.id: cap - received[teacher.id] for teacher in roster.teachers}
    return _Used(school_of, busy_mask, budget_left, room_left, covers_left)


def _cross_options(
    roster: Roster, availability: Availability, used: _Used, *, include_covered: bool
) -> tuple[list[CrossVisitOption], Counter[str]]:
    """Every coach's cross-school options (coach, coachee, slot, covered), and how many each
    coach had before any were left out.

    Each coach's options at a slot are kept for the first `keep` coachees (roster order) only:
    a placement blocks at most one coachee per visit, so fewer than `keep` of them are ever
    blocked; a visit to a later coachee moves to a kept one left unvisited, at the same slot and
    value (the choice is exact), and the greedy picks the same visits as with all options.
    """
    budgets = used.budget_left
    keep = max(1, sum(max(0, left) for left in budgets.values()))
    coachees_of = CrossCoachees(roster, used.school_of)
    # each coachee's free hosting slots, computed once for all coaches
    coachee_free: dict[str, int] = {}
    candidates: list[CrossVisitOption] = []
    options: Counter[str] = Counter()
    cover_masks: dict[str, int] = {}  # per school: its coaches share it
    for coach in roster.teachers:
        left = budgets.get(coach.id, 0)
        if left <= 0:
            continue
        school = used.school_of[coach.id]
        if include_covered and school not in cover_masks:
            cover_masks[school] = _cover_mask(school, used.covers_left, len(availability.slots))
        slots = _CoachSlots(
            free=availability.available[coach.id] & ~used.busy_mask.get(coach.id, 0),
            teaching=availability.teaching[coach.id],
            with_cover=cover_masks.get(school, 0),
            cycle_masks=availability.cycle_masks,
        )
        per_slot = [0] * len(availability.slots)
        full = 0  # the slots already kept for `keep` coachees: later options there add nothing
        count = 0
        choices: dict[tuple[int, int], SlotChoices] = {}
        for coachee in coachees_of(coach):
            room = used.room_left[coachee.id]
            if room <= 0:
                continue
            free = coachee_free.get(coachee.id)
            if free is None:
                free = availability.host[coachee.id] & ~used.busy_mask.get(coachee.id, 0)
                coachee_free[coachee.id] = free
            both = slots.free & free
            wanted = left + room
            found = choices.get((both, wanted))
            if found is None:
                # coachees free at the same slots get the same slots (many share a timetable)
                found = choices[both, wanted] = slots.choices(both, wanted)
            total, reach, parts = found
            count += total
            if not reach & ~full:
                continue  # as if counted slot by slot: every one of them is past `keep`
            for at in range(0, len(parts), 2):
                # the slots past `keep` are left out: counting them on would add nothing
                live, covered = parts[at] & ~full, bool(parts[at + 1])
                while live:
                    low = live & -live
                    live ^= low
                    slot = low.bit_length() - 1
                    per_slot[slot] += 1
                    candidates.append((coach.id, coachee.id, slot, covered))
                    if per_slot[slot] == keep:
                        full |= low
        if count:
            options[coach.id] = count
    return candidates, options


def _cover_mask(school: str, covers_left: Callable[[str, int], int], slots: int) -> int:
    """The slots where the school still has a cover to give."""
    mask = 0
    for slot in range(slots):
        if covers_left(school, slot) > 0:
            mask |= 1 << slot
    return mask


SlotChoices = tuple[int, int, tuple[int, ...]]
"""A coach's slots with one coachee: how many, all of them in one mask, and the parts in order
(per cycle, so a coach's visits can spread over the cycles, a tie-break: the first `wanted` slots
free to both without cover, then as many as are missing with cover) as a flat tuple: a part's
mask, then 1 when it needs cover, 0 when not. Plain tuples of numbers: the collector stops
tracking them (see `CrossVisitOption`)."""


class _CoachSlots:
    """One coach's slots per cycle: free and not teaching (a visit without cover), and teaching
    where its school still has a cover (a visit with cover)."""

    def __init__(
        self, *, free: int, teaching: int, with_cover: int, cycle_masks: Sequence[int]
    ) -> None:
        self.free = free
        self.per_cycle = [
            (free & cycle_mask & ~teaching, free & cycle_mask & teaching & with_cover)
            for cycle_mask in cycle_masks
        ]

    def choices(self, both: int, wanted: int) -> SlotChoices:
        """The coach's slot choices with a coachee free at `both` who may take `wanted` visits
        with it (the coach's budget left plus the coachee's room)."""
        parts: list[int] = []
        count = 0
        reach = 0
        for uncovered, covered in self.per_cycle:
            plain, taken = _lowest_bits(both & uncovered, wanted)
            if plain:
                parts += (plain, 0)
            if taken < wanted:
                extra, more = _lowest_bits(both & covered, wanted - taken)
                if extra:
                    parts += (extra, 1)
                taken += more
                reach |= extra
            count += taken
            reach |= plain
        return count, reach, tuple(parts)


def _lowest_bits(mask: int, count: int) -> tuple[int, int]:
    """The lowest `count` set bits of `mask` (all when it has fewer), and how many they are."""
    bits = mask.bit_count()
    if bits <= count:
        return mask, bits
    rest = mask
    for _ in range(count):
        rest &= rest - 1  # the lowest set bit cleared
    return mask ^ rest, count


@dataclass
class _CrossLimits:
    """What the cross-school visits may still use: budgets, caps and covers; what each gains."""

    budget_left: dict[str, int]
    room_left: dict[str, int]
    covers_left: Callable[[str, int], int]
    school_of: dict[str, str]
    gain_uncovered: int
    gain_covered: int
    cycle_of_slot: list[int]
    cycle_id: list[str]
    """Per slot position, its cycle's id."""
    visits_per_cycle: Counter[tuple[str, int]]

    def gain(self, covered: bool) -> int:
        return self.gain_covered if covered else self.gain_uncovered


CrossVisitOption = tuple[str, str, int, bool]
"""A possible cross-school visit: (coach, coachee, the slot's position, whether it needs cover).

A plain tuple, not a NamedTuple: CPython's collector stops tracking a plain tuple of strings and
numbers, not a subclass's; a 20,000-teacher district has half a million candidates, and tracked
they cost about a second of full collections over the roster's objects."""


def _greedy_cross_visits(
    candidates: list[CrossVisitOption], limits: _CrossLimits, options: Counter[str]
) -> list[CrossVisitOption]:
    """Coaches with the fewest options first; each visit uncovered if it can be, then to the
    coachee and in the cycle the coach has used least: a start, often optimal, that spreads.

    `options` counts each coach's options before any were left out (the order of the coaches).
    """
    by_coach: dict[str, list[int]] = {}
    for index, (coach, _, _, _) in enumerate(candidates):
        by_coach.setdefault(coach, []).append(index)
    state = _GreedyState(
        candidates=candidates,
        limits=limits,
        budget=dict(limits.budget_left),
        room=dict(limits.room_left),
        per_cycle=Counter(limits.visits_per_cycle),
    )
    chosen: list[int] = []
    for coach in sorted(by_coach, key=lambda name: options[name]):
        chosen += state.place(coach, by_coach[coach])
    return [candidates[index] for index in sorted(chosen)]


@dataclass
class _GreedyState:
    """What the greedy has used so far: budgets, coachees' room, covers, busy people and slots."""

    candidates: list[CrossVisitOption]
    limits: _CrossLimits
    budget: dict[str, int]
    room: dict[str, int]
    per_cycle: Counter[tuple[str, int]]
    covers: dict[tuple[str, int], int] = field(default_factory=dict)
    taken: set[tuple[str, int]] = field(default_factory=set)

    def open(self, coach: str, slot: int, covered: bool) -> bool:
        """Whether the coach may still visit anyone at the slot."""
        if (coach, slot) in self.taken:
            return False
        key = (self.limits.school_of[coach], slot)
        return not covered or self.covers.get(key, self.limits.covers_left(*key)) > 0

    def place(self, coach: str, options: list[int]) -> list[int]:
        """The coach's visits, one at a time: the least key (covered, visits to that coachee,
        visits in that cycle, slot), the earliest option among equals.

        Per slot the options are in coachee order and a passed-over option never comes back (the
        room, busy slots and covers only shrink), so each slot keeps a pointer to its first
        option for a coachee not yet visited; the few visited coachees are looked at apart.
        `options` are the coach's candidates' indices, ascending.
        """
        candidates = self.candidates
        by_slot: dict[int, list[int]] = {}
        by_coachee: dict[str, list[int]] = {}
        for index in options:
            _, coachee, slot, _ = candidates[index]
            by_slot.setdefault(slot, []).append(index)
            by_coachee.setdefault(coachee, []).append(index)
        slots = sorted(by_slot)
        pointer = dict.fromkeys(slots, 0)
        visited: dict[str, int] = {}
        chosen: list[int] = []
        while self.budget[coach] > 0:
            best: tuple[tuple[bool, int, int, int, int], CrossVisitOption] | None = None
            for slot in slots:
                row = by_slot[slot]
                _, _, _, covered = candidates[row[0]]
                if not self.open(coach, slot, covered):
                    continue
                at = pointer[slot]
                while at < len(row) and not self._fresh(candidates[row[at]], visited):
                    at += 1
                pointer[slot] = at
                if at < len(row):
                    index = row[at]
                    option = candidates[index]
                    key = (covered, 0, self.per_cycle[coach, self._cycle(slot)], slot, index)
                    if best is None or key < best[0]:
                        best = (key, option)
            for coachee, count in visited.items():
                for index in by_coachee[coachee]:
                    option = candidates[index]
                    _, _, slot, covered = option
                    if self.room[coachee] <= 0 or (coachee, slot) in self.taken:
                        continue
                    if not self.open(coach, slot, covered):
                        continue
                    key = (covered, count, self.per_cycle[coach, self._cycle(slot)], slot, index)
                    if best is None or key < best[0]:
                        best = (key, option)
            if best is None:
                break
            chosen.append(best[0][4])
            self._take(best[1])
            _, coachee, _, _ = best[1]
            visited[coachee] = visited.get(coachee, 0) + 1
        return chosen

    def _fresh(self, option: CrossVisitOption, visited: dict[str, int]) -> bool:
        """An option to a coachee the coach has not visited, with room and free at the slot."""
        _, coachee, slot, _ = option
        return (
            coachee not in visited and self.room[coachee] > 0 and (coachee, slot) not in self.taken
        )

    def _cycle(self, slot: int) -> int:
        return self.limits.cycle_of_slot[slot]

    def _take(self, option: CrossVisitOption) -> None:
        coach, coachee, slot, covered = option
        if covered:
            key = (self.limits.school_of[coach], slot)
            self.covers[key] = self.covers.get(key, self.limits.covers_left(*key)) - 1
        self.budget[coach] -= 1
        self.room[coachee] -= 1
        self.taken.update({(coach, slot), (coachee, slot)})
        self.per_cycle[coach, self._cycle(slot)] += 1


def _choose_cross_visits(
    candidates: list[CrossVisitOption],
    limits: _CrossLimits,
    options: Counter[str],
    *,
    seed: int,
    deterministic_seconds: float,
) -> list[CrossVisitOption]:
    """Pick candidates: budgets, caps, one visit per person per slot, covers per school and slot.

    The greedy choice is kept when it reaches the obvious bound (every coach's remaining budget,
    or its distinct slots, spent without cover); else CP-SAT improves on it.
    """
    greedy = _greedy_cross_visits(candidates, limits, options)
    # each coach's distinct slots: one set of (coach, slot) for all, counted per coach
    slots_per_coach = Counter(coach for coach, _ in {(c, slot) for c, _, slot, _ in candidates})
    ceiling = limits.gain_uncovered * sum(
        min(limits.budget_left[coach], slots) for coach, slots in slots_per_coach.items()
    )
    if sum(limits.gain(covered) for _, _, _, covered in greedy) >= ceiling:
        return greedy
    model = cp_model.CpModel()
    chosen = [model.new_bool_var(f"{c} visits {e} in slot {s}") for c, e, s, _ in candidates]
    visits: dict[CoachingArc, list[SlotChoice]] = {}
    for (coach, coachee, slot, covered), var in zip(candidates, chosen, strict=True):
        arc = (coach, coachee, limits.cycle_id[slot])
        visits.setdefault(arc, []).append(SlotChoice(var, slot, covered))
    sabbatical_budget(model, limits.budget_left.__getitem__, visits)
    sabbatical_per_coachee(model, limits.room_left.__getitem__, visits)
    no_double_booking(model, visits)
    cover_per_slot(
        model,
        limits.school_of,
        lambda key: limits.covers_left(key[2], key[1]),
        visits,
    )
    model.maximize(
        sum(
            limits.gain(covered) * var
            for (_, _, _, covered), var in zip(candidates, chosen, strict=True)
        )
    )
    picked = set(greedy)
    for index, candidate in enumerate(candidates):
        model.add_hint(chosen[index], candidate in picked)
    # one worker and deterministic time: the same answer always
    solver = new_solver(4 * deterministic_seconds + 5, seed=seed, workers=1)
    solver.parameters.max_deterministic_time = deterministic_seconds
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return greedy
    found = [candidates[i] for i in range(len(candidates)) if solver.boolean_value(chosen[i])]
    value = sum(limits.gain(covered) for _, _, _, covered in found)
    return found if value > sum(limits.gain(covered) for _, _, _, covered in greedy) else greedy

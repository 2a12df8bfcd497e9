"""Slot pruning (exact): the few slots each visit's boolean is made for, in both models.

busy(t) bounds the visits (peer, coach, coachee) teacher t takes part in during one cycle. A visit
x→y with at least busy(x) + busy(y) - 1 uncovered feasible slots keeps only that many of them:
besides this visit, x takes part in at most busy(x) - 1 visits and y in at most busy(y) - 1, so in
any plan at least one kept slot is free for both, and the visit can move there from wherever it
was, at no cover, without breaking a rule (an uncovered visit uses no cover and no release) or
lowering the objective. Moving visits one at a time, every plan has an equal or better one inside
the kept slots. A visit with fewer uncovered slots keeps every feasible slot, covered ones too.

The threshold is tight for a sabbatical visit between a coach and a coachee who are both outside
the peer programme: each of the other visits counted in busy can then sit in one of the visit's
slots, and one slot fewer loses optima (`tests/engine/test_exactness.py` builds such rosters). For
a partnered visitor it has room to spare (the visit it hosts needs a slot where it teaches, never
one of the kept ones, where it is free); it stays uniform on purpose: plans depend on it byte for
byte.
"""

from __future__ import annotations

from collections.abc import Mapping, Set

from pairwise.engine.candidates import Candidates, SlotOptions, slot_indices

Busy = dict[tuple[str, str], int]
"""(teacher, cycle) -> the most visits the teacher can take part in during that cycle."""

PEER_VISITS_PER_CYCLE = 2
"""A partnered teacher's peer visits in one cycle: it visits once and hosts once (in a pair both
ways round, in a triad's ring), or fewer (one way when visits are not reciprocal)."""


def sabbatical_busy(candidates: Candidates) -> Busy:
    """Sabbatical visits a teacher can take part in per cycle: as coach, at most its budget and
    the per-coachee cap for each coachee; as coachee, at most the cap and its coaches' budgets."""
    roster = candidates.roster
    cap = roster.policy.sabbatical_visits_per_coachee
    coach_room: dict[tuple[str, str], int] = {}
    coachee_room: dict[tuple[str, str], int] = {}
    for coach, coachee, cycle in candidates.sabbatical_arcs:
        sabbatical = roster.teacher_by_id[coach].sabbatical
        assert sabbatical is not None
        coach_room[coach, cycle] = min(sabbatical.budget, coach_room.get((coach, cycle), 0) + cap)
        coachee_room[coachee, cycle] = min(
            cap, coachee_room.get((coachee, cycle), 0) + sabbatical.budget
        )
    busy: Busy = {}
    for rooms in (coach_room, coachee_room):
        for key, room in rooms.items():
            busy[key] = busy.get(key, 0) + room
    return busy


def slots_needed(busy: Busy, first: str, second: str, cycle: str) -> int:
    """The pruning threshold of a visit between `first` and `second`: busy + busy - 1."""
    return max(1, busy.get((first, cycle), 1) + busy.get((second, cycle), 1) - 1)


def rotation_start(candidates: Candidates, first: str, second: str, count: int) -> int:
    """Where in its `count` uncovered slots a visit starts taking the ones it keeps.

    Any `slots_needed` of them are exact; starting each visit elsewhere spreads the visits over
    the slots, so the kept booleans of different visits overlap less and the models' searches
    clash less. The start is a fixed linear mix of the two teachers' roster positions (7 and 3 are
    small coprime odd factors, so x→y and y→x, and neighbouring teachers, start apart); it depends
    on the roster alone, so every run builds the same model.
    """
    return (candidates.index[first] * 7 + candidates.index[second] * 3) % count


def kept_slots(
    candidates: Candidates,
    arc: tuple[str, str, str],
    options: SlotOptions,
    busy: Busy,
    keep: Mapping[tuple[str, str, str], Set[int]],
) -> list[tuple[int, bool]]:
    """The (slot, covered) options a visit keeps, in slot order: `slots_needed` uncovered ones
    when it has that many, else every feasible one; plus any feasible slot `keep` names (a warm
    start's own)."""
    first, second, cycle = arc
    needed = slots_needed(busy, first, second, cycle)
    free = list(slot_indices(options.uncovered))
    if len(free) >= needed:
        start = rotation_start(candidates, first, second, len(free))
        rotated = free[start:] + free[:start]
        kept = sorted((slot, False) for slot in rotated[:needed])
    else:
        kept = sorted(
            [(slot, False) for slot in free]
            + [(slot, True) for slot in slot_indices(options.covered)]
        )
    for slot in sorted(keep.get(arc, set()) - {slot for slot, _ in kept}):
        if options.any >> slot & 1:
            kept.append((slot, not (options.uncovered >> slot) & 1))
    return sorted(kept)

"""A bound on debriefs that counts the plan's covered peer visits: the conversation stage may move
visits but never to more covered ones than the plan has, and some debriefs only fit after a
covered visit.

The bound is the optimum of a relaxation of the conversation model. Its visits are grouped by the
two teachers and the cycle (a partnership's two visits in a cycle, one way and back); each group
keeps only its own rules: its visits take slots they may take, its debriefs take distinct slots
(both teachers are in every one of them), each in the window its visit leaves where both are
free. Across groups only the count of covered visits is kept: at most as many as the plan has.
Every placement of the conversation model is one of this relaxation (what it drops: a teacher's
other visits and conversations, covers per slot, release limits), so its optimum bounds the
model's. It is solved exactly: per group, the most debriefs with 0, 1, 2 ... covered visits
(every combination of its visits' kinds of slot), then a knapsack over the groups' covered visits.

Each visit's slots are reduced to what the relaxation sees of them: covered or not, and the
debrief slots the visit leaves (`SlotClass`); a group's combinations run over those, a few per
visit, not over slots.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import NamedTuple

GroupKey = tuple[str, str, str]
"""The two teachers of a group (in sorted order) and its cycle."""


class SlotClass(NamedTuple):
    """What the relaxation sees of one slot of a visit: covered or not, and the debrief slots it
    leaves (bit i for slot i: in the window after the visit, both teachers free)."""

    covered: bool
    debriefs: int


class VisitChoices(NamedTuple):
    """One peer visit of the plan: its group and the distinct classes of its slots."""

    group: GroupKey
    classes: frozenset[SlotClass]


def debrief_bound(visits: Iterable[VisitChoices], covered_visits: int) -> int:
    """The most debriefs with at most `covered_visits` covered visits in all (see the module's
    doc). -1 when even the visits alone need more covered visits than that (no placement)."""
    groups: dict[GroupKey, list[frozenset[SlotClass]]] = {}
    for visit in visits:
        groups.setdefault(visit.group, []).append(visit.classes)
    best: dict[int, int] = {0: 0}
    """covered visits used -> the most debriefs of the groups so far"""
    for key in sorted(groups):
        most = group_most([_undominated(classes) for classes in groups[key]])
        merged: dict[int, int] = {}
        for used, debriefs in best.items():
            for covered, extra in most.items():
                total = used + covered
                if total <= covered_visits and merged.get(total, -1) < debriefs + extra:
                    merged[total] = debriefs + extra
        if not merged:
            return -1
        best = merged
    return max(best.values())


def group_most(visits: Sequence[Sequence[SlotClass]]) -> dict[int, int]:
    """Covered visits -> the most debriefs of one group's visits with exactly that many covered
    (only the counts some combination of slots reaches)."""
    most: dict[int, int] = {}
    for combination in itertools.product(*visits):
        covered = sum(choice.covered for choice in combination)
        found = len(matched_slots([choice.debriefs for choice in combination]))
        if most.get(covered, -1) < found:
            most[covered] = found
    return most


def _undominated(classes: frozenset[SlotClass]) -> list[SlotClass]:
    """The classes no other class beats (as few covered, every debrief slot it leaves and more):
    a combination with a beaten class does no better than with the class that beats it, since
    more slots in a window never match fewer visits."""
    return [
        choice
        for choice in sorted(classes)
        if not any(
            other != choice
            and other.covered <= choice.covered
            and choice.debriefs & ~other.debriefs == 0
            for other in classes
        )
    ]


def matched_slots(windows: Sequence[int]) -> dict[int, int]:
    """Visits (by index) given distinct debrief slots, each from its window (bit masks), as many
    as can be: a maximum matching by augmenting paths (a group holds two visits, rarely more),
    each visit trying its earliest slots first."""
    owner: dict[int, int] = {}
    """slot -> the visit whose debrief takes it"""

    def augment(visit: int, seen: set[int]) -> bool:
        window = windows[visit]
        while window:
            low = window & -window
            window ^= low
            slot = low.bit_length() - 1
            if slot in seen:
                continue
            seen.add(slot)
            if slot not in owner or augment(owner[slot], seen):
                owner[slot] = visit
                return True
        return False

    for visit in range(len(windows)):
        augment(visit, set())
    return {visit: slot for slot, visit in owner.items()}

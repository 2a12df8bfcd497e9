"""Rules 6, 7 and 8 across visits that have taken slots, for every CP-SAT model that places visits:
the plan model (peer and sabbatical visits together), the sabbatical model (sabbatical visits
around fixed peer visits) and a district's cross-school visits (around its schools' plans). Each
rule is one function; each model calls them, never restates them. What is left of a cover, a
budget or a cap comes in as a function, since the models differ only in what is already fixed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from pairwise.engine.candidates import Candidates
from pairwise.roster.facts import release_limits

PeerArc = tuple[str, str, str]
"""(visitor, host, cycle): a peer visit's teachers and cycle."""

CoachingArc = tuple[str, str, str]
"""(coach, coachee, cycle): a sabbatical visit's teachers and cycle."""

SlotKey = tuple[str, int, str]
"""(cycle, slot index, school): where a cover is counted."""


@dataclass(frozen=True)
class SlotChoice:
    """One slot a visit may take: the boolean, its slot index, and whether it is covered."""

    var: cp_model.IntVar
    slot: int
    covered: bool


Choices = (
    Mapping[tuple[str, str, str], Sequence[SlotChoice]]
    | Sequence[tuple[tuple[str, str, str], Sequence[SlotChoice]]]
)
"""Visits (peer arcs or coaching arcs) and their slot booleans, as a mapping or as (arc, choices)
entries (an arc may then come more than once). In both kinds of arc the first teacher is the one
who leaves a class, so the one covered when the visit is."""


def _entries(
    visits: Choices,
) -> Iterable[tuple[tuple[str, str, str], Sequence[SlotChoice]]]:
    return visits.items() if isinstance(visits, Mapping) else visits


# rule 6: no double booking, peer and sabbatical
def no_double_booking(model: cp_model.CpModel, *visits: Choices) -> None:
    """rule 6: nobody takes part in two visits, peer or sabbatical, in any role, in one slot."""
    by_teacher_slot: dict[tuple[str, str, int], list[cp_model.IntVar]] = {}
    for arcs in visits:
        for (first, second, cycle), choices in _entries(arcs):
            for choice in choices:
                by_teacher_slot.setdefault((first, cycle, choice.slot), []).append(choice.var)
                by_teacher_slot.setdefault((second, cycle, choice.slot), []).append(choice.var)
    for variables in by_teacher_slot.values():
        if len(variables) > 1:
            model.add_at_most_one(variables)


# rule 7: covers per slot (peer and sabbatical)
def cover_per_slot(
    model: cp_model.CpModel,
    school_of: Mapping[str, str],
    covers_left: Callable[[SlotKey], int],
    *visits: Choices,
) -> None:
    """rule 7: covers per slot. Covered visits (peer and sabbatical) per slot and school (the
    covered teacher's) <= the covers left there (`covers_on_hand`)."""
    by_slot: dict[SlotKey, list[cp_model.IntVar]] = {}
    for arcs in visits:
        for (covered_teacher, _other, cycle), choices in _entries(arcs):
            school = school_of[covered_teacher]
            for choice in choices:
                if choice.covered:
                    by_slot.setdefault((cycle, choice.slot, school), []).append(choice.var)
    for key, variables in by_slot.items():
        room = covers_left(key)
        if len(variables) > room:
            model.add(sum(variables) <= room)


def covers_on_hand(
    candidates: Candidates, used: Mapping[SlotKey, int] | None = None
) -> Callable[[SlotKey], int]:
    """A slot's cover (`cover_per_period` or its override) less the covers `used` there by
    visits already fixed."""
    taken = used or {}

    def left(key: SlotKey) -> int:
        cycle, slot, _school = key
        return candidates.roster.cover_limit(candidates.slots[cycle][slot]) - taken.get(key, 0)

    return left


# rule 7: max_release, release_budget (covered peer visits; limits from roster.facts)
def release_limits_on_slots(
    model: cp_model.CpModel, candidates: Candidates, peer_visits: Choices
) -> None:
    """rule 7: max_release, release_budget, on the covered peer visits that took slots (sabbatical
    visits never count against them)."""
    by_visitor: dict[str, list[cp_model.IntVar]] = {}
    for (visitor, _host, _cycle), choices in _entries(peer_visits):
        for choice in choices:
            if choice.covered:
                by_visitor.setdefault(visitor, []).append(choice.var)
    by_school: dict[str, list[cp_model.IntVar]] = {}
    for visitor, variables in by_visitor.items():
        by_school.setdefault(candidates.school[visitor], []).extend(variables)
    for limit in release_limits(candidates.roster, by_visitor, by_school):
        if len(limit.items) > limit.limit:
            model.add(sum(limit.items) <= limit.limit)


# rule 8: visits per coach <= budget
def sabbatical_budget(
    model: cp_model.CpModel, budget_left: Callable[[str], int], visits: Choices
) -> None:
    """rule 8: a coach's sabbatical visits <= its budget (`budget_left`: what is left of it)."""
    by_coach: dict[str, list[cp_model.IntVar]] = {}
    for (coach, _coachee, _cycle), choices in _entries(visits):
        by_coach.setdefault(coach, []).extend(choice.var for choice in choices)
    for coach, variables in by_coach.items():
        left = budget_left(coach)
        if len(variables) > left:
            model.add(sum(variables) <= left)


def coach_budget(candidates: Candidates) -> Callable[[str], int]:
    """A coach's whole sabbatical budget."""

    def budget(coach: str) -> int:
        sabbatical = candidates.roster.teacher_by_id[coach].sabbatical
        assert sabbatical is not None
        return sabbatical.budget

    return budget


# rule 8: visits per coachee <= sabbatical_visits_per_coachee
def sabbatical_per_coachee(
    model: cp_model.CpModel, room_left: Callable[[str], int], visits: Choices
) -> None:
    """rule 8: sabbatical visits a coachee receives <= `sabbatical_visits_per_coachee`
    (`room_left`: what is left of it)."""
    by_coachee: dict[str, list[cp_model.IntVar]] = {}
    for (_coach, coachee, _cycle), choices in _entries(visits):
        by_coachee.setdefault(coachee, []).extend(choice.var for choice in choices)
    for coachee, variables in by_coachee.items():
        room = room_left(coachee)
        if len(variables) > room:
            model.add(sum(variables) <= room)


def coachee_cap(candidates: Candidates) -> Callable[[str], int]:
    """`sabbatical_visits_per_coachee`, the same for every coachee."""
    cap = candidates.roster.policy.sabbatical_visits_per_coachee
    return lambda _coachee: cap

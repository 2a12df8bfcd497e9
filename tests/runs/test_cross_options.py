"""The cross-school options (`_cross_options`): computed with masks, choices cached per coach and
coachee timetable, and slots past `keep` skipped, they equal a plain count slot by slot."""

from __future__ import annotations

from collections import Counter

import pytest

from pairwise.generate.rosters import generate_roster
from pairwise.roster.load import roster_from_data
from pairwise.roster.models import Roster, SabbaticalVisit, Visit
from pairwise.runs.district.cross_visits import (
    CrossVisitOption,
    _cross_options,
    _Used,
    _used_by,
)
from pairwise.runs.district.split import Availability, CrossCoachees


def district_with_coaches(seed: int) -> Roster:
    """A generated three-school district whose oldest teacher per school coaches (budget 2) on
    the priorities of the other schools: few visits in all, so `keep` is small and binds."""
    data = generate_roster(90, schools=3, kind="mixed", seed=seed).model_dump(mode="json")
    for teacher in data["teachers"]:
        teacher["sabbatical"] = None
    for school in sorted({teacher["school"] for teacher in data["teachers"]}):
        own = [teacher for teacher in data["teachers"] if teacher["school"] == school]
        coach = max(own, key=lambda teacher: (teacher["years_experience"], teacher["id"]))
        topics = sorted(
            {t["priority"] for t in data["teachers"] if t["school"] != school and t["priority"]}
        )
        coach["sabbatical"] = {"topics": topics, "budget": 2}
    # twins: teachers with another's timetable, school and priority (the choices' cache must
    # still tell them apart by their room and busy slots)
    data["teachers"] += [
        {**teacher, "id": f"{teacher['id']}/twin", "sabbatical": None}
        for teacher in data["teachers"][:30]
    ]
    data["policy"]["cover_per_period"] = 1
    return roster_from_data(data)


def busy_plan(roster: Roster) -> tuple[list[Visit], list[SabbaticalVisit]]:
    """Peer visits that keep every third teacher busy at one of its teaching slots (so coachees
    with one timetable differ in their free slots), covered for every other one; and one
    sabbatical visit to every other teacher but the twins (its room drops to one)."""
    availability = Availability(roster)
    visits = []
    teachers = roster.teachers
    for number, teacher in enumerate(teachers[::3]):
        slots = [
            slot
            for position, slot in enumerate(availability.slots)
            if availability.host[teacher.id] >> position & 1
        ]
        if not slots:
            continue
        visits.append(
            Visit(
                partnership=f"P{number:02d}",
                cycle=availability.cycle_of[slots[number % len(slots)]],
                host=teacher.id,
                visitor=teachers[(3 * number + 1) % len(teachers)].id,
                slot=slots[number % len(slots)],
                covered=number % 2 == 0,
            )
        )
    slot = availability.slots[-1]
    start, end = roster.slot_times(slot)
    sabbatical = [
        SabbaticalVisit(
            coach=teachers[0].id,
            coachee=teachers[position].id,
            cycle=availability.cycle_of[slot],
            slot=slot,
            start=start,
            end=end,
            covered=False,
        )
        for position in range(1, len(teachers), 2)
        if not teachers[position].id.endswith("/twin")
    ]
    return visits, sabbatical


def slot_by_slot(
    roster: Roster, availability: Availability, used: _Used, *, include_covered: bool
) -> tuple[list[CrossVisitOption], Counter[str]]:
    """The options counted one coach, coachee and slot at a time, without any cache or skip."""
    keep = max(1, sum(max(0, left) for left in used.budget_left.values()))
    coachees_of = CrossCoachees(roster, used.school_of)
    candidates: list[CrossVisitOption] = []
    options: Counter[str] = Counter()
    positions = range(len(availability.slots))
    for coach in roster.teachers:
        left = used.budget_left.get(coach.id, 0)
        if left <= 0:
            continue
        school = used.school_of[coach.id]
        free = availability.available[coach.id] & ~used.busy_mask.get(coach.id, 0)
        teaching = availability.teaching[coach.id]
        per_slot: Counter[int] = Counter()
        for coachee in coachees_of(coach):
            room = used.room_left[coachee.id]
            if room <= 0:
                continue
            both = free & availability.host[coachee.id] & ~used.busy_mask.get(coachee.id, 0)
            for cycle_mask in availability.cycle_masks:
                open_slots = [p for p in positions if (both & cycle_mask) >> p & 1]
                plain = [p for p in open_slots if not teaching >> p & 1][: left + room]
                covered = [
                    p
                    for p in open_slots
                    if include_covered and teaching >> p & 1 and used.covers_left(school, p) > 0
                ][: left + room - len(plain)]
                for slots, with_cover in ((plain, False), (covered, True)):
                    for slot in slots:
                        options[coach.id] += 1
                        per_slot[slot] += 1
                        if per_slot[slot] <= keep:
                            candidates.append((coach.id, coachee.id, slot, with_cover))
    return candidates, options


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("include_covered", [False, True])
def test_cross_options_equal_a_count_slot_by_slot(seed: int, include_covered: bool) -> None:
    roster = district_with_coaches(seed)
    availability = Availability(roster)
    visits, sabbatical = busy_plan(roster)
    used = _used_by(roster, availability, visits, sabbatical)
    expected, expected_options = slot_by_slot(
        roster, availability, used, include_covered=include_covered
    )
    candidates, options = _cross_options(
        roster, availability, used, include_covered=include_covered
    )
    assert candidates == expected
    assert options == expected_options
    # the cases the shortcuts must tell apart are there: slots past `keep` (options left out),
    # coachees with less room, coachees busy where others of their timetable are free
    assert sum(options.values()) > len(candidates)
    assert sorted(set(used.room_left.values())) == [1, 2]
    assert any(visit.covered for visit in visits) and len(visits) >= 10

"""Splitting a district into one roster per school, each with stand-in coachees that hold its
coaches' cross-school capacity, and a district hint into hints per school.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pairwise.roster.facts import PairKey, avoid_pairs, kept_apart
from pairwise.roster.models import (
    Plan,
    Roster,
    SabbaticalVisit,
    Teacher,
    parse_slot,
)

STAND_IN_MARK = "~cross-"


@dataclass
class SchoolPart:
    """One school's share of a district: its roster (as JSON) and its coaches' stand-ins."""

    school: str
    teachers: int
    data: dict[str, Any]
    stand_in_coach: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.school or "(unnamed school)"

    @property
    def weight(self) -> float:
        # solve time grows faster than the staff count; LPT order and time shares follow it
        return float(max(1, self.teachers) * math.sqrt(max(1, self.teachers)))


# --- splitting ------------------------------------------------------------------------------


class Availability:
    """Per teacher: the slots (as bit masks over all cycles' slots) where it can host or is free."""

    def __init__(self, roster: Roster) -> None:
        self.slots: list[str] = [
            slot for cycle in roster.cycles for slot in roster.cycle_slots(cycle.id)
        ]
        self.position = {slot: i for i, slot in enumerate(self.slots)}
        self.cycle_of = {
            slot: cycle.id for cycle in roster.cycles for slot in roster.cycle_slots(cycle.id)
        }
        self.periods = [parse_slot(slot)[1] for slot in self.slots]
        self.cycle_index = [
            index
            for index, cycle in enumerate(roster.cycles)
            for _slot in roster.cycle_slots(cycle.id)
        ]
        self.cycle_masks = [0] * len(roster.cycles)
        for position, index in enumerate(self.cycle_index):
            self.cycle_masks[index] |= 1 << position
        self.host: dict[str, int] = {}
        self.teaching: dict[str, int] = {}
        self.available: dict[str, int] = {}
        period_mask: dict[str, int] = {}
        for i, period in enumerate(self.periods):
            period_mask[period] = period_mask.get(period, 0) | (1 << i)
        everything = (1 << len(self.slots)) - 1
        for teacher in roster.teachers:
            teaching = 0
            for period in teacher.teaches:
                teaching |= period_mask.get(period, 0)
            available = everything
            for entry in teacher.unavailable:
                if entry in self.position:
                    available &= ~(1 << self.position[entry])
                elif "/" not in entry:
                    available &= ~period_mask.get(entry, 0)
            self.teaching[teacher.id] = teaching
            self.available[teacher.id] = available
            self.host[teacher.id] = teaching & available


def cross_coachees(
    roster: Roster, coach: Teacher, avoids: frozenset[PairKey] | None = None
) -> list[Teacher]:
    """Teachers of other schools this coach may visit (rule 8 without slots), roster order.

    `avoids` is `avoid_pairs(roster)`, passed by a caller asking for many coaches."""
    if coach.sabbatical is None:
        return []
    topics = set(coach.sabbatical.topics)
    if avoids is None:
        avoids = avoid_pairs(roster)
    school = roster.school_of(coach.id)
    return [
        teacher
        for teacher in roster.teachers
        if teacher.priority in topics
        and teacher.id != coach.id
        and roster.school_of(teacher.id) != school
        and kept_apart(roster, avoids, coach.id, teacher.id) is None
    ]


def split_district(roster: Roster) -> list[SchoolPart]:
    """Each school's roster (as JSON-ready data), with stand-ins for its coaches' cross visits."""
    data = roster.model_dump(mode="json")
    availability = Availability(roster)
    school_of = {teacher.id: roster.school_of(teacher.id) for teacher in roster.teachers}
    team_school = {team.id: roster.team_school(team.id) for team in roster.teams}
    parts = []
    for school in roster.schools():
        members = {teacher for teacher, own in school_of.items() if own == school}
        teams = {team for team, own in team_school.items() if own == school}
        teachers = []
        for teacher in data["teachers"]:
            if teacher["id"] in members:
                teacher = dict(teacher)
                if teacher.get("evaluator") not in members:
                    # an evaluator in another school can never be partnered with this teacher
                    teacher["evaluator"] = None
                teachers.append(teacher)
        part = SchoolPart(
            school=school,
            teachers=sum(1 for teacher in roster.teachers if teacher.id in members),
            data={
                **data,
                "name": f"{roster.name} — {school}" if school else roster.name,
                "teams": [team for team in data["teams"] if team["id"] in teams],
                "teachers": teachers,
                # pairs with someone of another school never meet here; former staff stay
                "history": [
                    entry
                    for entry in data["history"]
                    if school_of.get(entry["a"], school) == school
                    and school_of.get(entry["b"], school) == school
                ],
                "team_history": [
                    entry
                    for entry in data["team_history"]
                    if team_school.get(entry["a"], school) == school
                    and team_school.get(entry["b"], school) == school
                ],
                "relations": [
                    relation
                    for relation in data["relations"]
                    if relation["a"] in members and relation["b"] in members
                ],
            },
        )
        _add_stand_ins(roster, part, members, availability)
        parts.append(part)
    return parts


def _add_stand_ins(
    roster: Roster, part: SchoolPart, members: set[str], availability: Availability
) -> None:
    """Stand-in coachees for each coach of the school: the capacity of its cross-school visits."""
    policy = roster.policy
    cap = policy.sabbatical_visits_per_coachee
    if cap == 0 or policy.weights.sabbatical == 0:
        return  # no cross-school visit could add to the objective
    coaches = [
        teacher
        for teacher in roster.teachers
        if teacher.id in members and teacher.sabbatical is not None and teacher.sabbatical.budget
    ]
    taken = set(roster.teacher_by_id)
    avoids = avoid_pairs(roster)
    for coach in coaches:
        assert coach.sabbatical is not None
        coachees = cross_coachees(roster, coach, avoids)
        if not coachees:
            continue
        hostable = 0
        for coachee in coachees:
            hostable |= availability.host[coachee.id]
        if not hostable:
            continue
        priorities = {coachee.priority for coachee in coachees}
        topic = next(topic for topic in coach.sabbatical.topics if topic in priorities)
        teaches = sorted(
            {availability.periods[i] for i in range(len(availability.slots)) if hostable >> i & 1}
        )
        taught = set(teaches)
        unavailable = [
            slot
            for i, slot in enumerate(availability.slots)
            if availability.periods[i] in taught and not hostable >> i & 1
        ]
        copies = math.ceil(coach.sabbatical.budget / cap)
        for copy in range(1, copies + 1):
            identifier = f"{coach.id}{STAND_IN_MARK}{copy}"
            while identifier in taken:
                identifier += "~"
            taken.add(identifier)
            part.stand_in_coach[identifier] = coach.id
            part.data["teachers"].append(
                {
                    "id": identifier,
                    "name": f"cross-school capacity {copy} of {coach.id}",
                    "school": part.school or None,
                    "priority": topic,
                    "teaches": teaches,
                    "unavailable": unavailable,
                    "participates": False,
                }
            )
            # only its own coach may visit it: the bound counts each coach's capacity once
            for other in coaches:
                if other.id != coach.id:
                    part.data["relations"].append({"a": identifier, "b": other.id, "kind": "avoid"})


def split_hint(roster: Roster, hint: Plan, parts: Sequence[SchoolPart]) -> dict[str, str | None]:
    """A district plan cut into one hint per school (cross-school visits moved to stand-ins)."""
    school_of = {teacher.id: roster.school_of(teacher.id) for teacher in roster.teachers}
    team_school = {team.id: roster.team_school(team.id) for team in roster.teams}
    cap = max(1, roster.policy.sabbatical_visits_per_coachee)
    hints: dict[str, str | None] = {}
    for part in parts:
        school = part.school
        partnerships = [
            partnership
            for partnership in hint.partnerships
            if all(school_of.get(member) == school for member in partnership.members)
        ]
        kept = {partnership.id for partnership in partnerships}
        stand_ins: dict[str, list[str]] = {}
        for stand_in, coach in part.stand_in_coach.items():
            stand_ins.setdefault(coach, []).append(stand_in)
        sabbatical: list[SabbaticalVisit] = []
        crossing: Counter[str] = Counter()
        for visit in hint.sabbatical_visits:
            if school_of.get(visit.coach) != school:
                continue
            if school_of.get(visit.coachee) == school:
                sabbatical.append(visit)
            elif visit.coach in stand_ins:
                copies = stand_ins[visit.coach]
                copy = crossing[visit.coach] // cap
                crossing[visit.coach] += 1
                if copy < len(copies):
                    sabbatical.append(visit.model_copy(update={"coachee": copies[copy]}))
        plan = Plan(
            roster=part.data["name"],
            year=hint.year,
            status="feasible",
            objective=0,
            bound=0,
            partnerships=partnerships,
            visits=[visit for visit in hint.visits if visit.partnership in kept],
            sabbatical_visits=sabbatical,
            tables=[
                seat
                for seat in hint.tables
                if all(team_school.get(team) == school for team in seat.teams)
            ],
            unpaired=[entry for entry in hint.unpaired if school_of.get(entry.teacher) == school],
        )
        hints[school] = plan.as_json()
    return hints

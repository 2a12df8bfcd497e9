"""Splitting a district into one roster per school, each with stand-in coachees that hold its
coaches' cross-school capacity, and a district hint into hints per school.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pairwise.engine.candidates import slot_indices
from pairwise.roster.facts import avoid_pairs, kept_apart_from
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
        self.period_mask = period_mask
        """Per period, its slots in all cycles."""
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


def teacher_schools(roster: Roster) -> dict[str, str]:
    """Each teacher's school (`Roster.school_of`), looked up once for all teachers."""
    return {teacher.id: roster.school_of(teacher.id) for teacher in roster.teachers}


class CrossCoachees:
    """For each coach, the teachers of other schools it may visit (rule 8 without slots), in
    roster order; the roster's teachers indexed by priority once for all coaches. `school_of`
    is `teacher_schools(roster)`."""

    def __init__(self, roster: Roster, school_of: dict[str, str]) -> None:
        self.roster = roster
        self.apart = kept_apart_from(roster, avoid_pairs(roster))
        self.school_at = [school_of[teacher.id] for teacher in roster.teachers]
        self.school_of = school_of
        self.by_priority: dict[str, list[int]] = {}
        for position, teacher in enumerate(roster.teachers):
            if teacher.priority is not None:
                self.by_priority.setdefault(teacher.priority, []).append(position)

    def __call__(self, coach: Teacher) -> list[Teacher]:
        if coach.sabbatical is None:
            return []
        school = self.school_of[coach.id]
        topics = set(coach.sabbatical.topics)
        positions = sorted(
            position for topic in topics for position in self.by_priority.get(topic, ())
        )
        school_at = self.school_at
        # the coach's own school holds the coach: one test leaves out both
        kept = [position for position in positions if school_at[position] != school]
        teachers = self.roster.teachers
        apart: set[str] | frozenset[str] = self.apart.get(coach.id, frozenset())
        return [teachers[p] for p in kept if teachers[p].id not in apart]


def split_district(roster: Roster) -> list[SchoolPart]:
    """Each school's roster (as JSON-ready data), with stand-ins for its coaches' cross visits.

    Everything is sorted out by school in one pass over the roster (not one pass per school)."""
    data = roster.model_dump(mode="json")
    availability = Availability(roster)
    schools = roster.schools()
    school_of = teacher_schools(roster)
    team_school = {team.id: roster.team_school(team.id) for team in roster.teams}
    members: dict[str, set[str]] = {school: set() for school in schools}
    for teacher, school in school_of.items():
        members[school].add(teacher)
    teachers: dict[str, list[dict[str, Any]]] = {school: [] for school in schools}
    for entry in data["teachers"]:
        own = school_of[entry["id"]]
        if entry.get("evaluator") not in members[own]:
            # an evaluator in another school can never be partnered with this teacher
            entry = {**entry, "evaluator": None}
        teachers[own].append(entry)
    relations: dict[str, list[dict[str, Any]]] = {school: [] for school in schools}
    for relation in data["relations"]:
        first = school_of.get(relation["a"])
        if first is not None and school_of.get(relation["b"]) == first:
            relations[first].append(relation)
    # pairs with someone of another school never meet here; former staff stay
    history = _by_school(data["history"], school_of, schools)
    team_history = _by_school(data["team_history"], team_school, schools)
    teams: dict[str, list[dict[str, Any]]] = {school: [] for school in schools}
    for team in data["teams"]:
        teams[team_school[team["id"]]].append(team)
    coaches: dict[str, list[Teacher]] = {}
    for person in roster.teachers:
        if person.sabbatical is not None and person.sabbatical.budget:
            coaches.setdefault(school_of[person.id], []).append(person)
    coachees_of = CrossCoachees(roster, school_of)
    parts = []
    for school in schools:
        part = SchoolPart(
            school=school,
            teachers=len(members[school]),
            data={
                **data,
                "name": f"{roster.name} — {school}" if school else roster.name,
                "teams": teams[school],
                "teachers": teachers[school],
                "history": history[school],
                "team_history": team_history[school],
                "relations": relations[school],
            },
        )
        _add_stand_ins(roster, part, coaches.get(school, []), coachees_of, availability)
        parts.append(part)
    return parts


def _by_school(
    entries: list[dict[str, Any]], school_of: dict[str, str], schools: Sequence[str]
) -> dict[str, list[dict[str, Any]]]:
    """History entries (`a`, `b`) of each school: both in it, or gone (former staff, teams no
    more) and so counted in every school where the other one is, or in all when both are gone."""
    kept: dict[str, list[dict[str, Any]]] = {school: [] for school in schools}
    for entry in entries:
        first, second = school_of.get(entry["a"]), school_of.get(entry["b"])
        if first is None and second is None:
            for school in schools:
                kept[school].append(entry)
        elif first is None or second is None or first == second:
            kept[first if first is not None else str(second)].append(entry)
    return kept


def _add_stand_ins(
    roster: Roster,
    part: SchoolPart,
    coaches: list[Teacher],
    coachees_of: CrossCoachees,
    availability: Availability,
) -> None:
    """Stand-in coachees for each coach of the school: the capacity of its cross-school visits."""
    policy = roster.policy
    cap = policy.sabbatical_visits_per_coachee
    if cap == 0 or policy.weights.sabbatical == 0:
        return  # no cross-school visit could add to the objective
    taken: set[str] = set()
    for coach in coaches:
        assert coach.sabbatical is not None
        coachees = coachees_of(coach)
        if not coachees:
            continue
        host = availability.host
        hostable = 0
        for coachee in coachees:
            hostable |= host[coachee.id]
        if not hostable:
            continue
        priorities = {coachee.priority for coachee in coachees}
        topic = next(topic for topic in coach.sabbatical.topics if topic in priorities)
        # the periods some eligible coachee hosts in, and their other slots (none hosts there)
        teaches = sorted(
            period for period, mask in availability.period_mask.items() if hostable & mask
        )
        taught = 0
        for period in teaches:
            taught |= availability.period_mask[period]
        unavailable = [availability.slots[i] for i in slot_indices(taught & ~hostable)]
        copies = math.ceil(coach.sabbatical.budget / cap)
        for copy in range(1, copies + 1):
            identifier = f"{coach.id}{STAND_IN_MARK}{copy}"
            while identifier in taken or identifier in roster.teacher_by_id:
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
    school_of = teacher_schools(roster)
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

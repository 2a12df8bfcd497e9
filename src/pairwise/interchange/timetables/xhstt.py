"""Reading an XHSTT archive (the XML of the high-school timetabling archives and competitions).

An archive holds instances (`Instances/Instance`: times, resources, events) and solution groups
(`SolutionGroups/SolutionGroup/Solution`, each solving one instance). pairwise reads one instance
(`--instance` when there are several) and one solution of it (`--solution` names its group; by
default the first group that solves the instance). Days are the instance's `Day` time groups,
periods their times in order. Teachers are the resources whose type is named for teachers; a
teacher teaches each time a solution event covers (from its start, for its duration) when the
event's resources, preassigned in the instance or assigned by the solution, name them and a
class (student group) or a room. Subjects are the events' courses (else their names); departments
are the teacher groups that do not hold every teacher.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from pairwise.errors import Problem
from pairwise.interchange.timetables.days import weekdays
from pairwise.interchange.timetables.model import Day, Hour, Lesson, TeacherRecord, Timetable
from pairwise.interchange.timetables.xmlfile import (
    child,
    children,
    reference,
    safe_id,
    shown,
    text,
)

MAX_DAYS = 7
TEACHER_WORDS = ("teacher", "lehrer", "docent", "professor", "enseignant", "leraar", "opettaja")
ROOM_WORDS = ("room", "raum", "sala", "salle", "lokaal", "aula")


@dataclass
class _Resource:
    id: str
    name: str
    kind: str  # teacher, room or class


@dataclass
class _Event:
    id: str
    name: str
    duration: int
    course: str
    time: str
    resources: list[str] = field(default_factory=list)  # preassigned resource ids


@dataclass
class _Instance:
    """The parts of the instance the solution is read against."""

    times: list[str]  # time ids in order
    period_of: dict[str, str]
    resources: dict[str, _Resource]
    events: dict[str, _Event]


def _choose(root: ET.Element, wanted: str | None, table: Timetable) -> ET.Element | None:
    instances = children(child(root, "Instances"), "Instance")
    listed = [
        f"{item.get('Id', '')} ({text(child(item, 'MetaData'), 'Name') or 'no name'})"
        for item in instances
    ]
    if not instances:
        table.problems.append(Problem("Instances", "the archive holds no instance"))
        return None
    if wanted is not None:
        found = [item for item in instances if item.get("Id", "") == wanted]
        if not found:
            table.problems.append(
                Problem(
                    "--instance",
                    f"no instance '{wanted}' in the archive (it holds {shown(listed)})",
                )
            )
            return None
        return found[0]
    if len(instances) > 1:
        table.problems.append(
            Problem(
                "--instance",
                f"the archive holds {len(instances)} instances; choose one: {shown(listed, 30)}",
            )
        )
        return None
    return instances[0]


def _times(instance: ET.Element, table: Timetable) -> tuple[list[str], dict[str, str]]:
    """The time ids in order and each time's period id; fills in the table's days."""
    times_element = child(instance, "Times")
    day_names = {
        day.get("Id", ""): text(day, "Name") or day.get("Id", "")
        for day in children(child(times_element, "TimeGroups"), "Day")
    }
    by_day: dict[str, list[ET.Element]] = {day_id: [] for day_id in day_names}
    order: list[str] = []
    dayless: list[str] = []
    for time in children(times_element, "Time"):
        time_id = time.get("Id", "")
        order.append(time_id)
        day_id = reference(time, "Day")
        if day_id not in by_day:
            dayless.append(time_id)
        else:
            by_day[day_id].append(time)
    if not order:
        table.problems.append(Problem("Times", "the instance has no times"))
    if dayless:
        table.problems.append(
            Problem(
                "Times",
                f"{len(dayless)} times lie in no Day ({shown(dayless)}): pairwise needs the day of "
                "each time",
            )
        )
    used = [day_id for day_id, times in by_day.items() if times]
    if len(used) > MAX_DAYS:
        table.problems.append(
            Problem(
                "Times",
                f"the times lie in {len(used)} days; pairwise reads one week of at most {MAX_DAYS} "
                "days (a timetable that repeats over several weeks cannot be read)",
            )
        )
    if table.problems:
        return order, {}
    codes, named = weekdays([day_names[day_id] for day_id in used])
    if not named and len(used) > 1:
        table.warnings.append(
            "the day names do not say which weekday each is: read in order from Monday"
        )
    period_of: dict[str, str] = {}
    for code, day_id in zip(codes, used, strict=True):
        hours = tuple(
            Hour(number, text(time, "Name") or time.get("Id", ""), keys=(time.get("Id", ""),))
            for number, time in enumerate(by_day[day_id], start=1)
        )
        day = Day(code, day_names[day_id], hours)
        table.days.append(day)
        for hour in hours:
            period_of[hour.keys[0]] = day.period_id(hour)
    return order, period_of


def _kind(type_id: str, type_name: str) -> str:
    words = f"{type_id} {type_name}".lower()
    if any(word in words for word in TEACHER_WORDS):
        return "teacher"
    return "room" if any(word in words for word in ROOM_WORDS) else "class"


def _resources(instance: ET.Element, table: Timetable) -> dict[str, _Resource]:
    element = child(instance, "Resources")
    type_names = {
        item.get("Id", ""): text(item, "Name")
        for item in children(child(element, "ResourceTypes"), "ResourceType")
    }
    kinds = {type_id: _kind(type_id, name) for type_id, name in type_names.items()}
    if "teacher" not in kinds.values():
        table.problems.append(
            Problem(
                "Resources",
                "no resource type is named for teachers (the archive has "
                f"{shown(sorted(type_names)) or 'none'}); pairwise reads resources of type Teacher",
            )
        )
    group_names = {
        item.get("Id", ""): text(item, "Name") or item.get("Id", "")
        for item in children(child(element, "ResourceGroups"), "ResourceGroup")
    }
    resources: dict[str, _Resource] = {}
    groups_of: dict[str, list[str]] = {}
    members: dict[str, int] = {}
    for item in children(element, "Resource"):
        resource_id = item.get("Id", "")
        kind = kinds.get(reference(item, "ResourceType"), "class")
        resources[resource_id] = _Resource(resource_id, text(item, "Name") or resource_id, kind)
        groups = [
            group.get("Reference", "")
            for group in children(child(item, "ResourceGroups"), "ResourceGroup")
        ]
        groups_of[resource_id] = groups
        if kind == "teacher":
            for group in groups:
                members[group] = members.get(group, 0) + 1
    teachers = [resource for resource in resources.values() if resource.kind == "teacher"]
    # a department holds some teachers, not all (archives keep an all-teachers group)
    for resource in teachers:
        departments = tuple(
            group_names.get(group, group)
            for group in groups_of[resource.id]
            if members.get(group, 0) < len(teachers)
        )
        table.teachers.append(TeacherRecord(safe_id(resource.id), resource.name, departments))
    if not any(teacher.departments for teacher in table.teachers):
        table.no_departments = (
            "the archive's teacher groups hold every teacher, so they name no departments; "
            "use --teams subject or --teams class"
        )
    if not teachers and "teacher" in kinds.values():
        table.problems.append(Problem("Resources", "the instance has no teachers"))
    return resources


def _group_members(instance: ET.Element) -> dict[str, list[str]]:
    members: dict[str, list[str]] = {}
    for item in children(child(instance, "Resources"), "Resource"):
        for group in children(child(item, "ResourceGroups"), "ResourceGroup"):
            members.setdefault(group.get("Reference", ""), []).append(item.get("Id", ""))
    return members


def _events(instance: ET.Element, table: Timetable) -> dict[str, _Event]:
    element = child(instance, "Events")
    courses = {
        item.get("Id", ""): text(item, "Name") or item.get("Id", "")
        for item in children(child(element, "EventGroups"), "Course")
    }
    members = _group_members(instance)
    events: dict[str, _Event] = {}
    for item in children(element, "Event"):
        event_id = item.get("Id", "")
        duration_text = text(item, "Duration")
        if not duration_text.isdigit() or int(duration_text) < 1:
            table.problems.append(
                Problem(
                    f"event '{event_id}'",
                    f"Duration '{duration_text}' is not a whole number of at least 1",
                )
            )
            continue
        event = _Event(
            event_id,
            text(item, "Name") or event_id,
            int(duration_text),
            courses.get(reference(item, "Course"), ""),
            reference(item, "Time"),
        )
        for resource in children(child(item, "Resources"), "Resource"):
            if resource.get("Reference"):
                event.resources.append(resource.get("Reference", ""))
        for group in children(child(item, "ResourceGroups"), "ResourceGroup"):
            event.resources.extend(members.get(group.get("Reference", ""), []))
        events[event_id] = event
    return events


@dataclass
class _SolutionOption:
    """One solution group's solution of the instance."""

    group: str
    solution: ET.Element
    others: int  # further solutions of the instance in the same group


def _candidates(
    root: ET.Element, instance_id: str, wanted: str | None, table: Timetable
) -> list[_SolutionOption]:
    """The solution groups that solve the instance, in file order (only `wanted`, if given)."""
    groups = children(child(root, "SolutionGroups"), "SolutionGroup")
    solving: list[_SolutionOption] = []
    for group in groups:
        solutions = [
            s for s in children(group, "Solution") if s.get("Reference", "") == instance_id
        ]
        if solutions:
            solving.append(_SolutionOption(group.get("Id", ""), solutions[0], len(solutions) - 1))
    if wanted is not None:
        found = [candidate for candidate in solving if candidate.group == wanted]
        if not found:
            named = any(group.get("Id", "") == wanted for group in groups)
            others = [candidate.group for candidate in solving]
            table.problems.append(
                Problem(
                    "--solution",
                    (
                        f"solution group '{wanted}' holds no solution of instance '{instance_id}'"
                        if named
                        else f"no solution group '{wanted}' in the archive"
                    )
                    + (f" (these do: {shown(others)})" if others else ""),
                )
            )
        return found
    if not solving:
        table.problems.append(
            Problem(
                "SolutionGroups",
                f"no solution of instance '{instance_id}': pairwise reads the times of a solved "
                "timetable; give an archive that holds one",
            )
        )
    return solving


def _subject(label: str, attending: list[_Resource]) -> str | None:
    """What an event's course (or name) says beyond who attends it: "Mathe 7a" with class 7a is
    Mathe; "T1-S1" with teacher T1 and class S1 names no subject."""
    for resource in attending:
        for word in {resource.id, resource.name}:
            if word:
                label = re.sub(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", " ", label, flags=re.I)
    subject = " ".join(re.sub(r"[\s_\-.,:;/|+#*()\[\]]+", " ", label).split())
    return subject or None


def _lessons(candidate: _SolutionOption, instance: _Instance) -> tuple[list[Lesson], list[Problem]]:
    """The lessons one solution gives, and its problems (an event it does not time is one)."""
    lessons: list[Lesson] = []
    problems: list[Problem] = []
    where = f"solution group '{candidate.group}'"
    position = {time_id: index for index, time_id in enumerate(instance.times)}
    timed: dict[str, int] = {}
    pieces: list[tuple[str, ET.Element | None]] = [
        (item.get("Reference", ""), item)
        for item in children(child(candidate.solution, "Events"), "Event")
    ]
    solved = {event_id for event_id, _ in pieces}
    # an instance event left out of the solution still has its preassigned time, if any
    pieces += [(event.id, None) for event in instance.events.values() if event.id not in solved]
    for event_id, item in pieces:
        event = instance.events.get(event_id)
        if event is None:
            problems.append(
                Problem(f"{where}, event '{event_id}'", "no such event in the instance")
            )
            continue
        duration_text = text(item, "Duration") if item is not None else ""
        duration = int(duration_text) if duration_text.isdigit() else event.duration
        time = (reference(item, "Time") if item is not None else "") or event.time
        if not time:
            continue
        start = position.get(time)
        if start is None or start + duration > len(instance.times):
            problems.append(
                Problem(
                    f"{where}, event '{event_id}'",
                    f"unknown time '{time}'"
                    if start is None
                    else f"runs past the last time ({time}, {duration} times)",
                )
            )
            continue
        timed[event_id] = timed.get(event_id, 0) + duration
        assigned = [r.get("Reference", "") for r in children(child(item, "Resources"), "Resource")]
        attending = [
            instance.resources[r] for r in [*event.resources, *assigned] if r in instance.resources
        ]
        teachers = [r for r in attending if r.kind == "teacher"]
        groups = [r.name for r in attending if r.kind == "class"]
        rooms = [r.name for r in attending if r.kind == "room"]
        if not teachers or not (groups or rooms):
            continue  # a meeting of teachers, or nobody to teach
        periods = tuple(instance.period_of[t] for t in instance.times[start : start + duration])
        for teacher in dict.fromkeys(teacher.id for teacher in teachers):
            lessons.append(
                Lesson(
                    safe_id(teacher),
                    periods,
                    _subject(event.course or event.name, attending),
                    groups[0] if groups else None,
                    rooms[0] if rooms else None,
                )
            )
    untimed = [
        f"{event.id} ({timed.get(event.id, 0)} of {event.duration})"
        for event in instance.events.values()
        if timed.get(event.id, 0) < event.duration
    ]
    if untimed:
        problems.append(
            Problem(
                where,
                f"does not time every event: {len(untimed)} events have fewer timed periods "
                f"than their duration ({shown(untimed)}); pairwise needs a complete timetable",
            )
        )
    return lessons, problems


def _read_solution(
    candidates: list[_SolutionOption], instance: _Instance, table: Timetable
) -> None:
    """The lessons of the first candidate that times every event, else the first one's problems."""
    first_problems: list[Problem] = []
    for candidate in candidates:
        lessons, problems = _lessons(candidate, instance)
        if not problems:
            table.lessons = lessons
            if candidate.others:
                table.warnings.append(
                    f"solution group '{candidate.group}' holds {candidate.others + 1} solutions "
                    "of the instance: the first is read"
                )
            table.warnings.append(f"read the timetable of solution group '{candidate.group}'")
            return
        first_problems = first_problems or problems
    table.problems += first_problems


def read_xhstt(
    root: ET.Element, source: Path, instance: str | None, solution: str | None
) -> Timetable:
    """What one instance and one of its solutions hold, with every problem found (none raised)."""
    table = Timetable(str(source), "XHSTT", source.stem)
    chosen = _choose(root, instance, table)
    if chosen is None:
        return table
    instance_id = chosen.get("Id", "")
    table.title = text(child(chosen, "MetaData"), "Name") or instance_id or source.stem
    times, period_of = _times(chosen, table)
    resources = _resources(chosen, table)
    events = _events(chosen, table)
    candidates = _candidates(root, instance_id, solution, table)
    if table.problems:
        return table
    _read_solution(candidates, _Instance(times, period_of, resources, events), table)
    return table

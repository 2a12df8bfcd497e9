"""Reading a FET file (`.fet`, the XML the free timetabling program FET saves).

Days come from `Days_List` and hours from `Hours_List` (FET 5 lists their names directly, FET 6
as `Day`/`Hour` elements with a `Name` and an optional `Long_Name`); teachers from
`Teachers_List`, class groups from `Students_List` (years, their groups and subgroups). An
activity (`Activities_List`) is placed when an active preferred-starting-time constraint of
weight 100 % fixes its day and hour, as FET writes for every activity when it saves a file with
its generated timetable; its room is the one an active 100 % preferred-room constraint fixes.
Each teacher of a placed, active activity with students teaches the consecutive hours its
duration covers.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from pairwise.errors import Problem
from pairwise.interchange.timetables.days import weekdays
from pairwise.interchange.timetables.model import Day, Hour, Lesson, TeacherRecord, Timetable
from pairwise.interchange.timetables.xmlfile import (
    child,
    children,
    flag,
    safe_id,
    shown,
    text,
    texts,
)

MAX_DAYS = 7
PLACING_CONSTRAINTS = ("ConstraintActivityPreferredStartingTime", "ConstraintActivityPreferredTime")
NO_DEPARTMENTS = "FET files have no departments; use --teams subject or --teams class"
HOW_TO_SAVE_PLACED = (
    "In FET, generate the timetable, then import the NAME_data_and_timetable.fet file FET writes "
    "beside it in its results folder (fet-results/timetables/NAME/): it fixes every activity "
    "where FET placed it with a 100 % preferred starting time (so does locking every activity in "
    "FET's timetable view, then saving the file)"
)


@dataclass
class _Activity:
    id: int
    teachers: list[str]
    subject: str
    students: list[str]
    duration: int
    active: bool


def _names(element: ET.Element | None, item: str) -> list[tuple[str, str]]:
    """(name, long name) of each day or hour: FET 6 `<Day><Name>`, FET 5 `<Name>` directly."""
    items = [(text(entry, "Name"), text(entry, "Long_Name")) for entry in children(element, item)]
    if not items:
        items = [(name, "") for name in texts(element, "Name")]
    count_text = text(element, f"Number_of_{item}s") or text(element, "Number")
    # FET 5 files may list one name more than the count (the end of the day): keep the count
    if count_text.isdigit() and 0 < int(count_text) <= len(items):
        items = items[: int(count_text)]
    return items


def _grid(root: ET.Element, table: Timetable) -> None:
    day_names = _names(child(root, "Days_List"), "Day")
    hour_names = _names(child(root, "Hours_List"), "Hour")
    if not day_names:
        table.problems.append(Problem("Days_List", "holds no days"))
    if not hour_names:
        table.problems.append(Problem("Hours_List", "holds no hours"))
    if len(day_names) > MAX_DAYS:
        table.problems.append(
            Problem(
                "Days_List",
                f"holds {len(day_names)} days; pairwise reads one week of at most {MAX_DAYS} "
                "days (a timetable that repeats over several weeks cannot be read)",
            )
        )
        return
    codes, named = weekdays([name for name, _ in day_names])
    if not named and len(day_names) > 1:
        table.warnings.append(
            "the day names do not say which weekday each is: read in order from Monday ("
            + ", ".join(
                f"{name} = {code}" for (name, _), code in zip(day_names, codes, strict=True)
            )
            + ")"
        )
    hours = tuple(
        Hour(number, name, long_name)
        for number, (name, long_name) in enumerate(hour_names, start=1)
    )
    table.days = [Day(code, name, hours) for code, (name, _) in zip(codes, day_names, strict=True)]


def _teachers(root: ET.Element, table: Timetable) -> dict[str, str]:
    """The teachers in file order; returns FET name -> roster id."""
    ids: dict[str, str] = {}
    used: dict[str, str] = {}
    for index, element in enumerate(children(child(root, "Teachers_List"), "Teacher"), start=1):
        name = text(element, "Name")
        where = f"Teachers_List/Teacher[{index}]"
        if not name:
            table.problems.append(Problem(where, "has no Name"))
            continue
        teacher_id = safe_id(name)
        if used.get(teacher_id) == name:
            table.warnings.append(f"teacher '{name}' is listed twice in Teachers_List: read once")
            continue
        if teacher_id in used:
            table.problems.append(
                Problem(
                    where,
                    f"teacher '{name}' has the id '{teacher_id}' (a '/' becomes '-'), as has "
                    f"'{used[teacher_id]}'",
                )
            )
            continue
        used[teacher_id] = name
        ids[name] = teacher_id
        table.teachers.append(TeacherRecord(teacher_id, text(element, "Long_Name") or name))
    if not ids:
        table.problems.append(Problem("Teachers_List", "holds no teachers"))
    return ids


def _class_groups(root: ET.Element) -> dict[str, str]:
    """Each students set's name -> the year (top level) it belongs to."""
    year_of: dict[str, str] = {}
    for year in children(child(root, "Students_List"), "Year"):
        year_name = text(year, "Name")
        year_of.setdefault(year_name, year_name)
        for group in children(year, "Group"):
            year_of.setdefault(text(group, "Name"), year_name)
            for subgroup in children(group, "Subgroup"):
                year_of.setdefault(text(subgroup, "Name"), year_name)
    return year_of


def _whole(value: str, where: str, what: str, problems: list[Problem], least: int) -> int | None:
    if value.isdigit() and int(value) >= least:
        return int(value)
    problems.append(Problem(where, f"{what} '{value}' is not a whole number of at least {least}"))
    return None


def _activities(root: ET.Element, table: Timetable, teacher_ids: dict[str, str]) -> list[_Activity]:
    found: list[_Activity] = []
    seen: set[int] = set()
    for index, element in enumerate(children(child(root, "Activities_List"), "Activity"), start=1):
        where = f"Activities_List/Activity[{index}]"
        activity_id = _whole(text(element, "Id"), where, "Id", table.problems, 0)
        if activity_id is not None:
            where = f"activity {activity_id}"
        duration = _whole(text(element, "Duration") or "1", where, "Duration", table.problems, 1)
        active = flag(text(element, "Active"), default=True)
        if active is None:
            table.problems.append(
                Problem(where, f"Active '{text(element, 'Active')}' is not true or false")
            )
        if activity_id is None or duration is None or active is None:
            continue
        if activity_id in seen:
            table.problems.append(Problem(where, "the Id is used by two activities"))
            continue
        seen.add(activity_id)
        teachers = texts(element, "Teacher")
        for name in teachers:
            if name not in teacher_ids:
                table.problems.append(
                    Problem(where, f"unknown teacher '{name}' (not in Teachers_List)")
                )
        found.append(
            _Activity(
                activity_id,
                [teacher_ids[name] for name in teachers if name in teacher_ids],
                text(element, "Subject"),
                texts(element, "Students"),
                duration,
                active,
            )
        )
    return found


def _position(value: str, names: list[str]) -> int | None:
    """A day or hour given by its name (as FET writes it) or by its 0-based number."""
    if value in names:
        return names.index(value)
    folded = [name.casefold() for name in names]
    if value.casefold() in folded:
        return folded.index(value.casefold())
    if value.isdigit() and int(value) < len(names):
        return int(value)
    return None


def _placements(root: ET.Element, table: Timetable) -> dict[int, tuple[int, int]]:
    """Activity id -> (day index, hour index) its active 100 % starting-time constraint fixes."""
    day_names = [day.name for day in table.days]
    hour_names = [hour.name for hour in table.days[0].hours] if table.days else []
    placed: dict[int, tuple[int, int]] = {}
    constraints = child(root, "Time_Constraints_List")
    for tag in PLACING_CONSTRAINTS:
        for element in children(constraints, tag):
            weight = text(element, "Weight_Percentage") or (
                "100" if text(element, "Compulsory").lower() == "yes" else "0"
            )
            day_text = text(element, "Preferred_Day") or text(element, "Day")
            hour_text = text(element, "Preferred_Hour") or text(element, "Hour")
            activity = text(element, "Activity_Id")
            try:
                full = float(weight) >= 100.0
            except ValueError:
                full = False
            if not full or flag(text(element, "Active"), True) is not True:
                continue
            if not (day_text and hour_text and activity.isdigit()):
                continue
            where = f"{tag} of activity {activity}"
            day = _position(day_text, day_names)
            hour = _position(hour_text, hour_names)
            if day is None:
                table.problems.append(
                    Problem(where, f"unknown day '{day_text}' (not in Days_List)")
                )
            if hour is None:
                table.problems.append(
                    Problem(where, f"unknown hour '{hour_text}' (not in Hours_List)")
                )
            if day is None or hour is None:
                continue
            earlier = placed.setdefault(int(activity), (day, hour))
            if earlier != (day, hour):
                table.problems.append(
                    Problem(
                        where,
                        f"fixes it at {day_names[day]} {hour_names[hour]}, but another constraint "
                        f"fixes it at {day_names[earlier[0]]} {hour_names[earlier[1]]}",
                    )
                )
    return placed


def _rooms(root: ET.Element) -> dict[int, str]:
    """Activity id -> the room an active 100 % preferred-room constraint gives it."""
    rooms: dict[int, str] = {}
    for element in children(
        child(root, "Space_Constraints_List"), "ConstraintActivityPreferredRoom"
    ):
        try:
            full = float(text(element, "Weight_Percentage") or "0") >= 100.0
        except ValueError:
            full = False
        activity, room = text(element, "Activity_Id"), text(element, "Room")
        if full and flag(text(element, "Active"), True) is True and activity.isdigit() and room:
            rooms.setdefault(int(activity), room)
    return rooms


def _lessons(
    activities: list[_Activity],
    placed: dict[int, tuple[int, int]],
    rooms: dict[int, str],
    year_of: dict[str, str],
    table: Timetable,
) -> None:
    unplaced = [
        activity.id for activity in activities if activity.active and activity.id not in placed
    ]
    placed_active = [
        activity for activity in activities if activity.active and activity.id in placed
    ]
    orphans = sorted(set(placed) - {activity.id for activity in activities})
    if orphans:
        table.warnings.append(
            "starting-time constraints name activities the file does not have (left out): "
            + shown([str(orphan) for orphan in orphans])
        )
    active = len(unplaced) + len(placed_active)
    if not placed_active:
        table.problems.append(
            Problem(
                "Time_Constraints_List",
                "no activity is placed in time, so the file holds no timetable. "
                + HOW_TO_SAVE_PLACED,
            )
        )
        return
    if 2 * len(placed_active) <= active:
        # a few activities fixed by hand: FET's input, not the timetable it generated
        table.problems.append(
            Problem(
                "Time_Constraints_List",
                f"only {len(placed_active)} of {active} active activities are placed in time, so "
                "the file holds FET's input, not its timetable. " + HOW_TO_SAVE_PLACED,
            )
        )
        return
    if unplaced:
        many = len(unplaced) != 1
        table.warnings.append(
            f"{len(unplaced)} active activit{'ies have' if many else 'y has'} no fixed time (a "
            f"100 % preferred starting time) and {'are' if many else 'is'} left out: "
            f"{shown([str(a) for a in unplaced])}"
        )
    for activity in placed_active:
        if not activity.students:
            continue  # a meeting or a duty, not a class
        day_index, hour_index = placed[activity.id]
        day = table.days[day_index]
        if hour_index + activity.duration > len(day.hours):
            table.problems.append(
                Problem(
                    f"activity {activity.id}",
                    f"starts at {day.name} {day.hours[hour_index].name} and lasts "
                    f"{activity.duration} hours, past the day's last hour",
                )
            )
            continue
        periods = tuple(
            day.period_id(hour) for hour in day.hours[hour_index : hour_index + activity.duration]
        )
        group = next((year_of[name] for name in activity.students if name in year_of), None)
        for teacher in activity.teachers:
            table.lessons.append(
                Lesson(
                    teacher,
                    periods,
                    activity.subject or None,
                    group or activity.students[0],
                    rooms.get(activity.id),
                )
            )


def read_fet(root: ET.Element, source: Path) -> Timetable:
    """What a FET file holds, with every problem found in it (nothing raised here)."""
    institution = text(root, "Institution_Name")
    title = institution if institution and institution != "Default institution" else source.stem
    table = Timetable(str(source), "FET", title, no_departments=NO_DEPARTMENTS)
    _grid(root, table)
    teacher_ids = _teachers(root, table)
    activities = _activities(root, table, teacher_ids)
    if not table.days or not table.days[0].hours:
        return table
    placed = _placements(root, table)
    _lessons(activities, placed, _rooms(root), _class_groups(root), table)
    return table

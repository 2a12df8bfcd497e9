"""A roster written as the FET file FET saves with its generated timetable, for round-trip tests.

Each period a teacher teaches becomes one activity of one hour with the teacher's team as its
subject and a class of that team as its students, fixed by an active 100 % preferred starting
time; hour names carry the periods' clock times ("08:30 - 09:20"). It expects what the import
produces: every day with the same periods, ids `DAY-N` for the N-th period of the day.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pairwise.roster.models import Roster

DAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
NO_TEAM = "General"


def _add(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def roster_to_fet(roster: Roster) -> str:
    """The FET file's text for `roster` (its days, hours, teachers and fixed lessons)."""
    days = list(dict.fromkeys(period.day for period in roster.periods))
    per_day = {day: [p for p in roster.periods if p.day == day] for day in days}
    hours = per_day[days[0]]
    for day, periods in per_day.items():
        assert [(p.start, p.end) for p in periods] == [(p.start, p.end) for p in hours], day
        assert [p.id for p in periods] == [f"{day}-{n}" for n in range(1, len(periods) + 1)], day
    hour_names = [f"{p.start} - {p.end}" for p in hours]

    root = ET.Element("fet", version="6.28.2")
    _add(root, "Institution_Name", roster.name)
    day_list = _add(root, "Days_List")
    _add(day_list, "Number_of_Days", str(len(days)))
    for day in days:
        _add(_add(day_list, "Day"), "Name", DAY_NAMES[day])
    hour_list = _add(root, "Hours_List")
    _add(hour_list, "Number_of_Hours", str(len(hour_names)))
    for name in hour_names:
        _add(_add(hour_list, "Hour"), "Name", name)
    subjects = sorted({teacher.team or NO_TEAM for teacher in roster.teachers})
    subject_list = _add(root, "Subjects_List")
    for subject in subjects:
        _add(_add(subject_list, "Subject"), "Name", subject)
    teacher_list = _add(root, "Teachers_List")
    for teacher in roster.teachers:
        element = _add(teacher_list, "Teacher")
        _add(element, "Name", teacher.id)
        _add(element, "Long_Name", teacher.name)
    students = _add(root, "Students_List")
    for subject in subjects:
        year = _add(students, "Year")
        _add(year, "Name", f"{subject} class")
        _add(year, "Number_of_Students", "20")
    activities = _add(root, "Activities_List")
    constraints = _add(root, "Time_Constraints_List")
    basic = _add(constraints, "ConstraintBasicCompulsoryTime")
    _add(basic, "Weight_Percentage", "100")
    _add(basic, "Active", "true")
    period_by_id = roster.period_by_id
    next_id = 1
    for teacher in roster.teachers:
        subject = teacher.team or NO_TEAM
        for period_id in teacher.teaches:
            period = period_by_id[period_id]
            activity = _add(activities, "Activity")
            _add(activity, "Teacher", teacher.id)
            _add(activity, "Subject", subject)
            _add(activity, "Students", f"{subject} class")
            _add(activity, "Duration", "1")
            _add(activity, "Total_Duration", "1")
            _add(activity, "Id", str(next_id))
            _add(activity, "Activity_Group_Id", "0")
            _add(activity, "Active", "true")
            fixed = _add(constraints, "ConstraintActivityPreferredStartingTime")
            _add(fixed, "Weight_Percentage", "100")
            _add(fixed, "Activity_Id", str(next_id))
            _add(fixed, "Preferred_Day", DAY_NAMES[period.day])
            _add(fixed, "Preferred_Hour", hour_names[int(period_id.rsplit("-", 1)[1]) - 1])
            _add(fixed, "Permanently_Locked", "false")
            _add(fixed, "Active", "true")
            next_id += 1
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")

"""A roster from what a timetable file held: periods with clock times, teachers with the
periods they teach, teams and rooms; the school year and coaching cycles made as documented
defaults; and warnings that say what the file does not hold, for the workbook to add."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pairwise.errors import InputError, Problem
from pairwise.generate.vocabulary import cycle_weeks
from pairwise.interchange.bells import Bell, check_timezone
from pairwise.interchange.timetables.clock import (
    Times,
    default_bell,
    from_bells,
    from_names,
    hours_named_with_times,
)
from pairwise.interchange.timetables.model import (
    TEAM_RULES,
    Lesson,
    TeacherRecord,
    TeamRule,
    Timetable,
)
from pairwise.interchange.timetables.xmlfile import safe_id, shown
from pairwise.interchange.workbook.layout import ImportResult
from pairwise.roster.load import roster_from_data
from pairwise.roster.models import ROSTER_FORMAT

CYCLE_NAMES = ("fall", "winter", "spring")
_LEADING_GRADE = re.compile(r"^\s*(\d{1,2})(?!\d)")


@dataclass(frozen=True)
class Options:
    """What the command line adds to the file: time zone, year, bell schedule, team rule."""

    timezone: str | None
    year: int | None
    bells: Sequence[Bell] | None  # None: no --bell-schedule given
    teams: TeamRule


def _most(counter: Counter[str]) -> str | None:
    """The most counted item (ties: the first in sorted order), or None when empty."""
    if not counter:
        return None
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[0][0]


def school_year_of(today: dt.date) -> int:
    """The school year a date falls in, named by its first calendar year (July starts one)."""
    return today.year if today.month >= 7 else today.year - 1


def _times(table: Timetable, options: Options) -> Times:
    where = f"{table.source}: hour names"
    named = from_names(table.days, table.problems, where)
    if named is not None:
        if options.bells is not None:
            table.warnings.append(
                "--bell-schedule is not used: the hour names hold the clock times"
            )
        return named
    if options.bells is not None:
        return from_bells(table.days, options.bells, table.problems, "--bell-schedule")
    times = default_bell(table.days, table.problems)
    with_times, without = hours_named_with_times(table.days)
    held = (
        f"only some of the {table.program} file's hour names hold clock times ({shown(with_times)}"
        f"; not {shown(without)})"
        if with_times
        else f"the {table.program} file's hour names hold no clock times"
    )
    if times.by_period:
        table.warnings.append(
            f"{held}: periods follow {times.origin}; give --bell-schedule periods.csv "
            "(period,day,start,end) for the school's own times"
        )
    return times


def _team(
    teacher: TeacherRecord, lessons: list[Lesson], rule: TeamRule
) -> tuple[str, int | None] | None:
    if rule == "department":
        name = teacher.departments[0] if teacher.departments else None
    else:
        counts: Counter[str] = Counter()
        for lesson in lessons:
            key = lesson.subject if rule == "subject" else lesson.group
            if key:
                counts[key] += len(lesson.periods)
        name = _most(counts)
    if not name:
        return None
    grade = _LEADING_GRADE.match(name) if rule == "class" else None
    return safe_id(name), int(grade.group(1)) if grade else None


def _cycles(year: int) -> list[dict[str, Any]]:
    return [
        {"id": name, "weeks": [week.isoformat() for week in weeks]}
        for name, weeks in zip(CYCLE_NAMES, cycle_weeks(year), strict=True)
    ]


@dataclass
class _Staff:
    """Each teacher's roster entry, the teams they form, and the ids of those teaching nothing."""

    teachers: list[dict[str, Any]]
    teams: dict[str, dict[str, Any]]
    idle: list[str]


def _teachers(table: Timetable, rule: TeamRule) -> _Staff:
    """Each teacher's roster entry, the teams they form, and the ids of those teaching nothing."""
    order = [day.period_id(hour) for day in table.days for hour in day.hours]
    lessons_of: dict[str, list[Lesson]] = {teacher.id: [] for teacher in table.teachers}
    for lesson in table.lessons:
        lessons_of[lesson.teacher].append(lesson)
    teams: dict[str, dict[str, Any]] = {}
    teachers: list[dict[str, Any]] = []
    idle: list[str] = []
    for teacher in table.teachers:
        lessons = lessons_of[teacher.id]
        entry: dict[str, Any] = {"id": teacher.id, "name": teacher.name}
        team = _team(teacher, lessons, rule)
        if team is not None:
            team_id, grade = team
            entry["team"] = team_id
            record = teams.setdefault(team_id, {"id": team_id})
            if grade is not None:
                record["grade"] = grade
        taught = {period for lesson in lessons for period in lesson.periods}
        entry["teaches"] = [period for period in order if period in taught]
        rooms: Counter[str] = Counter()
        for lesson in lessons:
            if lesson.room:
                rooms[lesson.room] += len(lesson.periods)
        room = _most(rooms)
        if room is not None:
            entry["room"] = room
        if not taught:
            idle.append(teacher.id)
        teachers.append(entry)
    return _Staff(teachers, teams, idle)


def _what_is_missing(table: Timetable, rule: TeamRule, has_teams: bool, idle: list[str]) -> None:
    """Warnings for what the roster lacks: teams, periods of idle teachers."""
    if not has_teams and table.lessons:
        others = " or ".join(
            f"--teams {other}"
            for other in TEAM_RULES
            if other != rule and not (other == "department" and table.no_departments)
        )
        table.warnings.append(
            f"no lesson names a {rule}, so the roster has no teams: try {others}, or give teams "
            "in the workbook"
        )
    if idle:
        table.warnings.append(
            f"{len(idle)} teacher{'s teach' if len(idle) != 1 else ' teaches'} no placed lesson "
            f"({shown(idle)}): they teach no period"
        )


def build_roster(table: Timetable, options: Options, today: dt.date | None = None) -> ImportResult:
    """The roster a timetable gives, or an `InputError` with every problem found on the way."""
    problems = table.problems
    check_timezone(options.timezone, f"{table.program} files", problems)
    if options.teams == "department" and table.no_departments:
        problems.append(Problem("--teams", f"department: {table.no_departments}"))
    times = _times(table, options)
    if problems:
        raise InputError(problems, source=table.source)

    staff = _teachers(table, options.teams)
    _what_is_missing(table, options.teams, bool(staff.teams), staff.idle)
    warnings = table.warnings
    year = options.year
    if year is None:
        year = school_year_of(today or dt.date.today())
        warnings.append(
            f"--year not given: the roster is for the school year {year}-{(year + 1) % 100:02d}"
        )
    cycles = _cycles(year)
    warnings.append(
        "cycles: the file holds none; three two-week cycles were made ("
        + "; ".join(f"{c['id']}: weeks of {', '.join(c['weeks'])}" for c in cycles)
        + "); change them in the workbook's Cycles sheet"
    )
    warnings.append(
        f"{table.program} files hold no priorities, strengths, years of experience, evaluators, "
        "history or relations: write the roster into a workbook (pairwise template staff.xlsx "
        "--from ROSTER), fill those in, and import it back (pairwise import staff.xlsx -o ROSTER)"
    )
    data = {
        "format": ROSTER_FORMAT,
        "name": f"{table.title} {year}-{(year + 1) % 100:02d}",
        "year": year,
        "timezone": options.timezone,
        "periods": [
            {"id": day.period_id(hour), "day": day.code, "start": start, "end": end}
            for day in table.days
            for hour in day.hours
            for start, end in [times.by_period[day.period_id(hour)]]
        ],
        "cycles": cycles,
        "teams": sorted(staff.teams.values(), key=lambda team: team["id"]),
        "teachers": staff.teachers,
    }
    try:
        roster = roster_from_data(data)
    except InputError as error:
        error.source = table.source
        raise
    return ImportResult(roster, warnings)

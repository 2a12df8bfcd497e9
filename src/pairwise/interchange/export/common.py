"""What the calendar, spreadsheet and report exports share: names, local times and plan look-ups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from pairwise.errors import Problem
from pairwise.roster.models import Meeting, Plan, Roster, parse_slot

DAY_NAMES: dict[str, str] = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}


def join_words(items: Iterable[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    words = list(items)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def name_of(roster: Roster, teacher_id: str) -> str:
    """A teacher's name as the roster spells it (the id for a name left blank)."""
    teacher = roster.teacher_by_id[teacher_id]
    return teacher.name.strip() or teacher.id


def class_of(roster: Roster, teacher_id: str) -> str:
    """`Ana Ruiz's grade-3 class`, or `Ana Ruiz's class` for a teacher without a team."""
    team = roster.teacher_by_id[teacher_id].team
    kind = f"{roster.team_name(team)} class" if team else "class"
    return f"{name_of(roster, teacher_id)}'s {kind}"


def _zoned(day: dt.date, clock: str, zone: ZoneInfo) -> dt.datetime:
    hour, minute = (int(part) for part in clock.split(":"))
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def slot_times(roster: Roster, slot: str) -> tuple[dt.datetime, dt.datetime]:
    """A slot's start and end as datetimes in the roster's time zone (IANA rules, so DST holds)."""
    day, period_id = parse_slot(slot)
    period = roster.period_by_id[period_id]
    zone = ZoneInfo(roster.timezone)
    return _zoned(day, period.start, zone), _zoned(day, period.end, zone)


def meeting_times(roster: Roster, meeting: Meeting) -> tuple[dt.datetime, dt.datetime]:
    """A meeting's start and end in the roster's time zone."""
    day = dt.date.fromisoformat(meeting.date)
    zone = ZoneInfo(roster.timezone)
    return _zoned(day, meeting.start, zone), _zoned(day, meeting.end, zone)


def meeting_of(roster: Roster, cycle_id: str, meeting_id: str) -> Meeting:
    """The meeting `meeting_id` of cycle `cycle_id` (both known: see `reference_problems`)."""
    for meeting in roster.cycle_by_id[cycle_id].meetings:
        if meeting.id == meeting_id:
            return meeting
    raise KeyError(f"{cycle_id}/{meeting_id}")


def team_members(roster: Roster) -> dict[str, list[str]]:
    """Each team's members (teacher ids in roster order); every team is present, maybe empty."""
    members: dict[str, list[str]] = {team.id: [] for team in roster.teams}
    for teacher in roster.teachers:
        if teacher.team is not None and teacher.team in members:
            members[teacher.team].append(teacher.id)
    return members


def _slot_problem(roster: Roster, slot: str) -> str | None:
    try:
        _, period_id = parse_slot(slot)
    except ValueError as error:
        return str(error)
    if period_id not in roster.period_by_id:
        return f"'{slot}' names no period of the timetable ('{period_id}')"
    return None


def reference_problems(roster: Roster, plan: Plan) -> list[Problem]:
    """Every id or slot of the plan that the roster cannot resolve (what an export needs to name).

    Whether the plan keeps the hard rules is `pairwise check`'s question, not the export's.
    """
    problems: list[Problem] = []
    teachers, cycles, teams = roster.teacher_by_id, roster.cycle_by_id, roster.team_by_id

    def teacher(path: str, teacher_id: str) -> None:
        if teacher_id not in teachers:
            problems.append(Problem(path, f"unknown teacher '{teacher_id}'"))

    def cycle(path: str, cycle_id: str) -> None:
        if cycle_id not in cycles:
            problems.append(Problem(path, f"unknown cycle '{cycle_id}'"))

    def slot(path: str, text: str) -> None:
        message = _slot_problem(roster, text)
        if message:
            problems.append(Problem(path, message))

    partnership_ids: set[str] = set()
    for index, partnership in enumerate(plan.partnerships):
        where = f"partnerships[{index}]"
        if partnership.id in partnership_ids:
            problems.append(Problem(f"{where}.id", f"'{partnership.id}' is used twice"))
        partnership_ids.add(partnership.id)
        for position, member in enumerate(partnership.members):
            teacher(f"{where}.members[{position}]", member)
        for position, cycle_id in enumerate(partnership.cycles):
            cycle(f"{where}.cycles[{position}]", cycle_id)
    for index, visit in enumerate(plan.visits):
        where = f"visits[{index}]"
        if visit.partnership not in partnership_ids:
            problems.append(
                Problem(f"{where}.partnership", f"unknown partnership '{visit.partnership}'")
            )
        cycle(f"{where}.cycle", visit.cycle)
        teacher(f"{where}.host", visit.host)
        teacher(f"{where}.visitor", visit.visitor)
        slot(f"{where}.slot", visit.slot)
    for index, sabbatical in enumerate(plan.sabbatical_visits):
        where = f"sabbatical_visits[{index}]"
        teacher(f"{where}.coach", sabbatical.coach)
        teacher(f"{where}.coachee", sabbatical.coachee)
        cycle(f"{where}.cycle", sabbatical.cycle)
        slot(f"{where}.slot", sabbatical.slot)
    for index, seat in enumerate(plan.tables):
        where = f"tables[{index}]"
        if seat.cycle not in cycles:
            problems.append(Problem(f"{where}.cycle", f"unknown cycle '{seat.cycle}'"))
        elif seat.meeting not in {meeting.id for meeting in cycles[seat.cycle].meetings}:
            problems.append(
                Problem(f"{where}.meeting", f"cycle '{seat.cycle}' has no meeting '{seat.meeting}'")
            )
        for position, team_id in enumerate(seat.teams):
            if team_id not in teams:
                problems.append(Problem(f"{where}.teams[{position}]", f"unknown team '{team_id}'"))
    for index, conversation in enumerate(plan.conversations):
        where = f"conversations[{index}]"
        for position, member in enumerate(conversation.members):
            teacher(f"{where}.members[{position}]", member)
        teacher(f"{where}.visit.host", conversation.visit.host)
        teacher(f"{where}.visit.visitor", conversation.visit.visitor)
        cycle(f"{where}.visit.cycle", conversation.visit.cycle)
        slot(f"{where}.visit.slot", conversation.visit.slot)
        slot(f"{where}.slot", conversation.slot)
    for index, unpaired in enumerate(plan.unpaired):
        teacher(f"unpaired[{index}].teacher", unpaired.teacher)
        for position, cycle_id in enumerate(unpaired.cycles):
            cycle(f"unpaired[{index}].cycles[{position}]", cycle_id)
    return problems

"""School dates: a slot's date, which dates are school days, counting school days, ISO weeks,
and moving a roster's calendar to another school year.

One home for the date logic the engine, re-planning and rollover share (the checker keeps its own
small copy: it imports only the roster models). A school day is a date whose weekday has a period
in the timetable; the roster holds no holidays, so every such date counts. Whether a teacher is on
staff or away on a date (`begin_date`, `end_date`, date ranges in `unavailable`) is here too.

A date moves to another year by whole weeks, to the same ISO week number and weekday: the week of
2026-10-05 (ISO week 41 of 2026) becomes the week of 2027-10-11 (ISO week 41 of 2027; 53 weeks
later, since 2026 has a week 53). A date in ISO week 53 moves to week 52 when the new ISO year has
only 52 weeks (the year's last week).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pairwise.roster.models import DAYS, Cycle, Roster, Teacher, parse_slot


def slot_date(slot: str) -> dt.date:
    """The date of a slot written `DATE/PERIOD`."""
    return parse_slot(slot)[0]


def school_weekdays(roster: Roster) -> frozenset[int]:
    """The weekdays (Monday = 0) on which the timetable has a period."""
    return frozenset(DAYS.index(period.day) for period in roster.periods)


def is_school_day(roster: Roster, day: dt.date) -> bool:
    """Whether the timetable has a period on that date's weekday."""
    return day.weekday() in school_weekdays(roster)


def school_days_between(weekdays: frozenset[int], earlier: dt.date, later: dt.date) -> int:
    """School days after `earlier` up to and including `later` (0 when on the same day or before)."""
    if later <= earlier or not weekdays:
        return 0
    total = (later - earlier).days
    whole_weeks, rest = divmod(total, 7)
    count = whole_weeks * len(weekdays)
    for offset in range(1, rest + 1):
        if (earlier + dt.timedelta(days=whole_weeks * 7 + offset)).weekday() in weekdays:
            count += 1
    return count


def within_school_days(
    weekdays: frozenset[int], earlier: dt.date, later: dt.date, days: int
) -> bool:
    """Whether `later` is on `earlier`'s date or at most `days` school days after it."""
    return later >= earlier and school_days_between(weekdays, earlier, later) <= days


def add_school_days(weekdays: frozenset[int], day: dt.date, days: int) -> dt.date:
    """The date `days` school days after `day` (`day` itself for 0)."""
    if not weekdays:
        raise ValueError("a timetable without periods has no school days")
    current = day
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if current.weekday() in weekdays:
            remaining -= 1
    return current


def weeks_in_iso_year(year: int) -> int:
    """52 or 53: the number of ISO weeks of an ISO year (28 December is always in its last)."""
    return dt.date(year, 12, 28).isocalendar().week


def monday_of(day: dt.date) -> dt.date:
    """The Monday of the ISO week holding `day`."""
    return day - dt.timedelta(days=day.weekday())


def same_iso_week(day: dt.date, years: int) -> dt.date:
    """`day` moved `years` ISO years on (or back), to the same ISO week number and weekday.

    Week 53 becomes week 52 when the target ISO year has no week 53.
    """
    iso = day.isocalendar()
    target_year = iso.year + years
    week = min(iso.week, weeks_in_iso_year(target_year))
    return dt.date.fromisocalendar(target_year, week, iso.weekday)


def shift_date_text(text: str, years: int) -> str:
    """A `YYYY-MM-DD` date moved as `same_iso_week` moves it."""
    return same_iso_week(dt.date.fromisoformat(text), years).isoformat()


@dataclass(frozen=True)
class ShiftedCalendar:
    """A roster's cycles moved to another year, and what the move could not keep as it was."""

    cycles: list[Cycle]
    notes: list[str]


def shift_cycles(cycles: list[Cycle], years: int) -> ShiftedCalendar:
    """Every cycle's weeks and meeting dates moved `years` on, to the same ISO weeks.

    Two weeks of a cycle that land on one (weeks 52 and 53 into a 52-week year) become one week;
    a week another cycle already holds stays with it, and this cycle takes the next free week
    after it. Each such case is noted.
    """
    notes: list[str] = []
    taken: dict[str, str] = {}
    moved: list[Cycle] = []
    for cycle in cycles:
        weeks: list[str] = []
        for week in cycle.weeks:
            target = shift_date_text(week, years)
            iso_week = dt.date.fromisoformat(week).isocalendar().week
            if taken.get(target) == cycle.id:
                notes.append(
                    f"cycle {cycle.id}: the week of {week} (ISO week {iso_week}) has no week of "
                    f"its own in the new year; it falls on the week of {target}, already in it"
                )
                continue
            if target in taken:
                # another cycle holds that week: the next free Monday after it
                wanted = target
                while target in taken:
                    target = (dt.date.fromisoformat(target) + dt.timedelta(weeks=1)).isoformat()
                notes.append(
                    f"cycle {cycle.id}: the week of {week} (ISO week {iso_week}) falls on the "
                    f"week of {wanted}, already in cycle {taken[wanted]}; it moves to {target}"
                )
            taken[target] = cycle.id
            weeks.append(target)
        meetings = [
            meeting.model_copy(update={"date": shift_date_text(meeting.date, years)})
            for meeting in cycle.meetings
        ]
        moved.append(cycle.model_copy(update={"weeks": weeks, "meetings": meetings}, deep=True))
    return ShiftedCalendar(moved, notes)


# --- staff dates ----------------------------------------------------------------------------

RANGE_SEPARATOR = ".."


def parse_date_range(entry: str) -> tuple[dt.date, dt.date] | None:
    """`2027-01-11..2027-02-05` as its first and last date (inclusive); None when `entry` is not
    written as a range. ValueError when it is one but malformed or backwards."""
    if RANGE_SEPARATOR not in entry:
        return None
    first_text, _, last_text = entry.partition(RANGE_SEPARATOR)
    try:
        first = dt.date.fromisoformat(first_text.strip())
        last = dt.date.fromisoformat(last_text.strip())
    except ValueError:
        raise ValueError(
            f"'{entry}' is not a date range written FIRST..LAST (e.g. 2027-01-11..2027-02-05)"
        ) from None
    if last < first:
        raise ValueError(f"'{entry}': the range ends before it begins")
    return first, last


def is_date_range(entry: str) -> bool:
    """Whether an `unavailable` entry is a date range rather than a period or a slot."""
    return RANGE_SEPARATOR in entry


def on_staff(teacher: Teacher, day: dt.date) -> bool:
    """Whether the teacher is on staff on a date (`begin_date` and `end_date` are inclusive)."""
    if teacher.begin_date is not None and day < dt.date.fromisoformat(teacher.begin_date):
        return False
    return not (teacher.end_date is not None and day > dt.date.fromisoformat(teacher.end_date))


def away_ranges(teacher: Teacher) -> list[tuple[dt.date, dt.date]]:
    """The teacher's date ranges of unavailability (well-formed ones; validation names the rest)."""
    ranges = []
    for entry in teacher.unavailable:
        try:
            parsed = parse_date_range(entry)
        except ValueError:
            continue
        if parsed is not None:
            ranges.append(parsed)
    return ranges


def away_on(teacher: Teacher, day: dt.date) -> bool:
    """Whether the teacher cannot take part in anything on a date: off staff, or in a date range
    of `unavailable`."""
    if not on_staff(teacher, day):
        return True
    return any(first <= day <= last for first, last in away_ranges(teacher))


def cycle_dates(roster: Roster, cycle: Cycle) -> tuple[dt.date, dt.date]:
    """The first and last date of a cycle: its slots' dates and its meetings' dates."""
    days = [slot_date(slot) for slot in roster.cycle_slots(cycle.id)]
    days += [dt.date.fromisoformat(meeting.date) for meeting in cycle.meetings]
    return min(days), max(days)


def year_dates(roster: Roster) -> tuple[dt.date, dt.date]:
    """The first and last date of the roster's school year (its cycles' slots and meetings)."""
    spans = [cycle_dates(roster, cycle) for cycle in roster.cycles]
    return min(first for first, _ in spans), max(last for _, last in spans)


def on_staff_in_cycle(roster: Roster, teacher: Teacher, cycle: Cycle) -> bool:
    """Whether the teacher is on staff for at least one slot of a cycle."""
    return any(on_staff(teacher, slot_date(slot)) for slot in roster.cycle_slots(cycle.id))


def today_in(timezone: str) -> dt.date:
    """Today's date in an IANA time zone."""
    return dt.datetime.now(ZoneInfo(timezone)).date()

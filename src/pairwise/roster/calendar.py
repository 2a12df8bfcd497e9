"""School dates: a slot's date, which dates are school days, and counting school days.

One home for the date logic the engine, re-planning and rollover share (the checker keeps its own
small copy: it imports only the roster models). A school day is a date whose weekday has a period
in the timetable; the roster holds no holidays, so every such date counts.
"""

from __future__ import annotations

import datetime as dt

from pairwise.roster.models import DAYS, Roster, parse_slot


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

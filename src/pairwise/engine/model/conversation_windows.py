"""When a conversation may take place: per cycle and slot of a visit, the slots a debrief may take
after it (later that day, or within `debrief_within_days` school days) and those a planning may
take before it. The conversation stage and a re-plan's conversations place them by these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pairwise.engine.candidates import Candidates
from pairwise.roster.calendar import school_days_between, school_weekdays
from pairwise.roster.models import parse_slot


@dataclass
class ConversationWindows:
    """Per cycle and slot: the slots a debrief may take after it, a planning before it."""

    after: dict[str, list[int]]
    before: dict[str, list[int]]
    dates: dict[str, list[dt.date]]


def conversation_windows(candidates: Candidates) -> ConversationWindows:
    """Per cycle and slot: the slots a debrief may take after it, a planning before it (also
    what a re-plan places its conversations by)."""
    roster = candidates.roster
    weekdays = school_weekdays(roster)
    days = roster.policy.debrief_within_days
    after: dict[str, list[int]] = {}
    before: dict[str, list[int]] = {}
    dates: dict[str, list[dt.date]] = {}
    for cycle, slots in candidates.slots.items():
        parsed = [parse_slot(slot) for slot in slots]
        times = [
            (roster.period_by_id[period].start, roster.period_by_id[period].end)
            for _, period in parsed
        ]
        cycle_dates = [day for day, _ in parsed]
        gaps = {
            (earlier, later): school_days_between(weekdays, earlier, later)
            for earlier in set(cycle_dates)
            for later in set(cycle_dates)
            if earlier < later
        }

        cycle_after, cycle_before = [], []
        for i, day in enumerate(cycle_dates):
            later_mask = earlier_mask = 0
            for j, other in enumerate(cycle_dates):
                if other == day:
                    if times[j][0] >= times[i][1]:
                        later_mask |= 1 << j
                    if times[j][1] <= times[i][0]:
                        earlier_mask |= 1 << j
                elif other > day and gaps[day, other] <= days:
                    later_mask |= 1 << j
                elif other < day and gaps[other, day] <= days:
                    earlier_mask |= 1 << j
            cycle_after.append(later_mask)
            cycle_before.append(earlier_mask)
        after[cycle], before[cycle], dates[cycle] = cycle_after, cycle_before, cycle_dates
    return ConversationWindows(after, before, dates)

"""Rule 10: debriefs after visits, co-taught lessons and their planning conversations.

The checker keeps its own small date code (it imports only the roster models): a school day is a
date whose weekday has a period in the timetable.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from pairwise.checker.context import (
    CheckContext,
    ResolvedSabbatical,
    ResolvedVisit,
    count_of,
    join_names,
    pair_key,
)
from pairwise.checker.report import INCONSISTENT
from pairwise.roster.models import DAYS, Conversation, Visit, parse_slot

RULE = 10


def _school_days_after(weekdays: set[int], earlier: dt.date, later: dt.date) -> int:
    """School days after `earlier` up to `later` (0 on the same day)."""
    count = 0
    day = earlier
    while day < later:
        day += dt.timedelta(days=1)
        count += day.weekday() in weekdays
    return count


class ConversationRules(CheckContext):
    """Rule 10 over the plan's conversations and co-taught lessons."""

    def _conversations(
        self, peer_visits: list[ResolvedVisit], sabbatical_visits: list[ResolvedSabbatical]
    ) -> None:
        visits = {
            (visit.host, visit.visitor, visit.cycle, visit.slot): visit
            for visit in self.plan.visits
        }
        self._co_taught_lessons()
        debriefs: Counter[tuple[str, str, str, str]] = Counter()
        plannings: Counter[tuple[str, str, str, str]] = Counter()
        for conversation in self.plan.conversations:
            reference = conversation.visit
            key = (reference.host, reference.visitor, reference.cycle, reference.slot)
            where = (
                f"{conversation.kind} of {join_names(conversation.members)} in {conversation.slot}"
            )
            visit = visits.get(key)
            if visit is None:
                self.broken(
                    INCONSISTENT,
                    f"{where}: the plan has no visit of {reference.visitor} to {reference.host} "
                    f"in {reference.slot}",
                )
                continue
            (debriefs if conversation.kind == "debrief" else plannings)[key] += 1
            self._conversation(where, conversation, visit)
        for key, count in debriefs.items():
            if count > 1:
                self.broken(
                    RULE, f"the visit of {key[1]} to {key[0]} in {key[3]} has {count} debriefs"
                )
        for key, visit in visits.items():
            if visit.mode == "co-teach" and plannings[key] != 1:
                self.broken(
                    RULE,
                    f"the co-taught lesson of {visit.visitor} with {visit.host} in {visit.slot} has "
                    f"{count_of(plannings[key], 'planning conversation')}, not one",
                )
            elif visit.mode != "co-teach" and plannings[key]:
                self.broken(
                    RULE,
                    f"the visit of {visit.visitor} to {visit.host} in {visit.slot} has a planning "
                    "conversation but is not a co-taught lesson",
                )
        self._one_place_at_a_time(peer_visits, sabbatical_visits)
        self._stated_counts()

    def _conversation(self, where: str, conversation: Conversation, visit: Visit) -> None:
        """Members, slot, free periods and the window of one conversation."""
        if sorted(conversation.members) != sorted({visit.host, visit.visitor}):
            self.broken(
                RULE, f"{where}: its members are not the visit's {visit.visitor} and {visit.host}"
            )
            return
        period = self.slot_checks(
            where, visit.cycle, conversation.slot, conversation.start, conversation.end, RULE
        )
        visit_period = self.slot_period(visit.slot)
        if period is None or visit_period is None:
            return
        for teacher in conversation.members:
            if period in self.teaches[teacher]:
                self.broken(RULE, f"{where}: {teacher} teaches in {period}")
            if self.is_unavailable(teacher, conversation.slot, period):
                self.broken(RULE, f"{where}: {teacher} is unavailable in {conversation.slot}")
        if not self._in_window(conversation, visit, period, visit_period):
            days = self.policy.debrief_within_days
            side = "after" if conversation.kind == "debrief" else "before"
            self.broken(
                RULE,
                f"{where}: not {side} the visit in {visit.slot} on its day or within "
                f"{count_of(days, 'school day')} {side} it",
            )

    def _in_window(
        self, conversation: Conversation, visit: Visit, period: str, visit_period: str
    ) -> bool:
        day, _ = parse_slot(conversation.slot)
        visit_day, _ = parse_slot(visit.slot)
        times = self.roster.period_by_id
        weekdays = {DAYS.index(p.day) for p in self.roster.periods}
        days = self.policy.debrief_within_days
        if conversation.kind == "debrief":
            if day == visit_day:
                return times[period].start >= times[visit_period].end
            return day > visit_day and _school_days_after(weekdays, visit_day, day) <= days
        if day == visit_day:
            return times[period].end <= times[visit_period].start
        return day < visit_day and _school_days_after(weekdays, day, visit_day) <= days

    def _co_taught_lessons(self) -> None:
        """A co-taught lesson: under policy tandem and reciprocal visits, a partnership of two
        tandem teachers (a lesson that took place, `took_place`, is not judged against the
        roster), at most one per partnership and cycle."""
        members = {p.id: p.members for p in self.plan.partnerships}
        per_cycle: Counter[tuple[str, str]] = Counter()
        for visit in self.plan.visits:
            if visit.mode != "co-teach":
                continue
            where = f"co-taught lesson of {visit.visitor} with {visit.host} in {visit.slot}"
            per_cycle[visit.partnership, visit.cycle] += 1
            if self.took_place(visit.slot):
                continue  # a lesson that took place is checked against the plan in force
            if not (self.policy.tandem and self.policy.reciprocal):
                self.broken(RULE, f"{where}: the policy does not allow tandem teaching")
                continue
            team = members.get(visit.partnership, [])
            if len(team) != 2:
                self.broken(RULE, f"{where}: {visit.partnership} is not a pair")
            unwilling = [t for t in team if t in self.teacher and not self.teacher[t].tandem]
            if unwilling:
                self.broken(RULE, f"{where}: {join_names(unwilling)} is not tandem")
        for (partnership, cycle), count in per_cycle.items():
            if count > 1:
                self.broken(
                    RULE, f"{partnership} has {count} co-taught lessons in cycle {cycle}, not one"
                )

    def _one_place_at_a_time(
        self, peer_visits: list[ResolvedVisit], sabbatical_visits: list[ResolvedSabbatical]
    ) -> None:
        """Nobody in a conversation and another session or conversation in one slot."""
        busy: dict[tuple[str, str], list[str]] = defaultdict(list)
        talks: set[tuple[str, str]] = set()
        for visit in peer_visits:
            for teacher in {visit.visitor, visit.host}:
                busy[visit.slot, teacher].append(f"the visit of {visit.visitor} to {visit.host}")
        for sabbatical in sabbatical_visits:
            for teacher in {sabbatical.coach, sabbatical.coachee}:
                busy[sabbatical.slot, teacher].append(
                    f"the sabbatical visit of {sabbatical.coach} to {sabbatical.coachee}"
                )
        for conversation in self.plan.conversations:
            a, b = pair_key(*conversation.members) if len(conversation.members) == 2 else ("", "")
            for teacher in set(conversation.members):
                busy[conversation.slot, teacher].append(f"the {conversation.kind} of {a} and {b}")
                talks.add((conversation.slot, teacher))
        for key in sorted(talks):
            if len(busy[key]) > 1:
                slot, teacher = key
                self.broken(RULE, f"{teacher} is in {join_names(busy[key])} in one slot, {slot}")

    def _stated_counts(self) -> None:
        counts = self.plan.conversation_counts
        co_taught = sum(1 for visit in self.plan.visits if visit.mode == "co-teach")
        if counts.placed != len(self.plan.conversations):
            self.broken(
                INCONSISTENT,
                f"conversation_counts.placed is {counts.placed} but the plan holds "
                f"{len(self.plan.conversations)} conversations",
            )
        if counts.co_taught != co_taught:
            self.broken(
                INCONSISTENT,
                f"conversation_counts.co_taught is {counts.co_taught} but the plan holds "
                f"{co_taught} co-taught lessons",
            )
        if counts.most < counts.placed or counts.co_taught_most < counts.co_taught:
            self.broken(INCONSISTENT, "conversation_counts states a most below what is placed")

"""Checking a re-plan against the plan in force it was made from (`check ROSTER NEW --was PLAN`).

Kept sessions (those starting before the re-plan's first day) are checked against the plan in
force: each is there unchanged, and nothing else is kept. Everything from the first day on is
checked against the rules as a re-plan reads them: a partnership lists the cycles it lasts (under
`rotation: year` it may end, and a new one begin, in the cycles ahead); rule 1 holds in each cycle
ahead; a visit no slot ahead can hold (a member left or is away) may be missing; year-long limits
count the kept sessions. The objective is recomputed over the whole year.

Like the rest of the checker this reads only the roster models: it shares no code with the engine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections import Counter, defaultdict

from pairwise.checker.context import (
    YEAR,
    ResolvedPartnership,
    ResolvedPartnerships,
    ResolvedSabbatical,
    ResolvedVisit,
    UnpairedEntry,
    count_of,
    join_names,
    pair_key,
    school_label,
)
from pairwise.checker.report import INCONSISTENT, CheckReport
from pairwise.checker.rules import Checker
from pairwise.roster.models import Conversation, Plan, Roster, SabbaticalVisit, Visit


def check_replan(
    roster: Roster, plan: Plan, was: Plan, *, was_bytes: bytes | None = None
) -> CheckReport:
    """Check the re-plan `plan` of the plan in force `was` for the updated `roster`."""
    return ReplanChecker(roster, plan, was, was_bytes).run()


class ReplanChecker(Checker):
    def __init__(self, roster: Roster, plan: Plan, was: Plan, was_bytes: bytes | None) -> None:
        super().__init__(roster, plan)
        self.was = was
        self.was_bytes = was_bytes
        start = plan.replans.start if plan.replans is not None else None
        self.start = start or "0000-00-00"
        self.started = [
            cycle for cycle in self.cycle_ids if min(self.cycle_slots[cycle])[:10] < self.start
        ]
        self.periods = [c for c in self.cycle_ids if c not in self.started]

    def took_place(self, slot: str) -> bool:
        """Sessions before the first day took place: they are checked against the plan in force."""
        return slot[:10] < self.start

    # --- the run --------------------------------------------------------------------------------

    def run(self) -> CheckReport:
        if self.plan.replans is None:
            self.broken(INCONSISTENT, "the plan has no replans block: it is not a re-plan")
        else:
            self._replans_block()
        self._kept_sessions()
        partnerships = self._partnerships()
        ahead = self._ahead(partnerships)
        unpaired = self._unpaired_periods()
        self._one_partnership_per_period(ahead, unpaired)
        self._triads(ahead)
        self._partner_rules_ahead(partnerships, ahead)
        self._no_repeat_partners(partnerships)
        peer_visits = self._visits(partnerships)
        sabbatical_visits = self._sabbatical_visits()
        self._one_visit_per_slot(
            [v for v in peer_visits if not self.took_place(v.slot)],
            [v for v in sabbatical_visits if not self.took_place(v.slot)],
        )
        self._covers(peer_visits, sabbatical_visits)
        self._tables()
        self._conversations(peer_visits, sabbatical_visits)
        yearly = {
            key: ResolvedPartnership(p, [YEAR] if self.policy.rotation == YEAR else periods)
            for key, (p, periods) in partnerships.items()
        }
        self._partnership_terms(yearly)
        if self.policy.rotation == YEAR:
            listed = len({entry.teacher for entry in self.plan.unpaired})
        else:
            listed = sum(len(entries) for entries in unpaired.values())
            listed += sum(1 for e in self.plan.unpaired for c in e.cycles if c in self.started)
        self.terms["unpaired"] -= self.weights.unpaired * listed
        return self._report()

    # --- against the plan in force --------------------------------------------------------------

    def _replans_block(self) -> None:
        replans = self.plan.replans
        assert replans is not None
        if self.was.roster != self.plan.roster:
            self.broken(
                INCONSISTENT,
                f"the plan in force is for '{self.was.roster}', the re-plan for '{self.plan.roster}'",
            )
        if self.was_bytes is not None:
            digest = hashlib.sha256(self.was_bytes).hexdigest()
            if replans.plan != digest:
                self.broken(
                    INCONSISTENT,
                    "replans.plan is not the sha256 of the plan in force given: the re-plan was "
                    "made from another plan",
                )
        counted = self._count_changes()
        if counted != len(replans.changes):
            self.broken(
                INCONSISTENT,
                f"replans lists {count_of(len(replans.changes), 'change')} but the plans differ "
                f"in {count_of(counted, 'session')} from {replans.start}",
            )
        if replans.change_bound > len(replans.changes):
            self.broken(
                INCONSISTENT,
                f"replans.change_bound {replans.change_bound} is more than the changes made",
            )

    def _visit_keys(self, plan: Plan) -> Counter[tuple[object, ...]]:
        members = {p.id: frozenset(p.members) for p in plan.partnerships}
        return Counter(
            (members.get(v.partnership, frozenset()), v.visitor, v.host, v.cycle, v.slot)
            for v in plan.visits
            if not self.took_place(v.slot)
        )

    def _count_changes(self) -> int:
        """Sessions ahead in one plan and not the other, a move counted once. A visit is the same
        session in both plans with the same visitor, host and cycle; it changed (once) when its
        slot or its partnership's members did."""
        changes = 0
        old, new = self._visit_keys(self.was), self._visit_keys(self.plan)
        gone, came = old - new, new - old
        moved = Counter(key[1:4] for key in gone) & Counter(key[1:4] for key in came)
        changes += sum(gone.values()) + sum(came.values()) - sum(moved.values())
        before = Counter(
            (v.coach, v.coachee, v.cycle, v.slot)
            for v in self.was.sabbatical_visits
            if not self.took_place(v.slot)
        )
        after = Counter(
            (v.coach, v.coachee, v.cycle, v.slot)
            for v in self.plan.sabbatical_visits
            if not self.took_place(v.slot)
        )
        lost, found = before - after, after - before
        shifted = Counter(k[:3] for k in lost) & Counter(k[:3] for k in found)
        changes += sum(lost.values()) + sum(found.values()) - sum(shifted.values())
        kept_meetings = self._kept_meetings()

        def tables(plan: Plan) -> set[tuple[str, str, tuple[str, ...]]]:
            return {
                (s.cycle, s.meeting, tuple(sorted(s.teams)))
                for s in plan.tables
                if (s.cycle, s.meeting) not in kept_meetings
            }

        changes += len(tables(self.was) ^ tables(self.plan))
        return changes

    def _kept_conversations(self) -> None:
        """A conversation that took place (it and its visit before the first day) is in the
        re-plan unchanged; nothing before the first day is in it that was not in the plan in
        force (a planning held before the day goes with its lesson, kept or not)."""

        def texts(plan: Plan, both: bool) -> Counter[str]:
            return Counter(
                _conversation_text(c)
                for c in plan.conversations
                if self.took_place(c.slot) and (self.took_place(c.visit.slot) or not both)
            )

        for text in texts(self.was, True) - texts(self.plan, False):
            self.broken(INCONSISTENT, f"kept {text} is missing or changed")
        for text in texts(self.plan, False) - texts(self.was, False):
            self.broken(
                INCONSISTENT, f"{text} starts before {self.start} but is not in the plan in force"
            )

    def _conversation(self, where: str, conversation: Conversation, visit: Visit) -> None:
        """Rule 10 from the first day on; one that took place is checked against the plan in
        force instead (`_kept_conversations`)."""
        if not self.took_place(conversation.slot):
            super()._conversation(where, conversation, visit)

    def _kept_meetings(self) -> set[tuple[str, str]]:
        return {
            (cycle.id, meeting.id)
            for cycle in self.roster.cycles
            for meeting in cycle.meetings
            if meeting.date < self.start
        }

    def _kept_sessions(self) -> None:
        """Every kept session of the plan in force is in the re-plan unchanged, and no other."""

        def visits(plan: Plan) -> Counter[str]:
            return Counter(_visit_text(v) for v in plan.visits if self.took_place(v.slot))

        def sabbaticals(plan: Plan) -> Counter[str]:
            return Counter(
                _sabbatical_text(v) for v in plan.sabbatical_visits if self.took_place(v.slot)
            )

        kept_meetings = self._kept_meetings()

        def tables(plan: Plan) -> Counter[str]:
            return Counter(
                f"table {s.table} at {s.meeting} ({s.cycle}): {join_names(s.teams)}"
                for s in plan.tables
                if (s.cycle, s.meeting) in kept_meetings
            )

        for what, reader in (("visit", visits), ("sabbatical visit", sabbaticals), ("", tables)):
            before, after = reader(self.was), reader(self.plan)
            for text in before - after:
                self.broken(INCONSISTENT, f"kept {what or 'table'} {text} is missing or changed")
            for text in after - before:
                self.broken(
                    INCONSISTENT,
                    f"{text} starts before {self.start} but is not in the plan in force",
                )
        self._kept_conversations()
        members_before = {
            (frozenset(p.members), c) for p in self.was.partnerships for c in p.cycles
        }
        for partnership in self.plan.partnerships:
            for cycle in partnership.cycles:
                if (
                    cycle in self.started
                    and (
                        frozenset(partnership.members),
                        cycle,
                    )
                    not in members_before
                ):
                    self.broken(
                        INCONSISTENT,
                        f"partnership {partnership.id} is new in cycle {cycle}, which had started: "
                        "a started cycle keeps its partnerships",
                    )

    # --- rule 1 as a re-plan reads it -----------------------------------------------------------

    def _partnerships(self) -> ResolvedPartnerships:
        """Partnerships whose ids resolve, with the cycles each lasts."""
        result: ResolvedPartnerships = {}
        all_cycles = set(self.cycle_ids)
        for index, partnership in enumerate(self.plan.partnerships):
            where = f"partnership {partnership.id}"
            unknown = [m for m in partnership.members if m not in self.teacher]
            if partnership.id in result or unknown:
                self.broken(
                    INCONSISTENT,
                    f"partnerships[{index}]: duplicate id or unknown teacher ({where})",
                )
                continue
            cycles = list(dict.fromkeys(c for c in partnership.cycles if c in all_cycles))
            if len(cycles) != len(partnership.cycles) or not cycles:
                self.broken(INCONSISTENT, f"{where}: an unknown, repeated or missing cycle")
            for member in partnership.members:
                ahead = [c for c in cycles if c in self.periods]
                if ahead and not self.teacher[member].participates:
                    self.broken(
                        1, f"{member} does not participate but is in partnership {partnership.id}"
                    )
            result[partnership.id] = ResolvedPartnership(partnership, cycles)
        return result

    def _ahead(self, partnerships: ResolvedPartnerships) -> ResolvedPartnerships:
        return {
            key: ResolvedPartnership(p, [c for c in periods if c in self.periods])
            for key, (p, periods) in partnerships.items()
            if any(c in self.periods for c in periods)
        }

    def _unpaired_periods(self) -> dict[str, list[UnpairedEntry]]:
        result: dict[str, list[UnpairedEntry]] = defaultdict(list)
        for index, entry in enumerate(self.plan.unpaired):
            if entry.teacher not in self.teacher:
                self.broken(INCONSISTENT, f"unpaired[{index}]: unknown teacher {entry.teacher}")
                continue
            for cycle in dict.fromkeys(entry.cycles):
                if cycle in self.periods:
                    result[cycle].append(UnpairedEntry(entry.teacher, index))
        return result

    def period_label(self, period: str) -> str:
        return f"cycle {period}"

    def on_staff_in_period(self, teacher: str, period: str) -> bool:
        return self.on_staff_in_cycle(teacher, period)

    def _partner_rules_ahead(
        self, partnerships: ResolvedPartnerships, ahead: ResolvedPartnerships
    ) -> None:
        """Rule 2 for partnerships in the cycles ahead; a lock holds when the pair are partners
        anywhere in the year (a kept partnership counts)."""
        for partnership, _ in ahead.values():
            for a, b in itertools.combinations(partnership.members, 2):
                where = f"{a} and {b} are partners ({partnership.id})"
                if pair_key(a, b) in self.avoid:
                    self.broken(2, f"{where} but are an avoid relation")
                evaluation = self.evaluates(a, b)
                if evaluation:
                    self.broken(2, f"{where} but {evaluation}")
                if not self.policy.cross_school_pairs and self.school[a] != self.school[b]:
                    self.broken(2, f"{where} across schools but cross_school_pairs is false")
        partners = {
            pair_key(a, b)
            for partnership, _ in partnerships.values()
            for a, b in itertools.combinations(partnership.members, 2)
        }
        for a, b in self.lock:
            if (a, b) not in partners:
                self.broken(2, f"{a} and {b} are locked together but are not partners")

    # --- visits ---------------------------------------------------------------------------------

    def visit_slot(
        self,
        where: str,
        rule: int,
        visit: Visit | SabbaticalVisit,
        watcher: tuple[str, str],
        watched: tuple[str, str],
    ) -> bool:
        if self.took_place(visit.slot):
            return visit.covered  # kept as it was, checked against the plan in force
        return super().visit_slot(where, rule, visit, watcher, watched)

    def _visit_counts(
        self,
        partnerships: ResolvedPartnerships,
        by_cycle: dict[tuple[str, str], list[ResolvedVisit]],
    ) -> None:
        """Rule 4, where a visit no slot ahead can hold may be missing."""
        for partnership, cycles in partnerships.values():
            members = partnership.members
            for cycle in cycles:
                visits = by_cycle.get((partnership.id, cycle), [])
                where = f"{partnership.id} ({join_names(members)}) in cycle {cycle}"
                visitors = Counter(v.visitor for v in visits)
                hosts = Counter(v.host for v in visits)
                if any(n > 1 for n in visitors.values()) or any(n > 1 for n in hosts.values()):
                    self.broken(4, f"{where}: a member visits or hosts more than once")
                    continue
                if len(members) == 2 and not self.policy.reciprocal:
                    if len(visits) == 1:
                        continue
                    needed = [(members[0], members[1]), (members[1], members[0])]
                    if not visits and all(not self._can_visit(v, h, cycle) for v, h in needed):
                        continue
                    self.broken(4, f"{where} makes {count_of(len(visits), 'visit')}, not one")
                    continue
                missing = [m for m in members if visitors[m] == 0 or hosts[m] == 0]
                excused = [m for m in missing if not self._present_ahead(m, cycle)]
                expected = 2 if len(members) == 2 else 3
                if len(visits) == expected or (
                    missing and set(missing) <= self._touching(excused, members)
                ):
                    continue
                self.broken(
                    4,
                    f"{where} makes {count_of(len(visits), 'visit')} of {expected}, and a slot "
                    "ahead could hold the missing ones",
                )

    def _touching(self, excused: list[str], members: list[str]) -> set[str]:
        """Members whose missing visit involves an absent member (pairs: both; triads: all)."""
        return set(members) if excused else set()

    def _present_ahead(self, teacher: str, cycle: str) -> bool:
        """Whether the teacher could take part in some slot of the cycle from the first day on."""
        for slot in self.cycle_slots[cycle]:
            if self.took_place(slot):
                continue
            period = self.slot_period(slot)
            if period is not None and not self.is_unavailable(teacher, slot, period):
                return True
        return False

    def _can_visit(self, visitor: str, host: str, cycle: str) -> bool:
        for slot in self.cycle_slots[cycle]:
            period = self.slot_period(slot)
            if self.took_place(slot) or period is None or period not in self.teaches[host]:
                continue
            if not self.is_unavailable(visitor, slot, period) and not self.is_unavailable(
                host, slot, period
            ):
                return True
        return False

    def _covers(
        self,
        peer_visits: list[ResolvedVisit],
        sabbatical_visits: list[ResolvedSabbatical],
    ) -> None:
        """Covers per slot from the first day on; release limits over the whole year."""
        per_slot: Counter[tuple[str, str]] = Counter()
        per_visitor: Counter[str] = Counter()
        ahead_visitor: Counter[str] = Counter()
        per_school: Counter[str] = Counter()
        ahead_school: Counter[str] = Counter()
        for visit in peer_visits:
            if not visit.covered:
                continue
            self.terms["cover"] -= self.weights.cover
            school = self.school[visit.visitor]
            per_visitor[visit.visitor] += 1
            per_school[school] += 1
            if not self.took_place(visit.slot):
                per_slot[(visit.slot, school)] += 1
                ahead_visitor[visit.visitor] += 1
                ahead_school[school] += 1
        for sabbatical in sabbatical_visits:
            if sabbatical.covered:
                self.terms["cover"] -= self.weights.cover
                if not self.took_place(sabbatical.slot):
                    per_slot[(sabbatical.slot, self.school[sabbatical.coach])] += 1
        for (slot, school), count in per_slot.items():
            limit = self.cover_override.get(slot, self.policy.cover_per_period)
            if count > limit:
                self.broken(
                    7, f"slot {slot}: {school_label(school)} needs {count} covers, has {limit}"
                )
        for visitor, count in per_visitor.items():
            release = self.teacher[visitor].max_release
            if release is not None and count > release and ahead_visitor[visitor]:
                self.broken(7, f"{visitor} makes {count} covered visits; max_release is {release}")
        budget = self.policy.release_budget
        if budget is not None:
            for school, count in per_school.items():
                if count > budget and ahead_school[school]:
                    self.broken(
                        7,
                        f"{school_label(school)} uses {count} covered peer visits; "
                        f"release_budget is {budget}",
                    )


def _visit_text(visit: Visit) -> str:
    return (
        f"{visit.visitor} visiting {visit.host} in {visit.slot} ({visit.partnership}, "
        f"{visit.cycle}, covered {str(visit.covered).lower()}"
        + (", co-taught)" if visit.mode == "co-teach" else ")")
    )


def _conversation_text(conversation: Conversation) -> str:
    reference = conversation.visit
    return (
        f"{conversation.kind} of {join_names(conversation.members)} in {conversation.slot} "
        f"(after or before the visit of {reference.visitor} to {reference.host} in "
        f"{reference.slot})"
    )


def _sabbatical_text(visit: SabbaticalVisit) -> str:
    return f"{visit.coach} coaching {visit.coachee} in {visit.slot} ({visit.cycle})"


def first_day(plan: Plan) -> dt.date | None:
    """The re-plan's first day, when the plan is one."""
    if plan.replans is None:
        return None
    return dt.date.fromisoformat(plan.replans.start)

"""What one check of one plan reads: lookups precomputed from the roster, and the helpers every
rule shares.

The checker reads only the roster, the plan and the formats (`pairwise.roster.models`). It never
imports the objective, the network or any solver, so a mistake there shows up here as a
disagreement instead of being repeated.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from pairwise.checker.report import INCONSISTENT, Violation
from pairwise.roster.models import (
    TERM_NAMES,
    Partnership,
    Plan,
    Roster,
    SabbaticalVisit,
    Teacher,
    Visit,
    parse_slot,
)

YEAR: str = "year"  # the one rotation period under `rotation: year`


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def school_label(school: str) -> str:
    return f"school '{school}'" if school else "the school"


def count_of(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def join_names(items: Iterable[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class ResolvedVisit:
    """A peer visit whose ids resolve, with what the checker derived about it."""

    partnership: str
    cycle: str
    host: str
    visitor: str
    slot: str
    covered: bool  # recomputed: the visitor teaches then (the stated flag when unknowable)


@dataclass(frozen=True)
class ResolvedSabbatical:
    """A sabbatical visit whose ids resolve."""

    slot: str
    coach: str
    coachee: str
    covered: bool  # recomputed: the coach teaches then (the stated flag when unknowable)


# each partnership whose ids resolve, by id, with its rotation periods
class ResolvedPartnership(NamedTuple):
    """A partnership whose ids resolve, with the rotation periods it spans."""

    partnership: Partnership
    periods: list[str]


class UnpairedEntry(NamedTuple):
    """A teacher listed unpaired in a rotation period, and where in `plan.unpaired`."""

    teacher: str
    position: int


ResolvedPartnerships = dict[str, ResolvedPartnership]


def _away_spans(teacher: Teacher) -> list[tuple[str, str]]:
    """The teacher's dates off staff and date ranges of unavailability, as ISO text spans
    (the checker keeps its own small date code: it shares none with the engine)."""
    spans = []
    if teacher.begin_date is not None:
        spans.append(("0000-00-00", _day_before(teacher.begin_date)))
    if teacher.end_date is not None:
        spans.append((_day_after(teacher.end_date), "9999-99-99"))
    for entry in teacher.unavailable:
        first, separator, last = entry.partition("..")
        if separator:
            spans.append((first.strip(), last.strip()))
    return spans


def _day_before(day: str) -> str:
    return (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()


def _day_after(day: str) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()


class CheckContext:
    """One check of one plan: the lookups precomputed from roster and plan, and shared helpers."""

    def __init__(self, roster: Roster, plan: Plan) -> None:
        self.roster = roster
        self.plan = plan
        self.policy = roster.policy
        self.weights = roster.policy.weights
        self.year = plan.year if plan.year is not None else roster.year
        self.violations: list[Violation] = []
        self.terms: dict[str, int] = dict.fromkeys(TERM_NAMES, 0)

        self.teacher: dict[str, Teacher] = {t.id: t for t in roster.teachers}
        self.school = self._schools()
        self.teaches = {t.id: frozenset(t.teaches) for t in roster.teachers}
        self.unavailable_periods = {
            t.id: frozenset(u for u in t.unavailable if "/" not in u and ".." not in u)
            for t in roster.teachers
        }
        self.away = {t.id: _away_spans(t) for t in roster.teachers}
        self.unavailable_slots = {
            t.id: frozenset(u for u in t.unavailable if "/" in u) for t in roster.teachers
        }
        self.cycle_ids = [cycle.id for cycle in roster.cycles]
        self.cycle_slots = {
            cycle_id: set(roster.cycle_slots(cycle_id)) for cycle_id in self.cycle_ids
        }
        self.cover_override = {o.slot: o.cover for o in self.policy.cover_overrides}
        self.avoid = {pair_key(r.a, r.b) for r in roster.relations if r.kind == "avoid"}
        # a `continue` pair (both asked to keep working together) earns the request reward, once,
        # and pays no repeat
        self.request = {
            pair_key(r.a, r.b) for r in roster.relations if r.kind in ("request", "continue")
        }
        self.continuing = {pair_key(r.a, r.b) for r in roster.relations if r.kind == "continue"}
        # a lock is an admin's decision for the roster's year ("must be partners this year"); a
        # later year's plan of a multi-year rotation is not bound by it
        binds_locks = plan.year is None or plan.year == roster.year
        self.lock = sorted(
            {pair_key(r.a, r.b) for r in roster.relations if r.kind == "lock" and binds_locks}
        )
        self.periods = [YEAR] if self.policy.rotation == "year" else list(self.cycle_ids)
        self.team_strengths: dict[str, set[str]] = defaultdict(set)
        for teacher in roster.teachers:
            if teacher.team is not None:
                self.team_strengths[teacher.team].update(teacher.strengths)
        self.last_team_year: dict[tuple[str, str], int] = {}
        for entry in roster.team_history:
            if entry.year < self.year:
                key = pair_key(entry.a, entry.b)
                self.last_team_year[key] = max(self.last_team_year.get(key, entry.year), entry.year)
        self._slot_period_cache: dict[str, str | None] = {}
        self._slot_times_cache: dict[str, tuple[str, str]] = {}

    def _schools(self) -> dict[str, str]:
        """Each teacher's school as `Roster.school_of` defines it, computed in one pass."""
        team_school: dict[str, str] = {}
        for teacher in self.roster.teachers:
            if teacher.team is not None and teacher.school is not None:
                team_school.setdefault(teacher.team, teacher.school)
        for team in self.roster.teams:
            if team.school is not None:
                team_school[team.id] = team.school
        teams = {team.id for team in self.roster.teams}
        schools = {}
        for teacher in self.roster.teachers:
            if teacher.school is not None:
                schools[teacher.id] = teacher.school
            elif teacher.team is not None and teacher.team in teams:
                schools[teacher.id] = team_school.get(teacher.team, "")
            else:
                schools[teacher.id] = ""
        self.team_school = {team.id: team_school.get(team.id, "") for team in self.roster.teams}
        return schools

    # --- shared helpers -------------------------------------------------------------------------

    def broken(self, rule: int, message: str) -> None:
        self.violations.append(Violation(rule, message))

    def took_place(self, slot: str) -> bool:
        """Whether the session in `slot` took place before the plan was made: a re-plan keeps it
        as it was and checks it against the plan in force, not the roster. A plan checked on its
        own has none."""
        return False

    def period_label(self, period: str) -> str:
        return "the year" if period == YEAR else f"cycle {period}"

    def slot_period(self, slot: str) -> str | None:
        """The timetable period a slot names, or None when it is malformed or names none."""
        if slot not in self._slot_period_cache:
            try:
                _, period = parse_slot(slot)
            except ValueError:
                period = None
            if period is not None and period not in self.roster.period_by_id:
                period = None
            self._slot_period_cache[slot] = period
        return self._slot_period_cache[slot]

    def is_unavailable(self, teacher: str, slot: str, period: str) -> bool:
        if period in self.unavailable_periods[teacher] or slot in self.unavailable_slots[teacher]:
            return True
        spans = self.away[teacher]
        if not spans:
            return False
        day = slot[:10]  # ISO dates compare as text
        return any(first <= day <= last for first, last in spans)

    def on_staff_in_cycle(self, teacher: str, cycle: str) -> bool:
        """Whether the teacher is on staff (begin_date..end_date) for some slot of a cycle."""
        record = self.teacher[teacher]
        if record.begin_date is None and record.end_date is None:
            return True
        first = record.begin_date or "0000-00-00"
        last = record.end_date or "9999-99-99"
        return any(first <= slot[:10] <= last for slot in self.cycle_slots[cycle])

    def on_staff_in_period(self, teacher: str, period: str) -> bool:
        cycles = self.cycle_ids if period == YEAR else [period]
        return any(self.on_staff_in_cycle(teacher, cycle) for cycle in cycles)

    def evaluates(self, a: str, b: str) -> str | None:
        """Words for an evaluator relation between a and b, in either direction, or None."""
        if self.teacher[b].evaluator == a:
            return f"{a} evaluates {b}"
        if self.teacher[a].evaluator == b:
            return f"{b} evaluates {a}"
        return None

    def slot_checks(
        self, where: str, cycle: str, slot: str, start: str | None, end: str | None, rule: int
    ) -> str | None:
        """The slot's period when the slot is usable; reports a malformed slot or one outside the
        cycle, and stated start/end times that are not the slot's (absent ones follow from it)."""
        period = self.slot_period(slot)
        if period is None:
            self.broken(INCONSISTENT, f"{where}: '{slot}' is not a slot of this roster's timetable")
            return None
        if slot not in self.cycle_slots[cycle]:
            self.broken(rule, f"{where}: slot {slot} does not lie in cycle {cycle}'s weeks")
        elif (start is not None and start != self.slot_times(slot)[0]) or (
            end is not None and end != self.slot_times(slot)[1]
        ):
            expected_start, expected_end = self.slot_times(slot)
            self.broken(
                INCONSISTENT,
                f"{where}: {_stated_times(start, end)} but slot {slot} runs "
                f"{expected_start} to {expected_end}",
            )
        return period

    # rule 5: (and rule 8's slot conditions) host or coachee teaches, nobody unavailable, covered
    # exactly when the visitor or coach teaches, the slot in the cycle's weeks
    def visit_slot(
        self,
        where: str,
        rule: int,
        visit: Visit | SabbaticalVisit,
        watcher: tuple[str, str],
        watched: tuple[str, str],
    ) -> bool:
        """Rule 5 (peer) or 8 (sabbatical) for a visit's slot; whether the visit is covered.

        The slot lies in the cycle, the watched teacher (host, coachee) teaches then, neither is
        unavailable, and `covered` says whether the watcher (visitor, coach) teaches then. When the
        slot names no period, the stated flag stands.
        """
        period = self.slot_checks(where, visit.cycle, visit.slot, visit.start, visit.end, rule)
        if period is None:
            return visit.covered
        (watcher_role, watcher_id), (watched_role, watched_id) = watcher, watched
        covered = period in self.teaches[watcher_id]
        if period not in self.teaches[watched_id]:
            self.broken(
                rule, f"{where}: the {watched_role} {watched_id} does not teach in {period}"
            )
        for role, teacher in (watched, watcher):
            if self.is_unavailable(teacher, visit.slot, period):
                self.broken(rule, f"{where}: the {role} {teacher} is unavailable in {visit.slot}")
        if visit.covered != covered:
            truth = "teaches" if covered else "does not teach"
            self.broken(
                rule,
                f"{where}: covered is {str(visit.covered).lower()} but the {watcher_role} "
                f"{watcher_id} {truth} in {period}",
            )
        return covered

    def slot_times(self, slot: str) -> tuple[str, str]:
        if slot not in self._slot_times_cache:
            self._slot_times_cache[slot] = self.roster.slot_times(slot)
        return self._slot_times_cache[slot]


def _stated_times(start: str | None, end: str | None) -> str:
    if start is not None and end is not None:
        return f"start/end are '{start}'/'{end}'"
    return f"start is '{start}'" if start is not None else f"end is '{end}'"

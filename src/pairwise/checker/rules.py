"""The independent checker: SPEC's nine hard rules and its objective, recomputed from roster and plan.

This module reads only the roster, the plan and SPEC's vocabulary (`pairwise.formats`). It never
imports the objective, the network or any solver, so a mistake there shows up here as a
disagreement instead of being repeated.
"""

from __future__ import annotations

import difflib
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

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

INCONSISTENT = 0  # not a hard-rule break, but the plan contradicts itself or the roster


@dataclass(frozen=True)
class Violation:
    """One broken hard rule (1..9), or rule 0: a plan inconsistent with itself or the roster."""

    rule: int
    message: str

    def __str__(self) -> str:
        prefix = f"rule {self.rule}" if self.rule else "inconsistent"
        return f"{prefix}: {self.message}"


@dataclass
class CheckReport:
    """Every broken rule, the recomputed terms and objective, and where the plan's statement differs."""

    violations: list[Violation] = field(default_factory=list)
    terms: dict[str, int] = field(default_factory=dict)
    objective: int = 0
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations and not self.mismatches

    @property
    def broken_rules(self) -> list[int]:
        """The distinct rule numbers broken (0 for inconsistencies), in order."""
        return sorted({violation.rule for violation in self.violations})

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "violations": [
                {"rule": violation.rule, "message": violation.message}
                for violation in self.violations
            ],
            "terms": dict(self.terms),
            "objective": self.objective,
            "mismatches": list(self.mismatches),
        }


def check(roster: Roster, plan: Plan) -> CheckReport:
    """Check `plan` against every hard rule of SPEC and recompute its objective term by term."""
    return _Checker(roster, plan).run()


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _school_label(school: str) -> str:
    return f"school '{school}'" if school else "the school"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _names(items: Iterable[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class _PeerVisit:
    """A peer visit whose ids resolve, with what the checker derived about it."""

    partnership: str
    cycle: str
    host: str
    visitor: str
    slot: str
    covered: bool  # recomputed: the visitor teaches then (the stated flag when unknowable)


@dataclass(frozen=True)
class _Sabbatical:
    """A sabbatical visit whose ids resolve."""

    slot: str
    coach: str
    coachee: str
    covered: bool  # recomputed: the coach teaches then (the stated flag when unknowable)


# each partnership whose ids resolve, by id, with its rotation periods
_Partnerships = dict[str, tuple[Partnership, list[str]]]


class _Checker:
    """One check of one plan: precomputed lookups, then one method per rule."""

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
            t.id: frozenset(u for u in t.unavailable if "/" not in u) for t in roster.teachers
        }
        self.unavailable_slots = {
            t.id: frozenset(u for u in t.unavailable if "/" in u) for t in roster.teachers
        }
        self.cycle_ids = [cycle.id for cycle in roster.cycles]
        self.cycle_slots = {
            cycle_id: set(roster.cycle_slots(cycle_id)) for cycle_id in self.cycle_ids
        }
        self.cover_override = {o.slot: o.cover for o in self.policy.cover_overrides}
        self.avoid = {_pair(r.a, r.b) for r in roster.relations if r.kind == "avoid"}
        # a `continue` pair (both asked to keep working together) earns the request reward, once
        self.request = {
            _pair(r.a, r.b) for r in roster.relations if r.kind in ("request", "continue")
        }
        self.continuing = {_pair(r.a, r.b) for r in roster.relations if r.kind == "continue"}
        # a lock is an admin's decision for the roster's year ("must be partners this year"); a
        # later year's plan of a multi-year rotation is not bound by it
        binds_locks = plan.year is None or plan.year == roster.year
        self.lock = sorted(
            {_pair(r.a, r.b) for r in roster.relations if r.kind == "lock" and binds_locks}
        )
        self.periods = [YEAR] if self.policy.rotation == "year" else list(self.cycle_ids)
        self.team_strengths: dict[str, set[str]] = defaultdict(set)
        for teacher in roster.teachers:
            if teacher.team is not None:
                self.team_strengths[teacher.team].update(teacher.strengths)
        self.last_team_year: dict[tuple[str, str], int] = {}
        for entry in roster.team_history:
            if entry.year < self.year:
                key = _pair(entry.a, entry.b)
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
        return (
            period in self.unavailable_periods[teacher] or slot in self.unavailable_slots[teacher]
        )

    def evaluates(self, a: str, b: str) -> str | None:
        """Words for an evaluator relation between a and b, in either direction, or None."""
        if self.teacher[b].evaluator == a:
            return f"{a} evaluates {b}"
        if self.teacher[a].evaluator == b:
            return f"{b} evaluates {a}"
        return None

    def slot_checks(
        self, where: str, cycle: str, slot: str, start: str, end: str, rule: int
    ) -> str | None:
        """The slot's period when the slot is usable; reports a malformed slot or one outside the cycle."""
        period = self.slot_period(slot)
        if period is None:
            self.broken(INCONSISTENT, f"{where}: '{slot}' is not a slot of this roster's timetable")
            return None
        if slot not in self.cycle_slots[cycle]:
            self.broken(rule, f"{where}: slot {slot} does not lie in cycle {cycle}'s weeks")
        elif (start, end) != self.slot_times(slot):
            expected_start, expected_end = self.slot_times(slot)
            self.broken(
                INCONSISTENT,
                f"{where}: start/end are '{start}'/'{end}' but slot {slot} runs "
                f"{expected_start} to {expected_end}",
            )
        return period

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

    # --- the run --------------------------------------------------------------------------------

    def run(self) -> CheckReport:
        partnerships = self._partnerships()
        unpaired = self._unpaired_periods()
        self._one_partnership_per_period(partnerships, unpaired)
        self._triads(partnerships)
        self._partner_rules(partnerships)
        self._no_repeat_partners(partnerships)
        peer_visits = self._visits(partnerships)
        sabbatical_slots = self._sabbatical_visits()
        self._one_visit_per_slot(peer_visits, sabbatical_slots)
        self._covers(peer_visits, sabbatical_slots)
        self._tables()
        self._partnership_terms(partnerships)
        # minus the weight for each teacher and rotation period listed unpaired
        listed = sum(len(entries) for entries in unpaired.values())
        self.terms["unpaired"] -= self.weights.unpaired * listed
        objective = sum(self.terms.values())
        return CheckReport(
            violations=self.violations,
            terms=self.terms,
            objective=objective,
            mismatches=self._mismatches(objective),
        )

    # --- rule 1: partnerships and unpaired ------------------------------------------------------

    def _partnerships(self) -> _Partnerships:
        """Partnerships whose ids resolve, each with its rotation periods; reports the rest."""
        result: _Partnerships = {}
        all_cycles = set(self.cycle_ids)
        for index, partnership in enumerate(self.plan.partnerships):
            where = f"partnership {partnership.id}"
            if partnership.id in result:
                self.broken(
                    INCONSISTENT,
                    f"partnerships[{index}]: duplicate partnership id {partnership.id}",
                )
                continue
            unknown = [m for m in partnership.members if m not in self.teacher]
            if unknown:
                self.broken(INCONSISTENT, f"{where}: unknown teacher {_names(unknown)}")
                continue
            if len(set(partnership.members)) != len(partnership.members):
                self.broken(
                    INCONSISTENT, f"{where}: lists a member twice ({_names(partnership.members)})"
                )
                continue
            unknown_cycles = [c for c in partnership.cycles if c not in all_cycles]
            if unknown_cycles:
                self.broken(INCONSISTENT, f"{where}: unknown cycle {_names(unknown_cycles)}")
            cycles = list(dict.fromkeys(c for c in partnership.cycles if c in all_cycles))
            if len(cycles) != len(partnership.cycles) - len(unknown_cycles):
                self.broken(INCONSISTENT, f"{where}: lists a cycle twice")
            if self.policy.rotation == YEAR:
                if set(cycles) != all_cycles:
                    self.broken(
                        INCONSISTENT,
                        f"{where}: lists cycles {_names(cycles) or 'none'}, but under rotation "
                        f"'year' a partnership lists every cycle ({_names(self.cycle_ids)})",
                    )
                periods: list[str] = [YEAR]
            else:
                if not cycles:
                    self.broken(INCONSISTENT, f"{where}: lists no cycle")
                periods = cycles
            for member in partnership.members:
                if not self.teacher[member].participates:
                    self.broken(
                        1, f"{member} does not participate but is in partnership {partnership.id}"
                    )
            result[partnership.id] = (partnership, periods)
        return result

    def _unpaired_periods(self) -> dict[str, list[tuple[str, int]]]:
        """Per rotation period, the (teacher, entry index) listed unpaired in it."""
        result: dict[str, list[tuple[str, int]]] = defaultdict(list)
        all_cycles = set(self.cycle_ids)
        for index, entry in enumerate(self.plan.unpaired):
            where = f"unpaired[{index}] ({entry.teacher})"
            if entry.teacher not in self.teacher:
                self.broken(INCONSISTENT, f"{where}: unknown teacher {entry.teacher}")
                continue
            if not self.teacher[entry.teacher].participates:
                self.broken(
                    INCONSISTENT,
                    f"{where}: {entry.teacher} does not participate, so cannot be unpaired",
                )
            unknown_cycles = [c for c in entry.cycles if c not in all_cycles]
            if unknown_cycles:
                self.broken(INCONSISTENT, f"{where}: unknown cycle {_names(unknown_cycles)}")
            cycles = list(dict.fromkeys(c for c in entry.cycles if c in all_cycles))
            if self.policy.rotation == YEAR:
                if set(cycles) != all_cycles:
                    self.broken(
                        INCONSISTENT,
                        f"{where}: lists cycles {_names(cycles) or 'none'}, but under rotation "
                        f"'year' an unpaired teacher is unpaired for every cycle",
                    )
                result[YEAR].append((entry.teacher, index))
            else:
                if not cycles:
                    self.broken(INCONSISTENT, f"{where}: lists no cycle")
                for cycle in cycles:
                    result[cycle].append((entry.teacher, index))
        return result

    def _one_partnership_per_period(
        self,
        partnerships: _Partnerships,
        unpaired: dict[str, list[tuple[str, int]]],
    ) -> None:
        in_partnerships: dict[str, dict[str, list[str]]] = {
            p: defaultdict(list) for p in self.periods
        }
        for partnership, periods in partnerships.values():
            for period in periods:
                for member in partnership.members:
                    in_partnerships[period][member].append(partnership.id)
        for period in self.periods:
            label = self.period_label(period)
            listed = Counter(teacher for teacher, _ in unpaired.get(period, []))
            for teacher in self.roster.teachers:
                if not teacher.participates:
                    continue
                ids = in_partnerships[period].get(teacher.id, [])
                times_unpaired = listed.get(teacher.id, 0)
                if not ids and not times_unpaired:
                    self.broken(
                        1, f"{teacher.id} is neither in a partnership nor unpaired in {label}"
                    )
                elif len(ids) > 1:
                    self.broken(1, f"{teacher.id} is in partnerships {_names(ids)} in {label}")
                if ids and times_unpaired:
                    self.broken(
                        1,
                        f"{teacher.id} is in partnership {ids[0]} and also listed unpaired in {label}",
                    )
                elif times_unpaired > 1:
                    self.broken(
                        1, f"{teacher.id} is listed unpaired {times_unpaired} times in {label}"
                    )

    def _triads(self, partnerships: _Partnerships) -> None:
        for period in self.periods:
            partnered: Counter[str] = Counter()
            triads: dict[str, list[str]] = defaultdict(list)
            for partnership, periods in partnerships.values():
                if period not in periods:
                    continue
                for member in partnership.members:
                    partnered[self.school[member]] += 1
                if len(partnership.members) == 3:
                    triads[self.school[partnership.members[0]]].append(partnership.id)
            label = self.period_label(period)
            for school, ids in triads.items():
                if not self.policy.allow_triads:
                    for triad in ids:
                        self.broken(
                            1, f"{triad} is a triad in {label} but the policy does not allow triads"
                        )
                    continue
                if len(ids) > 1:
                    self.broken(
                        1,
                        f"{_school_label(school)} has {len(ids)} triads in {label} "
                        f"({_names(ids)}); at most one is allowed",
                    )
                if partnered[school] % 2 == 0:
                    self.broken(
                        1,
                        f"{ids[0]} is a triad in {label} but {_school_label(school)} partners an even "
                        f"number of teachers ({partnered[school]})",
                    )

    # --- rules 2 and 3: who may be partners -----------------------------------------------------

    def _partner_rules(self, partnerships: _Partnerships) -> None:
        partners: set[tuple[str, str]] = set()
        for partnership, _ in partnerships.values():
            for a, b in itertools.combinations(partnership.members, 2):
                partners.add(_pair(a, b))
                where = f"{a} and {b} are partners ({partnership.id})"
                if _pair(a, b) in self.avoid:
                    self.broken(2, f"{where} but are an avoid relation")
                evaluation = self.evaluates(a, b)
                if evaluation:
                    self.broken(2, f"{where} but {evaluation}")
                if not self.policy.cross_school_pairs and self.school[a] != self.school[b]:
                    self.broken(
                        2,
                        f"{where} across schools ('{self.school[a]}' and '{self.school[b]}') "
                        "but cross_school_pairs is false",
                    )
        for a, b in self.lock:
            if (a, b) not in partners:
                self.broken(2, f"{a} and {b} are locked together but are not partners")

    def _no_repeat_partners(self, partnerships: _Partnerships) -> None:
        if self.policy.rotation != "cycle":
            return
        cycles_together: dict[tuple[str, str], list[str]] = defaultdict(list)
        for partnership, periods in partnerships.values():
            for a, b in itertools.combinations(partnership.members, 2):
                cycles_together[_pair(a, b)].extend(periods)
        for (a, b), cycles in cycles_together.items():
            distinct = list(dict.fromkeys(cycles))
            if len(distinct) > 1:
                self.broken(
                    3, f"{a} and {b} are partners in {len(distinct)} cycles ({_names(distinct)})"
                )

    # --- rules 4 and 5: peer visits -------------------------------------------------------------

    def _visits(self, partnerships: _Partnerships) -> list[_PeerVisit]:
        resolved: list[_PeerVisit] = []
        by_cycle: dict[tuple[str, str], list[_PeerVisit]] = defaultdict(list)
        all_cycles = set(self.cycle_ids)
        for visit in self.plan.visits:
            where = f"visit of {visit.visitor} to {visit.host} ({visit.partnership}, {visit.cycle}, {visit.slot})"
            unknown = [t for t in (visit.host, visit.visitor) if t not in self.teacher]
            if unknown or visit.cycle not in all_cycles:
                what = f"teacher {_names(unknown)}" if unknown else f"cycle {visit.cycle}"
                self.broken(INCONSISTENT, f"{where}: unknown {what}")
                # an unresolved visit still costs the cover it states
                self.terms["cover"] -= self.weights.cover * visit.covered
                continue
            if visit.partnership not in partnerships:
                self.broken(INCONSISTENT, f"{where}: unknown partnership {visit.partnership}")
            else:
                partnership, periods = partnerships[visit.partnership]
                if visit.cycle not in self._visit_cycles(periods):
                    self.broken(
                        4,
                        f"{where}: {visit.partnership} is not a partnership in cycle {visit.cycle}",
                    )
                if visit.host == visit.visitor:
                    self.broken(4, f"{where}: {visit.host} visits themself")
                outsiders = [t for t in (visit.host, visit.visitor) if t not in partnership.members]
                if outsiders:
                    self.broken(
                        4, f"{where}: {_names(outsiders)} is not a member of {visit.partnership}"
                    )
            covered = self.visit_slot(
                where, 5, visit, ("visitor", visit.visitor), ("host", visit.host)
            )
            record = _PeerVisit(
                visit.partnership, visit.cycle, visit.host, visit.visitor, visit.slot, covered
            )
            resolved.append(record)
            by_cycle[(visit.partnership, visit.cycle)].append(record)
        self._visit_counts(partnerships, by_cycle)
        return resolved

    def _visit_cycles(self, periods: list[str]) -> list[str]:
        """The cycles in which a partnership visits: every cycle under rotation 'year'."""
        return list(self.cycle_ids) if periods == [YEAR] else periods

    def _visit_counts(
        self,
        partnerships: _Partnerships,
        by_cycle: dict[tuple[str, str], list[_PeerVisit]],
    ) -> None:
        for partnership, periods in partnerships.values():
            members = partnership.members
            for cycle in self._visit_cycles(periods):
                visits = by_cycle.get((partnership.id, cycle), [])
                where = f"{partnership.id} ({_names(members)}) in cycle {cycle}"
                directions = Counter((v.visitor, v.host) for v in visits)
                if len(members) == 3:
                    visitors = Counter(v.visitor for v in visits)
                    hosts = Counter(v.host for v in visits)
                    ring = (
                        len(visits) == 3
                        and all(visitors[m] == 1 and hosts[m] == 1 for m in members)
                        and all(v.visitor != v.host for v in visits)
                    )
                    if not ring:
                        self.broken(
                            4,
                            f"{where} makes {_count(len(visits), 'visit')}, not three in a ring "
                            "(each member visits once and hosts once)",
                        )
                elif self.policy.reciprocal:
                    a, b = members
                    if directions != Counter({(a, b): 1, (b, a): 1}):
                        self.broken(
                            4,
                            f"{where} makes {_count(len(visits), 'visit')}; reciprocal visits "
                            f"are {a} visiting {b} once and {b} visiting {a} once",
                        )
                elif len(visits) != 1:
                    self.broken(4, f"{where} makes {_count(len(visits), 'visit')}, not one")

    # --- rule 8: sabbatical visits --------------------------------------------------------------

    def _sabbatical_visits(self) -> list[_Sabbatical]:
        """Every sabbatical visit whose ids resolve."""
        resolved = []
        per_coach: Counter[str] = Counter()
        per_coachee: Counter[str] = Counter()
        all_cycles = set(self.cycle_ids)
        for visit in self.plan.sabbatical_visits:
            self.terms["sabbatical"] += self.weights.sabbatical
            where = f"sabbatical visit of {visit.coach} to {visit.coachee} ({visit.cycle}, {visit.slot})"
            unknown = [t for t in (visit.coach, visit.coachee) if t not in self.teacher]
            if unknown or visit.cycle not in all_cycles:
                what = f"teacher {_names(unknown)}" if unknown else f"cycle {visit.cycle}"
                self.broken(INCONSISTENT, f"{where}: unknown {what}")
                # an unresolved visit still costs the cover it states
                self.terms["cover"] -= self.weights.cover * visit.covered
                continue
            coach, coachee = self.teacher[visit.coach], self.teacher[visit.coachee]
            per_coach[coach.id] += 1
            per_coachee[coachee.id] += 1
            if coach.sabbatical is None:
                self.broken(8, f"{where}: {coach.id} is not a sabbatical coach")
            elif coachee.priority is None or coachee.priority not in coach.sabbatical.topics:
                self.broken(
                    8,
                    f"{where}: {coachee.id}'s priority '{coachee.priority}' is not one of "
                    f"{coach.id}'s topics",
                )
            if coach.id == coachee.id:
                self.broken(8, f"{where}: {coach.id} coaches themself")
            else:
                if _pair(coach.id, coachee.id) in self.avoid:
                    self.broken(8, f"{where}: {coach.id} and {coachee.id} are an avoid relation")
                evaluation = self.evaluates(coach.id, coachee.id)
                if evaluation:
                    self.broken(8, f"{where}: {evaluation}")
            covered = self.visit_slot(where, 8, visit, ("coach", coach.id), ("coachee", coachee.id))
            resolved.append(_Sabbatical(visit.slot, coach.id, coachee.id, covered))
        for coach_id, count in per_coach.items():
            sabbatical = self.teacher[coach_id].sabbatical
            if sabbatical is not None and count > sabbatical.budget:
                self.broken(
                    8,
                    f"{coach_id} makes {_count(count, 'sabbatical visit')} but has a budget of {sabbatical.budget}",
                )
        cap = self.policy.sabbatical_visits_per_coachee
        for coachee_id, count in per_coachee.items():
            if count > cap:
                self.broken(
                    8,
                    f"{coachee_id} receives {_count(count, 'sabbatical visit')}; at most {cap} per coachee",
                )
        return resolved

    # --- rules 6 and 7: slots and covers --------------------------------------------------------

    def _one_visit_per_slot(
        self,
        peer_visits: list[_PeerVisit],
        sabbatical_visits: list[_Sabbatical],
    ) -> None:
        busy: dict[tuple[str, str], list[str]] = defaultdict(list)
        for visit in peer_visits:
            words = f"{visit.partnership}'s visit of {visit.visitor} to {visit.host}"
            busy[(visit.slot, visit.visitor)].append(words)
            if visit.host != visit.visitor:
                busy[(visit.slot, visit.host)].append(words)
        for sabbatical in sabbatical_visits:
            words = f"the sabbatical visit of {sabbatical.coach} to {sabbatical.coachee}"
            busy[(sabbatical.slot, sabbatical.coach)].append(words)
            if sabbatical.coachee != sabbatical.coach:
                busy[(sabbatical.slot, sabbatical.coachee)].append(words)
        for (slot, teacher), visits in busy.items():
            if len(visits) > 1:
                self.broken(
                    6,
                    f"{teacher} is in {_count(len(visits), 'visit')} in slot {slot}: {_names(visits)}",
                )

    def _covers(
        self,
        peer_visits: list[_PeerVisit],
        sabbatical_visits: list[_Sabbatical],
    ) -> None:
        per_slot: Counter[tuple[str, str]] = Counter()
        per_visitor: Counter[str] = Counter()
        per_school: Counter[str] = Counter()
        for visit in peer_visits:
            if visit.covered:
                self.terms["cover"] -= self.weights.cover
                school = self.school[visit.visitor]
                per_slot[(visit.slot, school)] += 1
                per_visitor[visit.visitor] += 1
                per_school[school] += 1
        for sabbatical in sabbatical_visits:
            if sabbatical.covered:
                self.terms["cover"] -= self.weights.cover
                per_slot[(sabbatical.slot, self.school[sabbatical.coach])] += 1
        for (slot, school), count in per_slot.items():
            limit = self.cover_override.get(slot, self.policy.cover_per_period)
            if count > limit:
                self.broken(
                    7,
                    f"slot {slot}: {_school_label(school)} needs {_count(count, 'cover')} but has {limit}",
                )
        for visitor, count in per_visitor.items():
            release = self.teacher[visitor].max_release
            if release is not None and count > release:
                self.broken(
                    7,
                    f"{visitor} makes {_count(count, 'covered visit')} but max_release is {release}",
                )
        budget = self.policy.release_budget
        if budget is not None:
            for school, count in per_school.items():
                if count > budget:
                    self.broken(
                        7,
                        f"{_school_label(school)} uses {_count(count, 'covered peer visit')} but "
                        f"release_budget is {budget}",
                    )

    # --- rule 9: tables -------------------------------------------------------------------------

    def _tables(self) -> None:
        meeting_order: dict[tuple[str, str], int] = {}
        meeting_tables: dict[tuple[str, str], int | None] = {}
        for cycle in self.roster.cycles:
            for meeting in cycle.meetings:
                meeting_order[(cycle.id, meeting.id)] = len(meeting_order)
                meeting_tables[(cycle.id, meeting.id)] = meeting.tables
        teams_of_school: dict[str, list[str]] = defaultdict(list)
        for team in self.roster.teams:
            teams_of_school[self.team_school[team.id]].append(team.id)
        # per meeting: the tables whose ids resolve, as (table number, teams)
        seated: dict[tuple[str, str], list[tuple[int, list[str]]]] = defaultdict(list)
        for index, seat in enumerate(self.plan.tables):
            where = f"table {seat.table} at {seat.meeting} ({seat.cycle})"
            key = (seat.cycle, seat.meeting)
            if key not in meeting_order:
                self.broken(
                    INCONSISTENT,
                    f"tables[{index}]: {seat.meeting} is not a meeting of cycle {seat.cycle}",
                )
                continue
            unknown = [team for team in seat.teams if team not in self.team_school]
            if unknown:
                self.broken(INCONSISTENT, f"{where}: unknown team {_names(unknown)}")
                continue
            seated[key].append((seat.table, seat.teams))
        earlier_together: Counter[tuple[str, str]] = Counter()
        for key in sorted(meeting_order, key=meeting_order.__getitem__):
            tables = seated.get(key, [])
            self._one_meeting(*key, meeting_tables[key], tables, teams_of_school)
            together: set[tuple[str, str]] = set()
            for _, teams in tables:
                self._table_terms(teams, earlier_together)
                together.update(_pair(a, b) for a, b in itertools.combinations(teams, 2) if a != b)
            earlier_together.update(together)

    def _one_meeting(
        self,
        cycle: str,
        meeting: str,
        limit: int | None,
        tables: list[tuple[int, list[str]]],
        teams_of_school: dict[str, list[str]],
    ) -> None:
        where = f"meeting {meeting} ({cycle})"
        seats: Counter[str] = Counter()
        numbers: dict[str, Counter[int]] = defaultdict(Counter)
        threes: Counter[str] = Counter()
        for number, teams in tables:
            seats.update(teams)
            schools = list(dict.fromkeys(self.team_school[team] for team in teams))
            school = schools[0]
            label = f"table {number} at {where}"
            if len(schools) > 1:
                self.broken(
                    9,
                    f"{label} seats teams of different schools ({_names(teams)}); "
                    "matchups never cross schools",
                )
            if len(set(teams)) != len(teams):
                self.broken(9, f"{label} lists a team twice ({_names(teams)})")
            if len(teams_of_school[school]) < 2:
                self.broken(
                    9,
                    f"{label}: {_school_label(school)} has fewer than two teams and sits at no table",
                )
                continue
            if len(teams) == 3:
                threes[school] += 1
            elif len(teams) != 2:
                self.broken(
                    9,
                    f"{label} seats {_count(len(teams), 'team')} ({_names(teams)}); a table seats 2, or 3",
                )
            if number < 1 or (limit is not None and number > limit):
                allowed = f"1..{limit}" if limit is not None else "1 or more"
                self.broken(9, f"{label}: table number {number} is not in {allowed}")
            numbers[school][number] += 1
        for school, count in threes.items():
            if len(teams_of_school[school]) % 2 == 0:
                self.broken(
                    9,
                    f"{where}: {_school_label(school)} has an even number of teams but seats a table of three",
                )
            elif count > 1:
                self.broken(
                    9, f"{where}: {_school_label(school)} has {count} tables of three; at most one"
                )
        for school, counter in numbers.items():
            for number, count in counter.items():
                if count > 1:
                    self.broken(
                        9, f"{where}: {_school_label(school)} uses table {number} {count} times"
                    )
        for school_teams in teams_of_school.values():
            if len(school_teams) < 2:
                continue
            for team in school_teams:
                if seats[team] == 0:
                    self.broken(9, f"{where}: team {team} sits at no table")
                elif seats[team] > 1:
                    self.broken(9, f"{where}: team {team} sits at {seats[team]} tables")

    # --- the objective --------------------------------------------------------------------------

    def _repeat_factor(self, last_year: int | None) -> int:
        window = self.policy.repeat_window_years
        if last_year is None or self.year - last_year > window:
            return 0
        return window + 1 - (self.year - last_year)

    def _history_facts(self) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], int]]:
        """Latest trust rating and latest earlier year together, per unordered pair of teachers."""
        trust: dict[tuple[str, str], float] = {}
        last_year: dict[tuple[str, str], int] = {}
        for entry in self.roster.history:
            if entry.year >= self.year:
                continue
            key = _pair(entry.a, entry.b)
            # the latest year's first listed rating wins: only a strictly later year replaces it
            if key not in last_year or entry.year > last_year[key]:
                last_year[key] = entry.year
                trust[key] = entry.trust
        return trust, last_year

    def _partnership_terms(self, partnerships: _Partnerships) -> None:
        trust, last_year = self._history_facts()
        weights = self.weights
        novice, mentor = self.policy.novice_years, self.policy.mentor_years
        for partnership, periods in partnerships.values():
            terms: Counter[str] = Counter()
            for a, b in itertools.combinations(partnership.members, 2):
                x, y = self.teacher[a], self.teacher[b]
                key = _pair(a, b)
                if x.priority is not None and x.priority == y.priority:
                    terms["shared_priority"] += weights.shared_priority
                terms["trust"] += round(weights.trust * trust.get(key, 0.0))
                if key not in self.continuing:
                    terms["repeat"] -= weights.repeat * self._repeat_factor(last_year.get(key))
                if x.team != y.team:
                    terms["cross_team"] += weights.cross_team
                if (x.years_experience < novice and y.years_experience >= mentor) or (
                    y.years_experience < novice and x.years_experience >= mentor
                ):
                    terms["mentoring"] += weights.mentoring
                if key in self.request:
                    terms["request"] += weights.request
                for giver, taker in ((x, y), (y, x)):
                    if taker.priority is not None and taker.priority in giver.strengths:
                        terms["complement"] += weights.complement
            score = sum(terms.values())
            if partnership.score != score:
                self.broken(
                    INCONSISTENT,
                    f"partnership {partnership.id}: score is stated as {partnership.score} but its "
                    f"pair terms add up to {score}",
                )
            for name, value in terms.items():
                self.terms[name] += value * len(periods)

    def _table_terms(self, teams: list[str], earlier_together: Counter[tuple[str, str]]) -> None:
        weights = self.weights
        window = self.policy.repeat_window_years
        team_by_id = self.roster.team_by_id
        distinct = list(dict.fromkeys(teams))
        for giver, taker in itertools.permutations(distinct, 2):
            priority = team_by_id[taker].priority
            if priority is not None and priority in self.team_strengths[giver]:
                self.terms["team_complement"] += weights.team_complement
        for a, b in itertools.combinations(distinct, 2):
            key = _pair(a, b)
            factor = self._repeat_factor(self.last_team_year.get(key))
            factor += (window + 1) * earlier_together[key]
            self.terms["team_repeat"] -= weights.team_repeat * factor

    def _mismatches(self, objective: int) -> list[str]:
        mismatches = []
        stated = self.plan.terms
        for name in TERM_NAMES:
            if name not in stated:
                mismatches.append(f"terms: '{name}' is missing (recomputed {self.terms[name]})")
            elif stated[name] != self.terms[name]:
                mismatches.append(
                    f"terms: '{name}' is stated as {stated[name]} but recomputes to {self.terms[name]}"
                )
        for name in stated:
            if name not in self.terms:
                nearest = difflib.get_close_matches(name, TERM_NAMES, n=1, cutoff=0.5)
                hint = f"; did you mean '{nearest[0]}'?" if nearest else ""
                mismatches.append(f"terms: unknown term '{name}'{hint}")
        if self.plan.objective != objective:
            mismatches.append(
                f"objective is stated as {self.plan.objective} but recomputes to {objective}"
            )
        return mismatches

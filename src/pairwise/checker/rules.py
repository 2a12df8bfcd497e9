"""The independent checker: the nine hard rules and the objective, recomputed from roster and plan.

This package reads only the roster, the plan and the formats (`pairwise.roster.models`). It never
imports the objective, the network or any solver, so a mistake there shows up here as a
disagreement instead of being repeated.
"""

from __future__ import annotations

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
from pairwise.checker.conversations import ConversationRules
from pairwise.checker.report import INCONSISTENT, CheckReport
from pairwise.checker.terms import ObjectiveTerms


class Checker(ObjectiveTerms, ConversationRules):
    """One check of one plan: one method per rule, then the objective."""

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
        self._conversations(peer_visits, sabbatical_slots)
        self._tables()
        self._partnership_terms(partnerships)
        # minus the weight for each teacher and rotation period listed unpaired
        listed = sum(len(entries) for entries in unpaired.values())
        self.terms["unpaired"] -= self.weights.unpaired * listed
        return self._report()

    def _report(self) -> CheckReport:
        """The report once every rule is checked: the violations and the recomputed terms."""
        objective = sum(self.terms.values())
        return CheckReport(
            violations=self.violations,
            terms=self.terms,
            objective=objective,
            mismatches=self._mismatches(objective),
        )

    # --- rule 1: partnerships and unpaired ------------------------------------------------------

    def _partnerships(self) -> ResolvedPartnerships:
        """Partnerships whose ids resolve, each with its rotation periods; reports the rest."""
        result: ResolvedPartnerships = {}
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
                self.broken(INCONSISTENT, f"{where}: unknown teacher {join_names(unknown)}")
                continue
            if len(set(partnership.members)) != len(partnership.members):
                self.broken(
                    INCONSISTENT,
                    f"{where}: lists a member twice ({join_names(partnership.members)})",
                )
                continue
            unknown_cycles = [c for c in partnership.cycles if c not in all_cycles]
            if unknown_cycles:
                self.broken(INCONSISTENT, f"{where}: unknown cycle {join_names(unknown_cycles)}")
            cycles = list(dict.fromkeys(c for c in partnership.cycles if c in all_cycles))
            if len(cycles) != len(partnership.cycles) - len(unknown_cycles):
                self.broken(INCONSISTENT, f"{where}: lists a cycle twice")
            if self.policy.rotation == YEAR:
                if set(cycles) != all_cycles:
                    self.broken(
                        INCONSISTENT,
                        f"{where}: lists cycles {join_names(cycles) or 'none'}, but under rotation "
                        f"'year' a partnership lists every cycle ({join_names(self.cycle_ids)})",
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
            result[partnership.id] = ResolvedPartnership(partnership, periods)
        return result

    def _unpaired_periods(self) -> dict[str, list[UnpairedEntry]]:
        """Per rotation period, the (teacher, entry index) listed unpaired in it."""
        result: dict[str, list[UnpairedEntry]] = defaultdict(list)
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
                self.broken(INCONSISTENT, f"{where}: unknown cycle {join_names(unknown_cycles)}")
            cycles = list(dict.fromkeys(c for c in entry.cycles if c in all_cycles))
            if self.policy.rotation == YEAR:
                if set(cycles) != all_cycles:
                    self.broken(
                        INCONSISTENT,
                        f"{where}: lists cycles {join_names(cycles) or 'none'}, but under rotation "
                        f"'year' an unpaired teacher is unpaired for every cycle",
                    )
                result[YEAR].append(UnpairedEntry(entry.teacher, index))
            else:
                if not cycles:
                    self.broken(INCONSISTENT, f"{where}: lists no cycle")
                for cycle in cycles:
                    result[cycle].append(UnpairedEntry(entry.teacher, index))
        return result

    # rule 1: one partnership per teacher and period, or listed unpaired; two or three members
    def _one_partnership_per_period(
        self,
        partnerships: ResolvedPartnerships,
        unpaired: dict[str, list[UnpairedEntry]],
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
                if not self.on_staff_in_period(teacher.id, period):
                    # on staff for none of its slots: neither partnered nor unpaired in it
                    if listed.get(teacher.id, 0):
                        self.broken(
                            INCONSISTENT,
                            f"{teacher.id} is listed unpaired in {label} but is on staff for "
                            "none of its slots",
                        )
                    continue
                times_unpaired = listed.get(teacher.id, 0)
                if not ids and not times_unpaired:
                    self.broken(
                        1, f"{teacher.id} is neither in a partnership nor unpaired in {label}"
                    )
                elif len(ids) > 1:
                    self.broken(1, f"{teacher.id} is in partnerships {join_names(ids)} in {label}")
                if ids and times_unpaired:
                    self.broken(
                        1,
                        f"{teacher.id} is in partnership {ids[0]} and also listed unpaired in {label}",
                    )
                elif times_unpaired > 1:
                    self.broken(
                        1, f"{teacher.id} is listed unpaired {times_unpaired} times in {label}"
                    )

    # rule 1: triads only when allowed, one per school and period, with an odd partnered count
    def _triads(self, partnerships: ResolvedPartnerships) -> None:
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
                        f"{school_label(school)} has {len(ids)} triads in {label} "
                        f"({join_names(ids)}); at most one is allowed",
                    )
                if partnered[school] % 2 == 0:
                    self.broken(
                        1,
                        f"{ids[0]} is a triad in {label} but {school_label(school)} partners an even "
                        f"number of teachers ({partnered[school]})",
                    )

    # --- rules 2 and 3: who may be partners -----------------------------------------------------

    # rule 2: avoid, evaluator, same school, locks
    def _partner_rules(self, partnerships: ResolvedPartnerships) -> None:
        partners: set[tuple[str, str]] = set()
        for partnership, _ in partnerships.values():
            for a, b in itertools.combinations(partnership.members, 2):
                partners.add(pair_key(a, b))
                where = f"{a} and {b} are partners ({partnership.id})"
                if pair_key(a, b) in self.avoid:
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

    # rule 3: no two teachers partners in two cycles
    def _no_repeat_partners(self, partnerships: ResolvedPartnerships) -> None:
        if self.policy.rotation != "cycle":
            return
        cycles_together: dict[tuple[str, str], list[str]] = defaultdict(list)
        for partnership, periods in partnerships.values():
            for a, b in itertools.combinations(partnership.members, 2):
                cycles_together[pair_key(a, b)].extend(periods)
        for (a, b), cycles in cycles_together.items():
            distinct = list(dict.fromkeys(cycles))
            if len(distinct) > 1:
                self.broken(
                    3,
                    f"{a} and {b} are partners in {len(distinct)} cycles ({join_names(distinct)})",
                )

    # --- rules 4 and 5: peer visits -------------------------------------------------------------

    # rule 4: every visit belongs to a partnership of its cycle (slot conditions: context.visit_slot)
    def _visits(self, partnerships: ResolvedPartnerships) -> list[ResolvedVisit]:
        resolved: list[ResolvedVisit] = []
        by_cycle: dict[tuple[str, str], list[ResolvedVisit]] = defaultdict(list)
        all_cycles = set(self.cycle_ids)
        for visit in self.plan.visits:
            where = f"visit of {visit.visitor} to {visit.host} ({visit.partnership}, {visit.cycle}, {visit.slot})"
            unknown = [t for t in (visit.host, visit.visitor) if t not in self.teacher]
            if unknown or visit.cycle not in all_cycles:
                what = f"teacher {join_names(unknown)}" if unknown else f"cycle {visit.cycle}"
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
                        4,
                        f"{where}: {join_names(outsiders)} is not a member of {visit.partnership}",
                    )
            covered = self.visit_slot(
                where, 5, visit, ("visitor", visit.visitor), ("host", visit.host)
            )
            record = ResolvedVisit(
                visit.partnership, visit.cycle, visit.host, visit.visitor, visit.slot, covered
            )
            resolved.append(record)
            by_cycle[(visit.partnership, visit.cycle)].append(record)
        self._visit_counts(partnerships, by_cycle)
        return resolved

    def _visit_cycles(self, periods: list[str]) -> list[str]:
        """The cycles in which a partnership visits: every cycle under rotation 'year'."""
        return list(self.cycle_ids) if periods == [YEAR] else periods

    # rule 4: two visits a pair (one when not reciprocal), a ring of three for a triad
    def _visit_counts(
        self,
        partnerships: ResolvedPartnerships,
        by_cycle: dict[tuple[str, str], list[ResolvedVisit]],
    ) -> None:
        for partnership, periods in partnerships.values():
            members = partnership.members
            for cycle in self._visit_cycles(periods):
                visits = by_cycle.get((partnership.id, cycle), [])
                where = f"{partnership.id} ({join_names(members)}) in cycle {cycle}"
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
                            f"{where} makes {count_of(len(visits), 'visit')}, not three in a ring "
                            "(each member visits once and hosts once)",
                        )
                elif self.policy.reciprocal:
                    a, b = members
                    if directions != Counter({(a, b): 1, (b, a): 1}):
                        self.broken(
                            4,
                            f"{where} makes {count_of(len(visits), 'visit')}; reciprocal visits "
                            f"are {a} visiting {b} once and {b} visiting {a} once",
                        )
                elif len(visits) != 1:
                    self.broken(4, f"{where} makes {count_of(len(visits), 'visit')}, not one")

    # --- rule 8: sabbatical visits --------------------------------------------------------------

    # rule 8: topic, kept apart, slot conditions, budget per coach, cap per coachee
    def _sabbatical_visits(self) -> list[ResolvedSabbatical]:
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
                what = f"teacher {join_names(unknown)}" if unknown else f"cycle {visit.cycle}"
                self.broken(INCONSISTENT, f"{where}: unknown {what}")
                # an unresolved visit still costs the cover it states
                self.terms["cover"] -= self.weights.cover * visit.covered
                continue
            coach, coachee = self.teacher[visit.coach], self.teacher[visit.coachee]
            per_coach[coach.id] += 1
            per_coachee[coachee.id] += 1
            if self.took_place(visit.slot):
                # checked against the plan in force; it still counts towards budget and cap
                resolved.append(ResolvedSabbatical(visit.slot, coach.id, coachee.id, visit.covered))
                continue
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
                if pair_key(coach.id, coachee.id) in self.avoid:
                    self.broken(8, f"{where}: {coach.id} and {coachee.id} are an avoid relation")
                evaluation = self.evaluates(coach.id, coachee.id)
                if evaluation:
                    self.broken(8, f"{where}: {evaluation}")
            covered = self.visit_slot(where, 8, visit, ("coach", coach.id), ("coachee", coachee.id))
            resolved.append(ResolvedSabbatical(visit.slot, coach.id, coachee.id, covered))
        for coach_id, count in per_coach.items():
            sabbatical = self.teacher[coach_id].sabbatical
            if sabbatical is not None and count > sabbatical.budget:
                self.broken(
                    8,
                    f"{coach_id} makes {count_of(count, 'sabbatical visit')} but has a budget of {sabbatical.budget}",
                )
        cap = self.policy.sabbatical_visits_per_coachee
        for coachee_id, count in per_coachee.items():
            if count > cap:
                self.broken(
                    8,
                    f"{coachee_id} receives {count_of(count, 'sabbatical visit')}; at most {cap} per coachee",
                )
        return resolved

    # --- rules 6 and 7: slots and covers --------------------------------------------------------

    # rule 6: no double booking, peer and sabbatical
    def _one_visit_per_slot(
        self,
        peer_visits: list[ResolvedVisit],
        sabbatical_visits: list[ResolvedSabbatical],
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
                    f"{teacher} is in {count_of(len(visits), 'visit')} in slot {slot}: {join_names(visits)}",
                )

    # rule 7: covers per slot, max_release, release_budget
    def _covers(
        self,
        peer_visits: list[ResolvedVisit],
        sabbatical_visits: list[ResolvedSabbatical],
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
                    f"slot {slot}: {school_label(school)} needs {count_of(count, 'cover')} but has {limit}",
                )
        for visitor, count in per_visitor.items():
            release = self.teacher[visitor].max_release
            if release is not None and count > release:
                self.broken(
                    7,
                    f"{visitor} makes {count_of(count, 'covered visit')} but max_release is {release}",
                )
        budget = self.policy.release_budget
        if budget is not None:
            for school, count in per_school.items():
                if count > budget:
                    self.broken(
                        7,
                        f"{school_label(school)} uses {count_of(count, 'covered peer visit')} but "
                        f"release_budget is {budget}",
                    )

    # --- rule 9: tables -------------------------------------------------------------------------

    # rule 9: every team at one table per meeting, tables numbered without reuse
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
                self.broken(INCONSISTENT, f"{where}: unknown team {join_names(unknown)}")
                continue
            seated[key].append((seat.table, seat.teams))
        earlier_together: Counter[tuple[str, str]] = Counter()
        for key in sorted(meeting_order, key=meeting_order.__getitem__):
            tables = seated.get(key, [])
            self._one_meeting(*key, meeting_tables[key], tables, teams_of_school)
            together: set[tuple[str, str]] = set()
            for _, teams in tables:
                self._table_terms(teams, earlier_together)
                together.update(
                    pair_key(a, b) for a, b in itertools.combinations(teams, 2) if a != b
                )
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
                    f"{label} seats teams of different schools ({join_names(teams)}); "
                    "matchups never cross schools",
                )
            if len(set(teams)) != len(teams):
                self.broken(9, f"{label} lists a team twice ({join_names(teams)})")
            if len(teams_of_school[school]) < 2:
                self.broken(
                    9,
                    f"{label}: {school_label(school)} has fewer than two teams and sits at no table",
                )
                continue
            if len(teams) == 3:
                threes[school] += 1
            elif len(teams) != 2:
                self.broken(
                    9,
                    f"{label} seats {count_of(len(teams), 'team')} ({join_names(teams)}); a table seats 2, or 3",
                )
            if number < 1 or (limit is not None and number > limit):
                allowed = f"1..{limit}" if limit is not None else "1 or more"
                self.broken(9, f"{label}: table number {number} is not in {allowed}")
            numbers[school][number] += 1
        for school, count in threes.items():
            if len(teams_of_school[school]) % 2 == 0:
                self.broken(
                    9,
                    f"{where}: {school_label(school)} has an even number of teams but seats a table of three",
                )
            elif count > 1:
                self.broken(
                    9, f"{where}: {school_label(school)} has {count} tables of three; at most one"
                )
        for school, counter in numbers.items():
            for number, count in counter.items():
                if count > 1:
                    self.broken(
                        9, f"{where}: {school_label(school)} uses table {number} {count} times"
                    )
        for school_teams in teams_of_school.values():
            if len(school_teams) < 2:
                continue
            for team in school_teams:
                if seats[team] == 0:
                    self.broken(9, f"{where}: team {team} sits at no table")
                elif seats[team] > 1:
                    self.broken(9, f"{where}: team {team} sits at {seats[team]} tables")

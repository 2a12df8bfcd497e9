"""What an admin does by hand: best-scoring admissible pairs first, each visit in the first free slot.

Locks are honoured first; then pairs are taken in order of their pair score (ties by id), each
kept only when all its visits fit the timetable (the first free slot without cover, else the first
with a cover to spare); a school's odd teacher out joins a pair as a triad; whoever is left goes
unpaired. Sabbatical visits go first-free after the peer visits; teams are seated best pair first,
which avoids repeats. Every hard rule holds; nothing is optimised. The stated `bound` is the plan's
own objective: this solver proves no bound.

`Booking` (the slots, covers and budgets in use) and `assemble` are shared with `random_pairs`.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from pairwise.analysis.network import plan_metrics
from pairwise.roster.calendar import away_on, on_staff_in_cycle, slot_date
from pairwise.roster.facts import pair_key
from pairwise.roster.models import (
    Partnership,
    Plan,
    Roster,
    SabbaticalVisit,
    TableSeat,
    Unpaired,
    Visit,
    parse_slot,
)
from pairwise.roster.objective import Scoring, empty_terms

YEAR = "year"


@dataclass(frozen=True)
class PlacedVisit:
    """One booked visit: peer (`coach` empty) or sabbatical."""

    cycle: str
    host: str
    visitor: str
    slot: str
    covered: bool


@dataclass
class Group:
    """One partnership while it is being built: members and the visits booked for it."""

    members: list[str]
    cycles: list[str]
    visits: list[PlacedVisit] = field(default_factory=list)
    locked: bool = False


class Booking:
    """Slots, covers and budgets in use, so each new visit can be placed without breaking a rule."""

    def __init__(self, roster: Roster) -> None:
        self.roster = roster
        self.policy = roster.policy
        self.school = {teacher.id: roster.school_of(teacher.id) for teacher in roster.teachers}
        self.teaches = {teacher.id: frozenset(teacher.teaches) for teacher in roster.teachers}
        self.away_periods = {
            t.id: frozenset(u for u in t.unavailable if "/" not in u) for t in roster.teachers
        }
        self.away_slots = {
            t.id: frozenset(u for u in t.unavailable if "/" in u) for t in roster.teachers
        }
        self.slots: dict[str, list[tuple[str, str]]] = {
            cycle.id: [(slot, parse_slot(slot)[1]) for slot in roster.cycle_slots(cycle.id)]
            for cycle in roster.cycles
        }
        self.busy: dict[str, set[str]] = {teacher.id: set() for teacher in roster.teachers}
        self.cover_used: Counter[tuple[str, str]] = Counter()
        self.release_used: Counter[str] = Counter()
        self.budget_used: Counter[str] = Counter()
        self.cover_limits = {o.slot: o.cover for o in roster.policy.cover_overrides}

    def free(self, teacher: str, slot: str, period: str) -> bool:
        return (
            slot not in self.busy[teacher]
            and period not in self.away_periods[teacher]
            and slot not in self.away_slots[teacher]
            and not away_on(self.roster.teacher_by_id[teacher], slot_date(slot))
        )

    def cover_left(self, school: str, slot: str) -> bool:
        limit = self.cover_limits.get(slot, self.policy.cover_per_period)
        return self.cover_used[(school, slot)] < limit

    def peer_cover_allowed(self, visitor: str, slot: str) -> bool:
        school = self.school[visitor]
        release = self.roster.teacher_by_id[visitor].max_release
        budget = self.policy.release_budget
        return (
            self.cover_left(school, slot)
            and (release is None or self.release_used[visitor] < release)
            and (budget is None or self.budget_used[school] < budget)
        )

    def place_peer(self, cycle: str, host: str, visitor: str) -> PlacedVisit | None:
        """Book the first free slot where the visitor needs no cover, else the first with cover."""
        options = [
            (slot, period)
            for slot, period in self.slots[cycle]
            if period in self.teaches[host]
            and self.free(host, slot, period)
            and self.free(visitor, slot, period)
        ]
        for slot, period in options:
            if period not in self.teaches[visitor]:
                return self._book(PlacedVisit(cycle, host, visitor, slot, False), peer=True)
        for slot, _period in options:
            if self.peer_cover_allowed(visitor, slot):
                return self._book(PlacedVisit(cycle, host, visitor, slot, True), peer=True)
        return None

    def place_sabbatical(self, cycle: str, coach: str, coachee: str) -> PlacedVisit | None:
        """Book a coach's visit to a coachee in the first free slot (uncovered ones first)."""
        options = [
            (slot, period)
            for slot, period in self.slots[cycle]
            if period in self.teaches[coachee]
            and self.free(coach, slot, period)
            and self.free(coachee, slot, period)
        ]
        for slot, period in options:
            if period not in self.teaches[coach]:
                return self._book(PlacedVisit(cycle, coachee, coach, slot, False), peer=False)
        for slot, _period in options:
            if self.cover_left(self.school[coach], slot):
                return self._book(PlacedVisit(cycle, coachee, coach, slot, True), peer=False)
        return None

    def _book(self, visit: PlacedVisit, *, peer: bool) -> PlacedVisit:
        self.busy[visit.host].add(visit.slot)
        self.busy[visit.visitor].add(visit.slot)
        if visit.covered:
            school = self.school[visit.visitor]
            self.cover_used[(school, visit.slot)] += 1
            if peer:
                self.release_used[visit.visitor] += 1
                self.budget_used[school] += 1
        return visit

    def rebook(self, visits: Iterable[PlacedVisit]) -> list[PlacedVisit]:
        """Book peer visits again exactly as they were (just released, so they still fit)."""
        return [self._book(visit, peer=True) for visit in visits]

    def release(self, visits: Iterable[PlacedVisit], *, peer: bool = True) -> None:
        """Undo bookings (a partnership whose visits did not all fit)."""
        for visit in visits:
            self.busy[visit.host].discard(visit.slot)
            self.busy[visit.visitor].discard(visit.slot)
            if visit.covered:
                school = self.school[visit.visitor]
                self.cover_used[(school, visit.slot)] -= 1
                if peer:
                    self.release_used[visit.visitor] -= 1
                    self.budget_used[school] -= 1

    def schedule(self, members: Sequence[str], cycles: Sequence[str]) -> list[PlacedVisit] | None:
        """Book every visit of a partnership in its cycles, or nothing when one does not fit."""
        booked: list[PlacedVisit] = []
        for cycle in cycles:
            placed = self._schedule_cycle(members, cycle)
            if placed is None:
                self.release(booked)
                return None
            booked += placed
        return booked

    def _schedule_cycle(self, members: Sequence[str], cycle: str) -> list[PlacedVisit] | None:
        if len(members) == 3:
            a, b, c = members
            rings = [[(a, b), (b, c), (c, a)], [(a, c), (c, b), (b, a)]]
        elif self.policy.reciprocal:
            a, b = members
            rings = [[(a, b), (b, a)]]
        else:
            a, b = members
            rings = [[(a, b)], [(b, a)]]
        for ring in rings:
            booked: list[PlacedVisit] = []
            for visitor, host in ring:
                visit = self.place_peer(cycle, host, visitor)
                if visit is None:
                    break
                booked.append(visit)
            else:
                return booked
            self.release(booked)
        return None


class Admissibility:
    """Who may be partners: rule 2 (and rule 3 under `rotation: cycle`)."""

    def __init__(self, roster: Roster) -> None:
        self.roster = roster
        self.avoid = {
            frozenset((r.a, r.b)) for r in roster.relations if r.kind == "avoid" and r.a != r.b
        }
        self.evaluator = {t.id: t.evaluator for t in roster.teachers}
        self.school = {t.id: roster.school_of(t.id) for t in roster.teachers}
        self.partnered_this_year: set[frozenset[str]] = set()

    def allowed(self, a: str, b: str) -> bool:
        return (
            a != b
            and frozenset((a, b)) not in self.avoid
            and self.evaluator[a] != b
            and self.evaluator[b] != a
            and (self.roster.policy.cross_school_pairs or self.school[a] == self.school[b])
            and frozenset((a, b)) not in self.partnered_this_year
        )

    def group_allowed(self, members: Sequence[str]) -> bool:
        return all(self.allowed(a, b) for a, b in itertools.combinations(members, 2))


def rotation_periods(roster: Roster) -> list[list[str]]:
    """The cycles of each rotation period: all of them under `year`, one each under `cycle`."""
    cycles = [cycle.id for cycle in roster.cycles]
    return [cycles] if roster.policy.rotation == YEAR else [[cycle] for cycle in cycles]


def lock_groups(roster: Roster) -> list[list[str]] | None:
    """The lock relations joined into groups (pairs, or a triad); None when they cannot be."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    order: list[str] = []
    for relation in roster.relations:
        if relation.kind != "lock":
            continue
        for teacher in (relation.a, relation.b):
            if teacher not in order:
                order.append(teacher)
        parent[find(relation.a)] = find(relation.b)
    groups: dict[str, list[str]] = {}
    for teacher in order:
        groups.setdefault(find(teacher), []).append(teacher)
    result = list(groups.values())
    if any(len(group) > 3 or len(group) < 2 for group in result):
        return None
    if sum(1 for group in result if len(group) == 3) and not roster.policy.allow_triads:
        return None
    return result


PairChooser = Callable[[list[str], Admissibility, Booking, list[str]], list[Group]]


def build_partnerships(
    roster: Roster, booking: Booking, choose: PairChooser
) -> tuple[list[Group], list[tuple[str, list[str], str]]] | None:
    """Partnerships for every rotation period, locks first, then `choose` pairs the rest.

    Returns the groups and the unpaired (teacher, cycles, why), or None when a lock cannot hold.
    """
    admissible = Admissibility(roster)
    locks = lock_groups(roster)
    if locks is None:
        return None
    participating = [t.id for t in roster.teachers if t.participates]
    groups: list[Group] = []
    unpaired: list[tuple[str, list[str], str]] = []
    for index, cycles in enumerate(rotation_periods(roster)):
        period_groups: list[Group] = []
        taken: set[str] = set()
        # a lock holds once: for the year, or in the first cycle under `rotation: cycle`
        for members in locks if index == 0 else []:
            if not all(member in admissible.school for member in members):
                return None
            if not all(roster.teacher_by_id[m].participates for m in members):
                return None
            if not admissible.group_allowed(members):
                return None
            if taken & set(members):
                return None
            visits = booking.schedule(members, cycles)
            if visits is None:
                return None
            period_groups.append(Group(list(members), cycles, visits, locked=True))
            taken.update(members)
        triad_schools = {
            admissible.school[group.members[0]]
            for group in period_groups
            if len(group.members) == 3
        }
        # a teacher on staff for no slot of the period is neither partnered nor unpaired in it
        free = [
            teacher
            for teacher in participating
            if teacher not in taken
            and any(
                on_staff_in_cycle(roster, roster.teacher_by_id[teacher], roster.cycle_by_id[c])
                for c in cycles
            )
        ]
        for pool in pools(roster, free):
            chosen = choose(pool, admissible, booking, cycles)
            period_groups += chosen
            left = [t for t in pool if not any(t in g.members for g in chosen)]
            left = swap_in_leftovers(left, period_groups, admissible, booking)
            for teacher in left:
                if not join_triad(
                    roster, teacher, period_groups, triad_schools, admissible, booking
                ):
                    why = unpaired_reason(teacher, pool, admissible)
                    unpaired.append((teacher, cycles, why))
        if roster.policy.cross_school_pairs:
            drop_wrong_parity_triads(roster, period_groups, booking, unpaired, cycles)
        for group in period_groups:
            for a, b in itertools.combinations(group.members, 2):
                admissible.partnered_this_year.add(frozenset((a, b)))
        groups += period_groups
    return groups, unpaired


def pools(roster: Roster, teachers: list[str]) -> list[list[str]]:
    """Teachers who may be paired together: each school's, or everyone across schools."""
    if roster.policy.cross_school_pairs:
        return [teachers] if teachers else []
    by_school: dict[str, list[str]] = {}
    for teacher in teachers:
        by_school.setdefault(roster.school_of(teacher), []).append(teacher)
    return list(by_school.values())


def swap_in_leftovers(
    left: list[str], groups: list[Group], admissible: Admissibility, booking: Booking
) -> list[str]:
    """Two teachers left over who cannot be partners swap into a pair: (u, a) and (v, b) instead
    of (a, b), as an admin would fix the end of the list. Returns who is still left over."""
    left = left[:]
    stuck: list[str] = []
    while len(left) >= 2:
        first = left.pop(0)
        for second in left:
            if _swap(first, second, groups, admissible, booking):
                left.remove(second)
                break
        else:
            stuck.append(first)
    return stuck + left


def _swap(
    first: str, second: str, groups: list[Group], admissible: Admissibility, booking: Booking
) -> bool:
    for group in groups:
        if len(group.members) != 2 or group.locked:
            continue
        a, b = group.members
        for x, y in ((a, b), (b, a)):
            if not (admissible.allowed(first, x) and admissible.allowed(second, y)):
                continue
            booking.release(group.visits)
            one = booking.schedule([first, x], group.cycles)
            two = booking.schedule([second, y], group.cycles) if one is not None else None
            if one is not None and two is not None:
                group.members, group.visits = [first, x], one
                groups.append(Group([second, y], group.cycles, two))
                return True
            if one is not None:
                booking.release(one)
            booking.rebook(group.visits)
    return False


def join_triad(
    roster: Roster,
    teacher: str,
    groups: list[Group],
    triad_schools: set[str],
    admissible: Admissibility,
    booking: Booking,
) -> bool:
    """Add an odd teacher out to a pair of their school as a triad, when a ring of visits fits."""
    if not roster.policy.allow_triads:
        return False
    school = roster.school_of(teacher)
    if school in triad_schools:
        return False
    scoring = Scoring(roster)
    candidates = [
        group
        for group in groups
        if len(group.members) == 2
        and not group.locked
        and admissible.group_allowed([*group.members, teacher])
        and (roster.policy.cross_school_pairs or roster.school_of(group.members[0]) == school)
    ]
    candidates.sort(
        key=lambda group: (-scoring.pair_score(teacher, group.members[0])
                           - scoring.pair_score(teacher, group.members[1]), group.members)
    )  # fmt: skip
    for group in candidates:
        booking.release(group.visits)
        members = [teacher, *group.members]
        visits = booking.schedule(members, group.cycles)
        if visits is not None:
            group.members, group.visits = members, visits
            triad_schools.add(school)
            return True
        booking.rebook(group.visits)
    return False


def drop_wrong_parity_triads(
    roster: Roster,
    groups: list[Group],
    booking: Booking,
    unpaired: list[tuple[str, list[str], str]],
    cycles: list[str],
) -> None:
    """With cross-school pairs a triad belongs to its first member's school, which must partner an
    odd number of teachers and hold no other triad: reorder members to find such a school, else
    send a member back to unpaired (all three when the other two cannot be scheduled as a pair)."""
    reorders = 0
    while True:
        wrong = [g for g in groups if len(g.members) == 3 and not _triad_valid(roster, groups, g)]
        if not wrong:
            return
        group = wrong[0]
        if reorders < 3 * len(groups) and _reorder_triad(roster, groups, group):
            reorders += 1
            continue
        _dissolve_triad(groups, group, booking, unpaired, cycles)


def _triad_valid(roster: Roster, groups: list[Group], group: Group) -> bool:
    school = roster.school_of(group.members[0])
    partnered = sum(1 for g in groups for m in g.members if roster.school_of(m) == school)
    triads = sum(
        1 for g in groups if len(g.members) == 3 and roster.school_of(g.members[0]) == school
    )
    return partnered % 2 == 1 and triads == 1


def _reorder_triad(roster: Roster, groups: list[Group], group: Group) -> bool:
    original = group.members
    for first in original[1:]:
        group.members = [first, *(m for m in original if m != first)]
        if _triad_valid(roster, groups, group):
            return True
    group.members = original
    return False


def _dissolve_triad(
    groups: list[Group],
    group: Group,
    booking: Booking,
    unpaired: list[tuple[str, list[str], str]],
    cycles: list[str],
) -> None:
    booking.release(group.visits)
    for leaver in group.members:
        rest = [m for m in group.members if m != leaver]
        visits = booking.schedule(rest, group.cycles)
        if visits is not None:
            group.members, group.visits = rest, visits
            unpaired.append((leaver, cycles, "no triad could take them"))
            return
    groups.remove(group)
    for member in group.members:
        unpaired.append((member, cycles, "no triad could take them"))


def unpaired_reason(teacher: str, pool: list[str], admissible: Admissibility) -> str:
    if not any(admissible.allowed(teacher, other) for other in pool):
        return "every possible partner is an avoid, evaluator or earlier partner"
    return "no remaining partner's visits fit the timetable and the cover limits"


def sabbatical_visits(roster: Roster, booking: Booking) -> list[tuple[str, PlacedVisit]]:
    """Each coach's visits, first free slot, spread over the cycles and over distinct coachees."""
    avoid = {frozenset((r.a, r.b)) for r in roster.relations if r.kind == "avoid"}
    cap = roster.policy.sabbatical_visits_per_coachee
    received: Counter[str] = Counter()
    result: list[tuple[str, PlacedVisit]] = []
    cycles = [cycle.id for cycle in roster.cycles]
    for coach in roster.teachers:
        if coach.sabbatical is None or coach.sabbatical.budget == 0:
            continue
        coachees = [
            t.id
            for t in roster.teachers
            if t.id != coach.id
            and t.priority is not None
            and t.priority in coach.sabbatical.topics
            and frozenset((coach.id, t.id)) not in avoid
            and t.evaluator != coach.id
            and coach.evaluator != t.id
        ]
        spent = 0
        visited: Counter[str] = Counter()
        progress = True
        turn = 0
        while spent < coach.sabbatical.budget and progress:
            progress = False
            for coachee in sorted(coachees, key=lambda c: (visited[c], coachees.index(c))):
                if spent >= coach.sabbatical.budget:
                    break
                if received[coachee] >= cap:
                    continue
                for offset in range(len(cycles)):
                    cycle = cycles[(turn + offset) % len(cycles)]
                    visit = booking.place_sabbatical(cycle, coach.id, coachee)
                    if visit is not None:
                        result.append((coach.id, visit))
                        received[coachee] += 1
                        visited[coachee] += 1
                        spent += 1
                        turn += 1
                        progress = True
                        break
    return result


TableChooser = Callable[[list[str], Counter[tuple[str, str]]], list[list[str]]]


def seat_tables(roster: Roster, choose: TableChooser) -> list[TableSeat] | None:
    """Every meeting's tables, school by school; None when a meeting has too few tables."""
    schools: dict[str, list[str]] = {}
    for team in roster.teams:
        schools.setdefault(roster.team_school(team.id), []).append(team.id)
    seats: list[TableSeat] = []
    earlier: dict[str, Counter[tuple[str, str]]] = {school: Counter() for school in schools}
    for cycle in roster.cycles:
        for meeting in cycle.meetings:
            for school, teams in schools.items():
                if len(teams) < 2:
                    continue
                tables = choose(teams, earlier[school])
                if meeting.tables is not None and len(tables) > meeting.tables:
                    return None
                for number, table in enumerate(tables, start=1):
                    seats.append(
                        TableSeat(cycle=cycle.id, meeting=meeting.id, table=number, teams=table)
                    )
                    for a, b in itertools.combinations(table, 2):
                        earlier[school][pair_key(a, b)] += 1
    return seats


def table_score(scoring: Scoring, table: Sequence[str], earlier: Counter[tuple[str, str]]) -> int:
    return sum(
        sum(scoring.team_pair_terms(a, b, earlier[pair_key(a, b)]).values())
        for a, b in itertools.combinations(table, 2)
    )


def assemble(
    roster: Roster,
    groups: list[Group],
    unpaired: list[tuple[str, list[str], str]],
    sabbatical: list[tuple[str, PlacedVisit]],
    seats: list[TableSeat],
    *,
    seed: int,
    started: float,
) -> Plan:
    """The plan of these choices, with every term computed from `pairwise.objective`."""
    scoring = Scoring(roster)
    weights = roster.policy.weights
    terms = empty_terms()
    width = len(str(len(groups)))
    partnerships: list[Partnership] = []
    visits: list[Visit] = []
    for index, group in enumerate(groups, start=1):
        identifier = f"P{index:0{width}d}"
        group_terms = scoring.group_terms(group.members)
        for name, value in group_terms.items():
            terms[name] += value
        partnerships.append(
            Partnership(
                id=identifier,
                members=group.members,
                cycles=group.cycles,
                score=sum(group_terms.values()),
                reasons=reasons(roster, scoring, group),
            )
        )
        for visit in group.visits:
            start, end = roster.slot_times(visit.slot)
            visits.append(
                Visit(
                    partnership=identifier,
                    cycle=visit.cycle,
                    host=visit.host,
                    visitor=visit.visitor,
                    slot=visit.slot,
                    start=start,
                    end=end,
                    covered=visit.covered,
                )
            )
    sabbatical_records = []
    for coach, visit in sabbatical:
        start, end = roster.slot_times(visit.slot)
        sabbatical_records.append(
            SabbaticalVisit(
                coach=coach,
                coachee=visit.host,
                cycle=visit.cycle,
                slot=visit.slot,
                start=start,
                end=end,
                covered=visit.covered,
            )
        )
    covered = sum(v.covered for v in visits) + sum(v.covered for v in sabbatical_records)
    terms["cover"] -= weights.cover * covered
    terms["sabbatical"] += weights.sabbatical * len(sabbatical_records)
    terms["unpaired"] -= weights.unpaired * len(unpaired)
    earlier: dict[tuple[str, str], int] = Counter()
    by_meeting: dict[tuple[str, str], list[TableSeat]] = {}
    for seat in seats:
        by_meeting.setdefault((seat.cycle, seat.meeting), []).append(seat)
    for _key, meeting_seats in by_meeting.items():
        together: list[tuple[str, str]] = []
        for seat in meeting_seats:
            for a, b in itertools.combinations(seat.teams, 2):
                for name, value in scoring.team_pair_terms(a, b, earlier[pair_key(a, b)]).items():
                    terms[name] += value
                together.append(pair_key(a, b))
        for key in together:
            earlier[key] += 1
    objective = sum(terms.values())
    plan = Plan(
        roster=roster.name,
        status="feasible",
        objective=objective,
        bound=objective,
        gap=0.0,
        seconds=round(time.perf_counter() - started, 3),
        seed=seed,
        terms=terms,
        partnerships=partnerships,
        visits=visits,
        sabbatical_visits=sabbatical_records,
        tables=seats,
        unpaired=[Unpaired(teacher=t, cycles=c, why=why) for t, c, why in unpaired],
    )
    plan.metrics = plan_metrics(roster, plan)
    return plan


def reasons(roster: Roster, scoring: Scoring, group: Group) -> list[str]:
    """Plain words for a partnership's score."""
    words: list[str] = []
    if group.locked:
        words.append("locked together by the admin")
    policy = roster.policy
    for a, b in itertools.permutations(group.members, 2):
        giver, taker = roster.teacher_by_id[a], roster.teacher_by_id[b]
        if taker.priority is not None and taker.priority in giver.strengths:
            words.append(f"{a} is strong in {taker.priority}, {b}'s priority")
    for a, b in itertools.combinations(group.members, 2):
        x, y = roster.teacher_by_id[a], roster.teacher_by_id[b]
        last = scoring.last_partnered(a, b)
        if scoring.continues(a, b):
            words.append(f"{a} and {b} both asked to keep working together")
        elif last is not None and scoring.repeat_factor(last):
            words.append(f"{a} and {b} were partners in {last}")
        if x.priority is not None and x.priority == y.priority:
            words.append(f"{a} and {b} share the priority {x.priority}")
        for novice, veteran in ((x, y), (y, x)):
            if (
                novice.years_experience < policy.novice_years
                and veteran.years_experience >= policy.mentor_years
            ):
                words.append(
                    f"novice {novice.id} with {veteran.years_experience}-year veteran {veteran.id}"
                )
    return words


# --- the greedy choices ---------------------------------------------------------------------------


def greedy_pairs(
    pool: list[str], admissible: Admissibility, booking: Booking, cycles: list[str]
) -> list[Group]:
    """Best-scoring admissible pairs first; a pair is kept when its visits fit."""
    scoring = Scoring(booking.roster)
    order = {teacher: index for index, teacher in enumerate(pool)}
    pairs = [
        (scoring.pair_score(a, b), a, b)
        for a, b in itertools.combinations(pool, 2)
        if admissible.allowed(a, b)
    ]
    pairs.sort(key=lambda item: (-item[0], order[item[1]], order[item[2]]))
    taken: set[str] = set()
    groups = []
    for _score, a, b in pairs:
        if a in taken or b in taken:
            continue
        visits = booking.schedule([a, b], cycles)
        if visits is None:
            continue
        groups.append(Group([a, b], cycles, visits))
        taken.update((a, b))
    return groups


def greedy_tables(scoring: Scoring) -> TableChooser:
    def choose(teams: list[str], earlier: Counter[tuple[str, str]]) -> list[list[str]]:
        order = {team: index for index, team in enumerate(teams)}
        pairs = sorted(
            itertools.combinations(teams, 2),
            key=lambda pair: (-table_score(scoring, pair, earlier), order[pair[0]], order[pair[1]]),
        )
        seated: set[str] = set()
        tables: list[list[str]] = []
        for a, b in pairs:
            if a not in seated and b not in seated:
                tables.append([a, b])
                seated.update((a, b))
        left = [team for team in teams if team not in seated]
        if left:
            best = max(
                range(len(tables)),
                key=lambda i: (table_score(scoring, [*tables[i], left[0]], earlier), -i),
            )
            tables[best].append(left[0])
        return tables

    return choose


def solve(roster: Roster, seed: int = 0) -> Plan | None:
    """An admin's greedy plan, valid by every hard rule; None when no lock-respecting plan is found.

    The greedy is deterministic: `seed` is only recorded in the plan."""
    started = time.perf_counter()
    booking = Booking(roster)
    built = build_partnerships(roster, booking, greedy_pairs)
    if built is None:
        return None
    groups, unpaired = built
    sabbatical = sabbatical_visits(roster, booking)
    seats = seat_tables(roster, greedy_tables(Scoring(roster)))
    if seats is None:
        return None
    return assemble(roster, groups, unpaired, sabbatical, seats, seed=seed, started=started)

"""The exact reference: every plan the rules allow on a tiny roster is enumerated and the best returned.

For tiny rosters only (about 7 participating teachers and a handful of slots at most): the search
is exhaustive. Partnership structures (per rotation period, every partition of the participating
teachers into pairs, triads and unpaired teachers that rules 1-3 allow) are tried best fixed value
first; for each, every visit direction and slot and every set of sabbatical visits is enumerated
together (they share slots and covers). Two prunings, both plainly exact: a branch stops when even
an extra sabbatical visit for every remaining candidate, and no cover, could not beat the best plan
found; and table seatings are solved apart, school by school, since they share no rule and no term
with the rest (meetings are not slots).

Among the plans of the best value it keeps the one with the most conversations (a debrief after
each peer visit, a planning before each co-taught lesson of a tandem pair), then the most co-taught
lessons: every assignment of conversation slots is enumerated for each plan of that value.

Terms come from the independent checker (`pairwise.check`) rather than a fourth coding of the objective's
objective: a partnership's score is what `check` recomputes for it alone, and so is a school's
sequence of seatings.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from pairwise.analysis.network import plan_metrics
from pairwise.checker.entry import check
from pairwise.roster.calendar import (
    away_on,
    on_staff_in_cycle,
    school_days_between,
    school_weekdays,
    slot_date,
)
from pairwise.roster.models import (
    Conversation,
    ConversationCounts,
    Partnership,
    Plan,
    Roster,
    SabbaticalVisit,
    TableSeat,
    Unpaired,
    Visit,
    VisitReference,
    parse_slot,
)

Block = tuple[str, ...]  # one teacher (unpaired), or a partnership's members, first listed first
Talk = tuple[str, "Placed", str]  # (kind, the visit, the conversation's slot)


@dataclass(frozen=True)
class PeerVisit:
    cycle: str
    partnership: int  # index into the structure's partnerships
    visitor: str
    host: str


@dataclass(frozen=True)
class Placed:
    """A visit given its slot: peer (`partnership` >= 0) or sabbatical (`partnership` -1)."""

    cycle: str
    partnership: int
    visitor: str  # the coach, for a sabbatical visit
    host: str  # the coachee, for a sabbatical visit
    slot: str
    covered: bool


@dataclass
class Structure:
    """Partnerships of every rotation period (with the cycles each covers) and the unpaired."""

    partnerships: list[tuple[Block, list[str]]]
    unpaired: list[tuple[str, list[str]]]
    fixed: int  # pair terms of the partnerships, minus the unpaired weight for each unpaired


@dataclass
class Booking:
    """What the visits placed so far use: busy teachers per slot, covers, releases, budgets."""

    busy: set[tuple[str, str]] = field(default_factory=set)
    covers: Counter[tuple[str, str]] = field(default_factory=Counter)
    releases: Counter[str] = field(default_factory=Counter)
    school_releases: Counter[str] = field(default_factory=Counter)
    coach_visits: Counter[str] = field(default_factory=Counter)
    coachee_visits: Counter[str] = field(default_factory=Counter)


def solve(roster: Roster, *, conversations: bool | None = None) -> Plan | None:
    """The optimal plan of a tiny roster, or None when no plan satisfies every hard rule.

    `conversations`: search every plan of the best value for the most conversations (by default
    only without sabbatical coaches, whose visit sets multiply the plans of equal value); without
    it the first best plan found keeps the most conversations around its own visits.
    """
    if conversations is None:
        conversations = not any(t.sabbatical and t.sabbatical.budget for t in roster.teachers)
    return _BruteForce(roster, ties=conversations).solve()


class _BruteForce:
    def __init__(self, roster: Roster, *, ties: bool = True) -> None:
        self.roster = roster
        self.ties = ties
        self.policy = roster.policy
        self.weights = roster.policy.weights
        self.cycles = [cycle.id for cycle in roster.cycles]
        self.school = {t.id: roster.school_of(t.id) for t in roster.teachers}
        self.teacher = roster.teacher_by_id
        self.participants = [t.id for t in roster.teachers if t.participates]
        self.avoid = {frozenset((r.a, r.b)) for r in roster.relations if r.kind == "avoid"}
        self.locks = {frozenset((r.a, r.b)) for r in roster.relations if r.kind == "lock"}
        self.slots = {
            cycle: [(slot, parse_slot(slot)[1]) for slot in roster.cycle_slots(cycle)]
            for cycle in self.cycles
        }
        self._scores: dict[Block, int] = {}
        self.best_value: int | None = None
        self.best: tuple[Structure, list[Placed]] | None = None
        self.best_talks: tuple[int, int, list[Talk]] = (-1, -1, [])
        self.talk_bound: tuple[int, int] = (0, 0)
        self.weekdays = school_weekdays(roster)
        self._talk_slots: dict[tuple[Placed, str], list[str]] = {}

    # --- who may be partners --------------------------------------------------------------------

    def evaluates(self, a: str, b: str) -> bool:
        return self.teacher[a].evaluator == b or self.teacher[b].evaluator == a

    def admissible(self, block: Block) -> bool:
        """Rule 2 for a partnership: no avoid or evaluator pair; one school unless allowed."""
        for a, b in itertools.combinations(block, 2):
            if frozenset((a, b)) in self.avoid or self.evaluates(a, b):
                return False
            if not self.policy.cross_school_pairs and self.school[a] != self.school[b]:
                return False
        return True

    def partitions(self, people: Sequence[str]) -> Iterator[list[Block]]:
        """Every split of `people` into unpaired teachers, admissible pairs and admissible triads."""
        if not people:
            yield []
            return
        first, rest = people[0], people[1:]
        companions: list[tuple[str, ...]] = [(), *((u,) for u in rest)]
        if self.policy.allow_triads:
            companions += list(itertools.combinations(rest, 2))
        for others in companions:
            block = (first, *others)
            if len(block) > 1 and not self.admissible(block):
                continue
            remaining = [person for person in rest if person not in others]
            for tail in self.partitions(remaining):
                yield [block, *tail]

    def listed(self, partition: list[Block]) -> list[Block] | None:
        """The partition with its triads' members ordered so rule 1 holds, or None if no order does.

        A triad belongs to its first listed member's school, so each triad may be listed under any
        of its members' schools; the count of a school's partnered teachers must then be odd.
        """
        partnered = Counter(self.school[m] for block in partition if len(block) > 1 for m in block)
        triads = [block for block in partition if len(block) == 3]
        options = [
            [
                block[i:] + block[:i]
                for i in range(3)
                if self.school[block[i]] not in {self.school[block[j]] for j in range(i)}
            ]
            for block in triads
        ]
        for choice in itertools.product(*options):
            schools = [self.school[triad[0]] for triad in choice]
            if len(set(schools)) == len(schools) and all(partnered[s] % 2 for s in schools):
                ordered: dict[Block, Block] = dict(zip(triads, choice, strict=True))
                return [ordered.get(block, block) for block in partition]
        return None

    def periods(self) -> list[list[str]]:
        """The cycles of each rotation period."""
        if self.policy.rotation == "year":
            return [list(self.cycles)]
        return [[cycle] for cycle in self.cycles]

    def structures(self) -> Iterator[Structure]:
        """Every partnership structure that rules 1, 2 and 3 and the locks allow."""
        periods = self.periods()
        # a teacher on staff for no slot of a period is neither partnered nor unpaired in it
        splits = [
            [
                listed
                for listed in map(self.listed, self.partitions(self.on_staff(cycles)))
                if listed is not None
            ]
            for cycles in periods
        ]

        def extend(
            index: int, chosen: list[list[Block]], together: set[frozenset[str]]
        ) -> Iterator[list[list[Block]]]:
            if index == len(periods):
                yield chosen
                return
            for partition in splits[index]:
                pairs = {
                    frozenset(pair)
                    for block in partition
                    for pair in itertools.combinations(block, 2)
                }
                if pairs & together:  # rule 3: no pair twice in a year
                    continue
                yield from extend(index + 1, [*chosen, partition], together | pairs)

        for chosen in extend(0, [], set()):
            together = {
                frozenset(pair)
                for partition in chosen
                for block in partition
                for pair in itertools.combinations(block, 2)
            }
            if not self.locks <= together:
                continue
            partnerships: list[tuple[Block, list[str]]] = []
            unpaired: list[tuple[str, list[str]]] = []
            for cycles, partition in zip(periods, chosen, strict=True):
                for block in partition:
                    if len(block) == 1:
                        unpaired.append((block[0], cycles))
                    else:
                        partnerships.append((block, cycles))
            fixed = sum(self.score(block) for block, _ in partnerships)
            fixed -= self.weights.unpaired * len(unpaired)
            yield Structure(partnerships, unpaired, fixed)

    def score(self, block: Block) -> int:
        """A partnership's pair terms for one rotation period, as the checker recomputes them."""
        key = tuple(sorted(block))
        if key not in self._scores:
            alone = Plan(
                roster=self.roster.name,
                status="feasible",
                objective=0,
                bound=0,
                partnerships=[Partnership(id="P", members=list(key), cycles=self.periods()[0])],
            )
            # a plan of one partnership and nothing else states only its pair terms
            self._scores[key] = sum(check(self.roster, alone).terms.values())
        return self._scores[key]

    # --- visits ---------------------------------------------------------------------------------

    def visit_options(self, structure: Structure) -> list[list[list[PeerVisit]]]:
        """Per partnership and cycle, the ways rule 4 allows its visits to go."""
        groups = []
        for index, (block, cycles) in enumerate(structure.partnerships):
            for cycle in cycles:
                if len(block) == 3:
                    a, b, c = block
                    rings = [[(a, b), (b, c), (c, a)], [(a, c), (c, b), (b, a)]]
                elif self.policy.reciprocal:
                    rings = [[(block[0], block[1]), (block[1], block[0])]]
                else:
                    rings = [[(block[0], block[1])], [(block[1], block[0])]]
                groups.append(
                    [
                        [PeerVisit(cycle, index, visitor, host) for visitor, host in ring]
                        for ring in rings
                    ]
                )
        return groups

    def unavailable(self, teacher: str, slot: str, period: str) -> bool:
        record = self.teacher[teacher]
        return (
            period in record.unavailable
            or slot in record.unavailable
            or away_on(record, slot_date(slot))
        )

    def on_staff(self, cycles: list[str]) -> list[str]:
        """Participants on staff for some slot of these cycles."""
        return [
            teacher
            for teacher in self.participants
            if any(
                on_staff_in_cycle(self.roster, self.teacher[teacher], self.roster.cycle_by_id[c])
                for c in cycles
            )
        ]

    def cover_fits(self, booking: Booking, slot: str, school: str) -> bool:
        return booking.covers[(slot, school)] < self.roster.cover_limit(slot)

    def sabbatical_candidates(self) -> list[Placed]:
        """Every sabbatical visit rule 8 allows on its own (budgets and slots are checked later)."""
        candidates = []
        for coach in self.roster.teachers:
            if coach.sabbatical is None or coach.sabbatical.budget == 0:
                continue
            for coachee in self.roster.teachers:
                if (
                    coachee.id == coach.id
                    or coachee.priority is None
                    or coachee.priority not in coach.sabbatical.topics
                    or frozenset((coach.id, coachee.id)) in self.avoid
                    or self.evaluates(coach.id, coachee.id)
                ):
                    continue
                for cycle in self.cycles:
                    for slot, period in self.slots[cycle]:
                        if (
                            period in coachee.teaches
                            and not self.unavailable(coach.id, slot, period)
                            and not self.unavailable(coachee.id, slot, period)
                        ):
                            covered = period in coach.teaches
                            candidates.append(
                                Placed(cycle, -1, coach.id, coachee.id, slot, covered)
                            )
        return candidates

    def search(self, structure: Structure, candidates: list[Placed]) -> None:
        """Every placement of the structure's visits and every set of sabbatical visits."""
        booking = Booking()
        placed: list[Placed] = []
        weights = self.weights
        cap = self.policy.sabbatical_visits_per_coachee
        budgets = {t.id: t.sabbatical.budget for t in self.roster.teachers if t.sabbatical}
        most = min(len(candidates), sum(budgets[c] for c in {v.visitor for v in candidates}))

        def hopeless(value: int, more_sabbatical: int) -> bool:
            # covers only lower the value, each sabbatical visit adds its weight
            best = self.best_value
            if best is None:
                return False
            most = structure.fixed + value + weights.sabbatical * more_sabbatical
            # a plan of equal value competes on its conversations when it could hold more
            return most < best or (
                most == best and (not self.ties or self.talk_bound <= self.best_talks[:2])
            )

        def place_peer(visits: list[PeerVisit], index: int, value: int) -> None:
            if hopeless(value, most):
                return
            if index == len(visits):
                place_sabbatical(0, value, 0)
                return
            visit = visits[index]
            for slot, period in self.slots[visit.cycle]:
                if period not in self.teacher[visit.host].teaches:
                    continue
                if self.unavailable(visit.host, slot, period) or self.unavailable(
                    visit.visitor, slot, period
                ):
                    continue
                if (slot, visit.host) in booking.busy or (slot, visit.visitor) in booking.busy:
                    continue
                covered = period in self.teacher[visit.visitor].teaches
                school = self.school[visit.visitor]
                if covered:
                    release = self.teacher[visit.visitor].max_release
                    budget = self.policy.release_budget
                    if (
                        not self.cover_fits(booking, slot, school)
                        or (release is not None and booking.releases[visit.visitor] >= release)
                        or (budget is not None and booking.school_releases[school] >= budget)
                    ):
                        continue
                booking.busy |= {(slot, visit.host), (slot, visit.visitor)}
                if covered:
                    booking.covers[(slot, school)] += 1
                    booking.releases[visit.visitor] += 1
                    booking.school_releases[school] += 1
                placed.append(
                    Placed(visit.cycle, visit.partnership, visit.visitor, visit.host, slot, covered)
                )
                place_peer(visits, index + 1, value - weights.cover * covered)
                placed.pop()
                booking.busy -= {(slot, visit.host), (slot, visit.visitor)}
                if covered:
                    booking.covers[(slot, school)] -= 1
                    booking.releases[visit.visitor] -= 1
                    booking.school_releases[school] -= 1

        def place_sabbatical(index: int, value: int, taken: int) -> None:
            if hopeless(value, min(len(candidates) - index, most - taken)):
                return
            if index == len(candidates):
                self.consider(structure, structure.fixed + value, list(placed))
                return
            visit = candidates[index]
            coach, coachee, slot = visit.visitor, visit.host, visit.slot
            school = self.school[coach]
            fits = (
                (slot, coach) not in booking.busy
                and (slot, coachee) not in booking.busy
                and booking.coach_visits[coach] < budgets[coach]
                and booking.coachee_visits[coachee] < cap
                and (not visit.covered or self.cover_fits(booking, slot, school))
            )
            if fits:
                booking.busy |= {(slot, coach), (slot, coachee)}
                booking.coach_visits[coach] += 1
                booking.coachee_visits[coachee] += 1
                booking.covers[(slot, school)] += visit.covered
                placed.append(visit)
                gain = weights.sabbatical - weights.cover * visit.covered
                place_sabbatical(index + 1, value + gain, taken + 1)
                placed.pop()
                booking.busy -= {(slot, coach), (slot, coachee)}
                booking.coach_visits[coach] -= 1
                booking.coachee_visits[coachee] -= 1
                booking.covers[(slot, school)] -= visit.covered
            place_sabbatical(index + 1, value, taken)

        self.talk_bound = self.structure_talk_bound(structure)
        for rings in itertools.product(*self.visit_options(structure)):
            place_peer([visit for ring in rings for visit in ring], 0, 0)

    # --- conversations ----------------------------------------------------------------------------

    def consider(self, structure: Structure, value: int, placed: list[Placed]) -> None:
        """Keep a complete plan when worth more, or as much with more conversations, then lessons."""
        if self.best_value is not None and value < self.best_value:
            return
        talks = self.conversations(structure, placed)
        key = (len(talks), sum(kind == "planning" for kind, _, _ in talks))
        if self.best_value is None or value > self.best_value or key > self.best_talks[:2]:
            self.best_value = value
            self.best = (structure, placed)
            self.best_talks = (*key, talks)

    def structure_talk_bound(self, structure: Structure) -> tuple[int, int]:
        """Conversations and co-taught lessons no placement of the structure can exceed: a visit
        counts when some slot of it has a period in its window where both are free."""

        def possible(visitor: str, host: str, cycle: str, kind: str) -> bool:
            for slot, period in self.slots[cycle]:
                if period not in self.teacher[host].teaches or any(
                    self.unavailable(t, slot, period) for t in (visitor, host)
                ):
                    continue
                covered = period in self.teacher[visitor].teaches
                if self.conversation_slots(Placed(cycle, 0, visitor, host, slot, covered), kind):
                    return True
            return False

        talks = lessons = 0
        tandem = self.policy.tandem and self.policy.reciprocal
        for rings in self.visit_options(structure):
            talks += max(
                sum(possible(v.visitor, v.host, v.cycle, "debrief") for v in ring) for ring in rings
            )
            block = structure.partnerships[rings[0][0].partnership][0]
            if tandem and len(block) == 2 and all(self.teacher[m].tandem for m in block):
                a, b = block
                cycle = rings[0][0].cycle
                if possible(a, b, cycle, "planning") or possible(b, a, cycle, "planning"):
                    talks += 1
                    lessons += 1
        return talks, lessons

    def in_window(self, visit: Placed, slot: str, kind: str) -> bool:
        day, period = parse_slot(slot)
        visit_day, visit_period = parse_slot(visit.slot)
        periods = self.roster.period_by_id
        days = self.policy.debrief_within_days
        if kind == "debrief":
            if day == visit_day:
                return periods[period].start >= periods[visit_period].end
            return day > visit_day and school_days_between(self.weekdays, visit_day, day) <= days
        if day == visit_day:
            return periods[period].end <= periods[visit_period].start
        return day < visit_day and school_days_between(self.weekdays, day, visit_day) <= days

    def conversation_slots(self, visit: Placed, kind: str) -> list[str]:
        """Slots of the visit's cycle in its window where both are free of classes and absences."""
        key = (visit, kind)
        if key in self._talk_slots:
            return self._talk_slots[key]
        found: list[str] = []
        self._talk_slots[key] = found
        for slot, period in self.slots[visit.cycle]:
            if any(
                period in self.teacher[t].teaches or self.unavailable(t, slot, period)
                for t in (visit.visitor, visit.host)
            ):
                continue
            if self.in_window(visit, slot, kind):
                found.append(slot)
        return found

    def conversations(self, structure: Structure, placed: list[Placed]) -> list[Talk]:
        """The most conversations, then co-taught lessons, around a placement (exhaustive)."""
        peer = [v for v in placed if v.partnership >= 0]
        tasks: list[list[tuple[str, Placed]]] = [[("debrief", v)] for v in peer]
        if self.policy.tandem and self.policy.reciprocal:
            for index, (block, cycles) in enumerate(structure.partnerships):
                if len(block) != 2 or not all(self.teacher[m].tandem for m in block):
                    continue
                for cycle in cycles:
                    pair = [v for v in peer if v.partnership == index and v.cycle == cycle]
                    tasks.append([("planning", v) for v in pair])
        busy = {(v.slot, t) for v in placed for t in (v.visitor, v.host)}
        best: list[list[Talk]] = [[]]
        chosen: list[Talk] = []

        def score(talks: list[Talk]) -> tuple[int, int]:
            return len(talks), sum(kind == "planning" for kind, _, _ in talks)

        def walk(index: int) -> None:
            if index == len(tasks):
                if score(chosen) > score(best[0]):
                    best[0] = list(chosen)
                return
            if len(chosen) + len(tasks) - index < len(best[0]):
                return  # even a conversation for every task left cannot do better
            for kind, visit in tasks[index]:
                for slot in self.conversation_slots(visit, kind):
                    keys = {(slot, visit.visitor), (slot, visit.host)}
                    if keys & busy:
                        continue
                    busy.update(keys)
                    chosen.append((kind, visit, slot))
                    walk(index + 1)
                    chosen.pop()
                    busy.difference_update(keys)
            walk(index + 1)

        walk(0)
        return best[0]

    # --- tables ---------------------------------------------------------------------------------

    def seatings(self, teams: list[str]) -> Iterator[list[Block]]:
        """Every split of a school's teams into pairs, with one table of three when odd."""
        if not teams:
            yield []
            return
        first, rest = teams[0], teams[1:]
        sizes = [1, 2] if len(teams) % 2 else [1]
        for size in sizes:
            for others in itertools.combinations(rest, size):
                remaining = [team for team in rest if team not in others]
                for tail in self.seatings(remaining):
                    yield [(first, *others), *tail]

    def best_tables(self) -> list[TableSeat] | None:
        """The best seating at every meeting, school by school; None when a meeting lacks tables."""
        meetings = [(cycle, meeting) for cycle in self.roster.cycles for meeting in cycle.meetings]
        by_school: dict[str, list[str]] = {}
        for team in self.roster.teams:
            by_school.setdefault(self.roster.team_school(team.id), []).append(team.id)
        seats: list[TableSeat] = []
        for teams in by_school.values():
            if len(teams) < 2 or not meetings:
                continue
            needed = len(teams) // 2
            if any(m.tables is not None and m.tables < needed for _, m in meetings):
                return None
            best: tuple[int, list[TableSeat]] | None = None
            options = list(self.seatings(teams))
            for sequence in itertools.product(options, repeat=len(meetings)):
                candidate = [
                    TableSeat(cycle=cycle.id, meeting=meeting.id, table=number, teams=list(table))
                    for (cycle, meeting), seating in zip(meetings, sequence, strict=True)
                    for number, table in enumerate(seating, start=1)
                ]
                value = self.table_value(candidate)
                if best is None or value > best[0]:
                    best = (value, candidate)
            assert best is not None
            seats += best[1]
        return seats

    def table_value(self, seats: list[TableSeat]) -> int:
        """Team terms of one school's seatings, as the checker recomputes them."""
        alone = Plan(roster=self.roster.name, status="feasible", objective=0, bound=0, tables=seats)
        terms = check(self.roster, alone).terms
        return terms["team_complement"] + terms["team_repeat"]

    # --- the whole search -----------------------------------------------------------------------

    def solve(self) -> Plan | None:
        started = time.perf_counter()
        tables = self.best_tables()
        if tables is None:
            return None
        candidates = self.sabbatical_candidates()
        most = min(
            len(candidates),
            sum(
                t.sabbatical.budget
                for t in self.roster.teachers
                if t.sabbatical and t.id in {c.visitor for c in candidates}
            ),
        )
        structures = sorted(self.structures(), key=lambda s: -s.fixed)
        for structure in structures:
            # sorted by fixed value: once no extra can lift one above the best, none can
            if (
                self.best_value is not None
                and structure.fixed + self.weights.sabbatical * most
                < self.best_value + (not self.ties)
            ):
                break
            self.search(structure, candidates)
        if self.best is None:
            return None
        return self.plan(*self.best, tables, time.perf_counter() - started)

    def plan(
        self, structure: Structure, placed: list[Placed], tables: list[TableSeat], seconds: float
    ) -> Plan:
        width = len(str(len(structure.partnerships)))
        ids = [f"P{index + 1:0{width}d}" for index in range(len(structure.partnerships))]
        partnerships = [
            Partnership(id=ids[index], members=list(block), cycles=cycles, score=self.score(block))
            for index, (block, cycles) in enumerate(structure.partnerships)
        ]
        visits, sabbatical_visits = [], []
        for visit in placed:
            start, end = self.roster.slot_times(visit.slot)
            if visit.partnership >= 0:
                visits.append(
                    Visit(
                        partnership=ids[visit.partnership],
                        cycle=visit.cycle,
                        host=visit.host,
                        visitor=visit.visitor,
                        slot=visit.slot,
                        start=start,
                        end=end,
                        covered=visit.covered,
                    )
                )
            else:
                sabbatical_visits.append(
                    SabbaticalVisit(
                        coach=visit.visitor,
                        coachee=visit.host,
                        cycle=visit.cycle,
                        slot=visit.slot,
                        start=start,
                        end=end,
                        covered=visit.covered,
                    )
                )
        unpaired = [
            Unpaired(teacher=teacher, cycles=cycles, why=self.why_unpaired(teacher))
            for teacher, cycles in structure.unpaired
        ]
        plan = Plan(
            roster=self.roster.name,
            status="optimal",
            objective=0,
            bound=0,
            gap=0.0,
            seconds=round(seconds, 3),
            seed=0,
            partnerships=partnerships,
            visits=visits,
            sabbatical_visits=sabbatical_visits,
            tables=tables,
            unpaired=unpaired,
        )
        terms = check(self.roster, plan).terms
        objective = sum(terms.values())
        expected = (
            structure.fixed
            + self.table_value(tables)
            + sum(
                self.weights.sabbatical * (v.partnership < 0) - self.weights.cover * v.covered
                for v in placed
            )
        )
        if objective != expected:  # the search and the checker must agree on the value
            raise RuntimeError(f"bruteforce: searched value {expected}, checker says {objective}")
        plan.terms = terms
        plan.objective = plan.bound = objective
        self.add_conversations(plan, ids)
        plan.metrics = plan_metrics(self.roster, plan)
        return plan

    def add_conversations(self, plan: Plan, ids: list[str]) -> None:
        """The best plan's conversations, its co-taught lessons, and the counts (all proven)."""
        _, lessons, talks = self.best_talks
        co_taught = {(v.visitor, v.host, v.cycle) for kind, v, _ in talks if kind == "planning"}
        for visit in plan.visits:
            if (visit.visitor, visit.host, visit.cycle) in co_taught:
                visit.mode = "co-teach"
        for kind, visit, slot in talks:
            start, end = self.roster.slot_times(slot)
            plan.conversations.append(
                Conversation(
                    kind=kind,  # type: ignore[arg-type]
                    members=[visit.visitor, visit.host],
                    visit=VisitReference(
                        host=visit.host, visitor=visit.visitor, cycle=visit.cycle, slot=visit.slot
                    ),
                    slot=slot,
                    start=start,
                    end=end,
                )
            )
        plan.conversation_counts = ConversationCounts(
            placed=len(talks), most=len(talks), co_taught=lessons, co_taught_most=lessons
        )

    def why_unpaired(self, teacher: str) -> str:
        partners = [
            other
            for other in self.participants
            if other != teacher and self.admissible((teacher, other))
        ]
        if not partners:
            return "no admissible partner: avoid relations, evaluators or schools exclude everyone"
        return "every plan that partners this teacher breaks a hard rule or scores lower"

"""The feasibility model.

It holds only the partnerships that contain a locked pair, their visits, and the table counts;
everyone else is left unpaired and no sabbatical visit is made. Each roster rule that could be
relaxed is one assumption literal, so CP-SAT can name a set of them that conflict.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ortools.sat.python import cp_model

from pairwise.checker.entry import check
from pairwise.engine.search import new_solver
from pairwise.explanation.facts import Facts, Option
from pairwise.explanation.prechecks import tables_short
from pairwise.explanation.report import RULE_KINDS, Rule, Status
from pairwise.roster.facts import pair_key, release_limits
from pairwise.roster.models import Plan, Roster
from pairwise.roster.objective import Scoring

# --- the feasibility model ----------------------------------------------------------------------


@dataclass(frozen=True)
class _PartnershipOption:
    """A partnership the model may choose: a locked pair, or a triad containing one."""

    members: tuple[str, ...]
    period: str
    chosen: Any  # the CP-SAT boolean


class PlacedPartnership(NamedTuple):
    """A partnership a feasible solve chose: its members and rotation period."""

    members: tuple[str, ...]
    period: str


class PlacedVisit(NamedTuple):
    """A peer visit a feasible solve placed: the cycle, who visits whom, and its slot option."""

    cycle: str
    visitor: str
    host: str
    option: Option


class _VisitSlot(NamedTuple):
    """A slot a peer visit may take, with its CP-SAT boolean."""

    cycle: str
    visitor: str
    host: str
    option: Option
    chosen: Any


@dataclass
class _Outcome:
    """One solve: the status, and a conflict core or the placed partnerships and visits."""

    status: Status
    core: list[Rule] = field(default_factory=list)
    partnerships: list[PlacedPartnership] = field(default_factory=list)
    visits: list[PlacedVisit] = field(default_factory=list)


class _Model:
    """the hard rules (docs/rules.md) for the partnerships that locks need, with one literal per rule group.

    Slots are pruned without changing feasibility: a teacher takes part in at most two peer visits
    per cycle here, so three interchangeable uncovered slots of a visit always leave one free, and
    covered ones need room for every other covered visit of the school as well.
    """

    def __init__(self, facts: Facts, *, visits: bool = True) -> None:
        self.facts = facts
        self.visits = visits
        self.model: Any = cp_model.CpModel()
        self.literal: dict[Rule, Any] = {}
        self.candidates: list[_PartnershipOption] = []
        self.visit_slots: list[_VisitSlot] = []
        self._build()
        self.rules = sorted(self.literal, key=lambda r: (RULE_KINDS.index(r.kind), r.subject))

    def rule(self, rule: Rule) -> Any:
        if rule not in self.literal:
            self.literal[rule] = self.model.new_bool_var(rule.key)
        return self.literal[rule]

    def forbid_unless_relaxed(self, variable: Any, rule: Rule) -> None:
        """`variable` may be true only when `rule` is relaxed."""
        self.model.add_implication(variable, self.rule(rule).Not())

    # building ---------------------------------------------------------------------------------

    def _build(self) -> None:
        demand: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
        for period in self.facts.periods:
            candidates = [
                _PartnershipOption(
                    members, period, self.model.new_bool_var(f"{'+'.join(members)}@{period}")
                )
                for members in self._candidate_members(period)
            ]
            self.candidates += candidates
            self._one_partnership_per_teacher(candidates)
            for candidate in candidates:
                self._partner_rules(candidate)
            self._triads(candidates)
            if not self.visits:
                continue
            for candidate in candidates:
                for cycle_id in self.facts.cycles_of(period):
                    self._visit_directions(candidate, cycle_id, demand)
        self._locks()
        self._no_repeat_partners()
        if self.visits:
            self._place_visits(demand)
        self._tables()

    def _easy(self, a: str, b: str, cycle_id: str) -> bool:
        """Whether the pair's visits fit in uncovered free slots whatever else happens."""
        ways = [
            any(o.free and not o.covered for o in self.facts.options(x, y, cycle_id))
            for x, y in ((a, b), (b, a))
        ]
        return all(ways) if self.facts.policy.reciprocal else any(ways)

    def _candidate_members(self, period: str) -> list[tuple[str, ...]]:
        facts = self.facts
        cycles = facts.cycles_of(period)
        members: dict[tuple[str, ...], None] = dict.fromkeys(facts.locks)
        hosts = [
            t.id
            for t in facts.roster.teachers
            if t.participates and all(facts.hostable(t.id, c) for c in cycles)
        ]
        for a, b in facts.locks:
            adjacent = (facts.lock_partners[a] | facts.lock_partners[b]) - {a, b}
            for x in sorted(adjacent):
                members[tuple(sorted((a, b, x)))] = None
            if all(self._easy(a, b, c) for c in cycles):
                continue  # a pair beats any triad with an outsider: drop those triads
            schools = {facts.school[a], facts.school[b]}
            for x in hosts:
                if x in adjacent or x in (a, b):
                    continue
                if not facts.policy.cross_school_pairs and facts.school[x] not in schools:
                    continue
                if any(
                    pair_key(x, y) in facts.avoid or facts.evaluation(x, y) is not None
                    for y in (a, b)
                ):
                    continue
                members[tuple(sorted((a, b, x)))] = None
        return list(members)

    # rule 1: one partnership per teacher and period (the explanation's home)
    def _one_partnership_per_teacher(self, candidates: list[_PartnershipOption]) -> None:
        per_teacher: dict[str, list[Any]] = defaultdict(list)
        for candidate in candidates:
            for member in candidate.members:
                per_teacher[member].append(candidate.chosen)
        for variables in per_teacher.values():
            if len(variables) > 1:
                self.model.add_at_most_one(variables)

    # rule 2: avoid, evaluator, same school
    def _partner_rules(self, candidate: _PartnershipOption) -> None:
        facts = self.facts
        for a, b in itertools.combinations(candidate.members, 2):
            pair = pair_key(a, b)
            if pair in facts.avoid:
                self.forbid_unless_relaxed(candidate.chosen, Rule("avoid", pair))
            evaluation = facts.evaluation(a, b)
            if evaluation:
                self.forbid_unless_relaxed(candidate.chosen, Rule("evaluator", (evaluation[0],)))
            if not facts.policy.cross_school_pairs and facts.school[a] != facts.school[b]:
                self.forbid_unless_relaxed(candidate.chosen, Rule("cross_school_pairs"))
        for member in candidate.members:
            if not facts.teacher[member].participates:
                self.forbid_unless_relaxed(candidate.chosen, Rule("participates", (member,)))
        if len(candidate.members) == 3 and not facts.policy.allow_triads:
            self.forbid_unless_relaxed(candidate.chosen, Rule("allow_triads"))

    # rule 1: triads
    def _triads(self, candidates: list[_PartnershipOption]) -> None:
        """At most one triad per school and period, and only when the school's count is odd."""
        school = self.facts.school
        owned: dict[str, list[Any]] = defaultdict(list)
        partnered: dict[str, list[tuple[int, Any]]] = defaultdict(list)
        for candidate in candidates:
            counts = Counter(school[member] for member in candidate.members)
            for name, count in counts.items():
                partnered[name].append((count, candidate.chosen))
            if len(candidate.members) != 3:
                continue
            if len(counts) == 1:
                owned[next(iter(counts))].append(candidate.chosen)
                continue
            # the triad belongs to the school of its first listed member: any member's school
            owners = [self.model.new_bool_var(f"owner {name}") for name in counts]
            self.model.add(sum(owners) == candidate.chosen)
            for name, owner in zip(counts, owners, strict=True):
                owned[name].append(owner)
        for name, owners in owned.items():
            has_triad = self.model.new_bool_var(f"triad in {name}")
            self.model.add(sum(owners) == has_triad)
            terms = partnered[name]
            top = sum(count for count, _ in terms)
            half = self.model.new_int_var(0, top // 2, f"half of {name}")
            total = sum(count * variable for count, variable in terms)
            self.model.add(total == 2 * half + 1).only_enforce_if(has_triad)

    # rule 4: the visits each partnership makes
    def _visit_directions(
        self,
        candidate: _PartnershipOption,
        cycle_id: str,
        demand: dict[tuple[str, str, str], list[Any]],
    ) -> None:
        chosen = candidate.chosen
        if len(candidate.members) == 2:
            a, b = candidate.members
            forth = self.model.new_bool_var(f"{a}>{b}@{cycle_id}")
            back = self.model.new_bool_var(f"{b}>{a}@{cycle_id}")
            self.model.add_implication(forth, chosen)
            self.model.add_implication(back, chosen)
            self.model.add_bool_or([forth, back, chosen.Not()])
            if self.facts.policy.reciprocal:
                reciprocal = self.rule(Rule("reciprocal"))
                self.model.add_implication(chosen, forth).only_enforce_if(reciprocal)
                self.model.add_implication(chosen, back).only_enforce_if(reciprocal)
            demand[(cycle_id, a, b)].append(forth)
            demand[(cycle_id, b, a)].append(back)
            return
        a, b, x = candidate.members
        one = self.model.new_bool_var(f"{a}>{b}>{x}@{cycle_id}")
        other = self.model.new_bool_var(f"{a}>{x}>{b}@{cycle_id}")
        self.model.add(one + other == chosen)
        for visitor, host in ((a, b), (b, x), (x, a)):
            demand[(cycle_id, visitor, host)].append(one)
        for visitor, host in ((a, x), (x, b), (b, a)):
            demand[(cycle_id, visitor, host)].append(other)

    # rule 2: locks
    def _locks(self) -> None:
        for pair in self.facts.locks:
            containing = [
                c.chosen for c in self.candidates if pair[0] in c.members and pair[1] in c.members
            ]
            literal = self.rule(Rule("lock", pair))
            if containing:
                self.model.add_bool_or(containing).only_enforce_if(literal)
            else:
                self.model.add_bool_or([literal.Not()])

    # rule 3: no repeat within the year
    def _no_repeat_partners(self) -> None:
        if self.facts.policy.rotation != "cycle" or len(self.facts.cycle_ids) < 2:
            return
        together: dict[tuple[str, str], list[_PartnershipOption]] = defaultdict(list)
        for candidate in self.candidates:
            for a, b in itertools.combinations(candidate.members, 2):
                together[(a, b)].append(candidate)
        for candidates in together.values():
            if len({c.period for c in candidates}) > 1:
                self.model.add(sum(c.chosen for c in candidates) <= 1).only_enforce_if(
                    self.rule(Rule("no_repeat"))
                )

    def _kept_options(self, cycle_id: str, visitor: str, host: str) -> list[Option]:
        facts = self.facts
        room = (
            3
            + len(facts.schools)
            + sum(1 for t in facts.locked if facts.school[t] == facts.school[visitor])
        )
        kept: list[Option] = []
        per_class: Counter[tuple[bool, bool, bool]] = Counter()
        for option in facts.options(visitor, host, cycle_id):
            # only locked teachers' unavailability can be relaxed; anyone else's is a fact here
            if (option.visitor_away and visitor not in facts.locked) or (
                option.host_away and host not in facts.locked
            ):
                continue
            if option.covered and option.slot in facts.override:
                kept.append(option)
                continue
            kind = (option.covered, option.visitor_away, option.host_away)
            if per_class[kind] < (room if option.covered else 3):
                per_class[kind] += 1
                kept.append(option)
        return kept

    # rule 5, rule 6, rule 7: visits in feasible slots, no double booking, covers and releases
    def _place_visits(self, demand: dict[tuple[str, str, str], list[Any]]) -> None:
        facts = self.facts
        busy: dict[tuple[str, str], list[Any]] = defaultdict(list)
        covers: dict[tuple[str, str], list[Any]] = defaultdict(list)
        released: dict[str, list[Any]] = defaultdict(list)
        school_covers: dict[str, list[Any]] = defaultdict(list)
        for (cycle_id, visitor, host), needed in demand.items():
            placed = []
            for option in self._kept_options(cycle_id, visitor, host):
                visit = self.model.new_bool_var(f"{visitor}>{host}@{option.slot}")
                placed.append(visit)
                self.visit_slots.append(_VisitSlot(cycle_id, visitor, host, option, visit))
                if option.visitor_away:
                    self.forbid_unless_relaxed(visit, Rule("unavailable", (visitor, cycle_id)))
                if option.host_away:
                    self.forbid_unless_relaxed(visit, Rule("unavailable", (host, cycle_id)))
                busy[(option.slot, visitor)].append(visit)
                busy[(option.slot, host)].append(visit)
                if option.covered:
                    covers[(option.slot, facts.school[visitor])].append(visit)
                    released[visitor].append(visit)
                    school_covers[facts.school[visitor]].append(visit)
            self.model.add(sum(placed) == sum(needed))
        for variables in busy.values():
            if len(variables) > 1:
                self.model.add_at_most_one(variables)
        for (slot, _), variables in covers.items():
            limit, rule = facts.cover_limit(slot)
            if len(variables) > limit:
                self.model.add(sum(variables) <= limit).only_enforce_if(self.rule(rule))
        # rule 7: max_release, release_budget (limits from roster.facts), each one relaxable
        for release in release_limits(facts.roster, released, school_covers):
            if len(release.items) > release.limit:
                kind = "max_release" if release.kind == "teacher" else "release_budget"
                self.model.add(sum(release.items) <= release.limit).only_enforce_if(
                    self.rule(Rule(kind, (release.name,)))
                )

    # rule 9: enough tables
    def _tables(self) -> None:
        for cycle in self.facts.roster.cycles:
            for meeting in cycle.meetings:
                if meeting.tables is not None and tables_short(self.facts, meeting.tables):
                    rule = Rule("tables", (cycle.id, meeting.id))
                    self.model.add_bool_or([self.rule(rule).Not()])

    # solving ----------------------------------------------------------------------------------

    def solve(self, enforced: Collection[Rule], seconds: float, workers: int) -> _Outcome:
        """Solve with the `enforced` rules held (the rest relaxed); a core when infeasible."""
        present = [rule for rule in enforced if rule in self.literal]
        self.model.clear_assumptions()
        self.model.add_assumptions([self.literal[rule] for rule in present])
        solver = new_solver(max(0.05, seconds), seed=0, workers=workers)
        # probing the many slot booleans costs seconds and rarely pays on these models
        solver.parameters.cp_model_probing_level = 0
        status = solver.solve(self.model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _Outcome(
                "feasible",
                partnerships=[
                    PlacedPartnership(c.members, c.period)
                    for c in self.candidates
                    if solver.boolean_value(c.chosen)
                ],
                visits=[
                    PlacedVisit(slot.cycle, slot.visitor, slot.host, slot.option)
                    for slot in self.visit_slots
                    if solver.boolean_value(slot.chosen)
                ],
            )
        if status == cp_model.INFEASIBLE:
            indices = set(solver.sufficient_assumptions_for_infeasibility())
            core = [rule for rule in present if self.literal[rule].index in indices]
            return _Outcome("infeasible", core=core or present)
        return _Outcome("unknown")


class Feasibility:
    """The model in two steps: partnerships alone (a relaxation, so its conflicts are conflicts
    of the whole), then with visits. Most conflicts are found by the first in milliseconds."""

    def __init__(self, facts: Facts) -> None:
        self.structure = _Model(facts, visits=False)
        self.full = _Model(facts)
        self.rules = self.full.rules

    def solve(self, enforced: Collection[Rule], seconds: float, workers: int) -> _Outcome:
        start = time.monotonic()
        outcome = self.structure.solve(enforced, seconds, workers)
        if outcome.status == "infeasible":
            return outcome
        # the partnerships found are usually placeable: start the full search from them
        chosen = set(outcome.partnerships)
        self.full.model.clear_hints()
        for candidate in self.full.candidates:
            self.full.model.add_hint(
                candidate.chosen, PlacedPartnership(candidate.members, candidate.period) in chosen
            )
        return self.full.solve(enforced, seconds - (time.monotonic() - start), workers)


class Clock:
    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def left(self) -> float:
        return self.deadline - time.monotonic()


def solve_feasibility(
    roster: Roster, enforced: Collection[Rule] | None, clock: Clock, workers: int
) -> _Outcome:
    model = Feasibility(Facts(roster))
    if clock.left() <= 0:
        return _Outcome("unknown")
    return model.solve(model.rules if enforced is None else enforced, clock.left(), workers)


def feasible_plan(roster: Roster, *, time_limit: float = 10.0, workers: int = 1) -> Plan | None:
    """A plan that meets every hard rule (locked pairs partnered, everyone else unpaired, no
    sabbatical visits), ignoring the objective; None when none exists or the time ran out."""
    outcome = solve_feasibility(roster, None, Clock(time_limit), workers)
    return _witness_plan(roster, outcome) if outcome.status == "feasible" else None


def _witness_plan(roster: Roster, outcome: _Outcome) -> Plan:
    facts = Facts(roster)
    scoring = Scoring(roster)
    width = max(2, len(str(len(outcome.partnerships))))
    partnerships, visits, unpaired = [], [], []
    partner_of: dict[tuple[str, str], str] = {}
    for number, (members, period) in enumerate(outcome.partnerships, start=1):
        identifier = f"P{number:0{width}d}"
        partnerships.append(
            {
                "id": identifier,
                "members": list(members),
                "cycles": facts.cycles_of(period),
                "score": sum(scoring.group_terms(members).values()),
                "reasons": ["locked together"],
            }
        )
        for cycle_id in facts.cycles_of(period):
            for member in members:
                partner_of[(cycle_id, member)] = identifier
    for cycle_id, visitor, host, option in outcome.visits:
        start, end = roster.slot_times(option.slot)
        visits.append(
            {
                "partnership": partner_of[(cycle_id, visitor)],
                "cycle": cycle_id,
                "host": host,
                "visitor": visitor,
                "slot": option.slot,
                "start": start,
                "end": end,
                "covered": option.covered,
            }
        )
    for teacher in roster.teachers:
        if not teacher.participates:
            continue
        alone = [c for c in facts.cycle_ids if (c, teacher.id) not in partner_of]
        if facts.policy.rotation == "year" and alone:
            alone = list(facts.cycle_ids)
        if alone:
            unpaired.append({"teacher": teacher.id, "cycles": alone, "why": "not locked"})
    tables = []
    teams = facts.teams_by_school()
    for cycle in roster.cycles:
        for meeting in cycle.meetings:
            for school_teams in teams.values():
                count = len(school_teams) // 2
                for number in range(count):
                    seated = school_teams[2 * number : 2 * number + 2]
                    if number == count - 1:
                        seated = school_teams[2 * number :]
                    tables.append(
                        {
                            "cycle": cycle.id,
                            "meeting": meeting.id,
                            "table": number + 1,
                            "teams": seated,
                        }
                    )
    plan = Plan.model_validate(
        {
            "roster": roster.name,
            "status": "feasible",
            "objective": 0,
            "bound": 0,
            "partnerships": partnerships,
            "visits": visits,
            "tables": tables,
            "unpaired": unpaired,
        }
    )
    report = check(roster, plan)
    plan.terms = dict(report.terms)
    plan.objective = plan.bound = report.objective
    return plan


def is_feasible(roster: Roster, *, time_limit: float = 10.0, workers: int = 1) -> bool | None:
    """Whether some plan meets every hard rule of the roster; None when the time ran out."""
    status = solve_feasibility(roster, None, Clock(time_limit), workers).status
    return None if status == "unknown" else status == "feasible"


def rules_hold(
    roster: Roster, rules: Iterable[str], *, time_limit: float = 10.0, workers: int = 1
) -> bool | None:
    """Whether the named rule groups (`Rule.key`, e.g. "lock:t04/t09") can all hold at once while
    every other group is relaxed; None when the time ran out."""
    model = Feasibility(Facts(roster))
    wanted = set(rules)
    enforced = [rule for rule in model.rules if rule.key in wanted]
    status = model.solve(enforced, time_limit, workers).status
    return None if status == "unknown" else status == "feasible"

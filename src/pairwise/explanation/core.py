"""Why a roster has no plan: fast pre-checks, then minimal conflict sets of its own rules, with
relaxations checked by solving again.

SPEC's rule 1 lets any participating teacher be unpaired (at a cost), so a roster can only be
infeasible through decisions that cannot all hold: locks (with everything a partnership and its
visits need), table counts, and the cover limits and budgets those visits use. The feasibility
model below therefore holds only the partnerships that contain a locked pair, their visits, and
the table counts; everyone else is left unpaired and no sabbatical visit is made. Each roster rule
that could be relaxed is one assumption literal, so CP-SAT can name a set of them that conflict.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ortools.sat.python import cp_model

from pairwise.roster.models import Plan, Roster, parse_slot
from pairwise.roster.objective import Scoring

Severity = Literal["conflict", "warning"]
Status = Literal["feasible", "infeasible", "unknown"]

YEAR = "year"  # the one rotation period under `rotation: year`
MAX_CONFLICTS = 6  # conflict sets reported before giving up on making the roster solvable
MAX_SINGLE_EDITS = 12  # unavailable entries tried one by one before removing them together

# Order of rule kinds in a conflict set, and the order in which relaxations are preferred when
# one is applied to look for the next conflict: the cheapest decision to change first.
RULE_KINDS: tuple[str, ...] = (
    "lock",
    "avoid",
    "evaluator",
    "participates",
    "cross_school_pairs",
    "allow_triads",
    "reciprocal",
    "no_repeat",
    "unavailable",
    "cover_per_period",
    "cover_override",
    "max_release",
    "release_budget",
    "tables",
)
PREFERENCE: tuple[str, ...] = (
    "tables",
    "release_budget",
    "max_release",
    "cover_override",
    "cover_per_period",
    "unavailable",
    "allow_triads",
    "reciprocal",
    "participates",
    "cross_school_pairs",
    "lock",
    "avoid",
    "no_repeat",
    "evaluator",
)


@dataclass(frozen=True, order=True)
class Rule:
    """One group of a roster's rules that can be relaxed together (one assumption literal)."""

    kind: str
    subject: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """`lock:t04/t09`, `tables:fall/fall-pd`, `release_budget` (an unnamed school is left out)."""
        parts = [part for part in self.subject if part]
        return f"{self.kind}:{'/'.join(parts)}" if parts else self.kind


@dataclass(frozen=True)
class Finding:
    """One pre-check result: a conflict (the roster cannot be solved) or a warning."""

    check: str
    severity: Severity
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"check": self.check, "severity": self.severity, "message": self.message}


@dataclass(frozen=True)
class ConflictRule:
    """One member of a conflict set, in words."""

    rule: str
    kind: str
    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "kind": self.kind, "path": self.path, "message": self.message}


@dataclass
class Conflict:
    """A set of rules that cannot all hold; `minimal` when dropping any one was proven to help."""

    number: int
    rules: list[ConflictRule]
    facts: list[str]
    minimal: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "conflict": self.number,
            "minimal": self.minimal,
            "rules": [rule.as_dict() for rule in self.rules],
            "facts": list(self.facts),
        }


@dataclass
class Relaxation:
    """A change to the roster that relaxes one member of a conflict set, and what solving showed.

    `resolves_conflict`: the conflict's rules can then all hold; `solves_roster`: the whole roster
    (with the relaxations applied for earlier conflicts) then has a plan. Both are None unless
    `checked`. `applied` marks the one used to look for the next conflict.
    """

    conflict: int
    rule: str
    action: str
    path: str
    old: Any = None
    new: Any = None
    checked: bool = False
    resolves_conflict: bool | None = None
    solves_roster: bool | None = None
    applied: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "conflict": self.conflict,
            "rule": self.rule,
            "action": self.action,
            "path": self.path,
            "from": self.old,
            "to": self.new,
            "checked": self.checked,
            "resolves_conflict": self.resolves_conflict,
            "solves_roster": self.solves_roster,
            "applied": self.applied,
        }


@dataclass
class Explanation:
    """What `explain` found: the verdict, pre-check findings, conflict sets and relaxations.

    `status` is "unknown" when the time ran out before feasibility was decided. `solvable_after`
    says whether the applied relaxations together were checked to make the roster solvable.
    """

    roster: str
    status: Status
    prechecks: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    relaxations: list[Relaxation] = field(default_factory=list)
    solvable_after: bool | None = None

    @property
    def feasible(self) -> bool:
        return self.status == "feasible"

    def as_dict(self) -> dict[str, Any]:
        """A stable JSON-ready document (no timings)."""
        return {
            "roster": self.roster,
            "status": self.status,
            "feasible": self.feasible,
            "prechecks": [finding.as_dict() for finding in self.prechecks],
            "warnings": [finding.as_dict() for finding in self.warnings],
            "conflicts": [conflict.as_dict() for conflict in self.conflicts],
            "relaxations": [relaxation.as_dict() for relaxation in self.relaxations],
            "solvable_after": self.solvable_after,
        }


# --- facts about a roster that every part below needs -------------------------------------------


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _names(items: Iterable[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _school_label(school: str) -> str:
    return f"school '{school}'" if school else "the school"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


@dataclass(frozen=True)
class _Option:
    """A slot in which one teacher could visit another: the host teaches then."""

    slot: str
    period: str
    covered: bool  # the visitor teaches then
    visitor_away: bool  # the visitor is unavailable then
    host_away: bool

    @property
    def free(self) -> bool:
        return not self.visitor_away and not self.host_away


class _Facts:
    """Lookups derived once from a roster: schools, timetables, relations, slots."""

    def __init__(self, roster: Roster) -> None:
        self.roster = roster
        self.policy = roster.policy
        self.teacher = roster.teacher_by_id
        self.index = {teacher.id: i for i, teacher in enumerate(roster.teachers)}
        self.school = {teacher.id: roster.school_of(teacher.id) for teacher in roster.teachers}
        self.schools = roster.schools()
        self.teaches = {t.id: frozenset(t.teaches) for t in roster.teachers}
        self.away_periods = {
            t.id: frozenset(u for u in t.unavailable if "/" not in u) for t in roster.teachers
        }
        self.away_slots = {
            t.id: frozenset(u for u in t.unavailable if "/" in u) for t in roster.teachers
        }
        self.cycle_ids = [cycle.id for cycle in roster.cycles]
        self.cycle_index = {cycle_id: i for i, cycle_id in enumerate(self.cycle_ids)}
        self.slots: dict[str, list[tuple[str, str]]] = {
            cycle_id: [(slot, parse_slot(slot)[1]) for slot in roster.cycle_slots(cycle_id)]
            for cycle_id in self.cycle_ids
        }
        self.slot_cycle = {
            slot: cycle_id for cycle_id, slots in self.slots.items() for slot, _ in slots
        }
        self.relation_paths: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        for i, relation in enumerate(roster.relations):
            a, b = _pair(relation.a, relation.b)
            self.relation_paths[(relation.kind, a, b)].append(f"relations[{i}]")
        self.locks = [(a, b) for kind, a, b in self.relation_paths if kind == "lock"]
        self.avoid = {(a, b) for kind, a, b in self.relation_paths if kind == "avoid"}
        self.lock_partners: dict[str, set[str]] = defaultdict(set)
        for a, b in self.locks:
            self.lock_partners[a].add(b)
            self.lock_partners[b].add(a)
        self.locked = {t for pair in self.locks for t in pair}
        self.periods = [YEAR] if self.policy.rotation == "year" else list(self.cycle_ids)
        self.override = {
            override.slot: (i, override.cover)
            for i, override in enumerate(self.policy.cover_overrides)
        }
        self._options: dict[tuple[str, str, str], list[_Option]] = {}

    def cycles_of(self, period: str) -> list[str]:
        return list(self.cycle_ids) if period == YEAR else [period]

    def label(self, teacher_id: str) -> str:
        teacher = self.teacher.get(teacher_id)
        return f"{teacher_id} ({teacher.name})" if teacher else teacher_id

    def path(self, teacher_id: str, field_name: str) -> str:
        return f"teachers[{self.index[teacher_id]}].{field_name}"

    def relation_path(self, kind: str, pair: tuple[str, str]) -> str:
        return ", ".join(self.relation_paths.get((kind, *pair), [])) or "relations"

    def away(self, teacher_id: str, slot: str, period: str) -> bool:
        return period in self.away_periods[teacher_id] or slot in self.away_slots[teacher_id]

    def evaluation(self, a: str, b: str) -> tuple[str, str] | None:
        """(evaluated, evaluator) when one of a and b evaluates the other."""
        if self.teacher[a].evaluator == b:
            return a, b
        if self.teacher[b].evaluator == a:
            return b, a
        return None

    def admissible(self, a: str, b: str) -> bool:
        """Whether a and b may be partners by SPEC's rule 2 (ignoring locks)."""
        return (
            _pair(a, b) not in self.avoid
            and self.evaluation(a, b) is None
            and (self.policy.cross_school_pairs or self.school[a] == self.school[b])
        )

    def options(self, visitor: str, host: str, cycle_id: str) -> list[_Option]:
        """Every slot of a cycle in which `visitor` could visit `host` (the host teaches then)."""
        key = (visitor, host, cycle_id)
        if key not in self._options:
            host_teaches, visitor_teaches = self.teaches[host], self.teaches[visitor]
            self._options[key] = [
                _Option(
                    slot,
                    period,
                    period in visitor_teaches,
                    self.away(visitor, slot, period),
                    self.away(host, slot, period),
                )
                for slot, period in self.slots[cycle_id]
                if period in host_teaches
            ]
        return self._options[key]

    def hostable(self, teacher_id: str, cycle_id: str) -> bool:
        """Whether the teacher teaches, and is available, in some slot of the cycle."""
        teaches = self.teaches[teacher_id]
        return any(
            period in teaches and not self.away(teacher_id, slot, period)
            for slot, period in self.slots[cycle_id]
        )

    def cover_limit(self, slot: str) -> tuple[int, Rule]:
        """Covers on hand in a slot per school, and the rule that sets the number."""
        if slot in self.override:
            return self.override[slot][1], Rule("cover_override", (slot,))
        return self.policy.cover_per_period, Rule("cover_per_period")

    def teams_by_school(self) -> dict[str, list[str]]:
        teams: dict[str, list[str]] = defaultdict(list)
        for team in self.roster.teams:
            teams[self.roster.team_school(team.id)].append(team.id)
        return teams


# --- pre-checks ---------------------------------------------------------------------------------


def precheck(roster: Roster) -> list[Finding]:
    """Fast checks, each a plain sentence: conflicts (no plan can exist) first, then warnings."""
    facts = _Facts(roster)
    findings: list[Finding] = []
    findings += _lock_admissibility(facts)
    findings += _lock_groups(facts)
    findings += _hosts_without_slots(facts)
    findings += _lock_slots(facts)
    findings += _tables_too_few(facts)
    findings += _no_admissible_partner(facts)
    findings += _odd_without_triads(facts)
    findings += _coach_budgets(facts)
    return sorted(findings, key=lambda finding: finding.severity != "conflict")


def _lock_words(facts: _Facts, a: str, b: str) -> str:
    return (
        f"{facts.label(a)} and {facts.label(b)} are locked together "
        f"({facts.relation_path('lock', (a, b))})"
    )


def _lock_admissibility(facts: _Facts) -> list[Finding]:
    findings = []
    for a, b in facts.locks:
        words = _lock_words(facts, a, b)
        if (a, b) in facts.avoid:
            findings.append(
                Finding(
                    "lock-avoid",
                    "conflict",
                    f"{words} but are also an avoid relation ({facts.relation_path('avoid', (a, b))})",
                )
            )
        evaluation = facts.evaluation(a, b)
        if evaluation:
            evaluated, evaluator = evaluation
            findings.append(
                Finding(
                    "lock-evaluator",
                    "conflict",
                    f"{words} but {evaluator} evaluates {evaluated} "
                    f"({facts.path(evaluated, 'evaluator')})",
                )
            )
        if not facts.policy.cross_school_pairs and facts.school[a] != facts.school[b]:
            findings.append(
                Finding(
                    "lock-schools",
                    "conflict",
                    f"{words} but {a} is at {_school_label(facts.school[a])} and {b} at "
                    f"{_school_label(facts.school[b])}, and policy.cross_school_pairs is false",
                )
            )
        for member in (a, b):
            if not facts.teacher[member].participates:
                findings.append(
                    Finding(
                        "lock-participates",
                        "conflict",
                        f"{words} but {member} does not participate "
                        f"({facts.path(member, 'participates')} is false)",
                    )
                )
    return findings


def _lock_components(facts: _Facts) -> list[list[str]]:
    seen: set[str] = set()
    components = []
    for a, _ in facts.locks:
        if a in seen:
            continue
        stack, component = [a], []
        seen.add(a)
        while stack:
            teacher = stack.pop()
            component.append(teacher)
            for partner in sorted(facts.lock_partners[teacher]):
                if partner not in seen:
                    seen.add(partner)
                    stack.append(partner)
        components.append(sorted(component))
    return components


def _lock_groups(facts: _Facts) -> list[Finding]:
    """Locks that share teachers: more partners than one partnership (or the cycles) can hold."""
    findings = []
    policy = facts.policy
    if policy.rotation == "year":
        triads_needed: dict[str, list[list[str]]] = defaultdict(list)
        for component in _lock_components(facts):
            if len(component) < 3:
                continue
            locks = [f"{a}–{b}" for a, b in facts.locks if a in component and b in component]
            people = _names(component)
            if len(component) > 3:
                findings.append(
                    Finding(
                        "lock-group",
                        "conflict",
                        f"locks {_names(locks)} put {people} in one partnership, but a "
                        "partnership has at most 3 members",
                    )
                )
                continue
            if not policy.allow_triads:
                findings.append(
                    Finding(
                        "lock-group",
                        "conflict",
                        f"locks {_names(locks)} put {people} in one triad, but "
                        "policy.allow_triads is false",
                    )
                )
                continue
            for x, y in itertools.combinations(component, 2):
                if _pair(x, y) in facts.locks or facts.admissible(x, y):
                    continue
                why = (
                    "are an avoid relation"
                    if _pair(x, y) in facts.avoid
                    else "are evaluator and evaluated"
                    if facts.evaluation(x, y)
                    else "are at different schools"
                )
                findings.append(
                    Finding(
                        "lock-group",
                        "conflict",
                        f"locks {_names(locks)} put {people} in one triad, but {x} and {y} {why}",
                    )
                )
            schools = {facts.school[member] for member in component}
            if len(schools) == 1:
                triads_needed[schools.pop()].append(component)
        for school, groups in triads_needed.items():
            if len(groups) > 1:
                findings.append(
                    Finding(
                        "lock-group",
                        "conflict",
                        f"{_school_label(school)} needs {len(groups)} triads for its locks "
                        f"({'; '.join(_names(group) for group in groups)}), but a school has at "
                        "most one triad",
                    )
                )
    else:
        per_cycle = 2 if policy.allow_triads else 1
        capacity = per_cycle * len(facts.cycle_ids)
        for teacher in sorted(facts.lock_partners):
            partners = sorted(facts.lock_partners[teacher])
            if len(partners) > capacity:
                findings.append(
                    Finding(
                        "lock-group",
                        "conflict",
                        f"{facts.label(teacher)} is locked with {_plural(len(partners), 'teacher')} "
                        f"({_names(partners)}), but can have at most {capacity} partners in "
                        f"{_plural(len(facts.cycle_ids), 'cycle')}"
                        + ("" if policy.allow_triads else " without triads"),
                    )
                )
    return findings


def _hosts_without_slots(facts: _Facts) -> list[Finding]:
    """Participating teachers nobody can visit (in some cycle): they cannot be partnered then.

    Without reciprocal visits such a teacher can still be in a pair, as its one visitor.
    """
    findings: list[Finding] = []
    if not facts.policy.reciprocal:
        return findings
    year = facts.policy.rotation == "year"
    for teacher in facts.roster.teachers:
        if not teacher.participates:
            continue
        locked = teacher.id in facts.locked
        if not teacher.teaches:
            reason = f"{facts.label(teacher.id)} teaches no period, so nobody can visit them"
            cycles = list(facts.cycle_ids)
        else:
            cycles = [c for c in facts.cycle_ids if not facts.hostable(teacher.id, c)]
            if not cycles:
                continue
            reason = (
                f"{facts.label(teacher.id)} is unavailable in every period they teach in "
                f"cycle{'s' if len(cycles) > 1 else ''} {_names(cycles)}, so nobody can visit "
                "them there"
            )
        blocks_lock = year or len(cycles) == len(facts.cycle_ids)
        if locked and blocks_lock:
            partners = sorted(facts.lock_partners[teacher.id])
            findings.append(
                Finding(
                    "host-without-slots",
                    "conflict",
                    f"{reason}; but they are locked with {_names(partners)}",
                )
            )
        else:
            when = (
                "for the year"
                if year
                else f"in cycle{'s' if len(cycles) > 1 else ''} {_names(cycles)}"
            )
            findings.append(
                Finding("host-without-slots", "warning", f"{reason}; they will be unpaired {when}")
            )
    return findings


def _usable(facts: _Facts, option: _Option) -> bool:
    """A free slot that is uncovered, or covered with a cover on hand (before any other visit)."""
    return option.free and (not option.covered or facts.cover_limit(option.slot)[0] > 0)


def _direction_words(facts: _Facts, visitor: str, host: str, cycle_id: str) -> str:
    """How many slots a visit of `visitor` to `host` has in a cycle, and why there are none."""
    options = facts.options(visitor, host, cycle_id)
    if not options:
        return f"no slot ({host} teaches no period)"
    free = [option for option in options if option.free]
    if not free:
        return f"no slot ({visitor} or {host} is unavailable whenever {host} teaches)"
    covered = sum(option.covered for option in free)
    if covered < len(free):
        return f"{_plural(len(free), 'slot')} ({len(free) - covered} uncovered)"
    if not any(_usable(facts, option) for option in free):
        return f"no slot ({_plural(len(free), 'slot')}, all needing a cover, and none has one)"
    return f"{_plural(len(free), 'slot')}, all covered ({visitor} teaches then)"


def _meeting_words(facts: _Facts, a: str, b: str, cycle_id: str) -> str:
    """Where a pair can make its two visits in a cycle, in words."""
    text = (
        f"{a} can visit {b} in {_direction_words(facts, a, b, cycle_id)}; "
        f"{b} can visit {a} in {_direction_words(facts, b, a, cycle_id)}"
    )
    ways = [
        {o.slot for o in facts.options(x, y, cycle_id) if _usable(facts, o)}
        for x, y in ((a, b), (b, a))
    ]
    if all(ways) and len(ways[0] | ways[1]) == 1:
        text += f"; both visits only in {next(iter(ways[0]))}, and nobody makes two at once"
    return text


@dataclass
class _PairNeeds:
    """What a locked pair needs in one cycle: whether it can meet, and its unavoidable covers."""

    blocked: bool  # no partnership containing the pair can make its visits
    triad_only: bool  # only a triad can (one direction has no slot)
    covers: int  # covered visits no placement avoids
    visitors: Counter[str]  # who is covered for them, when known


def _pair_needs(facts: _Facts, a: str, b: str, cycle_id: str) -> _PairNeeds:
    # Any partnership holding a and b makes at least one visit between them in each cycle (a
    # triad's ring exactly one); a reciprocal pair makes both.
    usable = {
        (x, y): [o for o in facts.options(x, y, cycle_id) if _usable(facts, o)]
        for x, y in ((a, b), (b, a))
    }
    empty = [direction for direction, options in usable.items() if not options]
    reciprocal, triads = facts.policy.reciprocal, facts.policy.allow_triads
    if len(empty) == 2 or (empty and reciprocal and not triads):
        return _PairNeeds(True, False, 0, Counter())
    if reciprocal and not triads and len({o.slot for o in itertools.chain(*usable.values())}) < 2:
        return _PairNeeds(True, False, 0, Counter())  # the two visits share their one slot
    forced = {d: all(o.covered for o in options) for d, options in usable.items() if options}
    if reciprocal and not triads:
        visitors = Counter(x for (x, _), needs_cover in forced.items() if needs_cover)
        return _PairNeeds(False, False, sum(visitors.values()), visitors)
    covers = int(all(forced.values()))
    visitors = (
        Counter({next(iter(forced))[0]: covers}) if len(forced) == 1 and covers else Counter()
    )
    return _PairNeeds(False, bool(empty) and reciprocal, covers, visitors)


def _lock_slots(facts: _Facts) -> list[Finding]:
    """Locked pairs with no slot for their visits, or whose visits can only be covered."""
    findings: list[Finding] = []
    year = facts.policy.rotation == "year"
    covered_visitor: Counter[str] = Counter()
    covered_school: Counter[str] = Counter()
    reasons: dict[str, list[str]] = defaultdict(list)
    for a, b in facts.locks:
        if not facts.teaches[a] or not facts.teaches[b]:
            continue  # reported as a host without slots
        needs = {cycle_id: _pair_needs(facts, a, b, cycle_id) for cycle_id in facts.cycle_ids}
        blocked = [c for c, need in needs.items() if need.blocked]
        triad_only = [c for c, need in needs.items() if need.triad_only]
        if blocked and (year or len(blocked) == len(needs)):
            details = "; ".join(f"in cycle {c}, {_meeting_words(facts, a, b, c)}" for c in blocked)
            findings.append(
                Finding(
                    "lock-without-slot", "conflict", f"{_lock_words(facts, a, b)}, but {details}"
                )
            )
            continue
        if triad_only and (year or len(triad_only) + len(blocked) == len(needs)):
            details = "; ".join(
                f"in cycle {c}, {_meeting_words(facts, a, b, c)}" for c in triad_only
            )
            findings.append(
                Finding(
                    "lock-without-slot",
                    "warning",
                    f"{_lock_words(facts, a, b)}, but {details}: they can only meet in a triad",
                )
            )
        usable = [c for c in facts.cycle_ids if not needs[c].blocked]
        # under rotation 'cycle' the lock needs one cycle: the one needing the fewest covers
        counted = usable if year else [min(usable, key=lambda c: needs[c].covers)] if usable else []
        for cycle_id in counted:
            need = needs[cycle_id]
            if not need.covers:
                continue
            words = f"{a}–{b} in cycle {cycle_id}"
            for visitor, count in need.visitors.items():
                covered_visitor[visitor] += count
                reasons[visitor].append(words)
            if facts.school[a] == facts.school[b]:
                covered_school[facts.school[a]] += need.covers
                reasons[f"school:{facts.school[a]}"].append(words)
    for visitor, count in sorted(covered_visitor.items()):
        limit = facts.teacher[visitor].max_release
        if limit is not None and count > limit:
            findings.append(
                Finding(
                    "max-release",
                    "conflict",
                    f"{facts.label(visitor)} must be covered for at least "
                    f"{_plural(count, 'visit')} ({_names(reasons[visitor])}: every slot they can "
                    f"visit in is one they teach), but {facts.path(visitor, 'max_release')} is "
                    f"{limit}",
                )
            )
    budget = facts.policy.release_budget
    if budget is not None:
        for school, count in sorted(covered_school.items()):
            if count > budget:
                findings.append(
                    Finding(
                        "release-budget",
                        "conflict",
                        f"{_school_label(school)} needs at least {_plural(count, 'covered visit')} "
                        f"for its locked pairs ({_names(reasons[f'school:{school}'])}), but "
                        f"policy.release_budget is {budget}",
                    )
                )
    return findings


def _tables_short(facts: _Facts, tables: int) -> str | None:
    """Why `tables` tables are too few for a meeting (each school seats its teams apart)."""
    short = sorted(
        (
            (len(teams) // 2, school, len(teams))
            for school, teams in facts.teams_by_school().items()
        ),
        key=lambda item: (
            -item[0],
            facts.schools.index(item[1]) if item[1] in facts.schools else 0,
        ),
    )
    short = [item for item in short if item[0] > tables]
    if not short:
        return None
    needed, school, teams = short[0]
    text = f"{_school_label(school)} has {teams} teams, which need {needed}"
    if len(short) > 1:
        text += f" (and {_plural(len(short) - 1, 'other school')} need more than {tables})"
    return text


def _tables_too_few(facts: _Facts) -> list[Finding]:
    findings = []
    for c, cycle in enumerate(facts.roster.cycles):
        for m, meeting in enumerate(cycle.meetings):
            why = None if meeting.tables is None else _tables_short(facts, meeting.tables)
            if why:
                findings.append(
                    Finding(
                        "tables",
                        "conflict",
                        f"meeting {meeting.id} of cycle {cycle.id} has "
                        f"{_plural(meeting.tables or 0, 'table')} "
                        f"(cycles[{c}].meetings[{m}].tables), but {why}",
                    )
                )
    return findings


def _no_admissible_partner(facts: _Facts) -> list[Finding]:
    """Participating teachers with no admissible partner: they will be unpaired (a warning)."""
    policy = facts.policy
    participants = [t.id for t in facts.roster.teachers if t.participates]
    pool: Counter[str] = Counter(
        "" if policy.cross_school_pairs else facts.school[t] for t in participants
    )
    excluded: dict[str, set[str]] = defaultdict(set)
    for a, b in facts.avoid:
        excluded[a].add(b)
        excluded[b].add(a)
    for teacher in facts.roster.teachers:
        if teacher.evaluator is not None:
            excluded[teacher.id].add(teacher.evaluator)
            excluded[teacher.evaluator].add(teacher.id)
    findings = []
    for teacher_id in participants:
        own = "" if policy.cross_school_pairs else facts.school[teacher_id]
        # counting only the exceptions keeps this linear in the roster's size
        blocked = {
            other
            for other in excluded[teacher_id]
            if other != teacher_id
            and facts.teacher[other].participates
            and (policy.cross_school_pairs or facts.school[other] == own)
        }
        if pool[own] - 1 - len(blocked) > 0:
            continue
        kinds: Counter[str] = Counter()
        for other in facts.roster.teachers:
            if other.id == teacher_id:
                continue
            if not other.participates:
                kinds["not participating"] += 1
            elif not policy.cross_school_pairs and facts.school[other.id] != own:
                kinds["at another school"] += 1
            elif _pair(other.id, teacher_id) in facts.avoid:
                kinds["an avoid relation"] += 1
            else:
                kinds["evaluator or evaluated"] += 1
        others = len(facts.roster.teachers) - 1
        why = "; ".join(f"{count} {kind}" for kind, count in kinds.items())
        findings.append(
            Finding(
                "no-admissible-partner",
                "warning",
                f"{facts.label(teacher_id)} has no admissible partner (of "
                f"{_plural(others, 'other teacher')}: {why or 'none'}); they will be unpaired",
            )
        )
    return findings


def _odd_without_triads(facts: _Facts) -> list[Finding]:
    if facts.policy.allow_triads:
        return []
    counts: Counter[str] = Counter(
        "" if facts.policy.cross_school_pairs else facts.school[t.id]
        for t in facts.roster.teachers
        if t.participates
    )
    findings = []
    for school, count in counts.items():
        if count % 2 == 1 and count > 1:
            where = "the roster" if facts.policy.cross_school_pairs else _school_label(school)
            findings.append(
                Finding(
                    "odd-without-triads",
                    "warning",
                    f"{where} has {count} participating teachers and policy.allow_triads is "
                    "false: at least one will be unpaired in each rotation period",
                )
            )
    return findings


def _coach_budgets(facts: _Facts) -> list[Finding]:
    """Coaches whose budget is more than their coachees and slots can take (a warning)."""
    findings = []
    cap = facts.policy.sabbatical_visits_per_coachee
    for coach in facts.roster.teachers:
        if coach.sabbatical is None or coach.sabbatical.budget == 0:
            continue
        topics = set(coach.sabbatical.topics)
        coachees = [
            t.id
            for t in facts.roster.teachers
            if t.id != coach.id
            and t.priority in topics
            and _pair(t.id, coach.id) not in facts.avoid
            and facts.evaluation(t.id, coach.id) is None
        ]
        budget = coach.sabbatical.budget
        slots: set[str] = set()
        reachable = 0
        for coachee in coachees:
            teaches, count = facts.teaches[coachee], 0
            for slot, period in itertools.chain.from_iterable(facts.slots.values()):
                if (
                    period in teaches
                    and not facts.away(coach.id, slot, period)
                    and not facts.away(coachee, slot, period)
                ):
                    slots.add(slot)
                    count += 1
                    # enough is known once this coachee is full and slots are no limit
                    if count >= cap and len(slots) >= budget:
                        break
            reachable += min(cap, count)
            if reachable >= budget and len(slots) >= budget:
                break
        placeable = min(reachable, len(slots))
        if coach.sabbatical.budget <= placeable:
            continue
        why = (
            "no other teacher's priority is one of their topics"
            if not coachees
            else f"{_plural(len(coachees), 'coachee')} ({_names(coachees[:6])}"
            + (", ..." if len(coachees) > 6 else "")
            + f"), at most {cap} visits each in the slots they teach and both are free"
        )
        findings.append(
            Finding(
                "coach-budget",
                "warning",
                f"{facts.label(coach.id)} has a sabbatical budget of {coach.sabbatical.budget} "
                f"({facts.path(coach.id, 'sabbatical.budget')}), but at most "
                f"{_plural(placeable, 'visit')} can be placed: {why}",
            )
        )
    return findings


# --- the feasibility model ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    """A partnership the model may choose: a locked pair, or a triad containing one."""

    members: tuple[str, ...]
    period: str
    chosen: Any  # the CP-SAT boolean


@dataclass
class _Outcome:
    """One solve: the status, and a conflict core or the placed partnerships and visits."""

    status: Status
    core: list[Rule] = field(default_factory=list)
    partnerships: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    visits: list[tuple[str, str, str, _Option]] = field(default_factory=list)


class _Model:
    """SPEC's hard rules for the partnerships that locks need, with one literal per rule group.

    Slots are pruned without changing feasibility: a teacher takes part in at most two peer visits
    per cycle here, so three interchangeable uncovered slots of a visit always leave one free, and
    covered ones need room for every other covered visit of the school as well.
    """

    def __init__(self, facts: _Facts, *, visits: bool = True) -> None:
        self.facts = facts
        self.visits = visits
        self.model: Any = cp_model.CpModel()
        self.literal: dict[Rule, Any] = {}
        self.candidates: list[_Candidate] = []
        self.visit_slots: list[tuple[str, str, str, _Option, Any]] = []
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
                _Candidate(
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
                    _pair(x, y) in facts.avoid or facts.evaluation(x, y) is not None for y in (a, b)
                ):
                    continue
                members[tuple(sorted((a, b, x)))] = None
        return list(members)

    def _one_partnership_per_teacher(self, candidates: list[_Candidate]) -> None:
        per_teacher: dict[str, list[Any]] = defaultdict(list)
        for candidate in candidates:
            for member in candidate.members:
                per_teacher[member].append(candidate.chosen)
        for variables in per_teacher.values():
            if len(variables) > 1:
                self.model.add_at_most_one(variables)

    def _partner_rules(self, candidate: _Candidate) -> None:
        facts = self.facts
        for a, b in itertools.combinations(candidate.members, 2):
            pair = _pair(a, b)
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

    def _triads(self, candidates: list[_Candidate]) -> None:
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

    def _visit_directions(
        self, candidate: _Candidate, cycle_id: str, demand: dict[tuple[str, str, str], list[Any]]
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

    def _no_repeat_partners(self) -> None:
        if self.facts.policy.rotation != "cycle" or len(self.facts.cycle_ids) < 2:
            return
        together: dict[tuple[str, str], list[_Candidate]] = defaultdict(list)
        for candidate in self.candidates:
            for a, b in itertools.combinations(candidate.members, 2):
                together[(a, b)].append(candidate)
        for candidates in together.values():
            if len({c.period for c in candidates}) > 1:
                self.model.add(sum(c.chosen for c in candidates) <= 1).only_enforce_if(
                    self.rule(Rule("no_repeat"))
                )

    def _kept_options(self, cycle_id: str, visitor: str, host: str) -> list[_Option]:
        facts = self.facts
        room = (
            3
            + len(facts.schools)
            + sum(1 for t in facts.locked if facts.school[t] == facts.school[visitor])
        )
        kept: list[_Option] = []
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
                self.visit_slots.append((cycle_id, visitor, host, option, visit))
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
        for teacher_id, variables in released.items():
            release = facts.teacher[teacher_id].max_release
            if release is not None and len(variables) > release:
                self.model.add(sum(variables) <= release).only_enforce_if(
                    self.rule(Rule("max_release", (teacher_id,)))
                )
        budget = facts.policy.release_budget
        if budget is not None:
            for school, variables in school_covers.items():
                if len(variables) > budget:
                    self.model.add(sum(variables) <= budget).only_enforce_if(
                        self.rule(Rule("release_budget", (school,)))
                    )

    def _tables(self) -> None:
        for cycle in self.facts.roster.cycles:
            for meeting in cycle.meetings:
                if meeting.tables is not None and _tables_short(self.facts, meeting.tables):
                    rule = Rule("tables", (cycle.id, meeting.id))
                    self.model.add_bool_or([self.rule(rule).Not()])

    # solving ----------------------------------------------------------------------------------

    def solve(self, enforced: Collection[Rule], seconds: float, workers: int) -> _Outcome:
        """Solve with the `enforced` rules held (the rest relaxed); a core when infeasible."""
        present = [rule for rule in enforced if rule in self.literal]
        self.model.clear_assumptions()
        self.model.add_assumptions([self.literal[rule] for rule in present])
        solver = cp_model.CpSolver()
        # leave Ctrl-C to the caller (solve stops the whole run and keeps its best plan)
        solver.parameters.catch_sigint_signal = False
        solver.parameters.max_time_in_seconds = max(0.05, seconds)
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = 0
        # probing the many slot booleans costs seconds and rarely pays on these models
        solver.parameters.cp_model_probing_level = 0
        status = solver.solve(self.model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _Outcome(
                "feasible",
                partnerships=[
                    (c.members, c.period) for c in self.candidates if solver.boolean_value(c.chosen)
                ],
                visits=[
                    (cycle_id, visitor, host, option)
                    for cycle_id, visitor, host, option, visit in self.visit_slots
                    if solver.boolean_value(visit)
                ],
            )
        if status == cp_model.INFEASIBLE:
            indices = set(solver.sufficient_assumptions_for_infeasibility())
            core = [rule for rule in present if self.literal[rule].index in indices]
            return _Outcome("infeasible", core=core or present)
        return _Outcome("unknown")


class _Feasibility:
    """The model in two steps: partnerships alone (a relaxation, so its conflicts are conflicts
    of the whole), then with visits. Most conflicts are found by the first in milliseconds."""

    def __init__(self, facts: _Facts) -> None:
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
                candidate.chosen, (candidate.members, candidate.period) in chosen
            )
        return self.full.solve(enforced, seconds - (time.monotonic() - start), workers)


class _Clock:
    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def left(self) -> float:
        return self.deadline - time.monotonic()


def _solve(
    roster: Roster, enforced: Collection[Rule] | None, clock: _Clock, workers: int
) -> _Outcome:
    model = _Feasibility(_Facts(roster))
    if clock.left() <= 0:
        return _Outcome("unknown")
    return model.solve(model.rules if enforced is None else enforced, clock.left(), workers)


def feasible_plan(roster: Roster, *, time_limit: float = 10.0, workers: int = 1) -> Plan | None:
    """A plan that meets every hard rule (locked pairs partnered, everyone else unpaired, no
    sabbatical visits), ignoring the objective; None when none exists or the time ran out."""
    outcome = _solve(roster, None, _Clock(time_limit), workers)
    return _witness_plan(roster, outcome) if outcome.status == "feasible" else None


def _witness_plan(roster: Roster, outcome: _Outcome) -> Plan:
    from pairwise.checker.rules import check

    facts = _Facts(roster)
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
    status = _solve(roster, None, _Clock(time_limit), workers).status
    return None if status == "unknown" else status == "feasible"


def rules_hold(
    roster: Roster, rules: Iterable[str], *, time_limit: float = 10.0, workers: int = 1
) -> bool | None:
    """Whether the named rule groups (`Rule.key`, e.g. "lock:t04/t09") can all hold at once while
    every other group is relaxed; None when the time ran out."""
    model = _Feasibility(_Facts(roster))
    wanted = set(rules)
    enforced = [rule for rule in model.rules if rule.key in wanted]
    status = model.solve(enforced, time_limit, workers).status
    return None if status == "unknown" else status == "feasible"


# --- minimal conflict sets ----------------------------------------------------------------------


def _shrink(
    model: _Feasibility, core: list[Rule], clock: _Clock, workers: int
) -> tuple[list[Rule], bool]:
    """Drop members one by one while the rest still conflict; minimal when every test finished."""
    current = sorted(core, key=lambda r: (RULE_KINDS.index(r.kind), r.subject))
    minimal = True
    index = 0
    while index < len(current):
        trial = current[:index] + current[index + 1 :]
        if clock.left() <= 0:
            return current, False
        outcome = model.solve(trial, clock.left(), workers)
        if outcome.status == "infeasible":
            # members already shown necessary stay in every smaller core, so `index` stays valid
            kept = set(outcome.core)
            current = [rule for rule in trial if rule in kept]
        else:
            minimal = minimal and outcome.status == "feasible"
            index += 1
    return current, minimal


def _unavailable_entries(facts: _Facts, teacher_id: str, cycle_id: str) -> list[tuple[int, str]]:
    """The teacher's unavailable entries (index, text) that touch slots of the cycle."""
    slots = {slot for slot, _ in facts.slots[cycle_id]}
    periods = {period for _, period in facts.slots[cycle_id]}
    return [
        (i, entry)
        for i, entry in enumerate(facts.teacher[teacher_id].unavailable)
        if (entry in slots) or ("/" not in entry and entry in periods)
    ]


def _rule_words(
    facts: _Facts, rule: Rule, original: _Facts, conflict: Sequence[Rule] = ()
) -> tuple[str, str]:
    """(path, sentence) for one member of a conflict set (`conflict`: all of its members)."""
    kind, subject = rule.kind, rule.subject
    policy = facts.policy
    if kind == "lock":
        a, b = subject
        when = " in at least one cycle" if policy.rotation == "cycle" else " for the year"
        return (
            original.relation_path("lock", (a, b)),
            f"{facts.label(a)} and {facts.label(b)} are locked together: they must be "
            f"partners{when}",
        )
    if kind == "avoid":
        a, b = subject
        return (
            original.relation_path("avoid", (a, b)),
            f"{facts.label(a)} and {facts.label(b)} are an avoid relation: never partners",
        )
    if kind == "evaluator":
        (evaluated,) = subject
        evaluator = facts.teacher[evaluated].evaluator or ""
        return (
            facts.path(evaluated, "evaluator"),
            f"{facts.label(evaluator)} evaluates {facts.label(evaluated)}: evaluator and "
            "evaluated are never partners",
        )
    if kind == "participates":
        (teacher_id,) = subject
        return (
            facts.path(teacher_id, "participates"),
            f"{facts.label(teacher_id)} does not participate in partnerships",
        )
    if kind == "cross_school_pairs":
        crossing = [
            f"{a} ({_school_label(facts.school[a])}) and {b} ({_school_label(facts.school[b])})"
            for a, b in (member.subject for member in conflict if member.kind == "lock")
            if facts.school[a] != facts.school[b]
        ]
        tail = f"; locked across schools: {'; '.join(crossing)}" if crossing else ""
        return (
            "policy.cross_school_pairs",
            f"partnerships never cross schools (cross_school_pairs is false){tail}",
        )
    if kind == "allow_triads":
        return "policy.allow_triads", "triads are not allowed (allow_triads is false)"
    if kind == "reciprocal":
        return (
            "policy.reciprocal",
            "visits are reciprocal: in every cycle each partner visits the other once",
        )
    if kind == "no_repeat":
        return (
            "policy.rotation",
            "under rotation 'cycle' no two teachers are partners in two cycles of the year",
        )
    if kind == "unavailable":
        teacher_id, cycle_id = subject
        entries = [entry for _, entry in _unavailable_entries(facts, teacher_id, cycle_id)]
        return (
            facts.path(teacher_id, "unavailable"),
            f"in cycle {cycle_id}, {facts.label(teacher_id)} is unavailable in "
            f"{_names(entries) or 'some slots'}",
        )
    if kind == "cover_per_period":
        return (
            "policy.cover_per_period",
            f"each school has {_plural(policy.cover_per_period, 'cover')} per slot "
            "(cover_per_period)",
        )
    if kind == "cover_override":
        (slot,) = subject
        index, cover = facts.override[slot]
        return (
            f"policy.cover_overrides[{index}].cover",
            f"slot {slot} has {_plural(cover, 'cover')} per school (an override)",
        )
    if kind == "max_release":
        (teacher_id,) = subject
        limit = facts.teacher[teacher_id].max_release
        return (
            facts.path(teacher_id, "max_release"),
            f"{facts.label(teacher_id)} can be released for at most "
            f"{_plural(limit or 0, 'covered visit')} (max_release)",
        )
    if kind == "release_budget":
        (school,) = subject
        return (
            "policy.release_budget",
            f"{_school_label(school)} can use at most "
            f"{_plural(policy.release_budget or 0, 'covered peer visit')} (release_budget)",
        )
    if kind == "tables":
        cycle_id, meeting_id = subject
        c = facts.cycle_index[cycle_id]
        m = next(i for i, x in enumerate(facts.roster.cycles[c].meetings) if x.id == meeting_id)
        tables = facts.roster.cycles[c].meetings[m].tables or 0
        return (
            f"cycles[{c}].meetings[{m}].tables",
            f"meeting {meeting_id} of cycle {cycle_id} has {_plural(tables, 'table')}, but "
            f"{_tables_short(facts, tables)}",
        )
    raise ValueError(f"unknown rule kind {kind}")


SLOT_KINDS = frozenset(
    {
        "unavailable",
        "cover_per_period",
        "cover_override",
        "max_release",
        "release_budget",
        "reciprocal",
    }
)


def _conflict_facts(facts: _Facts, rules: Sequence[Rule]) -> list[str]:
    """Facts behind a conflict about slots: where each locked pair in it can meet."""
    kinds = {rule.kind for rule in rules}
    locks = [rule.subject for rule in rules if rule.kind == "lock"]
    if not (kinds & SLOT_KINDS or (kinds == {"lock"} and len(locks) == 1)):
        return []
    sentences = []
    for a, b in locks:
        by_text: dict[str, list[str]] = defaultdict(list)
        for cycle_id in facts.cycle_ids:
            by_text[_meeting_words(facts, a, b, cycle_id)].append(cycle_id)
        for text, cycles in by_text.items():
            when = (
                "in every cycle"
                if len(cycles) == len(facts.cycle_ids) > 1
                else f"in cycle{'s' if len(cycles) > 1 else ''} {_names(cycles)}"
            )
            sentences.append(f"{when}: {text}")
    return sentences


# --- relaxations --------------------------------------------------------------------------------


@dataclass
class _Edit:
    """One change to a roster's JSON that relaxes a rule."""

    action: str
    path: str
    old: Any
    new: Any
    change: Callable[[dict[str, Any]], None]


def _apply(roster: Roster, edits: Iterable[_Edit]) -> Roster:
    data = roster.model_dump(mode="json")
    for edit in edits:
        edit.change(data)
    return Roster.model_validate(data)


def _set(*path: str | int, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


def _drop_relations(kind: str, pair: tuple[str, str]) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["relations"] = [
            r
            for r in data["relations"]
            if not (r["kind"] == kind and _pair(r["a"], r["b"]) == pair)
        ]

    return change


def _drop_unavailable(index: int, entries: Sequence[str]) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        teacher = data["teachers"][index]
        teacher["unavailable"] = [u for u in teacher["unavailable"] if u not in entries]

    return change


class _Relaxer:
    """Finds, for each member of a conflict set, a roster change that relaxes it, and checks it."""

    def __init__(
        self, roster: Roster, original: _Facts, rules: list[Rule], clock: _Clock, workers: int
    ) -> None:
        self.roster = roster
        self.facts = _Facts(roster)
        self.original = original
        self.rules = rules
        self.clock = clock
        self.workers = workers

    def check(self, edits: Sequence[_Edit], whole: bool) -> bool | None:
        """Whether the roster with `edits` has a plan (`whole`), or meets the conflict's rules."""
        if self.clock.left() <= 0:
            return None
        relaxed = _apply(self.roster, edits)
        outcome = _solve(relaxed, None if whole else self.rules, self.clock, self.workers)
        return None if outcome.status == "unknown" else outcome.status == "feasible"

    def relax(self, number: int, rule: Rule) -> tuple[Relaxation, _Edit | None]:
        edit = self.best_edit(rule)
        if edit is None:
            path, _ = _rule_words(self.facts, rule, self.original)
            action = (
                "none: who evaluates whom is a fact of the school, not a decision"
                if rule.kind == "evaluator"
                else "none found"
            )
            return Relaxation(number, rule.key, action, path), None
        resolves = self.check([edit], whole=False)
        solves = self.check([edit], whole=True) if resolves else resolves
        relaxation = Relaxation(
            number,
            rule.key,
            edit.action,
            edit.path,
            edit.old,
            edit.new,
            checked=solves is not None,
            resolves_conflict=resolves,
            solves_roster=solves,
        )
        return relaxation, edit

    def best_edit(self, rule: Rule) -> _Edit | None:
        facts = self.facts
        kind, subject = rule.kind, rule.subject
        if kind in ("lock", "avoid"):
            a, b = subject
            return _Edit(
                f"drop the {kind} {a}–{b}",
                self.original.relation_path(kind, (a, b)),
                kind,
                None,
                _drop_relations(kind, (a, b)),
            )
        if kind == "participates":
            (teacher_id,) = subject
            path = facts.path(teacher_id, "participates")
            return _Edit(
                f"let {teacher_id} participate (set {path} to true)",
                path,
                False,
                True,
                _set("teachers", facts.index[teacher_id], "participates", value=True),
            )
        switches = {
            "cross_school_pairs": ("allow cross-school pairs", True),
            "allow_triads": ("allow triads", True),
            "reciprocal": ("make visits one-way", False),
        }
        if kind in switches:
            words, value = switches[kind]
            return _Edit(
                f"{words} (set policy.{kind} to {str(value).lower()})",
                f"policy.{kind}",
                not value,
                value,
                _set("policy", kind, value=value),
            )
        if kind == "no_repeat":
            return _Edit(
                "keep one partner for the year (set policy.rotation to 'year')",
                "policy.rotation",
                "cycle",
                "year",
                _set("policy", "rotation", value="year"),
            )
        if kind == "unavailable":
            teacher_id, cycle_id = subject
            return self.availability_edit(teacher_id, cycle_id)
        if kind == "tables":
            cycle_id, meeting_id = subject
            c = facts.cycle_index[cycle_id]
            meetings = facts.roster.cycles[c].meetings
            m = next(i for i, meeting in enumerate(meetings) if meeting.id == meeting_id)
            # tables count per school: enough for the school with the most teams
            needed = max(len(teams) // 2 for teams in facts.teams_by_school().values())
            old = meetings[m].tables
            path = f"cycles[{c}].meetings[{m}].tables"
            return _Edit(
                f"raise {path} from {old} to {needed}",
                path,
                old,
                needed,
                _set("cycles", c, "meetings", m, "tables", value=needed),
            )
        return self.numeric_edit(rule)

    def availability_edit(self, teacher_id: str, cycle_id: str) -> _Edit | None:
        facts = self.facts
        index = facts.index[teacher_id]
        entries = _unavailable_entries(facts, teacher_id, cycle_id)
        path = facts.path(teacher_id, "unavailable")
        if not entries:
            return None

        def edit(chosen: Sequence[tuple[int, str]]) -> _Edit:
            texts = [entry for _, entry in chosen]
            paths = ", ".join(f"{path}[{i}]" for i, _ in chosen)
            note = " every week" if any("/" not in text for text in texts) else ""
            return _Edit(
                f"make {teacher_id} available in {_names(texts)}{note} (remove {paths})",
                paths,
                texts,
                None,
                _drop_unavailable(index, texts),
            )

        # one entry is the smallest change; prefer one that also solves the whole roster
        resolving = None
        for entry in entries[:MAX_SINGLE_EDITS]:
            single = edit([entry])
            if self.check([single], whole=False):
                if self.check([single], whole=True):
                    return single
                resolving = resolving or single
        return resolving or edit(entries)

    def numeric_edit(self, rule: Rule) -> _Edit | None:
        """Raise a count to the smallest value that lets the conflict's rules hold."""
        facts = self.facts
        policy = facts.policy
        # no more covered visits than visitors per slot, one visit per visitor and cycle
        visitors = len(facts.locked) + len(facts.schools)
        setter: Callable[[int], Callable[[dict[str, Any]], None]]
        if rule.kind == "cover_per_period":
            old, path = policy.cover_per_period, "policy.cover_per_period"
            high, words = old + visitors, "raise cover_per_period"

            def setter(value: int) -> Callable[[dict[str, Any]], None]:
                return _set("policy", "cover_per_period", value=value)
        elif rule.kind == "cover_override":
            (slot,) = rule.subject
            index, old = facts.override[slot]
            path = f"policy.cover_overrides[{index}].cover"
            high, words = old + visitors, f"raise the cover of slot {slot}"

            def setter(value: int) -> Callable[[dict[str, Any]], None]:
                return _set("policy", "cover_overrides", index, "cover", value=value)
        elif rule.kind == "max_release":
            (teacher_id,) = rule.subject
            old = facts.teacher[teacher_id].max_release or 0
            path = facts.path(teacher_id, "max_release")
            high, words = max(old + 1, len(facts.cycle_ids)), f"raise {teacher_id}'s max_release"
            position = facts.index[teacher_id]

            def setter(value: int) -> Callable[[dict[str, Any]], None]:
                return _set("teachers", position, "max_release", value=value)
        elif rule.kind == "release_budget":
            old, path = policy.release_budget or 0, "policy.release_budget"
            high, words = old + visitors * len(facts.cycle_ids), "raise release_budget"

            def setter(value: int) -> Callable[[dict[str, Any]], None]:
                return _set("policy", "release_budget", value=value)
        else:
            return None

        def edit(value: int) -> _Edit:
            return _Edit(f"{words} from {old} to {value}", path, old, value, setter(value))

        if not self.check([edit(high)], whole=False):
            return edit(high)
        low = old + 1
        while low < high:
            middle = (low + high) // 2
            if self.check([edit(middle)], whole=False):
                high = middle
            else:
                low = middle + 1
        return edit(high)


def _choose(relaxations: list[tuple[Relaxation, _Edit | None]]) -> int | None:
    """The relaxation to apply before looking for the next conflict: one that solves the roster
    if any, else the cheapest kind of change that resolves this conflict."""

    def rank(item: tuple[int, tuple[Relaxation, _Edit | None]]) -> tuple[int, int, int]:
        index, (relaxation, _) = item
        kind = relaxation.rule.split(":")[0]
        return (not relaxation.solves_roster, PREFERENCE.index(kind), index)

    usable = [
        (i, item)
        for i, item in enumerate(relaxations)
        if item[1] is not None and item[0].resolves_conflict
    ]
    return min(usable, key=rank)[0] if usable else None


# --- explain ------------------------------------------------------------------------------------


def explain(roster: Roster, *, time_limit: float = 30.0, workers: int = 1) -> Explanation:
    """Pre-checks, then (when the roster has no plan) minimal conflict sets and checked relaxations."""
    clock = _Clock(time_limit)
    findings = precheck(roster)
    explanation = Explanation(
        roster.name,
        "unknown",
        prechecks=[f for f in findings if f.severity == "conflict"],
        warnings=[f for f in findings if f.severity == "warning"],
    )
    original = _Facts(roster)
    current = roster
    applied: list[_Edit] = []
    for number in range(1, MAX_CONFLICTS + 1):
        facts = _Facts(current)
        model = _Feasibility(facts)
        outcome = model.solve(model.rules, max(clock.left(), 0.05), workers)
        if outcome.status == "feasible":
            if number == 1:
                explanation.status = "feasible"
            else:
                explanation.solvable_after = True
            return explanation
        if outcome.status == "unknown":
            return explanation
        explanation.status = "infeasible"
        rules, minimal = _shrink(model, outcome.core, clock, workers)
        members = []
        for rule in rules:
            path, message = _rule_words(facts, rule, original, rules)
            members.append(ConflictRule(rule.key, rule.kind, path, message))
        explanation.conflicts.append(
            Conflict(number, members, _conflict_facts(facts, rules), minimal)
        )
        relaxer = _Relaxer(current, original, rules, clock, workers)
        results = [relaxer.relax(number, rule) for rule in rules]
        explanation.relaxations += [relaxation for relaxation, _ in results]
        choice = _choose(results)
        if choice is None:
            explanation.solvable_after = False if applied else None
            return explanation
        relaxation, edit = results[choice]
        relaxation.applied = True
        assert edit is not None
        applied.append(edit)
        current = _apply(current, [edit])
        explanation.solvable_after = relaxation.solves_roster
        if relaxation.solves_roster:
            return explanation
    return explanation


def format_explanation(explanation: Explanation) -> str:
    """The explanation as plain text, for `pairwise explain` and for `solve` on no plan."""
    lines: list[str] = []
    if explanation.status == "feasible":
        lines.append(f"{explanation.roster}: a plan exists (every hard rule can hold).")
    elif explanation.status == "infeasible":
        lines.append(f"{explanation.roster}: no plan can meet every hard rule.")
    else:
        lines.append(f"{explanation.roster}: the time ran out before feasibility was decided.")
    if explanation.prechecks:
        lines += ["", "Pre-checks found:"]
        lines += [f"  - {finding.message}" for finding in explanation.prechecks]
    for conflict in explanation.conflicts:
        lines.append("")
        if conflict.minimal:
            lines.append(
                f"Conflict {conflict.number}: these rules cannot all hold "
                "(relaxing any one of them lets the rest hold):"
            )
        else:
            lines.append(
                f"Conflict {conflict.number}: these rules cannot all hold "
                "(not proven minimal: the time ran out):"
            )
        for position, rule in enumerate(conflict.rules, start=1):
            lines.append(f"  {position}. {rule.message} [{rule.path}]")
        if conflict.facts:
            lines.append("  where:")
            lines += [f"    {sentence}" for sentence in conflict.facts]
        relaxations = [r for r in explanation.relaxations if r.conflict == conflict.number]
        if relaxations:
            lines.append("  relax one of:")
            for relaxation in relaxations:
                lines.append(
                    f"    {'*' if relaxation.applied else '-'} {relaxation.action}{_verdict(relaxation)}"
                )
    if explanation.conflicts:
        lines.append("")
        marked = any(r.applied for r in explanation.relaxations)
        if explanation.solvable_after:
            lines.append("Applying the relaxations marked * makes the roster solvable (checked).")
        elif marked and explanation.solvable_after is False:
            lines.append(
                f"Applying the relaxations marked * still leaves conflicts beyond these "
                f"{len(explanation.conflicts)}."
            )
        elif marked:
            lines.append("Whether the relaxations marked * suffice was not decided in time.")
    if explanation.warnings:
        lines += ["", "Warnings:"]
        lines += [f"  - {finding.message}" for finding in explanation.warnings]
    return "\n".join(lines)


def _verdict(relaxation: Relaxation) -> str:
    if not relaxation.checked:
        if relaxation.resolves_conflict is None and relaxation.action.startswith("none"):
            return ""
        return " (not checked: the time ran out)"
    if relaxation.solves_roster:
        return " — checked: the roster then has a plan"
    if relaxation.resolves_conflict:
        return " — checked: resolves this conflict, but others remain"
    return " — checked: not enough on its own"

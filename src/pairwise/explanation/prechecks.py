"""Fast pre-checks: rules that visibly cannot all hold, found without solving."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass

from pairwise.explanation.conversations import conversation_warnings
from pairwise.explanation.facts import Facts, Option, join_names, plural, school_label
from pairwise.explanation.report import Finding
from pairwise.roster.facts import pair_key
from pairwise.roster.models import Roster

# --- pre-checks ---------------------------------------------------------------------------------


def precheck(roster: Roster) -> list[Finding]:
    """Fast checks, each a plain sentence: conflicts (no plan can exist) first, then warnings."""
    facts = Facts(roster)
    findings: list[Finding] = []
    findings += _lock_admissibility(facts)
    findings += _lock_groups(facts)
    findings += _hosts_without_slots(facts)
    findings += _lock_slots(facts)
    findings += _tables_too_few(facts)
    findings += _no_admissible_partner(facts)
    findings += _odd_without_triads(facts)
    findings += _coach_budgets(facts)
    findings += conversation_warnings(roster)
    return sorted(findings, key=lambda finding: finding.severity != "conflict")


def _lock_words(facts: Facts, a: str, b: str) -> str:
    return (
        f"{facts.label(a)} and {facts.label(b)} are locked together "
        f"({facts.relation_path('lock', (a, b))})"
    )


def _lock_admissibility(facts: Facts) -> list[Finding]:
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
                    f"{words} but {a} is at {school_label(facts.school[a])} and {b} at "
                    f"{school_label(facts.school[b])}, and policy.cross_school_pairs is false",
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


def _lock_components(facts: Facts) -> list[list[str]]:
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


def _lock_groups(facts: Facts) -> list[Finding]:
    """Locks that share teachers: more partners than one partnership (or the cycles) can hold."""
    findings = []
    policy = facts.policy
    if policy.rotation == "year":
        triads_needed: dict[str, list[list[str]]] = defaultdict(list)
        for component in _lock_components(facts):
            if len(component) < 3:
                continue
            locks = [f"{a}–{b}" for a, b in facts.locks if a in component and b in component]
            people = join_names(component)
            if len(component) > 3:
                findings.append(
                    Finding(
                        "lock-group",
                        "conflict",
                        f"locks {join_names(locks)} put {people} in one partnership, but a "
                        "partnership has at most 3 members",
                    )
                )
                continue
            if not policy.allow_triads:
                findings.append(
                    Finding(
                        "lock-group",
                        "conflict",
                        f"locks {join_names(locks)} put {people} in one triad, but "
                        "policy.allow_triads is false",
                    )
                )
                continue
            for x, y in itertools.combinations(component, 2):
                if pair_key(x, y) in facts.locks or facts.admissible(x, y):
                    continue
                why = (
                    "are an avoid relation"
                    if pair_key(x, y) in facts.avoid
                    else "are evaluator and evaluated"
                    if facts.evaluation(x, y)
                    else "are at different schools"
                )
                findings.append(
                    Finding(
                        "lock-group",
                        "conflict",
                        f"locks {join_names(locks)} put {people} in one triad, but {x} and {y} {why}",
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
                        f"{school_label(school)} needs {len(groups)} triads for its locks "
                        f"({'; '.join(join_names(group) for group in groups)}), but a school has at "
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
                        f"{facts.label(teacher)} is locked with {plural(len(partners), 'teacher')} "
                        f"({join_names(partners)}), but can have at most {capacity} partners in "
                        f"{plural(len(facts.cycle_ids), 'cycle')}"
                        + ("" if policy.allow_triads else " without triads"),
                    )
                )
    return findings


def _hosts_without_slots(facts: Facts) -> list[Finding]:
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
                f"cycle{'s' if len(cycles) > 1 else ''} {join_names(cycles)}, so nobody can visit "
                "them there"
            )
        blocks_lock = year or len(cycles) == len(facts.cycle_ids)
        if locked and blocks_lock:
            partners = sorted(facts.lock_partners[teacher.id])
            findings.append(
                Finding(
                    "host-without-slots",
                    "conflict",
                    f"{reason}; but they are locked with {join_names(partners)}",
                )
            )
        else:
            when = (
                "for the year"
                if year
                else f"in cycle{'s' if len(cycles) > 1 else ''} {join_names(cycles)}"
            )
            findings.append(
                Finding("host-without-slots", "warning", f"{reason}; they will be unpaired {when}")
            )
    return findings


def _usable(facts: Facts, option: Option) -> bool:
    """A free slot that is uncovered, or covered with a cover on hand (before any other visit)."""
    return option.free and (not option.covered or facts.cover_limit(option.slot)[0] > 0)


def _direction_words(facts: Facts, visitor: str, host: str, cycle_id: str) -> str:
    """How many slots a visit of `visitor` to `host` has in a cycle, and why there are none."""
    options = facts.options(visitor, host, cycle_id)
    if not options:
        return f"no slot ({host} teaches no period)"
    free = [option for option in options if option.free]
    if not free:
        return f"no slot ({visitor} or {host} is unavailable whenever {host} teaches)"
    covered = sum(option.covered for option in free)
    if covered < len(free):
        return f"{plural(len(free), 'slot')} ({len(free) - covered} uncovered)"
    if not any(_usable(facts, option) for option in free):
        return f"no slot ({plural(len(free), 'slot')}, all needing a cover, and none has one)"
    return f"{plural(len(free), 'slot')}, all covered ({visitor} teaches then)"


def meeting_words(facts: Facts, a: str, b: str, cycle_id: str) -> str:
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


def _pair_needs(facts: Facts, a: str, b: str, cycle_id: str) -> _PairNeeds:
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


def _lock_slots(facts: Facts) -> list[Finding]:
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
            details = "; ".join(f"in cycle {c}, {meeting_words(facts, a, b, c)}" for c in blocked)
            findings.append(
                Finding(
                    "lock-without-slot", "conflict", f"{_lock_words(facts, a, b)}, but {details}"
                )
            )
            continue
        if triad_only and (year or len(triad_only) + len(blocked) == len(needs)):
            details = "; ".join(
                f"in cycle {c}, {meeting_words(facts, a, b, c)}" for c in triad_only
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
                    f"{plural(count, 'visit')} ({join_names(reasons[visitor])}: every slot they can "
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
                        f"{school_label(school)} needs at least {plural(count, 'covered visit')} "
                        f"for its locked pairs ({join_names(reasons[f'school:{school}'])}), but "
                        f"policy.release_budget is {budget}",
                    )
                )
    return findings


def tables_short(facts: Facts, tables: int) -> str | None:
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
    text = f"{school_label(school)} has {teams} teams, which need {needed}"
    if len(short) > 1:
        text += f" (and {plural(len(short) - 1, 'other school')} need more than {tables})"
    return text


def _tables_too_few(facts: Facts) -> list[Finding]:
    findings = []
    for c, cycle in enumerate(facts.roster.cycles):
        for m, meeting in enumerate(cycle.meetings):
            why = None if meeting.tables is None else tables_short(facts, meeting.tables)
            if why:
                findings.append(
                    Finding(
                        "tables",
                        "conflict",
                        f"meeting {meeting.id} of cycle {cycle.id} has "
                        f"{plural(meeting.tables or 0, 'table')} "
                        f"(cycles[{c}].meetings[{m}].tables), but {why}",
                    )
                )
    return findings


def _no_admissible_partner(facts: Facts) -> list[Finding]:
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
            elif pair_key(other.id, teacher_id) in facts.avoid:
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
                f"{plural(others, 'other teacher')}: {why or 'none'}); they will be unpaired",
            )
        )
    return findings


def _odd_without_triads(facts: Facts) -> list[Finding]:
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
            where = "the roster" if facts.policy.cross_school_pairs else school_label(school)
            findings.append(
                Finding(
                    "odd-without-triads",
                    "warning",
                    f"{where} has {count} participating teachers and policy.allow_triads is "
                    "false: at least one will be unpaired in each rotation period",
                )
            )
    return findings


def _coach_budgets(facts: Facts) -> list[Finding]:
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
            and pair_key(t.id, coach.id) not in facts.avoid
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
            else f"{plural(len(coachees), 'coachee')} ({join_names(coachees[:6])}"
            + (", ..." if len(coachees) > 6 else "")
            + f"), at most {cap} visits each in the slots they teach and both are free"
        )
        findings.append(
            Finding(
                "coach-budget",
                "warning",
                f"{facts.label(coach.id)} has a sabbatical budget of {coach.sabbatical.budget} "
                f"({facts.path(coach.id, 'sabbatical.budget')}), but at most "
                f"{plural(placeable, 'visit')} can be placed: {why}",
            )
        )
    return findings

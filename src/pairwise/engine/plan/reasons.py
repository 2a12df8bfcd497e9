"""Plain words for the plan: why partners were put together, why a teacher is unpaired, why a
coach makes no visit."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from pairwise.engine.candidates import Candidates, RotationPeriod
from pairwise.engine.columns import pair_partners, triad_column
from pairwise.roster.facts import avoid_pairs, kept_apart
from pairwise.roster.models import Roster, Teacher, parse_slot
from pairwise.roster.objective import Scoring


def partnership_reasons(
    candidates: Candidates, scoring: Scoring, members: Sequence[str]
) -> list[str]:
    """What each of the objective's pair terms says about a partnership, most valuable first."""
    roster = candidates.roster
    policy = roster.policy
    weights = policy.weights
    triad = len(members) == 3
    locks = set(candidates.locks)
    found: list[tuple[int, str]] = []
    name = roster.teacher_name  # reasons are read by the admin: people by name, not by id
    for a, b in itertools.combinations(members, 2):
        x, y = roster.teacher_by_id[a], roster.teacher_by_id[b]
        both = f"{name(a)} and {name(b)} " if triad else ""
        for giver, taker in ((x, y), (y, x)):
            if taker.priority is not None and taker.priority in giver.strengths:
                found.append(
                    (
                        weights.complement,
                        f"{name(giver.id)} is strong in {taker.priority}, {name(taker.id)}'s priority",
                    )
                )
        if x.priority is not None and x.priority == y.priority:
            found.append(
                (weights.shared_priority, f"{both}share the priority {x.priority}".strip())
            )
        # no reason names a pair's trust rating, nor its sign: admins see trust only as a mean
        # over many pairs, and reasons travel into the report and the spreadsheets
        last = scoring.last_partnered(a, b)
        factor = scoring.repeat_factor(last)
        if scoring.continues(a, b):
            found.append((weights.request, f"{both}both asked to keep working together".strip()))
        elif factor:
            found.append((weights.repeat * factor, f"{both}repeat: partners in {last}".strip()))
        elif last is not None:
            found.append((1, f"{both}new partners: last paired in {last}".strip()))
        else:
            found.append((1, f"{both}new partners: never paired before".strip()))
        if x.team != y.team:
            found.append(
                (
                    weights.cross_team,
                    f"across teams: {_team(roster, x.team)} and {_team(roster, y.team)}",
                )
            )
        novice, mentor = policy.novice_years, policy.mentor_years
        for young, old in ((x, y), (y, x)):
            if young.years_experience < novice and old.years_experience >= mentor:
                found.append(
                    (
                        weights.mentoring,
                        f"novice {name(young.id)} with a {old.years_experience}-year veteran, "
                        f"{name(old.id)}",
                    )
                )
        if not scoring.continues(a, b) and (
            (a, b) in _requests(candidates) or (b, a) in _requests(candidates)
        ):
            found.append((weights.request, f"{both}requested each other".strip()))
        if candidates.edge(a, b) in locks:
            found.append((10**9, f"{name(a)} and {name(b)} are locked together by the admin"))
    found.sort(key=lambda item: -item[0])
    return [text for _, text in found]


def _team(roster: Roster, team_id: str | None) -> str:
    return roster.team_name(team_id) if team_id is not None else "no team"


def _requests(candidates: Candidates) -> set[tuple[str, str]]:
    return {
        (relation.a, relation.b)
        for relation in candidates.roster.relations
        if relation.kind == "request"
    }


def unpaired_reason(
    candidates: Candidates, teacher: str, period_id: str, earlier_partners: set[str]
) -> str:
    """Why a participating teacher has no partnership in a rotation period, in words."""
    roster = candidates.roster
    others = [t for t in candidates.participants if t != teacher]
    if not others:
        return "no other teacher participates"
    same_school = roster.policy.cross_school_pairs or any(
        candidates.school[t] == candidates.school[teacher] for t in others
    )
    if not same_school:
        return "no other participating teacher in their school"
    separations = {t: candidates.base_reason.get(candidates.edge(teacher, t)) for t in others}
    possible = [t for t, reason in separations.items() if reason is None]
    if not possible:
        kinds = sorted(
            {reason for reason in separations.values() if reason is not None and reason != "school"}
        )
        words = {"avoid": "an avoid relation", "evaluator": "their evaluator or evaluated by them"}
        listed = " or ".join(words[kind] for kind in kinds if kind in words)
        return f"every possible partner is {listed}" if listed else "no possible partner"
    period = next(p for p in candidates.periods if p.id == period_id)

    admissible = pair_partners(candidates, period_id, teacher)
    if not admissible and candidates.roster.policy.allow_triads:
        admissible = _triad_partners(candidates, teacher, period)
    if not admissible:
        cycles = ", ".join(period.cycles)
        return (
            f"no slot where a partner teaches and both are free ({cycles}), within the covers "
            "and release limits"
        )
    if admissible <= earlier_partners:
        return "already partnered this year with every possible partner"
    locked_elsewhere = _locked_elsewhere(candidates, teacher, admissible)
    if admissible <= earlier_partners | locked_elsewhere:
        names = ", ".join(roster.teacher_name(t) for t in sorted(locked_elsewhere))
        triads = (
            "no triad with them fits the timetable"
            if roster.policy.allow_triads
            else "triads are not allowed"
        )
        return (
            f"every possible partner is locked to another teacher by the admin ({names}), and "
            f"{triads}"
        )
    school = candidates.school[teacher]
    able = candidates.partner_able(period_id, school)
    if able % 2 == 1 and not roster.policy.allow_triads:
        return "odd number of teachers and triads are not allowed"
    return "left out to keep the plan's value highest"


def _locked_elsewhere(candidates: Candidates, teacher: str, partners: set[str]) -> set[str]:
    """Those of `partners` whom a lock ties to a teacher other than `teacher`."""
    tied: set[str] = set()
    for a, b in candidates.locks:
        if teacher not in (a, b):
            tied.update(member for member in (a, b) if member in partners)
    return tied


def _triad_partners(candidates: Candidates, teacher: str, period: RotationPeriod) -> set[str]:
    """Teachers with whom `teacher` could sit in some triad whose ring fits the timetable."""
    edges = set(candidates.triad_edges[period.id])
    neighbours = sorted(
        {b if a == teacher else a for a, b in edges if teacher in (a, b)},
        key=candidates.index.__getitem__,
    )
    found: set[str] = set()
    for i, first in enumerate(neighbours):
        for second in neighbours[i + 1 :]:
            if candidates.edge(first, second) not in edges:
                continue
            members = tuple(sorted((teacher, first, second), key=candidates.index.__getitem__))
            if triad_column(candidates, period, members, candidates.school[members[0]]):
                found.update((first, second))
    return found


def coach_idle_reason(roster: Roster, coach: str) -> str | None:
    """Why a sabbatical coach can make no visit at all, or None when it has an eligible coachee."""
    teacher = roster.teacher_by_id[coach]
    if teacher.sabbatical is None:
        return "not a sabbatical coach"
    if teacher.sabbatical.budget == 0:
        return "a budget of 0 release periods"
    topics = set(teacher.sabbatical.topics)
    if not topics:
        return "no topics to coach"
    matching = [t for t in roster.teachers if t.id != coach and t.priority in topics]
    if not matching:
        return f"no colleague's priority is one of its topics ({', '.join(sorted(topics))})"
    avoid = avoid_pairs(roster)
    allowed = [t for t in matching if kept_apart(roster, avoid, coach, t.id) is None]
    if not allowed:
        return "every colleague with one of its topics is an avoid relation or an evaluator pair"
    for coachee in allowed:
        for cycle in roster.cycles:
            for slot in roster.cycle_slots(cycle.id):
                period = parse_slot(slot)[1]
                if period not in coachee.teaches:
                    continue
                if _unavailable(coachee, slot, period) or _unavailable(teacher, slot, period):
                    continue
                if period in teacher.teaches and roster.cover_limit(slot) == 0:
                    continue
                return None
    return "no slot where an eligible coachee teaches and the coach is free or can be covered"


def _unavailable(teacher: Teacher, slot: str, period: str) -> bool:
    return slot in teacher.unavailable or period in teacher.unavailable

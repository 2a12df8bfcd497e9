"""A re-plan's solution as a plan (`pairwise/plan@1`): kept sessions as they were, the rest as
chosen, the changes against the plan in force listed with why, and every objective term."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass

from ortools.sat.python import cp_model

from pairwise.engine.plan.reasons import partnership_reasons
from pairwise.engine.replan.frame import Frame
from pairwise.engine.replan.model import ReplanModel
from pairwise.roster.facts import pair_key
from pairwise.roster.models import (
    Change,
    Partnership,
    Plan,
    SabbaticalVisit,
    TableSeat,
    Unpaired,
    Visit,
)
from pairwise.roster.objective import empty_terms


@dataclass(frozen=True)
class Outline:
    """The sessions of a re-plan before the changes are listed."""

    partnerships: list[Partnership]
    visits: list[Visit]
    sabbatical_visits: list[SabbaticalVisit]
    tables: list[TableSeat]
    unpaired: list[Unpaired]
    added_why: dict[str, str]
    """Per new partnership id, why it was formed."""


def constant_value(frame: Frame) -> int:
    """The part of the objective no variable of the model changes: kept sessions, the scores of
    partnerships with a started cycle, unpaired entries of started cycles."""
    weights = frame.roster.policy.weights
    value = 0
    for partnership in frame.plan.partnerships:
        if any(c in frame.started for c in partnership.cycles):
            value += sum(frame.scoring.group_terms(partnership.members).values())
    for visit in frame.plan.visits:
        if frame.kept(visit.slot) and visit.covered:
            value -= weights.cover
    for sabbatical in frame.plan.sabbatical_visits:
        if frame.kept(sabbatical.slot):
            value += weights.sabbatical - (weights.cover if sabbatical.covered else 0)
    if frame.roster.policy.rotation == "year":
        value -= weights.unpaired * len(frame.kept_unpaired)
    else:
        value -= weights.unpaired * sum(len(c) for c in frame.kept_unpaired.values())
    earlier: Counter[tuple[str, str]] = Counter()
    for _cycle, _meeting, teams in frame.kept_tables:
        together = set()
        for a, b in itertools.combinations(teams, 2):
            pair = pair_key(a, b)
            value += sum(frame.scoring.team_pair_terms(a, b, earlier[pair]).values())
            together.add(pair)
        earlier.update(together)
    return value


def plan_terms(frame: Frame, plan: Plan) -> dict[str, int]:
    """Every objective term of a re-planned year, kept sessions included."""
    weights = frame.roster.policy.weights
    terms = empty_terms()
    for partnership in plan.partnerships:
        for name, value in frame.scoring.group_terms(partnership.members).items():
            terms[name] += value
    covered = sum(1 for v in plan.visits if v.covered)
    covered += sum(1 for v in plan.sabbatical_visits if v.covered)
    terms["cover"] -= weights.cover * covered
    terms["sabbatical"] += weights.sabbatical * len(plan.sabbatical_visits)
    if frame.roster.policy.rotation == "year":
        places = len({entry.teacher for entry in plan.unpaired})
    else:
        places = len({(entry.teacher, c) for entry in plan.unpaired for c in entry.cycles})
    terms["unpaired"] -= weights.unpaired * places
    order = {(c.id, m.id): i for c in frame.roster.cycles for i, m in enumerate(c.meetings)}
    cycle_order = {c.id: i for i, c in enumerate(frame.roster.cycles)}
    seats = sorted(
        plan.tables, key=lambda s: (cycle_order.get(s.cycle, 0), order.get((s.cycle, s.meeting), 0))
    )
    earlier: Counter[tuple[str, str]] = Counter()
    for _key, group in itertools.groupby(seats, key=lambda s: (s.cycle, s.meeting)):
        together = set()
        for seat in group:
            for a, b in itertools.combinations(seat.teams, 2):
                pair = pair_key(a, b)
                for name, value in frame.scoring.team_pair_terms(a, b, earlier[pair]).items():
                    terms[name] += value
                together.add(pair)
        earlier.update(together)
    return terms


def outline(frame: Frame, built: ReplanModel, solver: cp_model.CpSolver) -> Outline:
    """The re-planned year as sessions."""
    chosen = [j for j, var in enumerate(built.chosen) if solver.boolean_value(var)]
    partnerships, visits = _partnerships_of_plan(frame, built, solver, chosen)
    added_why = _new_partnerships(frame, built, solver, chosen, partnerships, visits)
    return Outline(
        partnerships,
        _ordered_visits(frame, partnerships, visits),
        _ordered_sabbaticals(frame, _sabbatical_visits(frame, built, solver)),
        _tables(frame, built, solver),
        _unpaired(frame, built, solver),
        added_why,
    )


def _partnerships_of_plan(
    frame: Frame, built: ReplanModel, solver: cp_model.CpSolver, chosen: list[int]
) -> tuple[list[Partnership], list[Visit]]:
    """The plan in force's partnerships that go on: their kept visits and their visits ahead
    where the solution placed them (a partnership a third member joined stops where it did)."""
    slots = frame.candidates.slots
    replaced: dict[str, set[str]] = {}
    reused: dict[str, tuple[int, str]] = {}
    for j in chosen:
        column = frame.new_partnerships[j]
        if column.extends is not None:
            replaced.setdefault(column.extends, set()).update(column.cycles)
        if column.was is not None:
            reused[column.was] = (j, column.cycles[0])
    placed: dict[tuple[str, str, str, str], int] = {}
    for owed in built.owed:
        for choice in owed.choices:
            if solver.boolean_value(choice.var):
                placed[(owed.unit.partnership, *owed.arc)] = choice.slot
    partnerships: list[Partnership] = []
    visits: list[Visit] = []
    for partnership in frame.plan.partnerships:
        started = [c for c in partnership.cycles if c in frame.started]
        going_on = [
            c
            for c in frame.continuing.get(partnership.id, [])
            if c not in replaced.get(partnership.id, set())
        ]
        cycles = started + going_on
        if partnership.id in reused:
            cycles.append(reused[partnership.id][1])
        if not cycles:
            continue
        partnerships.append(partnership.model_copy(update={"cycles": cycles}))
        visits += [
            visit
            for visit in frame.plan.visits
            if visit.partnership == partnership.id
            and visit.cycle in cycles
            and frame.kept(visit.slot)
        ]
        for visitor, host, cycle, slot in _placed_of(partnership.id, placed):
            visits.append(_visit(frame, partnership.id, visitor, host, cycle, slots[cycle][slot]))
    return partnerships, visits


def _new_partnerships(
    frame: Frame,
    built: ReplanModel,
    solver: cp_model.CpSolver,
    chosen: list[int],
    partnerships: list[Partnership],
    visits: list[Visit],
) -> dict[str, str]:
    """The partnerships the solution formed, added to `partnerships` with their visits; per new
    partnership id, why it was formed (a plan in force's partnership formed again keeps its id)."""
    slots = frame.candidates.slots
    taken_ids = {p.id for p in frame.plan.partnerships}
    number = len(frame.plan.partnerships)
    added_why: dict[str, str] = {}
    for j in chosen:
        column = frame.new_partnerships[j]
        if column.was is not None:
            identifier = column.was
        else:
            number += 1
            while f"P{number:02d}" in taken_ids:
                number += 1
            identifier = f"P{number:02d}"
            taken_ids.add(identifier)
            partnerships.append(
                Partnership(
                    id=identifier,
                    members=list(column.members),
                    cycles=list(column.cycles),
                    score=column.score,
                    reasons=partnership_reasons(frame.candidates, frame.scoring, column.members),
                )
            )
            added_why[identifier] = _formed_why(frame, column.members, column.extends)
        for (k, visitor, host, cycle), choices in built.new_visits.items():
            if k != j:
                continue
            for choice in choices:
                if solver.boolean_value(choice.var):
                    name = slots[cycle][choice.slot]
                    visits.append(_visit(frame, identifier, visitor, host, cycle, name))
    return added_why


def _sabbatical_visits(
    frame: Frame, built: ReplanModel, solver: cp_model.CpSolver
) -> list[SabbaticalVisit]:
    """Kept sabbatical visits as they were, the rest where the solution placed them."""
    slots = frame.candidates.slots
    found = [v for v in frame.plan.sabbatical_visits if frame.kept(v.slot)]
    for (coach, coachee, cycle), choices in built.sabbatical.items():
        for choice in choices:
            if solver.boolean_value(choice.var):
                name = slots[cycle][choice.slot]
                start, end = frame.roster.slot_times(name)
                found.append(
                    SabbaticalVisit(
                        coach=coach,
                        coachee=coachee,
                        cycle=cycle,
                        slot=name,
                        start=start,
                        end=end,
                        covered=choice.covered,
                    )
                )
    return found


def _placed_of(
    partnership: str, placed: dict[tuple[str, str, str, str], int]
) -> list[tuple[str, str, str, int]]:
    return [(v, h, c, slot) for (p, v, h, c), slot in placed.items() if p == partnership]


def _visit(frame: Frame, partnership: str, visitor: str, host: str, cycle: str, slot: str) -> Visit:
    start, end = frame.roster.slot_times(slot)
    options = frame.peer_options(visitor, host, cycle)
    index = frame.slot_index[cycle][slot]
    return Visit(
        partnership=partnership,
        cycle=cycle,
        host=host,
        visitor=visitor,
        slot=slot,
        start=start,
        end=end,
        covered=not (options.uncovered >> index) & 1,
    )


def _ordered_visits(
    frame: Frame, partnerships: list[Partnership], visits: list[Visit]
) -> list[Visit]:
    order = {p.id: i for i, p in enumerate(partnerships)}
    cycle_order = {c.id: i for i, c in enumerate(frame.roster.cycles)}
    return sorted(
        visits,
        key=lambda v: (
            order.get(v.partnership, len(order)),
            cycle_order.get(v.cycle, 0),
            frame.slot_index.get(v.cycle, {}).get(v.slot, 0),
        ),
    )


def _ordered_sabbaticals(frame: Frame, visits: list[SabbaticalVisit]) -> list[SabbaticalVisit]:
    index = frame.candidates.index
    cycle_order = {c.id: i for i, c in enumerate(frame.roster.cycles)}
    return sorted(
        visits,
        key=lambda v: (
            index.get(v.coach, len(index)),
            cycle_order.get(v.cycle, 0),
            index.get(v.coachee, len(index)),
            frame.slot_index.get(v.cycle, {}).get(v.slot, 0),
        ),
    )


def _tables(frame: Frame, built: ReplanModel, solver: cp_model.CpSolver) -> list[TableSeat]:
    """Kept tables as they were; tables ahead keep their number when the same teams sit there."""
    tables = [
        seat
        for seat in frame.plan.tables
        if (seat.cycle, seat.meeting) not in set(frame.ahead_meetings)
    ]
    previous = {
        (seat.cycle, seat.meeting, tuple(sorted(seat.teams))): seat for seat in frame.plan.tables
    }
    school_of_team = {team.id: frame.roster.team_school(team.id) for team in frame.roster.teams}
    for cycle, meeting in frame.ahead_meetings:
        groups = [
            key[2]
            for key, var in built.tables.items()
            if key[:2] == (cycle, meeting) and solver.boolean_value(var)
        ]
        used: dict[str, set[int]] = {}
        numbered: list[TableSeat] = []
        waiting: list[tuple[str, ...]] = []
        for group in groups:
            old = previous.get((cycle, meeting, group))
            school = school_of_team[group[0]]
            if old is not None and old.table not in used.get(school, set()):
                used.setdefault(school, set()).add(old.table)
                numbered.append(old)
            else:
                waiting.append(group)
        for group in waiting:
            school = school_of_team[group[0]]
            taken = used.setdefault(school, set())
            table = next(n for n in itertools.count(1) if n not in taken)
            taken.add(table)
            numbered.append(TableSeat(cycle=cycle, meeting=meeting, table=table, teams=list(group)))
        tables += sorted(numbered, key=lambda s: (school_of_team[s.teams[0]], s.table))
    return tables


def _unpaired(frame: Frame, built: ReplanModel, solver: cp_model.CpSolver) -> list[Unpaired]:
    entries: list[Unpaired] = []
    earlier = {entry.teacher: entry for entry in frame.plan.unpaired}
    for teacher in frame.candidates.teachers:
        cycles = list(frame.kept_unpaired.get(teacher, []))
        ahead = [
            cycle
            for cycle in frame.ahead
            if (teacher, cycle) in built.unpaired
            and round(solver.value(built.unpaired[teacher, cycle])) == 1
        ]
        if not cycles and not ahead:
            continue
        if cycles and not ahead and teacher in earlier:
            why = earlier[teacher].why
        else:
            why = _unpaired_why(frame, teacher)
        entries.append(Unpaired(teacher=teacher, cycles=cycles + ahead, why=why))
    return entries


def _free_why(frame: Frame, teacher: str) -> str:
    """Why a teacher needs a partner for the cycles ahead."""
    for partnership in frame.plan.partnerships:
        if teacher not in partnership.members:
            continue
        for member in partnership.members:
            if member != teacher:
                absence = frame.absence(member)
                if absence:
                    return f"{absence} (partnership {partnership.id} ends)"
    record = frame.roster.teacher_by_id[teacher]
    if record.begin_date is not None:
        return f"{teacher} joins on {record.begin_date}"
    if any(entry.teacher == teacher for entry in frame.plan.unpaired):
        return f"{teacher} was unpaired"
    return f"{teacher} needs a partner for the cycles ahead"


def _formed_why(frame: Frame, members: tuple[str, ...], extends: str | None) -> str:
    free = [m for m in members if m in frame.free_from]
    whys = list(dict.fromkeys(_free_why(frame, m) for m in free))
    if extends is not None:
        return f"{free[0]} joins partnership {extends} as a third member: " + "; ".join(whys)
    return "new partnership: " + "; ".join(whys)


def _unpaired_why(frame: Frame, teacher: str) -> str:
    return (
        f"{_free_why(frame, teacher)}; no colleague free to partner them can make every visit "
        "with them (the others keep their partnerships)"
    )


def change_list(frame: Frame, new: Plan, added_why: dict[str, str]) -> list[Change]:
    """The sessions ahead of the plan in force that moved or were cancelled, and those added."""
    from pairwise.engine.replan.changes import list_changes

    return list_changes(frame, new, added_why)

"""Turning a model's solution into a plan (`pairwise/plan@1`), and a plan back into a hint."""

from __future__ import annotations

from dataclasses import dataclass

from pairwise.analysis.network import plan_metrics
from pairwise.engine.candidates import Candidates
from pairwise.engine.columns import Column, pair_columns_of, triad_column
from pairwise.engine.model.conversations import Arc, ConversationPlacement
from pairwise.engine.model.plan_model import PlanSolution
from pairwise.engine.plan.reasons import partnership_reasons, unpaired_reason
from pairwise.result import relative_gap
from pairwise.roster.models import (
    Conversation,
    ConversationCounts,
    Partnership,
    Plan,
    SabbaticalVisit,
    TableSeat,
    Unpaired,
    UnplacedConversation,
    Visit,
    VisitReference,
)
from pairwise.roster.objective import Scoring, empty_terms


@dataclass(frozen=True)
class Seating:
    """The tables part of a plan: seats, terms, objective and bound."""

    tables: list[TableSeat]
    terms: dict[str, int]
    objective: int
    bound: int


def plan_terms(
    candidates: Candidates, scoring: Scoring, solution: PlanSolution, seating: Seating | None
) -> dict[str, int]:
    """All 12 of the objective's terms of a solution, signed."""
    roster = candidates.roster
    weights = roster.policy.weights
    terms = empty_terms()
    for column in solution.columns:
        for name, value in scoring.group_terms(column.members).items():
            terms[name] += value
    covered = sum(
        1 for arc, slot in solution.visits.items() if _peer_covered(candidates, arc, slot)
    )
    visits = 0
    for arc, slots in solution.sabbatical_visits.items():
        for slot in slots:
            visits += 1
            covered += _sabbatical_covered(candidates, arc, slot)
    terms["cover"] -= weights.cover * covered
    terms["sabbatical"] += weights.sabbatical * visits
    partnered = sum(len(column.members) for column in solution.columns)
    unpaired = candidates.unpaired_places() - partnered
    terms["unpaired"] -= weights.unpaired * unpaired
    if seating is not None:
        for name, value in seating.terms.items():
            terms[name] += value
    return terms


def _peer_covered(candidates: Candidates, arc: tuple[str, str, str], slot: int) -> bool:
    options = candidates.arc_options(*arc)
    return options is not None and not (options.uncovered >> slot) & 1


def _sabbatical_covered(candidates: Candidates, arc: tuple[str, str, str], slot: int) -> bool:
    options = candidates.sabbatical_arcs[arc]
    return not (options.uncovered >> slot) & 1


def build_plan(
    candidates: Candidates,
    scoring: Scoring,
    solution: PlanSolution,
    seating: Seating | None,
    *,
    bound: int,
    seconds: float,
    seed: int,
    conversations: ConversationPlacement | None = None,
) -> Plan:
    """The complete plan of a solution: partnerships with reasons, visits, tables, metrics, and
    the conversations placed around the visits (which may have moved them, at no cost)."""
    roster = candidates.roster
    if conversations is not None:
        solution = PlanSolution(
            solution.columns,
            conversations.visits,
            solution.sabbatical_visits,
            solution.objective,
        )
    co_taught = set(conversations.plannings) if conversations is not None else set()
    period_cycles = {period.id: period.cycles for period in candidates.periods}
    columns = _ordered_columns(candidates, solution.columns)
    width = max(2, len(str(len(columns))))
    partnerships = []
    visits = []
    for number, column in enumerate(columns, start=1):
        identifier = f"P{number:0{width}d}"
        cycles = period_cycles[column.period]
        partnerships.append(_partnership(candidates, scoring, column, identifier, cycles))
        visits += _column_visits(candidates, solution, column, identifier, cycles, co_taught)
    terms = plan_terms(candidates, scoring, solution, seating)
    objective = sum(terms.values())
    bound = max(bound, objective)
    plan = Plan(
        roster=roster.name,
        status="optimal" if objective == bound else "feasible",
        objective=objective,
        bound=bound,
        gap=round(relative_gap(objective, bound), 6),
        seconds=round(seconds, 3),
        seed=seed,
        terms=terms,
        partnerships=partnerships,
        visits=visits,
        sabbatical_visits=_sabbatical_visits(candidates, solution),
        tables=list(seating.tables) if seating is not None else [],
        unpaired=unpaired_entries(candidates, solution.columns),
    )
    if conversations is not None:
        _add_conversations(candidates, plan, conversations)
    plan.metrics = plan_metrics(roster, plan)
    return plan


def _ordered_columns(candidates: Candidates, columns: list[Column]) -> list[Column]:
    """The chosen partnerships in plan order: by rotation period, then by their members' order."""
    period_order = {period.id: i for i, period in enumerate(candidates.periods)}
    return sorted(
        columns,
        key=lambda c: (period_order[c.period], [candidates.index[m] for m in c.members]),
    )


def _partnership(
    candidates: Candidates,
    scoring: Scoring,
    column: Column,
    identifier: str,
    cycles: tuple[str, ...],
) -> Partnership:
    """One chosen partnership with its score and the reasons it was chosen."""
    return Partnership(
        id=identifier,
        members=list(column.members),
        cycles=list(cycles),
        score=sum(scoring.group_terms(column.members).values()),
        reasons=partnership_reasons(candidates, scoring, column.members),
    )


def _column_visits(
    candidates: Candidates,
    solution: PlanSolution,
    column: Column,
    identifier: str,
    cycles: tuple[str, ...],
    co_taught: set[Arc],
) -> list[Visit]:
    """A partnership's peer visits in time order (cycle, then slot; ties in member order)."""
    roster = candidates.roster
    cycle_order = {cycle: i for i, cycle in enumerate(candidates.cycle_ids)}
    timed: list[tuple[tuple[int, int], Visit]] = []
    for cycle in cycles:
        for visitor in column.members:
            for host in column.members:
                slot = solution.visits.get((visitor, host, cycle))
                if visitor == host or slot is None:
                    continue
                name = candidates.slots[cycle][slot]
                start, end = roster.slot_times(name)
                visit = Visit(
                    partnership=identifier,
                    cycle=cycle,
                    host=host,
                    visitor=visitor,
                    slot=name,
                    start=start,
                    end=end,
                    covered=_peer_covered(candidates, (visitor, host, cycle), slot),
                    mode="co-teach" if (visitor, host, cycle) in co_taught else "visit",
                )
                timed.append(((cycle_order[cycle], slot), visit))
    return [visit for _, visit in sorted(timed, key=lambda t: t[0])]


def _sabbatical_visits(candidates: Candidates, solution: PlanSolution) -> list[SabbaticalVisit]:
    """The sabbatical visits by coach, cycle and coachee, each arc's slots in order."""
    roster = candidates.roster
    cycle_order = {cycle: i for i, cycle in enumerate(candidates.cycle_ids)}
    visits = []
    for arc in sorted(
        solution.sabbatical_visits,
        key=lambda a: (candidates.index[a[0]], cycle_order[a[2]], candidates.index[a[1]]),
    ):
        coach, coachee, cycle = arc
        for slot in sorted(solution.sabbatical_visits[arc]):
            name = candidates.slots[cycle][slot]
            start, end = roster.slot_times(name)
            visits.append(
                SabbaticalVisit(
                    coach=coach,
                    coachee=coachee,
                    cycle=cycle,
                    slot=name,
                    start=start,
                    end=end,
                    covered=_sabbatical_covered(candidates, arc, slot),
                )
            )
    return visits


def _add_conversations(
    candidates: Candidates, plan: Plan, placement: ConversationPlacement
) -> None:
    """The plan's debriefs and plannings in time order, what is left unplaced, and the counts."""
    roster = candidates.roster

    def reference(arc: Arc) -> VisitReference:
        visitor, host, cycle = arc
        slot = candidates.slots[cycle][placement.visits[arc]]
        return VisitReference(host=host, visitor=visitor, cycle=cycle, slot=slot)

    cycle_order = {cycle: i for i, cycle in enumerate(candidates.cycle_ids)}
    timed = []
    for kind, chosen in (("planning", placement.plannings), ("debrief", placement.debriefs)):
        for arc, slot in chosen.items():
            visitor, host, cycle = arc
            name = candidates.slots[cycle][slot]
            start, end = roster.slot_times(name)
            conversation = Conversation(
                kind=kind,
                members=[visitor, host],
                visit=reference(arc),
                slot=name,
                start=start,
                end=end,
            )
            order = (cycle_order[cycle], slot, candidates.index[visitor], candidates.index[host])
            timed.append((order, conversation))
    plan.conversations = [conversation for _, conversation in sorted(timed, key=lambda t: t[0])]
    plan.unplaced_conversations = [
        UnplacedConversation(kind=entry.kind, visit=reference(entry.visit), why=entry.why)
        for entry in placement.unplaced
    ]
    plan.conversation_counts = ConversationCounts(
        placed=placement.placed,
        most=max(placement.most, placement.placed),
        co_taught=len(placement.plannings),
        co_taught_most=max(placement.co_taught_most, len(placement.plannings)),
    )


def unpaired_entries(candidates: Candidates, columns: list[Column]) -> list[Unpaired]:
    """Each participating teacher left out of a rotation period, with the reason in words."""
    partnered: set[tuple[str, str]] = set()
    partners: dict[str, set[str]] = {}
    for column in columns:
        for member in column.members:
            partnered.add((column.period, member))
            partners.setdefault(member, set()).update(m for m in column.members if m != member)
    entries = []
    for teacher in candidates.participants:
        whys: dict[str, list[str]] = {}
        for period in candidates.periods:
            if teacher not in candidates.period_participants[period.id]:
                continue  # on staff for none of its slots: neither partnered nor unpaired
            if (period.id, teacher) in partnered:
                continue
            why = unpaired_reason(candidates, teacher, period.id, partners.get(teacher, set()))
            whys.setdefault(why, []).extend(period.cycles)
        for why, cycles in whys.items():
            entries.append(Unpaired(teacher=teacher, cycles=cycles, why=why))
    return entries


# --- a plan as a hint --------------------------------------------------------------------------


def solution_from_plan(candidates: Candidates, plan: Plan) -> PlanSolution:
    """The parts of a (previous) plan that still fit this roster, as a solution to hint with."""
    edges = [
        candidates.edge(*partnership.members)
        for partnership in plan.partnerships
        if len(partnership.members) == 2
        and all(member in candidates.index for member in partnership.members)
    ]
    # only the plan's own pair columns, from the pair tables (not every pair's)
    pairs = {
        (column.period, column.members): column for column in pair_columns_of(candidates, edges)
    }
    period_of_cycle = {cycle: period for period in candidates.periods for cycle in period.cycles}
    columns: dict[tuple[str, tuple[str, ...], str], Column] = {}
    for partnership in plan.partnerships:
        members = [m for m in partnership.members if m in candidates.index]
        if len(members) != len(partnership.members):
            continue
        periods = {
            period_of_cycle[c].id: period_of_cycle[c]
            for c in partnership.cycles
            if c in period_of_cycle
        }
        for period in periods.values():
            if len(members) == 2:
                key = (period.id, candidates.edge(members[0], members[1]))
                column = pairs.get(key)
            else:
                ordered = tuple(sorted(members, key=candidates.index.__getitem__))
                column = triad_column(candidates, period, ordered, candidates.school[members[0]])
            if column is not None:
                columns[column.key] = column
    slot_index = {
        cycle: {slot: i for i, slot in enumerate(slots)}
        for cycle, slots in candidates.slots.items()
    }
    visits: dict[tuple[str, str, str], int] = {}
    for visit in plan.visits:
        index = slot_index.get(visit.cycle, {}).get(visit.slot)
        if index is not None:
            visits[visit.visitor, visit.host, visit.cycle] = index
    sabbatical: dict[tuple[str, str, str], list[int]] = {}
    for sabbatical_visit in plan.sabbatical_visits:
        index = slot_index.get(sabbatical_visit.cycle, {}).get(sabbatical_visit.slot)
        arc = (sabbatical_visit.coach, sabbatical_visit.coachee, sabbatical_visit.cycle)
        if index is not None and arc in candidates.sabbatical_arcs:
            sabbatical.setdefault(arc, []).append(index)
    stated = plan.objective if plan.objective is not None else 0  # a hand-made hint may omit it
    return PlanSolution(list(columns.values()), visits, sabbatical, stated)

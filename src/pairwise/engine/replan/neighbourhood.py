"""A complete starting plan for the re-plan's search: the plan in force, repaired around the change.

The full model (every session ahead free to move) is what proves the re-plan's optimum; CP-SAT
proves it within about a second once it holds a complete optimal plan as its hint, but takes many
seconds to dive to one from the plan in force, which the change made incomplete (a partner left
alone, a visit in a lost week). So a restricted copy is solved first: every session ahead of the
plan in force that does not involve a *touched* teacher and whose slot is still open stays in
its slot or is cancelled (it may not move), and partnerships of untouched teachers stay as they
were; the rest (touched teachers' sessions, the partnerships they may join, tables) is free.
Touched teachers are those the change frees: the partners of a teacher who left, teachers who
join, teachers the plan in force left unpaired, and under `rotation: cycle` those whose
partnership of a cycle ahead cannot be formed again.

The restricted copy has the full model's objective and constraints, with fewer choices, so its
plan is a plan of the full model: it only ever serves as the hint. Nothing is proven from it; a
restricted copy with no plan (cover halved below what the plan in force used, say) leaves the
full search to find its own way from the plan in force.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from pairwise.engine.replan.model import ReplanModel, hint_every_variable, set_domains
from pairwise.engine.search import FULL_LP, SearchSettings, run_search


@dataclass(frozen=True)
class Neighbourhood:
    """The restricted copy's outcome: whether its plan now hints the full model."""

    hinted: bool
    status: str
    seconds: float


def touched_teachers(built: ReplanModel) -> dict[str, set[str]]:
    """Per cycle ahead, the teachers whose sessions and partnerships the copy leaves free."""
    frame = built.frame
    touched: dict[str, set[str]] = {cycle: set() for cycle in frame.ahead}
    if frame.roster.policy.rotation == "year":
        for teacher in frame.free_from:
            for cycle in frame.ahead:
                touched[cycle].add(teacher)
        return touched
    again = {
        (member, cycle)
        for column in frame.new_partnerships
        if column.was is not None
        for member in column.members
        for cycle in column.cycles
    }
    for teacher in frame.free_from:
        for cycle in frame.ahead:
            if frame.free_in(teacher, cycle) and (teacher, cycle) not in again:
                touched[cycle].add(teacher)
    return touched


def settled_moves(built: ReplanModel) -> list[cp_model.IntVar]:
    """The choices the restricted copy rules out: an untouched session ahead into another slot,
    and a partnership of untouched teachers that the plan in force does not have."""
    frame = built.frame
    touched = touched_teachers(built)
    ruled_out: list[cp_model.IntVar] = []
    for owed in built.owed:
        visitor, host, cycle = owed.arc
        if owed.was is None or {visitor, host} & touched[cycle]:
            continue
        if any(choice.slot == owed.was for choice in owed.choices):
            ruled_out += [choice.var for choice in owed.choices if choice.slot != owed.was]
    for arc, choices in built.sabbatical.items():
        coach, coachee, cycle = arc
        was = set(built.sabbatical_was.get(arc, []))
        if {coach, coachee} & touched.get(cycle, set()):
            continue
        if was <= {choice.slot for choice in choices}:
            ruled_out += [choice.var for choice in choices if choice.slot not in was]
    was_slot = built.was_slots()
    for j, column in enumerate(frame.new_partnerships):
        free = any(m in touched[c] for m in column.members for c in column.cycles)
        if column.was is None:
            if not free:
                ruled_out.append(built.chosen[j])
            continue
        for cycle in column.cycles:
            for visitor, host in {arc for way in column.ways[cycle] for arc in way}:
                choices = built.new_visits.get((j, visitor, host, cycle), [])
                slot = was_slot.get((column.was, visitor, host, cycle))
                if free or slot is None or not any(c.slot == slot for c in choices):
                    continue
                ruled_out += [choice.var for choice in choices if choice.slot != slot]
    return ruled_out


def hint_from_neighbourhood(
    built: ReplanModel, settings: SearchSettings, time_limit: float
) -> Neighbourhood:
    """Solve the restricted copy of `built.model` (its objective already set) and, when it has a
    plan, make that plan the full model's complete hint."""
    model = built.model
    restricted = model.clone()
    ruled_out = settled_moves(built)
    set_domains(restricted, ruled_out, 0, 0)
    outcome = run_search(
        restricted,
        settings,
        time_limit,
        workers=settings.workers,
        linearization=FULL_LP,
        light_presolve=True,
    )
    if not outcome.has_solution:
        return Neighbourhood(False, outcome.status, outcome.seconds)
    hint_every_variable(model, list(outcome.solver.response_proto.solution))
    return Neighbourhood(True, outcome.status, outcome.seconds)

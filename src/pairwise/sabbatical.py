"""Sabbatical visits placed around fixed peer visits: a small model of its own.

Given where the peer visits are, the sabbatical visits only need slots where coach and coachee
are free of them, and the covers the peer visits left in each slot. When this reaches the
sabbatical relaxation's bound and the peer visits reach the peer relaxation's, the plan is proven
optimal without ever building the joint model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from pairwise.candidates import Candidates, SlotOptions, slot_indices
from pairwise.model import Arc, PlanSolution, SlotChoice
from pairwise.search import Report, SearchOutcome, SearchSettings, run_search

SPREAD_WALL_SECONDS = 10.0
"""A safety net only: the tie-break stops on deterministic time, so that it ends the same way on
every machine and every run."""

DISTINCT_COACHEE_WEIGHT = 2
"""In the tie-break a new coachee is worth more than one step of balance between cycles."""


@dataclass
class SabbaticalModel:
    """Sabbatical visit booleans per kept slot, around the peer visits of `peer`."""

    candidates: Candidates
    peer: PlanSolution
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    slots: dict[Arc, list[SlotChoice]] = field(default_factory=dict)
    objective: cp_model.LinearExprT = 0
    visited: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    extremes: dict[str, tuple[cp_model.IntVar, cp_model.IntVar]] = field(default_factory=dict)

    def build(self) -> None:
        """Variables, rule 6–8 constraints around the peer visits, and the sabbatical terms."""
        candidates = self.candidates
        roster = candidates.roster
        weights = roster.policy.weights
        occupied: dict[tuple[str, str], int] = {}
        covers_used: dict[tuple[str, int, str], int] = {}
        for (visitor, host, cycle), slot in self.peer.visits.items():
            for teacher in (visitor, host):
                occupied[teacher, cycle] = occupied.get((teacher, cycle), 0) | (1 << slot)
            options = candidates.arc_options(visitor, host, cycle)
            if options is not None and not (options.uncovered >> slot) & 1:
                key = (cycle, slot, candidates.school[visitor])
                covers_used[key] = covers_used.get(key, 0) + 1
        busy = self._busy()
        terms_variables: list[cp_model.IntVar] = []
        terms_coefficients: list[int] = []
        for arc, options in candidates.sabbatical_arcs.items():
            coach, coachee, cycle = arc
            blocked = occupied.get((coach, cycle), 0) | occupied.get((coachee, cycle), 0)
            school = candidates.school[coach]
            covered = options.covered & ~blocked
            for slot in list(slot_indices(covered)):
                limit = roster.cover_limit(candidates.slots[cycle][slot])
                if covers_used.get((cycle, slot, school), 0) >= limit:
                    covered &= ~(1 << slot)
            free = SlotOptions(options.uncovered & ~blocked, covered)
            needed = max(1, busy.get((coach, cycle), 1) + busy.get((coachee, cycle), 1) - 1)
            uncovered_slots = list(slot_indices(free.uncovered))
            if len(uncovered_slots) >= needed:
                start = (candidates.index[coach] * 7 + candidates.index[coachee] * 3) % len(
                    uncovered_slots
                )
                rotated = uncovered_slots[start:] + uncovered_slots[:start]
                kept = sorted((slot, False) for slot in rotated[:needed])
            else:
                kept = sorted(
                    [(slot, False) for slot in uncovered_slots]
                    + [(slot, True) for slot in slot_indices(free.covered)]
                )
            choices = []
            for slot, is_covered in kept:
                var = self.model.new_bool_var(f"{coach} coaches {coachee} {cycle} #{slot}")
                choices.append(SlotChoice(var, slot, is_covered))
                terms_variables.append(var)
                terms_coefficients.append(weights.sabbatical - (weights.cover if is_covered else 0))
            if choices:
                self.slots[arc] = choices
        self._rules(covers_used)
        self.objective = cp_model.LinearExpr.weighted_sum(terms_variables, terms_coefficients)
        self.model.maximize(self.objective)

    def _busy(self) -> dict[tuple[str, str], int]:
        """Sabbatical visits a teacher can take part in per cycle (peer visits are fixed)."""
        roster = self.candidates.roster
        cap = roster.policy.sabbatical_visits_per_coachee
        coach_room: dict[tuple[str, str], int] = {}
        coachee_room: dict[tuple[str, str], int] = {}
        for coach, coachee, cycle in self.candidates.sabbatical_arcs:
            sabbatical = roster.teacher_by_id[coach].sabbatical
            assert sabbatical is not None
            coach_room[coach, cycle] = min(
                sabbatical.budget, coach_room.get((coach, cycle), 0) + cap
            )
            coachee_room[coachee, cycle] = min(
                cap, coachee_room.get((coachee, cycle), 0) + sabbatical.budget
            )
        busy: dict[tuple[str, str], int] = {}
        for rooms in (coach_room, coachee_room):
            for key, room in rooms.items():
                busy[key] = busy.get(key, 0) + room
        return busy

    def _rules(self, covers_used: dict[tuple[str, int, str], int]) -> None:
        candidates = self.candidates
        roster = candidates.roster
        per_teacher_slot: dict[tuple[str, str, int], list[cp_model.IntVar]] = {}
        per_cover: dict[tuple[str, int, str], list[cp_model.IntVar]] = {}
        per_coach: dict[str, list[cp_model.IntVar]] = {}
        per_coachee: dict[str, list[cp_model.IntVar]] = {}
        for (coach, coachee, cycle), choices in self.slots.items():
            for choice in choices:
                per_teacher_slot.setdefault((coach, cycle, choice.slot), []).append(choice.var)
                per_teacher_slot.setdefault((coachee, cycle, choice.slot), []).append(choice.var)
                if choice.covered:
                    key = (cycle, choice.slot, candidates.school[coach])
                    per_cover.setdefault(key, []).append(choice.var)
                per_coach.setdefault(coach, []).append(choice.var)
                per_coachee.setdefault(coachee, []).append(choice.var)
        for variables in per_teacher_slot.values():
            if len(variables) > 1:
                self.model.add_at_most_one(variables)
        for (cycle, slot, school), variables in per_cover.items():
            room = roster.cover_limit(candidates.slots[cycle][slot]) - covers_used.get(
                (cycle, slot, school), 0
            )
            if len(variables) > room:
                self.model.add(sum(variables) <= room)
        for coach, variables in per_coach.items():
            sabbatical = roster.teacher_by_id[coach].sabbatical
            assert sabbatical is not None
            if len(variables) > sabbatical.budget:
                self.model.add(sum(variables) <= sabbatical.budget)
        cap = roster.policy.sabbatical_visits_per_coachee
        for variables in per_coachee.values():
            if len(variables) > cap:
                self.model.add(sum(variables) <= cap)

    def spread(self) -> cp_model.LinearExprT:
        """The tie-break: distinct (coach, coachee) pairs visited, less each coach's gap between
        its busiest and quietest cycle."""
        model = self.model
        candidates = self.candidates
        per_coachee: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        per_cycle: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        for (coach, coachee, cycle), choices in self.slots.items():
            per_coachee.setdefault((coach, coachee), []).extend(c.var for c in choices)
            per_cycle.setdefault((coach, cycle), []).extend(c.var for c in choices)
        terms: list[cp_model.LinearExprT] = []
        for (coach, coachee), variables in per_coachee.items():
            visited = model.new_bool_var(f"{coach} visits {coachee}")
            model.add(visited <= sum(variables))
            self.visited[coach, coachee] = visited
            terms.append(DISTINCT_COACHEE_WEIGHT * visited)
        for coach in candidates.coaches:
            counts = [sum(per_cycle.get((coach, cycle), [])) for cycle in candidates.cycle_ids]
            sabbatical = candidates.roster.teacher_by_id[coach].sabbatical
            if len(counts) < 2 or sabbatical is None:
                continue
            most = model.new_int_var(0, sabbatical.budget, f"{coach} busiest cycle")
            least = model.new_int_var(0, sabbatical.budget, f"{coach} quietest cycle")
            for count in counts:
                model.add(most >= count)
                model.add(least <= count)
            self.extremes[coach] = (most, least)
            terms.append(least - most)
        return sum(terms)

    def hint(self, visits: dict[Arc, list[int]]) -> None:
        """A complete hint: the visits' slots and the tie-break's counts that follow from them."""
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        for arc, choices in self.slots.items():
            chosen = set(visits.get(arc, ()))
            for choice in choices:
                self.model.add_hint(choice.var, choice.slot in chosen)
        for (coach, coachee), var in self.visited.items():
            made = any(visits.get((coach, coachee, cycle)) for cycle in self.candidates.cycle_ids)
            self.model.add_hint(var, made)
        for coach, (most, least) in self.extremes.items():
            counts = [
                sum(len(slots) for (k, _e, c), slots in visits.items() if k == coach and c == cycle)
                for cycle in self.candidates.cycle_ids
            ]
            self.model.add_hint(most, max(counts))
            self.model.add_hint(least, min(counts))

    def read(self, solver: cp_model.CpSolver) -> dict[Arc, list[int]]:
        visits: dict[Arc, list[int]] = {}
        for arc, choices in self.slots.items():
            chosen = [choice.slot for choice in choices if solver.boolean_value(choice.var)]
            if chosen:
                visits[arc] = chosen
        return visits


@dataclass
class SabbaticalPlacement:
    """Sabbatical visits around fixed peer visits, their value, and whether it is proven best."""

    visits: dict[Arc, list[int]]
    value: int
    optimal: bool
    outcome: SearchOutcome | None = None


def place_sabbaticals(
    candidates: Candidates,
    peer: PlanSolution,
    settings: SearchSettings,
    time_limit: float,
    report: Report | None = None,
    spread_budget: float = 0.0,
) -> SabbaticalPlacement:
    """The best sabbatical visits around `peer`'s visits; then, holding that value, the most
    spread-out ones (tie-break) within `spread_budget` of CP-SAT's deterministic time."""
    if not candidates.sabbatical_arcs:
        return SabbaticalPlacement({}, 0, True)
    sabbatical_model = SabbaticalModel(candidates, peer)
    sabbatical_model.build()
    outcome = run_search(sabbatical_model.model, settings, time_limit, report, presolve=False)
    if not outcome.has_solution or outcome.objective is None:
        return SabbaticalPlacement({}, 0, False, outcome)
    visits = sabbatical_model.read(outcome.solver)
    value = outcome.objective
    optimal = outcome.status == "optimal"
    if spread_budget > 0.05 and visits and not settings.stop.is_set():
        model = sabbatical_model.model
        model.add(sabbatical_model.objective >= value)
        model.maximize(sabbatical_model.spread())
        sabbatical_model.hint(visits)
        spread = run_search(
            model,
            settings,
            max(spread_budget, SPREAD_WALL_SECONDS),
            presolve=False,
            deterministic_limit=spread_budget,
        )
        if spread.has_solution:
            visits = sabbatical_model.read(spread.solver)
    return SabbaticalPlacement(visits, value, optimal, outcome)

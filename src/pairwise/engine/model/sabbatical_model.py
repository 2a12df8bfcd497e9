"""Sabbatical visits placed around fixed peer visits: a small model of its own.

Given where the peer visits are, the sabbatical visits only need slots where coach and coachee
are free of them, and the covers the peer visits left in each slot. When this reaches the
sabbatical relaxation's bound and the peer visits reach the peer relaxation's, the plan is proven
optimal without ever building the joint model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from ortools.sat.python import cp_model

from pairwise.engine.candidates import Candidates, SlotOptions, slot_indices
from pairwise.engine.model.plan_model import PlanSolution
from pairwise.engine.model.sabbatical_greedy import (
    REPEAT_WEIGHT,
    GreedyPlacement,
    greedy_sabbaticals,
    peer_occupancy,
)
from pairwise.engine.model.slot_pruning import kept_slots, sabbatical_busy
from pairwise.engine.model.visit_rules import (
    CoachingArc,
    SlotChoice,
    SlotKey,
    coach_budget,
    coachee_cap,
    cover_per_slot,
    covers_on_hand,
    no_double_booking,
    sabbatical_budget,
    sabbatical_per_coachee,
)
from pairwise.engine.search import SearchOutcome, SearchProgressCallback, SearchSettings, run_search
from pairwise.roster.models import Sabbatical


@dataclass
class SabbaticalModel:
    """Sabbatical visit booleans per kept slot, around the peer visits of `peer`."""

    candidates: Candidates
    peer: PlanSolution
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    slots: dict[CoachingArc, list[SlotChoice]] = field(default_factory=dict)
    objective: cp_model.LinearExprT = 0
    reserved: dict[tuple[str, str], int] = field(default_factory=dict)
    """(coach, cycle) -> cost: for bounds only, one free slot of that coach is kept for its own
    peer visit as visitor, unless a cover of that cost is paid for it (see `_reservations`)."""
    keep: dict[CoachingArc, set[int]] = field(default_factory=dict)
    """Slots kept for a coach's visits whatever the pruning (a warm start's own), when free."""
    repeats: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    excess: dict[tuple[str, str], tuple[cp_model.IntVar, int]] = field(default_factory=dict)

    def build(self) -> None:
        """Variables, rule 6–8 constraints around the peer visits, and the sabbatical terms."""
        candidates = self.candidates
        roster = candidates.roster
        weights = roster.policy.weights
        occupied, covers_used = peer_occupancy(candidates, self.peer)
        busy = sabbatical_busy(candidates)
        terms_variables: list[cp_model.IntVar] = []
        terms_coefficients: list[int] = []
        for arc, options in candidates.sabbatical_arcs.items():
            coach, coachee, cycle = arc
            blocked = occupied.get((coach, cycle), 0) | occupied.get((coachee, cycle), 0)
            school = candidates.school[coach]
            covered = options.covered & ~blocked
            # rule 7: a covered slot whose cover the peer visits took is gone
            for slot in list(slot_indices(covered)):
                limit = roster.cover_limit(candidates.slots[cycle][slot])
                if covers_used.get((cycle, slot, school), 0) >= limit:
                    covered &= ~(1 << slot)
            free = SlotOptions(options.uncovered & ~blocked, covered)
            kept = kept_slots(candidates, arc, free, busy, self.keep)
            choices = []
            for slot, is_covered in kept:
                var = self.model.new_bool_var(f"{coach} coaches {coachee} {cycle} #{slot}")
                choices.append(SlotChoice(var, slot, is_covered))
                terms_variables.append(var)
                terms_coefficients.append(weights.sabbatical - (weights.cover if is_covered else 0))
            if choices:
                self.slots[arc] = choices
        self._rules(covers_used)
        uncovered_by_coach: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        for (coach, _coachee, cycle), choices in self.slots.items():
            uncovered_by_coach.setdefault((coach, cycle), []).extend(
                choice.var for choice in choices if not choice.covered
            )
        for (coach, cycle), cost in self.reserved.items():
            uncovered_visits = uncovered_by_coach.get((coach, cycle), [])
            room = candidates.free_slots(coach, cycle).bit_count() - 1
            if len(uncovered_visits) <= room:
                continue
            pay = self.model.new_bool_var(f"{coach} covered for its peer visit in {cycle}")
            self.model.add(sum(uncovered_visits) <= room + pay)
            terms_variables.append(pay)
            terms_coefficients.append(-cost)
        self.objective = cp_model.LinearExpr.weighted_sum(terms_variables, terms_coefficients)
        self.model.maximize(self.objective)

    def _rules(self, covers_used: dict[SlotKey, int]) -> None:
        """Rules 6-8 among the sabbatical visits, the peer visits' slots and covers taken out."""
        candidates = self.candidates
        no_double_booking(self.model, self.slots)
        cover_per_slot(
            self.model, candidates.school, covers_on_hand(candidates, covers_used), self.slots
        )
        sabbatical_budget(self.model, coach_budget(candidates), self.slots)
        sabbatical_per_coachee(self.model, coachee_cap(candidates), self.slots)

    def spread(self) -> cp_model.LinearExprT:
        """The tie-break, to maximise: minus each repeat visit of a coach to the same coachee
        (weighted), minus each visit a coach makes in a cycle beyond its even share
        (ceil(budget / cycles)). Both are linear, so CP-SAT's LP bound is tight and it proves
        the tie-break quickly."""
        model = self.model
        candidates = self.candidates
        per_coachee: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        per_cycle: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        for (coach, coachee, cycle), choices in self.slots.items():
            per_coachee.setdefault((coach, coachee), []).extend(c.var for c in choices)
            per_cycle.setdefault((coach, cycle), []).extend(c.var for c in choices)
        cap = candidates.roster.policy.sabbatical_visits_per_coachee
        terms: list[cp_model.LinearExprT] = []
        for (coach, coachee), variables in per_coachee.items():
            if len(variables) < 2 or cap < 2:
                continue
            repeats = model.new_int_var(0, cap, f"{coach} repeats {coachee}")
            model.add(repeats >= sum(variables) - 1)
            self.repeats[coach, coachee] = repeats
            terms.append(-REPEAT_WEIGHT * repeats)
        cycles = len(candidates.cycle_ids)
        for (coach, cycle), variables in per_cycle.items():
            sabbatical = candidates.roster.teacher_by_id[coach].sabbatical
            assert sabbatical is not None
            share = -(-sabbatical.budget // cycles)
            if len(variables) <= share:
                continue
            excess = model.new_int_var(0, sabbatical.budget, f"{coach} beyond share in {cycle}")
            model.add(excess >= sum(variables) - share)
            self.excess[coach, cycle] = (excess, share)
            terms.append(-excess)
        return sum(terms)

    def spread_range(self) -> int:
        """How low the tie-break can go: the most repeats and excess visits there can be."""
        cap = self.candidates.roster.policy.sabbatical_visits_per_coachee
        repeats = REPEAT_WEIGHT * cap * len(self.repeats)
        excess = sum(
            cast(Sabbatical, self.candidates.roster.teacher_by_id[coach].sabbatical).budget
            for coach, _cycle in self.excess
        )
        return repeats + excess

    def hint(self, visits: dict[CoachingArc, list[int]]) -> None:
        """A complete hint: the visits' slots and the tie-break's counts that follow from them."""
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        for arc, choices in self.slots.items():
            chosen = set(visits.get(arc, ()))
            for choice in choices:
                self.model.add_hint(choice.var, choice.slot in chosen)
        for (coach, coachee), var in self.repeats.items():
            made = sum(len(visits.get((coach, coachee, c), ())) for c in self.candidates.cycle_ids)
            self.model.add_hint(var, max(0, made - 1))
        for (coach, cycle), (var, share) in self.excess.items():
            made = sum(
                len(slots) for (k, _e, c), slots in visits.items() if k == coach and c == cycle
            )
            self.model.add_hint(var, max(0, made - share))

    def read(self, solver: cp_model.CpSolver) -> dict[CoachingArc, list[int]]:
        visits: dict[CoachingArc, list[int]] = {}
        for arc, choices in self.slots.items():
            chosen = [choice.slot for choice in choices if solver.boolean_value(choice.var)]
            if chosen:
                visits[arc] = chosen
        return visits


@dataclass
class SabbaticalPlacement:
    """Sabbatical visits around fixed peer visits, their value, and whether it is proven best."""

    visits: dict[CoachingArc, list[int]]
    value: int
    optimal: bool
    outcome: SearchOutcome | None = None
    bound: int | None = None


def place_sabbaticals(
    candidates: Candidates,
    peer: PlanSolution,
    settings: SearchSettings,
    time_limit: float,
    report: SearchProgressCallback | None = None,
    spread: bool = False,
    reserved: dict[tuple[str, str], int] | None = None,
    hint: dict[CoachingArc, list[int]] | None = None,
    bound: int | None = None,
) -> SabbaticalPlacement:
    """The best sabbatical visits around `peer`'s visits; with `spread`, among those the most
    spread out (the tie-break), in one search: the objective is value * W + spread with W above
    any spread, so the value comes first.

    `bound`, a proven upper bound on the value of any placement around `peer` (the count bound),
    asks for the quick greedy first (`sabbatical_greedy`): when it reaches the bound (with a
    tie-break of 0 under `spread`) it is optimal, so no warm start's `hint` beats it, and it is
    returned without building the model; otherwise it hints the model unless `hint` is given.
    Not with `reserved` (the bound there is not the greedy's)."""
    if not candidates.sabbatical_arcs:
        return SabbaticalPlacement({}, 0, True)
    quick: GreedyPlacement | None = None
    if bound is not None and not reserved:
        quick = greedy_sabbaticals(candidates, peer)
        if quick.value >= bound and (quick.spread == 0 or not spread):
            return SabbaticalPlacement(quick.visits, quick.value, True, None, quick.value)
        hint = quick.visits if hint is None else hint
    keep = {arc: set(slots) for arc, slots in (hint or {}).items()}
    sabbatical_model = SabbaticalModel(candidates, peer, reserved=reserved or {}, keep=keep)
    sabbatical_model.build()
    model = sabbatical_model.model
    scale = 1
    if spread:
        tie_break = sabbatical_model.spread()
        scale = sabbatical_model.spread_range() + 1
        model.maximize(
            cp_model.LinearExpr.weighted_sum([sabbatical_model.objective, tie_break], [scale, 1])
        )
    if hint is not None:
        sabbatical_model.hint(hint)
    scaled_report = None
    if report is not None:
        outer = report

        def scaled_report(objective: int | None, bound: int | None) -> None:
            # objective = value * scale + tie-break, the tie-break in (-scale, 0]
            outer(
                None if objective is None else -(-objective // scale),
                None if bound is None else (bound + scale - 1) // scale,
            )

    outcome = run_search(model, settings, time_limit, scaled_report, presolve=False)
    if not outcome.has_solution:
        if reserved:
            return SabbaticalPlacement({}, 0, False, outcome)
        # out of time before any solution (a busy machine, a share cut short): the greedy's
        # visits are a placement, worth far more than none (made once: it is deterministic)
        if quick is None:
            quick = greedy_sabbaticals(candidates, peer)
        return SabbaticalPlacement(quick.visits, quick.value, False, outcome)
    value = round(outcome.solver.value(sabbatical_model.objective))
    optimal = outcome.status == "optimal"
    bound = value
    if not optimal and outcome.bound is not None:
        # the tie-break is never positive and above -(scale - 1)
        bound = (outcome.bound + scale - 1) // scale
    return SabbaticalPlacement(
        sabbatical_model.read(outcome.solver), value, optimal, outcome, max(bound, value)
    )

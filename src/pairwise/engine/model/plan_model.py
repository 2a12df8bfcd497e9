"""The full CP-SAT model: partnership columns, their visits in slots, and sabbatical visits.

With the columns of a relaxation's choice it is the placement model; with every column the LP
cannot rule out it is the exact joint model. Rules on partnerships come from `partnership_rules`,
rules across visits (6, 7, 8) from `visit_rules`; each visit keeps the slots `slot_pruning` keeps
(exact: it explains why).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from pairwise.engine.candidates import Candidates, SlotOptions
from pairwise.engine.columns import Column, base_value
from pairwise.engine.model.partnership_rules import PartnershipVariables, add_partnership_rules
from pairwise.engine.model.slot_pruning import (
    PEER_VISITS_PER_CYCLE,
    Busy,
    kept_slots,
    sabbatical_busy,
)
from pairwise.engine.model.visit_rules import (
    CoachingArc,
    PeerArc,
    SlotChoice,
    coach_budget,
    coachee_cap,
    cover_per_slot,
    covers_on_hand,
    no_double_booking,
    release_limits_on_slots,
    sabbatical_budget,
    sabbatical_per_coachee,
)


@dataclass
class PlanSolution:
    """A complete choice: partnerships, their visits' slots, sabbatical visits (slot indices)."""

    columns: list[Column]
    visits: dict[PeerArc, int] = field(default_factory=dict)
    sabbatical_visits: dict[CoachingArc, list[int]] = field(default_factory=dict)
    objective: int = 0


@dataclass
class PlanModel:
    """Builder of the full model over a set of columns."""

    candidates: Candidates
    columns: list[Column]
    sabbaticals: bool = True
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    partnerships: PartnershipVariables = field(init=False)
    arc_activity: dict[PeerArc, list[cp_model.LinearExprT]] = field(default_factory=dict)
    ring: dict[tuple[int, str], tuple[cp_model.IntVar, cp_model.IntVar]] = field(
        default_factory=dict
    )
    direction: dict[tuple[int, str], tuple[cp_model.IntVar, cp_model.IntVar]] = field(
        default_factory=dict
    )
    peer_slots: dict[PeerArc, list[SlotChoice]] = field(default_factory=dict)
    sabbatical_slots: dict[CoachingArc, list[SlotChoice]] = field(default_factory=dict)
    objective: cp_model.LinearExprT = 0
    busy: Busy = field(default_factory=dict)
    keep: dict[tuple[str, str, str], set[int]] = field(default_factory=dict)
    """Slots kept for a visit whatever the pruning (a warm start's own), when feasible."""

    def build(self, upper_bound: int | None = None) -> None:
        """Variables, every rule, and the objective (docs/objective.md) (less the tables)."""
        self.partnerships = PartnershipVariables.create(self.model, self.columns)
        add_partnership_rules(self.model, self.candidates, self.partnerships)
        self._visits_per_partnership()
        self._busy()
        self._visit_slots()
        if self.sabbaticals:
            self._sabbatical_slots()
        no_double_booking(self.model, self.peer_slots, self.sabbatical_slots)
        candidates = self.candidates
        cover_per_slot(
            self.model,
            candidates.school,
            covers_on_hand(candidates),
            self.peer_slots,
            self.sabbatical_slots,
        )
        release_limits_on_slots(self.model, candidates, self.peer_slots)
        sabbatical_budget(self.model, coach_budget(candidates), self.sabbatical_slots)
        sabbatical_per_coachee(self.model, coachee_cap(candidates), self.sabbatical_slots)
        self.objective = self._objective()
        if upper_bound is not None:
            self.model.add(self.objective <= upper_bound)
        self.model.maximize(self.objective)

    # --- visits of each partnership (rule 4) ---------------------------------------------------

    # rule 4: two visits a pair (one when not reciprocal), a ring of three for a triad
    def _visits_per_partnership(self) -> None:
        """Pairs visit both ways (one way when not reciprocal); a triad visits in a ring."""
        candidates = self.candidates
        reciprocal = candidates.roster.policy.reciprocal
        period_cycles = {period.id: period.cycles for period in candidates.periods}
        for j, column in enumerate(self.columns):
            chosen = self.partnerships.chosen[j]
            for cycle in period_cycles[column.period]:
                if not column.is_triad:
                    a, b = column.members
                    if reciprocal:
                        self._activate((a, b, cycle), chosen)
                        self._activate((b, a, cycle), chosen)
                        continue
                    forward = self.model.new_bool_var(f"{a} visits {b} {cycle}")
                    backward = self.model.new_bool_var(f"{b} visits {a} {cycle}")
                    self.model.add(forward + backward == chosen)
                    self.direction[j, cycle] = (forward, backward)
                    self._activate((a, b, cycle), forward)
                    self._activate((b, a, cycle), backward)
                    continue
                a, b, c = column.members
                first = self.model.new_bool_var(f"ring {a}>{b}>{c} {cycle}")
                second = self.model.new_bool_var(f"ring {a}>{c}>{b} {cycle}")
                self.model.add(first + second == chosen)
                self.ring[j, cycle] = (first, second)
                for orientation, ring in ((first, (a, b, c)), (second, (a, c, b))):
                    for visitor, host in (
                        (ring[0], ring[1]),
                        (ring[1], ring[2]),
                        (ring[2], ring[0]),
                    ):
                        self._activate((visitor, host, cycle), orientation)

    def _activate(self, arc: PeerArc, literal: cp_model.LinearExprT) -> None:
        self.arc_activity.setdefault(arc, []).append(literal)

    # --- slots ---------------------------------------------------------------------------------

    def _busy(self) -> None:
        """busy(t) per cycle: the most visits a teacher can take part in (for slot pruning)."""
        for visitor, host, cycle in self.arc_activity:
            for teacher in (visitor, host):
                self.busy[teacher, cycle] = PEER_VISITS_PER_CYCLE
        if not self.sabbaticals:
            return
        for key, sabbatical in sabbatical_busy(self.candidates).items():
            self.busy[key] = self.busy.get(key, 0) + sabbatical

    def _pruned(self, arc: tuple[str, str, str], options: SlotOptions) -> list[tuple[int, bool]]:
        return kept_slots(self.candidates, arc, options, self.busy, self.keep)

    # rule 5: each visit takes one of its feasible slots (feasible: candidates)
    def _visit_slots(self) -> None:
        """Each active visit takes exactly one of its feasible slots (rule 5)."""
        for arc, literals in self.arc_activity.items():
            visitor, host, cycle = arc
            options = self.candidates.arc_options(visitor, host, cycle)
            choices: list[SlotChoice] = []
            if options is not None:
                for slot, covered in self._pruned(arc, options):
                    var = self.model.new_bool_var(f"{visitor} visits {host} {cycle} #{slot}")
                    choices.append(SlotChoice(var, slot, covered))
            self.peer_slots[arc] = choices
            self.model.add(sum(c.var for c in choices) == sum(literals))

    # rule 8: a sabbatical visit takes one of its feasible slots (feasible: candidates)
    def _sabbatical_slots(self) -> None:
        """Sabbatical visit options: one boolean per kept slot (rule 8's slot conditions)."""
        for arc, options in self.candidates.sabbatical_arcs.items():
            coach, coachee, cycle = arc
            choices = []
            for slot, covered in self._pruned(arc, options):
                var = self.model.new_bool_var(f"{coach} coaches {coachee} {cycle} #{slot}")
                choices.append(SlotChoice(var, slot, covered))
            self.sabbatical_slots[arc] = choices

    # --- objective -----------------------------------------------------------------------------

    def _objective(self) -> cp_model.LinearExprT:
        """the objective (docs/objective.md) without the tables: pair terms, unpaired, covers, sabbatical visits."""
        weights = self.candidates.roster.policy.weights
        variables: list[cp_model.IntVar] = []
        coefficients: list[int] = []
        for j, column in enumerate(self.columns):
            variables.append(self.partnerships.chosen[j])
            coefficients.append(column.score + weights.unpaired * len(column.members))
        for choices in self.peer_slots.values():
            for choice in choices:
                if choice.covered and weights.cover:
                    variables.append(choice.var)
                    coefficients.append(-weights.cover)
        for choices in self.sabbatical_slots.values():
            for choice in choices:
                value = weights.sabbatical - (weights.cover if choice.covered else 0)
                if value:
                    variables.append(choice.var)
                    coefficients.append(value)
        return cp_model.LinearExpr.weighted_sum(variables, coefficients) + base_value(
            self.candidates
        )

    # --- hints and reading -----------------------------------------------------------------------

    def hint(self, solution: PlanSolution) -> None:
        """A complete hint: every variable of the model gets the solution's value."""
        model = self.model
        model.clear_hints()  # type: ignore[no-untyped-call]
        chosen_keys = {column.key for column in solution.columns}
        for column, var in zip(self.columns, self.partnerships.chosen, strict=True):
            model.add_hint(var, column.key in chosen_keys)
        for arc, choices in self.peer_slots.items():
            slot = solution.visits.get(arc)
            for choice in choices:
                model.add_hint(choice.var, choice.slot == slot)
        for (j, cycle), (forward, backward) in self.direction.items():
            a, b = self.columns[j].members
            model.add_hint(
                forward, (a, b, cycle) in solution.visits and self.columns[j].key in chosen_keys
            )
            model.add_hint(
                backward, (b, a, cycle) in solution.visits and self.columns[j].key in chosen_keys
            )
        for (j, cycle), (first, second) in self.ring.items():
            a, b, _c = self.columns[j].members
            active = self.columns[j].key in chosen_keys
            model.add_hint(first, active and (a, b, cycle) in solution.visits)
            model.add_hint(second, active and (a, b, cycle) not in solution.visits)
        for arc, choices in self.sabbatical_slots.items():
            slots = set(solution.sabbatical_visits.get(arc, ()))
            for choice in choices:
                model.add_hint(choice.var, choice.slot in slots)

    def read(self, solver: cp_model.CpSolver) -> PlanSolution:
        """The solution in the solver, as columns and slot indices."""
        columns = [
            column
            for column, var in zip(self.columns, self.partnerships.chosen, strict=True)
            if solver.boolean_value(var)
        ]
        visits: dict[PeerArc, int] = {}
        for arc, choices in self.peer_slots.items():
            for choice in choices:
                if solver.boolean_value(choice.var):
                    visits[arc] = choice.slot
        sabbatical: dict[CoachingArc, list[int]] = {}
        for arc, choices in self.sabbatical_slots.items():
            slots = [choice.slot for choice in choices if solver.boolean_value(choice.var)]
            if slots:
                sabbatical[arc] = slots
        return PlanSolution(columns, visits, sabbatical, round(solver.value(self.objective)))

"""The full CP-SAT model: partnership columns, their visits in slots, and sabbatical visits.

With the columns of a relaxation's choice it is the placement model; with every column the LP
cannot rule out it is the exact joint model. Each SPEC rule is one named function below.

Slot pruning (exact): per cycle a teacher takes part in at most busy(t) visits (peer, coach,
coachee). A visit x→y with at least busy(x)+busy(y)-1 uncovered feasible slots needs only that
many: in any plan a visit placed elsewhere can move to one of them where both are free, at no
cover, without lowering the objective or breaking a rule (no two cycles share a slot).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from pairwise.engine.candidates import Candidates, slot_indices
from pairwise.engine.columns import Column, base_value
from pairwise.engine.model.partnership_rules import PartnershipVariables, add_partnership_rules

Arc = tuple[str, str, str]
"""(visitor, host, cycle) of a peer visit, or (coach, coachee, cycle) of a sabbatical visit."""


@dataclass(frozen=True)
class SlotChoice:
    """One slot a visit may take: the boolean, its slot index, and whether it is covered."""

    var: cp_model.IntVar
    slot: int
    covered: bool


@dataclass
class PlanSolution:
    """A complete choice: partnerships, their visits' slots, sabbatical visits (slot indices)."""

    columns: list[Column]
    visits: dict[Arc, int] = field(default_factory=dict)
    sabbatical_visits: dict[Arc, list[int]] = field(default_factory=dict)
    objective: int = 0


@dataclass
class PlanModel:
    """Builder of the full model over a set of columns."""

    candidates: Candidates
    columns: list[Column]
    sabbaticals: bool = True
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    partnerships: PartnershipVariables = field(init=False)
    arc_activity: dict[Arc, list[cp_model.LinearExprT]] = field(default_factory=dict)
    ring: dict[tuple[int, str], tuple[cp_model.IntVar, cp_model.IntVar]] = field(
        default_factory=dict
    )
    direction: dict[tuple[int, str], tuple[cp_model.IntVar, cp_model.IntVar]] = field(
        default_factory=dict
    )
    peer_slots: dict[Arc, list[SlotChoice]] = field(default_factory=dict)
    sabbatical_slots: dict[Arc, list[SlotChoice]] = field(default_factory=dict)
    objective: cp_model.LinearExprT = 0
    busy: dict[tuple[str, str], int] = field(default_factory=dict)
    keep: dict[Arc, set[int]] = field(default_factory=dict)
    """Slots kept for a visit whatever the pruning (a warm start's own), when feasible."""

    def build(self, upper_bound: int | None = None) -> None:
        """Variables, every rule, and SPEC's objective (less the tables)."""
        self.partnerships = PartnershipVariables.create(self.model, self.columns)
        add_partnership_rules(self.model, self.candidates, self.partnerships)
        self._visits_per_partnership()
        self._busy()
        self._visit_slots()
        if self.sabbaticals:
            self._sabbatical_slots()
        self._no_double_booking()
        self._cover_per_slot()
        self._max_release()
        self._release_budget()
        self._sabbatical_budget()
        self._sabbatical_per_coachee()
        self.objective = self._objective()
        if upper_bound is not None:
            self.model.add(self.objective <= upper_bound)
        self.model.maximize(self.objective)

    # --- visits of each partnership (rule 4) ---------------------------------------------------

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

    def _activate(self, arc: Arc, literal: cp_model.LinearExprT) -> None:
        self.arc_activity.setdefault(arc, []).append(literal)

    # --- slots ---------------------------------------------------------------------------------

    def _busy(self) -> None:
        """busy(t) per cycle: the most visits a teacher can take part in (for slot pruning)."""
        candidates = self.candidates
        roster = candidates.roster
        cap = roster.policy.sabbatical_visits_per_coachee
        for visitor, host, cycle in self.arc_activity:
            for teacher in (visitor, host):
                self.busy[teacher, cycle] = 2
        if not self.sabbaticals:
            return
        coachee_room: dict[tuple[str, str], int] = {}
        coach_room: dict[tuple[str, str], int] = {}
        for coach, coachee, cycle in candidates.sabbatical_arcs:
            sabbatical = roster.teacher_by_id[coach].sabbatical
            assert sabbatical is not None
            coach_room[coach, cycle] = coach_room.get((coach, cycle), 0) + cap
            coachee_room[coachee, cycle] = coachee_room.get((coachee, cycle), 0) + min(
                cap, sabbatical.budget
            )
        for (coach, cycle), room in coach_room.items():
            sabbatical = roster.teacher_by_id[coach].sabbatical
            assert sabbatical is not None
            extra = min(room, sabbatical.budget)
            self.busy[coach, cycle] = self.busy.get((coach, cycle), 0) + extra
        for (coachee, cycle), room in coachee_room.items():
            self.busy[coachee, cycle] = self.busy.get((coachee, cycle), 0) + min(room, cap)

    def _pruned(self, arc: Arc, uncovered: int, covered: int) -> list[tuple[int, bool]]:
        """The slots a visit keeps: enough uncovered ones when it has them, else every feasible one
        (and any slot `keep` names)."""
        kept = self._pruned_slots(arc, uncovered, covered)
        extra = sorted(self.keep.get(arc, set()) - {slot for slot, _ in kept})
        for slot in extra:
            if (uncovered | covered) >> slot & 1:
                kept.append((slot, not (uncovered >> slot) & 1))
        return sorted(kept)

    def _pruned_slots(self, arc: Arc, uncovered: int, covered: int) -> list[tuple[int, bool]]:
        visitor, host, cycle = arc
        needed = max(1, self.busy.get((visitor, cycle), 1) + self.busy.get((host, cycle), 1) - 1)
        free = list(slot_indices(uncovered))
        if len(free) >= needed:
            # start at a different place per visit so visits spread over the slots
            start = (self.candidates.index[visitor] * 7 + self.candidates.index[host] * 3) % len(
                free
            )
            rotated = free[start:] + free[:start]
            return sorted((slot, False) for slot in rotated[:needed])
        return sorted([(slot, False) for slot in free] + [(s, True) for s in slot_indices(covered)])

    def _visit_slots(self) -> None:
        """Each active visit takes exactly one of its feasible slots (rule 5)."""
        for arc, literals in self.arc_activity.items():
            visitor, host, cycle = arc
            options = self.candidates.arc_options(visitor, host, cycle)
            choices: list[SlotChoice] = []
            if options is not None:
                for slot, covered in self._pruned(arc, options.uncovered, options.covered):
                    var = self.model.new_bool_var(f"{visitor} visits {host} {cycle} #{slot}")
                    choices.append(SlotChoice(var, slot, covered))
            self.peer_slots[arc] = choices
            self.model.add(sum(c.var for c in choices) == sum(literals))

    def _sabbatical_slots(self) -> None:
        """Sabbatical visit options: one boolean per kept slot (rule 8's slot conditions)."""
        for arc, options in self.candidates.sabbatical_arcs.items():
            coach, coachee, cycle = arc
            choices = []
            for slot, covered in self._pruned(arc, options.uncovered, options.covered):
                var = self.model.new_bool_var(f"{coach} coaches {coachee} {cycle} #{slot}")
                choices.append(SlotChoice(var, slot, covered))
            self.sabbatical_slots[arc] = choices

    # --- rules across visits (6, 7, 8) --------------------------------------------------------

    def _no_double_booking(self) -> None:
        """Nobody takes part in two visits, peer or sabbatical, in the same slot (rule 6)."""
        by_teacher_slot: dict[tuple[str, str, int], list[cp_model.IntVar]] = {}
        for arcs in (self.peer_slots, self.sabbatical_slots):
            for (first, second, cycle), choices in arcs.items():
                for choice in choices:
                    by_teacher_slot.setdefault((first, cycle, choice.slot), []).append(choice.var)
                    by_teacher_slot.setdefault((second, cycle, choice.slot), []).append(choice.var)
        for variables in by_teacher_slot.values():
            if len(variables) > 1:
                self.model.add_at_most_one(variables)

    def _cover_per_slot(self) -> None:
        """Covered visits (peer and sabbatical) per slot and school <= the slot's cover (rule 7)."""
        candidates = self.candidates
        by_slot: dict[tuple[str, int, str], list[cp_model.IntVar]] = {}
        for arcs in (self.peer_slots, self.sabbatical_slots):
            for (covered_teacher, _other, cycle), choices in arcs.items():
                school = candidates.school[covered_teacher]
                for choice in choices:
                    if choice.covered:
                        by_slot.setdefault((cycle, choice.slot, school), []).append(choice.var)
        for (cycle, slot, _school), variables in by_slot.items():
            limit = candidates.roster.cover_limit(candidates.slots[cycle][slot])
            if len(variables) > limit:
                self.model.add(sum(variables) <= limit)

    def _covered_peer_visits(self) -> dict[str, list[cp_model.IntVar]]:
        by_visitor: dict[str, list[cp_model.IntVar]] = {}
        for (visitor, _host, _cycle), choices in self.peer_slots.items():
            for choice in choices:
                if choice.covered:
                    by_visitor.setdefault(visitor, []).append(choice.var)
        return by_visitor

    def _max_release(self) -> None:
        """A teacher's covered peer visits as visitor <= `max_release` (rule 7)."""
        roster = self.candidates.roster
        for visitor, variables in self._covered_peer_visits().items():
            limit = roster.teacher_by_id[visitor].max_release
            if limit is not None and len(variables) > limit:
                self.model.add(sum(variables) <= limit)

    def _release_budget(self) -> None:
        """All covered peer visits of a school's teachers <= `release_budget` (rule 7)."""
        budget = self.candidates.roster.policy.release_budget
        if budget is None:
            return
        by_school: dict[str, list[cp_model.IntVar]] = {}
        for visitor, variables in self._covered_peer_visits().items():
            by_school.setdefault(self.candidates.school[visitor], []).extend(variables)
        for variables in by_school.values():
            if len(variables) > budget:
                self.model.add(sum(variables) <= budget)

    def _sabbatical_budget(self) -> None:
        """A coach's sabbatical visits <= its budget (rule 8)."""
        roster = self.candidates.roster
        by_coach: dict[str, list[cp_model.IntVar]] = {}
        for (coach, _coachee, _cycle), choices in self.sabbatical_slots.items():
            by_coach.setdefault(coach, []).extend(choice.var for choice in choices)
        for coach, variables in by_coach.items():
            sabbatical = roster.teacher_by_id[coach].sabbatical
            assert sabbatical is not None
            if len(variables) > sabbatical.budget:
                self.model.add(sum(variables) <= sabbatical.budget)

    def _sabbatical_per_coachee(self) -> None:
        """Sabbatical visits a coachee receives <= `sabbatical_visits_per_coachee` (rule 8)."""
        cap = self.candidates.roster.policy.sabbatical_visits_per_coachee
        by_coachee: dict[str, list[cp_model.IntVar]] = {}
        for (_coach, coachee, _cycle), choices in self.sabbatical_slots.items():
            by_coachee.setdefault(coachee, []).extend(choice.var for choice in choices)
        for variables in by_coachee.values():
            if len(variables) > cap:
                self.model.add(sum(variables) <= cap)

    # --- objective -----------------------------------------------------------------------------

    def _objective(self) -> cp_model.LinearExprT:
        """SPEC's objective without the tables: pair terms, unpaired, covers, sabbatical visits."""
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
        visits: dict[Arc, int] = {}
        for arc, choices in self.peer_slots.items():
            for choice in choices:
                if solver.boolean_value(choice.var):
                    visits[arc] = choice.slot
        sabbatical: dict[Arc, list[int]] = {}
        for arc, choices in self.sabbatical_slots.items():
            slots = [choice.slot for choice in choices if solver.boolean_value(choice.var)]
            if slots:
                sabbatical[arc] = slots
        return PlanSolution(columns, visits, sabbatical, round(solver.value(self.objective)))

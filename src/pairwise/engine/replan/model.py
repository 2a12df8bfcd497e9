"""The re-plan as one CP-SAT model over what may still change (see `frame.py`).

Variables: each owed visit's slot (a continuing partnership's), each possible new partnership and
the way its members visit, each sabbatical visit ahead, each table of a meeting ahead. Kept
sessions are constants: they count in the year-long limits and in the objective (`offset`).

Two stages over the same model: the first maximises the objective (the contract's, less the constant
part); the second holds it at least at the first stage's value (less `keep_within` percent) and
minimises the changes. Slot pruning is the engine's exchange argument, with the plan in force's own
slot always kept, so it is exact for both stages.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from pairwise.engine.candidates import SlotOptions
from pairwise.engine.model.slot_pruning import kept_slots
from pairwise.engine.model.visit_rules import (
    SlotChoice,
    coach_budget,
    coachee_cap,
    cover_per_slot,
    covers_on_hand,
    no_double_booking,
    sabbatical_budget,
    sabbatical_per_coachee,
)
from pairwise.engine.replan.frame import Arc, Frame, Unit
from pairwise.engine.seating import school_teams
from pairwise.roster.facts import release_limits

LinearExpr = cp_model.LinearExprT


@dataclass
class Owed:
    """One visit of a continuing partnership still ahead: placed when `active`, else cancelled."""

    unit: Unit
    arc: Arc
    was: int | None
    """The plan in force's slot index (None when it had none, or the slot is kept)."""
    choices: list[SlotChoice]
    active: LinearExpr


@dataclass
class ReplanModel:
    frame: Frame
    sabbaticals: bool = True
    """False: peer visits and tables only (the quick first pass whose plan hints the full one)."""
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    owed: list[Owed] = field(default_factory=list)
    chosen: list[cp_model.IntVar] = field(default_factory=list)
    ways: dict[tuple[int, str], list[cp_model.IntVar]] = field(default_factory=dict)
    new_visits: dict[tuple[int, str, str, str], list[SlotChoice]] = field(default_factory=dict)
    sabbatical: dict[Arc, list[SlotChoice]] = field(default_factory=dict)
    sabbatical_was: dict[Arc, list[int]] = field(default_factory=dict)
    tables: dict[tuple[str, str, tuple[str, ...]], cp_model.IntVar] = field(default_factory=dict)
    plan_tables: set[tuple[str, str, tuple[str, ...]]] = field(default_factory=set)
    unpaired: dict[tuple[str, str], LinearExpr] = field(default_factory=dict)
    penalties: list[tuple[LinearExpr, int]] = field(default_factory=list)
    busy: Counter[tuple[str, str]] = field(default_factory=Counter)
    objective: LinearExpr = 0
    changes: LinearExpr = 0
    accounted: set[tuple[str, str, str, str]] = field(default_factory=set)
    relaxed_triads: bool = False
    """With some triads left out (`Frame.complete` false): one *relaxed triad* per cycle ahead
    and school, whose members are any three free teachers, scoring their pair terms with no
    visits to make. Its variables are fixed at zero (`relaxed_off`) for the re-plan itself; set
    free, the model is a relaxation of the one with every triad, so its optimum bounds it."""
    relaxed: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    relaxed_members: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    relaxed_pairs: list[tuple[cp_model.IntVar, int]] = field(default_factory=list)
    change_ceiling: int = 0
    """The most changes any plan of the model can make (each change term's largest value)."""
    retained: dict[str, LinearExpr] = field(default_factory=dict)
    """Partnerships of the plan in force with no started cycle that a third member may replace."""

    def build(self) -> None:
        self._busy()
        self._owed_visits()
        self._new_partnerships()
        if self.relaxed_triads and not self.frame.complete:
            self._relaxed_triads()
        if self.sabbaticals:
            self._sabbaticals()
        self._one_partnership_per_cycle()
        self._triads()
        self._no_repeat_partners()
        self._locks()
        self._slots()
        self._limits()
        self._tables()
        self.objective = self._objective()
        self.changes = self._changes()

    # --- slot pruning --------------------------------------------------------------------------

    def _busy(self) -> None:
        frame = self.frame
        cap = frame.roster.policy.sabbatical_visits_per_coachee
        for cycle in frame.started + frame.ahead:
            for teacher in frame.candidates.participants:
                self.busy[teacher, cycle] = 2
            if not self.sabbaticals:
                continue
            for coach in frame.candidates.coaches:
                sabbatical = frame.roster.teacher_by_id[coach].sabbatical
                assert sabbatical is not None
                self.busy[coach, cycle] += max(0, sabbatical.budget - frame.kept_coach[coach])
        for unit in frame.units:
            for member in unit.members:
                self.busy[member, unit.cycle] = max(self.busy[member, unit.cycle], 2)
        if not self.sabbaticals:
            return
        coachees = {coachee for _c, coachee, _y in frame.candidates.sabbatical_arcs}
        for coachee in coachees:
            for cycle in frame.started + frame.ahead:
                self.busy[coachee, cycle] += max(0, cap - frame.kept_coachee[coachee])

    def _choices(
        self, arc: Arc, options: SlotOptions, was: list[int], label: str
    ) -> list[SlotChoice]:
        """The engine's slot pruning (busy counts what is left of the year), with the plan in
        force's own slots always kept."""
        kept = kept_slots(self.frame.candidates, arc, options, self.busy, {arc: set(was)})
        return [
            SlotChoice(self.model.new_bool_var(f"{label} #{slot}"), slot, covered)
            for slot, covered in kept
        ]

    # --- partnerships --------------------------------------------------------------------------

    def _extension_of(self, partnership: str, cycle: str) -> list[cp_model.IntVar]:
        return [
            self.chosen[j]
            for j, column in enumerate(self.frame.new_partnerships)
            if column.extends == partnership and cycle in column.cycles
        ]

    def _owed_visits(self) -> None:
        """Each continuing partnership's visits ahead: placed unless no slot can hold them."""
        frame = self.frame
        self.chosen = [
            self.model.new_bool_var(f"new {'+'.join(c.members)}") for c in frame.new_partnerships
        ]
        was_slot = self.was_slots()
        kept_arcs = {
            (v.partnership, v.visitor, v.host, v.cycle)
            for v in frame.plan.visits
            if frame.kept(v.slot)
        }
        for unit in frame.units:
            replaced = self._extension_of(unit.partnership, unit.cycle)
            for visitor, host in unit.arcs:
                key = (unit.partnership, visitor, host, unit.cycle)
                if key in kept_arcs:
                    continue
                arc = (visitor, host, unit.cycle)
                was = was_slot.get(key)
                options = frame.peer_options(*arc)
                choices = self._choices(arc, options, [] if was is None else [was], f"owed {key}")
                active: LinearExpr = 1 - sum(replaced) if replaced else 1
                if not choices:
                    active = 0  # no slot ahead can hold it: cancelled
                self.model.add(sum(c.var for c in choices) == active)
                self.owed.append(Owed(unit, arc, was, choices, active))

    def was_slots(self) -> dict[tuple[str, str, str, str], int]:
        """The plan in force's visits ahead: (partnership, visitor, host, cycle) -> slot index."""
        frame = self.frame
        was_slot: dict[tuple[str, str, str, str], int] = {}
        for visit in frame.plan.visits:
            if not frame.kept(visit.slot) and visit.cycle in frame.slot_index:
                index = frame.slot_index[visit.cycle].get(visit.slot)
                if index is not None:
                    was_slot[visit.partnership, visit.visitor, visit.host, visit.cycle] = index
        return was_slot

    def _new_partnerships(self) -> None:
        frame = self.frame
        was_slot = self.was_slots()
        for j, column in enumerate(frame.new_partnerships):
            for cycle in column.cycles:
                ways = column.ways[cycle]
                variables = [
                    self.model.new_bool_var(f"way {j} {cycle} {k}") for k in range(len(ways))
                ]
                self.model.add(sum(variables) == self.chosen[j])
                self.ways[j, cycle] = variables
                arcs: dict[tuple[str, str], list[cp_model.IntVar]] = {}
                for way, var in zip(ways, variables, strict=True):
                    for visitor, host in way:
                        arcs.setdefault((visitor, host), []).append(var)
                for (visitor, host), literals in arcs.items():
                    arc = (visitor, host, cycle)
                    options = frame.peer_options(*arc)
                    slot = was_slot.get((column.was or "", visitor, host, cycle))
                    was = [] if slot is None else [slot]
                    choices = self._choices(arc, options, was, f"new {j} {arc}")
                    self.model.add(sum(c.var for c in choices) == sum(literals))
                    self.new_visits[j, visitor, host, cycle] = choices

    def _relaxed_triads(self) -> None:
        """Per cycle ahead and school: `relaxed` (0/1) picks three free teachers (`relaxed_members`)
        and scores the positive pair terms among them (`relaxed_pairs`); no visits, no changes.
        Any plan with a triad that was left out maps onto one of these at no less value."""
        frame = self.frame
        scoring = frame.scoring
        for cycle in frame.ahead:
            by_school: dict[str, list[str]] = {}
            for teacher in frame.free_from:
                if frame.free_in(teacher, cycle):
                    by_school.setdefault(frame.candidates.school[teacher], []).append(teacher)
            for school, teachers in sorted(by_school.items()):
                if len(teachers) < 3:
                    continue
                picked = self.model.new_bool_var(f"relaxed triad {cycle} {school}")
                members = {}
                for teacher in teachers:
                    members[teacher] = self.model.new_bool_var(f"relaxed {teacher} {cycle}")
                    self.relaxed_members[teacher, cycle] = members[teacher]
                self.model.add(sum(members.values()) == 3 * picked)
                for a, b in itertools.combinations(teachers, 2):
                    if not frame.admissible((a, b)):  # as no triad holds them: exact
                        self.model.add_bool_or([members[a].Not(), members[b].Not()])
                        continue
                    value = scoring.pair_score(a, b)
                    if value <= 0:
                        continue
                    both = self.model.new_bool_var(f"relaxed {a} {b} {cycle}")
                    self.model.add_implication(both, members[a])
                    self.model.add_implication(both, members[b])
                    self.relaxed_pairs.append((both, value))
                self.relaxed[cycle, school] = picked
            # triads the candidates hold, or that cannot visit, are no left-out triads
            listed: list[tuple[str, ...]] = [
                column.members
                for column in frame.new_partnerships
                if len(column.members) == 3 and cycle in column.cycles
            ]
            listed += [triple for triple, at in frame.impossible_triads if at == cycle]
            for triple in listed:
                chosen = [self.relaxed_members.get((m, cycle)) for m in triple]
                if all(var is not None for var in chosen):
                    self.model.add_bool_or([var.Not() for var in chosen if var is not None])

    def relaxed_off(self, model: cp_model.CpModel) -> None:
        """Fix every relaxed triad of `model` (this model or a clone of it) at zero."""
        set_domains(model, self.relaxed.values(), 0, 0)

    def _active_in(self, cycle: str) -> dict[str, list[LinearExpr]]:
        """Per teacher, the partnerships (as 0/1 expressions) it is in during a cycle ahead."""
        frame = self.frame
        active: dict[str, list[LinearExpr]] = {}
        for unit in frame.units:
            if unit.cycle != cycle:
                continue
            replaced = self._extension_of(unit.partnership, cycle)
            for member in unit.members:
                active.setdefault(member, []).append(1 - sum(replaced) if replaced else 1)
        for j, column in enumerate(frame.new_partnerships):
            if cycle in column.cycles:
                for member in column.members:
                    active.setdefault(member, []).append(self.chosen[j])
        for (member, at), var in self.relaxed_members.items():
            if at == cycle:
                active.setdefault(member, []).append(var)
        return active

    def _one_partnership_per_cycle(self) -> None:
        """Rule 1 for the cycles ahead; a participant on staff and in none is unpaired there."""
        frame = self.frame
        year = frame.roster.policy.rotation == "year"
        weight = frame.roster.policy.weights.unpaired
        flagged: dict[str, list[LinearExpr]] = {}
        for cycle in frame.ahead:
            active = self._active_in(cycle)
            for teacher in frame.candidates.participants:
                if frame.member_gone(teacher, cycle):
                    continue
                terms = active.get(teacher, [])
                self.model.add(sum(terms) <= 1)
                self.unpaired[teacher, cycle] = 1 - sum(terms)
                flagged.setdefault(teacher, []).append(1 - sum(terms))
        for teacher, expressions in flagged.items():
            if not year:
                for expression in expressions:
                    self.penalties.append((expression, weight))
                continue
            if teacher in frame.kept_unpaired:
                continue  # listed unpaired for the year already: no further cost
            any_unpaired = self.model.new_bool_var(f"unpaired {teacher}")
            for expression in expressions:
                self.model.add(any_unpaired >= expression)
            self.penalties.append((any_unpaired, weight))

    def _triads(self) -> None:
        """At most one triad per school in each cycle ahead (rule 1, read per cycle)."""
        frame = self.frame
        for cycle in frame.ahead:
            by_school: dict[str, list[LinearExpr]] = {}
            for unit in frame.units:
                if unit.cycle == cycle and len(unit.members) == 3:
                    school = frame.candidates.school[unit.members[0]]
                    by_school.setdefault(school, []).append(1)
            for j, column in enumerate(frame.new_partnerships):
                if cycle in column.cycles and len(column.members) == 3:
                    school = frame.candidates.school[column.members[0]]
                    by_school.setdefault(school, []).append(self.chosen[j])
            for (at, school), var in self.relaxed.items():
                if at == cycle:
                    by_school.setdefault(school, []).append(var)
            for terms in by_school.values():
                if len(terms) > 1:
                    self.model.add(sum(terms) <= 1)

    def _no_repeat_partners(self) -> None:
        """Rule 3 under `rotation: cycle`: no pair partnered in two cycles ahead (pairs of the
        started cycles are no candidates at all, see `Frame._admissible`)."""
        frame = self.frame
        if frame.roster.policy.rotation != "cycle":
            return
        by_edge: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        for j, column in enumerate(frame.new_partnerships):
            for a, b in itertools.combinations(column.members, 2):
                by_edge.setdefault(frame.candidates.edge(a, b), []).append(self.chosen[j])
        for variables in by_edge.values():
            if len(variables) > 1:
                self.model.add_at_most_one(variables)

    def _locks(self) -> None:
        """A locked pair not partnered in the kept part of the year is partnered ahead."""
        frame = self.frame
        for a, b in frame.candidates.locks:
            if frame.candidates.edge(a, b) in frame.partnered_edges:
                continue
            options = [
                self.chosen[j]
                for j, column in enumerate(frame.new_partnerships)
                if a in column.members and b in column.members
            ]
            for cycle in frame.ahead:  # a relaxed triad may hold the pair, as a left-out one could
                first, second = (self.relaxed_members.get((t, cycle)) for t in (a, b))
                if first is not None and second is not None:
                    both = self.model.new_bool_var(f"relaxed lock {a} {b} {cycle}")
                    self.model.add_implication(both, first)
                    self.model.add_implication(both, second)
                    options.append(both)
            self.model.add(sum(options) >= 1)

    # --- slots and limits ----------------------------------------------------------------------

    def _peer_choices(self) -> list[tuple[Arc, list[SlotChoice]]]:
        found: list[tuple[Arc, list[SlotChoice]]] = [(owed.arc, owed.choices) for owed in self.owed]
        for (_j, visitor, host, cycle), choices in self.new_visits.items():
            found.append(((visitor, host, cycle), choices))
        return found

    def _sabbaticals(self) -> None:
        frame = self.frame
        was: dict[Arc, list[int]] = {}
        for visit in frame.plan.sabbatical_visits:
            if frame.kept(visit.slot) or visit.cycle not in frame.slot_index:
                continue
            index = frame.slot_index[visit.cycle].get(visit.slot)
            if index is not None:
                was.setdefault((visit.coach, visit.coachee, visit.cycle), []).append(index)
        self.sabbatical_was = was
        for arc in frame.candidates.sabbatical_arcs:
            options = frame.sabbatical_options(arc)
            if options is None:
                continue
            self.sabbatical[arc] = self._choices(arc, options, was.get(arc, []), f"sab {arc}")

    def _slots(self) -> None:
        """Rule 6 (one session per teacher and slot) and rule 7's cover per slot."""
        candidates = self.frame.candidates
        peer = self._peer_choices()
        sabbatical = list(self.sabbatical.items())
        no_double_booking(self.model, peer, sabbatical)
        cover_per_slot(self.model, candidates.school, covers_on_hand(candidates), peer, sabbatical)

    def _limits(self) -> None:
        """Year-long limits, kept sessions counted: max_release, release_budget, coach budgets,
        visits per coachee."""
        frame = self.frame
        released: dict[str, list[cp_model.IntVar]] = {}
        for (visitor, _host, _cycle), choices in self._peer_choices():
            released.setdefault(visitor, []).extend(c.var for c in choices if c.covered)
        by_school: dict[str, list[cp_model.IntVar]] = {}
        for visitor, variables in released.items():
            by_school.setdefault(frame.candidates.school[visitor], []).extend(variables)
        # rule 7: max_release, release_budget (limits from roster.facts, less what kept sessions used)
        for limit in release_limits(frame.roster, released, by_school):
            if limit.items:
                used = (
                    frame.kept_release if limit.kind == "teacher" else frame.kept_school_release
                )[limit.name]
                self.model.add(sum(limit.items) <= max(0, limit.limit - used))
        budget = coach_budget(frame.candidates)
        cap = coachee_cap(frame.candidates)
        sabbatical_budget(
            self.model,
            lambda coach: max(0, budget(coach) - frame.kept_coach[coach]),
            self.sabbatical,
        )
        sabbatical_per_coachee(
            self.model,
            lambda coachee: max(0, cap(coachee) - frame.kept_coachee[coachee]),
            self.sabbatical,
        )

    # --- tables --------------------------------------------------------------------------------

    def _tables(self) -> None:
        """Rule 9 at every meeting ahead: each team of a school at exactly one table."""
        frame = self.frame
        limits = {
            (cycle.id, meeting.id): meeting.tables
            for cycle in frame.roster.cycles
            for meeting in cycle.meetings
        }
        self.plan_tables = {
            (seat.cycle, seat.meeting, tuple(sorted(seat.teams)))
            for seat in frame.plan.tables
            if (seat.cycle, seat.meeting) in set(frame.ahead_meetings)
        }
        for cycle, meeting in frame.ahead_meetings:
            count = 0
            for teams in school_teams(frame.roster).values():
                if len(teams) < 2:
                    continue
                groups: list[tuple[str, ...]] = list(itertools.combinations(teams, 2))
                if len(teams) % 2:
                    groups += list(itertools.combinations(teams, 3))
                seats: dict[str, list[cp_model.IntVar]] = {}
                triples = []
                for group in groups:
                    key = (cycle, meeting, tuple(sorted(group)))
                    var = self.model.new_bool_var(f"table {key}")
                    self.tables[key] = var
                    for team in group:
                        seats.setdefault(team, []).append(var)
                    if len(group) == 3:
                        triples.append(var)
                for variables in seats.values():
                    self.model.add_exactly_one(variables)
                if triples:
                    self.model.add(sum(triples) == 1)
                count = max(count, len(teams) // 2)
            limit = limits[cycle, meeting]
            if limit is not None and count > limit:
                self.model.add_bool_or([])  # too few tables: no plan

    def _together(self, cycle: str, meeting: str, pair: tuple[str, str]) -> list[cp_model.IntVar]:
        return [
            var
            for (c, m, group), var in self.tables.items()
            if c == cycle and m == meeting and pair[0] in group and pair[1] in group
        ]

    def _table_objective(self) -> list[tuple[LinearExpr, int]]:
        frame = self.frame
        scoring = frame.scoring
        window = frame.roster.policy.repeat_window_years
        repeat = frame.roster.policy.weights.team_repeat * (window + 1)
        earlier: Counter[tuple[str, str]] = Counter()
        for _cycle, _meeting, teams in frame.kept_tables:
            earlier.update({tuple(sorted(p)) for p in itertools.combinations(teams, 2)})  # type: ignore[misc]
        terms: list[tuple[LinearExpr, int]] = []
        previous: list[dict[tuple[str, str], LinearExpr]] = []
        for cycle, meeting in frame.ahead_meetings:
            now: dict[tuple[str, str], LinearExpr] = {}
            pairs = {
                tuple(sorted(p))
                for (c, m, group) in self.tables
                if (c, m) == (cycle, meeting)
                for p in itertools.combinations(group, 2)
            }
            for pair in sorted(pairs):
                a, b = pair
                together = sum(self._together(cycle, meeting, (a, b)))
                now[a, b] = together
                value = sum(scoring.team_pair_terms(a, b, earlier[a, b]).values())
                if value:
                    terms.append((together, value))
                for before in previous:
                    if (a, b) in before and repeat:
                        both = self.model.new_bool_var(f"again {a} {b}")
                        self.model.add(both >= together + before[a, b] - 1)  # type: ignore[operator]
                        terms.append((both, -repeat))
            previous.append(now)
        return terms

    # --- objective and changes -----------------------------------------------------------------

    def _objective(self) -> LinearExpr:
        """the objective (docs/objective.md) less its constant part (kept sessions, continuing partnerships)."""
        frame = self.frame
        weights = frame.roster.policy.weights
        terms: list[tuple[LinearExpr, int]] = []
        for j, column in enumerate(frame.new_partnerships):
            terms.append((self.chosen[j], column.score))
        for partnership in frame.plan.partnerships:
            going_on = frame.continuing.get(partnership.id, [])
            if not going_on or any(c in frame.started for c in partnership.cycles):
                continue
            replaced = self._extension_of(partnership.id, going_on[0])
            self.retained[partnership.id] = 1 - sum(replaced) if replaced else 1
            score = sum(frame.scoring.group_terms(partnership.members).values())
            terms.append((self.retained[partnership.id], score))
        for _arc, choices in self._peer_choices():
            for choice in choices:
                if choice.covered and weights.cover:
                    terms.append((choice.var, -weights.cover))
        for choices in self.sabbatical.values():
            for choice in choices:
                value = weights.sabbatical - (weights.cover if choice.covered else 0)
                if value:
                    terms.append((choice.var, value))
        for expression, weight in self.penalties:
            terms.append((expression, -weight))
        terms += self._table_objective()
        terms += self.relaxed_pairs
        return sum(coefficient * expression for expression, coefficient in terms)

    def _changes(self) -> LinearExpr:
        """Moved, cancelled and added sessions from the first changing day on (`changes.py`
        says when a session is the same: a visit by its visitor, host and cycle)."""
        parts: list[LinearExpr] = []
        ceiling = 0
        self.accounted = set()
        for owed in self.owed:
            kept = [c.var for c in owed.choices if c.slot == owed.was]
            parts.append(1 - sum(kept) if owed.was is not None else owed.active)
            ceiling += 1
            self.accounted.add((owed.unit.partnership, *owed.arc))
        was_slot = self.was_slots()
        ahead = {(visitor, host, cycle) for _p, visitor, host, cycle in was_slot}
        for (j, visitor, host, cycle), choices in self.new_visits.items():
            was = self.frame.new_partnerships[j].was
            slot = was_slot.get((was, visitor, host, cycle)) if was is not None else None
            if was is not None and slot is not None:
                parts.append(1 - sum(c.var for c in choices if c.slot == slot))
                self.accounted.add((was, visitor, host, cycle))
            elif (visitor, host, cycle) not in ahead:
                parts.append(sum(c.var for c in choices))
            else:
                continue  # the plan in force's visit of this visitor, host and cycle counts the
                # change once (moved: its partnership's members changed), cancelled or not
            ceiling += 1
        for arc, choices in self.sabbatical.items():
            before = self.sabbatical_was.get(arc, [])
            now = sum(c.var for c in choices)
            same = sum(c.var for c in choices if c.slot in before)
            most = max(len(before), len(choices))
            change = self.model.new_int_var(0, most, f"change {arc}")
            self.model.add(change >= len(before) - same)
            self.model.add(change >= now - same)
            parts.append(change)
            ceiling += most
        for key, var in self.tables.items():
            parts.append(1 - var if key in self.plan_tables else var)
            ceiling += 1
        fixed = self._fixed_changes()
        self.change_ceiling = ceiling + fixed
        return sum(parts) + fixed

    def _fixed_changes(self) -> int:
        """Sessions of the plan in force ahead that no variable can keep: cancelled whatever."""
        frame = self.frame
        count = 0
        for visit in frame.plan.visits:
            key = (visit.partnership, visit.visitor, visit.host, visit.cycle)
            if not frame.kept(visit.slot) and key not in self.accounted:
                count += 1
        for sabbatical in frame.plan.sabbatical_visits:
            arc = (sabbatical.coach, sabbatical.coachee, sabbatical.cycle)
            if not frame.kept(sabbatical.slot) and arc not in self.sabbatical:
                count += 1
        count += len(self.plan_tables - self.tables.keys())
        return count


def set_domains(
    model: cp_model.CpModel, variables: Iterable[cp_model.IntVar], low: int, high: int
) -> None:
    """Set the domain of each of `variables` in `model` (the model they were made in, or a clone
    of it: the same proto indices) to [low, high]."""
    for var in variables:
        domain = model.proto.variables[var.index].domain
        domain[0] = low
        domain[1] = high


def hint_every_variable(model: cp_model.CpModel, values: Sequence[int]) -> None:
    """Make `values` (one per variable of `model`, in proto order: a solver's response to it or
    to a clone of it) the model's complete hint, replacing any hint it had."""
    model.clear_hints()  # type: ignore[no-untyped-call]
    model.proto.solution_hint.vars.extend(range(len(values)))
    model.proto.solution_hint.values.extend(values)

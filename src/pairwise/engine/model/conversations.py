"""The conversation stage: a debrief after every peer visit and, for tandem pairs, a co-taught
lesson with its planning conversation, placed without lowering the plan's objective.

It runs after the objective is settled and keeps the plan's partnerships and sabbatical visits.
Peer visits may move to other feasible slots as long as the plan keeps every rule and no more
covered peer visits than it had (so the objective never falls). Among those plans it maximises
conversations placed, then co-taught lessons: lexicographic weights `W * conversations + lessons`
with W one more than the most lessons possible.

First a greedy pass with the visits where they are (earliest free period after each visit, the
latest before a co-taught one), proven the most when it reaches the static bound (each visit
counted when some slot of it leaves a period both are free in its window). Otherwise each visit
left without a debrief moves, when it can, to another slot of the same kind (uncovered or
covered, with a cover to spare) where a debrief fits (`_moved_for_debriefs`). Short of the static
bound, a tighter one counts the covered visits some debriefs need (`conversation_bound`), and a
partnership's two visits of a cycle are placed again together (`_pairs_moved`). Whenever the moves
reach a bound they are proven the most, with no search (secondary-150 under `rotation: cycle`:
72 debriefs against CP-SAT's 1.0-1.5 s; school-60-coaches: 41 against its 0.2 s). Otherwise a
CP-SAT model over visit slots and conversation slots searches from the greedy's placement,
stopping when it reaches the bound, and the moved placement is kept instead when it places more.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import NamedTuple

from ortools.sat.python import cp_model

from pairwise.engine.candidates import Candidates, slot_indices
from pairwise.engine.model.conversation_bound import (
    SlotClass,
    VisitChoices,
    debrief_bound,
    matched_slots,
)
from pairwise.engine.model.conversation_windows import ConversationWindows, conversation_windows
from pairwise.engine.model.plan_model import PlanSolution
from pairwise.engine.model.visit_rules import (
    PeerArc,
    SlotChoice,
    SlotKey,
    cover_per_slot,
    covers_on_hand,
    release_limits_on_slots,
)
from pairwise.engine.search import SearchSettings, run_search

Arc = PeerArc

DETERMINISTIC_LIMIT = 0.2
"""CP-SAT's deterministic time for the search: what stops a search that does not finish, so it
ends the same way on every machine whatever its load (the wall clock stops it only at the solve's
time limit). On k8-60, whose search does not finish, 0.05 to 5.0 of it found the same count; 0.2
is about 0.4 s there on a quiet machine."""


class LeftUnplaced(NamedTuple):
    """A conversation left out of the plan: its kind, the visit it belongs to, and why."""

    kind: str
    visit: Arc
    why: str


@dataclass
class ConversationPlacement:
    """Visits (possibly moved), debriefs and plannings as slot indices, and the bounds."""

    visits: dict[Arc, int]
    debriefs: dict[Arc, int] = field(default_factory=dict)
    plannings: dict[Arc, int] = field(default_factory=dict)
    """Keyed by the co-taught visit."""
    most: int = 0
    co_taught_most: int = 0
    unplaced: list[LeftUnplaced] = field(default_factory=list)
    """Each visit left without its debrief, each tandem pair's cycle without a co-taught lesson."""
    stats: dict[str, float | int | str] = field(default_factory=dict)

    @property
    def placed(self) -> int:
        return len(self.debriefs) + len(self.plannings)


def tandem_pairs(candidates: Candidates, solution: PlanSolution) -> list[tuple[Arc, Arc]]:
    """Per cycle, the two visits of each partnership of two tandem teachers (under policy tandem
    and reciprocal visits): one of them may become a co-taught lesson."""
    policy = candidates.roster.policy
    if not (policy.tandem and policy.reciprocal):
        return []
    teachers = candidates.roster.teacher_by_id
    pairs = []
    for column in solution.columns:
        if column.is_triad or not all(teachers[m].tandem for m in column.members):
            continue
        a, b = column.members
        for cycle in candidates.cycle_ids:
            forward, backward = (a, b, cycle), (b, a, cycle)
            if forward in solution.visits and backward in solution.visits:
                pairs.append((forward, backward))
    return pairs


@dataclass
class _Stage:
    """One placement problem: the plan's fixed parts and what each visit may use."""

    candidates: Candidates
    solution: PlanSolution
    windows: ConversationWindows = field(init=False)
    fixed: dict[tuple[str, str], int] = field(init=False)
    """Slots taken by sabbatical visits, per (teacher, cycle)."""
    arcs: list[Arc] = field(init=False)
    pairs: list[tuple[Arc, Arc]] = field(init=False)

    def __post_init__(self) -> None:
        candidates = self.candidates
        self.windows = conversation_windows(candidates)
        self.fixed = {}
        for (coach, coachee, cycle), slots in self.solution.sabbatical_visits.items():
            for slot in slots:
                for teacher in (coach, coachee):
                    key = (teacher, cycle)
                    self.fixed[key] = self.fixed.get(key, 0) | 1 << slot
        order = {cycle: i for i, cycle in enumerate(candidates.cycle_ids)}
        self.arcs = sorted(
            self.solution.visits,
            key=lambda arc: (
                order[arc[2]],
                self.solution.visits[arc],
                candidates.index[arc[0]],
                candidates.index[arc[1]],
            ),
        )
        self.pairs = tandem_pairs(candidates, self.solution)

    def common_free(self, arc: Arc) -> int:
        """Slots where both members are free of classes, unavailability and sabbatical visits."""
        visitor, host, cycle = arc
        candidates = self.candidates
        return (
            candidates.free_slots(visitor, cycle)
            & candidates.free_slots(host, cycle)
            & ~self.fixed.get((visitor, cycle), 0)
            & ~self.fixed.get((host, cycle), 0)
        )

    def visit_slots(self, arc: Arc) -> int:
        """Feasible slots of the visit clear of both members' sabbatical visits (and its own)."""
        visitor, host, cycle = arc
        options = self.candidates.arc_options(visitor, host, cycle)
        mask = options.any if options is not None else 0
        mask &= ~self.fixed.get((visitor, cycle), 0) & ~self.fixed.get((host, cycle), 0)
        return mask | 1 << self.solution.visits[arc]

    def reachable(self, arc: Arc, window: list[int]) -> int:
        """Conversation slots some slot of the visit leaves in its window (`after` or `before`)."""
        mask = 0
        for slot in slot_indices(self.visit_slots(arc)):
            mask |= window[slot]
        return mask & self.common_free(arc)

    def static_most(self) -> tuple[int, int]:
        """Debriefs plus plannings, and plannings, that no placement can exceed."""
        debriefs = sum(1 for arc in self.arcs if self.reachable(arc, self.windows.after[arc[2]]))
        plannings = sum(
            1
            for pair in self.pairs
            if any(self.reachable(arc, self.windows.before[arc[2]]) for arc in pair)
        )
        return debriefs + plannings, plannings

    def covered_most(self) -> int:
        """Debriefs no placement can exceed with no more covered visits than the plan has
        (`conversation_bound`): only worth its time when the moves fall short of `static_most`."""
        visits = []
        for arc in self.arcs:
            after, common = self.windows.after[arc[2]], self.common_free(arc)
            classes = frozenset(
                SlotClass(self.covered(arc, slot), after[slot] & common & ~(1 << slot))
                for slot in slot_indices(self.visit_slots(arc))
            )
            visits.append(VisitChoices(self.group(arc), classes))
        return debrief_bound(visits, self.covered_now())

    def covered_now(self) -> int:
        """The plan's covered peer visits: the stage never places more."""
        return sum(self.covered(arc, self.solution.visits[arc]) for arc in self.arcs)

    @staticmethod
    def group(arc: Arc) -> tuple[str, str, str]:
        """The partnership's two teachers (sorted) and the cycle of a visit: its visits' group."""
        first, second = sorted(arc[:2])
        return first, second, arc[2]

    def uncovered(self, arc: Arc) -> int:
        """The slots where the visit needs no cover (bit i for slot i), as the conversation
        model counts them: every other slot of the visit is a covered one."""
        options = self.candidates.arc_options(*arc)
        return options.uncovered if options is not None else 0

    def covered(self, arc: Arc, slot: int) -> bool:
        """Whether the visit in that slot needs a cover (its visitor's class)."""
        return not self.uncovered(arc) >> slot & 1


def place_conversations(
    candidates: Candidates,
    solution: PlanSolution,
    settings: SearchSettings,
    time_limit: float,
) -> ConversationPlacement:
    """The most conversations, then co-taught lessons, around the plan (see the module's doc)."""
    started = time.monotonic()
    stage = _Stage(candidates, solution)
    most, co_taught_most = stage.static_most()
    placement = _greedy(stage)
    placement.most, placement.co_taught_most = most, co_taught_most
    placement.stats["conversations_greedy"] = placement.placed
    if placement.placed < most or len(placement.plannings) < co_taught_most:
        moved = _moved_for_debriefs(stage, placement)
        placement.stats["conversations_moved"] = moved.placed
        if moved.placed < most:
            # the debriefs under the plan's count of covered visits: a tighter proof, and cheap
            most = min(most, stage.covered_most() + co_taught_most)
            placement.most = moved.most = most
        if moved.placed < most:
            moved = _pairs_moved(stage, moved)
            placement.stats["conversations_moved"] = moved.placed
        if moved.placed >= most and len(moved.plannings) >= co_taught_most:
            placement = moved  # a bound reached: the most possible, no search
        else:
            if time_limit > 0:
                placement = _search(stage, placement, settings, time_limit)
            if (moved.placed, len(moved.plannings)) > (placement.placed, len(placement.plannings)):
                moved.most = max(placement.most, moved.placed)
                moved.co_taught_most = placement.co_taught_most
                moved.stats = placement.stats
                placement = moved
    placement.unplaced = _unplaced(stage, placement)
    placement.stats["conversations_seconds"] = round(time.monotonic() - started, 3)
    placement.stats["conversations_placed"] = placement.placed
    placement.stats["conversations_most"] = placement.most
    return placement


def _greedy(stage: _Stage) -> ConversationPlacement:
    """Visits where they are: each debrief in the earliest period both are free after the visit,
    then each tandem pair's planning in the latest such period before one of its visits."""
    visits = dict(stage.solution.visits)
    taken: dict[tuple[str, str], int] = dict(stage.fixed)
    for (visitor, host, cycle), slot in visits.items():
        for teacher in (visitor, host):
            taken[teacher, cycle] = taken.get((teacher, cycle), 0) | 1 << slot
    placement = ConversationPlacement(visits)

    def open_slots(arc: Arc, window: int) -> int:
        visitor, host, cycle = arc
        return (
            window
            & stage.common_free(arc)
            & ~taken.get((visitor, cycle), 0)
            & ~taken.get((host, cycle), 0)
        )

    def book(arc: Arc, slot: int) -> None:
        visitor, host, cycle = arc
        for teacher in (visitor, host):
            taken[teacher, cycle] |= 1 << slot

    for arc in stage.arcs:
        options = open_slots(arc, stage.windows.after[arc[2]][visits[arc]])
        if options:
            slot = (options & -options).bit_length() - 1
            placement.debriefs[arc] = slot
            book(arc, slot)
    for pair in stage.pairs:
        for arc in sorted(pair, key=visits.__getitem__):
            options = open_slots(arc, stage.windows.before[arc[2]][visits[arc]])
            if options:
                slot = options.bit_length() - 1
                placement.plannings[arc] = slot
                book(arc, slot)
                break
    return placement


def _moved_for_debriefs(stage: _Stage, greedy: ConversationPlacement) -> ConversationPlacement:
    """The greedy's placement with each visit left without a debrief moved, when it can be, to
    another slot of the same kind (uncovered to uncovered, covered to covered where the slot's
    covers have room) where both are free and a debrief then fits.

    The covered visits per teacher and school stay as many, so every rule the conversation model
    keeps (one place at a time, covers per slot, release limits, no more covered visits) still
    holds; a tandem pair's visits stay where their planning was placed. Each moved visit gains a
    debrief and no other conversation is touched, so the result places more than the greedy
    whenever it moves anything.
    """
    candidates = stage.candidates
    placement = ConversationPlacement(
        dict(greedy.visits), dict(greedy.debriefs), dict(greedy.plannings), stats=greedy.stats
    )
    placement.most, placement.co_taught_most = greedy.most, greedy.co_taught_most
    taken = _taken(stage, placement)
    covers = _covers_taken(stage, placement.visits)
    paired = {arc for pair in stage.pairs for arc in pair}
    for arc in stage.arcs:
        if arc in placement.debriefs or arc in paired:
            continue
        visitor, host, cycle = arc
        options = candidates.arc_options(visitor, host, cycle)
        if options is None:
            continue
        current = placement.visits[arc]
        covered = stage.covered(arc, current)
        school = candidates.school[visitor]
        # both members' slots without this visit
        busy = (taken.get((visitor, cycle), 0) | taken.get((host, cycle), 0)) & ~(1 << current)
        common = stage.common_free(arc)
        kind = options.covered if covered else options.uncovered
        for slot in slot_indices(stage.visit_slots(arc) & kind & ~busy):
            room = candidates.roster.cover_limit(candidates.slots[cycle][slot])
            if covered and covers.get((cycle, slot, school), 0) >= room:
                continue
            debrief = stage.windows.after[cycle][slot] & common & ~busy & ~(1 << slot)
            if not debrief:
                continue
            chosen = (debrief & -debrief).bit_length() - 1
            for teacher in (visitor, host):
                key = (teacher, cycle)
                taken[key] = taken[key] & ~(1 << current) | 1 << slot | 1 << chosen
            if covered:
                covers[cycle, current, school] -= 1
                covers[cycle, slot, school] = covers.get((cycle, slot, school), 0) + 1
            placement.visits[arc] = slot
            placement.debriefs[arc] = chosen
            break
    return placement


def _pairs_moved(stage: _Stage, placement: ConversationPlacement) -> ConversationPlacement:
    """The moved placement with each partnership's visits of a cycle (one way and back) that
    left a debrief out placed again together, each to a slot of the same kind as before (a
    covered one only where its covers have room), with as many debriefs as fit in what the
    rest of the plan leaves both teachers: one visit alone often cannot move because the
    other's debrief holds the only slot its own would fit in. Kept only where the pair gains
    debriefs; the rules hold as in `_moved_for_debriefs` (each visit keeps its kind)."""
    candidates = stage.candidates
    moved = ConversationPlacement(
        dict(placement.visits),
        dict(placement.debriefs),
        dict(placement.plannings),
        placement.most,
        placement.co_taught_most,
        stats=placement.stats,
    )
    taken = _taken(stage, moved)
    covers = _covers_taken(stage, moved.visits)
    paired = {arc for pair in stage.pairs for arc in pair}
    groups: dict[tuple[str, str, str], list[Arc]] = {}
    for arc in stage.arcs:
        groups.setdefault(stage.group(arc), []).append(arc)
    for (a, b, cycle), arcs in groups.items():
        lacking = [arc for arc in arcs if arc not in moved.debriefs]
        if len(arcs) < 2 or not lacking or paired.intersection(arcs):
            continue
        if not any(stage.reachable(arc, stage.windows.after[cycle]) for arc in lacking):
            continue
        own = 0  # the pair's own visits and debriefs, lifted out
        for arc in arcs:
            own |= 1 << moved.visits[arc]
            if arc in moved.debriefs:
                own |= 1 << moved.debriefs[arc]
        busy = (taken.get((a, cycle), 0) | taken.get((b, cycle), 0)) & ~own
        for arc in arcs:
            if stage.covered(arc, moved.visits[arc]):
                covers[cycle, moved.visits[arc], candidates.school[arc[0]]] -= 1
        best = _pair_choice(stage, arcs, busy, covers, moved.visits)
        before = sum(arc in moved.debriefs for arc in arcs)
        if best is not None and len(best[1]) > before:
            for arc in arcs:
                moved.debriefs.pop(arc, None)
            moved.visits.update(best[0])
            moved.debriefs.update(best[1])
        chosen = busy
        for arc in arcs:
            chosen |= 1 << moved.visits[arc]
            if arc in moved.debriefs:
                chosen |= 1 << moved.debriefs[arc]
            if stage.covered(arc, moved.visits[arc]):
                key = (cycle, moved.visits[arc], candidates.school[arc[0]])
                covers[key] = covers.get(key, 0) + 1
        for teacher in (a, b):
            mine = taken.get((teacher, cycle), 0) & ~own
            taken[teacher, cycle] = mine | (chosen & ~busy)
    return moved


def _pair_choice(
    stage: _Stage,
    arcs: list[Arc],
    busy: int,
    covers: dict[SlotKey, int],
    visits: dict[Arc, int],
) -> tuple[dict[Arc, int], dict[Arc, int]] | None:
    """The slots for a partnership's visits of a cycle (each of its present kind, clear of
    `busy`) and debriefs that place the most debriefs; per visit one slot for each set of
    debrief slots it leaves (the earliest), and the slot it has."""
    candidates = stage.candidates
    cycle = arcs[0][2]
    free = stage.common_free(arcs[0]) & ~busy
    options: list[list[int]] = []
    for arc in arcs:
        current = visits[arc]
        uncovered = stage.uncovered(arc)
        covered = stage.covered(arc, current)
        room = candidates.roster.cover_limit
        by_window: dict[int, int] = {}
        kind = ~uncovered if covered else uncovered
        for slot in slot_indices(stage.visit_slots(arc) & kind & ~busy):
            key = (cycle, slot, candidates.school[arc[0]])
            if covered and covers.get(key, 0) >= room(candidates.slots[cycle][slot]):
                continue
            by_window.setdefault(stage.windows.after[cycle][slot] & free, slot)
        options.append(sorted({current, *by_window.values()}))
    best: tuple[dict[Arc, int], dict[Arc, int]] | None = None
    for combination in itertools.product(*options):
        used = 0
        for slot in combination:
            used |= 1 << slot
        if used.bit_count() < len(combination):
            continue  # two visits of the pair in one slot
        windows = [stage.windows.after[cycle][slot] & free & ~used for slot in combination]
        matched = matched_slots(windows)
        if best is None or len(matched) > len(best[1]):
            best = (
                dict(zip(arcs, combination, strict=True)),
                {arcs[i]: slot for i, slot in matched.items()},
            )
    return best


def _covers_taken(stage: _Stage, visits: dict[Arc, int]) -> dict[SlotKey, int]:
    """Covers used per cycle, slot and school: by the covered peer visits (the visitor's school)
    and the plan's covered sabbatical visits (the coach's), as `_ConversationModel._covers`
    counts them."""
    candidates = stage.candidates
    used = _sabbatical_covers(stage)
    for arc, slot in visits.items():
        if stage.covered(arc, slot):
            key = (arc[2], slot, candidates.school[arc[0]])
            used[key] = used.get(key, 0) + 1
    return used


def _taken(stage: _Stage, placement: ConversationPlacement) -> dict[tuple[str, str], int]:
    """Per (teacher, cycle), the slots its sabbatical visits, visits and conversations take."""
    taken: dict[tuple[str, str], int] = dict(stage.fixed)
    for group in (placement.visits, placement.debriefs, placement.plannings):
        for (visitor, host, cycle), slot in group.items():
            for teacher in (visitor, host):
                taken[teacher, cycle] = taken.get((teacher, cycle), 0) | 1 << slot
    return taken


def _sabbatical_covers(stage: _Stage) -> dict[SlotKey, int]:
    """Covers the plan's covered sabbatical visits hold per cycle, slot and school (the coach's):
    they stay where they are, so every placement of the stage works around them."""
    candidates = stage.candidates
    held: dict[SlotKey, int] = {}
    for (coach, coachee, cycle), slots in stage.solution.sabbatical_visits.items():
        sabbatical = candidates.sabbatical_arcs[coach, coachee, cycle]
        for slot in slots:
            if not sabbatical.uncovered >> slot & 1:
                key = (cycle, slot, candidates.school[coach])
                held[key] = held.get(key, 0) + 1
    return held


def _search(
    stage: _Stage,
    greedy: ConversationPlacement,
    settings: SearchSettings,
    time_limit: float,
) -> ConversationPlacement:
    """CP-SAT over visit and conversation slots, from the greedy's placement; the better kept."""
    model = _ConversationModel(stage, weight=greedy.co_taught_most + 1)
    model.build(greedy)
    outcome = run_search(
        model.model,
        settings,
        time_limit,
        deterministic_limit=DETERMINISTIC_LIMIT,
        target=model.weight * greedy.most + greedy.co_taught_most,  # a proven bound
    )
    greedy.stats["conversations_search"] = outcome.status
    weight = model.weight
    if outcome.bound is not None:
        greedy.most = min(greedy.most, outcome.bound // weight)
    if not outcome.has_solution:
        return greedy
    found = model.read(outcome.solver)
    found.stats = greedy.stats
    found.most = max(greedy.most, found.placed)
    found.co_taught_most = greedy.co_taught_most
    if outcome.status == "optimal":
        found.most = found.placed
        found.co_taught_most = len(found.plannings)
    better = (found.placed, len(found.plannings)) > (greedy.placed, len(greedy.plannings))
    if better or outcome.status == "optimal":
        return found
    greedy.most = max(greedy.most, greedy.placed)
    return greedy


@dataclass
class _ConversationModel:
    """Visit slots, debrief and planning slots, with the rules that tie them (rules 6, 7, 10)."""

    stage: _Stage
    weight: int
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    visit_vars: dict[Arc, dict[int, cp_model.IntVar]] = field(default_factory=dict)
    debrief_vars: dict[Arc, dict[int, cp_model.IntVar]] = field(default_factory=dict)
    planning_vars: dict[Arc, dict[int, cp_model.IntVar]] = field(default_factory=dict)

    def build(self, hint: ConversationPlacement) -> None:
        stage = self.stage
        for arc in stage.arcs:
            self.visit_vars[arc] = {
                slot: self.model.new_bool_var(f"visit {arc} #{slot}")
                for slot in slot_indices(stage.visit_slots(arc))
            }
            self.model.add_exactly_one(self.visit_vars[arc].values())
            self.debrief_vars[arc] = self._conversations(
                arc, "debrief", stage.windows.after[arc[2]]
            )
        for pair in stage.pairs:
            for arc in pair:
                self.planning_vars[arc] = self._conversations(
                    arc, "planning", stage.windows.before[arc[2]]
                )
            self.model.add_at_most_one(
                var for arc in pair for var in self.planning_vars[arc].values()
            )
        self._one_place_at_a_time()
        self._covers()
        debriefs = [var for options in self.debrief_vars.values() for var in options.values()]
        plannings = [var for options in self.planning_vars.values() for var in options.values()]
        self.model.maximize(self.weight * (sum(debriefs) + sum(plannings)) + sum(plannings))
        self._hint(hint)

    def _conversations(self, arc: Arc, kind: str, window: list[int]) -> dict[int, cp_model.IntVar]:
        """One boolean per conversation slot; each needs the visit in a slot whose window holds it."""
        options: dict[int, cp_model.IntVar] = {}
        for slot in slot_indices(self.stage.reachable(arc, window)):
            var = self.model.new_bool_var(f"{kind} {arc} #{slot}")
            enabling = [v for s, v in self.visit_vars[arc].items() if window[s] >> slot & 1]
            self.model.add(var <= sum(enabling))
            options[slot] = var
        self.model.add_at_most_one(options.values())
        return options

    def _one_place_at_a_time(self) -> None:
        """Nobody in two visits or conversations in one slot (rules 6 and 10)."""
        by_place: dict[tuple[str, str, int], list[cp_model.IntVar]] = {}
        for group in (self.visit_vars, self.debrief_vars, self.planning_vars):
            for (visitor, host, cycle), options in group.items():
                for slot, var in options.items():
                    by_place.setdefault((visitor, cycle, slot), []).append(var)
                    by_place.setdefault((host, cycle, slot), []).append(var)
        for variables in by_place.values():
            if len(variables) > 1:
                self.model.add_at_most_one(variables)

    def _covers(self) -> None:
        """No more covered peer visits than the plan had (the objective stays), and rule 7."""
        stage = self.stage
        candidates = stage.candidates
        choices = {
            arc: [SlotChoice(var, slot, stage.covered(arc, slot)) for slot, var in options.items()]
            for arc, options in self.visit_vars.items()
        }
        covered = [choice.var for group in choices.values() for choice in group if choice.covered]
        self.model.add(sum(covered) <= stage.covered_now())
        held = _sabbatical_covers(stage)
        cover_per_slot(self.model, candidates.school, covers_on_hand(candidates, held), choices)
        release_limits_on_slots(self.model, candidates, choices)

    def _hint(self, placement: ConversationPlacement) -> None:
        for group, chosen in (
            (self.visit_vars, placement.visits),
            (self.debrief_vars, placement.debriefs),
            (self.planning_vars, placement.plannings),
        ):
            for arc, options in group.items():
                for slot, var in options.items():
                    self.model.add_hint(var, chosen.get(arc) == slot)

    def read(self, solver: cp_model.CpSolver) -> ConversationPlacement:
        def chosen(group: dict[Arc, dict[int, cp_model.IntVar]]) -> dict[Arc, int]:
            return {
                arc: slot
                for arc, options in group.items()
                for slot, var in options.items()
                if solver.boolean_value(var)
            }

        return ConversationPlacement(
            chosen(self.visit_vars), chosen(self.debrief_vars), chosen(self.planning_vars)
        )


def _unplaced(stage: _Stage, placement: ConversationPlacement) -> list[LeftUnplaced]:
    """Each visit without a debrief, each tandem pair's cycle without a co-taught lesson: why."""
    days = stage.candidates.roster.policy.debrief_within_days
    entries: list[LeftUnplaced] = []
    order = {arc: i for i, arc in enumerate(stage.arcs)}
    for arc in sorted(placement.visits, key=order.__getitem__):
        if arc in placement.debriefs:
            continue
        visitor, host, cycle = arc
        slot = placement.visits[arc]
        day = stage.windows.dates[cycle][slot].isoformat()
        window = (
            f"later on the day of the visit on {day}"
            if days == 0
            else f"within {days} school day{'s' if days != 1 else ''} of the visit on {day}"
        )
        if stage.windows.after[cycle][slot] & stage.common_free(arc):
            why = (
                f"every free period {visitor} and {host} share {window} is taken by another "
                "session or conversation"
            )
        else:
            why = f"{visitor} and {host} share no free period {window}"
        entries.append(LeftUnplaced("debrief", arc, why))
    for pair in stage.pairs:
        if any(arc in placement.plannings for arc in pair):
            continue
        first = min(pair, key=placement.visits.__getitem__)
        visitor, host, cycle = first
        if any(
            stage.windows.before[cycle][placement.visits[arc]] & stage.common_free(arc)
            for arc in pair
        ):
            why = (
                f"every free period {visitor} and {host} share before their visits in {cycle} "
                "is taken by another session or conversation"
            )
        else:
            why = (
                f"{visitor} and {host} share no free period before either of their visits in "
                f"{cycle} to plan a co-taught lesson"
            )
        entries.append(LeftUnplaced("planning", first, why))
    return entries

"""Upper bounds that ignore which slot each visit takes: partnerships alone, sabbatical visits alone.

Peer relaxation: choose partnership columns (`columns.py`) per rotation period under the hard rules
for partnerships, where each visit costs a cover only when it has no uncovered feasible slot.
Slot clashes and the per-slot cover limit are dropped, and `max_release`/`release_budget` count
only the covers every plan must pay. Dropping rules can only add plans, so its optimum bounds the
true optimum from above. It is solved exactly with CP-SAT over the columns the LP bound cannot rule
out (`bound.prune`), hinted with a maximum-weight matching.

Sabbatical relaxation: visit counts per coach, coachee and cycle within the budget, the per-coachee
cap and the number of distinct feasible slots, each worth `sabbatical` less `cover` when covered.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from pairwise.engine.candidates import Candidates
from pairwise.engine.columns import Column, base_value, triad_spaces
from pairwise.engine.lp_bound import LinearBound, linear_bound, prune
from pairwise.engine.lp_completion import ModelOf, complete_linear, wants_completion
from pairwise.engine.matching import greedy_partnerships, partnerships_value, quick_partnerships
from pairwise.engine.model.partnership_rules import (
    PartnershipVariables,
    add_forced_releases,
    add_partnership_rules,
)
from pairwise.engine.model.tight_rows import add_tight_rows
from pairwise.engine.rotation_split import split_by_period
from pairwise.engine.search import (
    FULL_LP,
    SearchProgressCallback,
    SearchSettings,
    SearchStatus,
    new_solver,
    run_search,
)
from pairwise.roster.models import Sabbatical


@dataclass
class PeerRelaxationResult:
    """The relaxation's best partnerships, their value and the proven bound."""

    status: SearchStatus
    chosen: list[Column] | None
    value: int | None
    bound: int | None
    linear: LinearBound | None
    columns_kept: int = 0
    interrupted: bool = False
    seconds: float = 0.0


def column_model(
    candidates: Candidates,
    columns: list[Column],
    upper_bound: int | None = None,
    lower_bound: int | None = None,
) -> tuple[cp_model.CpModel, PartnershipVariables]:
    """The relaxation as a CP-SAT model over the given columns (objective within the bounds)."""
    model = cp_model.CpModel()
    variables = PartnershipVariables.create(model, columns)
    add_partnership_rules(model, candidates, variables)
    add_forced_releases(model, candidates, variables)
    objective = cp_model.LinearExpr.weighted_sum(
        variables.chosen, [column.value for column in columns]
    ) + base_value(candidates)
    if upper_bound is not None:
        model.add(objective <= upper_bound)
    if lower_bound is not None:
        model.add(objective >= lower_bound)
    model.maximize(objective)
    return model, variables


def column_model_of(candidates: Candidates, upper_bound: int) -> ModelOf:
    """`column_model` with its objective at most `upper_bound`, as a function of the columns that
    returns the model and each column's boolean (what the split by period and the LP's completion
    search over)."""

    def model_of(columns: list[Column]) -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
        model, variables = column_model(candidates, columns, upper_bound)
        return model, variables.chosen

    return model_of


def _hint(variables: PartnershipVariables, chosen: list[Column], model: cp_model.CpModel) -> None:
    keys = {column.key for column in chosen}
    model.clear_hints()  # type: ignore[no-untyped-call]
    for column, var in zip(variables.columns, variables.chosen, strict=True):
        model.add_hint(var, column.key in keys)


def _read(variables: PartnershipVariables, solver: cp_model.CpSolver) -> list[Column]:
    return [
        column
        for column, var in zip(variables.columns, variables.chosen, strict=True)
        if solver.boolean_value(var)
    ]


def valid_for_relaxation(candidates: Candidates, chosen: list[Column]) -> bool:
    """Whether a choice of columns keeps every rule of the relaxation (checked by CP-SAT)."""
    model, variables = column_model(candidates, chosen)
    for var in variables.chosen:
        model.add(var == 1)
    solver = new_solver(5.0)
    return bool(solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE))


def lowest_value(candidates: Candidates) -> int:
    """No solution of the relaxation is worth less: every partnership at its worst imaginable."""
    weights = candidates.roster.policy.weights
    worst_pair = max([0, *(-score for score in candidates.edge_score.values())])
    cycles = len(candidates.cycle_ids)
    worst_partnership = 3 * worst_pair + 3 * 2 * weights.cover * cycles
    partnerships = len(candidates.periods) * (len(candidates.participants) // 2)
    return base_value(candidates) - partnerships * worst_partnership


def star_bound(candidates: Candidates, columns: list[Column] | None = None) -> int:
    """A quick upper bound on the peer relaxation, valid before any LP: each teacher takes the best
    share it could get of one partnership per rotation period, or nothing (unpaired).

    A partnership's value splits over its members: half a pair column's value each; a triad's
    value is at most its three edges' optimistic weights (`TriadSpace.weight`, covers counted the
    cheaper way round) plus `unpaired` for each member, so a member's share is at most half its
    two best triad edges plus `unpaired`. Every teacher is in at most one partnership per period,
    so the base value plus every teacher's best share (when positive) bounds every solution.
    `columns` are the pair columns (`pair_columns`); without them the pair shares are read from
    the pair tables (`candidates.pair_tables`). Shares are summed doubled, in integers.
    """
    unpaired = candidates.roster.policy.weights.unpaired
    doubled: dict[tuple[str, str], int] = {}
    if columns is None:
        for table in candidates.pair_tables:
            rows = table.column_rows()
            best = np.zeros(len(candidates.teachers), dtype=np.int64)
            np.maximum.at(best, table.first[rows], table.value[rows])
            np.maximum.at(best, table.second[rows], table.value[rows])
            for i in np.flatnonzero(best).tolist():
                doubled[table.period.id, candidates.teachers[i]] = int(best[i])
    for column in columns or []:
        for member in column.members:
            key = (column.period, member)
            doubled[key] = max(doubled.get(key, 0), column.value)
    for space in triad_spaces(candidates):
        if len(space.teachers) < 3:
            continue
        # per teacher, its two best triad edges (a row of -inf has none)
        best_two = -np.sort(-space.weight, axis=1)[:, :2].sum(axis=1)
        for teacher, value in zip(space.teachers, best_two.tolist(), strict=True):
            if value == -math.inf:
                continue
            key = (space.period.id, teacher)
            doubled[key] = max(doubled.get(key, 0), int(value) + 2 * unpaired)
    return base_value(candidates) + sum(doubled.values()) // 2


@dataclass
class _Incumbent:
    """The best relaxation solution found so far and its value (both None before any)."""

    columns: list[Column] | None = None
    value: int | None = None

    def offer(self, columns: list[Column], value: int, *, replace_on_tie: bool = False) -> bool:
        """Keep `columns` when worth more than the incumbent (or as much, with `replace_on_tie`)."""
        if self.value is None or value > self.value or (replace_on_tie and value == self.value):
            self.columns, self.value = columns, value
            return True
        return False

    def reaches(self, bound: int) -> bool:
        """Whether the incumbent is worth the bound: proven optimal."""
        return self.value is not None and self.value >= bound


FIRST_SEARCH_LIMIT = 20.0
"""CP-SAT's deterministic time for each of the deepening's searches on a roster the LP's
completion may serve (`lp_completion.wants_completion`), until the completion has run: a search
that settles its round (a 1,000-teacher district's first takes a few units) runs as ever; the
first that does not (minutes, at 3,000 teachers with cross-school pairs) gives way to the
completion, and the deepening goes on from its solution without the limit."""

GREEDY_MATCHING_PAIRS = 20_000
"""Up to this many admissible pairs the fallback is a maximum-weight matching (NetworkX, cubic
in the teachers); past it, the best-first choice read from the pair tables (near-linear): at
3,000 teachers the matching ran for minutes past the limit and held gigabytes of graph."""


def _offer_greedy(candidates: Candidates, incumbent: _Incumbent) -> bool:
    """Offer a maximum-weight matching's partnerships to the incumbent (the best-first choice
    on a large roster: `GREEDY_MATCHING_PAIRS`); whether they were kept. Both are read from the
    pair tables: no Column but those chosen."""
    pairs = candidates.admissible_pairs()
    if pairs > GREEDY_MATCHING_PAIRS:
        greedy = quick_partnerships(candidates)
    else:
        greedy = greedy_partnerships(candidates)
    return greedy is not None and incumbent.offer(greedy, partnerships_value(candidates, greedy))


def _offer_completion(
    candidates: Candidates,
    linear: LinearBound,
    settings: SearchSettings,
    time_limit: float,
    incumbent: _Incumbent,
) -> None:
    """Offer the LP's whole columns, completed by a search over the teachers they leave free
    (`lp_completion`), to the incumbent."""
    model_of = column_model_of(candidates, linear.integer_bound)
    completed = complete_linear(candidates, linear, settings, time_limit, model_of)
    if completed is not None:
        incumbent.offer(completed, partnerships_value(candidates, completed))


def _starting_incumbent(
    candidates: Candidates, linear: LinearBound, hint: list[Column] | None
) -> _Incumbent:
    """The first floor: the LP's own solution when integral (usually the optimum), or the hint."""
    incumbent = _Incumbent()
    if linear.integral:
        solution = linear.solution()
        if valid_for_relaxation(candidates, solution):
            incumbent.offer(solution, partnerships_value(candidates, solution))
    if hint is not None and valid_for_relaxation(candidates, hint):
        incumbent.offer(hint, partnerships_value(candidates, hint))
    return incumbent


class _Deepening:
    """The deepening of `solve_peer_relaxation`: the proven bound, the slack, the incumbent.

    Each round keeps the columns able to be in a solution worth `threshold` (the bound less the
    slack, or the incumbent's value when higher), makes the rows every such solution leaves
    tight equalities (`model.tight_rows`) and lets CP-SAT maximise over them.
    """

    def __init__(
        self,
        candidates: Candidates,
        linear: LinearBound,
        settings: SearchSettings,
        report: SearchProgressCallback | None,
        remaining: Callable[[], float],
        incumbent: _Incumbent,
        completion: Callable[[], None] | None = None,
    ) -> None:
        self.candidates = candidates
        self.linear = linear
        self.settings = settings
        self.report = report
        self.remaining = remaining
        self.best = incumbent
        self.bound = linear.integer_bound
        self.slack = 0
        self.kept: list[Column] = []
        self.infeasible = False
        self.completion = completion
        """The LP's completion (`lp_completion`), offered once should the first search be cut
        short; while it is pending the search stops after `FIRST_SEARCH_LIMIT`."""

    def run(self) -> None:
        """Deepen until the incumbent reaches the bound, the time is out or the locks cannot hold."""
        rounds = 0
        while not self.best.reaches(self.bound):
            rounds += 1
            if (
                rounds == 3
                and self.best.columns is None
                and _offer_greedy(self.candidates, self.best)
            ):
                # a floor for the deepening when the LP is far from tight
                continue
            if not self._round() and not self._complete():
                return

    def _complete(self) -> bool:
        """After a search that settled nothing: the LP's completion, once, as the incumbent;
        whether to search on from it."""
        if (
            self.completion is None
            or self.infeasible
            or self.best.reaches(self.bound)
            or self.settings.stop.is_set()
            or self.remaining() <= 0.05
        ):
            return False
        complete, self.completion = self.completion, None
        complete()
        return True

    def _threshold(self) -> int:
        if self.best.value is None:
            return self.bound - self.slack
        return max(self.best.value, self.bound - self.slack)

    def _round(self) -> bool:
        """One search over the columns kept at the threshold; whether to deepen further."""
        threshold = self._threshold()
        self.kept = prune(self.candidates, self.linear, threshold)
        if threshold == self.bound and self._split():
            return False
        model, variables = column_model(self.candidates, self.kept, self.bound)
        add_tight_rows(model, self.candidates, variables, self.linear, threshold)
        if self.best.columns is not None:
            _hint(variables, self.best.columns, model)
        outcome = run_search(
            model,
            self.settings,
            max(0.01, self.remaining()),
            self.report,
            linearization=FULL_LP,
            deterministic_limit=FIRST_SEARCH_LIMIT if self.completion is not None else None,
        )
        if outcome.has_solution:
            found = _read(variables, outcome.solver)
            self.best.offer(found, partnerships_value(self.candidates, found), replace_on_tie=True)
        if outcome.status in ("optimal", "infeasible"):
            return self._proven(threshold)
        best_value = self.best.value
        if outcome.bound is not None and best_value is not None and threshold <= best_value:
            self.bound = min(self.bound, max(outcome.bound, best_value))
        return False

    def _split(self) -> bool:
        """Under `rotation: cycle`, a solution worth the bound found by choosing partnerships
        first and their periods second (`rotation_split`); whether one was found (then it is
        proven optimal, and the search is not needed)."""
        model_of = column_model_of(self.candidates, self.bound)
        found = split_by_period(
            self.candidates,
            self.kept,
            self.linear,
            self.bound,
            self.settings,
            self.remaining,
            model_of,
        )
        if found is None:
            return False
        self.best.offer(found, partnerships_value(self.candidates, found), replace_on_tie=True)
        return self.best.reaches(self.bound)

    def _proven(self, threshold: int) -> bool:
        """After a search that proved its model: settle the bound; whether to deepen further."""
        best_value = self.best.value
        if best_value is not None and best_value >= threshold:
            # every solution worth `threshold` or more uses kept columns only
            self.bound = best_value
            return False
        # no solution reaches the threshold
        if best_value is None and threshold <= lowest_value(self.candidates):
            # every column was kept and still nothing fits: the locks cannot hold
            self.infeasible = True
            return False
        self.bound = threshold - 1
        self.slack = max(1, 4 * self.slack)
        return True


def solve_peer_relaxation(
    candidates: Candidates,
    settings: SearchSettings,
    time_limit: float,
    report: SearchProgressCallback | None = None,
    hint: list[Column] | None = None,
) -> PeerRelaxationResult:
    """The exact optimum of the peer relaxation (or the best found and its bound in time).

    Deepening: with the proven bound B and a slack s, only the columns able to be in a solution
    worth B - s or more are kept (`bound.prune`), the rows that every such solution leaves tight
    become equalities (`model.tight_rows`), and CP-SAT maximises over them. When its optimum
    reaches B - s it is the true optimum (every solution worth that much uses kept columns only);
    otherwise no solution reaches B - s, the bound drops to B - s - 1, and the slack grows. Its
    best solution so far (or a maximum-weight matching) is a floor that ends the deepening. A small
    slack leaves a tiny model when the LP is nearly tight, which it is on every timetable we have
    seen. On a large roster whose LP is fractional, the first search that settles nothing within
    `FIRST_SEARCH_LIMIT` gives way to the LP's completion (`lp_completion`): its solution is the
    incumbent, and the deepening goes on from it.
    """
    started = time.monotonic()

    def remaining() -> float:
        return time_limit - (time.monotonic() - started)

    linear = linear_bound(candidates, hint or ())
    if not linear.feasible:
        return PeerRelaxationResult("infeasible", None, None, None, linear)
    incumbent = _starting_incumbent(candidates, linear, hint)

    def completion() -> None:
        _offer_completion(candidates, linear, settings, max(0.01, remaining()), incumbent)

    deepening = _Deepening(
        candidates,
        linear,
        settings,
        report,
        remaining,
        incumbent,
        completion if wants_completion(candidates, linear) else None,
    )
    deepening.run()
    if deepening.infeasible:
        return PeerRelaxationResult("infeasible", None, None, None, linear)
    bound = deepening.bound
    if not incumbent.reaches(bound) and not settings.stop.is_set() and incumbent.columns is None:
        # out of time before any solution: a maximum-weight matching is the floor. With one
        # already found it is skipped: the matching is cubic in the staff (seconds past the
        # limit at 300 teachers), and the plan found is a plan
        _offer_greedy(candidates, incumbent)
    if incumbent.columns is None or incumbent.value is None:
        return PeerRelaxationResult(
            "unknown", None, None, bound, linear, interrupted=settings.stop.is_set()
        )
    return PeerRelaxationResult(
        "optimal" if incumbent.value >= bound else "feasible",
        incumbent.columns,
        incumbent.value,
        max(bound, incumbent.value),
        linear,
        columns_kept=len(deepening.kept),
        interrupted=settings.stop.is_set(),
        seconds=time.monotonic() - started,
    )


# --- sabbatical relaxation ----------------------------------------------------------------------


# rule 8: budget per coach, cap per coachee (the sabbatical relaxation's form, slots as counts)
def sabbatical_count_bound(candidates: Candidates) -> int:
    """An upper bound on any plan's sabbatical terms: the LP of visit counts per coach, coachee and
    cycle within the budget, the per-coachee cap and the distinct feasible slots (uncovered ones
    worth `sabbatical`, covered ones `sabbatical - cover`), rounded down. Solved by GLOP: the
    counts form a flow with a few side rows, and CP-SAT is slow to prove such integer models."""
    roster = candidates.roster
    weights = roster.policy.weights
    cap = roster.policy.sabbatical_visits_per_coachee
    if not candidates.sabbatical_arcs:
        return 0
    solver = pywraplp.Solver.CreateSolver("GLOP")
    infinity = solver.infinity()
    by_coach: dict[str, list[pywraplp.Variable]] = {}
    by_coachee: dict[str, list[pywraplp.Variable]] = {}
    by_coach_cycle: dict[tuple[str, str], list[pywraplp.Variable]] = {}
    uncovered_by_coach_cycle: dict[tuple[str, str], list[pywraplp.Variable]] = {}
    coach_slots: dict[tuple[str, str], int] = {}
    coach_free_slots: dict[tuple[str, str], int] = {}
    objective = solver.Objective()
    for (coach, coachee, cycle), options in candidates.sabbatical_arcs.items():
        free = solver.NumVar(0.0, float(min(cap, options.uncovered.bit_count())), "")
        paid = solver.NumVar(0.0, float(min(cap, options.covered.bit_count())), "")
        # one visit per slot: the pair has only so many distinct slots
        distinct = solver.Constraint(-infinity, float(options.any.bit_count()))
        distinct.SetCoefficient(free, 1.0)
        distinct.SetCoefficient(paid, 1.0)
        objective.SetCoefficient(free, float(weights.sabbatical))
        objective.SetCoefficient(paid, float(weights.sabbatical - weights.cover))
        for variable in (free, paid):
            by_coach.setdefault(coach, []).append(variable)
            by_coachee.setdefault(coachee, []).append(variable)
            by_coach_cycle.setdefault((coach, cycle), []).append(variable)
        uncovered_by_coach_cycle.setdefault((coach, cycle), []).append(free)
        coach_slots[coach, cycle] = coach_slots.get((coach, cycle), 0) | options.any
        coach_free_slots[coach, cycle] = coach_free_slots.get((coach, cycle), 0) | options.uncovered
    rows: list[tuple[list[pywraplp.Variable], int]] = []
    for coach, variables in by_coach.items():
        sabbatical = roster.teacher_by_id[coach].sabbatical
        assert sabbatical is not None
        rows.append((variables, sabbatical.budget))
    rows += [(variables, cap) for variables in by_coachee.values()]
    for coach_cycle, variables in by_coach_cycle.items():
        rows.append((variables, coach_slots[coach_cycle].bit_count()))
        rows.append(
            (uncovered_by_coach_cycle[coach_cycle], coach_free_slots[coach_cycle].bit_count())
        )
    for variables, limit in rows:
        row = solver.Constraint(-infinity, float(limit))
        for variable in variables:
            row.SetCoefficient(variable, 1.0)
    objective.SetMaximization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        # cannot happen for this bounded, feasible LP; a bound that always holds instead
        return sum(
            weights.sabbatical * cast(Sabbatical, roster.teacher_by_id[c].sabbatical).budget
            for c in candidates.coaches
        )
    value: float = objective.Value()
    return math.floor(value + 1e-6)

"""Multi-year rotation (`pairwise solve --years K`): K consecutive years with no pair partnered twice.

How it works:

1. A rotation model (CP-SAT, `rotation_model.py`) chooses every year's partnerships at once: a
   boolean per (year, rotation period, admissible pair) and per (year, period, triad); no pair is
   used twice over the K years, nor in a year within `repeat_window_years` of its last
   partnership in the history. Its objective is each year's partnership value for that year
   (trust and repeats aging one year per year; visits that can only be covered cost their
   cover), minus `unpaired`. It offers only partnerships the engine has a column for, and keeps
   each year's forced covers within `max_release` and `release_budget`: otherwise a year's locks
   could not all hold, and the year would be solved again unlocked and the later years planned
   again (measured: every year of secondary-150, a rotation each time).
2. A rotation is repeat-free when no year leaves more teachers unpaired than that year would on
   its own (a teacher with no admissible partner is unpaired every year anyway). When none exists
   the largest number of years that has one is found and `RotationError` says so.
3. Tie-break, never at the cost of the objective: the cumulative network (history plus the K
   years) with as few connected components as possible, counted exactly by a flow from a virtual
   root (each component needs its own root arc); skipped when the rotation found already has as
   few as the network with every possible pair.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import networkx as nx
from ortools.sat.python import cp_model

from pairwise.engine.search import new_solver
from pairwise.roster.models import Roster
from pairwise.runs.multiyear.choices import (
    Group,
    Rotation,
    RotationContext,
    RotationError,
    rotation_context,
)
from pairwise.runs.multiyear.rotation_model import RotationModel

FEWEST_SHARE = 0.1
OBJECTIVE_SHARE = 0.6
CONNECTIVITY_SHARE = 0.3


def _solver(budget: float, seed: int, workers: int) -> cp_model.CpSolver:
    """A CP-SAT solver stopped by deterministic time (`budget`, about seconds on one core), so the
    same roster, seed and workers give the same rotation whatever the machine's load; the wall
    clock only stops a search that runs far over."""
    solver = new_solver(4 * max(0.05, budget) + 5, seed=seed, workers=workers)
    solver.parameters.max_deterministic_time = max(0.05, budget)
    # measured: presolve costs seconds on these wide assignment models and the search then proves
    # less (30 teachers, 3 years: optimal in 3 s without it, a 5 % gap after 10 s with it)
    solver.parameters.cp_model_presolve = False
    if workers > 1:
        # several workers stay deterministic only when interleaved
        solver.parameters.interleave_search = True
    return solver


def _floor(value: float) -> int:
    return math.floor(value + 1e-6)


def _fewest_unpaired(
    context: RotationContext,
    year: int,
    keep_locks: bool,
    time_limit: float,
    seed: int,
    workers: int,
) -> int | None:
    """The fewest teachers a year leaves unpaired on its own (None when its locks cannot hold)."""
    model = RotationModel(context, [year], keep_locks=keep_locks)
    model.model.minimize(model.unpaired_in_year(0))
    greedy = model.greedy_hint()
    if greedy.locks_kept and greedy.unpaired[0] == 0 and _hint_holds(model.model, seed):
        return 0  # nobody unpaired and every constraint checked: nothing fewer exists
    solver = _solver(time_limit, seed, workers)
    status = solver.solve(model.model)
    if status == cp_model.OPTIMAL:
        return round(solver.objective_value)
    if status == cp_model.INFEASIBLE:
        return None
    # not proven in time: the best known is an upper bound, the safe side for what a year may leave
    known = [greedy.unpaired[0]] if greedy.locks_kept else []
    if status == cp_model.FEASIBLE:
        known.append(round(solver.objective_value))
    return min(known, default=len(context.participants))


def _hint_holds(model: cp_model.CpModel, seed: int) -> bool:
    """Whether the model's hint satisfies all its constraints (hinted variables fixed; measured:
    a fraction of a second where proving the same optimum takes seconds)."""
    solver = _solver(5.0, seed, 1)
    solver.parameters.fix_variables_to_their_hinted_value = True
    return solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _fewest_possible(context: RotationContext, usage: Sequence[tuple[str, str]]) -> int:
    """Components of the network with every pair the rotation could use: no rotation has fewer."""
    return _components_with(context.roster, usage)


def _repeat_free(
    context: RotationContext, years: list[int], fewest: list[int], keep_locks: bool
) -> RotationModel:
    """The rotation model with no year leaving more teachers unpaired than it would alone."""
    model = RotationModel(context, years, keep_locks=keep_locks)
    for k, limit in enumerate(fewest):
        model.model.add(model.unpaired_in_year(k) <= limit)
    return model


class _Best(NamedTuple):
    """The rotation `_best_rotation` found: by the search (`searched`; its solver to hint the
    tie-break) or the greedy's, its objective, bound and partnerships."""

    solver: cp_model.CpSolver
    searched: bool
    optimal: bool
    objective: int
    bound: int | None
    groups: list[list[list[Group]]]


class _Settings(NamedTuple):
    """A rotation's search settings: its time limit (shared out by phase), seed and workers."""

    time_limit: float
    seed: int
    workers: int

    def fewest_seconds(self) -> float:
        """The time of one search for the fewest unpaired (or the most years that hold)."""
        return max(1.0, FEWEST_SHARE * self.time_limit)


def plan_rotation(
    roster: Roster,
    years: int,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int = 1,
    keep_locks: bool = True,
) -> Rotation:
    """Choose `years` years of partnerships from `roster.year` on, repeat-free (see the module).

    Raises `RotationError` when no repeat-free rotation of that many years exists.
    """
    started = time.monotonic()
    if years < 1:
        raise RotationError("plan at least one year", None)
    context = rotation_context(roster)
    year_list = [roster.year + k for k in range(years)]
    settings = _Settings(time_limit, seed, workers)
    fewest = _fewest_per_year(context, year_list, keep_locks, settings)
    model = _repeat_free(context, year_list, fewest, keep_locks)
    model.model.maximize(sum(model.value))
    best = _best_rotation(model, year_list, fewest, keep_locks, settings)
    groups, objective = best.groups, best.objective
    if best.searched:
        groups, objective = _fewest_components(model, best.solver, groups, objective, settings)
    return Rotation(
        years=year_list,
        periods=context.periods,
        groups=groups,
        objective=objective,
        bound=None if best.bound is None else max(best.bound, objective),
        optimal=best.optimal,
        components=_components(roster, groups),
        seconds=time.monotonic() - started,
    )


def _fewest_per_year(
    context: RotationContext, year_list: list[int], keep_locks: bool, settings: _Settings
) -> list[int]:
    """Per year, the fewest teachers it leaves unpaired on its own (`_fewest_unpaired`), found
    once per set of history pairs it blocks; `RotationError` when the first year's locks cannot
    hold."""
    roster = context.roster
    slice_seconds = settings.fewest_seconds()
    fewest: list[int] = []
    cache: dict[tuple[bool, frozenset[frozenset[str]]], int | None] = {}
    for k, year in enumerate(year_list):
        # years that block the same history pairs leave the same teachers unpaired
        key = (keep_locks and k == 0, _blocked_pairs(roster, year))
        if key not in cache:
            cache[key] = _fewest_unpaired(
                context, year, key[0], slice_seconds, settings.seed, settings.workers
            )
        value = cache[key]
        if value is None:
            raise RotationError(
                f"the locked pairs of {roster.year} cannot all be partners; "
                "`pairwise explain` names the conflict",
                0,
            )
        fewest.append(value)
    return fewest


def _blocked_pairs(roster: Roster, year: int) -> frozenset[frozenset[str]]:
    """The history pairs that may not be partners in `year` (within the repeat window, less the
    roster's own `continue` pairs in its own year)."""
    window = roster.policy.repeat_window_years
    continuing = {
        frozenset((r.a, r.b))
        for r in roster.relations
        if r.kind == "continue" and year == roster.year
    }
    return frozenset(
        frozenset((entry.a, entry.b))
        for entry in roster.history
        if entry.year < year and year - entry.year <= window
    ) - frozenset(continuing)


def _best_rotation(
    model: RotationModel,
    year_list: list[int],
    fewest: list[int],
    keep_locks: bool,
    settings: _Settings,
) -> _Best:
    """The repeat-free rotation of the most value found by the search, or the greedy rotation
    when the search found none in time but the greedy holds.
    `RotationError` when none exists (saying how many years could hold) or none was found."""
    greedy = model.greedy_hint()
    greedy_holds = greedy.locks_kept and all(
        unpaired <= limit for unpaired, limit in zip(greedy.unpaired, fewest, strict=True)
    )
    solver = _solver(OBJECTIVE_SHARE * settings.time_limit, settings.seed, settings.workers)
    status = solver.solve(model.model)
    if status == cp_model.INFEASIBLE:
        possible = _largest_repeat_free(
            model.context,
            year_list,
            fewest,
            keep_locks,
            settings.fewest_seconds(),
            settings.seed,
            settings.workers,
        )
        participants = len(model.context.participants)
        years = len(year_list)
        raise RotationError(
            f"no repeat-free rotation of {years} years exists for {participants} teachers: "
            f"at most {possible} year{'s' if possible != 1 else ''} give everyone a partner "
            "they have not had (within the history's repeat window) each year",
            possible,
        )
    optimal = status == cp_model.OPTIMAL
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _Best(
            solver,
            True,
            optimal,
            round(solver.objective_value),
            _floor(solver.best_objective_bound),
            model.read(solver),
        )
    if greedy_holds:
        return _Best(solver, False, optimal, greedy.value, None, greedy.groups)
    raise RotationError(
        f"no repeat-free rotation of {len(year_list)} years was found within the time limit; "
        "allow more time or plan fewer years",
        None,
    )


def _fewest_components(
    model: RotationModel,
    solver: cp_model.CpSolver,
    groups: list[list[list[Group]]],
    objective: int,
    settings: _Settings,
) -> tuple[list[list[list[Group]]], int]:
    """The tie-break: among rotations worth `objective` or more, the cumulative network with the
    fewest components, searched from the solver's rotation; skipped when it already has as few
    as the network with every possible pair. Returns the groups and their objective."""
    roster = model.context.roster
    if _components(roster, groups) <= _fewest_possible(model.context, list(model.usage)):
        return groups, objective
    model.hint(solver)
    model.model.add(sum(model.value) >= objective)
    components_expression = model.add_components(
        [group for year in groups for period in year for group in period]
    )
    model.model.minimize(components_expression)
    second = _solver(CONNECTIVITY_SHARE * settings.time_limit, settings.seed, settings.workers)
    second_status = second.solve(model.model)
    if second_status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        groups = model.read(second)
        objective = max(objective, round(second.value(sum(model.value))))
    return groups, objective


def _components(roster: Roster, groups: list[list[list[Group]]]) -> int:
    """Connected components of the roster's teachers over history and the rotation's pairs."""
    pairs = [
        pair
        for year in groups
        for period in year
        for group in period
        for pair in itertools.combinations(group, 2)
    ]
    return _components_with(roster, pairs)


def _components_with(roster: Roster, pairs: Iterable[tuple[str, str]]) -> int:
    """Connected components of the roster's teachers over history and the given pairs."""
    graph = nx.Graph()
    graph.add_nodes_from(teacher.id for teacher in roster.teachers)
    graph.add_edges_from(
        (entry.a, entry.b) for entry in roster.history if entry.a in graph and entry.b in graph
    )
    graph.add_edges_from(pairs)
    return int(nx.number_connected_components(graph))


def _largest_repeat_free(
    context: RotationContext,
    years: list[int],
    fewest: list[int],
    keep_locks: bool,
    time_limit: float,
    seed: int,
    workers: int,
) -> int:
    """The most leading years with a repeat-free rotation (fewer years never break one that holds)."""
    low, high = 0, len(years) - 1  # `high` years may hold; all `len(years)` do not
    while low < high:
        middle = (low + high + 1) // 2
        model = _repeat_free(context, years[:middle], fewest[:middle], keep_locks)
        status = _solver(time_limit, seed, workers).solve(model.model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            low = middle
        else:
            high = middle - 1
    return low

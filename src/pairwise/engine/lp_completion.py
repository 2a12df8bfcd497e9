"""A solution of the peer relaxation near the LP bound on a large roster: the columns the LP sets
to one, kept, and the teachers they leave free partnered by an exact search.

On a roster of thousands of teachers the LP bound (`lp_bound.py`) is fractional in a few hundred
columns, and CP-SAT over every column the bound keeps (a hundred thousand at 3,000 teachers with
cross-school pairs) finds nothing better than the best-first partnerships in minutes. Most of the
LP's solution is whole, though, and a whole part of it is a partial solution with every rule kept.
So the LP's whole columns are fixed and the relaxation's own model (`relaxation.column_model`,
every rule: one partnership a period, triads, parity, release limits, locks) searches over the
pair columns of the teachers they leave free, best reduced costs first, and the LP's triads among
them. A restriction of the model only removes solutions: what it finds keeps every rule and is
offered to the deepening as an incumbent. When it reaches the LP's bound it is the optimum
(proven by the bound); otherwise it is the deepening's floor, which keeps far fewer columns at its
threshold than the best-first partnerships' do.

Nothing here is a proof and nothing is cut from the bound. At 3,000 teachers the LP leaves 343 of
2,873 participants free; their 55,845 pair columns and the fixed ones are settled in 20-30 s,
at the LP's bound (benchmarks/README.md, Districts with cross-school pairs).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from ortools.sat.python import cp_model

from pairwise.engine.candidates import Candidates
from pairwise.engine.columns import Column
from pairwise.engine.lp_bound import LinearBound
from pairwise.engine.pair_pricing import pair_arrays, pair_reduced_costs
from pairwise.engine.search import FULL_LP, SearchProgressCallback, SearchSettings, run_search

COMPLETION_PAIRS = 20_000
"""The completion runs on rosters with more admissible pairs than this (some 250 teachers and
up), where the deepening's first search is long; below it the deepening settles the relaxation in
a second or two and the completion would only change which optimum is found first."""
COMPLETION_COLUMNS = 60_000
"""At most this many pair columns among the free teachers, best reduced costs first."""
DETERMINISTIC_LIMIT = 60.0
"""CP-SAT's deterministic time for the completion (about its wall seconds on this machine): the
same roster and seed end the same way whatever the load, unless the solve's time limit comes
first."""

ModelOf = Callable[[list[Column]], tuple[cp_model.CpModel, list[cp_model.IntVar]]]
"""The relaxation's model over the given columns, with each column's boolean."""


def wants_completion(candidates: Candidates, linear: LinearBound) -> bool:
    """Whether to complete the LP: a large roster whose LP solution is fractional."""
    pairs = candidates.admissible_pairs()
    return pairs > COMPLETION_PAIRS and not linear.integral


def complete_linear(
    candidates: Candidates,
    linear: LinearBound,
    settings: SearchSettings,
    time_limit: float,
    model_of: ModelOf,
    report: SearchProgressCallback | None = None,
) -> list[Column] | None:
    """The LP's whole columns and the best partnerships found for the teachers they leave free
    (None when none is found in time, or when the whole columns cannot be completed: a lock)."""
    whole = linear.solution()
    free = _free_columns(candidates, linear, whole)
    columns = whole + free
    model, chosen = model_of(columns)
    for variable in chosen[: len(whole)]:
        model.add(variable == 1)
    outcome = run_search(
        model,
        settings,
        time_limit,
        report,
        linearization=FULL_LP,
        deterministic_limit=DETERMINISTIC_LIMIT,
    )
    if not outcome.has_solution:
        return None
    return [
        column
        for column, variable in zip(columns, chosen, strict=True)
        if outcome.solver.boolean_value(variable)
    ]


def _free_columns(candidates: Candidates, linear: LinearBound, whole: list[Column]) -> list[Column]:
    """The pair columns whose members the whole columns leave free (at most
    `COMPLETION_COLUMNS`, best reduced costs first, in column order), and the LP's triads among
    them."""
    period_index = {period.id: p for p, period in enumerate(candidates.periods)}
    taken = np.zeros((len(candidates.periods), len(candidates.teachers)), dtype=bool)
    for column in whole:
        for member in column.members:
            taken[period_index[column.period], candidates.index[member]] = True
    pairs = pair_arrays(candidates)
    open_pairs = np.flatnonzero(
        ~taken[pairs.period, pairs.first] & ~taken[pairs.period, pairs.second]
    )
    if len(open_pairs) > COMPLETION_COLUMNS:
        costs = linear.pair_costs
        if costs is None:
            costs = pair_reduced_costs(candidates, pairs, linear.duals)
        best = np.argsort(-costs[open_pairs], kind="stable")[:COMPLETION_COLUMNS]
        open_pairs = np.sort(open_pairs[best])
    columns = [pairs.column(j) for j in open_pairs.tolist()]
    for column in linear.columns:
        if column.is_triad and not any(
            taken[period_index[column.period], candidates.index[member]]
            for member in column.members
        ):
            columns.append(column)
    return columns

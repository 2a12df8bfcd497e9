"""A solution of the peer relaxation under `rotation: cycle` found in two steps: which
partnerships, then which rotation period each one takes.

With several rotation periods the LP bound is usually tight but fractional: the periods are
interchangeable (the same columns, values and forced covers in each), so the LP spreads every
partnership over them, and CP-SAT finds a whole solution at the bound only by a long dive
(0.5-1.5 s of CPU on secondary-150, by seed). Here:

1. Which partnerships: one boolean per partnership (a column's members and owner, whatever the
   period) for the columns kept at the threshold. A teacher is in at most as many partnerships
   as the periods in which it has a column, and in at least as many as the periods whose
   one-partnership row the LP's duals make tight (`model.tight_rows`); two teachers meet in one
   partnership at most (no repeat), each lock in one at least; a school owns at most one triad
   per period; the schools' parity rows (`lp_terms.parity_limit`) hold summed over the periods;
   the forced covers (each partnership's fewest over its periods) stay within the release limits; the value (each partnership's best over its periods) reaches the threshold.
   Every solution worth the threshold, read this way, satisfies these rows, and CP-SAT settles
   this matching-like model in a few hundredths of a second.
2. Which period: the relaxation's own model (`relaxation.column_model`, every rule) over the
   columns of the partnerships chosen, each partnership in exactly one period, worth the
   threshold. When the choice cannot be split into periods (an odd set of teachers, say), that
   choice is cut off and step 1 tries again, a few times.

Nothing here is a proof: a solution found is a solution of the full relaxation (step 2 keeps every
rule) and is offered to the deepening as an incumbent; only when it reaches the LP's bound does
it end the search, which is then proven optimal by the bound. When no split is found the
deepening searches as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from ortools.sat.python import cp_model

from pairwise.engine.candidates import Candidates, Edge
from pairwise.engine.columns import Column, base_value
from pairwise.engine.lp_bound import LinearBound
from pairwise.engine.lp_terms import TOLERANCE, parity_limit, parity_terms
from pairwise.engine.search import FULL_LP, SearchSettings, run_search
from pairwise.roster.facts import release_limits

ATTEMPTS = 3
"""Choices of partnerships tried (each cut off when it cannot be split into periods)."""
DETERMINISTIC_LIMIT = 0.5
"""CP-SAT's deterministic time per step: the split is a shortcut, never the long search."""

Content = tuple[tuple[str, ...], str | None]
"""A partnership whatever its period: its members, and its owner school when a triad."""


def content(column: Column) -> Content:
    return column.members, column.owner if column.is_triad else None


def split_by_period(
    candidates: Candidates,
    kept: list[Column],
    linear: LinearBound,
    threshold: int,
    settings: SearchSettings,
    remaining: Callable[[], float],
    model_of: Callable[[list[Column]], tuple[cp_model.CpModel, list[cp_model.IntVar]]],
) -> list[Column] | None:
    """Columns of a relaxation solution worth `threshold` or more over `kept` (see the module's
    doc), or None when none was found. `model_of(columns)` is the relaxation's model over the
    columns and their booleans, objective included (step 2)."""
    if len(candidates.periods) < 2 or not kept:
        return None
    groups: dict[Content, list[Column]] = {}
    for column in kept:
        groups.setdefault(content(column), []).append(column)
    choice = _Choice(candidates, groups, linear, threshold)
    for _ in range(ATTEMPTS):
        if settings.stop.is_set() or remaining() <= 0:
            return None
        chosen = choice.next(settings, remaining())
        if chosen is None:
            return None
        columns = [column for key in chosen for column in groups[key]]
        model, variables = model_of(columns)
        by_content: dict[Content, list[cp_model.IntVar]] = {}
        for column, var in zip(columns, variables, strict=True):
            by_content.setdefault(content(column), []).append(var)
        for options in by_content.values():
            model.add_exactly_one(options)
        objective = cp_model.LinearExpr.weighted_sum(
            variables, [column.value for column in columns]
        )
        model.add(objective + base_value(candidates) >= threshold)
        outcome = run_search(
            model, settings, max(0.01, remaining()), deterministic_limit=DETERMINISTIC_LIMIT
        )
        if outcome.has_solution:
            return [
                column
                for column, var in zip(columns, variables, strict=True)
                if outcome.solver.boolean_value(var)
            ]
        choice.cut(chosen)
    return None


class _Choice:
    """Step 1's model: one boolean per partnership, whatever its period."""

    def __init__(
        self,
        candidates: Candidates,
        groups: dict[Content, list[Column]],
        linear: LinearBound,
        threshold: int,
    ) -> None:
        self.model = cp_model.CpModel()
        self.keys = list(groups)
        self.chosen = [self.model.new_bool_var("") for _ in self.keys]
        model = self.model
        gap = linear.value - threshold + TOLERANCE
        by_teacher: dict[str, list[cp_model.IntVar]] = {}
        periods_of: dict[str, set[str]] = {}
        by_edge: dict[Edge, list[cp_model.IntVar]] = {}
        owned: dict[str, list[cp_model.IntVar]] = {}
        per_teacher: dict[str, list[tuple[cp_model.IntVar, int]]] = {}
        per_school: dict[str, list[tuple[cp_model.IntVar, int]]] = {}
        parity: dict[str, list[tuple[cp_model.IntVar, int]]] = {}
        values = []
        for key, var in zip(self.keys, self.chosen, strict=True):
            columns = groups[key]
            first = columns[0]
            for teacher in first.members:
                by_teacher.setdefault(teacher, []).append(var)
                periods_of.setdefault(teacher, set()).update(c.period for c in columns)
            for edge in first.edges(candidates):
                by_edge.setdefault(edge, []).append(var)
            if first.is_triad:
                owned.setdefault(first.owner, []).append(var)
            for teacher in {t for c in columns for t, _ in c.releases}:
                fewest = min(dict(c.releases).get(teacher, 0) for c in columns)
                if fewest:
                    per_teacher.setdefault(teacher, []).append((var, fewest))
            for school in {s for c in columns for s, _ in c.school_releases}:
                fewest = min(dict(c.school_releases).get(school, 0) for c in columns)
                if fewest:
                    per_school.setdefault(school, []).append((var, fewest))
            coefficients: dict[str, list[int]] = {}
            for column in columns:
                for (_, school), coefficient in parity_terms(candidates, column):
                    coefficients.setdefault(school, []).append(coefficient)
            for school, listed in coefficients.items():
                parity.setdefault(school, []).append((var, min(listed)))
            values.append(max(column.value for column in columns))
        for teacher, options in by_teacher.items():
            tight = sum(
                1
                for period in candidates.periods
                if linear.duals.degree.get((period.id, teacher), 0.0) > gap
            )
            model.add(sum(options) <= len(periods_of[teacher]))
            if tight:
                model.add(sum(options) >= tight)
        for options in by_edge.values():
            model.add_at_most_one(options)
        for edge in candidates.locks:
            model.add_bool_or(by_edge.get(edge, []))
        for options in owned.values():
            model.add(sum(options) <= len(candidates.periods))
        for school, terms in parity.items():
            limits = [parity_limit(candidates, period.id, school) for period in candidates.periods]
            if None not in limits:
                model.add(sum(c * var for var, c in terms) <= sum(cast(list[int], limits)))
        for limit in release_limits(candidates.roster, per_teacher, per_school):
            model.add(sum(count * var for var, count in limit.items) <= limit.limit)
        objective = cp_model.LinearExpr.weighted_sum(self.chosen, values)
        model.add(objective + base_value(candidates) >= threshold)
        model.maximize(objective)

    def next(self, settings: SearchSettings, time_limit: float) -> list[Content] | None:
        """A choice of partnerships keeping step 1's rows, or None when there is none (in time)."""
        outcome = run_search(
            self.model,
            settings,
            max(0.01, time_limit),
            deterministic_limit=DETERMINISTIC_LIMIT,
            linearization=FULL_LP,
        )
        if not outcome.has_solution:
            return None
        return [
            key
            for key, var in zip(self.keys, self.chosen, strict=True)
            if outcome.solver.boolean_value(var)
        ]

    def cut(self, chosen: list[Content]) -> None:
        """Never this choice again (it could not be split into periods)."""
        index = {key: i for i, key in enumerate(self.keys)}
        self.model.add(sum(self.chosen[index[key]] for key in chosen) <= len(chosen) - 1)

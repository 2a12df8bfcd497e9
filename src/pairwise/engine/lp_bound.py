"""The LP bound over partnership columns, and reduced-cost pruning of columns that cannot pay.

The linear relaxation of the partnership problem (each teacher in at most one column per rotation
period, one triad per school, no repeat, locks, forced releases) is solved with GLOP. Triads join
it by column generation (priced with numpy over every triangle), and odd-set ("blossom") cuts
remove the half-integral odd cycles a matching LP is prone to. Its duals π give, for any column j,
an upper bound on every plan that contains j:

    value(x) <= π·b + Σ_k max(0, d_k) - max(0, d_j) + d_j,   d_k = c_k - π·A_k

(Lagrangian weak duality, valid for any π of the right signs, so rounding in the LP solver cannot
make it wrong: the bound is recomputed here from π). A column whose bound falls below a known
plan's value can be left out of every later model without losing any better plan. On the
timetables we have seen the LP is tight or nearly so, and this leaves a few dozen columns of the
~11,000 pairs of a 150-teacher school.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, cast

import numpy as np
from ortools.linear_solver import pywraplp

from pairwise.engine.candidates import Candidates, Edge
from pairwise.engine.columns import Column, TriadSpace, base_value, triad_spaces
from pairwise.engine.lp_terms import (
    TOLERANCE,
    Blossom,
    Duals,
    parity_limit,
    parity_terms,
    reduced_cost,
)
from pairwise.engine.pair_pricing import (
    PairArrays,
    best_per_teacher,
    lookup,
    pair_arrays,
    pair_reduced_costs,
)
from pairwise.engine.triad_pricing import lock_triads, price_triads, seed_triads
from pairwise.roster.facts import release_limit

_GENERATED_PER_ROUND = 400
_MAX_ROUNDS = 80
"""Rounds of the LP once every pair prices out (triads and cuts still coming)."""
_MAX_PAIR_ROUNDS = 200
"""Rounds in which pairs still enter, at most (then the Lagrangian bound counts the rest)."""
LISTED_PAIRS = 20_000
"""Up to this many pair columns (a school of some 250 teachers) the LP lists them all from the
start, as it always did: as fast there as pricing, and the plans of small rosters stay what they
were (which of the LP's optimal duals GLOP returns steers the pruning, and so which of several
optimal plans the searches find). Past it, pairs enter by pricing."""
_PAIRS_PER_ROUND: int | None = None
"""Pairs entering in one round, at most (None: as many as there are teachers, at least
_GENERATED_PER_ROUND)."""
_START_PAIRS_PER_TEACHER = 4
"""The LP starts from each teacher's best few pairs (by value), the locked ones and the warm
start's; pricing brings in the rest that pay."""
_TRIADS_PER_SCHOOL = 20
"""Triads entering in one round, at most, per school and rotation period."""
_STALLED_CUT_ROUNDS = 5
"""Cut rounds in a row that leave the LP's floor where it was before cutting stops."""


@dataclass
class LinearBound:
    """The LP's bound, its duals, the columns it generated and the cuts it added."""

    value: float
    duals: Duals
    columns: list[Column]
    feasible: bool
    blossoms: list[Blossom] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    """The LP solution, one value per column (columns generated after it at 0)."""
    pair_costs: np.ndarray | None = field(default=None, repr=False, compare=False)
    """The reduced cost of every pair column (`pair_pricing.pair_arrays` order) under `duals`."""

    @property
    def integer_bound(self) -> int:
        return math.floor(self.value + TOLERANCE)

    @property
    def integral(self) -> bool:
        return all(value < 1e-6 or value > 1 - 1e-6 for value in self.values)

    def solution(self) -> list[Column]:
        """The columns the LP solution sets to one (a whole solution when it is integral)."""
        return [c for c, value in zip(self.columns, self.values, strict=False) if value > 1 - 1e-6]


RowKey = tuple[str, object]
"""A row's kind ("degree", "triad", "parity", "edge", "release_teacher", "release_school",
"blossom") and its key within the kind."""


@dataclass
class _Grouped:
    """The LP's rows but the odd-set cuts, grouped over the first `count` columns (kept from
    round to round of the column generation, which only appends columns)."""

    rows: dict[tuple[str, object], list[tuple[int, float]]] = field(default_factory=dict)
    count: int = 0


@dataclass
class _Row:
    """One LP row: its terms, right-hand side, sense, and where its dual goes."""

    terms: list[tuple[int, float]]
    limit: float
    equality: bool
    store: Callable[[Duals, float], float]
    """Files the row's dual where pricing reads it; returns the dual of the row as written."""


def _store_capacity(kind: str, key: object) -> Callable[[Duals, float], float]:
    """A `<=` row's dual, filed under `Duals.<kind>[key]` (never negative)."""

    def store(duals: Duals, value: float) -> float:
        getattr(duals, kind)[key] = max(0.0, value)
        return max(0.0, value)

    return store


class _Program:
    """The LP over the current columns and cuts (rebuilt each round: GLOP is fast at this size).

    `divisors`: per release row ("release_teacher"/"release_school", name), the greatest common
    divisor of its coefficients over every column that may enter it, listed or not (`_divided`).
    """

    def __init__(
        self,
        candidates: Candidates,
        columns: list[Column],
        blossoms: list[Blossom],
        divisors: dict[tuple[str, str], int] | None = None,
        grouped: _Grouped | None = None,
    ):
        self.candidates = candidates
        self.columns = columns
        self.blossoms = blossoms
        self.divisors = divisors or {}
        self.grouped = _Grouped() if grouped is None else grouped
        self.values: list[float] = []

    def rows(self) -> list[_Row] | None:
        """Every row, or None when a lock has no column at all."""
        grouped = self._grouped_terms()
        rows: list[_Row] = []
        several_periods = len(self.candidates.periods) > 1
        locks = set(self.candidates.locks)
        for (kind, key), terms in grouped.items():
            row = self._row(kind, key, terms, several_periods, locks)
            if row is not None:
                rows.append(row)
        for edge in locks:
            if ("edge", edge) not in grouped:
                return None
        return rows

    def _grouped_terms(self) -> dict[RowKey, list[tuple[int, float]]]:
        """Each row's terms, keyed by the row's kind and key, in column order. The rows other
        than the odd-set cuts are grouped once per column (`_Grouped`: the columns are only ever
        appended, so this is the same dict, in the same order, as grouping them all again)."""
        base = self.grouped.rows
        for j in range(self.grouped.count, len(self.columns)):
            for row, coefficient in column_terms(self.candidates, self.columns[j]):
                base.setdefault(row, []).append((j, coefficient))
        self.grouped.count = len(self.columns)
        grouped = dict(base)
        blossom_index: dict[tuple[str, str], list[int]] = {}
        for b, blossom in enumerate(self.blossoms):
            for teacher in blossom.members:
                blossom_index.setdefault((blossom.period, teacher), []).append(b)
        for j, column in enumerate(self.columns):
            touched = {b for t in column.members for b in blossom_index.get((column.period, t), [])}
            for b in sorted(touched):
                coefficient = self.blossoms[b].coefficient(column)
                if coefficient:
                    grouped.setdefault(("blossom", b), []).append((j, float(coefficient)))
        return grouped

    def _row(
        self,
        kind: str,
        key: object,
        terms: list[tuple[int, float]],
        several_periods: bool,
        locks: set[Edge],
    ) -> _Row | None:
        """The row of one kind and key, None when it binds nothing (no limit, or a repeat row
        with one rotation period)."""
        if kind in ("degree", "triad"):
            return _Row(terms, 1.0, False, _store_capacity(kind, key))
        if kind == "parity":
            period, school = cast(tuple[str, str], key)
            parity = parity_limit(self.candidates, period, school)
            assert parity is not None
            return _Row(terms, float(parity), False, _store_capacity(kind, key))
        if kind == "edge":
            return _edge_row(cast(Edge, key), terms, several_periods, locks)
        if kind in ("release_teacher", "release_school"):
            return self._release_row(kind, cast(str, key), terms)
        blossom = self.blossoms[cast(int, key)]

        def store_blossom(duals: Duals, value: float) -> float:
            duals.blossom[blossom] = max(0.0, value)
            for teacher in blossom.members:
                duals.blossoms_of.setdefault((blossom.period, teacher), []).append(blossom)
            return max(0.0, value)

        return _Row(terms, float(blossom.limit), False, store_blossom)

    # rule 7: max_release and release_budget (the forced covers, as in `add_forced_releases`)
    def _release_row(self, kind: str, name: str, terms: list[tuple[int, float]]) -> _Row | None:
        """A teacher's or a school's forced covers within its limit, divided by the gcd of its
        coefficients (`_divided`) when triads are not allowed; its dual is filed per unit of the
        raw count. With triads the row stays whole: a triad the LP has not listed may need a
        count that is no multiple of the pairs' gcd, and the rounded row would cut plans off."""
        holder: Literal["teacher", "school"] = "teacher" if kind == "release_teacher" else "school"
        limit = release_limit(self.candidates.roster, holder, name)
        if limit is None:
            return None
        if self.candidates.roster.policy.allow_triads:
            divisor = 1
        else:
            divisor = math.gcd(_divisor(terms), self.divisors.get((kind, name), 0))

        def store(duals: Duals, value: float) -> float:
            getattr(duals, kind)[name] = max(0.0, value) / divisor
            return max(0.0, value)

        return _Row(_divided(terms, divisor), float(limit // divisor), False, store)

    def solve(self) -> tuple[bool, Duals]:
        rows = self.rows()
        if rows is None:
            return False, Duals()
        solver = pywraplp.Solver.CreateSolver("GLOP")
        variables = [solver.NumVar(0.0, 1.0, "") for _ in self.columns]
        constraints = []
        infinity = solver.infinity()
        for row in rows:
            constraint = solver.Constraint(row.limit if row.equality else -infinity, row.limit)
            for j, coefficient in row.terms:
                constraint.SetCoefficient(variables[j], coefficient)
            constraints.append(constraint)
        objective = solver.Objective()
        for variable, column in zip(variables, self.columns, strict=True):
            objective.SetCoefficient(variable, column.value)
        objective.SetMaximization()
        if solver.Solve() != pywraplp.Solver.OPTIMAL:
            return False, Duals()
        duals = Duals()
        for row, constraint in zip(rows, constraints, strict=True):
            # π·b over the rows as written
            duals.constant += row.limit * row.store(duals, constraint.dual_value())
        self.values = [variable.solution_value() for variable in variables]
        return True, duals


def column_terms(candidates: Candidates, column: Column) -> list[tuple[RowKey, float]]:
    """The rows a column enters (odd-set cuts aside) and its coefficient in each."""
    terms: list[tuple[RowKey, float]] = [
        (("degree", (column.period, teacher)), 1.0) for teacher in column.members
    ]
    if column.is_triad:
        terms.append((("triad", (column.period, column.owner)), 1.0))
    for parity_key, coefficient in parity_terms(candidates, column):
        terms.append((("parity", parity_key), float(coefficient)))
    terms += [(("edge", edge), 1.0) for edge in column.edges(candidates)]
    terms += [(("release_teacher", teacher), float(count)) for teacher, count in column.releases]
    terms += [
        (("release_school", school), float(count)) for school, count in column.school_releases
    ]
    return terms


def _divisor(terms: list[tuple[int, float]]) -> int:
    """The greatest common divisor of a row's (whole) coefficients."""
    return math.gcd(*(round(coefficient) for _, coefficient in terms)) or 1


def _divided(terms: list[tuple[int, float]], divisor: int) -> list[tuple[int, float]]:
    """A release row divided by the gcd of its coefficients, its limit then rounded down: every
    whole solution keeps it, and the LP loses the fractions a knapsack row lets it keep."""
    return [(j, coefficient / divisor) for j, coefficient in terms]


def _edge_row(
    edge: Edge, terms: list[tuple[int, float]], several_periods: bool, locks: set[Edge]
) -> _Row | None:
    """A locked pair's row (exactly once with one rotation period, at least once with several)
    or, with several rotation periods, its no-repeat row; None otherwise."""
    if edge in locks and not several_periods:

        def store_lock(duals: Duals, value: float) -> float:
            duals.edge[edge] = value
            return value

        return _Row(terms, 1.0, True, store_lock)
    if edge in locks:
        # at least one cycle, written -sum <= -1 so that its dual is non-negative
        def store_cycle_lock(duals: Duals, value: float) -> float:
            duals.edge[edge] = -max(0.0, value)
            return max(0.0, value)

        return _Row([(j, -a) for j, a in terms], -1.0, False, store_cycle_lock)
    if several_periods:
        return _Row(terms, 1.0, False, _store_capacity("edge", edge))
    return None


def _separate_blossoms(
    candidates: Candidates, columns: list[Column], values: list[float], known: set[Blossom]
) -> list[Blossom]:
    """Odd sets violated by the LP solution: odd components of its fractional columns."""
    found = []
    for period in candidates.periods:
        neighbours: dict[str, set[str]] = {}
        for column, value in zip(columns, values, strict=True):
            if column.period != period.id or value < 1e-6 or value > 1 - 1e-6:
                continue
            for a, b in itertools.combinations(column.members, 2):
                neighbours.setdefault(a, set()).add(b)
                neighbours.setdefault(b, set()).add(a)
        seen: set[str] = set()
        for start in sorted(neighbours, key=candidates.index.__getitem__):
            if start in seen:
                continue
            component = {start}
            stack = [start]
            while stack:
                teacher = stack.pop()
                for other in neighbours[teacher]:
                    if other not in component:
                        component.add(other)
                        stack.append(other)
            seen |= component
            if len(component) % 2 == 0 or len(component) < 3:
                continue
            blossom = Blossom(period.id, frozenset(component))
            if blossom in known:
                continue
            left = sum(
                blossom.coefficient(column) * value
                for column, value in zip(columns, values, strict=True)
                if value > 1e-9
            )
            if left > blossom.limit + 1e-6:
                found.append(blossom)
    return found


def linear_bound(
    candidates: Candidates,
    start: Sequence[Column] = (),
    *,
    every_pair: bool | None = None,
    cuts: bool = True,
) -> LinearBound:
    """Solve the LP to optimality over every pair and every triad, with cuts. Triads come in by
    column generation (`triad_pricing`: priced over every triangle); so do pairs on a large
    roster: the LP lists each teacher's best few pairs (and the locked ones) and prices every
    other pair against its duals in numpy (`pair_pricing`). `start`: columns to begin with (a
    warm start's), which pricing would otherwise find. `every_pair`: list every pair (and every
    triad holding a locked pair) from the start, or price them; None decides by size
    (`LISTED_PAIRS`). `cuts=False` leaves out the odd-set cuts (the plain LP, whose value does
    not depend on which optimal solution GLOP returns: the tests compare it both ways).

    The LP value is the same either way (up to which of its optimal solutions GLOP returns, which
    steers the odd-set cuts); the bound returned is the Lagrangian one, recomputed from the duals
    over every column, so it is a proof even when the rounds run out before pricing is done. An
    LP found infeasible over the few columns listed first is decided again over every one."""
    if every_pair is None:
        every_pair = len(pair_arrays(candidates)) <= LISTED_PAIRS
    bound = _ColumnGeneration(candidates, start, every_pair, cuts).run()
    if not bound.feasible and not every_pair:
        bound = _ColumnGeneration(candidates, start, True, cuts).run()
    return bound


class _ColumnGeneration:
    """The LP's rounds: solve over the columns listed, price pairs and triads against its duals,
    separate odd-set cuts, until nothing prices in and the cuts stall."""

    def __init__(
        self, candidates: Candidates, start: Sequence[Column], every_pair: bool, cuts: bool
    ):
        self.candidates = candidates
        self.cuts = cuts
        self.spaces = triad_spaces(candidates)
        self.pairs = pair_arrays(candidates)
        pairs = self.pairs
        if every_pair:
            active = np.arange(len(pairs))
        else:
            active = np.union1d(
                best_per_teacher(candidates, pairs, _START_PAIRS_PER_TEACHER),
                np.union1d(_lock_pairs(candidates, pairs), lookup(candidates, pairs, start)),
            )
        self.listed = np.zeros(len(pairs), dtype=bool)
        self.listed[active] = True
        self.columns = [pairs.column(int(j)) for j in active]
        if every_pair or _locks_need_triads(candidates, pairs):
            self.columns += lock_triads(candidates, self.spaces)
        self.every_pair = every_pair
        if not every_pair:
            self.columns += seed_triads(candidates, self.spaces)
        self.seen = {column.key for column in self.columns}
        for column in start:
            if column.is_triad and column.key not in self.seen:
                self.seen.add(column.key)
                self.columns.append(column)
        # only a roster without triads divides its release rows (`_Program._release_row`)
        self.divisors = (
            {} if candidates.roster.policy.allow_triads else _release_divisors(candidates, pairs)
        )
        self.grouped = _Grouped()
        self.blossoms: list[Blossom] = []
        self.known: set[Blossom] = set()

    def run(self) -> LinearBound:
        candidates, pairs = self.candidates, self.pairs
        duals = Duals()
        values: list[float] = []
        best_floor: float | None = None
        stalled = pair_rounds = cut_rounds = 0
        limit = _PAIRS_PER_ROUND or max(_GENERATED_PER_ROUND, len(candidates.teachers))
        while True:
            program = _Program(candidates, self.columns, self.blossoms, self.divisors, self.grouped)
            feasible, duals = program.solve()
            if not feasible:
                return LinearBound(float("-inf"), duals, self.columns, feasible=False)
            values = list(program.values)
            costs = pair_reduced_costs(candidates, pairs, duals)
            entering = _entering_pairs(costs, self.listed, limit)
            if len(entering) and pair_rounds < _MAX_PAIR_ROUNDS:
                pair_rounds += 1
            else:
                # every pair is listed or prices out (or pricing gave up): a cut round
                entering, cut_rounds = entering[:0], cut_rounds + 1
                value = sum(c.value * x for c, x in zip(self.columns, values, strict=True))
                # objectives are integers: only a lower floor of the LP value is progress
                if best_floor is None or math.floor(value + TOLERANCE) < best_floor:
                    best_floor, stalled = math.floor(value + TOLERANCE), 0
                else:
                    stalled += 1
            cuts = (
                _separate_blossoms(candidates, self.columns, values, self.known)
                if self.cuts
                else []
            )
            new = [] if len(entering) else self._triads(duals)
            if not len(entering) and not new and (not cuts or stalled >= _STALLED_CUT_ROUNDS):
                break
            if cut_rounds >= _MAX_ROUNDS:
                break  # out of rounds: the Lagrangian bound below counts what is left
            self._add(cuts, entering, new)
        # the loop ends only after pricing the pairs against the last duals: `costs` are theirs
        value = _lagrangian(candidates, self.spaces, self.columns, duals, costs)
        values += [0.0] * (len(self.columns) - len(values))
        return LinearBound(
            value,
            duals,
            self.columns,
            feasible=True,
            blossoms=self.blossoms,
            values=values,
            pair_costs=costs,
        )

    def _triads(self, duals: Duals) -> list[Column]:
        """Triads to list, once no pair prices in (before, the duals of teachers the LP barely
        covers are low, and triads would price in by the thousand only to price out later)."""
        found = price_triads(
            self.candidates,
            self.spaces,
            duals,
            1e-4,
            _GENERATED_PER_ROUND,
            None if self.every_pair else _TRIADS_PER_SCHOOL,
        )
        return [column for cost, column in found if cost > 1e-4 and column.key not in self.seen]

    def _add(self, cuts: list[Blossom], entering: np.ndarray, triads: list[Column]) -> None:
        for blossom in cuts:
            self.known.add(blossom)
            self.blossoms.append(blossom)
        self.listed[entering] = True
        for column in [self.pairs.column(int(j)) for j in entering] + triads:
            self.seen.add(column.key)
            self.columns.append(column)


def _locks_need_triads(candidates: Candidates, pairs: PairArrays) -> bool:
    """Whether the locked pairs' own columns may not make the LP feasible alone: a lock without a
    pair column, or two locks sharing a teacher (then only a triad can hold both)."""
    locked = [teacher for lock in candidates.locks for teacher in lock]
    if len(set(locked)) < len(locked):
        return True
    lock_keys, pair_keys = _lock_and_pair_keys(candidates, pairs)
    return not bool(np.isin(lock_keys, pair_keys).all())


def _lock_pairs(candidates: Candidates, pairs: PairArrays) -> np.ndarray:
    """Indices of the pair columns of locked pairs (every lock row needs its columns listed)."""
    if not candidates.locks:
        return np.zeros(0, dtype=np.int64)
    lock_keys, pair_keys = _lock_and_pair_keys(candidates, pairs)
    return np.flatnonzero(np.isin(pair_keys, lock_keys))


def _lock_and_pair_keys(candidates: Candidates, pairs: PairArrays) -> tuple[np.ndarray, np.ndarray]:
    """Each lock and each pair column as one integer (first index * teachers + second), to match
    them in numpy."""
    teachers = len(candidates.teachers)
    lock_keys = np.array(
        [candidates.index[a] * teachers + candidates.index[b] for a, b in candidates.locks],
        dtype=np.int64,
    )
    return lock_keys, pairs.first.astype(np.int64) * teachers + pairs.second


def _entering_pairs(costs: np.ndarray, listed: np.ndarray, limit: int) -> np.ndarray:
    """The pair columns not yet listed whose reduced cost is positive (above 1e-4), best first
    (ties in column order), at most `limit`."""
    candidates = np.flatnonzero(~listed & (costs > 1e-4))
    order = np.lexsort((candidates, -costs[candidates]))
    return candidates[order[:limit]]


def _release_divisors(candidates: Candidates, pairs: PairArrays) -> dict[tuple[str, str], int]:
    """Per teacher and school, the gcd of its forced covers over every pair column (listed or
    not): a release row divided by less would not hold for the pairs the LP has not listed."""
    teachers = np.zeros(len(candidates.teachers), dtype=np.int64)
    for owner, count in ((pairs.first, pairs.release_first), (pairs.second, pairs.release_second)):
        mask = count > 0
        np.gcd.at(teachers, owner[mask], count[mask].astype(np.int64))
    schools_ids = candidates.schools
    schools = np.zeros(len(schools_ids), dtype=np.int64)
    for school, count in (
        (pairs.school_first, pairs.school_release_first),
        (pairs.school_second, pairs.school_release_second),
    ):
        mask = count > 0
        np.gcd.at(schools, school[mask], count[mask].astype(np.int64))
    divisors = {
        ("release_teacher", candidates.teachers[i]): int(g)
        for i, g in enumerate(teachers.tolist())
        if g
    }
    divisors.update(
        {("release_school", schools_ids[i]): int(g) for i, g in enumerate(schools.tolist()) if g}
    )
    return divisors


def _lagrangian(
    candidates: Candidates,
    spaces: list[TriadSpace],
    columns: list[Column],
    duals: Duals,
    pair_costs: np.ndarray,
) -> float:
    """π·b + Σ max(0, d) over every column (listed or not) plus the fixed unpaired cost: the pairs'
    reduced costs `pair_costs` from the arrays, the triads' listed or priced."""
    positive = float(np.maximum(pair_costs, 0.0).sum())
    listed = {column.key for column in columns}
    for column in columns:
        if column.is_triad:
            positive += max(0.0, reduced_cost(candidates, column, duals))
    for cost, column in price_triads(candidates, spaces, duals, TOLERANCE, None):
        if column.key not in listed:
            positive += max(0.0, cost)
    return duals.constant + positive + base_value(candidates)


def prune(candidates: Candidates, bound: LinearBound, threshold: int) -> list[Column]:
    """Every column (pairs and triads) that may be part of a plan worth `threshold` or more."""
    duals = bound.duals
    spaces = triad_spaces(candidates)
    pairs = pair_arrays(candidates)
    costs = bound.pair_costs
    if costs is None:
        costs = pair_reduced_costs(candidates, pairs, duals)
    # value(x) <= bound.value - max(0, d_j) + d_j; keep j when this reaches the threshold
    slack = threshold - bound.value
    kept: dict[tuple[str, tuple[str, ...], str], Column] = {}
    for j in np.flatnonzero(np.minimum(costs, 0.0) >= slack - TOLERANCE).tolist():
        column = pairs.column(j)
        kept[column.key] = column
    for column in bound.columns:
        if column.is_triad:
            cost = reduced_cost(candidates, column, duals)
            if cost - max(0.0, cost) >= slack - TOLERANCE:
                kept[column.key] = column
    for cost, column in price_triads(candidates, spaces, duals, min(0.0, slack), None):
        if cost - max(0.0, cost) >= slack - TOLERANCE:
            kept.setdefault(column.key, column)
    return list(kept.values())

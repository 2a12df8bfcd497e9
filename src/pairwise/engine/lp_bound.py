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
from pairwise.engine.columns import (
    Column,
    TriadSpace,
    base_value,
    pair_columns,
    triad_column,
    triad_owners,
    triad_spaces,
)
from pairwise.roster.facts import release_limit

_TOLERANCE = 1e-6
_GENERATED_PER_ROUND = 400
_MAX_ROUNDS = 80
_STALLED_CUT_ROUNDS = 5
"""Cut rounds in a row that leave the LP's floor where it was before cutting stops."""


def parity_limit(candidates: Candidates, period: str, school: str) -> int | None:
    """The right-hand side of a school's parity cut in a period, None when it has none.

    With n of the school's teachers able to partner: for even n, a triad the school owns needs its
    partnered count odd, so count + owned <= n; for odd n (one school per partnership only),
    count - owned <= n - 1, since count = 2·pairs + 3·owned. With cross-school pairs a count can
    be odd without a triad, so odd n gives no cut. Valid for every plan; removes half triads.
    """
    size = candidates.partner_able(period, school)
    if size % 2 == 0:
        return size
    if candidates.roster.policy.cross_school_pairs:
        return None
    return size - 1


def parity_terms(candidates: Candidates, column: Column) -> list[tuple[tuple[str, str], int]]:
    """The column's coefficient in each parity cut it enters: its members in that school, plus
    one (even n) or minus one (odd n) for the school owning it as a triad."""
    counts: dict[str, int] = {}
    for member in column.members:
        school = candidates.school[member]
        counts[school] = counts.get(school, 0) + 1
    terms = []
    for school, count in counts.items():
        limit = parity_limit(candidates, column.period, school)
        if limit is None:
            continue
        coefficient = count
        if column.is_triad and column.owner == school:
            even = candidates.partner_able(column.period, school) % 2 == 0
            coefficient += 1 if even else -1
        terms.append(((column.period, school), coefficient))
    return terms


def owner_parity_coefficient(candidates: Candidates, period: str, school: str) -> int:
    """What owning a triad adds to the school's parity cut (0 without a cut)."""
    if parity_limit(candidates, period, school) is None:
        return 0
    return 1 if candidates.partner_able(period, school) % 2 == 0 else -1


@dataclass(frozen=True)
class Blossom:
    """An odd set S of teachers in one period: Σ_j floor(|j ∩ S| / 2)·x_j <= floor(|S| / 2).

    Half the sum of S's degree rows, rounded down (a Chvátal–Gomory cut), so valid for every plan.
    """

    period: str
    members: frozenset[str]

    @property
    def limit(self) -> int:
        return len(self.members) // 2

    def coefficient(self, column: Column) -> int:
        if column.period != self.period:
            return 0
        return sum(1 for m in column.members if m in self.members) // 2


@dataclass
class Duals:
    """Row duals of the LP, in the shapes the pricing needs."""

    degree: dict[tuple[str, str], float] = field(default_factory=dict)
    triad: dict[tuple[str, str], float] = field(default_factory=dict)
    parity: dict[tuple[str, str], float] = field(default_factory=dict)
    edge: dict[Edge, float] = field(default_factory=dict)
    release_teacher: dict[str, float] = field(default_factory=dict)
    release_school: dict[str, float] = field(default_factory=dict)
    blossom: dict[Blossom, float] = field(default_factory=dict)
    blossoms_of: dict[tuple[str, str], list[Blossom]] = field(default_factory=dict)
    constant: float = 0.0


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

    @property
    def integer_bound(self) -> int:
        return math.floor(self.value + _TOLERANCE)

    @property
    def integral(self) -> bool:
        return all(value < 1e-6 or value > 1 - 1e-6 for value in self.values)

    def solution(self) -> list[Column]:
        """The columns the LP solution sets to one (a whole solution when it is integral)."""
        return [c for c, value in zip(self.columns, self.values, strict=False) if value > 1 - 1e-6]


def reduced_cost(candidates: Candidates, column: Column, duals: Duals) -> float:
    """`c_j - π·A_j` of one column."""
    cost = float(column.value)
    for teacher in column.members:
        cost -= duals.degree.get((column.period, teacher), 0.0)
    if column.is_triad:
        cost -= duals.triad.get((column.period, column.owner), 0.0)
    for edge in column.edges(candidates):
        cost -= duals.edge.get(edge, 0.0)
    for teacher, count in column.releases:
        cost -= count * duals.release_teacher.get(teacher, 0.0)
    for school, count in column.school_releases:
        cost -= count * duals.release_school.get(school, 0.0)
    if duals.parity:
        for key, coefficient in parity_terms(candidates, column):
            cost -= coefficient * duals.parity.get(key, 0.0)
    if duals.blossom:
        seen: set[Blossom] = set()
        for teacher in column.members:
            for blossom in duals.blossoms_of.get((column.period, teacher), []):
                if blossom not in seen:
                    seen.add(blossom)
                    cost -= blossom.coefficient(column) * duals.blossom[blossom]
    return cost


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
    ):
        self.candidates = candidates
        self.columns = columns
        self.blossoms = blossoms
        self.divisors = divisors or {}
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

    def _grouped_terms(self) -> dict[tuple[str, object], list[tuple[int, float]]]:
        """Each row's terms, keyed by the row's kind and key, in column order."""
        candidates = self.candidates
        grouped: dict[tuple[str, object], list[tuple[int, float]]] = {}
        for j, column in enumerate(self.columns):
            for teacher in column.members:
                grouped.setdefault(("degree", (column.period, teacher)), []).append((j, 1.0))
            if column.is_triad:
                grouped.setdefault(("triad", (column.period, column.owner)), []).append((j, 1.0))
            for parity_key, coefficient in parity_terms(candidates, column):
                grouped.setdefault(("parity", parity_key), []).append((j, float(coefficient)))
            for edge in column.edges(candidates):
                grouped.setdefault(("edge", edge), []).append((j, 1.0))
            for teacher, count in column.releases:
                grouped.setdefault(("release_teacher", teacher), []).append((j, float(count)))
            for school, count in column.school_releases:
                grouped.setdefault(("release_school", school), []).append((j, float(count)))
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
        coefficients (`_divided`); its dual is filed per unit of the raw count."""
        holder: Literal["teacher", "school"] = "teacher" if kind == "release_teacher" else "school"
        limit = release_limit(self.candidates.roster, holder, name)
        if limit is None:
            return None
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


def _adjustments(
    candidates: Candidates, space: TriadSpace, duals: Duals, unpaired: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per edge, node and owner school: what a triad's pricing subtracts (optimistic for blossoms,
    a third of a blossom's dual per edge inside it)."""
    period = space.period.id
    n = len(space.teachers)
    edge = np.zeros((n, n))
    position = {teacher: i for i, teacher in enumerate(space.teachers)}
    if duals.edge:
        for i, j in itertools.combinations(range(n), 2):
            value = duals.edge.get((space.teachers[i], space.teachers[j]), 0.0)
            if value:
                edge[i, j] = edge[j, i] = value
    for blossom, value in duals.blossom.items():
        if blossom.period != period or value <= 0:
            continue
        inside = [position[t] for t in blossom.members if t in position]
        for i, j in itertools.combinations(inside, 2):
            edge[i, j] += value / 3
            edge[j, i] += value / 3
    node = np.array(
        [
            duals.degree.get((period, teacher), 0.0)
            - unpaired
            + duals.parity.get((period, candidates.school[teacher]), 0.0)
            for teacher in space.teachers
        ]
    )
    school_values = [
        duals.triad.get((period, owner), 0.0)
        + owner_parity_coefficient(candidates, period, owner)
        * duals.parity.get((period, owner), 0.0)
        for owner in space.owner_school
    ]
    return edge, node, np.array(school_values)


def _price_triads(
    candidates: Candidates,
    spaces: list[TriadSpace],
    duals: Duals,
    threshold: float,
    limit: int | None,
) -> list[tuple[float, Column]]:
    """Triad columns whose exact reduced cost reaches `threshold`, best first (at most `limit`)."""
    unpaired = candidates.roster.policy.weights.unpaired
    found: list[tuple[float, Column]] = []
    for space in spaces:
        edge, node, school = _adjustments(candidates, space, duals, unpaired)
        hits = sorted(
            space.enumerate(edge, node, school, threshold - _TOLERANCE),
            key=lambda hit: -hit[3],
        )
        for i, j, k, _optimistic in hits:
            members = (space.teachers[i], space.teachers[j], space.teachers[k])
            for owner in triad_owners(candidates, members):
                column = triad_column(candidates, space.period, members, owner)
                if column is None:
                    continue
                cost = reduced_cost(candidates, column, duals)
                if cost >= threshold - _TOLERANCE:
                    found.append((cost, column))
            if limit is not None and len(found) >= 4 * limit:
                break
    found.sort(key=lambda item: -item[0])
    return found if limit is None else found[:limit]


def lock_triads(candidates: Candidates, spaces: list[TriadSpace]) -> list[Column]:
    """Every triad that contains a locked pair: with the pairs, every way a lock can hold.

    With one rotation period a teacher's partnership holds all its locked partners, so a triad
    whose members are locked to someone outside it is in no plan and left out (when every teacher
    is locked, as in a multi-year plan's years, that is nearly all of them)."""
    partners: dict[str, set[str]] = {}
    if len(candidates.periods) == 1:
        for x, y in candidates.locks:
            partners.setdefault(x, set()).add(y)
            partners.setdefault(y, set()).add(x)
    columns = []
    for space in spaces:
        for a, b in candidates.locks:
            if a not in space.teachers or b not in space.teachers:
                continue
            for c in space.teachers:
                if c in (a, b):
                    continue
                group = {a, b, c}
                if any(not partners.get(member, set()) <= group for member in group):
                    continue
                members = tuple(sorted((a, b, c), key=candidates.index.__getitem__))
                if not all(_triad_edge(space, x, y) for x, y in itertools.combinations(members, 2)):
                    continue
                for owner in triad_owners(candidates, members):
                    column = triad_column(candidates, space.period, members, owner)
                    if column is not None:
                        columns.append(column)
    unique = {column.key: column for column in columns}
    return list(unique.values())


def _triad_edge(space: TriadSpace, a: str, b: str) -> bool:
    i, j = space.teachers.index(a), space.teachers.index(b)
    return bool(np.isfinite(space.weight[i, j]))


def linear_bound(candidates: Candidates, start: Sequence[Column] = ()) -> LinearBound:
    """Solve the LP to optimality over pairs and (by column generation) every triad, with cuts;
    `start`: triads to begin with (a warm start's), which column generation would otherwise price."""
    spaces = triad_spaces(candidates)
    columns = pair_columns(candidates) + lock_triads(candidates, spaces)
    seen = {column.key for column in columns}
    for column in start:
        if column.is_triad and column.key not in seen:
            seen.add(column.key)
            columns.append(column)
    blossoms: list[Blossom] = []
    known: set[Blossom] = set()
    duals = Duals()
    values: list[float] = []
    best_floor: float | None = None
    stalled = 0
    for _round in range(_MAX_ROUNDS):
        program = _Program(candidates, columns, blossoms)
        feasible, duals = program.solve()
        if not feasible:
            return LinearBound(float("-inf"), duals, columns, feasible=False)
        values = list(program.values)
        value = sum(c.value * x for c, x in zip(columns, values, strict=True))
        # objectives are integers: only a lower floor of the LP value is progress
        if best_floor is None or math.floor(value + _TOLERANCE) < best_floor:
            best_floor, stalled = math.floor(value + _TOLERANCE), 0
        else:
            stalled += 1
        cuts = _separate_blossoms(candidates, columns, program.values, known)
        new = [
            column
            for cost, column in _price_triads(candidates, spaces, duals, 1e-4, _GENERATED_PER_ROUND)
            if cost > 1e-4 and column.key not in seen
        ]
        if not new and (not cuts or stalled >= _STALLED_CUT_ROUNDS):
            break
        for blossom in cuts:
            known.add(blossom)
            blossoms.append(blossom)
        for column in new:
            seen.add(column.key)
            columns.append(column)
    value = _lagrangian(candidates, spaces, columns, duals)
    values += [0.0] * (len(columns) - len(values))
    return LinearBound(value, duals, columns, feasible=True, blossoms=blossoms, values=values)


def _lagrangian(
    candidates: Candidates, spaces: list[TriadSpace], columns: list[Column], duals: Duals
) -> float:
    """π·b + Σ max(0, d) over every column (listed or not) plus the fixed unpaired cost."""
    positive = sum(max(0.0, reduced_cost(candidates, column, duals)) for column in columns)
    listed = {column.key for column in columns}
    for cost, column in _price_triads(candidates, spaces, duals, _TOLERANCE, None):
        if column.key not in listed:
            positive += max(0.0, cost)
    return duals.constant + positive + base_value(candidates)


def prune(candidates: Candidates, bound: LinearBound, threshold: int) -> list[Column]:
    """Every column (pairs and triads) that may be part of a plan worth `threshold` or more."""
    duals = bound.duals
    spaces = triad_spaces(candidates)
    # value(x) <= bound.value - max(0, d_j) + d_j; keep j when this reaches the threshold
    slack = threshold - bound.value
    kept: dict[tuple[str, tuple[str, ...], str], Column] = {}
    for column in pair_columns(candidates):
        cost = reduced_cost(candidates, column, duals)
        if cost - max(0.0, cost) >= slack - _TOLERANCE:
            kept[column.key] = column
    for column in bound.columns:
        if column.is_triad:
            cost = reduced_cost(candidates, column, duals)
            if cost - max(0.0, cost) >= slack - _TOLERANCE:
                kept[column.key] = column
    for cost, column in _price_triads(candidates, spaces, duals, min(0.0, slack), None):
        if cost - max(0.0, cost) >= slack - _TOLERANCE:
            kept.setdefault(column.key, column)
    return list(kept.values())

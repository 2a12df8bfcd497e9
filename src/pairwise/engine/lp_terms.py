"""What a partnership column pays against the LP bound's rows: their duals and its reduced cost.

The rows are those of `lp_bound.py`'s LP: each teacher in at most one column per rotation period
(degree), one triad per school (triad), the schools' parity cuts, no repeat and locks (edge), forced
releases per teacher and school, and odd-set cuts (`Blossom`). `Duals` files each row's dual where
pricing reads it; `reduced_cost` is `c_j - π·A_j` of one column (the triads' pricing and the
pairs' vectorised one in `pair_pricing.py` compute the same).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pairwise.engine.candidates import Candidates, Edge
from pairwise.engine.columns import Column

TOLERANCE = 1e-6
"""Floating-point slack in every comparison of LP values and reduced costs."""


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

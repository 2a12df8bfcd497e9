"""Rows of the LP bound that every solution worth a threshold keeps tight (reduced-cost fixing on rows).

For the LP's duals π >= 0 (`lp_bound.py`, rows as written there) and any solution x of the
peer relaxation, weak duality reads

    value(x) = L - Σ_i π_i·s_i - Σ_j (max(0, d_j) - d_j)·x_j - Σ_j max(0, d_j)·(1 - x_j)

with L the Lagrangian bound (`LinearBound.value`), d_j the columns' reduced costs and s_i >= 0
the slack x leaves in row i. Every term subtracted is non-negative, so value(x) <= L - π_i·s_i
for each row. The rows here (a teacher's one partnership per period, a school's one triad, no
repeated pair, parity, odd sets) have whole coefficients and a whole right-hand side: a slack
that is not zero is at least one. A solution worth `threshold` or more therefore leaves no
slack in a row whose dual exceeds L - threshold, and such a row becomes an equality. Like the
columns `lp_bound.prune` leaves out, this drops only solutions worth less than the threshold.

On a tight LP (a gap below one) nearly every teacher's row and every much-wanted pair's
no-repeat row has a dual above the gap, so the search over the kept columns is told which
teachers must be partnered and which pairs must meet in some cycle; without it, CP-SAT finds a
solution at the bound of a `rotation: cycle` roster by a long dive (measured alone: 1.8-12 s by
seed on secondary-150, 0.5-4.5 s with the rows; benchmarks/README.md, "Rotation by cycle").
The release rows are left as they are (the LP divides them by a gcd first).
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from pairwise.engine.candidates import Candidates, Edge
from pairwise.engine.lp_bound import LinearBound
from pairwise.engine.lp_terms import TOLERANCE, parity_limit, parity_terms
from pairwise.engine.model.partnership_rules import PartnershipVariables


def add_tight_rows(
    model: cp_model.CpModel,
    candidates: Candidates,
    variables: PartnershipVariables,
    bound: LinearBound,
    threshold: int,
) -> int:
    """Make every row whose dual exceeds `bound.value - threshold` an equality over the model's
    columns (`variables`); the model then holds exactly the solutions worth `threshold` or more
    that it held before. Returns how many rows were made tight."""
    gap = bound.value - threshold + TOLERANCE
    duals = bound.duals
    tight = 0
    by_teacher: dict[tuple[str, str], list[cp_model.IntVar]] = {}
    by_owner: dict[tuple[str, str], list[cp_model.IntVar]] = {}
    by_edge: dict[Edge, list[cp_model.IntVar]] = {}
    parity: dict[tuple[str, str], list[tuple[cp_model.IntVar, int]]] = {}
    for column, chosen in zip(variables.columns, variables.chosen, strict=True):
        for teacher in column.members:
            by_teacher.setdefault((column.period, teacher), []).append(chosen)
        if column.is_triad:
            by_owner.setdefault((column.period, column.owner), []).append(chosen)
        for edge in column.edges(candidates):
            by_edge.setdefault(edge, []).append(chosen)
        for key, coefficient in parity_terms(candidates, column):
            parity.setdefault(key, []).append((chosen, coefficient))
    for rows, members in (
        (duals.degree, by_teacher),
        (duals.triad, by_owner),
        (duals.edge, by_edge),
    ):
        for key, dual in rows.items():
            if dual > gap:
                # every listed row reads Σ x <= 1 (a lock's row, with a dual of either sign, is an
                # equality already)
                model.add_exactly_one(members.get(key, []))  # none at all: no solution
                tight += 1
    for (period, school), dual in duals.parity.items():
        limit = parity_limit(candidates, period, school)
        if dual > gap and limit is not None:
            _equal(model, parity.get((period, school), []), limit)
            tight += 1
    for blossom, dual in duals.blossom.items():
        if dual > gap:
            terms = [
                (chosen, blossom.coefficient(column))
                for column, chosen in zip(variables.columns, variables.chosen, strict=True)
                if column.period == blossom.period
                and any(m in blossom.members for m in column.members)
            ]
            _equal(model, terms, blossom.limit)
            tight += 1
    return tight


def _equal(model: cp_model.CpModel, terms: list[tuple[cp_model.IntVar, int]], limit: int) -> None:
    """Σ coefficient·x == limit (with no terms: infeasible unless the limit is zero)."""
    expression = cp_model.LinearExpr.weighted_sum(
        [chosen for chosen, _ in terms], [coefficient for _, coefficient in terms]
    )
    model.add(expression == limit)

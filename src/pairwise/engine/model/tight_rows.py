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

from pairwise.engine.candidates import Candidates
from pairwise.engine.lp_bound import LinearBound, RowKey, column_terms
from pairwise.engine.lp_terms import TOLERANCE, parity_limit
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
    rows: dict[RowKey, list[tuple[cp_model.IntVar, int]]] = {}
    for column, chosen in zip(variables.columns, variables.chosen, strict=True):
        for key, coefficient in column_terms(candidates, column):
            rows.setdefault(key, []).append((chosen, round(coefficient)))
    for kind, row_duals in (
        ("degree", duals.degree),
        ("triad", duals.triad),
        ("edge", duals.edge),
    ):
        for key, dual in row_duals.items():
            if dual > gap:
                # every listed row reads Σ x <= 1 (a lock's row, with a dual of either sign, is an
                # equality already)
                members = [chosen for chosen, _ in rows.get((kind, key), [])]
                model.add_exactly_one(members)  # none at all: no solution
                tight += 1
    for (period, school), dual in duals.parity.items():
        limit = parity_limit(candidates, period, school)
        if dual > gap and limit is not None:
            _equal(model, rows.get(("parity", (period, school)), []), limit)
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

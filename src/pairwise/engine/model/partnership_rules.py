"""Rules 1–3 (docs/rules.md) on partnership columns: one partnership per teacher and period, one triad per
school, no repeat within the year, locks. Shared by the relaxation and the full model."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from pairwise.engine.candidates import Candidates, Edge
from pairwise.engine.columns import Column
from pairwise.engine.lp_terms import parity_limit, parity_terms
from pairwise.roster.facts import release_limits


@dataclass
class PartnershipVariables:
    """One boolean per column, and each teacher's "partnered" expression per rotation period."""

    columns: list[Column]
    chosen: list[cp_model.IntVar] = field(default_factory=list)
    by_teacher: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    @classmethod
    def create(cls, model: cp_model.CpModel, columns: list[Column]) -> PartnershipVariables:
        variables = cls(columns)
        for j, column in enumerate(columns):
            name = f"{column.period} {'+'.join(column.members)}"
            variables.chosen.append(model.new_bool_var(name))
            for teacher in column.members:
                variables.by_teacher.setdefault((column.period, teacher), []).append(j)
        return variables

    def partnered(self, period: str, teacher: str) -> cp_model.LinearExprT:
        return sum(self.chosen[j] for j in self.by_teacher.get((period, teacher), []))


def add_partnership_rules(
    model: cp_model.CpModel, candidates: Candidates, variables: PartnershipVariables
) -> None:
    """Every rule on partnerships that does not depend on slots."""
    _one_partnership_per_period(model, variables)
    _at_most_one_triad_per_school(model, candidates, variables)
    _parity(model, candidates, variables)
    _no_repeat_within_year(model, candidates, variables)
    _locks(model, candidates, variables)


# rule 1: one partnership per teacher and rotation period (else unpaired)
def _one_partnership_per_period(model: cp_model.CpModel, variables: PartnershipVariables) -> None:
    """A teacher is in at most one partnership per rotation period (else unpaired, rule 1)."""
    for indices in variables.by_teacher.values():
        if len(indices) > 1:
            model.add_at_most_one(variables.chosen[j] for j in indices)


# rule 1: at most one triad per school and period, only with an odd partnered count
def _at_most_one_triad_per_school(
    model: cp_model.CpModel, candidates: Candidates, variables: PartnershipVariables
) -> None:
    """At most one triad per school and period, and only when the school's partnered count is odd.

    Without cross-school pairs the count (2 per pair, 3 per triad) is odd exactly when there is a
    triad; with them a triad counts against its first member's school, whose count must be odd.
    """
    owned: dict[tuple[str, str], list[cp_model.IntVar]] = {}
    for j, column in enumerate(variables.columns):
        if column.is_triad:
            owned.setdefault((column.period, column.owner), []).append(variables.chosen[j])
    for triads in owned.values():
        if len(triads) > 1:
            model.add_at_most_one(triads)
    if not candidates.roster.policy.cross_school_pairs:
        return
    for (period, school), triads in owned.items():
        members = [t for t in candidates.participants if candidates.school[t] == school]
        count = sum(variables.partnered(period, t) for t in members)
        half = model.new_int_var(0, len(members), f"pairs in {school} {period}")
        has_triad = model.new_bool_var(f"triad owned by {school} {period}")
        model.add(sum(triads) == has_triad)
        model.add(count == 2 * half + 1).only_enforce_if(has_triad)


def _parity(
    model: cp_model.CpModel, candidates: Candidates, variables: PartnershipVariables
) -> None:
    """The parity cuts of `bound.parity_limit` per school and period (redundant; they help)."""
    rows: dict[tuple[str, str], list[tuple[cp_model.IntVar, int]]] = {}
    for j, column in enumerate(variables.columns):
        for key, coefficient in parity_terms(candidates, column):
            rows.setdefault(key, []).append((variables.chosen[j], coefficient))
    for (period, school), terms in rows.items():
        limit = parity_limit(candidates, period, school)
        assert limit is not None
        model.add(sum(coefficient * var for var, coefficient in terms) <= limit)


def _edges_of_columns(
    candidates: Candidates, variables: PartnershipVariables
) -> dict[Edge, list[cp_model.IntVar]]:
    by_edge: dict[Edge, list[cp_model.IntVar]] = {}
    for j, column in enumerate(variables.columns):
        for edge in column.edges(candidates):
            by_edge.setdefault(edge, []).append(variables.chosen[j])
    return by_edge


# rule 3: no two teachers partners in two cycles
def _no_repeat_within_year(
    model: cp_model.CpModel, candidates: Candidates, variables: PartnershipVariables
) -> None:
    """Under `rotation: cycle` two teachers are partners in at most one cycle (rule 3)."""
    if len(candidates.periods) < 2:
        return
    for edge_variables in _edges_of_columns(candidates, variables).values():
        if len(edge_variables) > 1:
            model.add_at_most_one(edge_variables)


# rule 2: lock pairs are partners
def _locks(
    model: cp_model.CpModel, candidates: Candidates, variables: PartnershipVariables
) -> None:
    """Locked pairs are partners (under `rotation: cycle` in at least one cycle)."""
    by_edge = _edges_of_columns(candidates, variables)
    for edge in candidates.locks:
        options = by_edge.get(edge, [])
        if not options:
            model.add_bool_or([])  # nothing can hold this lock: no plan exists
        elif len(candidates.periods) == 1:
            model.add_exactly_one(options)
        else:
            model.add_bool_or(options)


# rule 7: max_release, release_budget (forced covers only; limits from roster.facts)
def add_forced_releases(
    model: cp_model.CpModel, candidates: Candidates, variables: PartnershipVariables
) -> None:
    """rule 7: max_release, release_budget, over the covers partnerships must pay whatever the
    slots (the relaxation's form of the rule)."""
    per_teacher: dict[str, list[tuple[cp_model.IntVar, int]]] = {}
    per_school: dict[str, list[tuple[cp_model.IntVar, int]]] = {}
    for j, column in enumerate(variables.columns):
        for teacher, count in column.releases:
            per_teacher.setdefault(teacher, []).append((variables.chosen[j], count))
        for school, count in column.school_releases:
            per_school.setdefault(school, []).append((variables.chosen[j], count))
    for limit in release_limits(candidates.roster, per_teacher, per_school):
        _knapsack(model, list(limit.items), limit.limit)


def _knapsack(
    model: cp_model.CpModel, terms: list[tuple[cp_model.IntVar, int]], limit: int
) -> None:
    """Σ count·x <= limit, divided by the counts' gcd with the limit rounded down (same whole
    solutions, a tighter LP)."""
    divisor = math.gcd(*(count for _, count in terms)) or 1
    model.add(sum((count // divisor) * var for var, count in terms) <= limit // divisor)

"""A tighter sabbatical bound for coaches who are also peers: their own visit needs a free slot.

A coach who is also partnered visits its partner once a cycle, in a free slot of its own or with a
cover. Where every partner the coach may have in a plan better than the best so far offers it an
uncovered slot, the relaxation counted no cover for that visit, so the coach's free slot can be
reserved in the sabbatical bound; the bound stays valid as long as every plan that could beat the
best keeps those coaches partnered, which CP-SAT proves (or the tighter bound is not used).
"""

from __future__ import annotations

from pairwise.engine.candidates import Candidates
from pairwise.engine.lp_bound import LinearBound, prune
from pairwise.engine.relaxation import column_model
from pairwise.engine.search import FULL_LP, SearchSettings, run_search


def coach_reservations(
    candidates: Candidates,
    linear: LinearBound,
    threshold: int,
    *,
    reciprocal: bool,
    cover: int,
) -> dict[tuple[str, str], int]:
    """(coach, cycle) -> the cover its own visit would cost, for each coach whose every possible
    partner in a plan worth at least `threshold` (peer part) offers it an uncovered slot."""
    if not reciprocal or not cover:
        return {}
    # a plan worth at least the threshold has every column among these (see `lp_bound.prune`)
    columns = prune(candidates, linear, threshold)
    partners: dict[tuple[str, str], set[str]] = {}
    for column in columns:
        for member in column.members:
            others = partners.setdefault((column.period, member), set())
            others.update(m for m in column.members if m != member)
    reserved = {}
    for coach in candidates.coaches:
        for period in candidates.periods:
            possible = partners.get((period.id, coach))
            if not possible:
                continue
            for cycle in period.cycles:
                forced = [candidates.forced_cover(coach, p, cycle) for p in sorted(possible)]
                if not any(cost for cost in forced if cost is not None):
                    reserved[coach, cycle] = cover
    return reserved


def coaches_stay_partnered(
    candidates: Candidates,
    linear: LinearBound,
    threshold: int,
    reserved: dict[tuple[str, str], int],
    settings: SearchSettings,
    seconds: float,
) -> bool:
    """Whether no plan whose peer part reaches `threshold` leaves a reserving coach unpaired
    (proven infeasible by CP-SAT over the columns the LP cannot rule out)."""
    columns = prune(candidates, linear, threshold)
    model, variables = column_model(candidates, columns, lower_bound=threshold)
    period_of = {c: p.id for p in candidates.periods for c in p.cycles}
    keys = sorted({(period_of[cycle], coach) for coach, cycle in reserved})
    model.add(sum(variables.partnered(period, coach) for period, coach in keys) <= len(keys) - 1)
    outcome = run_search(model, settings, seconds, linearization=FULL_LP)
    return outcome.status == "infeasible"

"""What a multi-year rotation chooses from: its records, each rotation period's admissible pairs and
triads (from the engine's candidates and columns), and the covers each forces.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import networkx as nx

from pairwise.engine.candidates import Candidates
from pairwise.engine.columns import pair_columns, triad_column
from pairwise.errors import PairwiseError
from pairwise.result import Result
from pairwise.roster.models import Roster
from pairwise.roster.objective import Scoring
from pairwise.roster.rollover import projected_roster

Group = tuple[str, ...]
"""A partnership's members (2 or 3), in roster order."""


class Releases(NamedTuple):
    """A partnership's forced covers per member and per school (`Column.releases`,
    `school_releases`)."""

    teachers: tuple[tuple[str, int], ...]
    schools: tuple[tuple[str, int], ...]


class TriadOption(NamedTuple):
    """An admissible triad of a rotation period and the covers its ring of visits needs at least."""

    triad: Group
    covers: int


class PeriodCycles(NamedTuple):
    """A rotation period and the cycles it spans."""

    id: str
    cycles: tuple[str, ...]


MAX_TRIADS_PER_PERIOD = 3_000
"""Triads kept per rotation period, the best by score: a 57-teacher school has 26,000 admissible
ones, and a rotation needs one per period; beyond a few thousand the model only grows slower."""
"""Shares of the rotation's time for each year's fewest unpaired (each distinct year), the
objective, and the connectivity tie-break; fixed shares of deterministic time, not what the wall
clock leaves, so that the answer does not depend on the machine's load."""


class RotationError(PairwiseError):
    """No repeat-free rotation of the asked number of years; `years_possible` is the most there is."""

    def __init__(self, message: str, years_possible: int | None) -> None:
        super().__init__(message)
        self.years_possible = years_possible


@dataclass
class YearResult(Result):
    """One year's `Result`, with the derived roster its plan was solved and checked against
    (`roster`: the year's roster with the rotation's locks and avoids) and the year's own roster,
    rolled over from the year before (`year_roster`: what `rollover` makes of it)."""

    roster: Roster | None = None
    year: int = 0
    year_roster: Roster | None = None


@dataclass
class Rotation:
    """The rotation model's answer: per year, per rotation period, its partnerships."""

    years: list[int]
    periods: list[PeriodCycles]  # the same every year
    groups: list[list[list[Group]]]  # [year][period] -> partnerships
    objective: int
    bound: int | None  # None when the search proved nothing in its time (the greedy rotation)
    optimal: bool
    components: int  # of the cumulative network: the history and the rotation's pairs
    seconds: float = 0.0


@dataclass
class RotationContext:
    """What the rotation model needs about the roster, computed once."""

    roster: Roster
    participants: list[str]
    index: dict[str, int]
    school: dict[str, str]
    periods: list[PeriodCycles]
    pair_edges: dict[str, list[tuple[str, str]]]
    triads: dict[str, list[TriadOption]]  # per period
    pair_covers: dict[tuple[str, tuple[str, str]], int]  # (period, pair) -> forced covers
    locks: list[tuple[str, str]]
    releases: dict[tuple[str, Group], Releases]
    """Per (period, partnership): the covered visits its members and schools must make whatever
    the slots, which the engine bounds by `max_release` and `release_budget`."""
    year_rosters: dict[int, Roster] = field(default_factory=dict)

    def roster_for(self, year: int) -> Roster:
        """The roster as it stands in `year`, the years before rolled over with no plan (this
        year's requests, locks and continues gone, experience grown): what a year's pairs are
        worth then."""
        if year not in self.year_rosters:
            self.year_rosters[year] = projected_roster(self.roster, year)
        return self.year_rosters[year]


def rotation_context(roster: Roster) -> RotationContext:
    candidates = Candidates(roster, Scoring(roster))
    index = candidates.index
    policy = roster.policy
    periods = [PeriodCycles(period.id, period.cycles) for period in candidates.periods]
    # only partnerships the engine can take: a pair column exists when its visits can get slots
    # and its own forced covers fit the release limits (else a lock on it makes the year infeasible)
    releases: dict[tuple[str, Group], Releases] = {
        (column.period, column.members): Releases(column.releases, column.school_releases)
        for column in pair_columns(candidates)
    }
    pair_edges = {
        period_id: [e for e in candidates.pair_edges[period_id] if (period_id, e) in releases]
        for period_id, _ in periods
    }
    pair_covers: dict[tuple[str, tuple[str, str]], int] = {}
    for period_id, cycles in periods:
        for a, b in pair_edges[period_id]:
            pair_covers[period_id, (a, b)] = sum(
                _pair_cover(candidates, a, b, cycle, policy.reciprocal) for cycle in cycles
            )
    triads: dict[str, list[TriadOption]] = {period_id: [] for period_id, _ in periods}
    if policy.allow_triads:
        for period_id, cycles in periods:
            triads[period_id] = _triad_options(candidates, period_id, cycles, releases)
    locks = [
        candidates.edge(relation.a, relation.b)
        for relation in roster.relations
        if relation.kind == "lock"
    ]
    return RotationContext(
        roster=roster,
        participants=candidates.participants,
        index=index,
        school=candidates.school,
        periods=periods,
        pair_edges=pair_edges,
        triads=triads,
        pair_covers=pair_covers,
        locks=list(dict.fromkeys(locks)),
        releases=releases,
    )


def _pool(candidates: Candidates, teacher: str) -> str:
    """Where a teacher's triad counts: its school, or one pool when pairs may cross schools."""
    return "" if candidates.roster.policy.cross_school_pairs else candidates.school[teacher]


def _pools_needing_triads(candidates: Candidates, period_id: str) -> set[str]:
    """Pools where a triad can matter: an odd number of teachers who can be partnered, or pairs
    that cannot partner everyone (elsewhere a triad would leave someone unpaired)."""
    members: dict[str, set[str]] = {}
    edges = [*candidates.pair_edges[period_id], *candidates.triad_edges[period_id]]
    for a, b in edges:
        members.setdefault(_pool(candidates, a), set()).update((a, b))
    needing = set()
    for pool, teachers in members.items():
        if len(teachers) % 2:
            needing.add(pool)
            continue
        graph = nx.Graph()
        graph.add_nodes_from(teachers)
        graph.add_edges_from(e for e in candidates.pair_edges[period_id] if e[0] in teachers)
        if 2 * len(nx.max_weight_matching(graph, maxcardinality=True)) < len(teachers):
            needing.add(pool)
    return needing


def _triad_options(
    candidates: Candidates,
    period_id: str,
    cycles: Sequence[str],
    releases: dict[tuple[str, Group], Releases],
) -> list[TriadOption]:
    """A period's admissible triads (members in roster order, a ring of visits possible in every
    cycle, the engine has a column for it) with the covers their ring needs; the best
    `MAX_TRIADS_PER_PERIOD` by this year's score. Adds the triads' forced covers to `releases`."""
    index = candidates.index
    needing = _pools_needing_triads(candidates, period_id)
    edges = [e for e in candidates.triad_edges[period_id] if _pool(candidates, e[0]) in needing]
    neighbours: dict[str, set[str]] = {}
    for a, b in edges:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    score = candidates.edge_score
    ranked: list[tuple[int, tuple[int, int, int], Group]] = []
    for a, b in edges:
        for c in neighbours[a] & neighbours[b]:
            if index[c] > index[b]:
                value = score[a, b] + score[candidates.edge(a, c)] + score[candidates.edge(b, c)]
                ranked.append((-value, (index[a], index[b], index[c]), (a, b, c)))
    # twice the cap by score before covers are counted, which lower some
    ranked = heapq.nsmallest(2 * MAX_TRIADS_PER_PERIOD, ranked)
    period = next(p for p in candidates.periods if p.id == period_id)
    options: list[TriadOption] = []
    for _, _, triad in ranked:
        covers = _ring_cover(candidates, triad, cycles)
        if covers is None:
            continue
        column = triad_column(candidates, period, triad, candidates.school[triad[0]])
        if column is None:
            continue  # its ring cannot get distinct slots or needs more covers than allowed
        options.append(TriadOption(triad, covers))
        releases[period_id, triad] = Releases(column.releases, column.school_releases)
    return options


def _pair_cover(candidates: Candidates, a: str, b: str, cycle: str, reciprocal: bool) -> int:
    """Covers a pair's visits need at least in one cycle (each visit alone)."""
    forced = [candidates.forced_cover(a, b, cycle), candidates.forced_cover(b, a, cycle)]
    possible = [cover for cover in forced if cover is not None]
    return sum(possible) if reciprocal else min(possible, default=0)


def _ring_cover(candidates: Candidates, triad: Group, cycles: Sequence[str]) -> int | None:
    """Covers a triad's ring of visits needs at least over the cycles, None when no ring exists."""
    a, b, c = triad
    total = 0
    for cycle in cycles:
        best = None
        for ring in (((a, b), (b, c), (c, a)), ((a, c), (c, b), (b, a))):
            covers = [candidates.forced_cover(v, h, cycle) for v, h in ring]
            if all(cover is not None for cover in covers):
                value = sum(cover for cover in covers if cover is not None)
                best = value if best is None else min(best, value)
        if best is None:
            return None
        total += best
    return total

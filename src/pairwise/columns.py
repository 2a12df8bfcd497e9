"""Partnership options ("columns"): every admissible pair and triad per rotation period, with its value.

A column's `value` is its share of the objective when slots never clash: the partnership's pair
terms, minus `cover` for each visit that has no uncovered feasible slot, plus `unpaired` for each
member (who is then not unpaired). Summed over chosen columns plus `base_value()` it is the
relaxation's objective. Triads are too many to list at 150 teachers (half a million per school),
so they are enumerated with numpy and priced against LP duals, only the promising ones becoming
columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

import numpy as np

from pairwise.candidates import Candidates, Edge, RotationPeriod


@dataclass(frozen=True)
class Column:
    """One partnership a plan may contain: its members in one rotation period.

    `owner` is the school a triad counts against (its first member's); `releases` are the covered
    visits each member must make as visitor whatever the slots (pairs only; see `known_releases`).
    """

    period: str
    members: tuple[str, ...]
    owner: str
    value: int
    score: int = 0
    releases: tuple[tuple[str, int], ...] = ()

    @property
    def is_triad(self) -> bool:
        return len(self.members) == 3

    def edges(self, candidates: Candidates) -> list[Edge]:
        """The unordered pairs of members, in roster order."""
        m = self.members
        if len(m) == 2:
            return [candidates.edge(m[0], m[1])]
        return [
            candidates.edge(m[0], m[1]),
            candidates.edge(m[1], m[2]),
            candidates.edge(m[0], m[2]),
        ]

    @property
    def key(self) -> tuple[str, tuple[str, ...], str]:
        return (self.period, self.members, self.owner)


def base_value(candidates: Candidates) -> int:
    """The objective with nobody partnered: `unpaired` for every participant and rotation period."""
    weights = candidates.roster.policy.weights
    return -weights.unpaired * len(candidates.participants) * len(candidates.periods)


def pair_visit_covers(candidates: Candidates, edge: Edge, period: RotationPeriod) -> int:
    """Covers a pair must pay over its rotation period, whatever slots its visits take."""
    a, b = edge
    total = 0
    for cycle in period.cycles:
        forward = candidates.forced_cover(a, b, cycle)
        backward = candidates.forced_cover(b, a, cycle)
        if candidates.roster.policy.reciprocal:
            total += (forward or 0) + (backward or 0)
        else:
            total += min(cost for cost in (forward, backward) if cost is not None)
    return total


def triad_edge_covers(candidates: Candidates, edge: Edge, period: RotationPeriod) -> int:
    """Covers of one triad edge's visit per cycle, taken the cheaper way round (a lower bound)."""
    a, b = edge
    total = 0
    for cycle in period.cycles:
        costs = [
            cost
            for cost in (candidates.forced_cover(a, b, cycle), candidates.forced_cover(b, a, cycle))
            if cost is not None
        ]
        total += min(costs)
    return total


def ring_covers(
    candidates: Candidates, members: tuple[str, ...], period: RotationPeriod
) -> int | None:
    """Covers a triad's ring needs over its period at least (best direction per cycle), None if none."""
    a, b, c = members
    total = 0
    for cycle in period.cycles:
        best: int | None = None
        for ring in ((a, b, c), (a, c, b)):
            cost: int | None = 0
            for visitor, host in ((ring[0], ring[1]), (ring[1], ring[2]), (ring[2], ring[0])):
                forced = candidates.forced_cover(visitor, host, cycle)
                if forced is None or cost is None:
                    cost = None
                    break
                cost += forced
            if cost is not None and (best is None or cost < best):
                best = cost
        if best is None:
            return None
        total += best
    return total


def known_releases(candidates: Candidates, edge: Edge, period: RotationPeriod) -> dict[str, int]:
    """Covered visits each member of a pair must make as visitor over the period, at least."""
    a, b = edge
    releases: dict[str, int] = {}
    for cycle in period.cycles:
        forward = candidates.forced_cover(a, b, cycle)
        backward = candidates.forced_cover(b, a, cycle)
        if candidates.roster.policy.reciprocal:
            for visitor, cost in ((a, forward), (b, backward)):
                if cost:
                    releases[visitor] = releases.get(visitor, 0) + cost
        elif forward is None and backward:
            releases[b] = releases.get(b, 0) + backward
        elif backward is None and forward:
            releases[a] = releases.get(a, 0) + forward
    return releases


def pair_columns(candidates: Candidates) -> list[Column]:
    """Every admissible pair in every rotation period, in period then roster order."""
    if "pair_columns" not in candidates.memo:
        candidates.memo["pair_columns"] = _pair_columns(candidates)
    return list(cast(list[Column], candidates.memo["pair_columns"]))


def _pair_columns(candidates: Candidates) -> list[Column]:
    roster = candidates.roster
    weights = roster.policy.weights
    budget = roster.policy.release_budget
    columns = []
    for period in candidates.periods:
        for edge in candidates.pair_edges[period.id]:
            covers = pair_visit_covers(candidates, edge, period)
            releases = known_releases(candidates, edge, period)
            if any(
                _release_limit(roster.teacher_by_id[teacher].max_release) < count
                for teacher, count in releases.items()
            ):
                continue  # a member would need more covered visits than it may ever make
            if budget is not None and any(
                sum(count for t, count in releases.items() if candidates.school[t] == school)
                > budget
                for school in {candidates.school[t] for t in releases}
            ):
                continue
            columns.append(
                Column(
                    period.id,
                    edge,
                    candidates.school[edge[0]],
                    candidates.edge_score[edge] - weights.cover * covers + 2 * weights.unpaired,
                    candidates.edge_score[edge],
                    tuple((teacher, releases[teacher]) for teacher in edge if teacher in releases),
                )
            )
    return columns


def _release_limit(max_release: int | None) -> float:
    return float("inf") if max_release is None else max_release


def triad_column(
    candidates: Candidates, period: RotationPeriod, members: tuple[str, ...], owner: str
) -> Column | None:
    """The column of a triad (members in roster order, the owner school's member first), or None
    when its ring cannot visit in some cycle."""
    covers = ring_covers(candidates, members, period)
    if covers is None:
        return None
    weights = candidates.roster.policy.weights
    score = sum(candidates.edge_score[candidates.edge(a, b)] for a, b in _triangle(members))
    ordered = sorted(
        members,
        key=lambda t: (candidates.school[t] != owner, candidates.index[t]),
    )
    return Column(
        period.id,
        tuple(ordered),
        owner,
        score - weights.cover * covers + 3 * weights.unpaired,
        score,
    )


def _triangle(members: tuple[str, ...]) -> list[tuple[str, str]]:
    a, b, c = members
    return [(a, b), (b, c), (a, c)]


def triad_owners(candidates: Candidates, members: tuple[str, ...]) -> list[str]:
    """Schools a triad may count against: its members' schools (one unless cross-school pairs)."""
    seen: dict[str, None] = {}
    for teacher in sorted(members, key=candidates.index.__getitem__):
        seen.setdefault(candidates.school[teacher], None)
    return list(seen)


@dataclass
class TriadSpace:
    """All triads of one rotation period and group (a school, or everyone with cross-school pairs)
    as a dense matrix of optimistic edge values, for enumeration with numpy."""

    period: RotationPeriod
    teachers: list[str]
    weight: np.ndarray  # optimistic edge value (score - cover * cheaper-way covers), -inf if none
    owner_school: list[str]

    def enumerate(
        self,
        edge_adjustment: np.ndarray,
        node_adjustment: np.ndarray,
        school_adjustment: np.ndarray,
        threshold: float,
    ) -> Iterator[tuple[int, int, int, float]]:
        """Triads (i < j < k indices) whose adjusted value reaches `threshold`, with that value.

        Adjusted value: the three edge weights minus `edge_adjustment`, minus the members'
        `node_adjustment`, minus the smallest `school_adjustment` among the members.
        """
        weight = self.weight - edge_adjustment
        n = len(self.teachers)
        for i in range(n - 2):
            row = weight[i, i + 1 :]
            if not np.isfinite(row).any():
                continue
            block = weight[i + 1 :, i + 1 :]
            values = row[:, None] + row[None, :] + block
            values = values - node_adjustment[i] - node_adjustment[i + 1 :][:, None]
            values = values - node_adjustment[i + 1 :][None, :]
            school = np.minimum(school_adjustment[i], school_adjustment[i + 1 :])
            values = values - np.minimum(school[:, None], school[None, :])
            upper = np.triu(np.ones(values.shape, dtype=bool), k=1)
            hits = np.argwhere(upper & (values >= threshold))
            for j, k in hits:
                yield i, int(i + 1 + j), int(i + 1 + k), float(values[j, k])


def triad_spaces(candidates: Candidates) -> list[TriadSpace]:
    """One triad space per rotation period and school (one per period with cross-school pairs)."""
    if "triad_spaces" not in candidates.memo:
        candidates.memo["triad_spaces"] = _triad_spaces(candidates)
    return list(cast(list[TriadSpace], candidates.memo["triad_spaces"]))


def _triad_spaces(candidates: Candidates) -> list[TriadSpace]:
    if not candidates.roster.policy.allow_triads:
        return []
    weights = candidates.roster.policy.weights
    spaces = []
    cross_school = candidates.roster.policy.cross_school_pairs
    for period in candidates.periods:
        edges = candidates.triad_edges[period.id]
        groups: dict[str, list[str]] = {}
        degree: dict[str, int] = {}
        for a, b in edges:
            degree[a] = degree.get(a, 0) + 1
            degree[b] = degree.get(b, 0) + 1
        for teacher in candidates.participants:
            if degree.get(teacher, 0) >= 2:
                group = "" if cross_school else candidates.school[teacher]
                groups.setdefault(group, []).append(teacher)
        for teachers in groups.values():
            if len(teachers) < 3:
                continue
            position = {teacher: i for i, teacher in enumerate(teachers)}
            matrix = np.full((len(teachers), len(teachers)), -np.inf)
            for edge in edges:
                a, b = edge
                if a in position and b in position:
                    value = candidates.edge_score[edge] - weights.cover * triad_edge_covers(
                        candidates, edge, period
                    )
                    matrix[position[a], position[b]] = matrix[position[b], position[a]] = value
            spaces.append(
                TriadSpace(period, teachers, matrix, [candidates.school[t] for t in teachers])
            )
    return spaces

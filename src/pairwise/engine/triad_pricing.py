"""Triad columns priced against the LP's duals: every triangle of a school enumerated with numpy.

Triads are too many to list (half a million per school at 150 teachers, 85 million at 800): the
LP bound (`lp_bound.py`) asks here for the triads whose reduced cost reaches a threshold. Their
optimistic values (each edge's visits counted the cheaper way round, a blossom's dual shared over
its edges) are enumerated over the triad space's dense matrix of edge values, best first; each
hit becomes a column whose exact reduced cost decides.
"""

from __future__ import annotations

import itertools

import numpy as np

from pairwise.engine.candidates import Candidates
from pairwise.engine.columns import Column, TriadSpace, triad_column, triad_owners
from pairwise.engine.lp_terms import TOLERANCE, Duals, owner_parity_coefficient, reduced_cost

_MARGIN = 1e-6
"""Slack for rounding in the skipping test of `triad_hits` (the values kept are computed exactly)."""
_HEAVY_CHUNK = 256
"""Heavy edges whose triangles are looked at together (a chunk × teachers matrix)."""
HIT_POOL = 2_000
"""With a limit on the triads wanted, the best this many optimistic hits of a space are kept (a
round of column generation early on, duals still low, can have millions)."""
_SEED_EDGES = 50
"""`seed_triads` looks for a third member of this many of a space's best edges."""
_SEEDS_PER_SCHOOL = 3
"""`seed_triads` keeps at most this many triads per space and owner school."""


def _adjustments(
    candidates: Candidates, space: TriadSpace, duals: Duals, unpaired: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per edge, node and owner school: what a triad's pricing subtracts (optimistic for blossoms,
    a third of a blossom's dual per edge inside it)."""
    period = space.period.id
    n = len(space.teachers)
    edge = np.zeros((n, n))
    position = {teacher: i for i, teacher in enumerate(space.teachers)}
    for (a, b), value in duals.edge.items():
        if value and a in position and b in position:
            edge[position[a], position[b]] = edge[position[b], position[a]] = value
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


def triad_hits(
    space: TriadSpace,
    edge_adjustment: np.ndarray,
    node_adjustment: np.ndarray,
    school_adjustment: np.ndarray,
    threshold: float,
    pool: int | None,
) -> list[tuple[int, int, int, float]]:
    """The triads (i < j < k) whose adjusted value reaches `threshold`, with that value: the
    three edge weights less `edge_adjustment`, less the members' `node_adjustment`, less the
    smallest `school_adjustment` among them. Best value first, ties in (i, j, k) order; with
    `pool`, only the first `pool` of them.

    A triad's value is the sum of its edges' e_ab = w_ab - (node_a + node_b) / 2 less its school
    adjustment, so one that reaches the threshold has an edge worth a third of the threshold plus
    the least school adjustment: when few edges are that heavy (late rounds, duals near their
    optimum), only the triangles on them are looked at; otherwise every triangle is."""
    weight = space.weight - edge_adjustment
    n = len(space.teachers)
    if n < 3 or not np.isfinite(weight).any():
        return []
    least_school = float(school_adjustment.min())
    split = weight - (node_adjustment[:, None] + node_adjustment[None, :]) / 2
    heavy = np.argwhere(np.triu(split >= (threshold + least_school) / 3 - _MARGIN, k=1))
    if len(heavy) <= n * n // 4:
        hits = _hits_on_heavy_edges(
            weight, split, node_adjustment, school_adjustment, threshold, heavy, pool
        )
    else:
        hits = _every_triangle(weight, node_adjustment, school_adjustment, threshold, pool)
    if not hits.shape[1]:
        return []
    hits = _best(hits, pool)
    return [
        (int(i), int(j), int(k), -float(value))
        for value, i, j, k in zip(*hits.tolist(), strict=True)
    ]


def _values(
    weight: np.ndarray,
    node: np.ndarray,
    school: np.ndarray,
    i: np.ndarray,
    j: np.ndarray,
    k: np.ndarray,
) -> np.ndarray:
    """Triads' adjusted values, i < j < k, in `_every_triangle`'s order of operations."""
    values = weight[i, j] + weight[i, k] + weight[j, k]
    values = values - node[i] - node[j]
    values = values - node[k]
    least: np.ndarray = values - np.minimum(
        np.minimum(school[i], school[j]), np.minimum(school[i], school[k])
    )
    return least


def _hits_on_heavy_edges(
    weight: np.ndarray,
    split: np.ndarray,
    node: np.ndarray,
    school: np.ndarray,
    threshold: float,
    heavy: np.ndarray,
    pool: int | None,
) -> np.ndarray:
    """Hits (rows: minus value, i, j, k) among the triangles whose heaviest edge (by `split`) is
    one of the `heavy` edges; with `pool`, about the best `pool`."""
    n = len(node)
    least_school = float(school.min())
    found: list[np.ndarray] = []
    held = 0
    for chunk in range(0, len(heavy), _HEAVY_CHUNK):
        a, b = heavy[chunk : chunk + _HEAVY_CHUNK].T
        heaviest = split[a, b][:, None]
        first, second = split[a], split[b]
        # the other two edges make up what the heavy one leaves, and weigh no more than it
        need = threshold + least_school - heaviest - _MARGIN
        fits = (first + second >= need) & (first <= heaviest) & (second <= heaviest)
        edge, third = np.nonzero(fits)
        if not len(edge):
            continue
        triple = np.sort(np.stack([a[edge], b[edge], third]), axis=0)
        values = _values(weight, node, school, triple[0], triple[1], triple[2])
        keep = values >= threshold
        found.append(np.stack([-values[keep], *triple[:, keep]]).astype(float))
        held += int(keep.sum())
        if pool is not None and held > 2 * pool:
            found = [_best(_distinct(np.concatenate(found, axis=1), n), pool)]
            held = found[0].shape[1]
            threshold = max(threshold, -float(found[0][0, -1]))
    if not found:
        return np.zeros((4, 0))
    return _distinct(np.concatenate(found, axis=1), n)


def _distinct(hits: np.ndarray, n: int) -> np.ndarray:
    """Hits without repeats (a triangle whose two heaviest edges tie is found from both)."""
    keys = (hits[1].astype(np.int64) * n + hits[2].astype(np.int64)) * n + hits[3].astype(np.int64)
    _unique, first = np.unique(keys, return_index=True)
    return hits[:, np.sort(first)]


def _every_triangle(
    weight: np.ndarray,
    node_adjustment: np.ndarray,
    school_adjustment: np.ndarray,
    threshold: float,
    pool: int | None,
) -> np.ndarray:
    """Hits (rows: minus value, i, j, k) over every triangle, row by row of the matrix; with
    `pool`, about the best `pool` (the threshold rises to the pool's worst as it fills)."""
    n = len(node_adjustment)
    finite = weight[np.isfinite(weight)]
    # value(i, j, k) <= r_j + r_k + (the best edge) - node_i - (the least school adjustment),
    # r_j = w_ij - node_j: j and k whose r cannot reach the threshold together are skipped
    best_edge = float(finite.max())
    least_school = float(school_adjustment.min())
    found: list[np.ndarray] = []
    held = 0
    for i in range(n - 2):
        full_row = weight[i, i + 1 :]
        reach = full_row - node_adjustment[i + 1 :]
        if not np.isfinite(reach).any():
            continue
        need = threshold + node_adjustment[i] + least_school - best_edge - _MARGIN
        near = np.flatnonzero(reach >= need - float(reach.max()))
        if len(near) < 2:
            continue
        row = full_row[near]
        others = i + 1 + near
        block = weight[np.ix_(others, others)]
        values = row[:, None] + row[None, :] + block
        values = values - node_adjustment[i] - node_adjustment[others][:, None]
        values = values - node_adjustment[others][None, :]
        school = np.minimum(school_adjustment[i], school_adjustment[others])
        values = values - np.minimum(school[:, None], school[None, :])
        j, k = np.nonzero((values >= threshold) & (near[:, None] < near[None, :]))  # j < k
        if not len(j):
            continue
        found.append(
            np.stack([-values[j, k], np.full(len(j), float(i)), others[j], others[k]]).astype(float)
        )
        held += len(j)
        if pool is not None and held > 2 * pool:
            found = [_best(np.concatenate(found, axis=1), pool)]
            held = pool
            threshold = max(threshold, -float(found[0][0, -1]))
    if not found:
        return np.zeros((4, 0))
    return np.concatenate(found, axis=1)


def _best(hits: np.ndarray, pool: int | None) -> np.ndarray:
    """Hits (rows: minus value, i, j, k) in order, the first `pool` of them."""
    order = np.lexsort((hits[3], hits[2], hits[1], hits[0]))
    return hits[:, order if pool is None else order[:pool]]


def price_triads(
    candidates: Candidates,
    spaces: list[TriadSpace],
    duals: Duals,
    threshold: float,
    limit: int | None,
    per_school: int | None = None,
) -> list[tuple[float, Column]]:
    """Triad columns whose exact reduced cost reaches `threshold`, best first (at most `limit`,
    and at most `per_school` for each school and rotation period: a plan holds one triad per
    school, and the LP's early duals, before any triad is listed, can make thousands pay; with
    `per_school`, the best `HIT_POOL` triangles of a space by optimistic value are looked at)."""
    unpaired = candidates.roster.policy.weights.unpaired
    found: list[tuple[float, Column]] = []
    for space in spaces:
        edge, node, school = _adjustments(candidates, space, duals, unpaired)
        pool = None if limit is None or per_school is None else HIT_POOL
        hits = triad_hits(space, edge, node, school, threshold - TOLERANCE, pool)
        enough = None if limit is None else 4 * limit
        if limit is not None and per_school is not None:
            enough = len(found) + min(4 * limit, 4 * per_school * len(set(space.owner_school)))
        for i, j, k, _optimistic in hits:
            members = (space.teachers[i], space.teachers[j], space.teachers[k])
            for owner in triad_owners(candidates, members):
                column = triad_column(candidates, space.period, members, owner)
                if column is None:
                    continue
                cost = reduced_cost(candidates, column, duals)
                if cost >= threshold - TOLERANCE:
                    found.append((cost, column))
            if enough is not None and len(found) >= enough:
                break
    found.sort(key=lambda item: -item[0])
    if per_school is not None:
        taken: dict[tuple[str, str], int] = {}
        capped = []
        for cost, column in found:
            key = (column.period, column.owner)
            if taken.get(key, 0) < per_school:
                taken[key] = taken.get(key, 0) + 1
                capped.append((cost, column))
        found = capped
    return found if limit is None else found[:limit]


def seed_triads(candidates: Candidates, spaces: list[TriadSpace]) -> list[Column]:
    """A few good triads per triad space and owner school, found cheaply: the best third member
    for each of the space's best edges. Listed from the start, they give the LP its binding
    one-triad-per-school row (with one triad only, the LP may bind its variable's bound instead),
    whose dual keeps the other triads from pricing in by the thousand."""
    seeds: list[Column] = []
    for space in spaces:
        n = len(space.teachers)
        if n < 3:
            continue
        weight = space.weight
        upper = np.where(np.triu(np.isfinite(weight), k=1), weight, -np.inf).ravel()
        best_edges = np.argsort(-upper, kind="stable")[:_SEED_EDGES]
        a, b = np.divmod(best_edges[np.isfinite(upper[best_edges])], n)
        if not len(a):
            continue
        third = weight[a] + weight[b]
        c = np.argmax(third, axis=1)
        total = upper[a * n + b] + third[np.arange(len(a)), c]
        found: dict[str, dict[tuple[str, ...], Column]] = {}
        for t in np.argsort(-total, kind="stable").tolist():
            if not np.isfinite(total[t]):
                break
            members = tuple(
                sorted(
                    (space.teachers[a[t]], space.teachers[b[t]], space.teachers[c[t]]),
                    key=candidates.index.__getitem__,
                )
            )
            for owner in triad_owners(candidates, members):
                chosen = found.setdefault(owner, {})
                if len(chosen) < _SEEDS_PER_SCHOOL and members not in chosen:
                    column = triad_column(candidates, space.period, members, owner)
                    if column is not None:
                        chosen[members] = column
        for chosen in found.values():
            seeds.extend(chosen.values())
    return seeds


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
        position = {teacher: i for i, teacher in enumerate(space.teachers)}
        finite = np.isfinite(space.weight)
        for a, b in candidates.locks:
            if a not in position or b not in position:
                continue
            for c in space.teachers:
                if c in (a, b):
                    continue
                group = {a, b, c}
                if any(not partners.get(member, set()) <= group for member in group):
                    continue
                members = tuple(sorted((a, b, c), key=candidates.index.__getitem__))
                if not all(
                    finite[position[x], position[y]] for x, y in itertools.combinations(members, 2)
                ):
                    continue
                for owner in triad_owners(candidates, members):
                    column = triad_column(candidates, space.period, members, owner)
                    if column is not None:
                        columns.append(column)
    unique = {column.key: column for column in columns}
    return list(unique.values())

"""Pair columns as numpy arrays, priced against the LP's duals all at once.

A large school has hundreds of thousands of admissible pairs (266,000 at 800 teachers); the LP
bound (`lp_bound.py`) lists only a few thousand of them and prices the rest here: the reduced
cost `d_j = c_j - π·A_j` of every pair column is one vectorised expression over arrays of the
pairs' members, values and forced covers. The arrays come from `pair_arrays`, read from the
candidates' pair tables (`pair_table.py`); only the columns the LP lists or the pruning keeps are
ever made into `Column` objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np

from pairwise.engine.candidates import Candidates
from pairwise.engine.columns import Column
from pairwise.engine.lp_terms import Duals, parity_limit
from pairwise.engine.pair_table import school_codes

FloatArray = np.ndarray
IndexArray = np.ndarray


@dataclass
class PairArrays:
    """Every pair column, one entry per column in `pair_columns` order (period, then roster).

    `first`/`second` are the members' roster indices (`candidates.index`, first < second),
    `period` an index into `candidates.periods`; `release_*` the covered visits each member must
    make as visitor (a column's `releases`), `school_*` indices into `candidates.schools` and
    `school_release_*` the covers counted against the school of each member (a same-school pair
    counts all its covers on `school_release_first`). `column(j)` is the `Column` itself, made
    when asked for (a large school's pair columns are never all made).
    """

    candidates: Candidates
    period: IndexArray
    first: IndexArray
    second: IndexArray
    value: FloatArray
    score: FloatArray
    release_first: FloatArray
    release_second: FloatArray
    school_first: IndexArray
    school_second: IndexArray
    school_release_first: FloatArray
    school_release_second: FloatArray
    made: dict[int, Column] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.value)

    def column(self, j: int) -> Column:
        """The pair column of entry j, as `columns.pair_columns` makes it."""
        if j not in self.made:
            candidates = self.candidates
            a, b = candidates.teachers[self.first[j]], candidates.teachers[self.second[j]]
            releases = ((a, int(self.release_first[j])), (b, int(self.release_second[j])))
            schools = (
                (candidates.schools[self.school_first[j]], int(self.school_release_first[j])),
                (candidates.schools[self.school_second[j]], int(self.school_release_second[j])),
            )
            self.made[j] = Column(
                candidates.periods[self.period[j]].id,
                (a, b),
                candidates.school[a],
                int(self.value[j]),
                int(self.score[j]),
                tuple(item for item in releases if item[1]),
                tuple(sorted(item for item in schools if item[1])),
            )
        return self.made[j]

    def keys(self, teachers: int) -> np.ndarray:
        """One integer per column: (period, first, second) packed, for looking columns up."""
        keys: np.ndarray = (self.period.astype(np.int64) * teachers + self.first) * teachers
        keys += self.second
        return keys


def pair_arrays(candidates: Candidates) -> PairArrays:
    """The pair columns as arrays, read from `candidates.pair_tables` (once per solve, kept in
    `candidates.memo`)."""
    if "pair_arrays" not in candidates.memo:
        candidates.memo["pair_arrays"] = _from_tables(candidates)
    return cast(PairArrays, candidates.memo["pair_arrays"])


_INTEGER_FIELDS = ("period", "first", "second", "school_first", "school_second")
_FIELDS = (
    *_INTEGER_FIELDS,
    "value",
    "score",
    "release_first",
    "release_second",
    "school_release_first",
    "school_release_second",
)


def _from_tables(candidates: Candidates) -> PairArrays:
    codes = school_codes(candidates)
    parts: dict[str, list[np.ndarray]] = {name: [] for name in _FIELDS}
    for p, table in enumerate(candidates.pair_tables):
        rows = table.column_rows()
        first, second = table.first[rows], table.second[rows]
        school_a, school_b = codes[first], codes[second]
        same = school_a == school_b
        covers = table.covers[rows]
        release_a, release_b = table.release_first[rows], table.release_second[rows]
        for name, array in (
            ("period", np.full(len(rows), p)),
            ("first", first),
            ("second", second),
            ("value", table.value[rows]),
            ("score", table.score[rows]),
            ("release_first", release_a),
            ("release_second", release_b),
            ("school_first", school_a),
            ("school_second", school_b),
            # a same-school pair's covers all count on its school, once
            ("school_release_first", np.where(same, covers, release_a)),
            ("school_release_second", np.where(same, 0, release_b)),
        ):
            parts[name].append(array)
    fields = {
        name: (np.concatenate(arrays) if arrays else np.zeros(0)).astype(
            np.int32 if name in _INTEGER_FIELDS else np.float64
        )
        for name, arrays in parts.items()
    }
    return PairArrays(
        candidates,
        period=fields["period"],
        first=fields["first"],
        second=fields["second"],
        value=fields["value"],
        score=fields["score"],
        release_first=fields["release_first"],
        release_second=fields["release_second"],
        school_first=fields["school_first"],
        school_second=fields["school_second"],
        school_release_first=fields["school_release_first"],
        school_release_second=fields["school_release_second"],
    )


def pair_reduced_costs(candidates: Candidates, pairs: PairArrays, duals: Duals) -> FloatArray:
    """`c_j - π·A_j` of every pair column, as `lp_bound.reduced_cost` computes it for one."""
    teachers = len(candidates.teachers)
    period_index = {period.id: p for p, period in enumerate(candidates.periods)}
    schools = candidates.schools
    school_index = {school: s for s, school in enumerate(schools)}
    cost = pairs.value.copy()
    if duals.degree:
        degree = np.zeros((len(period_index), teachers))
        for (period, teacher), value in duals.degree.items():
            degree[period_index[period], candidates.index[teacher]] = value
        cost -= degree[pairs.period, pairs.first] + degree[pairs.period, pairs.second]
    if duals.parity:
        # a pair's coefficient in a school's parity cut is its members in that school
        parity = np.zeros((len(period_index), len(schools)))
        for (period, school), value in duals.parity.items():
            if parity_limit(candidates, period, school) is not None:
                parity[period_index[period], school_index[school]] = value
        cost -= parity[pairs.period, pairs.school_first] + parity[pairs.period, pairs.school_second]
    edges = [(edge, value) for edge, value in duals.edge.items() if value]
    if edges:
        cost -= _edge_terms(candidates, pairs, edges)
    if duals.release_teacher:
        release = np.zeros(teachers)
        for teacher, value in duals.release_teacher.items():
            release[candidates.index[teacher]] = value
        cost -= pairs.release_first * release[pairs.first]
        cost -= pairs.release_second * release[pairs.second]
    if duals.release_school:
        school_release = np.zeros(len(schools))
        for school, value in duals.release_school.items():
            school_release[school_index[school]] = value
        cost -= pairs.school_release_first * school_release[pairs.school_first]
        cost -= pairs.school_release_second * school_release[pairs.school_second]
    for blossom, value in duals.blossom.items():
        if not value:
            continue
        # a pair's coefficient in an odd-set cut is 1 when both members are inside
        inside = np.zeros(teachers, dtype=bool)
        inside[[candidates.index[t] for t in blossom.members]] = True
        mask = (pairs.period == period_index[blossom.period]) & inside[pairs.first]
        cost[mask & inside[pairs.second]] -= value
    return cost


def _edge_terms(
    candidates: Candidates, pairs: PairArrays, edges: list[tuple[tuple[str, str], float]]
) -> FloatArray:
    """Per pair column, the dual of its edge's row (no repeat, locks), whatever the period."""
    teachers = len(candidates.teachers)
    column_keys = pairs.first.astype(np.int64) * teachers + pairs.second
    edge_keys = np.array(
        [candidates.index[a] * teachers + candidates.index[b] for (a, b), _ in edges],
        dtype=np.int64,
    )
    values = np.array([value for _, value in edges])
    order = np.argsort(edge_keys)
    edge_keys, values = edge_keys[order], values[order]
    position = np.clip(np.searchsorted(edge_keys, column_keys), 0, len(edge_keys) - 1)
    terms: FloatArray = np.where(edge_keys[position] == column_keys, values[position], 0.0)
    return terms


def best_per_teacher(candidates: Candidates, pairs: PairArrays, count: int) -> IndexArray:
    """Indices of each teacher's `count` best-valued pair columns per rotation period (ties by
    column order), sorted."""
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.int64)
    index = np.arange(len(pairs))
    both = np.concatenate([index, index])
    owner = np.concatenate([pairs.first, pairs.second]).astype(np.int64)
    group = (
        np.concatenate([pairs.period, pairs.period]).astype(np.int64) * len(candidates.teachers)
        + owner
    )
    value = np.concatenate([pairs.value, pairs.value])
    order = np.lexsort((both, -value, group))
    grouped = group[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    return np.unique(both[order[rank < count]])


def lookup(candidates: Candidates, pairs: PairArrays, columns: Sequence[Column]) -> IndexArray:
    """Indices of the given pair columns in the arrays (columns not there are left out)."""
    teachers = len(candidates.teachers)
    period_index = {period.id: p for p, period in enumerate(candidates.periods)}
    wanted = [
        (period_index[c.period] * teachers + candidates.index[a]) * teachers + candidates.index[b]
        for c in columns
        if not c.is_triad and c.period in period_index
        for a, b in [candidates.edge(*c.members)]
    ]
    if not wanted or len(pairs) == 0:
        return np.zeros(0, dtype=np.int64)
    keys = pairs.keys(teachers)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    targets = np.array(wanted, dtype=np.int64)
    position = np.clip(np.searchsorted(sorted_keys, targets), 0, len(sorted_keys) - 1)
    found = sorted_keys[position] == targets
    return np.unique(order[position[found]])

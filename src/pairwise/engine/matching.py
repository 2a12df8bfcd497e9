"""A quick good choice of partnerships: maximum-weight matching (NetworkX, exact for pairs alone),
locks placed first, then the best triad per school that takes in a teacher left over.

It seeds the exact relaxation with a hint and gives the LP pruning its threshold; it is never
trusted for optimality.
"""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx
import numpy as np

from pairwise.engine.candidates import Candidates, Edge
from pairwise.engine.columns import Column, ColumnMaker, base_value, triad_column
from pairwise.engine.pair_table import PairTable, school_codes
from pairwise.roster.facts import releases_over


def greedy_partnerships(
    candidates: Candidates, columns: list[Column] | None = None
) -> list[Column] | None:
    """Partnerships for every rotation period that keep every rule of the relaxation, or None.

    When the matching spends more forced covers than `max_release` or `release_budget` allow, the
    pairs needing them are dropped (first those of the teachers or schools over their limit, then
    all) and the matching is redone.

    `columns` are the pair columns; without them the matching is read from the pair tables
    (`candidates.pair_tables`): the same partnerships, with `Column` objects made only for the
    pairs chosen (the graph is given the same edges in the same order).
    """
    if columns is None:
        return _from_tables(candidates, maximum=True)
    return _partnerships(candidates, columns, _maximum_weight)


def quick_partnerships(
    candidates: Candidates, columns: list[Column] | None = None
) -> list[Column] | None:
    """`greedy_partnerships` with the best-valued free pair taken first instead of a maximum-weight
    matching: near-linear in the pairs (the matching is cubic in the teachers), for the plan a
    large roster must have before the exact phases start.

    `columns` are the pair columns; without them the choice is read from the pair tables
    (`candidates.pair_tables`), the same choice with `Column` objects made only for the pairs
    chosen."""
    if columns is None:
        return _from_tables(candidates, maximum=False)
    return _partnerships(candidates, columns, _best_first)


Matcher = Callable[[list[tuple[int, Edge]]], list[Edge]]
"""Chooses disjoint pairs from (value, pair) entries given in period then roster order."""


def _maximum_weight(weighted: list[tuple[int, Edge]]) -> list[Edge]:
    graph = nx.Graph()
    for value, (a, b) in weighted:
        graph.add_edge(a, b, weight=value)
    return list(nx.max_weight_matching(graph))


def _best_first(weighted: list[tuple[int, Edge]]) -> list[Edge]:
    order = sorted(range(len(weighted)), key=lambda i: -weighted[i][0])  # stable: roster order
    taken: set[str] = set()
    chosen = []
    for i in order:
        value, (a, b) = weighted[i]
        if value <= 0:
            break
        if a in taken or b in taken:
            continue
        taken.update((a, b))
        chosen.append((a, b))
    return chosen


def _partnerships(
    candidates: Candidates, columns: list[Column], matcher: Matcher
) -> list[Column] | None:
    excluded: set[tuple[str, Edge]] = set()
    for attempt in range(4):
        chosen = _match(candidates, columns, excluded, matcher)
        if chosen is None:
            return None
        teachers_over, schools_over = _over_release(candidates, chosen)
        if not teachers_over and not schools_over:
            return chosen
        for column in columns:
            if (column.releases or column.school_releases) and (
                attempt == 2
                or any(teacher in teachers_over for teacher, _count in column.releases)
                or any(school in schools_over for school, _count in column.school_releases)
            ):
                excluded.add((column.period, candidates.edge(*column.members)))
    return None


def _match(
    candidates: Candidates,
    columns: list[Column],
    excluded: set[tuple[str, Edge]],
    matcher: Matcher,
) -> list[Column] | None:
    pairs: dict[tuple[str, Edge], Column] = {}
    for column in columns:
        if not column.is_triad:
            pairs[column.period, candidates.edge(*column.members)] = column
    used: set[Edge] = set()
    locks_open = list(candidates.locks)
    chosen: list[Column] = []
    for period in candidates.periods:
        taken: set[str] = set()
        period_columns: list[Column] = []
        for edge in list(locks_open):
            lock_column = pairs.get((period.id, edge))
            if lock_column is None or edge in used or taken & set(edge):
                continue
            period_columns.append(lock_column)
            taken.update(edge)
            locks_open.remove(edge)
        weighted = [
            (column.value, edge)
            for (period_id, edge), column in pairs.items()
            if period_id == period.id
            and edge not in used
            and not taken & set(edge)
            and (period_id, edge) not in excluded
        ]
        matching = matcher(weighted)
        for a, b in sorted(candidates.edge(a, b) for a, b in matching):
            period_columns.append(pairs[period.id, (a, b)])
            taken.update((a, b))
        period_columns = _add_triads(candidates, period.id, period_columns, taken, used)
        for column in period_columns:
            used.update(column.edges(candidates))
        chosen.extend(period_columns)
    if locks_open:
        return None
    return chosen


def _add_triads(
    candidates: Candidates,
    period_id: str,
    period_columns: list[Column],
    taken: set[str],
    used: set[Edge],
) -> list[Column]:
    """Per school, turn the best pair plus a teacher left over into a triad when that pays."""
    if not candidates.roster.policy.allow_triads:
        return period_columns
    period = next(p for p in candidates.periods if p.id == period_id)
    left_over = [t for t in candidates.participants if t not in taken]
    triad_edges = _triad_edges_touching(candidates, period_id, left_over)
    best_by_school: dict[str, tuple[int, Column, Column]] = {}
    for teacher in left_over:
        for column in period_columns:
            if column.is_triad:
                continue
            a, b = column.members
            edges = [candidates.edge(teacher, a), candidates.edge(teacher, b)]
            if any(edge not in triad_edges or edge in used for edge in edges):
                continue
            members = tuple(sorted((teacher, a, b), key=candidates.index.__getitem__))
            owner = candidates.school[members[0]]
            triad = triad_column(candidates, period, members, owner)
            if triad is None:
                continue
            gain = triad.value - column.value
            current = best_by_school.get(owner)
            if gain > 0 and (current is None or gain > current[0]):
                best_by_school[owner] = (gain, triad, column)
    if candidates.roster.policy.cross_school_pairs:
        # the owner school's partnered count must be odd; keep it simple: same-school triads only
        best_by_school = {
            school: entry
            for school, entry in best_by_school.items()
            if len({candidates.school[t] for t in entry[1].members}) == 1
            and _partnered_in(candidates, school, period_columns, entry) % 2 == 1
        }
    replaced = {entry[2].key for entry in best_by_school.values()}
    members_used: set[str] = set()
    result = [column for column in period_columns if column.key not in replaced]
    for _gain, triad, _pair in best_by_school.values():
        if members_used & set(triad.members):
            continue
        members_used.update(triad.members)
        result.append(triad)
    return result


def _triad_edges_touching(candidates: Candidates, period_id: str, teachers: list[str]) -> set[Edge]:
    """The period's triad edges (`candidates.triad_edges`) with a member among `teachers`: the
    only ones `_add_triads` asks about. Read from the pair table, not a set of every triad edge
    (4 million of a 3,000-teacher district with cross-school pairs: some 400 MiB)."""
    table = next((t for t in candidates.pair_tables if t.period.id == period_id), None)
    if table is None:  # candidates without pair tables list their triad edges only
        return set(candidates.triad_edges[period_id])
    touching = np.zeros(len(candidates.teachers), dtype=bool)
    touching[[candidates.index[t] for t in teachers]] = True
    rows = np.flatnonzero(table.triad & (touching[table.first] | touching[table.second]))
    names = candidates.teachers
    return {
        (names[i], names[j])
        for i, j in zip(table.first[rows].tolist(), table.second[rows].tolist(), strict=True)
    }


def _partnered_in(
    candidates: Candidates,
    school: str,
    period_columns: list[Column],
    entry: tuple[int, Column, Column],
) -> int:
    _gain, triad, pair = entry
    count = 0
    for column in [*period_columns, triad]:
        if column.key == pair.key:
            continue
        count += sum(1 for t in column.members if candidates.school[t] == school)
    return count


def _over_release(candidates: Candidates, chosen: list[Column]) -> tuple[set[str], set[str]]:
    """Teachers over `max_release` and schools over `release_budget` in forced covers."""
    per_teacher: dict[str, int] = {}
    per_school: dict[str, int] = {}
    for column in chosen:
        for teacher, count in column.releases:
            per_teacher[teacher] = per_teacher.get(teacher, 0) + count
        for school, count in column.school_releases:
            per_school[school] = per_school.get(school, 0) + count
    over = releases_over(candidates.roster, per_teacher, per_school)
    teachers_over = {limit.name for limit in over if limit.kind == "teacher"}
    schools_over = {limit.name for limit in over if limit.kind == "school"}
    return teachers_over, schools_over


# --- the best-first choice on the pair tables (no Column object but those chosen) --------------


def _from_tables(candidates: Candidates, *, maximum: bool) -> list[Column] | None:
    """`_partnerships` with `_maximum_weight` (`maximum`) or `_best_first`, read from
    `candidates.pair_tables`: the same choice, with `Column` objects made only for the pairs
    chosen."""
    excluded = [np.zeros(len(table.first), dtype=bool) for table in candidates.pair_tables]
    for attempt in range(4):
        chosen = _match_tables(candidates, excluded, maximum)
        if chosen is None:
            return None
        teachers_over, schools_over = _over_release(candidates, chosen)
        if not teachers_over and not schools_over:
            return chosen
        over_teacher = np.array([t in teachers_over for t in candidates.teachers], dtype=bool)
        codes = school_codes(candidates)
        over_school = np.array([s in schools_over for s in candidates.schools], dtype=bool)[codes]
        for table, mask in zip(candidates.pair_tables, excluded, strict=True):
            a, b = table.first, table.second
            has_a, has_b = table.release_first > 0, table.release_second > 0
            same = codes[a] == codes[b]
            school = np.where(
                same,
                (table.covers > 0) & over_school[a],
                (has_a & over_school[a]) | (has_b & over_school[b]),
            )
            teacher = (has_a & over_teacher[a]) | (has_b & over_teacher[b])
            releasing = has_a | has_b | (table.covers > 0)
            hit = releasing & (attempt == 2 or teacher | school)
            mask |= table.column & hit
    return None


def _rows_of(table: PairTable, teachers: int, edges: list[tuple[int, int]]) -> np.ndarray:
    """Per row of the table, whether its pair is one of `edges` (index pairs, smaller first)."""
    if not edges:
        return np.zeros(len(table.first), dtype=bool)
    keys = np.array([i * teachers + j for i, j in edges], dtype=np.int64)
    return np.isin(table.first.astype(np.int64) * teachers + table.second, keys)


def _match_tables(
    candidates: Candidates, excluded: list[np.ndarray], maximum: bool
) -> list[Column] | None:
    """`_match` on the tables (module doc of `_partnerships`), with `_maximum_weight` or
    `_best_first`."""
    index = candidates.index
    teachers = len(candidates.teachers)
    used: set[Edge] = set()
    locks_open = list(candidates.locks)
    chosen: list[Column] = []
    for table, out in zip(candidates.pair_tables, excluded, strict=True):
        period = table.period
        taken = np.zeros(teachers, dtype=bool)
        period_columns: list[Column] = []
        make = ColumnMaker(candidates, table)
        for edge in list(locks_open):
            row = table.row(index[edge[0]], index[edge[1]])
            if row is None or not table.column[row] or edge in used:
                continue
            if taken[index[edge[0]]] or taken[index[edge[1]]]:
                continue
            period_columns.append(make(row))
            taken[[index[edge[0]], index[edge[1]]]] = True
            locks_open.remove(edge)
        used_rows = _rows_of(table, teachers, [(index[a], index[b]) for a, b in used])
        free = table.column & ~out & ~used_rows & ~taken[table.first] & ~taken[table.second]
        rows = np.flatnonzero(free)
        mark = taken.tolist()
        if maximum:
            picked = _maximum_weight_rows(candidates, table, rows)
            for row in picked:
                mark[int(table.first[row])] = mark[int(table.second[row])] = True
        else:
            picked = _best_first_rows(table, rows, mark)
        matched = [make(row) for row in picked]
        period_columns += sorted(matched, key=lambda column: column.members)
        taken_ids = {t for t, flag in zip(candidates.teachers, mark, strict=True) if flag}
        period_columns = _add_triads(candidates, period.id, period_columns, taken_ids, used)
        for column in period_columns:
            used.update(column.edges(candidates))
        chosen.extend(period_columns)
    if locks_open:
        return None
    return chosen


BEST_FIRST_CHUNK = 65_536
"""Rows of the value order read into Python at a time by `_best_first_rows`."""


def _best_first_rows(table: PairTable, rows: np.ndarray, mark: list[bool]) -> list[int]:
    """`_best_first` over the table's `rows`; marks the teachers it takes in `mark`.

    The value order is read a chunk at a time, and a chunk's rows with a member already taken
    are dropped on arrays first (members are only ever added, so such a row would be skipped
    anyway): the same choice as walking every row, without millions of Python integers at once
    (4 million pairs of a 3,000-teacher district with cross-school pairs held a gigabyte so).
    """
    order = rows[np.argsort(-table.value[rows], kind="stable")]
    picked: list[int] = []
    for start in range(0, len(order), BEST_FIRST_CHUNK):
        chunk = order[start : start + BEST_FIRST_CHUNK]
        taken = np.array(mark, dtype=bool)
        chunk = chunk[~taken[table.first[chunk]] & ~taken[table.second[chunk]]]
        for row, value, a, b in zip(
            chunk.tolist(),
            table.value[chunk].tolist(),
            table.first[chunk].tolist(),
            table.second[chunk].tolist(),
            strict=True,
        ):
            if value <= 0:
                return picked
            if mark[a] or mark[b]:
                continue
            mark[a] = mark[b] = True
            picked.append(row)
    return picked


def _maximum_weight_rows(candidates: Candidates, table: PairTable, rows: np.ndarray) -> list[int]:
    """`_maximum_weight` over the table's `rows` (in row order, as `_match` lists the columns):
    the rows of the pairs it matches."""
    teachers = candidates.teachers
    weighted = [
        (value, (teachers[a], teachers[b]))
        for value, a, b in zip(
            table.value[rows].tolist(),
            table.first[rows].tolist(),
            table.second[rows].tolist(),
            strict=True,
        )
    ]
    index = candidates.index
    picked = []
    for a, b in _maximum_weight(weighted):
        first, second = sorted((index[a], index[b]))
        row = table.row(first, second)
        assert row is not None  # the matching only takes the edges it was given
        picked.append(row)
    return picked


def partnerships_value(candidates: Candidates, chosen: list[Column]) -> int:
    """The relaxation's objective of a choice of columns."""
    return base_value(candidates) + sum(column.value for column in chosen)

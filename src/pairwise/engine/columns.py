"""Partnership options ("columns"): every admissible pair and triad per rotation period, with its value.

A column's `value` is its share of the objective when slots never clash: the partnership's pair
terms, minus `cover` for each visit that has no uncovered feasible slot, plus `unpaired` for each
member (who is then not unpaired). Summed over chosen columns plus `base_value()` it is the
relaxation's objective. Triads are too many to list at 150 teachers (half a million per school),
so they are enumerated with numpy and priced against LP duals, only the promising ones becoming
columns.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import cast

import numpy as np

from pairwise.engine.candidates import Candidates, Edge, RotationPeriod
from pairwise.engine.pair_table import PairTable
from pairwise.roster.facts import releases_over


@dataclass(frozen=True)
class Column:
    """One partnership a plan may contain: its members in one rotation period.

    `owner` is the school a triad counts against (its first member's); `releases` are the covered
    visits each member must make as visitor whatever the slots, `school_releases` those of each
    school's members (`visit_needs`).
    """

    period: str
    members: tuple[str, ...]
    owner: str
    value: int
    score: int = 0
    releases: tuple[tuple[str, int], ...] = ()
    school_releases: tuple[tuple[str, int], ...] = ()

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
    return -weights.unpaired * candidates.unpaired_places()


@dataclass(frozen=True)
class VisitNeeds:
    """What a partnership's visits in one cycle need at least, whatever slots they take: covers
    in all, covered visits of each teacher, and covered visits of each school's teachers."""

    covers: int
    teachers: dict[str, int]
    schools: dict[str, int]


Ways = list[list[tuple[str, str]]]
"""The ways a partnership may visit in a cycle: each a list of (visitor, host) visits."""


# rule 4: the visits of a pair (both ways, or one way) and of a triad (a ring)
def visit_ways(candidates: Candidates, members: tuple[str, ...]) -> Ways:
    """Both ways round for a pair (one way each when visits are not reciprocal); both rings for a
    triad."""
    if len(members) == 2:
        a, b = members
        if candidates.roster.policy.reciprocal:
            return [[(a, b), (b, a)]]
        return [[(a, b)], [(b, a)]]
    a, b, c = members
    return [[(a, b), (b, c), (c, a)], [(a, c), (c, b), (b, a)]]


def visit_needs(candidates: Candidates, ways: Ways, cycle: str) -> VisitNeeds | None:
    """The least a partnership's visits need in a cycle, or None when no way fits.

    The visits of one partnership share members two by two, so they take distinct slots: each
    visit is uncovered or covered, and a choice fits when the visits' slot sets have distinct
    representatives (Hall's condition, checked on every subset: there are at most three).
    """
    best_covers: int | None = None
    teachers: dict[str, int] | None = None
    schools: dict[str, int] | None = None
    for way in ways:
        options = [candidates.arc_options(visitor, host, cycle) for visitor, host in way]
        if any(option is None for option in options):
            continue
        fitting: list[int] = []  # the covered visits (bits) of each choice that fits
        for kinds in itertools.product((False, True), repeat=len(way)):
            covered_bits = sum(1 << i for i, covered in enumerate(kinds) if covered)
            if any(bits & covered_bits == bits for bits in fitting):
                # covers a superset of a choice that fits (met earlier: product order): it
                # needs as much or more of everything, and no least below changes
                continue
            masks = [
                option.covered if covered else option.uncovered
                for option, covered in zip(options, kinds, strict=True)
                if option is not None
            ]
            if not _distinct_slots(masks):
                continue
            fitting.append(covered_bits)
            covered_visitors = [visitor for (visitor, _), c in zip(way, kinds, strict=True) if c]
            count = len(covered_visitors)
            best_covers = count if best_covers is None else min(best_covers, count)
            per_teacher = {t: covered_visitors.count(t) for t in set(covered_visitors)}
            per_school: dict[str, int] = {}
            for visitor in covered_visitors:
                school = candidates.school[visitor]
                per_school[school] = per_school.get(school, 0) + 1
            teachers = per_teacher if teachers is None else _least(teachers, per_teacher)
            schools = per_school if schools is None else _least(schools, per_school)
    if best_covers is None or teachers is None or schools is None:
        return None
    return VisitNeeds(best_covers, teachers, schools)


def pair_visit_needs(candidates: Candidates, a: str, b: str, cycle: str) -> VisitNeeds | None:
    """`visit_needs` of two admissible partners, written out (it runs for every admissible pair):
    the least covers, covered visits of each and of each school over the feasible choices of an
    uncovered or covered visit each way."""
    there, there_covered, back, back_covered = candidates.pair_masks(a, b, cycle)
    none = 3  # more than any choice needs
    covers = least_a = least_b = none
    if candidates.roster.policy.reciprocal:
        for count_a, first in ((0, there), (1, there_covered)):
            if not first:
                continue
            for count_b, second in ((0, back), (1, back_covered)):
                # two visits sharing both teachers take two distinct slots
                if second and (first | second).bit_count() >= 2:
                    covers = min(covers, count_a + count_b)
                    least_a = min(least_a, count_a)
                    least_b = min(least_b, count_b)
    else:
        # one visit, either way round: the other teacher then makes no covered visit
        forward = (0 if there else 1) if there or there_covered else none
        backward = (0 if back else 1) if back or back_covered else none
        covers = min(forward, backward)
        least_a = min(forward, 0 if backward < none else none)
        least_b = min(backward, 0 if forward < none else none)
    if covers == none:
        return None
    teachers = {t: n for t, n in ((a, least_a), (b, least_b)) if n}
    school_a, school_b = candidates.school[a], candidates.school[b]
    if school_a == school_b:
        schools = {school_a: covers} if covers else {}
    else:
        schools = {s: n for s, n in ((school_a, least_a), (school_b, least_b)) if n}
    return VisitNeeds(covers, teachers, schools)


def _least(first: dict[str, int], second: dict[str, int]) -> dict[str, int]:
    """Per key, the smaller count (absent means zero)."""
    return {
        key: min(first[key], second[key])
        for key in first
        if key in second and min(first[key], second[key]) > 0
    }


def _distinct_slots(masks: list[int]) -> bool:
    """Whether the sets (bit masks) have distinct representatives: every union of k of them has
    at least k slots (written out for the two or three visits of a pair or a triad)."""
    if len(masks) == 3:
        a, b, c = masks
        return bool(
            a
            and b
            and c
            and (a | b).bit_count() >= 2
            and (a | c).bit_count() >= 2
            and (b | c).bit_count() >= 2
            and (a | b | c).bit_count() >= 3
        )
    for size in range(1, len(masks) + 1):
        for chosen in itertools.combinations(masks, size):
            union = 0
            for mask in chosen:
                union |= mask
            if union.bit_count() < size:
                return False
    return True


@dataclass(frozen=True)
class PeriodNeeds:
    """A partnership's visit needs summed over the cycles of its rotation period."""

    covers: int
    teachers: dict[str, int]
    schools: dict[str, int]


def period_needs(
    candidates: Candidates, members: tuple[str, ...], period: RotationPeriod
) -> PeriodNeeds | None:
    """`visit_needs` over every cycle of the period, None when some cycle has no way."""
    ways = visit_ways(candidates, members)
    covers = 0
    teachers: dict[str, int] = {}
    schools: dict[str, int] = {}
    for cycle in period.cycles:
        if len(members) == 2:
            needs = pair_visit_needs(candidates, members[0], members[1], cycle)
        else:
            needs = visit_needs(candidates, ways, cycle)
        if needs is None:
            return None
        covers += needs.covers
        for teacher, count in needs.teachers.items():
            teachers[teacher] = teachers.get(teacher, 0) + count
        for school, count in needs.schools.items():
            schools[school] = schools.get(school, 0) + count
    return PeriodNeeds(covers, teachers, schools)


def triad_edge_covers(candidates: Candidates, edge: Edge, period: RotationPeriod) -> int:
    """Covers of one triad edge's visit per cycle, taken the cheaper way round (a lower bound)."""
    a, b = edge
    total = 0
    for cycle in period.cycles:
        there, _there_covered, back, _back_covered = candidates.pair_masks(a, b, cycle)
        # no cover when either way has a free slot; otherwise one (a triad edge has some way)
        total += 0 if there or back else 1
    return total


def pair_columns(candidates: Candidates) -> list[Column]:
    """Every admissible pair in every rotation period, in period then roster order."""
    if "pair_columns" not in candidates.memo:
        candidates.memo["pair_columns"] = _pair_columns(candidates)
    return list(cast(list[Column], candidates.memo["pair_columns"]))


def pair_columns_of(candidates: Candidates, edges: list[Edge]) -> list[Column]:
    """The pair columns of the given pairs, in `pair_columns` order, made from the pair tables
    without making the others."""
    index = candidates.index
    columns: list[Column] = []
    if not edges:
        return columns
    for table in candidates.pair_tables:
        rows = [table.row(*sorted((index[a], index[b]))) for a, b in edges]
        kept = sorted({row for row in rows if row is not None and table.column[row]})
        columns += ColumnMaker(candidates, table).every(kept)
    return columns


def pair_partners(candidates: Candidates, period_id: str, teacher: str) -> set[str]:
    """The teachers `teacher` has a pair column with in a rotation period: the members of its
    `pair_columns` there but itself, read from the pair tables (no `Column` made)."""
    i = candidates.index[teacher]
    partners: set[str] = set()
    for table in candidates.pair_tables:
        if table.period.id != period_id:
            continue
        as_first = table.column & (table.first == i)
        as_second = table.column & (table.second == i)
        others = np.concatenate([table.second[as_first], table.first[as_second]])
        partners.update(candidates.teachers[j] for j in others.tolist())
    return partners


def _pair_columns(candidates: Candidates) -> list[Column]:
    """The rows of `candidates.pair_tables` that are pair columns, as `Column` objects (their
    needs and values computed on arrays; `pair_table`'s tests hold them to `period_needs`)."""
    columns = []
    for table in candidates.pair_tables:
        columns += ColumnMaker(candidates, table).every(table.column_rows().tolist())
    return columns


class ColumnMaker:
    """Pair columns from the rows of one pair table: `ColumnMaker(candidates, table)(row)` (the
    row must have `column` set). The arrays are read as Python lists once, when it is made."""

    def __init__(self, candidates: Candidates, table: PairTable) -> None:
        self.teachers = candidates.teachers
        self.schools = [candidates.school[t] for t in candidates.teachers]
        self.period = table.period.id
        self.first, self.second = table.first.tolist(), table.second.tolist()
        self.value, self.score = table.value.tolist(), table.score.tolist()
        self.covers = table.covers.tolist()
        self.release_first = table.release_first.tolist()
        self.release_second = table.release_second.tolist()

    def every(self, rows: list[int]) -> list[Column]:
        """The columns of the given rows, in order (the common case written out: 266,000
        columns at 800 teachers)."""
        period, teachers, schools = self.period, self.teachers, self.schools
        first, second, value, score, covers = (
            self.first,
            self.second,
            self.value,
            self.score,
            self.covers,
        )
        columns = []
        for row in rows:
            if covers[row]:
                columns.append(self(row))
                continue
            a = first[row]
            members = (teachers[a], teachers[second[row]])
            columns.append(Column(period, members, schools[a], value[row], score[row]))
        return columns

    def __call__(self, row: int) -> Column:
        a, b = self.first[row], self.second[row]
        members = (self.teachers[a], self.teachers[b])
        school_a = self.schools[a]
        covers = self.covers[row]
        if not covers:  # no forced cover: no release either
            return Column(self.period, members, school_a, self.value[row], self.score[row])
        school_b = self.schools[b]
        releases = ((members[0], self.release_first[row]), (members[1], self.release_second[row]))
        if school_a == school_b:
            school_releases: tuple[tuple[str, int], ...] = ((school_a, covers),)
        else:
            school_releases = tuple(
                sorted(((school_a, releases[0][1]), (school_b, releases[1][1])))
            )
        return Column(
            self.period,
            members,
            school_a,
            self.value[row],
            self.score[row],
            tuple(item for item in releases if item[1]),
            tuple(item for item in school_releases if item[1]),
        )


def _releases_fit(candidates: Candidates, needs: PeriodNeeds) -> bool:
    """Whether a partnership's own forced covers stay within `max_release` and `release_budget`."""
    return not releases_over(candidates.roster, needs.teachers, needs.schools)


def triad_column(
    candidates: Candidates, period: RotationPeriod, members: tuple[str, ...], owner: str
) -> Column | None:
    """The column of a triad (members in roster order, the owner school's member first), or None
    when its ring cannot visit in some cycle or needs more covers than allowed."""
    needs = period_needs(candidates, members, period)
    if needs is None or not _releases_fit(candidates, needs):
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
        score - weights.cover * needs.covers + 3 * weights.unpaired,
        score,
        tuple(sorted(needs.teachers.items(), key=lambda i: candidates.index[i[0]])),
        tuple(sorted(needs.schools.items())),
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
    teachers = candidates.teachers
    for table in candidates.pair_tables:
        rows = np.flatnonzero(table.triad)
        first, second = table.first[rows], table.second[rows]
        weight = (table.score[rows] - weights.cover * table.triad_covers[rows]).astype(float)
        degree = np.bincount(np.concatenate([first, second]), minlength=len(teachers))
        groups: dict[str, list[int]] = {}
        for teacher in candidates.participants:
            index = candidates.index[teacher]
            if degree[index] >= 2:
                group = "" if cross_school else candidates.school[teacher]
                groups.setdefault(group, []).append(index)
        for members in groups.values():
            if len(members) < 3:
                continue
            position = np.full(len(teachers), -1, dtype=np.int64)
            position[members] = np.arange(len(members))
            inside = (position[first] >= 0) & (position[second] >= 0)
            pa, pb = position[first[inside]], position[second[inside]]
            matrix = np.full((len(members), len(members)), -np.inf)
            matrix[pa, pb] = weight[inside]
            matrix[pb, pa] = weight[inside]
            names = [teachers[i] for i in members]
            spaces.append(
                TriadSpace(table.period, names, matrix, [candidates.school[t] for t in names])
            )
    return spaces

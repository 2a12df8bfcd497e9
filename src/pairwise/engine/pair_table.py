"""Every pair of participants that no rule keeps apart, as numpy arrays: the columnar form of the
admissible pairs and of the pair columns, built with whole-array operations on per-teacher slot
masks instead of one Python call per pair (about 320,000 pairs at 800 teachers).

The interface (read-only arrays; build once per solve through `pair_tables(candidates)`, which
`Candidates` does when it is constructed):

- `PairTable`, one per rotation period (`candidates.pair_tables`, in `candidates.periods` order).
  Row r is the pair `(teachers[first[r]], teachers[second[r]])` with `first[r] < second[r]`
  (indices into `candidates.teachers`, roster order); rows are in roster order of the pairs
  (`first`, then `second`), the order of `candidates.pair_edges`. Every row is a pair no rule 2
  keeps apart (both participate, neither `avoid` nor evaluator, the same school unless
  `cross_school_pairs`); the first three arrays are shared by every period's table.
  - `first`, `second` (int32), `score` (int64: `Scoring.pair_score`, the pair's objective terms);
  - `pair` (bool): admissible as a pair: each cycle of the period has a feasible slot for its
    visits (both ways when visits are reciprocal, some way otherwise) (`candidates.pair_edges`);
  - `triad` (bool): may be an edge of a triad ring (some way each cycle, triads allowed)
    (`candidates.triad_edges`);
  - `triad_covers` (int64): covers of one triad-edge visit per cycle taken the cheaper way round,
    summed over the period (a lower bound; `TriadSpace.weight` is `score - cover * triad_covers`);
  - `column` (bool): the row is a pair column (`columns.pair_columns`): its visits get distinct
    slots in every cycle and its own forced covers keep `max_release` and `release_budget`;
  - `covers` (int64): the covers its visits need at least over the period, whatever the slots;
  - `release_first`, `release_second` (int64): covered visits the first / second member must make
    as visitor at least (the column's `releases`); a school's count (its `school_releases`) is
    `covers` when both members share the school, otherwise each member's own count;
  - `value` (int64): the column's value, `score - cover * covers + 2 * unpaired`.
  Only rows with `column` set mean anything in `covers`, `release_*` and `value`.
- `PairTable.column_rows()`: the row indices of the pair columns, in column order;
  `PairTable.row(first, second)`: the row of a pair of teacher indices, or None.
- `columns.ColumnMaker(candidates, table)(row)`: one row as a `Column`, for the pairs that survive
  pruning (`columns.pair_columns` makes one of every column row).
- `school_codes(candidates)`: each teacher's index into `candidates.schools`.

`columns.pair_columns` materialises `Column` objects from the rows with `column` set; the answers
are those of the per-pair rules (`columns.pair_visit_needs`, `Scoring.pair_score`,
`Candidates.separation_reason`), which the tests compare row by row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pairwise.roster.facts import release_limit

if TYPE_CHECKING:
    from pairwise.engine.candidates import Candidates, RotationPeriod

WORD = 64
NONE = 3
"""More covers than any choice of a pair's visits in one cycle needs."""


@dataclass(frozen=True)
class PairTable:
    """All pairs no rule keeps apart, in one rotation period, as parallel arrays (module doc)."""

    period: RotationPeriod
    first: np.ndarray
    second: np.ndarray
    score: np.ndarray
    pair: np.ndarray
    triad: np.ndarray
    triad_covers: np.ndarray
    column: np.ndarray
    covers: np.ndarray
    release_first: np.ndarray
    release_second: np.ndarray
    value: np.ndarray

    def column_rows(self) -> np.ndarray:
        """Row indices of the pair columns, in column (roster) order."""
        return np.flatnonzero(self.column)

    def row(self, first: int, second: int) -> int | None:
        """The row of the pair of teacher indices `first < second`, or None when it has none.

        The keys are searched in the arrays' own type (int32): a Python int makes numpy convert
        the whole array on every call (3 ms at 4 million pairs against 2 µs)."""
        key_first = self.first.dtype.type(first)
        low = int(np.searchsorted(self.first, key_first, side="left"))
        high = int(np.searchsorted(self.first, key_first, side="right"))
        at = low + int(np.searchsorted(self.second[low:high], self.second.dtype.type(second)))
        return at if at < high and int(self.second[at]) == second else None


def school_codes(candidates: Candidates) -> np.ndarray:
    """Each teacher's index into `candidates.schools` (int32, in roster order)."""
    code = {school: i for i, school in enumerate(candidates.schools)}
    return np.array([code[candidates.school[t]] for t in candidates.teachers], dtype=np.int32)


def words(mask: int, count: int) -> list[int]:
    """A slot bit mask cut into `count` 64-bit words, lowest first."""
    return [(mask >> (WORD * w)) & (2**WORD - 1) for w in range(count)]


def _any(masks: np.ndarray) -> np.ndarray:
    """Per row, whether the (rows, words) mask has a slot."""
    return np.asarray((masks != 0).any(axis=1))


def _two(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Per row, whether the union of two (rows, words) masks has at least two slots."""
    union = first | second
    several_words = (union != 0).sum(axis=1) >= 2
    return np.asarray(several_words | ((union & (union - np.uint64(1))) != 0).any(axis=1))


def _participant_pairs(
    candidates: Candidates, schools: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """All pairs of participants that may share a partnership school-wise, in roster order."""
    participants = np.array([candidates.index[t] for t in candidates.participants], dtype=np.int32)
    if candidates.roster.policy.cross_school_pairs:
        groups = [participants]
    else:
        groups = [participants[schools[participants] == s] for s in np.unique(schools)]
    firsts, seconds = [np.zeros(0, dtype=np.int32)], [np.zeros(0, dtype=np.int32)]
    for group in groups:
        i, j = np.triu_indices(len(group), 1)
        firsts.append(group[i])
        seconds.append(group[j])
    first, second = np.concatenate(firsts), np.concatenate(seconds)
    order = np.lexsort((second, first))
    return first[order], second[order]


def separated_pairs(candidates: Candidates) -> dict[tuple[int, int], str]:
    """Pairs of participants an `avoid` relation or an evaluator keeps apart (rule 2), by index
    pair (smaller index first), with the reason `kept_apart` gives (avoid before evaluator)."""
    roster = candidates.roster
    index = candidates.index
    taking = set(candidates.participants)
    reasons: dict[tuple[int, int], str] = {}
    for relation in roster.relations:
        kept = relation.kind == "avoid" and relation.a != relation.b
        if kept and relation.a in taking and relation.b in taking:
            i, j = sorted((index[relation.a], index[relation.b]))
            reasons[i, j] = "avoid"
    for teacher in roster.teachers:
        evaluator = teacher.evaluator
        if teacher.id in taking and evaluator in taking and evaluator != teacher.id:
            assert evaluator is not None
            i, j = sorted((index[teacher.id], index[evaluator]))
            reasons.setdefault((i, j), "evaluator")
    return reasons


def pair_scores(candidates: Candidates, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """`Scoring.pair_score` of every pair: the terms that depend on the two teachers' fields
    computed on arrays, the pairs with history or a relation (trust, repeat, request) by the rule
    itself."""
    roster = candidates.roster
    scoring = candidates.scoring
    weights = roster.policy.weights
    teachers = roster.teachers
    topics: dict[str, int] = {}
    for teacher in teachers:
        for topic in [teacher.priority, *teacher.strengths]:
            if topic is not None:
                topics.setdefault(topic, len(topics))
    priority = np.array(
        [-1 if t.priority is None else topics[t.priority] for t in teachers], dtype=np.int64
    )
    team_codes: dict[str | None, int] = {}
    team = np.array([team_codes.setdefault(t.team, len(team_codes)) for t in teachers])
    years = np.array([t.years_experience for t in teachers], dtype=np.int64)
    strong = np.zeros((len(teachers), len(topics) + 1), dtype=bool)  # last column: no priority
    for row, teacher in enumerate(teachers):
        for topic in teacher.strengths:
            strong[row, topics[topic]] = True
    pa, pb = priority[first], priority[second]
    score = np.where((pa >= 0) & (pa == pb), weights.shared_priority, 0).astype(np.int64)
    score += np.where(team[first] != team[second], weights.cross_team, 0)
    novice, mentor = roster.policy.novice_years, roster.policy.mentor_years
    ya, yb = years[first], years[second]
    mentoring = ((ya < novice) & (yb >= mentor)) | ((yb < novice) & (ya >= mentor))
    score += np.where(mentoring, weights.mentoring, 0)
    complement = strong[first, pb].astype(np.int64) + strong[second, pa].astype(np.int64)
    score += weights.complement * complement
    # the few pairs with history or a relation: their whole score by the rule
    if len(first):
        key = first.astype(np.int64) * len(teachers) + second
        for a, b in scoring.pairs_with_history():
            if a not in candidates.index or b not in candidates.index:
                continue
            i, j = sorted((candidates.index[a], candidates.index[b]))
            row = int(np.searchsorted(key, i * len(teachers) + j))
            if row < len(key) and key[row] == i * len(teachers) + j:
                score[row] = scoring.pair_score(a, b)
    return score


@dataclass
class _CycleNeeds:
    """One cycle's visit needs of every pair (arrays over the pairs)."""

    there_any: np.ndarray
    back_any: np.ndarray
    triad_covers: np.ndarray
    covers: np.ndarray
    least_first: np.ndarray
    least_second: np.ndarray


# rules 5 and 7 for every pair at once, as `Candidates.pair_masks` and `columns.pair_visit_needs`
def _cycle_needs(
    candidates: Candidates, cycle: str, first: np.ndarray, second: np.ndarray
) -> _CycleNeeds:
    """Per pair: whether each way has a feasible slot, and the least covers (and covered visits
    of each member) over the choices of an uncovered or covered visit each way whose slots can
    be distinct."""
    host, free, cover, releasable = candidates.slot_arrays(cycle)
    host_a, host_b = host[first], host[second]
    there = host_b & free[first]
    back = host_a & free[second]
    both = host_a & host_b & cover
    there_covered = np.where(releasable[first][:, None], both, np.uint64(0))
    back_covered = np.where(releasable[second][:, None], both, np.uint64(0))
    has = {name: _any(mask) for name, mask in [("t", there), ("tc", there_covered)]}
    has |= {name: _any(mask) for name, mask in [("b", back), ("bc", back_covered)]}
    there_any, back_any = has["t"] | has["tc"], has["b"] | has["bc"]
    triad_covers = np.where(has["t"] | has["b"], 0, 1).astype(np.int64)
    if candidates.roster.policy.reciprocal:
        f00 = has["t"] & has["b"] & _two(there, back)
        f01 = has["t"] & has["bc"] & _two(there, back_covered)
        f10 = has["tc"] & has["b"] & _two(there_covered, back)
        f11 = has["tc"] & has["bc"] & _two(there_covered, back_covered)
        covers = np.where(f00, 0, np.where(f01 | f10, 1, np.where(f11, 2, NONE)))
        least_first = np.where(f00 | f01, 0, 1)
        least_second = np.where(f00 | f10, 0, 1)
    else:
        forward = np.where(has["t"], 0, np.where(has["tc"], 1, NONE))
        backward = np.where(has["b"], 0, np.where(has["bc"], 1, NONE))
        covers = np.minimum(forward, backward)
        least_first = np.minimum(forward, np.where(backward < NONE, 0, NONE))
        least_second = np.minimum(backward, np.where(forward < NONE, 0, NONE))
    return _CycleNeeds(
        there_any,
        back_any,
        triad_covers,
        covers.astype(np.int64),
        least_first.astype(np.int64),
        least_second.astype(np.int64),
    )


def _limits(candidates: Candidates) -> tuple[np.ndarray, int]:
    """Each teacher's `max_release` (-1 for none) and the schools' `release_budget` (-1 for none)."""
    roster = candidates.roster
    teacher_limits = [release_limit(roster, "teacher", t) for t in candidates.teachers]
    budgets = {release_limit(roster, "school", school) for school in candidates.schools}
    assert len(budgets) <= 1, "one release budget for every school"
    budget = budgets.pop() if budgets else None
    return (
        np.array([-1 if limit is None else limit for limit in teacher_limits], dtype=np.int64),
        -1 if budget is None else budget,
    )


def period_table(
    candidates: Candidates,
    period: RotationPeriod,
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
    schools: np.ndarray,
) -> PairTable:
    """The table of one rotation period over the given pairs (first, second, score)."""
    first, second, score = pairs
    policy = candidates.roster.policy
    rows = len(first)
    as_pair = np.ones(rows, dtype=bool)
    in_triad = np.full(rows, policy.allow_triads)
    fits = np.ones(rows, dtype=bool)
    covers, release_a, release_b, triad_covers = (np.zeros(rows, dtype=np.int64) for _ in "abcd")
    for cycle in period.cycles:
        needs = _cycle_needs(candidates, cycle, first, second)
        if policy.reciprocal:
            as_pair &= needs.there_any & needs.back_any
        else:
            as_pair &= needs.there_any | needs.back_any
        in_triad &= needs.there_any | needs.back_any
        fits &= needs.covers < NONE
        triad_covers += needs.triad_covers
        covers += needs.covers
        release_a += needs.least_first
        release_b += needs.least_second
    teacher_limit, budget = _limits(candidates)
    limit_a, limit_b = teacher_limit[first], teacher_limit[second]
    fits &= (limit_a < 0) | (release_a <= limit_a)
    fits &= (limit_b < 0) | (release_b <= limit_b)
    if budget >= 0:
        same = schools[first] == schools[second]
        fits &= np.where(same, covers <= budget, (release_a <= budget) & (release_b <= budget))
    column = as_pair & fits
    weights = policy.weights
    value = score - weights.cover * covers + 2 * weights.unpaired
    return PairTable(
        period,
        first,
        second,
        score,
        as_pair,
        in_triad,
        triad_covers,
        column,
        covers,
        release_a,
        release_b,
        value,
    )


@dataclass(frozen=True)
class AllPairs:
    """The pairs of participants no rule keeps apart (shared by every period's table), the
    tables, and the pairs kept apart by `avoid` or an evaluator (index pairs, with the reason)."""

    first: np.ndarray
    second: np.ndarray
    score: np.ndarray
    tables: list[PairTable]
    separated: dict[tuple[int, int], str]


def pair_tables(candidates: Candidates) -> AllPairs:
    """Every rotation period's table (pairs of different schools are left out unless
    `cross_school_pairs`)."""
    schools = school_codes(candidates)
    first, second = _participant_pairs(candidates, schools)
    separated = separated_pairs(candidates)
    if separated:
        teachers = len(candidates.teachers)
        keys = np.array([i * teachers + j for i, j in separated], dtype=np.int64)
        keep = ~np.isin(first.astype(np.int64) * teachers + second, keys)
        first, second = first[keep], second[keep]
    score = pair_scores(candidates, first, second)
    tables = [
        period_table(candidates, period, (first, second, score), schools)
        for period in candidates.periods
    ]
    return AllPairs(first, second, score, tables, separated)

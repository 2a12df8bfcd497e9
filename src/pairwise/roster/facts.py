"""Facts about a roster that several parts of the package read the same way: the key of an
unordered pair, the latest trust rating, who is kept apart, and who may be released for peer
visits and how often.

The independent checker keeps its own copies on purpose (it shares no code with the engine but the
roster models), so a mistake here shows up as a disagreement instead of being repeated.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from pairwise.roster.models import HistoryEntry, Roster

PairKey = tuple[str, str]
"""An unordered pair of ids, the smaller id first (ids compared as strings)."""

T = TypeVar("T")


def pair_key(a: str, b: str) -> PairKey:
    """The key of the unordered pair {a, b}: the same whichever way round it is written."""
    return (a, b) if a <= b else (b, a)


def latest_ratings(history: Iterable[HistoryEntry], year: int) -> dict[PairKey, float]:
    """Each pair's latest trust rating before `year`: the entries of the latest earlier year the
    pair has, and of those the first listed (a later entry of the same year does not replace it)."""
    rating_year: dict[PairKey, int] = {}
    ratings: dict[PairKey, float] = {}
    for entry in history:
        if entry.year >= year:
            continue
        key = pair_key(entry.a, entry.b)
        if key not in rating_year or entry.year > rating_year[key]:
            rating_year[key] = entry.year
            ratings[key] = entry.trust
    return ratings


def avoid_pairs(roster: Roster) -> frozenset[PairKey]:
    """The pairs an `avoid` relation names."""
    return frozenset(
        pair_key(relation.a, relation.b)
        for relation in roster.relations
        if relation.kind == "avoid"
    )


# rule 2: avoid, evaluator (the definition; kept_apart_from indexes it per teacher; rule 8 reads it
# for coach and coachee)
def kept_apart(
    roster: Roster, avoid: frozenset[PairKey], a: str, b: str
) -> Literal["avoid", "evaluator"] | None:
    """rule 2: avoid, evaluator (and rule 8's for a coach and coachee): why two teachers may never
    work together, or None. `avoid` is `avoid_pairs(roster)`, computed once by the caller."""
    if pair_key(a, b) in avoid:
        return "avoid"
    if roster.teacher_by_id[a].evaluator == b or roster.teacher_by_id[b].evaluator == a:
        return "evaluator"
    return None


def kept_apart_from(roster: Roster, avoid: frozenset[PairKey]) -> dict[str, set[str]]:
    """Per teacher, everyone `kept_apart` from it (rule 2: an avoid relation, or one evaluates
    the other), for callers that scan many teachers per person; teachers kept apart from no one
    are left out. `avoid` is `avoid_pairs(roster)`."""
    apart: dict[str, set[str]] = {}
    for a, b in avoid:
        apart.setdefault(a, set()).add(b)
        apart.setdefault(b, set()).add(a)
    for teacher in roster.teachers:
        if teacher.evaluator is not None:
            apart.setdefault(teacher.id, set()).add(teacher.evaluator)
            apart.setdefault(teacher.evaluator, set()).add(teacher.id)
    return apart


# rule 7: max_release, release_budget (which covered peer visits count, and against which limit)


def can_be_released(roster: Roster, teacher: str) -> bool:
    """Whether the teacher may ever be covered for a peer visit (`max_release`, `release_budget`)."""
    school = roster.school_of(teacher)
    return all(
        limit is None or limit > 0
        for limit in (
            release_limit(roster, "teacher", teacher),
            release_limit(roster, "school", school),
        )
    )


@dataclass(frozen=True)
class ReleaseLimit(Generic[T]):
    """One limit of rule 7 on covered peer visits: a teacher's `max_release` (on its visits as
    visitor) or a school's `release_budget` (on its teachers' visits), and what counts against it."""

    kind: Literal["teacher", "school"]
    name: str
    """The teacher's id or the school's."""
    items: Sequence[T]
    limit: int


def release_limit(roster: Roster, kind: Literal["teacher", "school"], name: str) -> int | None:
    """The most covered peer visits a teacher may make as visitor (its `max_release`), or a
    school's teachers together (the `release_budget`); None for no limit."""
    if kind == "teacher":
        return roster.teacher_by_id[name].max_release
    return roster.policy.release_budget


# rule 7: max_release, release_budget (the one definition; the engine's models call it)
def release_limits(
    roster: Roster,
    by_visitor: Mapping[str, Sequence[T]],
    by_school: Mapping[str, Sequence[T]],
) -> Iterator[ReleaseLimit[T]]:
    """Rule 7's release limits over covered peer visits grouped by visitor and by the visitor's
    school (sabbatical visits never count here), teachers first, each group in the given order;
    groups without a limit are left out."""
    for teacher, items in by_visitor.items():
        limit = release_limit(roster, "teacher", teacher)
        if limit is not None:
            yield ReleaseLimit("teacher", teacher, items, limit)
    for school, items in by_school.items():
        limit = release_limit(roster, "school", school)
        if limit is not None:
            yield ReleaseLimit("school", school, items, limit)


def releases_over(
    roster: Roster, by_visitor: Mapping[str, int], by_school: Mapping[str, int]
) -> list[ReleaseLimit[int]]:
    """The release limits that counts of covered peer visits (per visitor, per school) exceed."""
    return [
        limit
        for limit in release_limits(
            roster,
            {teacher: [count] for teacher, count in by_visitor.items()},
            {school: [count] for school, count in by_school.items()},
        )
        if sum(limit.items) > limit.limit
    ]

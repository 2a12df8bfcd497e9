"""The objective's terms (docs/objective.md), defined once: the model's coefficients and the plan's terms come from here.

The independent checker (`check.py`) does not use this module: it recomputes every term on its own,
so a mistake here shows up as a disagreement rather than being repeated.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pairwise.roster.facts import latest_ratings, pair_key
from pairwise.roster.models import TERM_NAMES, HistoryEntry, Roster, TeamHistoryEntry

PAIR_TERMS: tuple[str, ...] = (
    "complement",
    "shared_priority",
    "trust",
    "repeat",
    "cross_team",
    "mentoring",
    "request",
)


def empty_terms() -> dict[str, int]:
    """Every term of the objective, at zero, in its documented order."""
    return dict.fromkeys(TERM_NAMES, 0)


@dataclass
class Scoring:
    """Scores of partnerships and table matchups for one plan year.

    `year` defaults to the roster's; `extra_history` adds partnerships (and `extra_team_history`
    matchups) planned for earlier years, as a multi-year rotation does.
    """

    roster: Roster
    year: int | None = None
    extra_history: Sequence[HistoryEntry] = ()
    extra_team_history: Sequence[TeamHistoryEntry] = ()
    _trust: dict[tuple[str, str], float] = field(init=False, default_factory=dict)
    _last_year: dict[tuple[str, str], int] = field(init=False, default_factory=dict)
    _last_team_year: dict[tuple[str, str], int] = field(init=False, default_factory=dict)
    _requests: set[tuple[str, str]] = field(init=False, default_factory=set)
    _continuing: set[tuple[str, str]] = field(init=False, default_factory=set)
    _team_strengths: dict[str, set[str]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        if self.year is None:
            self.year = self.roster.year
        history = [*self.roster.history, *self.extra_history]
        self._trust = latest_ratings(history, self.year)
        for entry in history:
            key = pair_key(entry.a, entry.b)
            if entry.year < self.year:
                self._last_year[key] = max(self._last_year.get(key, entry.year), entry.year)
        for team_entry in [*self.roster.team_history, *self.extra_team_history]:
            key = pair_key(team_entry.a, team_entry.b)
            if team_entry.year < self.year:
                self._last_team_year[key] = max(
                    self._last_team_year.get(key, team_entry.year), team_entry.year
                )
        for teacher in self.roster.teachers:
            if teacher.team is not None:
                self._team_strengths.setdefault(teacher.team, set()).update(teacher.strengths)
        for relation in self.roster.relations:
            if relation.kind == "request":
                self._requests.add(pair_key(relation.a, relation.b))
            elif relation.kind == "continue":
                self._continuing.add(pair_key(relation.a, relation.b))

    @property
    def plan_year(self) -> int:
        assert self.year is not None
        return self.year

    def trust_rating(self, a: str, b: str) -> float:
        """The pair's latest trust rating in history, 0 when none."""
        return self._trust.get(pair_key(a, b), 0.0)

    def last_partnered(self, a: str, b: str) -> int | None:
        """The latest earlier year the two were partners, if ever."""
        return self._last_year.get(pair_key(a, b))

    def continues(self, a: str, b: str) -> bool:
        """Both asked to keep working together (a `continue` relation): no repeat cost."""
        return pair_key(a, b) in self._continuing

    def requested(self, a: str, b: str) -> bool:
        """A `request` or a `continue` relation: the pair earns the request reward (once)."""
        key = pair_key(a, b)
        return key in self._requests or key in self._continuing

    def pairs_with_history(self) -> set[tuple[str, str]]:
        """The pairs whose score depends on history or a relation (trust, repeat, request): every
        other pair's score depends on the two teachers' own fields only."""
        return {*self._trust, *self._last_year, *self._requests, *self._continuing}

    def repeat_factor(self, last_year: int | None) -> int:
        """`repeat_window_years + 1 - (year - y)` inside the window, else 0."""
        window = self.roster.policy.repeat_window_years
        if last_year is None or self.plan_year - last_year > window:
            return 0
        return window + 1 - (self.plan_year - last_year)

    def pair_terms(self, a: str, b: str) -> Counter[str]:
        """the objective's terms for one unordered pair of partners (both ordered complements included)."""
        roster = self.roster
        weights = roster.policy.weights
        x, y = roster.teacher_by_id[a], roster.teacher_by_id[b]
        terms: Counter[str] = Counter()
        if x.priority is not None and x.priority == y.priority:
            terms["shared_priority"] += weights.shared_priority
        rating = self.trust_rating(a, b)
        if rating:
            terms["trust"] += round(weights.trust * rating)
        factor = 0 if self.continues(a, b) else self.repeat_factor(self.last_partnered(a, b))
        if factor:
            terms["repeat"] -= weights.repeat * factor
        if x.team != y.team:
            terms["cross_team"] += weights.cross_team
        novice, mentor = roster.policy.novice_years, roster.policy.mentor_years
        if (x.years_experience < novice and y.years_experience >= mentor) or (
            y.years_experience < novice and x.years_experience >= mentor
        ):
            terms["mentoring"] += weights.mentoring
        if self.requested(a, b):
            terms["request"] += weights.request
        for giver, taker in ((x, y), (y, x)):
            if taker.priority is not None and taker.priority in giver.strengths:
                terms["complement"] += weights.complement
        return terms

    def pair_score(self, a: str, b: str) -> int:
        return sum(self.pair_terms(a, b).values())

    def group_terms(self, members: Iterable[str]) -> Counter[str]:
        """Terms of a partnership (pair or triad): every unordered pair of its members."""
        terms: Counter[str] = Counter()
        for a, b in itertools.combinations(list(members), 2):
            terms.update(self.pair_terms(a, b))
        return terms

    def team_pair_terms(self, a: str, b: str, earlier_meetings_together: int = 0) -> Counter[str]:
        """Terms of two teams at one table (both ordered complements, repeats against history and
        against `earlier_meetings_together` earlier meetings of this plan)."""
        roster = self.roster
        weights = roster.policy.weights
        terms: Counter[str] = Counter()
        for giver, taker in ((a, b), (b, a)):
            priority = roster.team_by_id[taker].priority
            if priority is not None and priority in self._team_strengths.get(giver, set()):
                terms["team_complement"] += weights.team_complement
        factor = self.repeat_factor(self._last_team_year.get(pair_key(a, b)))
        window = roster.policy.repeat_window_years
        penalty = weights.team_repeat * (factor + (window + 1) * earlier_meetings_together)
        if penalty:
            terms["team_repeat"] -= penalty
        return terms

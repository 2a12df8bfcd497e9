"""The objective recomputed term by term from the plan's partnerships and tables, and where the
plan's own statement of its terms differs."""

from __future__ import annotations

import difflib
import itertools
from collections import Counter

from pairwise.checker.context import CheckContext, ResolvedPartnerships, pair_key
from pairwise.checker.report import INCONSISTENT
from pairwise.roster.models import (
    TERM_NAMES,
)


class ObjectiveTerms(CheckContext):
    """The objective's terms, added up from the plan as the roster's weights define them."""

    def _repeat_factor(self, last_year: int | None) -> int:
        window = self.policy.repeat_window_years
        if last_year is None or self.year - last_year > window:
            return 0
        return window + 1 - (self.year - last_year)

    def _history_facts(self) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], int]]:
        """Latest trust rating and latest earlier year together, per unordered pair of teachers."""
        trust: dict[tuple[str, str], float] = {}
        last_year: dict[tuple[str, str], int] = {}
        for entry in self.roster.history:
            if entry.year >= self.year:
                continue
            key = pair_key(entry.a, entry.b)
            # the latest year's first listed rating wins: only a strictly later year replaces it
            if key not in last_year or entry.year > last_year[key]:
                last_year[key] = entry.year
                trust[key] = entry.trust
        return trust, last_year

    def _partnership_terms(self, partnerships: ResolvedPartnerships) -> None:
        trust, last_year = self._history_facts()
        weights = self.weights
        novice, mentor = self.policy.novice_years, self.policy.mentor_years
        for partnership, periods in partnerships.values():
            terms: Counter[str] = Counter()
            for a, b in itertools.combinations(partnership.members, 2):
                x, y = self.teacher[a], self.teacher[b]
                key = pair_key(a, b)
                if x.priority is not None and x.priority == y.priority:
                    terms["shared_priority"] += weights.shared_priority
                terms["trust"] += round(weights.trust * trust.get(key, 0.0))
                if key not in self.continuing:
                    terms["repeat"] -= weights.repeat * self._repeat_factor(last_year.get(key))
                if x.team != y.team:
                    terms["cross_team"] += weights.cross_team
                if (x.years_experience < novice and y.years_experience >= mentor) or (
                    y.years_experience < novice and x.years_experience >= mentor
                ):
                    terms["mentoring"] += weights.mentoring
                if key in self.request:
                    terms["request"] += weights.request
                for giver, taker in ((x, y), (y, x)):
                    if taker.priority is not None and taker.priority in giver.strengths:
                        terms["complement"] += weights.complement
            score = sum(terms.values())
            if partnership.score is not None and partnership.score != score:
                self.broken(
                    INCONSISTENT,
                    f"partnership {partnership.id}: score is stated as {partnership.score} but its "
                    f"pair terms add up to {score}",
                )
            for name, value in terms.items():
                self.terms[name] += value * len(periods)

    def _table_terms(self, teams: list[str], earlier_together: Counter[tuple[str, str]]) -> None:
        weights = self.weights
        window = self.policy.repeat_window_years
        team_by_id = self.roster.team_by_id
        distinct = list(dict.fromkeys(teams))
        for giver, taker in itertools.permutations(distinct, 2):
            priority = team_by_id[taker].priority
            if priority is not None and priority in self.team_strengths[giver]:
                self.terms["team_complement"] += weights.team_complement
        for a, b in itertools.combinations(distinct, 2):
            key = pair_key(a, b)
            factor = self._repeat_factor(self.last_team_year.get(key))
            factor += (window + 1) * earlier_together[key]
            self.terms["team_repeat"] -= weights.team_repeat * factor

    def _mismatches(self, objective: int) -> list[str]:
        # what the plan states must agree; what it leaves out (a plan made by hand or by another
        # system) is computed, and the report shows it
        mismatches = []
        stated = self.plan.terms or {}
        for name in TERM_NAMES:
            if name in stated and stated[name] != self.terms[name]:
                mismatches.append(
                    f"terms: '{name}' is stated as {stated[name]} but recomputes to {self.terms[name]}"
                )
        for name in stated:
            if name not in self.terms:
                nearest = difflib.get_close_matches(name, TERM_NAMES, n=1, cutoff=0.5)
                hint = f"; did you mean '{nearest[0]}'?" if nearest else ""
                mismatches.append(f"terms: unknown term '{name}'{hint}")
        if self.plan.objective is not None and self.plan.objective != objective:
            mismatches.append(
                f"objective is stated as {self.plan.objective} but recomputes to {objective}"
            )
        return mismatches

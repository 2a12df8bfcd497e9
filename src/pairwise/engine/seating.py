"""Table sessions (rule 9): each school's grade teams seated two to a table at every meeting.

Seatings share no variable or rule with partnerships and visits, and schools share nothing, so each
school gets its own exact CP-SAT model over all of its meetings (coupled by `team_repeat` against
earlier meetings of the plan). A second phase, with the first phase's optimum held fixed, rotates
who sits at the table of three.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from pairwise.engine.search import new_solver
from pairwise.roster.facts import pair_key
from pairwise.roster.models import Roster, TableSeat
from pairwise.roster.objective import Scoring

TABLE_TERMS: tuple[str, ...] = ("team_complement", "team_repeat")


@dataclass
class TableSolution:
    """The seatings of every meeting, their terms, and how far they are proven."""

    tables: list[TableSeat]
    terms: dict[str, int]
    objective: int
    bound: int
    optimal: bool
    feasible: bool
    why: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class MeetingRef:
    """One meeting of the plan, in plan order (cycles in roster order, meetings in order)."""

    cycle: str
    meeting: str
    tables: int | None


def plan_meetings(roster: Roster) -> list[MeetingRef]:
    """Every meeting of the roster in plan order."""
    return [
        MeetingRef(cycle.id, meeting.id, meeting.tables)
        for cycle in roster.cycles
        for meeting in cycle.meetings
    ]


def school_teams(roster: Roster) -> dict[str, list[str]]:
    """Each school's teams in roster order (schools in `roster.schools()` order)."""
    teams: dict[str, list[str]] = {school: [] for school in roster.schools()}
    for team in roster.teams:
        teams.setdefault(roster.team_school(team.id), []).append(team.id)
    return teams


def tables_needed(team_count: int) -> int:
    """Tables one meeting of a school needs: pairs, with one table of three when the count is odd."""
    return team_count // 2 if team_count >= 2 else 0


def table_problems(roster: Roster) -> list[str]:
    """Why no seating exists: each meeting whose `tables` cannot seat a school's teams."""
    problems = []
    for school, teams in school_teams(roster).items():
        needed = tables_needed(len(teams))
        for ref in plan_meetings(roster):
            if ref.tables is not None and ref.tables < needed:
                who = f"school '{school}'" if school else "the school"
                problems.append(
                    f"meeting '{ref.meeting}' (cycle '{ref.cycle}'): {who} has {len(teams)} teams "
                    f"and needs {needed} tables, but the meeting has {ref.tables}"
                )
    return problems


def seating_terms(
    roster: Roster, tables: Sequence[TableSeat], scoring: Scoring | None = None
) -> dict[str, int]:
    """the objective's table terms of a seating, counting co-seatings at earlier meetings in plan order."""
    scoring = scoring or Scoring(roster)
    order = {(ref.cycle, ref.meeting): index for index, ref in enumerate(plan_meetings(roster))}
    ordered = sorted(tables, key=lambda seat: order.get((seat.cycle, seat.meeting), len(order)))
    earlier: Counter[tuple[str, str]] = Counter()
    terms: Counter[str] = Counter()
    for _, seats in itertools.groupby(ordered, key=lambda seat: (seat.cycle, seat.meeting)):
        seated: list[tuple[str, str]] = []
        for seat in seats:
            for a, b in itertools.combinations(seat.teams, 2):
                pair = pair_key(a, b)
                terms.update(scoring.team_pair_terms(a, b, earlier[pair]))
                seated.append(pair)
        # a meeting's own tables never count as earlier for each other
        earlier.update(seated)
    return {name: terms.get(name, 0) for name in TABLE_TERMS}


def seat_tables(
    roster: Roster,
    *,
    scoring: Scoring | None = None,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = 1,
    hint: list[TableSeat] | None = None,
) -> TableSolution:
    """Seat every school's teams at every meeting, maximising the table terms (exact when proven)."""
    started = time.monotonic()
    scoring = scoring or Scoring(roster)
    why = table_problems(roster)
    if why:
        return TableSolution(
            tables=[],
            terms=dict.fromkeys(TABLE_TERMS, 0),
            objective=0,
            bound=0,
            optimal=False,
            feasible=False,
            why=why,
            seconds=time.monotonic() - started,
        )
    meetings = plan_meetings(roster)
    by_meeting: dict[tuple[str, str], list[list[list[str]]]] = {
        (ref.cycle, ref.meeting): [] for ref in meetings
    }
    schools = [teams for teams in school_teams(roster).values() if len(teams) >= 2 and meetings]

    def solve_school(teams: list[str]) -> _SchoolOutcome:
        remaining = max(0.1, time_limit - (time.monotonic() - started))
        # one worker per school keeps each school's answer deterministic; schools run side by side
        return _SchoolSeating(roster, scoring, teams, meetings, hint).solve(remaining, seed)

    if workers > 1 and len(schools) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(solve_school, schools))
    else:
        outcomes = [solve_school(teams) for teams in schools]
    for outcome in outcomes:
        for ref, seating in zip(meetings, outcome.seatings, strict=True):
            by_meeting[(ref.cycle, ref.meeting)].append(seating)
    objective = sum(outcome.objective for outcome in outcomes)
    bound = sum(outcome.bound for outcome in outcomes)
    optimal = all(outcome.optimal for outcome in outcomes)
    tables = [
        TableSeat(cycle=ref.cycle, meeting=ref.meeting, table=number, teams=group)
        for ref in meetings
        for seating in by_meeting[(ref.cycle, ref.meeting)]
        for number, group in enumerate(seating, start=1)
    ]
    terms = seating_terms(roster, tables, scoring)
    # the model's objective and the objective's terms are computed apart: they must agree
    assert sum(terms.values()) == objective, (terms, objective)
    return TableSolution(
        tables=tables,
        terms=terms,
        objective=objective,
        bound=max(bound, objective),
        optimal=optimal,
        feasible=True,
        seconds=time.monotonic() - started,
    )


@dataclass
class _SchoolOutcome:
    seatings: list[list[list[str]]]  # per meeting, its tables (team ids), table 1 first
    objective: int
    bound: int
    optimal: bool


class _SchoolSeating:
    """One school's CP-SAT model: a boolean per (meeting, team pair) and per (meeting, team triple).

    Sitting together k times over the plan's meetings costs `team_repeat * (window + 1)` for each
    earlier meeting, k(k-1)/2 in all; the convex cost is modelled exactly by k-1 "extra meeting"
    booleans with costs 1, 2, 3, ... which the maximisation fills cheapest first.
    """

    def __init__(
        self,
        roster: Roster,
        scoring: Scoring,
        teams: list[str],
        meetings: list[MeetingRef],
        hint: list[TableSeat] | None,
    ) -> None:
        self.teams = teams
        self.meetings = meetings
        self.model = cp_model.CpModel()
        count = len(teams)
        self.pairs = list(itertools.combinations(range(count), 2))
        self.triples = list(itertools.combinations(range(count), 3)) if count % 2 else []
        self.pair_seats = [
            {pair: self.model.new_bool_var(f"pair {m} {pair}") for pair in self.pairs}
            for m in range(len(meetings))
        ]
        self.triple_seats = [
            {triple: self.model.new_bool_var(f"triple {m} {triple}") for triple in self.triples}
            for m in range(len(meetings))
        ]
        self.static_score = {
            pair: sum(scoring.team_pair_terms(teams[pair[0]], teams[pair[1]], 0).values())
            for pair in self.pairs
        }
        policy = roster.policy
        self.coupling_cost = policy.weights.team_repeat * (policy.repeat_window_years + 1)
        self._one_table_per_team()
        self.model.maximize(self._objective())
        self._add_hint(hint)

    def _together(self, m: int, pair: tuple[int, int]) -> cp_model.LinearExprT:
        """1 when the pair's teams share a table at meeting m (a pair table or the table of three)."""
        terms: list[cp_model.LinearExprT] = [self.pair_seats[m][pair]]
        terms += [seat for triple, seat in self.triple_seats[m].items() if set(pair) <= set(triple)]
        return sum(terms)

    # rule 9: every team at exactly one table per meeting, one table of three when odd
    def _one_table_per_team(self) -> None:
        for m in range(len(self.meetings)):
            for team in range(len(self.teams)):
                self.model.add_exactly_one(
                    [seat for pair, seat in self.pair_seats[m].items() if team in pair]
                    + [seat for triple, seat in self.triple_seats[m].items() if team in triple]
                )
            if self.triples:
                self.model.add_exactly_one(list(self.triple_seats[m].values()))

    def _objective(self) -> cp_model.LinearExprT:
        expressions: list[cp_model.LinearExprT] = []
        for pair in self.pairs:
            times = sum(self._together(m, pair) for m in range(len(self.meetings)))
            if self.static_score[pair]:
                expressions.append(self.static_score[pair] * times)
            if self.coupling_cost and len(self.meetings) > 1:
                # extra_j: the pair sits together a (j+1)-th time; costs 1, 2, ... sum to C(k, 2)
                extras = [
                    self.model.new_bool_var(f"pair {pair} meets again {j}")
                    for j in range(1, len(self.meetings))
                ]
                self.model.add(sum(extras) >= times - 1)
                for earlier, later in itertools.pairwise(extras):
                    self.model.add_implication(later, earlier)
                expressions += [
                    -self.coupling_cost * j * extra for j, extra in enumerate(extras, start=1)
                ]
        return sum(expressions)

    def _add_hint(self, hint: list[TableSeat] | None) -> None:
        if not hint:
            return
        index = {team: i for i, team in enumerate(self.teams)}
        for m, ref in enumerate(self.meetings):
            groups = [
                tuple(sorted(index[team] for team in seat.teams))
                for seat in hint
                if (seat.cycle, seat.meeting) == (ref.cycle, ref.meeting)
                and all(team in index for team in seat.teams)
            ]
            if not groups:
                continue
            for pair, seat in self.pair_seats[m].items():
                self.model.add_hint(seat, pair in groups)
            for triple, seat in self.triple_seats[m].items():
                self.model.add_hint(seat, triple in groups)

    def solve(self, time_limit: float, seed: int) -> _SchoolOutcome:
        started = time.monotonic()
        solver = _solver(time_limit, seed)
        status = solver.solve(self.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            # a seating always exists; only a very short time limit gets here
            return self._fallback(solver)
        groups = self._read(solver)
        if self.triples and len(self.meetings) > 1:
            remaining = time_limit - (time.monotonic() - started)
            groups = self._rotate_table_of_three(groups, started + max(0.0, remaining), seed)
        objective = self._value(groups)
        bound = math.floor(solver.best_objective_bound + 1e-6)
        return _SchoolOutcome(
            self._names(groups), objective, max(bound, objective), status == cp_model.OPTIMAL
        )

    def _rotate_table_of_three(
        self, seatings: list[list[tuple[int, ...]]], deadline: float, seed: int
    ) -> list[list[tuple[int, ...]]]:
        """Tie-break: re-seat one meeting at a time, the others fixed, never lowering the objective,
        so that teams take turns at the table of three (each repeat turn costs the turns before)."""
        seatings = [list(seating) for seating in seatings]
        for _sweep in range(len(self.meetings)):
            improved = False
            for m in range(len(self.meetings)):
                if time.monotonic() >= deadline:
                    return seatings
                better = self._reseat(seatings, m, deadline - time.monotonic(), seed)
                if better is not None:
                    seatings[m] = better
                    improved = True
            if not improved:
                break
        return seatings

    def _reseat(
        self, seatings: list[list[tuple[int, ...]]], m: int, time_limit: float, seed: int
    ) -> list[tuple[int, ...]] | None:
        """Meeting m's best seating given the others: the objective first, then the rotation."""
        times: Counter[tuple[int, int]] = Counter()
        turns: Counter[int] = Counter()
        for other, seating in enumerate(seatings):
            if other == m:
                continue
            for group in seating:
                times.update(itertools.combinations(group, 2))
                if len(group) == 3:
                    turns.update(group)
        # with the other meetings fixed, both the objective and the rotation are linear in m's seats
        value = {p: self.static_score[p] - self.coupling_cost * times[p] for p in self.pairs}
        model = cp_model.CpModel()
        pair_seats = {pair: model.new_bool_var(f"pair {pair}") for pair in self.pairs}
        triple_seats = {triple: model.new_bool_var(f"triple {triple}") for triple in self.triples}
        for team in range(len(self.teams)):
            model.add_exactly_one(
                [seat for pair, seat in pair_seats.items() if team in pair]
                + [seat for triple, seat in triple_seats.items() if team in triple]
            )
        model.add_exactly_one(list(triple_seats.values()))
        scale = 1 + len(self.teams) * len(self.meetings)
        objective = sum(scale * value[pair] * seat for pair, seat in pair_seats.items()) + sum(
            (
                scale * sum(value[p] for p in itertools.combinations(triple, 2))
                - sum(turns[t] for t in triple)
            )
            * seat
            for triple, seat in triple_seats.items()
        )
        model.maximize(objective)
        current = set(seatings[m])
        for group, seat in [*pair_seats.items(), *triple_seats.items()]:
            model.add_hint(seat, group in current)
        solver = _solver(time_limit, seed)
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        chosen = sorted(
            group
            for group, seat in [*pair_seats.items(), *triple_seats.items()]
            if solver.boolean_value(seat)
        )
        new_score = self._meeting_score(chosen, value, turns, scale)
        if new_score > self._meeting_score(seatings[m], value, turns, scale):
            return chosen
        return None

    def _meeting_score(
        self,
        seating: Sequence[tuple[int, ...]],
        value: dict[tuple[int, int], int],
        turns: Counter[int],
        scale: int,
    ) -> int:
        score = 0
        for group in seating:
            score += scale * sum(value[p] for p in itertools.combinations(group, 2))
            if len(group) == 3:
                score -= sum(turns[t] for t in group)
        return score

    def _read(self, solver: cp_model.CpSolver) -> list[list[tuple[int, ...]]]:
        seatings: list[list[tuple[int, ...]]] = []
        for m in range(len(self.meetings)):
            groups: list[tuple[int, ...]] = [
                pair for pair, seat in self.pair_seats[m].items() if solver.boolean_value(seat)
            ]
            groups += [
                triple
                for triple, seat in self.triple_seats[m].items()
                if solver.boolean_value(seat)
            ]
            seatings.append(sorted(groups))
        return seatings

    def _names(self, seatings: list[list[tuple[int, ...]]]) -> list[list[list[str]]]:
        return [[[self.teams[i] for i in group] for group in seating] for seating in seatings]

    def _fallback(self, solver: cp_model.CpSolver) -> _SchoolOutcome:
        """Round-robin seatings (circle method) when no solution came back in time."""
        groups = [sorted(_round_robin_round(len(self.teams), m)) for m in range(len(self.meetings))]
        value = self._value(groups)
        bound = solver.best_objective_bound
        proven = math.floor(bound + 1e-6) if abs(bound) < 2**62 else value
        return _SchoolOutcome(self._names(groups), value, max(proven, value), False)

    def _value(self, seatings: list[list[tuple[int, ...]]]) -> int:
        times: Counter[tuple[int, int]] = Counter()
        for seating in seatings:
            for group in seating:
                times.update(itertools.combinations(group, 2))
        return sum(
            self.static_score[pair] * k - self.coupling_cost * k * (k - 1) // 2
            for pair, k in times.items()
        )


def _solver(time_limit: float, seed: int) -> cp_model.CpSolver:
    # one worker: measured as fast as two on these small models, and deterministic
    return new_solver(max(0.05, time_limit), seed=seed, workers=1)


def _round_robin_round(count: int, round_number: int) -> list[tuple[int, ...]]:
    """Round `round_number` of the circle method; with an odd count the bye joins a table of three."""
    players = list(range(count)) + ([-1] if count % 2 else [])
    size = len(players)
    rotation = round_number % (size - 1)
    circle = [players[0], *(players[1:][-rotation:] + players[1:][:-rotation])]
    groups = [tuple(sorted((circle[i], circle[size - 1 - i]))) for i in range(size // 2)]
    if count % 2:
        bye = next(group for group in groups if -1 in group)
        groups.remove(bye)
        alone = bye[1]
        first = groups.pop(0)
        groups.append(tuple(sorted((*first, alone))))
    return groups

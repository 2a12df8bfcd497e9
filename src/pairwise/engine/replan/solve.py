"""Re-planning a year from a date, lexicographically: first the best objective, then the fewest
changes (see `frame.py` for how the plan in force is read, `model.py` for the model)."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from pairwise.analysis.network import plan_metrics
from pairwise.engine.candidates import Candidates
from pairwise.engine.replan.assemble import constant_value, outline, plan_terms
from pairwise.engine.replan.changes import list_changes
from pairwise.engine.replan.frame import Frame
from pairwise.engine.replan.model import ReplanModel, hint_every_variable, set_domains
from pairwise.engine.replan.neighbourhood import hint_from_neighbourhood
from pairwise.engine.replan.talks import place_replan_conversations
from pairwise.engine.search import (
    FULL_LP,
    SearchOutcome,
    SearchProgressCallback,
    SearchSettings,
    run_search,
)
from pairwise.result import Progress, ProgressCallback, Result, relative_gap
from pairwise.roster.models import Plan, Replans, Roster
from pairwise.roster.objective import Scoring

TRIAD_ROUNDS = 10
"""How many times triads the relaxation picked join the candidates before the re-plan settles."""
NEIGHBOURHOOD_SHARE = 0.2
"""Share of the time limit the restricted copy that hints the full model may take."""


@dataclass(frozen=True)
class Relaxation:
    """What the relaxation of the left-out triads gave: its bound on the weighted objective,
    whether it proves the re-plan, and the triads (members, cycle) a better solution picked."""

    bound: int | None
    proven: bool
    picked: list[tuple[tuple[str, ...], str]]


@dataclass
class ReplanRun:
    """One re-plan's state across its two stages."""

    frame: Frame
    time_limit: float
    settings: SearchSettings
    progress: ProgressCallback | None
    keep_within: float
    plan_hash: str
    started: float = field(default_factory=time.monotonic)
    stats: dict[str, float | int | str] = field(default_factory=dict)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def reporter(self, phase: str, decode: Callable[[int], int]) -> SearchProgressCallback:
        def report(objective: int | None, bound: int | None) -> None:
            if self.progress is None:
                return
            best = None if objective is None else decode(objective)
            limit = None if bound is None else decode(bound)
            self.progress(Progress(best, limit, self.elapsed(), phase))

        return report

    def run(self) -> Result:
        """Both stages of the lexicographic objective in one search when the objective is held
        at its best: `weight * objective - changes`, `weight` one more than the most changes any
        plan can make, so one more objective point outweighs every change. With `keep_within`,
        a second search holds the objective at the floor and minimises the changes.

        With triads left out (too many free teachers to list every triangle), the relaxation
        (`ReplanModel.relaxed_triads`) bounds what they could add: when it is no better the
        re-plan is proven; otherwise the triads it picked join the candidates and the search
        runs again (at most `TRIAD_ROUNDS` times)."""
        frame = self.frame
        rounds = 0
        while True:
            searched = self._best()
            if isinstance(searched, Result):
                return searched
            built, first, weight = searched
            relaxed = None
            if not frame.complete and first.status == "optimal":
                relaxed = self._relaxation(built, first)
                if relaxed.picked and rounds < TRIAD_ROUNDS and self.elapsed() < self.time_limit:
                    added = [frame.add_triad(members, cycle) for members, cycle in relaxed.picked]
                    if any(added):
                        rounds += 1
                        continue
            break
        self.stats["triad_rounds"] = rounds
        return self._settle(built, first, weight, relaxed)

    def _best(self) -> tuple[ReplanModel, SearchOutcome, int] | Result:
        """The model, built and searched for the best objective with the fewest changes."""
        frame = self.frame
        built = ReplanModel(frame, relaxed_triads=True)
        built.build()
        self._hint(built)
        model = built.model
        built.relaxed_off(model)
        weight = built.change_ceiling + 1
        model.maximize(
            cp_model.LinearExpr.weighted_sum([built.objective, built.changes], [weight, -1])
        )
        hint = hint_from_neighbourhood(
            built, self.settings, max(0.1, NEIGHBOURHOOD_SHARE * self.time_limit)
        )
        self.stats["neighbourhood_seconds"] = round(hint.seconds, 3)
        self.stats["neighbourhood"] = hint.status
        self.stats["build_seconds"] = round(self.elapsed() - hint.seconds, 3)
        constant = constant_value(frame)
        first = run_search(
            model,
            self.settings,
            max(0.1, self.time_limit - self.elapsed()),
            self.reporter("objective", lambda value: -(-value // weight) + constant),
            workers=self.settings.workers,
            presolve=not hint.hinted,
            linearization=FULL_LP,
            light_presolve=True,
        )
        self.stats["objective_seconds"] = round(first.seconds, 3)
        if first.status == "infeasible":
            self.stats["why"] = "the kept sessions and the updated roster leave no plan"
            return Result("infeasible", None, None, None, self.elapsed(), self.stats)
        if not first.has_solution or first.objective is None:
            limit = None if first.bound is None else -(-first.bound // weight) + constant
            return Result("unknown", None, limit, None, self.elapsed(), self.stats)
        return built, first, weight

    def _relaxation(self, built: ReplanModel, first: SearchOutcome) -> Relaxation:
        """The model with its relaxed triads free, from the re-plan's solution: its bound holds
        for every triad; the relaxed triads of a better solution are the ones to add."""
        relaxed = built.model.clone()
        set_domains(relaxed, built.relaxed.values(), 0, 1)
        hint_every_variable(relaxed, list(first.solver.response_proto.solution))
        outcome = run_search(
            relaxed,
            self.settings,
            max(0.1, self.time_limit - self.elapsed()),
            workers=self.settings.workers,
            presolve=False,
            linearization=FULL_LP,
        )
        self.stats["relaxation_seconds"] = round(outcome.seconds, 3)
        self.stats["relaxation"] = outcome.status
        picked: list[tuple[tuple[str, ...], str]] = []
        best = first.objective if first.objective is not None else 0
        if outcome.has_solution and outcome.objective is not None and outcome.objective > best:
            solver = outcome.solver
            school = self.frame.candidates.school
            # the relaxed members per cycle and school, in the model's order
            members_of: dict[tuple[str, str], list[tuple[str, cp_model.IntVar]]] = {}
            for (teacher, cycle), member in built.relaxed_members.items():
                members_of.setdefault((cycle, school[teacher]), []).append((teacher, member))
            for key, var in built.relaxed.items():
                if solver.boolean_value(var):
                    members = tuple(
                        teacher
                        for teacher, member in members_of.get(key, [])
                        if solver.boolean_value(member)
                    )
                    picked.append((members, key[0]))
        proven = outcome.status == "optimal" and (outcome.objective or 0) <= best
        return Relaxation(outcome.bound, proven, picked)

    def _settle(
        self,
        built: ReplanModel,
        first: SearchOutcome,
        weight: int,
        relaxed: Relaxation | None,
    ) -> Result:
        """Both figures and their bounds (the relaxation's when triads were left out), and the
        second stage under `keep_within`."""
        frame = self.frame
        model = built.model
        constant = constant_value(frame)
        solution = first.solver
        best = round(solution.value(built.objective))
        assert first.objective is not None
        combined_bound = first.bound if first.bound is not None else first.objective
        triads_proven = frame.complete
        if not frame.complete:
            # the restricted model's bound holds only for the triads it lists: the relaxation's
            # holds for all (without it, the plan states the restricted bound, unproven)
            if relaxed is not None and relaxed.bound is not None:
                combined_bound = max(combined_bound, relaxed.bound)
            triads_proven = relaxed is not None and relaxed.proven
        objective_bound = (combined_bound + weight - 1) // weight + constant
        # any plan of objective `best` has weight * best - changes <= the proven bound
        change_bound = max(0, weight * best - combined_bound)
        proven = first.status == "optimal" and triads_proven
        floor = best - math.floor(self.keep_within / 100 * abs(best + constant))
        if floor < best:
            _hint_from(built, solution)
            model.add(built.objective >= floor)
            model.maximize(-built.changes)
            second = run_search(
                model,
                self.settings,
                max(0.1, self.time_limit - self.elapsed()),
                self.reporter("changes", lambda value: -value),
                workers=self.settings.workers,
                linearization=FULL_LP,
                light_presolve=True,
            )
            self.stats["changes_seconds"] = round(second.seconds, 3)
            # left-out triads might make fewer changes at the floor: proven only with them all
            proven = proven and second.status == "optimal" and frame.complete
            if second.has_solution:
                solution = second.solver
                change_bound = -(second.bound if second.bound is not None else 0)
            else:
                change_bound = 0
            if not frame.complete:
                change_bound = 0
        return self._result(built, solution, objective_bound, max(0, change_bound), proven)

    def _hint(self, built: ReplanModel) -> None:
        """The plan in force as the first stage's hint: every session where it was."""
        model = built.model
        for owed in built.owed:
            for choice in owed.choices:
                model.add_hint(choice.var, choice.slot == owed.was)
        for var in built.chosen:
            model.add_hint(var, False)
        for arc, choices in built.sabbatical.items():
            was = set(built.sabbatical_was.get(arc, []))
            for choice in choices:
                model.add_hint(choice.var, choice.slot in was)
        for key, var in built.tables.items():
            model.add_hint(var, key in built.plan_tables)

    def _result(
        self,
        built: ReplanModel,
        solver: cp_model.CpSolver,
        objective_bound: int,
        change_bound: int,
        proven: bool,
    ) -> Result:
        frame = self.frame
        sessions = outline(frame, built, solver)
        plan = Plan(
            roster=frame.roster.name,
            year=frame.plan.year,
            status="feasible",
            objective=0,
            bound=0,
            seed=self.settings.seed,
            partnerships=sessions.partnerships,
            visits=sessions.visits,
            sabbatical_visits=sessions.sabbatical_visits,
            tables=sessions.tables,
            unpaired=sessions.unpaired,
        )
        place_replan_conversations(frame, plan)
        terms = plan_terms(frame, plan)
        objective = sum(terms.values())
        bound = max(objective_bound, objective)
        changes = list_changes(frame, plan, sessions.added_why)
        plan.terms = terms
        plan.objective = objective
        plan.bound = bound
        plan.gap = round(relative_gap(objective, bound), 6)
        # both stages proven; with `keep_within` the objective may lie below its bound by choice
        reached = objective == bound or self.keep_within > 0
        plan.status = "optimal" if proven and reached else "feasible"
        plan.seconds = round(self.elapsed(), 3)
        plan.replans = Replans(
            plan=self.plan_hash,
            start=frame.start.isoformat(),
            objective_bound=bound,
            changes=changes,
            change_bound=change_bound,
        )
        plan.metrics = plan_metrics(frame.roster, plan)
        self.stats["changes"] = len(changes)
        return Result(plan.status, objective, bound, plan, self.elapsed(), self.stats)


def _hint_from(built: ReplanModel, solver: cp_model.CpSolver) -> None:
    """The first stage's solution as the second stage's complete hint."""
    hint_every_variable(built.model, list(solver.response_proto.solution))


class _SlotCandidates(Candidates):
    """The engine's slot masks and sabbatical options without its table of every admissible
    pair (a re-plan asks for the few pairs it needs; `visit_options` computes them)."""

    def _partner_candidates(self) -> None:
        self.edge_score, self.base_reason = {}, {}
        self.pair_edges = {period.id: [] for period in self.periods}
        self.triad_edges = {period.id: [] for period in self.periods}


def replan_year(
    roster: Roster,
    plan: Plan,
    start: dt.date,
    *,
    keep_within: float = 0.0,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int | None = None,
    plan_bytes: bytes | None = None,
    progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
) -> Result:
    """Re-plan `plan` for the updated `roster` from `start` on (inputs already checked).

    One worker by default, so the same inputs and seed give the same plan; more workers search
    in parallel, and a tie between equally good plans may then fall either way."""
    scoring = Scoring(roster)
    candidates = _SlotCandidates(roster, scoring)
    frame = Frame(roster, plan, start, candidates, scoring)
    data = plan_bytes if plan_bytes is not None else plan.as_json().encode()
    run = ReplanRun(
        frame,
        time_limit,
        SearchSettings(seed=seed, workers=workers or 1, stop=stop or threading.Event()),
        progress,
        keep_within,
        hashlib.sha256(data).hexdigest(),
    )
    return run.run()

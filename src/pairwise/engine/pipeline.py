"""The engine: `solve(roster)` returns the optimal plan (or the best found, with an honest bound).

How the model is split, and why the optimum stays exact:

1. Tables share no variable or rule with the rest (meetings are not slots): `seating.seat_tables`
   solves them apart and its optimum and bound are added.
2. Candidates (`candidates.py`): admissible pairs per rotation period and, per visit and cycle,
   its feasible slots as bit masks (uncovered: the visitor is free; covered: it teaches).
3. Peer relaxation (`relaxation.py`): partnerships as columns (`columns.py`) where a visit costs a
   cover only when it has no uncovered slot, ignoring slot clashes and per-slot covers. Dropping
   rules only adds plans, so its optimum R bounds every plan's peer part. An LP over all columns
   (`lp_bound.py`: triads by column generation over every triangle, parity and blossom cuts) gives
   duals whose Lagrangian bound rules columns out; CP-SAT then solves R exactly over the few left,
   deepening the margin until the optimum is proven. A maximum-weight matching (`matching.py`) is
   the fallback.
4. Sabbatical bound S: an LP of visit counts; when needed, the sabbatical model alone (peer visits
   only take slots away) and, for coaches who are also peers, with a free slot kept for their own
   visit (valid when every plan that could beat the best partners them: checked by CP-SAT).
5. Placement (`model/plan_model.py` without sabbaticals, then `model/sabbatical_model.py` around the
   fixed peer visits):
   exact slot pruning keeps both small. A plan worth R + S is proven optimal.
6. Otherwise the relaxation's partnerships are placed with peer and sabbatical visits together,
   and then the joint model (every column the LP cannot rule out for a plan better than the best)
   searches from the best plan as a complete hint, bounded by R + S; its proof or bound is the
   plan's bound.
7. A tie-break, never at the cost of the objective: each coach's visits spread over distinct
   coachees and over the cycles (folded into the sabbatical search, value first).
8. Conversations (`model/conversations.py`), also never at the objective's cost: a debrief after
   every peer visit and the tandem pairs' co-taught lessons with their planning, the visits moved
   only within the same covers; the plan states how many were placed and the most possible.

A warm start (`hint`) only adds work that pays: its partnerships are placed in their own slots
(cheap), start the LP's column generation with their triads and are the relaxation's incumbent;
its sabbatical visits hint the sabbatical search, and are placed around its own partnerships only
when step 5 does not prove the optimum. The bounds and proofs are the cold path's.

Same roster, seed and workers give the same plan: every collection is iterated in roster order
(never in the hash order of strings) and each search but the last-resort joint one runs CP-SAT
single-threaded with the seed (deterministic); only a search cut short by the wall clock can end
differently from run to run.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from pairwise.engine.candidates import Candidates
from pairwise.engine.columns import Column, base_value, pair_columns_of, triad_spaces
from pairwise.engine.lp_bound import LinearBound, prune
from pairwise.engine.matching import quick_partnerships
from pairwise.engine.model.conversations import ConversationPlacement, place_conversations
from pairwise.engine.model.plan_model import PlanModel, PlanSolution
from pairwise.engine.model.sabbatical_model import place_sabbaticals
from pairwise.engine.model.visit_rules import CoachingArc
from pairwise.engine.plan.builder import Seating, build_plan, solution_from_plan
from pairwise.engine.relaxation import (
    sabbatical_count_bound,
    solve_peer_relaxation,
    star_bound,
)
from pairwise.engine.sabbatical_bound import coach_reservations, coaches_stay_partnered
from pairwise.engine.search import (
    SearchProgressCallback,
    SearchSettings,
    restore_interrupt_handler,
    run_search,
)
from pairwise.engine.seating import seat_tables
from pairwise.engine.triad_pricing import lock_triads
from pairwise.result import Progress, ProgressCallback, Result
from pairwise.roster.models import Plan, Roster
from pairwise.roster.objective import Scoring

TABLE_SHARE = 0.2
RELAXATION_SHARE = 0.4
PLACEMENT_SHARE = 0.5
MINIMUM_PLACEMENT_SECONDS = 0.5
"""The first placement runs at least this long even past the time limit: a plan beats none."""
JOINT_FIRST_SLACK = 4
JOINT_COLUMN_LIMIT = 4000
"""Beyond this many columns the joint model is too big to search well: it is the last round."""
SPREAD_RESERVE = 0.05
"""Share of the time limit kept after the joint search for the sabbatical tie-break."""
SNAPSHOT_INTERVAL = 2.0
"""Seconds between two plans handed to `incumbent` (the first improvement goes at once)."""
EARLY_PLAN_PAIRS = 20_000
"""With more admissible pairs than this (a school of some 250 teachers and up), a quick plan and
a quick bound come first, before the exact phases: a large roster never ends without a plan."""
EARLY_PLAN_SHARE = 0.1
EARLY_PLACEMENT_SECONDS = 5.0
"""The early placement runs at least this long even past the time limit: hundreds of pairs take
CP-SAT a few seconds on a busy machine, and their plan is worth far more than nobody partnered."""


def solve(
    roster: Roster,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int | None = None,
    hint: Plan | None = None,
    progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
    conversations: bool = True,
    incumbent: Callable[[Plan], None] | None = None,
) -> Result:
    """Solve a roster: the optimal plan (docs/objective.md), or the best found in `time_limit` seconds.

    `hint` warm-starts from a previous plan; `progress` receives reports while it runs; setting
    `stop` (or Ctrl-C) ends the search early with the best plan so far. `conversations=False`
    skips the conversation stage (a plan without debriefs; the benchmarks' baseline).
    `incumbent` receives the best plan so far when it improves (at most every few seconds, without
    its conversations), for a caller that keeps it.
    """
    engine = _Engine(
        roster,
        time_limit=time_limit,
        settings=SearchSettings(
            seed=seed, workers=workers or os.cpu_count() or 1, stop=stop or threading.Event()
        ),
        hint=hint,
        progress=progress,
        conversations=conversations,
        incumbent=incumbent,
    )
    try:
        return engine.run()
    except KeyboardInterrupt:
        engine.settings.stop.set()
        if not engine.proven():
            with contextlib.suppress(KeyboardInterrupt):
                engine.place_hint_sabbaticals()  # a plan at least as good as the hint
        return engine.result(interrupted=True)


@dataclass
class _Engine:
    """One solve's state: the best plan so far, the bound, the clock."""

    roster: Roster
    time_limit: float
    settings: SearchSettings
    hint: Plan | None
    progress: ProgressCallback | None
    conversations: bool = True
    started: float = field(default_factory=time.monotonic)
    incumbent: Callable[[Plan], None] | None = None
    last_snapshot: float = float("-inf")
    scoring: Scoring = field(init=False)
    candidates: Candidates | None = None
    seating: Seating | None = None
    best: PlanSolution | None = None
    peer_bound: int | None = None
    sabbatical_bound: int = 0
    infeasible_why: str | None = None
    peer_value: int | None = None
    spread_done: bool = False
    linear: LinearBound | None = None
    hint_peers: tuple[PlanSolution, dict[CoachingArc, list[int]]] | None = None
    """The warm start's placed partnerships and its sabbatical visits, still to be placed."""
    stats: dict[str, float | int | str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.scoring = Scoring(self.roster)

    # --- the clock and progress -------------------------------------------------------------

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def remaining(self) -> float:
        return self.time_limit - self.elapsed()

    def global_bound(self) -> int | None:
        """The best proven bound on the whole plan so far (tables included)."""
        upper = self._upper_bound()
        if upper is None:
            return None
        return upper + (self.seating.bound if self.seating else 0)

    def reporter(
        self, phase: str, objective_offset: int | None = 0, bound_offset: int | None = None
    ) -> SearchProgressCallback:
        """A search's report as global progress: its objective plus `objective_offset` is a whole
        plan's value less the tables (None: not a plan); its bound plus `bound_offset` bounds every
        plan less the tables (None: it bounds only its own restricted model)."""

        def report(objective: int | None, bound: int | None) -> None:
            if self.progress is None:
                return
            tables_objective = self.seating.objective if self.seating else 0
            tables_bound = self.seating.bound if self.seating else 0
            best = self.best.objective + tables_objective if self.best is not None else None
            if objective is not None and objective_offset is not None:
                candidate = objective + objective_offset + tables_objective
                best = candidate if best is None else max(best, candidate)
            total = self.global_bound()
            if bound is not None and bound_offset is not None:
                candidate_bound = bound + bound_offset + tables_bound
                total = candidate_bound if total is None else min(total, candidate_bound)
            self.progress(Progress(best, total, self.elapsed(), phase))

        return report

    # --- the pipeline -----------------------------------------------------------------------

    def run(self) -> Result:
        if not self._tables():
            return self.result()
        self.candidates = Candidates(self.roster, self.scoring)
        self._sabbatical_relaxation()
        if self.hint is not None:
            self._place_hint()
        elif self._large():
            self._early_plan()
            if self.best is not None and self.remaining() <= 0:
                # the LP over every pair would run long past the limit: the early plan, honestly
                # bounded by the star and sabbatical bounds, is the answer
                self.stats["relaxation_skipped"] = 1
                return self.result()
        relaxation = solve_peer_relaxation(
            self.candidates,
            self.settings,
            max(0.05, RELAXATION_SHARE * self.remaining()),
            self.reporter("relaxation", None, self.sabbatical_bound),
            hint=self.best.columns if self.best is not None else None,
        )
        self.stats["relaxation_seconds"] = round(relaxation.seconds, 3)
        self.stats["columns_kept"] = relaxation.columns_kept
        self.linear = relaxation.linear
        if relaxation.linear is not None:
            self.stats["lp_bound"] = round(relaxation.linear.value, 3)
        if relaxation.status == "infeasible":
            self.infeasible_why = "the locked pairs cannot all be partners"
            return self.result()
        # the relaxation's bound, or the early star bound when that is tighter
        if relaxation.bound is not None and (
            self.peer_bound is None or relaxation.bound < self.peer_bound
        ):
            self.peer_bound = relaxation.bound
        if self.settings.stop.is_set() or relaxation.chosen is None:
            self.place_hint_sabbaticals()
            return self.result()
        self._place(relaxation.chosen)
        if not self.proven():
            self.place_hint_sabbaticals()
        if (
            self.best is None
            and self.candidates.locks
            and not self.settings.stop.is_set()
            and not self._locks_can_hold()
        ):
            self.infeasible_why = "the locked pairs' visits cannot all be placed"
            return self.result()
        if not self.proven() and not self.settings.stop.is_set() and self.remaining() > 0.05:
            self._tighten_sabbatical_bound()
        if not self.proven() and not self.settings.stop.is_set() and self.remaining() > 0.05:
            self._place_together(relaxation.chosen)
        if not self.proven() and not self.settings.stop.is_set() and self.remaining() > 0.05:
            self._joint()
        if self.best is not None and not self.spread_done and not self.settings.stop.is_set():
            self._respread()
        return self.result()

    def _tables(self) -> bool:
        """Seat the tables apart (their optimum adds to the rest); False when they cannot be."""
        solution = seat_tables(
            self.roster,
            scoring=self.scoring,
            time_limit=max(0.1, TABLE_SHARE * self.time_limit),
            seed=self.settings.seed,
            workers=1,  # one worker: deterministic, and seatings are small
            hint=list(self.hint.tables) if self.hint is not None else None,
        )
        restore_interrupt_handler()
        self.stats["tables_seconds"] = round(solution.seconds, 3)
        if not solution.feasible:
            self.infeasible_why = "; ".join(solution.why) or "the tables cannot be seated"
            return False
        self.seating = Seating(
            solution.tables,
            solution.terms,
            solution.objective,
            max(solution.bound, solution.objective),
        )
        return True

    def _large(self) -> bool:
        assert self.candidates is not None
        pairs = self.candidates.admissible_pairs()
        return pairs > EARLY_PLAN_PAIRS

    def _early_plan(self) -> None:
        """A plan before the exact phases: the best-valued free pairs first (`quick_partnerships`)
        placed in slots, peer visits only, with the star bound (`relaxation.star_bound`) as the
        peer bound until the relaxation proves a better one. The relaxation starts from it."""
        assert self.candidates is not None
        started = time.monotonic()
        # read from the pair tables: no Column object but those chosen
        self.peer_bound = star_bound(self.candidates)
        self.stats["star_bound"] = self.peer_bound
        if not self.candidates.locks:
            # nobody partnered is a plan (worth the base value) whatever else fails
            self._consider(PlanSolution([], {}, {}, base_value(self.candidates)))
        chosen = quick_partnerships(self.candidates)
        if chosen is None:
            return
        plan_model = PlanModel(self.candidates, chosen, sabbaticals=False)
        plan_model.build()
        outcome = run_search(
            plan_model.model,
            self.settings,
            max(EARLY_PLACEMENT_SECONDS, EARLY_PLAN_SHARE * self.remaining()),
            self.reporter("early"),
        )
        self.stats["early_seconds"] = round(time.monotonic() - started, 3)
        if outcome.has_solution:
            self._consider(plan_model.read(outcome.solver))
            assert self.best is not None
            self.stats["early_objective"] = self.best.objective

    def _sabbatical_relaxation(self) -> None:
        assert self.candidates is not None
        self.sabbatical_bound = sabbatical_count_bound(self.candidates)

    def _tighten_sabbatical_bound(self) -> None:
        """The best sabbatical visits with no peer visit in the way: a tighter bound than counts.

        Peer visits only take slots and covers away, so no plan's sabbatical part beats this.
        """
        assert self.candidates is not None
        if not self.candidates.sabbatical_arcs:
            return
        alone = place_sabbaticals(
            self.candidates,
            PlanSolution([], {}, {}, 0),
            self.settings,
            max(0.05, PLACEMENT_SHARE * self.remaining()),
        )
        if alone.bound is not None:
            self.sabbatical_bound = min(self.sabbatical_bound, alone.bound)
        self.stats["sabbatical_bound"] = self.sabbatical_bound
        if self.proven() or self.settings.stop.is_set() or self.peer_bound is None:
            return
        if self.linear is None or self.best is None or self._large():
            # on a large roster the coaches' reservations price every triangle of the LP
            # (gigabytes at 800 teachers): the bound stays the sabbatical model's alone
            return
        reserved = coach_reservations(
            self.candidates,
            self.linear,
            self.best.objective + 1 - self.sabbatical_bound,
            reciprocal=self.roster.policy.reciprocal,
            cover=self.roster.policy.weights.cover,
        )
        if not reserved:
            return
        coupled = place_sabbaticals(
            self.candidates,
            PlanSolution([], {}, {}, 0),
            self.settings,
            max(0.05, PLACEMENT_SHARE * self.remaining()),
            reserved=reserved,
        )
        if coupled.bound is None or coupled.bound >= self.sabbatical_bound:
            return
        threshold = self.peer_bound + coupled.bound - self.sabbatical_bound + 1
        if coaches_stay_partnered(
            self.candidates,
            self.linear,
            threshold,
            reserved,
            self.settings,
            max(0.05, 0.2 * self.remaining()),
        ):
            self.sabbatical_bound = coupled.bound
            self.stats["sabbatical_bound"] = self.sabbatical_bound

    def proven(self) -> bool:
        return (
            self.best is not None
            and self.peer_bound is not None
            and self.best.objective >= self.peer_bound + self.sabbatical_bound
        )

    def _upper_bound(self) -> int | None:
        if self.peer_bound is None:
            return None
        return self.peer_bound + self.sabbatical_bound

    def _consider(self, solution: PlanSolution) -> None:
        if self.best is None or solution.objective > self.best.objective:
            self.best = solution
            self.spread_done = False
            self._snapshot()

    def _snapshot(self) -> None:
        """The best plan so far to `incumbent`, at most every `SNAPSHOT_INTERVAL` seconds."""
        if self.incumbent is None or self.best is None or self.candidates is None:
            return
        now = time.monotonic()
        if now - self.last_snapshot < SNAPSHOT_INTERVAL:
            return
        self.last_snapshot = now
        self.incumbent(self._plan(self.best, self.elapsed()))

    def _run_plan_model(
        self,
        columns: list[Column],
        phase: str,
        time_limit: float,
        hint: PlanSolution | None,
        workers: int = 1,
    ) -> tuple[str, int | None]:
        """Build and search a plan model; keep its solution when better. Returns (status, bound)."""
        assert self.candidates is not None
        plan_model = PlanModel(self.candidates, columns)
        plan_model.build(upper_bound=self._upper_bound())
        if hint is not None:
            plan_model.hint(hint)
        report = self.reporter(phase, 0, 0 if phase == "joint" else None)
        outcome = run_search(plan_model.model, self.settings, time_limit, report, workers=workers)
        self.stats[f"{phase}_seconds"] = round(outcome.seconds, 3)
        self.stats[f"{phase}_variables"] = len(plan_model.model.proto.variables)
        if outcome.has_solution:
            self._consider(plan_model.read(outcome.solver))
        return outcome.status, outcome.bound

    def _place_hint(self) -> None:
        """Place the warm start's own partnerships first (their slots kept and hinted): a plan
        whatever the time left, and the relaxation's incumbent. Its sabbatical visits wait for
        `place_hint_sabbaticals`, needed only when the relaxation's plan is not proven optimal."""
        assert self.candidates is not None and self.hint is not None
        solution = solution_from_plan(self.candidates, self.hint)
        plan_model = PlanModel(
            self.candidates,
            solution.columns,
            sabbaticals=False,
            keep={arc: {slot} for arc, slot in solution.visits.items()},
        )
        plan_model.build()
        plan_model.hint(solution)
        outcome = run_search(
            plan_model.model,
            self.settings,
            max(MINIMUM_PLACEMENT_SECONDS, 0.1 * self.remaining()),
            self.reporter("hint"),
        )
        self.stats["hint_seconds"] = round(outcome.seconds, 3)
        if not outcome.has_solution:
            return
        peers = plan_model.read(outcome.solver)
        self._consider(peers)
        self.hint_peers = (peers, solution.sabbatical_visits)

    def place_hint_sabbaticals(self) -> None:
        """The warm start's sabbatical visits around its placed partnerships: a plan at least as
        good as the hint. Skipped once a plan is proven optimal (it could not beat it)."""
        if self.hint_peers is None or self.candidates is None:
            return
        peers, visits = self.hint_peers
        self.hint_peers = None
        settings = self.settings
        if settings.stop.is_set():
            # stopped during the relaxation: this short search still keeps the hint's value
            settings = replace(settings, stop=threading.Event())
        placement = place_sabbaticals(
            self.candidates,
            peers,
            settings,
            max(MINIMUM_PLACEMENT_SECONDS, 0.1 * self.remaining()),
            spread=True,
            hint=visits,
        )
        self._consider(
            PlanSolution(
                peers.columns, peers.visits, placement.visits, peers.objective + placement.value
            )
        )

    def _place(self, chosen: list[Column]) -> None:
        """Place the relaxation's partnerships in slots, then the sabbatical visits around them."""
        assert self.candidates is not None
        plan_model = PlanModel(self.candidates, chosen, sabbaticals=False)
        plan_model.build(upper_bound=self.peer_bound)
        outcome = run_search(
            plan_model.model,
            self.settings,
            max(MINIMUM_PLACEMENT_SECONDS, PLACEMENT_SHARE * self.remaining()),
            self.reporter("placement"),
        )
        self.stats["placement_seconds"] = round(outcome.seconds, 3)
        self.stats["placement_status"] = outcome.status
        if not outcome.has_solution:
            return
        peers = plan_model.read(outcome.solver)
        self.peer_value = peers.objective
        self._consider(peers)  # a whole plan already, should the search stop here
        if self.settings.stop.is_set():
            return
        hint = self.hint_peers[1] if self.hint_peers is not None else None
        self._add_sabbaticals(peers, "sabbatical", spread=True, hint=hint)

    def _add_sabbaticals(
        self,
        peers: PlanSolution,
        phase: str,
        spread: bool = False,
        hint: dict[CoachingArc, list[int]] | None = None,
    ) -> None:
        """The best sabbatical visits around `peers`' visits, kept when the whole is better."""
        assert self.candidates is not None
        placement = place_sabbaticals(
            self.candidates,
            peers,
            self.settings,
            max(0.05, PLACEMENT_SHARE * self.remaining()),
            self.reporter(phase, peers.objective),
            spread=spread,
            hint=hint,
            # on a large roster a greedy reaching the count bound spares the model (gigabytes)
            bound=self.sabbatical_bound if self._large() else None,
        )
        self.stats[f"{phase}_value"] = placement.value
        if placement.outcome is None and placement.optimal:
            self.stats[f"{phase}_greedy"] = 1
        combined = PlanSolution(
            peers.columns, peers.visits, placement.visits, peers.objective + placement.value
        )
        if self.best is None or combined.objective >= self.best.objective:
            improved = self.best is None or combined.objective > self.best.objective
            self.best = combined
            self.spread_done = spread
            if improved:
                self._snapshot()

    def _locks_can_hold(self) -> bool:
        """Whether some plan keeps every lock (False only when proven impossible).

        A plan stays a plan when partnerships without a locked pair are dropped (their teachers
        unpaired) and sabbatical visits too, so a plan exists exactly when one exists over the
        columns that contain a locked pair. Their model is small; its first solution is a plan.
        """
        assert self.candidates is not None
        locks = set(self.candidates.locks)
        columns = [
            column
            for column in pair_columns_of(self.candidates, self.candidates.locks)
            + lock_triads(self.candidates, triad_spaces(self.candidates))
            if any(edge in locks for edge in column.edges(self.candidates))
        ]
        plan_model = PlanModel(self.candidates, columns, sabbaticals=False)
        plan_model.build()
        outcome = run_search(
            plan_model.model,
            self.settings,
            max(MINIMUM_PLACEMENT_SECONDS, PLACEMENT_SHARE * self.remaining()),
            self.reporter("locks"),
        )
        if outcome.has_solution:
            self._consider(plan_model.read(outcome.solver))
        # with cross-school pairs a triad needs its owner school's count odd, which dropping
        # partnerships can break: no proof there
        policy = self.roster.policy
        proof = not (policy.cross_school_pairs and policy.allow_triads)
        return not (outcome.status == "infeasible" and proof)

    def _place_together(self, chosen: list[Column]) -> None:
        """Peer and sabbatical visits placed in one model: a peer visit may move for a coach."""
        self._run_plan_model(
            list(chosen), "together", max(0.05, PLACEMENT_SHARE * self.remaining()), self.best
        )

    def _respread(self) -> None:
        """Re-place the final plan's sabbatical visits with the spread tie-break."""
        assert self.best is not None
        best = self.best
        peers = PlanSolution(
            best.columns, best.visits, {}, best.objective - self._sabbatical_value(best)
        )
        self.best = None
        self._add_sabbaticals(peers, "spread", spread=True)
        if self.best is None or self.best.objective < best.objective:
            self.best = best

    def _sabbatical_value(self, solution: PlanSolution) -> int:
        assert self.candidates is not None
        weights = self.roster.policy.weights
        value = 0
        for arc, slots in solution.sabbatical_visits.items():
            options = self.candidates.sabbatical_arcs[arc]
            for slot in slots:
                covered = not (options.uncovered >> slot) & 1
                value += weights.sabbatical - (weights.cover if covered else 0)
        return value

    def _joint(self) -> None:
        """Deepening over the joint model: with a slack s, every column able to be part of a plan
        whose peer relaxation is worth R - s or more (and the best plan's own), searched together
        from the best plan. A proven optimum bounds every plan inside; plans outside are worth at
        most R - s - 1 + S. The slack grows until that meets the best plan or the time runs out."""
        assert self.candidates is not None
        linear = self.linear
        slack = JOINT_FIRST_SLACK
        while (
            linear is not None
            and self.best is not None
            and self.peer_bound is not None
            and not self.proven()
            and not self.settings.stop.is_set()
            and self.remaining() > 0.05
        ):
            floor = self.best.objective - self.sabbatical_bound
            threshold = max(floor, self.peer_bound - slack)
            columns = prune(self.candidates, linear, threshold)
            keys = {column.key for column in columns}
            columns += [column for column in self.best.columns if column.key not in keys]
            self.stats["joint_columns"] = len(columns)
            if len(columns) > JOINT_COLUMN_LIMIT and self._large():
                # a plan model over that many columns of a large roster holds gigabytes (over
                # 8 GiB at 3,000 teachers, 100,000 columns): no search, the bound stays
                self.stats["joint_skipped"] = 1
                return
            last = threshold == floor or len(columns) > JOINT_COLUMN_LIMIT
            available = self.remaining() - SPREAD_RESERVE * self.time_limit
            status, bound = self._run_plan_model(
                columns,
                "joint",
                max(0.05, available if last else available / 3),
                self.best,
                workers=self.settings.workers,
            )
            outside = threshold - 1  # the most any plan left out is worth, in peer terms
            if status == "optimal":
                self.peer_bound = min(
                    self.peer_bound, max(self.best.objective - self.sabbatical_bound, outside)
                )
            elif bound is not None:
                self.peer_bound = min(self.peer_bound, max(bound - self.sabbatical_bound, outside))
            if status != "optimal" or last:
                return
            slack *= 4

    # --- the result ---------------------------------------------------------------------------

    def result(self, interrupted: bool = False) -> Result:
        seconds = self.elapsed()
        self.stats["interrupted"] = int(interrupted or self.settings.stop.is_set())
        if self.infeasible_why is not None:
            self.stats["why"] = self.infeasible_why
            return Result("infeasible", None, None, None, seconds, self.stats)
        tables_bound = self.seating.bound if self.seating else 0
        if self.best is None or self.candidates is None:
            bound = None
            if self.peer_bound is not None:
                bound = self.peer_bound + self.sabbatical_bound + tables_bound
            return Result("unknown", None, bound, None, seconds, self.stats)
        searching = not (interrupted or self.settings.stop.is_set())
        # the stage's search stops on CP-SAT's deterministic time, so it ends the same way on
        # every machine; the wall clock cuts it only at the solve's own time limit
        budget = max(0.0, self.remaining()) if searching else 0.0
        conversations = None
        if self.conversations:
            conversations = place_conversations(self.candidates, self.best, self.settings, budget)
            self.stats.update(conversations.stats)
        seconds = self.elapsed()
        plan = self._plan(self.best, seconds, conversations)
        # the engine states every solver field of its plans
        assert plan.status is not None and plan.objective is not None
        return Result(plan.status, plan.objective, plan.bound, plan, seconds, self.stats)

    def _plan(
        self, best: PlanSolution, seconds: float, conversations: ConversationPlacement | None = None
    ) -> Plan:
        """`best` as a plan, with the best bound proven so far."""
        assert self.candidates is not None
        tables_bound = self.seating.bound if self.seating else 0
        upper = self._upper_bound()
        bound = (upper if upper is not None else best.objective) + tables_bound
        return build_plan(
            self.candidates,
            self.scoring,
            best,
            self.seating,
            bound=bound,
            seconds=seconds,
            seed=self.settings.seed,
            conversations=conversations,
        )

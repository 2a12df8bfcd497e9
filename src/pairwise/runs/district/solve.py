"""Districts: one task per school, then the coaches' cross-school sabbatical visits, merged.

Partnerships, visits and tables live within a school (unless `cross_school_pairs`), and covers,
tables and the release budget count per school, so a district decomposes into its schools. Only the
sabbatical coaches cross schools. Each school's roster therefore carries, for each of its coaches,
a few stand-in coachees ("cross-school capacity": `ceil(budget / sabbatical_visits_per_coachee)`
non-participating teachers who teach, and are free, wherever some eligible coachee of another
school teaches and is free). A school's solve places its coaches' visits to them as it places any
other, against the coach's free slots, budget and the school's covers.

Why the bound is honest: take any district plan. Its part in school s, plus its cross-school
visits by the coaches of s (moved onto the stand-ins, at most `cap` each and one per slot), is a
plan of school s's roster with the same value. So the sum of the schools' bounds bounds the
district, and the district is proven optimal exactly when the merged plan reaches that sum.

Time: round one shares the worker slots' time out among the schools (a floor each, the rest by
size; largest first), fixed before any task runs, so the same roster, seed and worker count give
the same limits; schools not proven then share what is left, warm-started from their plans, while
the district is further than `GAP_GOAL` from its bound. Every task also carries the schools'
deadline: one that starts late (a busy machine) gets only the time left, so the run ends near its
limit whatever the load. A school that found no
plan at all in round one gets that second try even when no time is left (at least
`MINIMUM_TASK_SECONDS`, past the limit): one slow school must not leave the whole district
without a plan.

After the schools are solved, the real cross-school visits are placed on what capacity remains
(free slots of coach and coachee, remaining covers of the coach's school per slot, unspent coach
budgets and per-coachee caps): a greedy that spreads them over coachees and cycles, kept when it
spends every budget without cover, else a small CP-SAT model hinted with it. The plans are then
merged: partnership ids renumbered, terms summed, metrics recomputed.

A merged plan more than `gap_goal` short of its bound (two schools' coaches wanted the same
coachees, or a coachee's free slots went to its own school) is closed with the time left: the
engine on the whole roster, warm-started from the merged plan, when the district is small enough
(`close_gap`). Its bound is the smaller of the schools' sum and the whole roster's: both bound
every district plan, so the minimum does too.

With `cross_school_pairs` partnerships may cross schools, so the roster is solved whole, as one
task; so is a roster with one school, or with a `lock` across two schools (the engine reports it).
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from pairwise.result import Progress, ProgressCallback, Result, Status, relative_gap
from pairwise.roster.models import (
    Plan,
    Roster,
)
from pairwise.runs.district.cross_visits import PHASE_TWO_SECONDS
from pairwise.runs.district.merge import merge_district
from pairwise.runs.district.split import SchoolPart, split_district, split_hint
from pairwise.runs.executor import (
    Executor,
    Solver,
    SolveTask,
    TaskOutcome,
    engine_solver,
    machine_cores,
    open_executor,
    peak_memory_bytes,
)

MINIMUM_TASK_SECONDS = 1.0

WHOLE_RESOLVE_TEACHERS = 400
"""A merged plan short of its bound is re-solved whole (warm-started from it) up to this many
teachers: a roster of that size solves in a few hundred MiB (benchmarks/README.md, Districts)."""

MERGE_SECONDS_PER_TEACHER = 0.0006
"""Seconds kept per teacher for splitting the district, merging the schools' plans and placing
the cross-school visits (12 s at 20,000 teachers; about what the main process spends there on a
quiet machine)."""

MERGE_TO_SPLIT = 6.0
"""The merge and the cross-school placement take about this many times the split: on a slow
machine the schools' deadline leaves that much time for them."""

FLOOR_SHARE = 0.5
"""The least a school's time limit may be, as a share of the average (when under
`MINIMUM_TASK_SECONDS`)."""

GAP_GOAL = 0.001
"""A district within 0.1 % of its bound stops: a second round would spend the whole time limit
on the last unproven school for a few points."""


def solve_district(
    roster: Roster,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
    hint: Plan | None = None,
    solver: Solver | None = None,
    inline: bool = False,
    gap_goal: float = GAP_GOAL,
) -> Result:
    """Solve a (district) roster school by school on an executor and merge one checked-valid plan.

    `scheduler` sends the tasks to a Dask scheduler; `workers` is the cores to use (default all);
    `hint` warm-starts each school from a plan of the same district; `solver` replaces the engine
    (`pairwise.engine.pipeline.solve`); `inline` runs every task in this process. Schools not
    proven get the time left over, and then the merged plan's gap is closed on the whole roster,
    only while the district is further than `gap_goal` from its bound.
    """
    started = time.perf_counter()
    run = _Run(
        seed=seed,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        solver=solver,
        started=started,
        deadline=started + time_limit,
    )
    whole_reason = _whole_roster_reason(roster, roster.schools())
    if whole_reason is not None:
        return _solve_whole(roster, reason=whole_reason, time_limit=time_limit, hint=hint, run=run)
    with collector_paused():
        parts = split_district(roster)
    split_seconds = time.perf_counter() - started
    hints = split_hint(roster, hint, parts) if hint is not None else {}
    # room for merging and the cross-school placement after the schools: by the district's size
    # (the schools' shares do not depend on the machine's speed), and by the split's time when
    # the machine is slow (only the deadline that cuts late tasks short moves with it)
    reserve = (
        min(PHASE_TWO_SECONDS, 0.1 * time_limit)
        + 0.5
        + MERGE_SECONDS_PER_TEACHER * len(roster.teachers)
    )
    late_reserve = max(reserve, MERGE_TO_SPLIT * split_seconds)
    outcomes, stats = _solve_parts(
        parts, hints, run, (reserve, late_reserve), inline=inline, gap_goal=gap_goal
    )
    stats["split_seconds"] = round(split_seconds, 3)
    merge_started = time.perf_counter()
    failed = _failed(outcomes)
    if failed is not None:
        outcome = outcomes[failed]
        stats.update({f"school.{key}": value for key, value in outcome.stats.items()})
        stats["failed_school"] = failed or "(unnamed school)"
        return Result(outcome.status, None, None, None, time.perf_counter() - started, stats)
    phase_two_budget = max(0.2, min(PHASE_TWO_SECONDS, run.deadline - time.perf_counter() - 0.3))
    with collector_paused():
        plan, merge_stats = merge_district(
            roster, parts, outcomes, seed=seed, placement_seconds=phase_two_budget
        )
    stats.update(merge_stats)
    stats["merge_seconds"] = round(time.perf_counter() - merge_started, 3)
    if progress is not None:
        seconds = time.perf_counter() - started
        progress(Progress(plan.objective, plan.bound, seconds, phase="district merged"))
    if (plan.gap or 0.0) > gap_goal:
        plan = close_gap(roster, plan, run, stats)
    seconds = time.perf_counter() - started
    plan.seconds = round(seconds, 3)
    status: Status = "optimal" if plan.status == "optimal" else "feasible"
    return Result(status, plan.objective, plan.bound, plan, seconds, stats)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for a block, then as it was (reference counting
    frees everything else meanwhile; any cycle left is collected after).

    Splitting a district and merging its plans allocate hundreds of thousands of small objects,
    and each full collection they trigger walks every object of the roster again: at 20,000
    teachers 1.4 s of the merge's 3.2 s and 0.3 s of the split's 0.9 s, serial time that caps
    the speed-up from more workers. Concurrent callers cannot leave it off: only one that found
    it on turns it back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class _Run:
    """What every stage of one district solve shares: options, the clock and the deadline."""

    seed: int
    workers: int | None
    scheduler: str | None
    progress: ProgressCallback | None
    solver: Solver | None
    started: float
    deadline: float


def _solve_parts(
    parts: Sequence[SchoolPart],
    hints: dict[str, str | None],
    run: _Run,
    reserves: tuple[float, float],
    *,
    inline: bool,
    gap_goal: float,
) -> tuple[dict[str, TaskOutcome], dict[str, float | int | str]]:
    """Each school solved as one task (two rounds when time is left); outcomes and stats.

    `reserves`: the seconds kept for the merge after the schools, in sharing their time out and
    in cutting late tasks short."""
    reserve, late_reserve = reserves
    with open_executor(
        scheduler=run.scheduler, workers=run.workers, tasks=len(parts), inline=inline
    ) as executor:
        began = time.perf_counter()
        # from the time limit, not the clock: the split's time (about a second per 10,000
        # teachers, kept in `reserve`) must not move the shares
        budget = run.deadline - run.started - reserve - executor.startup_seconds
        # every task ends by the schools' deadline: one that starts late (a busy machine) gets
        # the time left, so the run ends near its limit with a plan
        schools_deadline = time.time() + (run.deadline - late_reserve - began)
        # round one: each school its share of the slots' time by size, fixed before any task
        # runs (the same shares for the same worker count, however fast the tasks go)
        limits = task_time_limits(parts, budget, executor.slots)
        outcomes = _solve_schools(executor, parts, hints, limits, run, schools_deadline)
        unproven = [
            part
            for part in parts
            if outcomes[part.school].status in ("feasible", "unknown")
            and outcomes[part.school].error is None
            and not outcomes[part.school].problems
        ]
        remaining = run.deadline - late_reserve - time.perf_counter()
        infeasible = any(outcome.status == "infeasible" for outcome in outcomes.values())
        close_enough = _schools_gap(outcomes) <= gap_goal
        if remaining < MINIMUM_TASK_SECONDS:
            # out of time: only a school with no plan at all gets another try (past the limit),
            # since without it the whole district would have none
            unproven = [part for part in unproven if outcomes[part.school].plan_json is None]
        second_round = 0
        if unproven and not infeasible and not close_enough:
            second_round = len(unproven)
            # a second round for the schools not proven: the time others left, from their plans
            second = _solve_schools(
                executor,
                unproven,
                {part.school: outcomes[part.school].plan_json for part in unproven},
                task_time_limits(unproven, remaining, executor.slots),
                run,
                schools_deadline,
            )
            for part in unproven:
                outcomes[part.school] = _better(outcomes[part.school], second[part.school])
        slots, cores = executor.slots, executor.cores_per_task
        schools_seconds = time.perf_counter() - began
    for part in parts:
        outcomes[part.school].raise_error()
    stats: dict[str, float | int | str] = {
        "decomposition": "schools",
        "schools": len(parts),
        "parallel_tasks": slots,
        "cores_per_task": cores,
        "schools_optimal": sum(1 for part in parts if outcomes[part.school].status == "optimal"),
        "schools_second_round": second_round,
        "schools_seconds": round(schools_seconds, 3),
        "schools_cpu_seconds": round(sum(o.cpu_seconds for o in outcomes.values()), 3),
        "schools_task_seconds": round(sum(o.seconds for o in outcomes.values()), 3),
        "peak_memory_bytes": max(outcome.peak_memory_bytes for outcome in outcomes.values()),
    }
    return outcomes, stats


def close_gap(roster: Roster, plan: Plan, run: _Run, stats: dict[str, float | int | str]) -> Plan:
    """Spend the time left on a merged plan short of its bound: the engine on the whole roster,
    warm-started from the merged plan, when the roster has at most `WHOLE_RESOLVE_TEACHERS`.

    The schools solved apart cannot see that two schools' coaches want the same coachees, or that
    a coachee's free slots went to its own school's visits: the whole roster sees both. The
    result's bound is the smaller of two valid bounds (the sum of the schools' bounds, and the
    whole roster's), and its plan the better of the two (the engine never returns less than its
    warm start), so the district is proven when either bound is reached.
    """
    objective, bound = plan.objective, plan.bound
    assert objective is not None and bound is not None  # a merged plan states both
    remaining = run.deadline - time.perf_counter()
    if len(roster.teachers) > WHOLE_RESOLVE_TEACHERS:
        stats["gap_closing"] = f"none: more than {WHOLE_RESOLVE_TEACHERS} teachers"
        return plan
    if remaining < MINIMUM_TASK_SECONDS + 0.5:
        stats["gap_closing"] = "none: no time left"
        return plan
    stats.update(
        {"gap_closing": "whole roster", "merged_objective": objective, "merged_bound": bound}
    )
    began = time.perf_counter()
    whole = _solve_whole(roster, reason="closing the gap", time_limit=remaining, hint=plan, run=run)
    stats["gap_closing_seconds"] = round(time.perf_counter() - began, 3)
    stats["gap_closing_status"] = whole.status
    if whole.bound is not None:
        bound = min(bound, whole.bound)
    best = plan
    if whole.plan is not None and whole.objective is not None and whole.objective >= objective:
        best, objective = whole.plan, whole.objective
    # both bounds are valid, so `bound` cannot fall below a plan's objective (a stand-in engine
    # in the tests might claim any bound: never state a negative gap)
    best.bound = max(bound, objective)
    best.status = "optimal" if objective >= best.bound else "feasible"
    best.gap = round(relative_gap(objective, best.bound), 6)
    return best


def solve_district_inline(
    roster: Roster,
    *,
    time_limit: float,
    seed: int,
    workers: int,
    hint: Plan | None,
    solver: Solver | None,
) -> Result:
    """`solve_district` as one executor task (`SolveTask.runner`): every school in this process."""
    return solve_district(
        roster,
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        hint=hint,
        solver=solver,
        inline=True,
    )


def _whole_roster_reason(roster: Roster, schools: Sequence[str]) -> str | None:
    """Why the roster must be solved whole (one task), or None when it splits into schools."""
    if len(schools) <= 1:
        return "one school"
    if roster.policy.cross_school_pairs:
        return "cross_school_pairs: partnerships may cross schools"
    for relation in roster.relations:
        if relation.kind == "lock" and roster.school_of(relation.a) != roster.school_of(relation.b):
            return f"a lock across schools ({relation.a}, {relation.b})"
    return None


def _solve_whole(
    roster: Roster, *, reason: str, time_limit: float, hint: Plan | None, run: _Run
) -> Result:
    """The roster as one task: here with live progress, or on the cluster when one is named."""
    limit = max(MINIMUM_TASK_SECONDS, time_limit - 0.5)
    if run.scheduler is None:
        # one task and no cluster: run the engine here, with its live progress
        cores = run.workers if run.workers is not None else machine_cores()
        engine = run.solver if run.solver is not None else engine_solver()
        result = engine(
            roster, time_limit=limit, seed=run.seed, workers=cores, hint=hint, progress=run.progress
        )
        peak = peak_memory_bytes()
    else:
        task = SolveTask(
            key="roster",
            roster_json=roster.as_json(),
            time_limit=limit,
            seed=run.seed,
            hint_json=hint.as_json() if hint is not None else None,
            solver=run.solver,
        )
        with open_executor(scheduler=run.scheduler, workers=run.workers, tasks=1) as executor:
            (outcome,) = executor.map([task])
            cores = executor.cores_per_task
        result = outcome.result()
        peak = outcome.peak_memory_bytes
    result.stats.update(
        {
            "decomposition": f"whole roster ({reason})",
            "schools": len(roster.schools()),
            "parallel_tasks": 1,
            "cores_per_task": cores,
            "peak_memory_bytes": peak,
        }
    )
    result.seconds = time.perf_counter() - run.started
    if run.progress is not None:
        run.progress(
            Progress(result.objective, result.bound, result.seconds, phase="roster solved")
        )
    return result


def _schools_gap(outcomes: dict[str, TaskOutcome]) -> float:
    """The gap of the schools' plans together (1.0 while a school has no plan)."""
    if any(outcome.objective is None or outcome.bound is None for outcome in outcomes.values()):
        return 1.0
    objective = sum(outcome.objective or 0 for outcome in outcomes.values())
    bound = sum(outcome.bound or 0 for outcome in outcomes.values())
    return relative_gap(objective, bound)


def _failed(outcomes: dict[str, TaskOutcome]) -> str | None:
    """The first school (in roster order) with no plan: infeasible, or none found in time."""
    for school, outcome in outcomes.items():
        if outcome.plan_json is None and outcome.problems == () and outcome.error is None:
            return school
    return None


def _better(first: TaskOutcome, second: TaskOutcome) -> TaskOutcome:
    """The outcome with the better plan, with the tighter of the two (valid) bounds."""
    if second.plan_json is None or (
        first.plan_json is not None and (first.objective or 0) >= (second.objective or 0)
    ):
        best = first
    else:
        best = second
    bounds = [bound for bound in (first.bound, second.bound) if bound is not None]
    bound = min(bounds) if bounds else None
    status: Status = best.status
    if best.objective is not None and bound is not None and best.objective >= bound:
        status = "optimal"
    return TaskOutcome(
        key=best.key,
        status=status,
        objective=best.objective,
        bound=bound,
        plan_json=best.plan_json,
        seconds=first.seconds + second.seconds,
        stats=best.stats,
        peak_memory_bytes=max(first.peak_memory_bytes, second.peak_memory_bytes),
        problems=best.problems,
        error=best.error,
        cpu_seconds=first.cpu_seconds + second.cpu_seconds,
        time_limit=first.time_limit + second.time_limit,
    )


def _solve_schools(
    executor: Executor,
    parts: Sequence[SchoolPart],
    hints: dict[str, str | None],
    limits: dict[str, float],
    run: _Run,
    deadline: float,
) -> dict[str, TaskOutcome]:
    """Solve each school as one task, largest first (by `time.time()` `deadline`); outcomes
    keyed by school, in roster order."""
    order = sorted(parts, key=lambda part: -part.weight)
    tasks = [
        SolveTask(
            key=part.key,
            roster_json=json.dumps(part.data),
            time_limit=limits[part.school],
            seed=run.seed,
            hint_json=hints.get(part.school),
            solver=run.solver,
            deadline=deadline,
        )
        for part in order
    ]
    done: list[TaskOutcome] = []

    def report(_index: int, outcome: TaskOutcome) -> None:
        if outcome.stats.get("interrupted"):
            # Ctrl-C reached the engine running inline: stop the district, not just one school
            raise KeyboardInterrupt
        done.append(outcome)
        if run.progress is not None:
            objective = sum(item.objective or 0 for item in done)
            bound = sum(item.bound or 0 for item in done)
            run.progress(
                Progress(
                    objective,
                    bound,
                    time.perf_counter() - run.started,
                    phase=f"schools solved {len(done)}/{len(tasks)}",
                )
            )

    outcomes = executor.map(tasks, on_done=report)
    by_school = {part.school: outcome for part, outcome in zip(order, outcomes, strict=True)}
    return {part.school: by_school[part.school] for part in parts}


def task_time_limits(parts: Sequence[SchoolPart], budget: float, slots: int) -> dict[str, float]:
    """Each school's time limit: `slots` × `budget` shared out, a floor each and the rest by
    weight, each within `budget`.

    The floor is `MINIMUM_TASK_SECONDS`, or half the average share when that is less (200
    schools on one slot in two minutes: a fixed 1 s floor alone would fill the time twice). Fixed
    before the tasks run (largest first, so the shares fill the slots), so a task's limit never
    depends on how fast the others went.
    """
    budget = max(MINIMUM_TASK_SECONDS, budget)
    count = max(1, len(parts))
    capacity = budget * min(max(1, slots), count)
    floor = min(MINIMUM_TASK_SECONDS, FLOOR_SHARE * capacity / count)
    total = sum(part.weight for part in parts) or 1.0
    spread = capacity - floor * count
    return {
        part.school: round(min(budget, floor + spread * part.weight / total), 3) for part in parts
    }

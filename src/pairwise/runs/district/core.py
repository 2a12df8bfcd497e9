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

Time: round one gives each school a share of the time limit by size (largest first), the same
shares whatever the worker count; schools not proven then share what is left, warm-started from
their plans, while the district is further than `GAP_GOAL` from its bound.

After the schools are solved, the real cross-school visits are placed on what capacity remains
(free slots of coach and coachee, remaining covers of the coach's school per slot, unspent coach
budgets and per-coachee caps): a greedy that spreads them over coachees and cycles, kept when it
spends every budget without cover, else a small CP-SAT model hinted with it. The plans are then
merged: partnership ids renumbered, terms summed, metrics recomputed.

With `cross_school_pairs` partnerships may cross schools, so the roster is solved whole, as one
task; so is a roster with one school, or with a `lock` across two schools (the engine reports it).
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from pairwise.analysis.network import plan_metrics
from pairwise.result import Progress, ProgressCallback, Result, Status, relative_gap
from pairwise.roster.models import (
    Partnership,
    Plan,
    Roster,
    SabbaticalVisit,
    TableSeat,
    Teacher,
    Unpaired,
    Visit,
    parse_slot,
)
from pairwise.runs.executor import (
    Executor,
    LocalExecutor,
    Solver,
    SolveTask,
    TaskOutcome,
    engine_solver,
    machine_cores,
    open_executor,
    peak_memory_bytes,
)

STAND_IN_MARK = "~cross-"
"""Stand-in coachee ids are `<coach>~cross-<k>`; no roster id contains it (checked anyway)."""

PHASE_TWO_SECONDS = 5.0
"""At most this much (deterministic CP-SAT time) for placing the cross-school visits."""

MINIMUM_TASK_SECONDS = 1.0

GAP_GOAL = 0.001
"""A district within 0.1 % of its bound stops: a second round would spend the whole time limit
on the last unproven school for a few points."""


@dataclass
class SchoolPart:
    """One school's share of a district: its roster (as JSON) and its coaches' stand-ins."""

    school: str
    teachers: int
    data: dict[str, Any]
    stand_in_coach: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.school or "(unnamed school)"

    @property
    def weight(self) -> float:
        # solve time grows faster than the staff count; LPT order and time shares follow it
        return float(max(1, self.teachers) * math.sqrt(max(1, self.teachers)))


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
    (`pairwise.solve.solve`); `inline` runs every task in this process. Schools not proven get the
    time left over only while the district is further than `gap_goal` from its bound.
    """
    started = time.perf_counter()
    schools = roster.schools()
    whole_reason = _whole_roster_reason(roster, schools)
    if whole_reason is not None:
        return _solve_whole(
            roster,
            reason=whole_reason,
            time_limit=time_limit,
            seed=seed,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
            hint=hint,
            solver=solver,
            started=started,
        )
    parts = split_district(roster)
    hints = split_hint(roster, hint, parts) if hint is not None else {}
    # room for merging and the cross-school placement after the schools are solved
    reserve = min(PHASE_TWO_SECONDS, 0.1 * time_limit) + 0.5
    deadline = started + time_limit
    with open_executor(
        scheduler=scheduler, workers=workers, tasks=len(parts), inline=inline
    ) as executor:
        # a pool's worker processes take about a second to start and import the engine
        startup = 1.0 if isinstance(executor, LocalExecutor) else 0.0
        budget = deadline - reserve - startup - time.perf_counter()
        # round one: each school its share of one slot's time, so the limits are the same
        # whatever the worker count (and so are the plans, unless a limit cuts a search short)
        limits = task_time_limits(parts, budget, slots=1)
        outcomes = _solve_schools(executor, parts, hints, limits, seed, solver, progress, started)
        unproven = [
            part
            for part in parts
            if outcomes[part.school].status in ("feasible", "unknown")
            and outcomes[part.school].error is None
            and not outcomes[part.school].problems
        ]
        remaining = deadline - reserve - time.perf_counter()
        infeasible = any(outcome.status == "infeasible" for outcome in outcomes.values())
        close_enough = _schools_gap(outcomes) <= gap_goal
        if unproven and remaining >= MINIMUM_TASK_SECONDS and not infeasible and not close_enough:
            # a second round for the schools not proven: the time others left, from their plans
            second = _solve_schools(
                executor,
                unproven,
                {part.school: outcomes[part.school].plan_json for part in unproven},
                task_time_limits(unproven, remaining, executor.slots),
                seed,
                solver,
                progress,
                started,
            )
            for part in unproven:
                outcomes[part.school] = _better(outcomes[part.school], second[part.school])
        slots, cores = executor.slots, executor.cores_per_task
    for part in parts:
        outcomes[part.school].raise_error()
    stats: dict[str, float | int | str] = {
        "decomposition": "schools",
        "schools": len(parts),
        "parallel_tasks": slots,
        "cores_per_task": cores,
        "schools_optimal": sum(1 for part in parts if outcomes[part.school].status == "optimal"),
        "peak_memory_bytes": max(outcome.peak_memory_bytes for outcome in outcomes.values()),
    }
    failed = _failed(outcomes)
    if failed is not None:
        outcome = outcomes[failed]
        stats.update({f"school.{key}": value for key, value in outcome.stats.items()})
        stats["failed_school"] = failed or "(unnamed school)"
        return Result(outcome.status, None, None, None, time.perf_counter() - started, stats)
    phase_two_budget = max(0.2, min(PHASE_TWO_SECONDS, deadline - time.perf_counter() - 0.3))
    plan, merge_stats = merge_district(
        roster, parts, outcomes, seed=seed, placement_seconds=phase_two_budget
    )
    stats.update(merge_stats)
    seconds = time.perf_counter() - started
    plan.seconds = round(seconds, 3)
    status: Status = "optimal" if plan.status == "optimal" else "feasible"
    if progress is not None:
        progress(Progress(plan.objective, plan.bound, seconds, phase="district merged"))
    return Result(status, plan.objective, plan.bound, plan, seconds, stats)


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
    roster: Roster,
    *,
    reason: str,
    time_limit: float,
    seed: int,
    workers: int | None,
    scheduler: str | None,
    progress: ProgressCallback | None,
    hint: Plan | None,
    solver: Solver | None,
    started: float,
) -> Result:
    limit = max(MINIMUM_TASK_SECONDS, time_limit - 0.5)
    if scheduler is None:
        # one task and no cluster: run the engine here, with its live progress
        cores = workers if workers is not None else machine_cores()
        engine = solver if solver is not None else engine_solver()
        result = engine(
            roster, time_limit=limit, seed=seed, workers=cores, hint=hint, progress=progress
        )
        peak = peak_memory_bytes()
    else:
        task = SolveTask(
            key="roster",
            roster_json=roster.as_json(),
            time_limit=limit,
            seed=seed,
            hint_json=hint.as_json() if hint is not None else None,
            solver=solver,
        )
        with open_executor(scheduler=scheduler, workers=workers, tasks=1) as executor:
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
    result.seconds = time.perf_counter() - started
    if progress is not None:
        progress(Progress(result.objective, result.bound, result.seconds, phase="roster solved"))
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
    )


def _solve_schools(
    executor: Executor,
    parts: Sequence[SchoolPart],
    hints: dict[str, str | None],
    limits: dict[str, float],
    seed: int,
    solver: Solver | None,
    progress: ProgressCallback | None,
    started: float,
) -> dict[str, TaskOutcome]:
    """Solve each school as one task, largest first; outcomes keyed by school, in roster order."""
    order = sorted(parts, key=lambda part: -part.weight)
    tasks = [
        SolveTask(
            key=part.key,
            roster_json=json.dumps(part.data),
            time_limit=limits[part.school],
            seed=seed,
            hint_json=hints.get(part.school),
            solver=solver,
        )
        for part in order
    ]
    done: list[TaskOutcome] = []

    def report(_index: int, outcome: TaskOutcome) -> None:
        if outcome.stats.get("interrupted"):
            # Ctrl-C reached the engine running inline: stop the district, not just one school
            raise KeyboardInterrupt
        done.append(outcome)
        if progress is not None:
            objective = sum(item.objective or 0 for item in done)
            bound = sum(item.bound or 0 for item in done)
            progress(
                Progress(
                    objective,
                    bound,
                    time.perf_counter() - started,
                    phase=f"schools solved {len(done)}/{len(tasks)}",
                )
            )

    outcomes = executor.map(tasks, on_done=report)
    by_school = {part.school: outcome for part, outcome in zip(order, outcomes, strict=True)}
    return {part.school: by_school[part.school] for part in parts}


def task_time_limits(parts: Sequence[SchoolPart], budget: float, slots: int) -> dict[str, float]:
    """Each school's time limit: its weight's share of `slots` × `budget`, within [1 s, budget].

    Fixed before the tasks run (largest first, so the shares fill the slots), so a task's limit
    never depends on how fast the others went.
    """
    budget = max(MINIMUM_TASK_SECONDS, budget)
    total = sum(part.weight for part in parts) or 1.0
    capacity = budget * min(max(1, slots), len(parts))
    return {
        part.school: round(
            min(budget, max(MINIMUM_TASK_SECONDS, capacity * part.weight / total)), 3
        )
        for part in parts
    }


# --- splitting ------------------------------------------------------------------------------


class _Availability:
    """Per teacher: the slots (as bit masks over all cycles' slots) where it can host or is free."""

    def __init__(self, roster: Roster) -> None:
        self.slots: list[str] = [
            slot for cycle in roster.cycles for slot in roster.cycle_slots(cycle.id)
        ]
        self.position = {slot: i for i, slot in enumerate(self.slots)}
        self.cycle_of = {
            slot: cycle.id for cycle in roster.cycles for slot in roster.cycle_slots(cycle.id)
        }
        self.periods = [parse_slot(slot)[1] for slot in self.slots]
        self.cycle_index = [
            index
            for index, cycle in enumerate(roster.cycles)
            for _slot in roster.cycle_slots(cycle.id)
        ]
        self.cycle_masks = [0] * len(roster.cycles)
        for position, index in enumerate(self.cycle_index):
            self.cycle_masks[index] |= 1 << position
        self.host: dict[str, int] = {}
        self.teaching: dict[str, int] = {}
        self.available: dict[str, int] = {}
        period_mask: dict[str, int] = {}
        for i, period in enumerate(self.periods):
            period_mask[period] = period_mask.get(period, 0) | (1 << i)
        everything = (1 << len(self.slots)) - 1
        for teacher in roster.teachers:
            teaching = 0
            for period in teacher.teaches:
                teaching |= period_mask.get(period, 0)
            available = everything
            for entry in teacher.unavailable:
                if entry in self.position:
                    available &= ~(1 << self.position[entry])
                elif "/" not in entry:
                    available &= ~period_mask.get(entry, 0)
            self.teaching[teacher.id] = teaching
            self.available[teacher.id] = available
            self.host[teacher.id] = teaching & available


def _separated(avoids: set[tuple[str, str]], a: Teacher, b: Teacher) -> bool:
    """Avoid or evaluator pair (either direction): never a sabbatical visit between them."""
    key = (a.id, b.id) if a.id <= b.id else (b.id, a.id)
    return key in avoids or a.evaluator == b.id or b.evaluator == a.id


def _avoid_pairs(roster: Roster) -> set[tuple[str, str]]:
    return {
        (relation.a, relation.b) if relation.a <= relation.b else (relation.b, relation.a)
        for relation in roster.relations
        if relation.kind == "avoid"
    }


def cross_coachees(roster: Roster, coach: Teacher) -> list[Teacher]:
    """Teachers of other schools this coach may visit (SPEC rule 8 without slots), roster order."""
    if coach.sabbatical is None:
        return []
    topics = set(coach.sabbatical.topics)
    avoids = _avoid_pairs(roster)
    school = roster.school_of(coach.id)
    return [
        teacher
        for teacher in roster.teachers
        if teacher.id != coach.id
        and teacher.priority in topics
        and roster.school_of(teacher.id) != school
        and not _separated(avoids, coach, teacher)
    ]


def split_district(roster: Roster) -> list[SchoolPart]:
    """Each school's roster (as JSON-ready data), with stand-ins for its coaches' cross visits."""
    data = roster.model_dump(mode="json")
    availability = _Availability(roster)
    school_of = {teacher.id: roster.school_of(teacher.id) for teacher in roster.teachers}
    team_school = {team.id: roster.team_school(team.id) for team in roster.teams}
    parts = []
    for school in roster.schools():
        members = {teacher for teacher, own in school_of.items() if own == school}
        teams = {team for team, own in team_school.items() if own == school}
        teachers = []
        for teacher in data["teachers"]:
            if teacher["id"] in members:
                teacher = dict(teacher)
                if teacher.get("evaluator") not in members:
                    # an evaluator in another school can never be partnered with this teacher
                    teacher["evaluator"] = None
                teachers.append(teacher)
        part = SchoolPart(
            school=school,
            teachers=sum(1 for teacher in roster.teachers if teacher.id in members),
            data={
                **data,
                "name": f"{roster.name} — {school}" if school else roster.name,
                "teams": [team for team in data["teams"] if team["id"] in teams],
                "teachers": teachers,
                # pairs with someone of another school never meet here; former staff stay
                "history": [
                    entry
                    for entry in data["history"]
                    if school_of.get(entry["a"], school) == school
                    and school_of.get(entry["b"], school) == school
                ],
                "team_history": [
                    entry
                    for entry in data["team_history"]
                    if team_school.get(entry["a"], school) == school
                    and team_school.get(entry["b"], school) == school
                ],
                "relations": [
                    relation
                    for relation in data["relations"]
                    if relation["a"] in members and relation["b"] in members
                ],
            },
        )
        _add_stand_ins(roster, part, members, availability)
        parts.append(part)
    return parts


def _add_stand_ins(
    roster: Roster, part: SchoolPart, members: set[str], availability: _Availability
) -> None:
    """Stand-in coachees for each coach of the school: the capacity of its cross-school visits."""
    policy = roster.policy
    cap = policy.sabbatical_visits_per_coachee
    if cap == 0 or policy.weights.sabbatical == 0:
        return  # no cross-school visit could add to the objective
    coaches = [
        teacher
        for teacher in roster.teachers
        if teacher.id in members and teacher.sabbatical is not None and teacher.sabbatical.budget
    ]
    taken = set(roster.teacher_by_id)
    for coach in coaches:
        assert coach.sabbatical is not None
        coachees = cross_coachees(roster, coach)
        if not coachees:
            continue
        hostable = 0
        for coachee in coachees:
            hostable |= availability.host[coachee.id]
        if not hostable:
            continue
        priorities = {coachee.priority for coachee in coachees}
        topic = next(topic for topic in coach.sabbatical.topics if topic in priorities)
        teaches = sorted(
            {availability.periods[i] for i in range(len(availability.slots)) if hostable >> i & 1}
        )
        taught = set(teaches)
        unavailable = [
            slot
            for i, slot in enumerate(availability.slots)
            if availability.periods[i] in taught and not hostable >> i & 1
        ]
        copies = math.ceil(coach.sabbatical.budget / cap)
        for copy in range(1, copies + 1):
            identifier = f"{coach.id}{STAND_IN_MARK}{copy}"
            while identifier in taken:
                identifier += "~"
            taken.add(identifier)
            part.stand_in_coach[identifier] = coach.id
            part.data["teachers"].append(
                {
                    "id": identifier,
                    "name": f"cross-school capacity {copy} of {coach.id}",
                    "school": part.school or None,
                    "priority": topic,
                    "teaches": teaches,
                    "unavailable": unavailable,
                    "participates": False,
                }
            )
            # only its own coach may visit it: the bound counts each coach's capacity once
            for other in coaches:
                if other.id != coach.id:
                    part.data["relations"].append({"a": identifier, "b": other.id, "kind": "avoid"})


def split_hint(roster: Roster, hint: Plan, parts: Sequence[SchoolPart]) -> dict[str, str | None]:
    """A district plan cut into one hint per school (cross-school visits moved to stand-ins)."""
    school_of = {teacher.id: roster.school_of(teacher.id) for teacher in roster.teachers}
    team_school = {team.id: roster.team_school(team.id) for team in roster.teams}
    cap = max(1, roster.policy.sabbatical_visits_per_coachee)
    hints: dict[str, str | None] = {}
    for part in parts:
        school = part.school
        partnerships = [
            partnership
            for partnership in hint.partnerships
            if all(school_of.get(member) == school for member in partnership.members)
        ]
        kept = {partnership.id for partnership in partnerships}
        stand_ins: dict[str, list[str]] = {}
        for stand_in, coach in part.stand_in_coach.items():
            stand_ins.setdefault(coach, []).append(stand_in)
        sabbatical: list[SabbaticalVisit] = []
        crossing: Counter[str] = Counter()
        for visit in hint.sabbatical_visits:
            if school_of.get(visit.coach) != school:
                continue
            if school_of.get(visit.coachee) == school:
                sabbatical.append(visit)
            elif visit.coach in stand_ins:
                copies = stand_ins[visit.coach]
                copy = crossing[visit.coach] // cap
                crossing[visit.coach] += 1
                if copy < len(copies):
                    sabbatical.append(visit.model_copy(update={"coachee": copies[copy]}))
        plan = Plan(
            roster=part.data["name"],
            year=hint.year,
            status="feasible",
            objective=0,
            bound=0,
            partnerships=partnerships,
            visits=[visit for visit in hint.visits if visit.partnership in kept],
            sabbatical_visits=sabbatical,
            tables=[
                seat
                for seat in hint.tables
                if all(team_school.get(team) == school for team in seat.teams)
            ],
            unpaired=[entry for entry in hint.unpaired if school_of.get(entry.teacher) == school],
        )
        hints[school] = plan.as_json()
    return hints


# --- merging --------------------------------------------------------------------------------


def merge_district(
    roster: Roster,
    parts: Sequence[SchoolPart],
    outcomes: dict[str, TaskOutcome],
    *,
    seed: int = 0,
    placement_seconds: float = PHASE_TWO_SECONDS,
) -> tuple[Plan, dict[str, float | int | str]]:
    """One district plan from the schools' plans, with the cross-school visits placed anew."""
    weights = roster.policy.weights
    terms: Counter[str] = Counter()
    partnerships: list[Partnership] = []
    visits: list[Visit] = []
    sabbatical: list[SabbaticalVisit] = []
    tables: list[TableSeat] = []
    unpaired: list[Unpaired] = []
    tentative = 0
    year: int | None = None
    count = 0
    plans: list[tuple[SchoolPart, Plan]] = []
    for part in parts:
        plan = outcomes[part.school].plan()
        assert plan is not None
        plans.append((part, plan))
        count += len(plan.partnerships)
    width = max(2, len(str(count)))
    number = 0
    for part, plan in plans:
        year = plan.year if year is None else year
        renamed: dict[str, str] = {}
        for partnership in plan.partnerships:
            number += 1
            renamed[partnership.id] = f"P{number:0{width}d}"
            partnerships.append(partnership.model_copy(update={"id": renamed[partnership.id]}))
        visits += [
            visit.model_copy(update={"partnership": renamed[visit.partnership]})
            for visit in plan.visits
        ]
        terms.update(plan.terms)
        for visit in plan.sabbatical_visits:
            if visit.coachee in part.stand_in_coach:
                # a placeholder for a cross-school visit: its value leaves with it
                tentative += 1
                terms["sabbatical"] -= weights.sabbatical
                if visit.covered:
                    terms["cover"] += weights.cover
            else:
                sabbatical.append(visit)
        tables += plan.tables
        unpaired += plan.unpaired
    placement_started = time.perf_counter()
    crossing = place_cross_visits(
        roster, visits, sabbatical, seed=seed, deterministic_seconds=placement_seconds
    )
    for visit in crossing:
        terms["sabbatical"] += weights.sabbatical
        if visit.covered:
            terms["cover"] -= weights.cover
    sabbatical += crossing
    from pairwise.roster.objective import empty_terms

    all_terms = empty_terms()
    for name in all_terms:
        all_terms[name] = int(terms.get(name, 0))
    objective = sum(all_terms.values())
    bound = sum(int(outcomes[part.school].bound or 0) for part in parts)
    bound = max(bound, objective)
    proven = objective >= bound
    plan = Plan(
        roster=roster.name,
        year=year,
        status="optimal" if proven else "feasible",
        objective=objective,
        bound=bound,
        gap=round(relative_gap(objective, bound), 6),
        seed=seed,
        terms=all_terms,
        partnerships=partnerships,
        visits=visits,
        sabbatical_visits=sabbatical,
        tables=tables,
        unpaired=unpaired,
    )
    plan.metrics = plan_metrics(roster, plan)
    stats: dict[str, float | int | str] = {
        "cross_school_visits": len(crossing),
        "cross_school_capacity_used_by_schools": tentative,
        "placement_seconds": round(time.perf_counter() - placement_started, 3),
    }
    return plan, stats


def place_cross_visits(
    roster: Roster,
    visits: Sequence[Visit],
    sabbatical_visits: Sequence[SabbaticalVisit],
    *,
    seed: int = 0,
    deterministic_seconds: float = PHASE_TWO_SECONDS,
) -> list[SabbaticalVisit]:
    """The most valuable cross-school sabbatical visits that fit around a district's plan.

    Exact in its model (CP-SAT, one worker, deterministic time), with each coach–coachee pair
    offered only the first `r + q` slots where both are free (r, q: the visits the coach and the
    coachee may still take): a visit placed anywhere else could move to one of those at no cost.
    """
    policy = roster.policy
    weights = policy.weights
    gain_uncovered = weights.sabbatical
    gain_covered = weights.sabbatical - weights.cover
    if gain_uncovered <= 0 or policy.sabbatical_visits_per_coachee == 0:
        return []
    availability = _Availability(roster)
    school_of = {teacher.id: roster.school_of(teacher.id) for teacher in roster.teachers}
    busy_mask: dict[str, int] = {}
    cover_used: Counter[tuple[str, int]] = Counter()
    spent: Counter[str] = Counter()
    received: Counter[str] = Counter()

    def occupy(teacher: str, slot: int) -> None:
        busy_mask[teacher] = busy_mask.get(teacher, 0) | (1 << slot)

    for visit in visits:
        slot = availability.position[visit.slot]
        occupy(visit.host, slot)
        occupy(visit.visitor, slot)
        if visit.covered:
            cover_used[school_of[visit.visitor], slot] += 1
    for sabbatical in sabbatical_visits:
        slot = availability.position[sabbatical.slot]
        occupy(sabbatical.coach, slot)
        occupy(sabbatical.coachee, slot)
        spent[sabbatical.coach] += 1
        received[sabbatical.coachee] += 1
        if sabbatical.covered:
            cover_used[school_of[sabbatical.coach], slot] += 1
    cap = policy.sabbatical_visits_per_coachee
    cover_left: dict[tuple[str, int], int] = {}

    def covers_left(school: str, slot: int) -> int:
        key = (school, slot)
        if key not in cover_left:
            cover_left[key] = roster.cover_limit(availability.slots[slot]) - cover_used[key]
        return cover_left[key]

    candidates: list[Candidate] = []
    for coach in roster.teachers:
        if coach.sabbatical is None:
            continue
        left = coach.sabbatical.budget - spent[coach.id]
        if left <= 0:
            continue
        school = school_of[coach.id]
        coach_free = availability.available[coach.id] & ~busy_mask.get(coach.id, 0)
        coach_teaching = availability.teaching[coach.id]
        for coachee in cross_coachees(roster, coach):
            room = cap - received[coachee.id]
            if room <= 0:
                continue
            both = coach_free & availability.host[coachee.id] & ~busy_mask.get(coachee.id, 0)
            wanted = left + room
            # per cycle, so a coach's visits can spread over the cycles (a tie-break)
            for cycle_mask in availability.cycle_masks:
                uncovered = _lowest_bits(both & cycle_mask & ~coach_teaching, wanted)
                candidates += [(coach.id, coachee.id, slot, False) for slot in uncovered]
                if len(uncovered) < wanted and gain_covered > 0:
                    with_cover = [
                        slot
                        for slot in _lowest_bits(
                            both & cycle_mask & coach_teaching, len(availability.slots)
                        )
                        if covers_left(school, slot) > 0
                    ][: wanted - len(uncovered)]
                    candidates += [(coach.id, coachee.id, slot, True) for slot in with_cover]
    if not candidates:
        return []
    limits = _CrossLimits(
        budget_left={
            coach.id: coach.sabbatical.budget - spent[coach.id]
            for coach in roster.teachers
            if coach.sabbatical is not None
        },
        room_left={teacher.id: cap - received[teacher.id] for teacher in roster.teachers},
        covers_left=covers_left,
        school_of=school_of,
        gain_uncovered=gain_uncovered,
        gain_covered=gain_covered,
        cycle_of_slot=availability.cycle_index,
        visits_per_cycle=Counter(
            (visit.coach, availability.cycle_index[availability.position[visit.slot]])
            for visit in sabbatical_visits
        ),
    )
    chosen = _choose_cross_visits(
        candidates, limits, seed=seed, deterministic_seconds=deterministic_seconds
    )
    placed = []
    for coach_id, coachee_id, slot, covered in chosen:
        slot_text = availability.slots[slot]
        start, end = roster.slot_times(slot_text)
        placed.append(
            SabbaticalVisit(
                coach=coach_id,
                coachee=coachee_id,
                cycle=availability.cycle_of[slot_text],
                slot=slot_text,
                start=start,
                end=end,
                covered=covered,
            )
        )
    return placed


def _lowest_bits(mask: int, count: int) -> list[int]:
    """The positions of the lowest `count` set bits of `mask`, ascending."""
    positions: list[int] = []
    while mask and len(positions) < count:
        low = mask & -mask
        positions.append(low.bit_length() - 1)
        mask ^= low
    return positions


@dataclass
class _CrossLimits:
    """What the cross-school visits may still use: budgets, caps and covers; what each gains."""

    budget_left: dict[str, int]
    room_left: dict[str, int]
    covers_left: Callable[[str, int], int]
    school_of: dict[str, str]
    gain_uncovered: int
    gain_covered: int
    cycle_of_slot: list[int]
    visits_per_cycle: Counter[tuple[str, int]]

    def gain(self, covered: bool) -> int:
        return self.gain_covered if covered else self.gain_uncovered


Candidate = tuple[str, str, int, bool]
"""A possible cross-school visit: coach, coachee, slot position, covered."""


def _greedy_cross_visits(candidates: list[Candidate], limits: _CrossLimits) -> list[Candidate]:
    """Coaches with the fewest options first; each visit uncovered if it can be, then to the
    coachee and in the cycle the coach has used least: a start, often optimal, that spreads."""
    by_coach: dict[str, list[int]] = {}
    for index, (coach, _, _, _) in enumerate(candidates):
        by_coach.setdefault(coach, []).append(index)
    budget = dict(limits.budget_left)
    room = dict(limits.room_left)
    covers: dict[tuple[str, int], int] = {}
    taken: set[tuple[str, int]] = set()
    per_coachee: Counter[tuple[str, str]] = Counter()
    per_cycle = Counter(limits.visits_per_cycle)
    chosen: list[int] = []
    for coach in sorted(by_coach, key=lambda name: len(by_coach[name])):
        while budget[coach] > 0:
            best: tuple[tuple[bool, int, int, int], int] | None = None
            for index in by_coach[coach]:
                _, coachee, slot, covered = candidates[index]
                if room[coachee] <= 0 or (coach, slot) in taken or (coachee, slot) in taken:
                    continue
                cover_key = (limits.school_of[coach], slot)
                if covered and covers.get(cover_key, limits.covers_left(*cover_key)) <= 0:
                    continue
                cycle = limits.cycle_of_slot[slot]
                # no cover first (the objective), then spread (the tie-break)
                key = (covered, per_coachee[coach, coachee], per_cycle[coach, cycle], slot)
                if best is None or key < best[0]:
                    best = (key, index)
            if best is None:
                break
            _, coachee, slot, covered = candidates[best[1]]
            if covered:
                cover_key = (limits.school_of[coach], slot)
                covers[cover_key] = covers.get(cover_key, limits.covers_left(*cover_key)) - 1
            budget[coach] -= 1
            room[coachee] -= 1
            taken.update({(coach, slot), (coachee, slot)})
            per_coachee[coach, coachee] += 1
            per_cycle[coach, limits.cycle_of_slot[slot]] += 1
            chosen.append(best[1])
    return [candidates[index] for index in sorted(chosen)]


def _choose_cross_visits(
    candidates: list[Candidate],
    limits: _CrossLimits,
    *,
    seed: int,
    deterministic_seconds: float,
) -> list[Candidate]:
    """Pick candidates: budgets, caps, one visit per person per slot, covers per school and slot.

    The greedy choice is kept when it reaches the obvious bound (every coach's remaining budget,
    or its distinct slots, spent without cover); else CP-SAT improves on it.
    """
    greedy = _greedy_cross_visits(candidates, limits)
    slots_per_coach: dict[str, set[int]] = {}
    for coach, _, slot, _ in candidates:
        slots_per_coach.setdefault(coach, set()).add(slot)
    ceiling = limits.gain_uncovered * sum(
        min(limits.budget_left[coach], len(slots)) for coach, slots in slots_per_coach.items()
    )
    if sum(limits.gain(covered) for _, _, _, covered in greedy) >= ceiling:
        return greedy
    model = cp_model.CpModel()
    chosen = [model.new_bool_var(f"{c} visits {e} in slot {s}") for c, e, s, _ in candidates]
    by_coach: dict[str, list[int]] = {}
    by_coachee: dict[str, list[int]] = {}
    by_person_slot: dict[tuple[str, int], list[int]] = {}
    by_cover: dict[tuple[str, int], list[int]] = {}
    for index, (coach, coachee, slot, covered) in enumerate(candidates):
        by_coach.setdefault(coach, []).append(index)
        by_coachee.setdefault(coachee, []).append(index)
        by_person_slot.setdefault((coach, slot), []).append(index)
        by_person_slot.setdefault((coachee, slot), []).append(index)
        if covered:
            by_cover.setdefault((limits.school_of[coach], slot), []).append(index)
    for coach, indices in by_coach.items():
        model.add(sum(chosen[i] for i in indices) <= limits.budget_left[coach])
    for coachee, indices in by_coachee.items():
        model.add(sum(chosen[i] for i in indices) <= limits.room_left[coachee])
    for indices in by_person_slot.values():
        if len(indices) > 1:
            model.add_at_most_one(chosen[i] for i in indices)
    for (school, slot), indices in by_cover.items():
        model.add(sum(chosen[i] for i in indices) <= limits.covers_left(school, slot))
    model.maximize(sum(limits.gain(candidates[i][3]) * chosen[i] for i in range(len(candidates))))
    picked = set(greedy)
    for index, candidate in enumerate(candidates):
        model.add_hint(chosen[index], candidate in picked)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # one worker and deterministic time: the same answer always
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = deterministic_seconds
    solver.parameters.max_time_in_seconds = 4 * deterministic_seconds + 5
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return greedy
    found = [candidates[i] for i in range(len(candidates)) if solver.boolean_value(chosen[i])]
    value = sum(limits.gain(covered) for _, _, _, covered in found)
    return found if value > sum(limits.gain(covered) for _, _, _, covered in greedy) else greedy

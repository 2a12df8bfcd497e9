"""Each year's plan of a multi-year rotation (`pairwise solve --years K`).

The years after the first roll over from the year before (`roster.rollover.roll_over`, no
feedback): the calendar moves to the same ISO weeks of the new year, experience grows, the year's
partnerships, coaching pairs and tables pass into history, this year's requests, locks and
continues end. Each year is solved by the engine (`pairwise.engine.pipeline.solve`) on a derived
roster: that year's roster with a `lock` relation for every pair the rotation chose and an
`avoid` relation for every pair it must not repeat. If a year's locked partnerships cannot all get
their visits, that year is solved with the avoids only and the later years are planned again from
what was actually chosen.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from pairwise.engine.pipeline import solve
from pairwise.result import Progress, ProgressCallback, Result
from pairwise.roster.models import Partnership, Plan, Relation, Roster
from pairwise.roster.rollover import roll_over
from pairwise.runs.multiyear.choices import Group, YearResult
from pairwise.runs.multiyear.rotation import plan_rotation

# --- each year's plan -------------------------------------------------------------------------


def derived_roster(
    year_roster: Roster,
    earlier: Sequence[Group],
    chosen: Sequence[Group],
    *,
    keep_locks: bool,
) -> Roster:
    """The roster one year is solved on: `year_roster` (that year's roster, history included) with
    a lock for every chosen pair and an avoid for each pair the rotation must not repeat: every
    pair of `earlier` (the partnerships of this run's earlier years) and history's pairs within
    the window, but a `continue` pair. `keep_locks`: the year's own locks stay."""
    roster = year_roster
    year = roster.year
    window = roster.policy.repeat_window_years
    relations = [relation for relation in roster.relations if relation.kind != "lock" or keep_locks]
    locked = {frozenset((r.a, r.b)) for r in relations if r.kind == "lock"}
    known = roster.teacher_by_id
    for group in chosen:
        if any(member not in known for member in group):
            continue  # a member left the staff before this year: the engine pairs the others
        for a, b in itertools.combinations(group, 2):
            if frozenset((a, b)) not in locked:
                relations.append(Relation(a=a, b=b, kind="lock"))
                locked.add(frozenset((a, b)))
    continuing = {frozenset((r.a, r.b)) for r in relations if r.kind == "continue"}
    again = [(a, b) for group in earlier for a, b in itertools.combinations(group, 2)]
    again += [(e.a, e.b) for e in roster.history if e.year < year and year - e.year <= window]
    avoided = {frozenset((r.a, r.b)) for r in relations if r.kind == "avoid"}
    for a, b in again:
        pair = frozenset((a, b))
        if a in known and b in known and a != b and pair not in avoided | locked | continuing:
            relations.append(Relation(a=a, b=b, kind="avoid"))
            avoided.add(pair)
    return roster.model_copy(update={"relations": relations}, deep=True)


def _groups_of(result: Result) -> list[Group]:
    if result.plan is None:
        return []
    return [tuple(partnership.members) for partnership in result.plan.partnerships]


def _history_plan(roster: Roster, result: Result, chosen: Sequence[Group]) -> Plan:
    """What a year passes into the next year's history: its plan, or (when it has none) the
    partnerships the rotation chose for it."""
    if result.plan is not None:
        return result.plan.model_copy(update={"year": None})
    cycles = [cycle.id for cycle in roster.cycles]
    partnerships = [
        Partnership(id=f"P{index + 1}", members=list(group), cycles=cycles)
        for index, group in enumerate(chosen)
    ]
    return Plan(
        roster=roster.name, status="feasible", objective=0, bound=0, partnerships=partnerships
    )


def solve_years(
    roster: Roster,
    years: int,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> list[Result]:
    """Plan `years` consecutive years from `roster.year`: one `YearResult` per year (a `Result`
    with the roster its plan was solved and checked against, and that year's rolled-over roster),
    each plan stating its `year` and lying in that year's weeks. `time_limit` is per year.

    Raises `RotationError` when no repeat-free rotation of that many years exists.
    """
    workers = workers or 1
    rotation = plan_rotation(
        roster, years, time_limit=time_limit, seed=seed, workers=workers, keep_locks=True
    )
    if progress is not None:
        progress(Progress(rotation.objective, rotation.bound, rotation.seconds, "rotation"))
    results: list[Result] = []
    earlier: list[Group] = []
    planned = rotation.groups
    year_roster = roster
    for k in range(years):
        year = roster.year + k
        chosen = [group for period in planned[k] for group in period]
        derived = derived_roster(year_roster, earlier, chosen, keep_locks=True)
        report = _year_progress(progress, year)
        result = solve(derived, time_limit=time_limit, seed=seed, workers=workers, progress=report)
        replan = result.status == "infeasible"
        if replan:
            # the locked pairs' visits cannot all be placed: let the engine choose this year's
            # partners (never a repeat), then plan the later years again from what it chose
            derived = derived_roster(year_roster, earlier, [], keep_locks=True)
            result = solve(
                derived, time_limit=time_limit, seed=seed, workers=workers, progress=report
            )
        results.append(_year_result(result, derived, year_roster))
        earlier += _groups_of(result) or chosen
        if k + 1 == years:
            break
        year_roster = roll_over(year_roster, _history_plan(year_roster, result, chosen)).roster
        if replan:
            later = derived_roster(year_roster, earlier, [], keep_locks=False)
            planned = [
                *planned[: k + 1],
                *plan_rotation(
                    later,
                    years - k - 1,
                    time_limit=time_limit,
                    seed=seed,
                    workers=workers,
                    keep_locks=False,
                ).groups,
            ]
    return results


def _year_progress(progress: ProgressCallback | None, year: int) -> ProgressCallback | None:
    if progress is None:
        return None

    def report(update: Progress) -> None:
        progress(
            Progress(
                update.objective, update.bound, update.seconds, f"{year} {update.phase}".strip()
            )
        )

    return report


def _year_result(result: Result, derived: Roster, year_roster: Roster) -> YearResult:
    year = year_roster.year
    plan = result.plan.model_copy(update={"year": year}) if result.plan is not None else None
    return YearResult(
        status=result.status,
        objective=result.objective,
        bound=result.bound,
        plan=plan,
        seconds=result.seconds,
        stats=dict(result.stats),
        roster=derived,
        year=year,
        year_roster=year_roster,
    )

"""Each year's plan of a multi-year rotation (`pairwise solve --years K`).

Each year is solved by the engine (`pairwise.engine.pipeline.solve`) on a derived roster: that year,
the history plus the earlier planned years, a `lock` relation for every chosen pair and an
`avoid` relation for every pair it must not repeat; locks of the roster bind the first year
only. The engine schedules visits, sabbatical visits and tables with the roster's timetable.
If a year's locked partnerships cannot all get their visits, that year is solved with the
avoids only and the later years are planned again from what was actually chosen.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import NamedTuple

from pairwise.engine.pipeline import solve
from pairwise.result import Progress, ProgressCallback, Result
from pairwise.roster.models import HistoryEntry, Relation, Roster
from pairwise.runs.multiyear.choices import Group, YearResult
from pairwise.runs.multiyear.rotation import plan_rotation

# --- each year's plan -------------------------------------------------------------------------


class PlannedPartnership(NamedTuple):
    """A partnership an earlier year of the rotation planned: its year and members."""

    year: int
    group: Group


def derived_roster(
    roster: Roster,
    year: int,
    earlier: Sequence[PlannedPartnership],
    chosen: Sequence[Group],
    *,
    keep_locks: bool,
) -> Roster:
    """The roster of one planned year: `year`, history plus the earlier planned partnerships, a lock
    for every chosen pair, and an avoid for each pair the rotation must not repeat."""
    window = roster.policy.repeat_window_years
    history = [
        *roster.history,
        *(
            HistoryEntry(a=a, b=b, year=planned_year, kind="peer")
            for planned_year, group in earlier
            for a, b in itertools.combinations(group, 2)
        ),
    ]
    # the roster's own locks bind its own year (the rotation already chose those pairs), also
    # when the engine is left to choose the year's partners itself
    relations = [relation for relation in roster.relations if relation.kind != "lock" or keep_locks]
    locked = {frozenset((r.a, r.b)) for r in relations if r.kind == "lock"}
    for group in chosen:
        for a, b in itertools.combinations(group, 2):
            if frozenset((a, b)) not in locked:
                relations.append(Relation(a=a, b=b, kind="lock"))
                locked.add(frozenset((a, b)))
    # never again: every pair of the earlier planned years, and history's pairs within the window
    again = [(a, b) for _, group in earlier for a, b in itertools.combinations(group, 2)]
    again += [(e.a, e.b) for e in roster.history if year - e.year <= window]
    avoided = {frozenset((r.a, r.b)) for r in relations if r.kind == "avoid"}
    known = roster.teacher_by_id
    for a, b in again:
        pair = frozenset((a, b))
        if a in known and b in known and a != b and pair not in avoided | locked:
            relations.append(Relation(a=a, b=b, kind="avoid"))
            avoided.add(pair)
    return roster.model_copy(
        update={"year": year, "history": history, "relations": relations}, deep=True
    )


def _groups_of(result: Result) -> list[Group]:
    if result.plan is None:
        return []
    return [tuple(partnership.members) for partnership in result.plan.partnerships]


def solve_years(
    roster: Roster,
    years: int,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> list[Result]:
    """Plan `years` consecutive years from `roster.year`: one `YearResult` (a `Result` with its
    derived roster) per year, each plan stating its `year`. `time_limit` is per year.

    Raises `RotationError` when no repeat-free rotation of that many years exists.
    """
    workers = workers or 1
    rotation = plan_rotation(
        roster, years, time_limit=time_limit, seed=seed, workers=workers, keep_locks=True
    )
    if progress is not None:
        progress(Progress(rotation.objective, rotation.bound, rotation.seconds, "rotation"))
    results: list[Result] = []
    earlier: list[PlannedPartnership] = []
    planned = rotation.groups
    for k in range(years):
        year = roster.year + k
        chosen = [group for period in planned[k] for group in period]
        derived = derived_roster(roster, year, earlier, chosen, keep_locks=k == 0)
        report = _year_progress(progress, year)
        result = solve(derived, time_limit=time_limit, seed=seed, workers=workers, progress=report)
        replan = result.status == "infeasible"
        if replan:
            # the locked pairs' visits cannot all be placed: let the engine choose this year's
            # partners (never a repeat), then plan the later years again from what it chose
            derived = derived_roster(roster, year, earlier, [], keep_locks=k == 0)
            result = solve(
                derived, time_limit=time_limit, seed=seed, workers=workers, progress=report
            )
        results.append(_year_result(result, derived, year))
        earlier += [PlannedPartnership(year, group) for group in (_groups_of(result) or chosen)]
        if replan and k + 1 < years:
            later = derived_roster(roster, year + 1, earlier, [], keep_locks=False)
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


def _year_result(result: Result, derived: Roster, year: int) -> YearResult:
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
    )

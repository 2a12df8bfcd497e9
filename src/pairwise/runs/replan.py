"""`pairwise.replan`: re-plan the year from a date with the fewest changes.

The inputs are checked here (the plan in force belongs to this roster, the date lies in its year,
every teacher and team of the plan is still in the roster); the engine does the rest. A plan in
force that breaks the updated roster's rules before the date is allowed: `kept_conflicts` says
where, for the summary.
"""

from __future__ import annotations

import datetime as dt
import threading

from pairwise.engine.replan.solve import replan_year
from pairwise.errors import InputError, Problem
from pairwise.result import ProgressCallback, Result
from pairwise.roster.calendar import away_on, slot_date, today_in, year_dates
from pairwise.roster.models import Plan, Roster


def replan(
    roster: Roster,
    plan: Plan,
    *,
    start: dt.date | str | None = None,
    keep_within: float = 0.0,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int | None = None,
    plan_bytes: bytes | None = None,
    progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
) -> Result:
    """Re-plan `plan` (the plan in force) for the updated `roster` from `start` (default: today
    in the roster's time zone): sessions before `start` stay as they were; from then on the best
    objective the roster allows (less `keep_within` percent), with the fewest changes.

    `plan_bytes` are the plan file's bytes (the plan's `replans.plan` is their sha256; without
    them, the plan's canonical JSON). Raises `InputError` for a plan of another roster, a date
    outside the year, or a teacher or team of the plan missing from the roster.
    """
    first_day = check_replan_inputs(roster, plan, start, keep_within)
    return replan_year(
        roster,
        plan,
        first_day,
        keep_within=keep_within,
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        plan_bytes=plan_bytes,
        progress=progress,
        stop=stop,
    )


def check_replan_inputs(
    roster: Roster, plan: Plan, start: dt.date | str | None, keep_within: float = 0.0
) -> dt.date:
    """The first day that may change, once the inputs are known to fit; InputError otherwise."""
    problems: list[Problem] = []
    if plan.roster != roster.name:
        problems.append(
            Problem("plan.roster", f"the plan is for '{plan.roster}', not for '{roster.name}'")
        )
    if plan.year is not None and plan.year != roster.year:
        problems.append(
            Problem(
                "plan.year", f"the plan is for the year {plan.year}, the roster for {roster.year}"
            )
        )
    if start is None:
        first_day = today_in(roster.timezone)
    elif isinstance(start, str):
        try:
            first_day = dt.date.fromisoformat(start)
        except ValueError:
            raise InputError([Problem("from", f"'{start}' is not a date as YYYY-MM-DD")]) from None
    else:
        first_day = start
    first, last = year_dates(roster)
    if not first <= first_day <= last:
        problems.append(
            Problem(
                "from",
                f"{first_day.isoformat()} is outside the year ({first.isoformat()} to "
                f"{last.isoformat()})",
            )
        )
    if not 0 <= keep_within <= 100:
        problems.append(Problem("keep_within", f"{keep_within} is not a percentage from 0 to 100"))
    problems += _missing(roster, plan)
    if problems:
        raise InputError(problems)
    return first_day


def _missing(roster: Roster, plan: Plan) -> list[Problem]:
    """Teachers, teams and cycles the plan names that the updated roster lacks."""
    named: dict[str, str] = {}
    for i, partnership in enumerate(plan.partnerships):
        for member in partnership.members:
            named.setdefault(member, f"partnerships[{i}]")
    for i, visit in enumerate(plan.visits):
        for teacher in (visit.visitor, visit.host):
            named.setdefault(teacher, f"visits[{i}]")
    for i, sabbatical in enumerate(plan.sabbatical_visits):
        for teacher in (sabbatical.coach, sabbatical.coachee):
            named.setdefault(teacher, f"sabbatical_visits[{i}]")
    for i, entry in enumerate(plan.unpaired):
        named.setdefault(entry.teacher, f"unpaired[{i}]")
    problems = [
        Problem(
            f"plan.{where}",
            f"teacher '{teacher}' of the plan is not in the roster: keep them in it with an "
            "end_date (the day they left) instead of removing them",
        )
        for teacher, where in named.items()
        if teacher not in roster.teacher_by_id
    ]
    for i, seat in enumerate(plan.tables):
        for team in seat.teams:
            if team not in roster.team_by_id:
                problems.append(
                    Problem(f"plan.tables[{i}]", f"team '{team}' of the plan is not in the roster")
                )
        if seat.cycle not in roster.cycle_by_id:
            problems.append(Problem(f"plan.tables[{i}]", f"unknown cycle '{seat.cycle}'"))
    for i, visit in enumerate(plan.visits):
        if visit.cycle not in roster.cycle_by_id:
            problems.append(Problem(f"plan.visits[{i}]", f"unknown cycle '{visit.cycle}'"))
    return problems


def kept_conflicts(roster: Roster, plan: Plan, start: dt.date) -> list[str]:
    """Kept sessions the updated roster would no longer allow (said, not an error)."""
    notes = []
    for visit in plan.visits:
        day = slot_date(visit.slot)
        if day >= start:
            continue
        for teacher in (visit.visitor, visit.host):
            record = roster.teacher_by_id.get(teacher)
            if record is not None and away_on(record, day):
                notes.append(
                    f"{visit.visitor} visiting {visit.host} on {visit.slot} is kept, though "
                    f"{teacher} is not on staff or away then in the updated roster"
                )
    return notes

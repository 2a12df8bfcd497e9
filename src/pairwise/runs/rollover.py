"""`pairwise rollover`: next year's roster from this year's roster, plan(s) and the survey's answers.

This is the API behind the command: it checks that the plan(s) belong to the roster, reads the
feedback (`interchange.survey.read`), and rolls over (`roster.rollover`). A folder of plans from
`solve --years K` rolls over from its last year, the earlier years passing into history first.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pairwise.errors import InputError, Problem
from pairwise.interchange.export.common import reference_problems
from pairwise.interchange.survey.read import read_feedback
from pairwise.roster.load import load_plan
from pairwise.roster.models import Plan, Roster
from pairwise.roster.rollover import Rollover, roll_over, roll_over_years


def load_plans(source: str | Path) -> list[Plan]:
    """One plan file, or every `plan-*.json` of a folder written by `solve --years K`."""
    path = Path(source)
    if str(source) != "-" and path.is_dir():
        files = sorted(path.glob("plan-*.json"))
        if not files:
            raise InputError([Problem(str(path), "holds no plan-YEAR.json files")])
        return [load_plan(file) for file in files]
    return [load_plan(source)]


def rollover(
    roster: Roster,
    plans: Plan | Sequence[Plan],
    feedback: Sequence[str | Path] = (),
    *,
    year: int | None = None,
) -> Rollover:
    """Next year's roster and the report of what was carried, changed and dropped.

    `plans`: this year's plan, or the plans of consecutive years from the roster's year (the last
    one is the year rolled over from). `feedback`: survey workbooks, CSV folders or folders of
    per-teacher forms answering about the last year's plan; none gives trust 0 to every pair.

    Raises `InputError` (every problem at once) for a plan that names what the roster does not
    have, plans that are not consecutive years from the roster's, or unreadable answers.
    """
    ordered = [plans] if isinstance(plans, Plan) else list(plans)
    if not ordered:
        raise InputError([Problem("PLAN", "no plan given")])
    last_year = max(roster.year if p.year is None else p.year for p in ordered)
    if len(ordered) == 1 and last_year != roster.year:
        raise InputError(
            [
                Problem(
                    "PLAN",
                    f"the plan is for {last_year} but the roster for {roster.year}: give the "
                    "folder of plans `solve --years` wrote (rollover goes through every year)",
                )
            ]
        )
    problems = []
    for plan in ordered:
        label = f"plan {plan.year if plan.year is not None else roster.year}"
        problems += [
            Problem(f"{label}: {p.path}", p.message) for p in reference_problems(roster, plan)
        ]
    if problems:
        raise InputError(problems)
    if len(ordered) == 1:
        answers = read_feedback(roster, ordered[0], feedback) if feedback else None
        return roll_over(roster, ordered[0], answers, year=year)
    last = max(ordered, key=lambda p: roster.year if p.year is None else p.year)
    answers = read_feedback(roster, last, feedback) if feedback else None
    return roll_over_years(roster, ordered, answers, year=year)

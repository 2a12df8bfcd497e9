"""Builders of small rosters for the tests, and stand-in engines (shared by many test modules)."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl

from pairwise.engine.candidates import Candidates
from pairwise.engine.columns import Column, pair_columns, triad_column, triad_owners, triad_spaces
from pairwise.result import Result
from pairwise.roster.load import roster_from_data
from pairwise.roster.models import Plan, Roster
from solvers.greedy import solve as greedy_solve

FIRST_MONDAY = dt.date(2026, 10, 5)


def period_ids(count: int, day: str = "mon") -> list[str]:
    return [f"{day}-{i + 1}" for i in range(count)]


def make_roster(
    teachers: list[dict[str, Any]],
    *,
    periods: int = 4,
    days: tuple[str, ...] = ("mon",),
    cycles: int = 1,
    weeks: int = 1,
    policy: dict[str, Any] | None = None,
    relations: list[dict[str, str]] | None = None,
    history: list[dict[str, Any]] | None = None,
    teams: list[dict[str, Any]] | None = None,
    meetings: int = 0,
    tables: int | None = None,
    team_history: list[dict[str, Any]] | None = None,
) -> Roster:
    """A valid roster: `teachers` need only an id (name, defaults filled in)."""
    timetable = []
    for day in days:
        for index in range(periods):
            hour = 8 + index
            timetable.append(
                {
                    "id": f"{day}-{index + 1}",
                    "day": day,
                    "start": f"{hour:02d}:00",
                    "end": f"{hour:02d}:50",
                }
            )
    cycle_list = []
    for number in range(cycles):
        monday = FIRST_MONDAY + dt.timedelta(weeks=8 * number)
        cycle: dict[str, Any] = {
            "id": f"c{number + 1}",
            "weeks": [(monday + dt.timedelta(weeks=w)).isoformat() for w in range(weeks)],
        }
        if meetings:
            cycle["meetings"] = [
                {
                    "id": f"c{number + 1}-m{m + 1}",
                    "date": (monday + dt.timedelta(days=3)).isoformat(),
                    "start": "15:00",
                    "end": "16:00",
                    **({"tables": tables} if tables is not None else {}),
                }
                for m in range(meetings)
            ]
        cycle_list.append(cycle)
    people = [{"name": f"Teacher {t['id']}", **t} for t in teachers]
    data: dict[str, Any] = {
        "format": "pairwise/roster@1",
        "name": "engine test",
        "year": 2026,
        "timezone": "America/Toronto",
        "periods": timetable,
        "cycles": cycle_list,
        "teachers": people,
        "teams": teams or [],
        "history": history or [],
        "team_history": team_history or [],
        "relations": relations or [],
        "policy": policy or {},
    }
    return roster_from_data(data)


def staggered(ids: list[str], periods: int, **extra: Any) -> list[dict[str, Any]]:
    """Teachers who each teach two neighbouring periods, shifted by one: every visit has a free slot."""
    return [
        {
            "id": teacher,
            "teaches": [f"mon-{i % periods + 1}", f"mon-{(i + 1) % periods + 1}"],
            **extra,
        }
        for i, teacher in enumerate(ids)
    ]


def free_pairs_roster(count: int, **options: Any) -> Roster:
    """`count` teachers who each teach periods 1–2 and are free in 3–4: every visit has slots."""
    teachers = [{"id": f"t{i + 1:02d}", "teaches": ["mon-1", "mon-2"]} for i in range(count)]
    return make_roster(teachers, **options)


def every_column(candidates: Candidates) -> list[Column]:
    """Every pair and every triad (tiny rosters only)."""
    columns = pair_columns(candidates)
    for space in triad_spaces(candidates):
        for members in itertools.combinations(space.teachers, 3):
            for owner in triad_owners(candidates, members):
                column = triad_column(candidates, space.period, members, owner)
                if column is not None:
                    columns.append(column)
    return columns


def greedy_engine(
    roster: Roster,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int | None = None,
    hint: Plan | None = None,
    progress: Any = None,
) -> Result:
    """Stand-in engine: the admin's greedy (valid plans, no proof; its bound is its objective)."""
    started = time.perf_counter()
    plan = greedy_solve(roster, seed=seed)
    if plan is None:
        return Result("infeasible", None, None, None, time.perf_counter() - started)
    return Result("feasible", plan.objective, plan.bound, plan, time.perf_counter() - started)


SURVEY_KEYS = {
    "Partnerships": ("teacher", "partner"),
    "Coaching": ("coachee", "coach"),
    "Teachers": ("teacher",),
    "Teams": ("team",),
}


def fill_survey(path: Path, answer: Callable[[str, tuple[str, ...]], dict[str, object]]) -> None:
    """Fill a survey workbook as the staff would: `answer(sheet, ids)` gives each data row's cells
    by header (ids: teacher and partner, coachee and coach, the teacher, or the team)."""
    book = openpyxl.load_workbook(path)
    for sheet_name, keys in SURVEY_KEYS.items():
        if sheet_name not in book.sheetnames:
            continue
        sheet = book[sheet_name]
        headers = {cell.value: cell.column for cell in sheet[1]}
        for row in range(3, sheet.max_row + 1):
            ids = tuple(str(sheet.cell(row, headers[key]).value) for key in keys)
            if ids[0] == "None":
                continue
            for header, value in answer(sheet_name, ids).items():
                cell = sheet.cell(row, headers[header])
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # typed text, never a formula ('=0' stays text)
    book.save(path)

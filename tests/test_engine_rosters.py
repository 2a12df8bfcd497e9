"""Small roster builders for the engine's tests (and a check that what they build is valid).

`make_roster` writes the JSON a person would, with a timetable of `periods` periods on Monday and
`cycles` cycles of one week each unless told otherwise; teachers are given as short dicts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pairwise.roster.load import roster_from_data
from pairwise.roster.models import Roster
from pairwise.roster.validate import cross_check

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


def test_builders_make_valid_rosters() -> None:
    roster = make_roster(
        [{"id": "a", "teaches": ["mon-1"]}, {"id": "b", "teaches": ["mon-2"]}],
        cycles=2,
        weeks=2,
        meetings=1,
        teams=[{"id": "x"}, {"id": "y"}],
    )
    assert cross_check(roster) == []
    assert [cycle.id for cycle in roster.cycles] == ["c1", "c2"]
    assert len(roster.cycle_slots("c1")) == 8
    assert cross_check(free_pairs_roster(6)) == []

"""Small roster builders for the engine's tests (and a check that what they build is valid).

`make_roster` writes the JSON a person would, with a timetable of `periods` periods on Monday and
`cycles` cycles of one week each unless told otherwise; teachers are given as short dicts.
"""

from __future__ import annotations

from pairwise.roster.validate import cross_check
from tests.builders import free_pairs_roster, make_roster


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

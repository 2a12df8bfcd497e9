"""The LP's release rows hold for every whole plan, triads the LP has not listed included.

A release row may be divided by the gcd of its coefficients and its limit rounded down only when
every column that could enter it has a multiple of that gcd: pairs are all known, triads are not
(on school-30 hundreds of triads need a count no multiple of their members' pair gcd).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from pairwise.engine.candidates import Candidates
from pairwise.engine.columns import triad_column
from pairwise.engine.lp_bound import _ColumnGeneration, _Program, _release_divisors
from pairwise.engine.pair_pricing import pair_arrays
from pairwise.roster.load import load_roster
from pairwise.roster.objective import Scoring
from tests.engine.test_tight_rows import cycle_roster

INSTANCES = Path(__file__).resolve().parents[2] / "instances"


@pytest.mark.parametrize("name", ["school-30", "elementary-24"])
def test_a_triad_alone_keeps_every_release_row(name: str) -> None:
    roster = load_roster(INSTANCES / f"{name}.json")
    candidates = Candidates(roster, Scoring(roster))
    divisors = _release_divisors(candidates, pair_arrays(candidates))
    school = candidates.schools[0]
    members = [t for t in candidates.teachers if candidates.school[t] == school]
    triads = [
        column
        for period in candidates.periods
        for trio in itertools.combinations(members, 3)
        if (column := triad_column(candidates, period, trio, school)) is not None
    ]
    off_gcd = [
        column
        for column in triads
        if any(count % divisors.get(("release_teacher", t), 1) for t, count in column.releases)
        or any(
            count % divisors.get(("release_school", s), 1) for s, count in column.school_releases
        )
    ]
    assert off_gcd, "no triad needs a count off its members' pair gcd: the test would not bite"
    program = _Program(candidates, [], [], divisors)
    broken = []
    for column in off_gcd:
        releases = [("release_teacher", t, n) for t, n in column.releases]
        releases += [("release_school", s, n) for s, n in column.school_releases]
        for kind, name, count in releases:
            # the row as the LP writes it while only pairs are listed, then the triad entering
            pair_count = divisors.get((kind, name), 1)
            row = program._release_row(kind, name, [(0, float(pair_count))])
            if row is not None and count * row.terms[0][1] / pair_count > row.limit + 1e-9:
                broken.append((column.members, name, count, row.limit))
    assert broken == []


def test_rows_grouped_round_by_round_are_the_rows_grouped_at_once() -> None:
    # the column generation keeps its rows grouped from round to round (`_Grouped`); the LP it
    # solves is the one grouped afresh, row for row and in the same order
    roster = cycle_roster()
    candidates = Candidates(roster, Scoring(roster))
    generation = _ColumnGeneration(candidates, (), True, True)
    generation.run()
    assert generation.grouped.count == len(generation.columns) > 0
    kept = _Program(
        candidates,
        generation.columns,
        generation.blossoms,
        generation.divisors,
        generation.grouped,
    )._grouped_terms()
    afresh = _Program(
        candidates, generation.columns, generation.blossoms, generation.divisors
    )._grouped_terms()
    assert list(kept.items()) == list(afresh.items())

"""A triad's visit needs (`columns.visit_needs`): the choices that cover a superset of a choice
that fits are skipped, and three visits' distinct slots are checked written out; both give
exactly what trying every choice gives."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import cast

from hypothesis import given, settings
from hypothesis import strategies as st

from pairwise.engine.candidates import Candidates, SlotOptions
from pairwise.engine.columns import VisitNeeds, Ways, _distinct_slots, visit_needs, visit_ways
from pairwise.roster.load import load_roster
from pairwise.roster.objective import Scoring

INSTANCES = Path(__file__).parents[2] / "instances"


def every_choice(candidates: Candidates, ways: Ways, cycle: str) -> VisitNeeds | None:
    """The reference: every way and every choice of uncovered or covered visits tried, Hall's
    condition checked on every subset of slot sets."""
    found: list[list[str]] = []
    for way in ways:
        options = [candidates.arc_options(visitor, host, cycle) for visitor, host in way]
        if any(option is None for option in options):
            continue
        for kinds in itertools.product((False, True), repeat=len(way)):
            masks = [
                o.covered if c else o.uncovered for o, c in zip(options, kinds, strict=True) if o
            ]
            if all(
                bin(sum_or(chosen)).count("1") >= size
                for size in range(1, len(masks) + 1)
                for chosen in itertools.combinations(masks, size)
            ):
                found.append([visitor for (visitor, _), c in zip(way, kinds, strict=True) if c])
    if not found:
        return None
    teachers = {
        t: n for t in candidates.teachers if (n := min(visitors.count(t) for visitors in found)) > 0
    }
    per_school = [[candidates.school[v] for v in visitors] for visitors in found]
    schools = {
        s: n for s in candidates.schools if (n := min(chosen.count(s) for chosen in per_school)) > 0
    }
    return VisitNeeds(min(len(visitors) for visitors in found), teachers, schools)


def sum_or(masks: tuple[int, ...]) -> int:
    union = 0
    for mask in masks:
        union |= mask
    return union


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.integers(0, 15), min_size=1, max_size=3))
def test_distinct_slots_is_halls_condition(masks: list[int]) -> None:
    expected = all(
        bin(sum_or(chosen)).count("1") >= size
        for size in range(1, len(masks) + 1)
        for chosen in itertools.combinations(masks, size)
    )
    assert _distinct_slots(masks) == expected


def test_triads_need_what_every_choice_gives_on_a_sample_school() -> None:
    # the shortcut on real timetables (its boundary: `test_any_slot_options_need_...` below)
    roster = load_roster(INSTANCES / "k8-60.json")
    candidates = Candidates(roster, Scoring(roster))
    teachers = [t for t in candidates.teachers if candidates.school[t] == candidates.schools[0]]
    compared = with_covers = 0
    for members in itertools.islice(itertools.combinations(teachers[:24], 3), 0, None, 7):
        ways = visit_ways(candidates, members)
        for cycle in candidates.cycle_ids:
            needs = visit_needs(candidates, ways, cycle)
            assert needs == every_choice(candidates, ways, cycle), (members, cycle)
            compared += 1
            with_covers += needs is not None and needs.covers > 0
    assert compared > 500 and with_covers > 20


class StubCandidates:
    """What `visit_needs` reads of the candidates: each visit's slot options, the schools."""

    def __init__(self, options: dict[tuple[str, str], SlotOptions], schools: dict[str, str]):
        self.options = options
        self.school = schools
        self.teachers = list(schools)
        self.schools = sorted(set(schools.values()))

    def arc_options(self, visitor: str, host: str, cycle: str) -> SlotOptions | None:
        options = self.options[visitor, host]
        return options if options.any else None


MASKS = st.integers(0, 7)


@settings(max_examples=400, deadline=None, database=None)
@given(
    st.lists(st.tuples(MASKS, MASKS), min_size=6, max_size=6),
    st.lists(st.sampled_from(["s1", "s2"]), min_size=3, max_size=3),
)
def test_any_slot_options_need_what_every_choice_gives(
    masks: list[tuple[int, int]], schools: list[str]
) -> None:
    # Boundary: skipping every choice with as many covered visits as one that fits (rather than
    # only the supersets of one) loses the least needs when two choices cover different
    # teachers; so does skipping every choice after the first that fits.
    members = ("a", "b", "c")
    arcs = [(v, h) for v in members for h in members if v != h]
    stub = StubCandidates(
        {arc: SlotOptions(*pair) for arc, pair in zip(arcs, masks, strict=True)},
        dict(zip(members, schools, strict=True)),
    )
    candidates = cast(Candidates, stub)
    ways = visit_ways(candidates, members)
    assert visit_needs(candidates, ways, "c1") == every_choice(candidates, ways, "c1")

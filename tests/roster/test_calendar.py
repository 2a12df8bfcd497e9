"""ISO weeks and moving a calendar to another school year (`pairwise.roster.calendar`)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from pairwise.roster.calendar import (
    monday_of,
    same_iso_week,
    shift_cycles,
    weeks_in_iso_year,
)
from pairwise.roster.models import Cycle, Meeting


def test_weeks_in_iso_year() -> None:
    assert [weeks_in_iso_year(y) for y in (2020, 2025, 2026, 2027, 2032)] == [53, 52, 53, 52, 53]


def test_a_date_moves_to_the_same_iso_week_and_weekday() -> None:
    assert same_iso_week(dt.date(2025, 10, 6), 1) == dt.date(2026, 10, 5)  # week 41
    assert same_iso_week(dt.date(2025, 10, 17), 1) == dt.date(2026, 10, 16)  # a Friday stays one
    assert monday_of(dt.date(2026, 10, 8)) == dt.date(2026, 10, 5)


def test_the_shift_across_a_53_week_year_is_53_weeks() -> None:
    # 2026 has 53 ISO weeks. 2025-26 into 2026-27: the autumn moves 52 weeks, the spring 53;
    # 2026-27 into 2027-28: the autumn (before 2026's week 53) moves 53 weeks, the spring 52.
    for autumn, spring, weeks in (
        (dt.date(2025, 10, 6), dt.date(2026, 3, 9), (52, 53)),
        (dt.date(2026, 10, 5), dt.date(2027, 3, 8), (53, 52)),
    ):
        assert (same_iso_week(autumn, 1) - autumn).days == weeks[0] * 7
        assert (same_iso_week(spring, 1) - spring).days == weeks[1] * 7
        assert same_iso_week(autumn, 1).isocalendar().week == autumn.isocalendar().week
    assert same_iso_week(dt.date(2026, 10, 5), 1) == dt.date(2027, 10, 11)


def test_week_53_becomes_week_52_of_a_52_week_year() -> None:
    week_53 = dt.date(2026, 12, 28)
    assert week_53.isocalendar() == (2026, 53, 1)
    assert same_iso_week(week_53, 1) == dt.date(2027, 12, 27)
    assert same_iso_week(week_53, 1).isocalendar() == (2027, 52, 1)
    # a date of ISO year 2026 in calendar year 2027 (New Year's Day, a Friday of week 53)
    assert same_iso_week(dt.date(2027, 1, 1), 1) == dt.date(2027, 12, 31)


def test_weeks_that_fold_into_one_are_noted() -> None:
    cycles = [
        Cycle(id="winter", weeks=["2026-12-21", "2026-12-28", "2027-01-04"]),
        Cycle(
            id="spring",
            weeks=["2027-03-08"],
            meetings=[Meeting(id="pd", date="2027-03-12", start="13:00", end="15:00")],
        ),
    ]
    shifted = shift_cycles(cycles, 1)
    winter, spring = shifted.cycles
    # weeks 52 and 53 of 2026 both become week 52 of 2027; week 1 of 2027 becomes week 1 of 2028
    assert winter.weeks == ["2027-12-27", "2028-01-03"]
    assert len(shifted.notes) == 1 and "ISO week 53" in shifted.notes[0]
    assert spring.weeks == ["2028-03-06"]
    assert spring.meetings[0].date == "2028-03-10"
    # the original is left as it was
    assert cycles[0].weeks[1] == "2026-12-28"


def test_a_week_another_cycle_holds_moves_to_the_next_free_week() -> None:
    cycles = [Cycle(id="a", weeks=["2026-12-21"]), Cycle(id="b", weeks=["2026-12-28"])]
    shifted = shift_cycles(cycles, 1)
    assert [c.weeks for c in shifted.cycles] == [["2027-12-27"], ["2028-01-03"]]
    assert "already in cycle a; it moves to 2028-01-03" in shifted.notes[0]


@given(st.dates(dt.date(1990, 1, 1), dt.date(2090, 12, 31)), st.integers(-5, 5))
def test_any_date_keeps_its_weekday_and_iso_week(day: dt.date, years: int) -> None:
    moved = same_iso_week(day, years)
    assert moved.isocalendar().weekday == day.isocalendar().weekday
    assert moved.isocalendar().year == day.isocalendar().year + years
    week = day.isocalendar().week
    assert moved.isocalendar().week == (
        week if week < 53 else weeks_in_iso_year(moved.isocalendar().year)
    )
    if week < 53:
        assert same_iso_week(moved, -years) == day

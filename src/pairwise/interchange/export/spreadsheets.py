"""Spreadsheets: partnerships, visits, sabbatical visits and tables as CSV files a person can read.

Each file is UTF-8 with a byte-order mark (so Excel, which otherwise guesses a legacy code page,
shows accented names correctly; LibreOffice, Google Sheets and Python's `utf-8-sig` read it too),
comma-separated, quoted where needed, CRLF line ends (RFC 4180). Names stand beside ids; dates are
ISO (`2026-10-06`) with the weekday spelled out; times are local wall-clock times in the roster's
time zone. A text cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) is written
with a leading apostrophe, so a name can never execute.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Sequence

from pairwise.interchange.export.common import (
    DAY_NAMES,
    join_words,
    meeting_of,
    meeting_times,
    name_of,
    slot_times,
    team_members,
)
from pairwise.roster.models import Plan, Roster, Visit, parse_slot

BYTE_ORDER_MARK = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int
WEEKDAYS = tuple(DAY_NAMES.values())


def _safe(cell: Cell) -> Cell:
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    """A CSV file's text: BOM, header, rows; formula-like text cells neutralised."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe(cell) for cell in row])
    return BYTE_ORDER_MARK + stream.getvalue()


def _day(moment: dt.datetime) -> str:
    # not strftime("%A"): that follows the machine's locale
    return WEEKDAYS[moment.weekday()]


def _clock(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M")


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def partnerships_csv(roster: Roster, plan: Plan) -> str:
    """One row per partnership: its members (name, id, team), cycles, visits, score and reasons."""
    header = ["Partnership", "Cycles", "School"]
    for number in (1, 2, 3):
        header += [f"Teacher {number}", f"Teacher {number} id", f"Teacher {number} team"]
    header += ["Visits", "Covered visits", "Score", "Reasons"]
    by_partnership: dict[str, list[Visit]] = defaultdict(list)
    for visit in plan.visits:
        by_partnership[visit.partnership].append(visit)
    rows: list[list[Cell]] = []
    for partnership in plan.partnerships:
        visits = by_partnership[partnership.id]
        row: list[Cell] = [
            partnership.id,
            ", ".join(partnership.cycles),
            roster.school_of(partnership.members[0]),
        ]
        for position in range(3):
            if position < len(partnership.members):
                member = partnership.members[position]
                team = roster.teacher_by_id[member].team or ""
                row += [name_of(roster, member), member, team]
            else:
                row += ["", "", ""]
        row += [
            len(visits),
            sum(visit.covered for visit in visits),
            "" if partnership.score is None else partnership.score,
            "; ".join(partnership.reasons),
        ]
        rows.append(row)
    return csv_text(header, rows)


SLOT_COLUMNS = ["Date", "Day", "Start", "End", "Period", "Cycle"]


def _in_time_order(roster: Roster, dated: list[tuple[str, str, list[Cell]]]) -> list[list[Cell]]:
    """Rows of (slot, cycle, the rest) led by the slot's local date and times, sorted by time."""
    timed = []
    for slot, cycle, rest in dated:
        start, end = slot_times(roster, slot)
        _, period = parse_slot(slot)
        row: list[Cell] = [
            start.date().isoformat(),
            _day(start),
            _clock(start),
            _clock(end),
            period,
            cycle,
            *rest,
        ]
        timed.append((start, row))
    timed.sort(key=lambda item: (item[0], [str(cell) for cell in item[1]]))
    return [row for _, row in timed]


def visits_csv(roster: Roster, plan: Plan) -> str:
    """One row per peer visit, in time order: when, who visits whom, where, and whether covered."""
    header = [
        *SLOT_COLUMNS,
        "Visitor",
        "Visitor id",
        "Host",
        "Host id",
        "Room",
        "Covered",
        "Partnership",
    ]
    dated: list[tuple[str, str, list[Cell]]] = [
        (
            visit.slot,
            visit.cycle,
            [
                name_of(roster, visit.visitor),
                visit.visitor,
                name_of(roster, visit.host),
                visit.host,
                roster.teacher_by_id[visit.host].room or "",
                _yes(visit.covered),
                visit.partnership,
            ],
        )
        for visit in plan.visits
    ]
    return csv_text(header, _in_time_order(roster, dated))


def sabbatical_visits_csv(roster: Roster, plan: Plan) -> str:
    """One row per mini-sabbatical visit, in time order."""
    header = [*SLOT_COLUMNS, "Coach", "Coach id", "Coachee", "Coachee id", "Room", "Covered"]
    dated: list[tuple[str, str, list[Cell]]] = [
        (
            visit.slot,
            visit.cycle,
            [
                name_of(roster, visit.coach),
                visit.coach,
                name_of(roster, visit.coachee),
                visit.coachee,
                roster.teacher_by_id[visit.coachee].room or "",
                _yes(visit.covered),
            ],
        )
        for visit in plan.sabbatical_visits
    ]
    return csv_text(header, _in_time_order(roster, dated))


def tables_csv(roster: Roster, plan: Plan) -> str:
    """One row per table at each meeting: when, which teams, and who sits there."""
    members = team_members(roster)
    header = [
        "Cycle",
        "Meeting",
        "Date",
        "Day",
        "Start",
        "End",
        "School",
        "Table",
        "Team 1",
        "Team 2",
        "Team 3",
        "Teachers",
    ]
    rows: list[list[Cell]] = []
    for seat in plan.tables:
        meeting = meeting_of(roster, seat.cycle, seat.meeting)
        start, end = meeting_times(roster, meeting)
        # a valid plan seats two or three teams; more (a hand edit) share the last column
        teams = [*seat.teams[:2], ", ".join(seat.teams[2:])] + [""] * max(0, 2 - len(seat.teams))
        names = [name_of(roster, member) for team in seat.teams for member in members[team]]
        rows.append(
            [
                seat.cycle,
                seat.meeting,
                start.date().isoformat(),
                _day(start),
                _clock(start),
                _clock(end),
                roster.team_school(seat.teams[0]),
                seat.table,
                *teams,
                join_words(names),
            ]
        )
    return csv_text(header, rows)


def build_spreadsheets(roster: Roster, plan: Plan) -> dict[str, str]:
    """File name -> CSV text for the four spreadsheets."""
    return {
        "partnerships.csv": partnerships_csv(roster, plan),
        "visits.csv": visits_csv(roster, plan),
        "sabbatical_visits.csv": sabbatical_visits_csv(roster, plan),
        "tables.csv": tables_csv(roster, plan),
    }

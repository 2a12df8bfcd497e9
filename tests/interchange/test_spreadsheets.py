"""Spreadsheets read back with the csv module: every row of the plan, names beside ids, local times."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from pairwise.interchange.export.bundle import export_plan
from pairwise.interchange.export.spreadsheets import csv_text
from pairwise.roster.models import Plan, Roster
from tests.helpers import load_fixture, load_plan_fixture


def rows(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def district() -> tuple[Roster, Plan]:
    return load_fixture("export_district"), load_plan_fixture("export_district-plan")


def test_visits_sheet_lists_every_visit_in_local_time(tmp_path: Path) -> None:
    roster, plan = district()
    export_plan(roster, plan, tmp_path)
    sheet = rows(tmp_path / "visits.csv")
    assert len(sheet) == len(plan.visits)
    names = {teacher.id: teacher.name for teacher in roster.teachers}
    expected = set()
    for visit in plan.visits:
        start = dt.datetime.fromisoformat(visit.start)  # local time with its offset
        end = dt.datetime.fromisoformat(visit.end)
        expected.add(
            (
                start.date().isoformat(),
                start.strftime("%H:%M"),
                end.strftime("%H:%M"),
                visit.visitor,
                visit.host,
                "yes" if visit.covered else "no",
                visit.partnership,
            )
        )
    got = set()
    for row in sheet:
        assert row["Visitor"] == names[row["Visitor id"]]
        assert row["Host"] == names[row["Host id"]]
        assert row["Day"] == dt.date.fromisoformat(row["Date"]).strftime("%A")
        got.add(
            (
                row["Date"],
                row["Start"],
                row["End"],
                row["Visitor id"],
                row["Host id"],
                row["Covered"],
                row["Partnership"],
            )
        )
    assert got == expected
    # in time order
    moments = [(row["Date"], row["Start"]) for row in sheet]
    assert moments == sorted(moments)


def test_quotes_and_accents_survive_the_round_trip(tmp_path: Path) -> None:
    roster, plan = district()
    export_plan(roster, plan, tmp_path)
    sheet = rows(tmp_path / "visits.csv")
    rooms = {row["Room"] for row in sheet}
    assert 'Lab "1"' in rooms
    assert any(row["Host"] == "Zoë Ødegaard" for row in sheet)


def test_partnerships_sheet(tmp_path: Path) -> None:
    roster, plan = district()
    export_plan(roster, plan, tmp_path)
    sheet = rows(tmp_path / "partnerships.csv")
    assert [row["Partnership"] for row in sheet] == [p.id for p in plan.partnerships]
    for row, partnership in zip(sheet, plan.partnerships, strict=True):
        members = [row[f"Teacher {n} id"] for n in (1, 2, 3) if row[f"Teacher {n} id"]]
        assert members == partnership.members
        assert row["Teacher 1"] == roster.teacher_by_id[partnership.members[0]].name
        assert int(row["Score"]) == partnership.score
        assert int(row["Visits"]) == sum(v.partnership == partnership.id for v in plan.visits)
        assert row["Reasons"] == "; ".join(partnership.reasons)


def test_sabbatical_and_tables_sheets(tmp_path: Path) -> None:
    roster, plan = district()
    export_plan(roster, plan, tmp_path)
    sabbatical = rows(tmp_path / "sabbatical_visits.csv")
    assert sorted(
        (row["Coach id"], row["Coachee id"], row["Cycle"]) for row in sabbatical
    ) == sorted((v.coach, v.coachee, v.cycle) for v in plan.sabbatical_visits)
    assert all(row["Coach"] == "Lena Novak" for row in sabbatical)
    tables = rows(tmp_path / "tables.csv")
    assert len(tables) == len(plan.tables)
    for row, seat in zip(tables, plan.tables, strict=True):
        assert [row["Team 1"], row["Team 2"]] == seat.teams[:2]
        assert int(row["Table"]) == seat.table
        assert row["School"] == roster.team_school(seat.teams[0])
    # the autumn meeting is on Friday 30 October at 14:00 local time
    assert (tables[0]["Date"], tables[0]["Day"], tables[0]["Start"]) == (
        "2026-10-30",
        "Friday",
        "14:00",
    )
    assert "Hana Sato" in tables[2]["Teachers"]


def test_empty_plan_writes_headers_only(tmp_path: Path) -> None:
    roster = load_fixture("oakridge-tiny")
    plan = Plan(roster=roster.name, status="feasible", objective=0, bound=0)
    export_plan(roster, plan, tmp_path)
    for name in ("partnerships", "visits", "sabbatical_visits", "tables"):
        text = (tmp_path / f"{name}.csv").read_bytes().decode("utf-8-sig")
        assert text.count("\r\n") == 1, name


def test_text_that_looks_like_a_formula_is_neutralised() -> None:
    text = csv_text(["Name", "Score"], [['=HYPERLINK("x")', -5], ["@SUM(A1)", 3], ["Ann", 0]])
    read = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert read[1] == ['\'=HYPERLINK("x")', "-5"]  # numbers stay numbers
    assert read[2][0] == "'@SUM(A1)"
    assert read[3][0] == "Ann"

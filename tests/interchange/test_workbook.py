"""The workbook template and its import: round trips, the blank template, cells as people type them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings

from pairwise.errors import InputError
from pairwise.generate.rosters import generate_roster
from pairwise.interchange.workbook.layout import SHEET_ORDER, canonical
from pairwise.interchange.workbook.read import import_workbook
from pairwise.interchange.workbook.write import template_csv_files, template_workbook
from pairwise.roster.load import roster_from_data
from pairwise.roster.models import Policy, Roster
from tests.helpers import load_fixture
from tests.strategies import rosters

SETTINGS_SHEETS = {"Roster", "Policy", "Topics"}  # key-value sheets and the list of topics


def write_xlsx(folder: Path, roster: Roster | None, name: str = "roster.xlsx") -> Path:
    path = folder / name
    path.write_bytes(template_workbook(roster))
    return path


def write_csv(folder: Path, roster: Roster | None, name: str = "sheets") -> Path:
    target = folder / name
    target.mkdir()
    for file_name, text in template_csv_files(roster).items():
        (target / file_name).write_text(text, encoding="utf-8")
    return target


def problems_of(source: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        import_workbook(source)
    return [str(problem) for problem in caught.value.problems]


# --- round trips ---------------------------------------------------------------------------------


def test_fixture_comes_back_the_same_from_xlsx_and_csv(tmp_path: Path) -> None:
    roster = load_fixture("oakridge-tiny")
    # the fixture lists teaches in timetable order, so it is its own canonical form
    assert canonical(roster).model_dump() == roster.model_dump()
    from_xlsx = import_workbook(write_xlsx(tmp_path, roster))
    from_csv = import_workbook(write_csv(tmp_path, roster))
    assert from_xlsx.roster.model_dump() == roster.model_dump()
    assert from_csv.roster.model_dump() == roster.model_dump()
    assert from_xlsx.warnings == []


@pytest.mark.parametrize(
    ("teachers", "schools", "kind"),
    [(24, 1, "elementary"), (60, 1, "secondary"), (90, 3, "mixed")],
)
def test_generated_rosters_come_back_the_same(
    tmp_path: Path, teachers: int, schools: int, kind: str
) -> None:
    roster = generate_roster(teachers, schools=schools, kind=kind, seed=5)
    back = import_workbook(write_xlsx(tmp_path, roster)).roster
    assert back.model_dump() == roster.model_dump()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(roster=rosters())
def test_any_roster_comes_back_as_its_canonical_form(
    tmp_path_factory: pytest.TempPathFactory, roster: Roster
) -> None:
    folder = tmp_path_factory.mktemp("round")
    expected = canonical(roster).model_dump()
    assert import_workbook(write_xlsx(folder, roster)).roster.model_dump() == expected
    assert import_workbook(write_csv(folder, roster)).roster.model_dump() == expected
    # a second trip changes nothing
    assert canonical(canonical(roster)).model_dump() == expected


def test_canonical_orders_teaches_and_weekly_unavailability_by_timetable() -> None:
    roster = load_fixture("oakridge-tiny")
    data = roster.model_dump()
    data["teachers"][0]["teaches"] = ["wed-1", "mon-1", "wed-1"]
    data["teachers"][0]["unavailable"] = ["2026-10-06/tue-1", "wed-2", "mon-2"]
    shuffled = roster_from_data(data)
    first = canonical(shuffled).teachers[0]
    assert first.teaches == ["mon-1", "wed-1"]
    assert first.unavailable == ["mon-2", "wed-2", "2026-10-06/tue-1"]


def test_awkward_values_survive_a_workbook(tmp_path: Path) -> None:
    data = load_fixture("oakridge-tiny").model_dump()
    data["teachers"][0]["name"] = '=HYPERLINK("x")'  # text, never a formula
    data["teachers"][1]["name"] = "007"  # text that looks like a number stays text
    data["teachers"][1]["room"] = "2026-10-05"  # and text that looks like a date
    data["history"][0]["trust"] = 0.1 + 0.2  # more digits than Excel keeps
    data["policy"]["weights"]["unpaired"] = 10**16  # likewise
    roster = roster_from_data(data)
    back = import_workbook(write_xlsx(tmp_path, roster)).roster
    assert back.model_dump() == roster.model_dump()


def test_a_roster_a_workbook_cannot_hold_is_refused_by_path() -> None:
    data = load_fixture("oakridge-tiny").model_dump()
    data["teachers"][0]["strengths"] = ["reading, writing"]
    data["teachers"][1]["id"] = "#t02"
    data["teachers"][1]["name"] = " padded"
    data["teams"][0]["priority"] = ""
    roster = roster_from_data(data | {"relations": [], "history": []})
    with pytest.raises(InputError) as caught:
        template_workbook(roster)
    paths = [problem.path for problem in caught.value.problems]
    assert paths == [
        "teams[0].priority",
        "teachers[0].strengths[0]",
        "teachers[1].id",
        "teachers[1].name",
    ]


# --- the blank template -------------------------------------------------------------------------


def test_blank_template_has_every_sheet_headers_notes_and_examples(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_xlsx(tmp_path, None))
    assert tuple(book.sheetnames) == SHEET_ORDER
    teachers = book["Teachers"]
    assert [cell.value for cell in teachers[1]][:3] == ["id", "name", "team"]
    assert str(teachers["A2"].value).startswith("#")
    # the example is in the instruction row, out of the data area: row 3 is the first to fill
    assert teachers.max_row == 2
    assert "e.g. Ana Ruiz" in str(teachers["B2"].value)
    assert "e.g. oakridge" in str(teachers["D2"].value)
    lists = {
        str(rule.sqref).split(":")[0]: rule.formula1
        for rule in teachers.data_validations.dataValidation
    }
    assert lists["C3"] == "Teams!$A$3:$A$5000"
    assert lists["F3"] == "Topics!$A$3:$A$5000"
    assert lists["J3"] == '"yes,no"'
    relations = {
        str(rule.sqref).split(":")[0]: rule.formula1
        for rule in book["Relations"].data_validations.dataValidation
    }
    assert relations["C3"] == '"avoid,request,lock,continue"'
    topics = [row[0].value for row in book["Topics"].iter_rows(min_row=3)]
    assert "formative-assessment" in topics
    periods = book["Periods"]
    assert "e.g. 08:30" in str(periods["C2"].value)
    assert all(book[name].max_row <= 2 for name in SHEET_ORDER if name not in SETTINGS_SHEETS)


def test_importing_the_blank_template_asks_only_for_what_is_missing(tmp_path: Path) -> None:
    assert problems_of(write_xlsx(tmp_path, None)) == [
        "Roster!B4: 'name' is required",
        "Roster!B5: 'year' is required",
        "Roster!B6: 'timezone' is required",
        "Periods: needs at least one row",
        "Cycles: needs at least one row",
    ]


def test_a_filled_in_blank_template_imports_and_skips_its_examples(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_xlsx(tmp_path, None))
    book["Roster"]["B4"] = "Filled 2026-27"
    book["Roster"]["B5"] = 2026
    book["Roster"]["B6"] = "America/Toronto"
    # as people type: times and dates as Excel values, yes/no in any case, headers left as given
    book["Periods"].append(["mon-1", "Monday", dt.time(8, 30), "9:20"])
    book["Periods"].append(["tue-1", "tue", dt.time(8, 30), dt.time(9, 20)])
    book["Cycles"].append(["fall", dt.datetime(2026, 10, 5)])
    book["Teams"].append(["grade-1", "literacy", 1.0])
    book["Teachers"].append(["t01", "Ana", "grade-1", None, 3.0, "numeracy", "literacy,  inquiry"])
    book["Teachers"].append(
        ["t02", "Ben", "grade-1", None, None, "literacy", None, "t01", None, "NO"]
    )
    timetable = book["Timetable"]
    timetable["F1"] = "mon-1"
    timetable["G1"] = "tue-1"
    timetable.append(["t01", "Ana", None, None, None, "t", "x"])
    timetable.append(["t02", "Ben", None, None, None, "T X", None])
    book["Unavailable"].append(["t02", dt.date(2026, 10, 6), None])
    path = tmp_path / "filled.xlsx"
    book.save(path)
    result = import_workbook(path)
    roster = result.roster
    assert [teacher.id for teacher in roster.teachers] == ["t01", "t02"]
    ana, ben = roster.teachers
    assert ana.years_experience == 3 and ana.strengths == ["literacy", "inquiry"]
    assert ana.teaches == ["mon-1"] and ana.unavailable == ["tue-1"]
    assert ben.participates is False and ben.evaluator == "t01"
    assert ben.teaches == ["mon-1"]
    # a blank period in Unavailable: every period of that day
    assert ben.unavailable == ["mon-1", "2026-10-06/tue-1"]
    assert roster.periods[0].day == "mon" and roster.periods[0].end == "09:20"
    assert roster.teams[0].grade == 1
    assert roster.cycles[0].weeks == ["2026-10-05"]
    assert roster.policy.model_dump() == Policy().model_dump()
    assert result.warnings == []


def test_headers_match_loosely_and_columns_may_move(tmp_path: Path) -> None:
    folder = write_csv(tmp_path, load_fixture("oakridge-tiny"))
    text = (folder / "Teachers.csv").read_text()
    header, rest = text.split("\n", 1)
    (folder / "Teachers.csv").write_text(
        header.replace("years_experience", "Years Experience").replace("max_release", "max-release")
        + "\n"
        + rest
    )
    periods = list(csv.reader(io.StringIO((folder / "Periods.csv").read_text())))
    # columns in another order (and a semicolon-separated file, as some locales save CSV)
    stream = io.StringIO()
    csv.writer(stream, delimiter=";").writerows([row[3], *row[:3]] for row in periods)
    (folder / "Periods.csv").write_text(stream.getvalue())
    assert import_workbook(folder).roster.model_dump() == load_fixture("oakridge-tiny").model_dump()


def test_sheets_are_read_from_a_workbook_in_memory_the_same_as_from_disk(tmp_path: Path) -> None:
    data = template_workbook(load_fixture("oakridge-tiny"))
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book["Timetable"]["C1"].value == "mon-1"
    assert book["Timetable"]["C3"].value == "T"
    assert book["Timetable"]["H3"].value == "X"  # t01 unavailable every wed-2
    assert book["Unavailable"]["A3"].value == "t07"


def test_a_stray_far_cell_does_not_change_the_import(tmp_path: Path) -> None:
    roster = load_fixture("oakridge-tiny")
    book = openpyxl.load_workbook(write_xlsx(tmp_path, roster))
    # formatting the last cell of a sheet, as happens in real workbooks, and a far comment row
    book["Relations"]["XFD1048576"].fill = openpyxl.styles.PatternFill("solid", fgColor="FFFF00")
    book["Teams"]["A60000"] = "# notes kept far below"
    path = tmp_path / "far.xlsx"
    book.save(path)
    assert import_workbook(path).roster.model_dump() == roster.model_dump()


def test_typing_over_part_of_the_first_row_leaves_no_stray_example(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, None)
    book = openpyxl.load_workbook(path)
    roster = book["Roster"]
    for row in roster.iter_rows(min_row=3):
        key = row[0].value
        row[1].value = {"name": "Lincoln 2026-27", "year": 2026, "timezone": "America/Chicago"}.get(
            str(key), row[1].value
        )
    book["Periods"].append(["mon-1", "mon", "08:30", "09:20"])
    book["Cycles"].append(["fall", "2026-10-05"])
    book["Teams"].append(["g1"])
    book["Teachers"].append(["a1", "Ana Ruiz", "g1"])  # only the first three cells typed
    book.save(path)
    roster_read = import_workbook(path).roster
    assert [team.school for team in roster_read.teams] == [None]
    assert [(t.school, t.priority, t.evaluator) for t in roster_read.teachers] == [
        (None, None, None)
    ]
    assert roster_read.schools() == [""]

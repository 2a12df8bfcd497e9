"""Timetables from timetabling programs: FET files (FET 6 and FET 5 layouts) and XHSTT archives
read into rosters, every problem named at once, and a roster written to FET and read back."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pairwise
from pairwise.errors import InputError
from pairwise.generate.rosters import generate_roster
from pairwise.interchange.timetables.clock import times_in
from pairwise.interchange.timetables.days import weekday_of, weekdays
from pairwise.interchange.timetables.read import read_timetable, sniff_format
from pairwise.interchange.timetables.xhstt import _Resource, _subject
from pairwise.interchange.workbook.layout import ImportResult
from pairwise.roster.load import roster_from_data, roster_from_json
from pairwise.roster.models import DAYS, Roster
from tests.helpers import FIXTURES, load_fixture
from tests.interchange.fet_writer import roster_to_fet

TIMETABLES = FIXTURES / "timetables"
SAINT_ELOI = TIMETABLES / "saint-eloi.fet"
FET5 = TIMETABLES / "music-school-fet5.fet"
ARCHIVE = TIMETABLES / "two-schools.xml"
BELLS = TIMETABLES / "periods.csv"


def problems_of(error: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(problem) for problem in error.value.problems]


def edited(tmp_path: Path, source: Path, *changes: tuple[str, str], name: str = "") -> Path:
    """A copy of a fixture with each (old, new) text replaced (each old text must be there)."""
    text = source.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / (name or source.name)
    path.write_text(text, encoding="utf-8")
    return path


def teachers_of(result: ImportResult) -> dict[str, tuple[str, str | None, list[str], str | None]]:
    return {
        teacher.id: (teacher.name, teacher.team, teacher.teaches, teacher.room)
        for teacher in result.roster.teachers
    }


# --- FET ----------------------------------------------------------------------------------------


def test_a_fet6_file_gives_periods_teachers_what_they_teach_teams_and_rooms() -> None:
    result = read_timetable(SAINT_ELOI, timezone="Europe/Paris", year=2026)
    roster = result.roster
    assert roster.name == "École Saint-Éloi 2026-27"
    assert roster.timezone == "Europe/Paris"
    # French day names say the weekdays; hour names give starts only: each period ends when the
    # next starts and the last lasts the 50 minutes the others do
    assert [(p.id, p.start, p.end) for p in roster.periods[:4]] == [
        ("mon-1", "08:10", "09:00"),
        ("mon-2", "09:00", "09:50"),
        ("mon-3", "09:50", "10:40"),
        ("mon-4", "10:40", "11:30"),
    ]
    assert [p.day for p in roster.periods[::4]] == ["mon", "tue", "wed", "thu", "fri"]
    assert teachers_of(result) == {
        # activity 2 lasts two hours from Tuesday 09:00
        "Ana Ruiz": ("Ana Ruiz", "Mathématiques", ["mon-1", "tue-2", "tue-3"], "Salle 12"),
        # '/' separates a slot's parts, so the id has '-'; the name keeps it
        "Ben O-Connor": ("Ben O/Connor", "Science-Tech", ["mon-1", "mon-2", "wed-4"], "Labo"),
        # Long_Name is the name; activity 4 has two teachers; 5 is unplaced, 9's fixing
        # constraint is inactive; Français and Musique one period each: the first by name
        "ZMU": ("Zoë Müller", "Français", ["wed-4", "fri-1"], None),
        # 6 has no students (a meeting), 7 is inactive, 8 is only preferred at 95 %
        "Cara Díaz": ("Cara Díaz", None, [], None),
    }
    assert [team.id for team in roster.teams] == ["Français", "Mathématiques", "Science-Tech"]
    assert [len(cycle.weeks) for cycle in roster.cycles] == [2, 2, 2]
    warnings = "\n".join(result.warnings)
    assert "3 active activities have no fixed time" in warnings
    assert ": 5, 8, 9" in warnings
    assert "1 teacher teaches no placed lesson (Cara Díaz)" in warnings
    assert "no priorities, strengths, years of experience, evaluators, history or relations" in (
        warnings
    )
    assert "pairwise template staff.xlsx --from ROSTER" in warnings
    assert "cycles: the file holds none" in warnings


def test_a_fet5_file_lists_day_and_hour_names_directly() -> None:
    result = read_timetable(FET5, timezone="Europe/Copenhagen", year=2026)
    roster = result.roster
    # "Default institution" is FET's placeholder: the file's name is used instead
    assert roster.name == "music-school-fet5 2026-27"
    # the fourth hour name (the end of the day, as FET 5 wrote it) is past the count
    assert [(p.id, p.start, p.end) for p in roster.periods] == [
        ("mon-1", "13:30", "14:30"),
        ("mon-2", "14:40", "15:40"),
        ("mon-3", "15:50", "16:50"),
        ("wed-1", "13:30", "14:30"),
        ("wed-2", "14:40", "15:40"),
        ("wed-3", "15:50", "16:50"),
    ]
    assert teachers_of(result) == {
        "Kim": ("Kim", "Piano", ["wed-2", "wed-3"], None),
        "Lee": ("Lee", "Violin", ["mon-1"], None),
    }


def test_a_starting_time_may_give_day_and_hour_as_names_or_numbers(tmp_path: Path) -> None:
    path = edited(
        tmp_path,
        FET5,
        ("<Preferred_Day>Wednesday</Preferred_Day>", "<Day>wednesday</Day>"),
        ("<Preferred_Hour>14.40 - 15.40</Preferred_Hour>", "<Hour>1</Hour>"),
        ("<Preferred_Day>Monday</Preferred_Day>", "<Day>0</Day>"),
        ("<Preferred_Hour>13.30 - 14.30</Preferred_Hour>", "<Hour>2</Hour>"),
    )
    result = read_timetable(path, timezone="Europe/Copenhagen", year=2026)
    assert {t.id: t.teaches for t in result.roster.teachers} == {
        "Kim": ["wed-2", "wed-3"],
        "Lee": ["mon-3"],
    }


def test_teams_by_class_take_the_year_of_the_groups_taught() -> None:
    result = read_timetable(SAINT_ELOI, timezone="Europe/Paris", year=2026, teams="class")
    teams = {teacher.id: teacher.team for teacher in result.roster.teachers}
    assert teams == {"Ana Ruiz": "6e", "Ben O-Connor": "5e", "ZMU": "5e", "Cara Díaz": None}
    assert {team.id: team.grade for team in result.roster.teams} == {"5e": 5, "6e": 6}


def test_a_fet_file_with_no_placed_activity_says_how_to_save_one(tmp_path: Path) -> None:
    text = SAINT_ELOI.read_text(encoding="utf-8")
    start, end = (
        text.index("<ConstraintActivityPreferredStartingTime>"),
        text.index("</Time_Constraints_List>"),
    )
    path = tmp_path / "unplaced.fet"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_timetable(path, timezone="Europe/Paris", year=2026)
    (problem,) = problems_of(error)
    assert problem.startswith("Time_Constraints_List: no activity is placed in time")
    assert "NAME_data_and_timetable.fet" in problem
    assert "fet-results/timetables/NAME/" in problem


def test_fets_input_with_a_few_activities_fixed_is_not_a_timetable(tmp_path: Path) -> None:
    # activities 2, 3 and 4 lose their fixed time: 3 of the 9 active ones stay placed
    changes = [
        (
            f"<Weight_Percentage>100</Weight_Percentage>\n\t<Activity_Id>{n}</Activity_Id>",
            f"<Weight_Percentage>50</Weight_Percentage>\n\t<Activity_Id>{n}</Activity_Id>",
        )
        for n in (2, 3, 4)
    ]
    path = edited(tmp_path, SAINT_ELOI, *changes)
    with pytest.raises(InputError) as error:
        read_timetable(path, timezone="Europe/Paris", year=2026)
    (problem,) = problems_of(error)
    assert problem.startswith(
        "Time_Constraints_List: only 3 of 9 active activities are placed in time, so the file "
        "holds FET's input, not its timetable. In FET, generate the timetable"
    )


def test_a_teacher_listed_twice_is_read_once(tmp_path: Path) -> None:
    path = edited(
        tmp_path,
        FET5,
        ("<Teacher>\n\t<Name>Lee</Name>\n</Teacher>", "<Teacher><Name>Lee</Name></Teacher>" * 2),
    )
    result = read_timetable(path, timezone="Europe/Paris", year=2026)
    assert [teacher.id for teacher in result.roster.teachers] == ["Kim", "Lee"]
    assert "teacher 'Lee' is listed twice in Teachers_List: read once" in result.warnings


def test_every_problem_of_a_fet_file_is_reported_at_once(tmp_path: Path) -> None:
    path = edited(
        tmp_path,
        SAINT_ELOI,
        (
            "<Teacher>Ana Ruiz</Teacher>\n\t<Subject>Mathématiques</Subject>\n\t<Students>6e A",
            "<Teacher>Ana Ruis</Teacher>\n\t<Subject>Mathématiques</Subject>\n\t<Students>6e A",
        ),
        (
            "<Preferred_Day>Jeudi</Preferred_Day>\n\t<Preferred_Hour>09:00",
            "<Preferred_Day>Wednesday</Preferred_Day>\n\t<Preferred_Hour>09:00",
        ),
        (
            "<Duration>2</Duration>\n\t<Total_Duration>2</Total_Duration>\n\t<Id>3</Id>",
            "<Duration>two</Duration>\n\t<Total_Duration>2</Total_Duration>\n\t<Id>3</Id>",
        ),
        (
            "<Preferred_Hour>09:00</Preferred_Hour>\n\t<Permanently_Locked>true",
            "<Preferred_Hour>10:40</Preferred_Hour>\n\t<Permanently_Locked>true",
        ),
    )
    with pytest.raises(InputError) as error:
        read_timetable(path, timezone="Mars/Olympus", year=2026, teams="department")
    assert problems_of(error) == [
        "activity 1: unknown teacher 'Ana Ruis' (not in Teachers_List)",
        "activity 3: Duration 'two' is not a whole number of at least 1",
        "ConstraintActivityPreferredStartingTime of activity 7: unknown day 'Wednesday' "
        "(not in Days_List)",
        "activity 2: starts at Mardi 10:40 and lasts 2 hours, past the day's last hour",
        "--timezone: unknown IANA time zone 'Mars/Olympus'",
        "--teams: department: FET files have no departments; use --teams subject or --teams class",
    ]
    assert error.value.source == str(path)


def test_two_constraints_fixing_one_activity_at_different_times(tmp_path: Path) -> None:
    twice = (
        "<ConstraintActivityPreferredStartingTime>\n\t<Weight_Percentage>100</Weight_Percentage>"
        "\n\t<Activity_Id>1</Activity_Id>\n\t<Preferred_Day>Jeudi</Preferred_Day>\n\t"
        "<Preferred_Hour>09:00</Preferred_Hour>\n</ConstraintActivityPreferredStartingTime>\n"
        "</Time_Constraints_List>"
    )
    path = edited(tmp_path, SAINT_ELOI, ("</Time_Constraints_List>", twice))
    with pytest.raises(InputError) as error:
        read_timetable(path, timezone="Europe/Paris", year=2026)
    assert problems_of(error) == [
        "ConstraintActivityPreferredStartingTime of activity 1: fixes it at Jeudi 09:00, but "
        "another constraint fixes it at Lundi 08:10"
    ]


def test_more_than_seven_days_is_not_a_week(tmp_path: Path) -> None:
    days = "".join(f"<Name>Day {n}</Name>" for n in range(1, 11))
    path = edited(
        tmp_path,
        FET5,
        ("<Number>2</Number>\n\t<Name>Monday</Name>\n\t<Name>Wednesday</Name>", days),
    )
    with pytest.raises(InputError) as error:
        read_timetable(path, timezone="Europe/Paris", year=2026)
    assert problems_of(error)[0].startswith("Days_List: holds 10 days; pairwise reads one week")


def test_days_without_weekday_names_are_read_in_order_from_monday(tmp_path: Path) -> None:
    path = edited(
        tmp_path,
        FET5,
        ("<Name>Monday</Name>", "<Name>A</Name>"),
        ("<Name>Wednesday</Name>", "<Name>B</Name>"),
        ("<Preferred_Day>Wednesday</Preferred_Day>", "<Preferred_Day>B</Preferred_Day>"),
        ("<Preferred_Day>Monday</Preferred_Day>", "<Preferred_Day>A</Preferred_Day>"),
    )
    result = read_timetable(path, timezone="Europe/Paris", year=2026)
    assert teachers_of(result)["Kim"][2] == ["tue-2", "tue-3"]
    assert any("read in order from Monday (A = mon, B = tue)" in w for w in result.warnings)


# --- clock times --------------------------------------------------------------------------------


def test_hour_names_without_times_take_the_default_bell_and_say_so(tmp_path: Path) -> None:
    path = edited(
        tmp_path,
        FET5,
        ("<Name>13.30 - 14.30</Name>", "<Name>first</Name>"),
        (
            "<Preferred_Hour>13.30 - 14.30</Preferred_Hour>",
            "<Preferred_Hour>first</Preferred_Hour>",
        ),
    )
    result = read_timetable(path, timezone="Europe/Paris", year=2026)
    assert [(p.start, p.end) for p in result.roster.periods[:3]] == [
        ("08:30", "09:20"),
        ("09:30", "10:20"),
        ("10:30", "11:20"),
    ]
    assert any("the default bell (the first period at 08:30" in w for w in result.warnings)


def test_hour_names_with_some_times_are_not_enough_and_the_warning_says_which(
    tmp_path: Path,
) -> None:
    path = edited(
        tmp_path,
        FET5,
        ("<Name>15.50 - 16.50</Name>", "<Name>last</Name>"),
    )
    result = read_timetable(path, timezone="Europe/Paris", year=2026)
    assert result.roster.periods[0].start == "08:30"
    assert (
        "only some of the FET file's hour names hold clock times (13.30 - 14.30, 14.40 - 15.40; "
        "not last): periods follow the default bell"
    ) in "\n".join(result.warnings)


def test_a_bell_schedule_gives_the_times_by_period_number() -> None:
    result = read_timetable(
        ARCHIVE, timezone="Europe/Berlin", year=2026, instance="Lindenhof-2026", bell_schedule=BELLS
    )
    assert [(p.id, p.start, p.end) for p in result.roster.periods] == [
        ("mon-1", "08:00", "08:45"),
        ("mon-2", "08:50", "09:35"),
        ("mon-3", "09:55", "10:40"),
        ("tue-1", "08:00", "08:45"),
        ("tue-2", "08:50", "09:35"),
        ("tue-3", "09:55", "10:40"),
    ]
    assert not any("default bell" in warning for warning in result.warnings)


def test_a_bell_schedule_missing_an_hour_names_it(tmp_path: Path) -> None:
    bells = tmp_path / "bells.csv"
    bells.write_text("period,day,start,end\n1,,08:00,08:45\n2,,08:50,9:99\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_timetable(
            ARCHIVE,
            timezone="Europe/Berlin",
            year=2026,
            instance="Lindenhof-2026",
            bell_schedule=bells,
        )
    found = problems_of(error)
    assert found[0].startswith("bells.csv!D3: ")
    assert found[1:] == [
        "--bell-schedule: no bell for period 2 (hour 'Mo 2') on mon, tue: give a row whose "
        "period is the hour's name or number",
        "--bell-schedule: no bell for period 3 (hour 'Mo 3') on mon, tue: give a row whose "
        "period is the hour's name or number",
    ]


def test_hour_names_win_over_a_bell_schedule_and_the_warning_says_so() -> None:
    result = read_timetable(FET5, timezone="Europe/Paris", year=2026, bell_schedule=BELLS)
    assert result.roster.periods[0].start == "13:30"
    assert "--bell-schedule is not used: the hour names hold the clock times" in result.warnings


@pytest.mark.parametrize(
    ("name", "times"),
    [
        ("08:10", (490, None)),
        ("9.30 - 11.00", (570, 660)),
        ("1:15 pm - 2:00 pm", (795, 840)),
        ("9h30-10h20", (570, 620)),
        ("1*First@08:00-08:45", (480, 525)),
        ("Period 3", (None, None)),
        ("2024.05", (None, None)),
    ],
)
def test_clock_times_in_hour_names(name: str, times: tuple[int | None, int | None]) -> None:
    assert times_in(name) == times


@pytest.mark.parametrize(
    ("names", "codes"),
    [
        (["Monday", "Tuesday", "Wednesday"], ["mon", "tue", "wed"]),
        (["Lundi", "Mardi", "Jeudi"], ["mon", "tue", "thu"]),
        (
            ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"],
            ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        ),
        (["Segunda-feira", "Terça-feira"], ["mon", "tue"]),
        (["Δευτέρα", "Τρίτη", "Παρασκευή"], ["mon", "tue", "fri"]),
        (["Hétfő", "Kedd", "Csütörtök"], ["mon", "tue", "thu"]),
        (["Понедельник", "Вторник"], ["mon", "tue"]),
        # a Persian and an Arabic week start on Saturday and Sunday
        (["شنبه", "یکشنبه", "دوشنبه", "سه\u200cشنبه"], ["sat", "sun", "mon", "tue"]),
        (["الأحد", "الإثنين", "الخميس"], ["sun", "mon", "thu"]),
        (["Day 1", "Day 2"], ["mon", "tue"]),
        (["Monday", "Monday"], ["mon", "tue"]),
    ],
)
def test_weekdays_from_day_names(names: list[str], codes: list[str]) -> None:
    assert weekdays(names)[0] == codes


def test_weekday_names_with_letters_that_do_not_decompose() -> None:
    assert [weekday_of(n) for n in ("Poniedziałek", "Søndag", "lunedì")] == ["mon", "sun", "mon"]


# --- XHSTT --------------------------------------------------------------------------------------


def test_an_xhstt_solution_gives_what_each_teacher_teaches() -> None:
    result = read_timetable(
        ARCHIVE, timezone="Europe/Berlin", year=2026, instance="Lindenhof-2026", solution="Hand"
    )
    roster = result.roster
    assert roster.name == "Gymnasium Lindenhof 2026-27"
    assert [p.id for p in roster.periods] == ["mon-1", "mon-2", "mon-3", "tue-1", "tue-2", "tue-3"]
    assert teachers_of(result) == {
        # Mathe is split over Monday and Tuesday; the solution assigns its room
        "T_Weiss": ("Jürgen Weiß", "Mathe", ["mon-1", "tue-1"], "Raum 101"),
        # Bio's teacher is assigned by the solution, its room preassigned
        "T_Kaya": ("Elif Kaya", "Biologie", ["mon-2"], "Labor"),
        # Französisch 7 takes its classes from a resource group; Französisch 7a has a
        # preassigned time and no solution event
        "T_Dubois": ("Marie Dubois", "Französisch", ["mon-3", "tue-3"], None),
        # the Konferenz has teachers only: not a lesson
        "T_Novak": ("Petr Novák", None, [], None),
    }
    assert "read the timetable of solution group 'Hand'" in result.warnings


def test_the_default_solution_is_the_first_group_that_times_every_event() -> None:
    result = read_timetable(ARCHIVE, timezone="Europe/Berlin", year=2026, instance="Lindenhof-2026")
    assert "read the timetable of solution group 'Hand'" in result.warnings


def test_teams_by_department_and_by_class_in_an_archive() -> None:
    def teams(rule: str) -> dict[str, str | None]:
        result = read_timetable(
            ARCHIVE,
            timezone="Europe/Berlin",
            year=2026,
            instance="Lindenhof-2026",
            teams=rule,  # type: ignore[arg-type]
        )
        return {teacher.id: teacher.team for teacher in result.roster.teachers}

    # the all-teachers group is no department; Novák is in no other
    assert teams("department") == {
        "T_Weiss": "Mathematik-Naturwissenschaften",
        "T_Kaya": "Mathematik-Naturwissenschaften",
        "T_Dubois": "Sprachen",
        "T_Novak": None,
    }
    assert teams("class") == {"T_Weiss": "7a", "T_Kaya": "7b", "T_Dubois": "7a", "T_Novak": None}


@pytest.mark.parametrize(
    ("label", "subject"),
    [("Mathe 7a", "Mathe"), ("T1-S1", None), ("Physik_7A (Raum 101)", "Physik"), ("7a", None)],
)
def test_an_events_subject_is_its_course_without_who_attends(
    label: str, subject: str | None
) -> None:
    attending = [
        _Resource("T1", "T1", "teacher"),
        _Resource("S1", "7a", "class"),
        _Resource("R101", "Raum 101", "room"),
    ]
    assert _subject(label, attending) == subject


def test_courses_that_name_only_teachers_and_classes_give_no_teams(tmp_path: Path) -> None:
    path = edited(
        tmp_path, ARCHIVE, ('<Event Id="E1"><Name>E1</Name>', '<Event Id="E1"><Name>Solo-C1</Name>')
    )
    result = read_timetable(path, timezone="UTC", year=2026, instance="Tiny")
    assert result.roster.teams == []
    assert (
        "no lesson names a subject, so the roster has no teams: try --teams class, or give teams "
        "in the workbook"
    ) in result.warnings
    assert [
        t.team
        for t in read_timetable(
            path, timezone="UTC", year=2026, instance="Tiny", teams="class"
        ).roster.teachers
    ] == ["C1"]


def test_an_archive_of_several_instances_needs_one_chosen() -> None:
    with pytest.raises(InputError) as error:
        read_timetable(ARCHIVE, timezone="Europe/Berlin", year=2026)
    assert problems_of(error) == [
        "--instance: the archive holds 2 instances; choose one: Lindenhof-2026 (Gymnasium "
        "Lindenhof), Tiny (Tiny)"
    ]
    with pytest.raises(InputError) as error:
        read_timetable(ARCHIVE, timezone="Europe/Berlin", year=2026, instance="Oakridge")
    assert problems_of(error)[0].startswith("--instance: no instance 'Oakridge' in the archive")


def test_a_solution_that_does_not_time_every_event_is_refused() -> None:
    with pytest.raises(InputError) as error:
        read_timetable(
            ARCHIVE,
            timezone="Europe/Berlin",
            year=2026,
            instance="Lindenhof-2026",
            solution="Partial",
        )
    assert problems_of(error) == [
        "solution group 'Partial': does not time every event: 2 events have fewer timed periods "
        "than their duration (Mathe_7a (1 of 2), Bio_7b (0 of 1)); pairwise needs a complete "
        "timetable"
    ]


def test_a_solution_group_that_does_not_solve_the_instance(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        read_timetable(
            ARCHIVE,
            timezone="Europe/Berlin",
            year=2026,
            instance="Lindenhof-2026",
            solution="KHE-Tiny",
        )
    assert problems_of(error) == [
        "--solution: solution group 'KHE-Tiny' holds no solution of instance 'Lindenhof-2026' "
        "(these do: Partial, Hand)"
    ]
    text = ARCHIVE.read_text(encoding="utf-8")
    path = tmp_path / "unsolved.xml"
    path.write_text(text[: text.index("<SolutionGroups>")] + "</HighSchoolTimetableArchive>\n")
    with pytest.raises(InputError) as error:
        read_timetable(path, timezone="Europe/Berlin", year=2026, instance="Tiny")
    assert problems_of(error)[0].startswith("SolutionGroups: no solution of instance 'Tiny'")


def test_a_one_instance_archive_needs_no_choice_and_reads_times_from_time_names() -> None:
    result = read_timetable(ARCHIVE, timezone="UTC", instance="Tiny", today=dt.date(2027, 3, 1))
    roster = result.roster
    assert roster.year == 2026  # March 2027 lies in the school year 2026-27
    assert [(p.id, p.start, p.end) for p in roster.periods] == [("mon-1", "08:00", "08:45")]
    assert teachers_of(result) == {"Solo": ("Solo Teacher", "E1", ["mon-1"], None)}
    assert "--year not given: the roster is for the school year 2026-27" in result.warnings


# --- files that are not timetables ---------------------------------------------------------------


def test_files_that_are_not_timetables(tmp_path: Path) -> None:
    not_xml = tmp_path / "notes.xml"
    not_xml.write_text("hello, not XML", encoding="utf-8")
    other = tmp_path / "other.xml"
    other.write_text("<timetable><day/></timetable>", encoding="utf-8")
    bomb = tmp_path / "bomb.fet"
    bomb.write_text('<!DOCTYPE fet [<!ENTITY a "aaaa">]><fet>&a;</fet>', encoding="utf-8")
    for path, message in (
        (
            not_xml,
            "is not a timetable file (a FET .fet file or an XHSTT archive): not XML at "
            "line 1, column 1",
        ),
        (
            other,
            "is not a timetable file (a FET .fet file or an XHSTT archive): its root element "
            "is <timetable>, not <fet> or <HighSchoolTimetableArchive>",
        ),
        (bomb, "declares XML entities, which pairwise does not read"),
    ):
        with pytest.raises(InputError) as error:
            read_timetable(path, timezone="UTC", year=2026)
        assert problems_of(error) == [f"{path}: {message}"]


def test_the_format_is_told_from_the_content_and_a_wrong_flag_is_named(tmp_path: Path) -> None:
    renamed = tmp_path / "timetable.xml"
    renamed.write_bytes(SAINT_ELOI.read_bytes())
    assert sniff_format(renamed) == "fet"
    assert sniff_format(ARCHIVE) == "xhstt"
    assert sniff_format(BELLS) is None
    with pytest.raises(InputError) as error:
        read_timetable(renamed, format="xhstt", timezone="UTC", year=2026, instance="x")
    assert problems_of(error) == [
        f"--xhstt: {renamed} is a FET file, not an XHSTT archive: use --fet",
        "--instance: only applies to XHSTT archives",
    ]


# --- round trip and the public API ---------------------------------------------------------------


def read_back(roster: Roster, tmp_path: Path) -> Roster:
    path = tmp_path / "school.fet"
    path.write_text(roster_to_fet(roster), encoding="utf-8")
    return pairwise.read_timetable(path, timezone=roster.timezone, year=roster.year).roster


@pytest.mark.parametrize(
    ("teachers", "kind", "seed"), [(12, "elementary", 1), (30, "secondary", 7), (20, "mixed", 3)]
)
def test_roster_to_fet_and_back_keeps_every_teachers_periods(
    teachers: int, kind: str, seed: int, tmp_path: Path
) -> None:
    roster = generate_roster(teachers, kind=kind, seed=seed)
    back = read_back(roster, tmp_path)
    assert [(p.id, p.day, p.start, p.end) for p in back.periods] == [
        (p.id, p.day, p.start, p.end) for p in roster.periods
    ]
    assert {t.id: t.teaches for t in back.teachers} == {t.id: t.teaches for t in roster.teachers}
    assert {t.id: t.name for t in back.teachers} == {t.id: t.name for t in roster.teachers}
    teaching = [t for t in roster.teachers if t.teaches]
    assert teaching
    assert {t.id: t.team or "General" for t in teaching} == {
        t.id: t.team for t in back.teachers if t.teaches
    }


def test_ids_with_spaces_accents_and_punctuation_survive_the_round_trip(tmp_path: Path) -> None:
    roster = load_fixture("oakridge-tiny")
    renamed = {t.id: f"{t.id} Zoë Ó'Brien, Jr. #{n}" for n, t in enumerate(roster.teachers)}
    text = roster.as_json()
    for old, new in renamed.items():
        text = re.sub(rf'"{re.escape(old)}"', f'"{new}"', text)
    odd = roster_from_json(text)
    back = read_back(odd, tmp_path)
    assert {t.id: t.teaches for t in back.teachers} == {t.id: t.teaches for t in odd.teachers}
    assert set(renamed.values()) == {t.id for t in back.teachers}


TEACHER_IDS = st.text(
    st.characters(categories=("L", "N", "P", "Zs"), exclude_characters="/"), min_size=1, max_size=12
).filter(lambda text: text == text.strip() and text != "")


@st.composite
def timetabled_rosters(draw: st.DrawFn) -> Roster:
    """A valid roster on a FET-like grid: some weekdays, the same periods on each, any teaches."""
    days = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True))
    days.sort(key=DAYS.index)
    hours = draw(st.integers(1, 8))
    first = draw(st.integers(7 * 60, 9 * 60))
    length = draw(st.integers(30, 60))
    periods = [
        {
            "id": f"{day}-{n}",
            "day": day,
            "start": f"{(first + (n - 1) * (length + 5)) // 60:02d}:{(first + (n - 1) * (length + 5)) % 60:02d}",
            "end": f"{(first + (n - 1) * (length + 5) + length) // 60:02d}:{(first + (n - 1) * (length + 5) + length) % 60:02d}",
        }
        for day in days
        for n in range(1, hours + 1)
    ]
    ids = draw(st.lists(TEACHER_IDS, min_size=1, max_size=10, unique=True))
    period_ids = [period["id"] for period in periods]
    teachers = [
        {
            "id": teacher_id,
            "name": f"{teacher_id} ({index})",
            "teaches": [p for p in period_ids if draw(st.booleans())],
        }
        for index, teacher_id in enumerate(ids)
    ]
    # a timetable places at least one lesson (a file without any is refused, as tested above)
    if not any(teacher["teaches"] for teacher in teachers):
        teachers[0]["teaches"] = [draw(st.sampled_from(period_ids))]
    return roster_from_data(
        {
            "format": "pairwise/roster@1",
            "name": "Generated",
            "year": 2026,
            "timezone": "UTC",
            "periods": periods,
            "cycles": [{"id": "fall", "weeks": ["2026-10-19"]}],
            "teachers": teachers,
        }
    )


@settings(max_examples=40, deadline=None)
@given(timetabled_rosters())
def test_any_timetable_written_to_fet_reads_back_the_same(roster: Roster) -> None:
    with tempfile.TemporaryDirectory() as folder:
        back = read_back(roster, Path(folder))
    assert [(p.id, p.day, p.start, p.end) for p in back.periods] == [
        (p.id, p.day, p.start, p.end) for p in roster.periods
    ]
    assert [(t.id, t.name, t.teaches) for t in back.teachers] == [
        (t.id, t.name, t.teaches) for t in roster.teachers
    ]

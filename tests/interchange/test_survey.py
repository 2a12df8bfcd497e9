"""The feedback survey: the form (whole staff, per teacher, CSV), reading the answers back with every
problem named by sheet and cell, and hypothesis round trips of the workbook."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairwise.cli.app import main
from pairwise.errors import InputError
from pairwise.interchange.survey.form import survey_csv_files, survey_workbook, write_survey
from pairwise.interchange.survey.read import read_feedback
from pairwise.interchange.workbook.layout import STARTER_TOPICS
from pairwise.roster.load import plan_from_json, roster_from_json
from pairwise.roster.models import Plan, Roster
from pairwise.roster.rollover import PartnerAnswer, TeacherAnswer
from tests.builders import fill_survey
from tests.helpers import fixture_path, load_fixture, load_plan_fixture

ROSTER = "oakridge-tiny"
PLAN = "export_oakridge-tiny-plan"
# partnerships: t01-t02, t03-t05, triad t04-t06-t07; coach t05 visits t07 and t01


def roster_and_plan() -> tuple[Roster, Plan]:
    return load_fixture(ROSTER), load_plan_fixture(PLAN)


def rows(path: Path, sheet: str) -> list[tuple[object, ...]]:
    return list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))


def test_the_workbook_has_drop_downs_notes_and_names_beside_ids(tmp_path: Path) -> None:
    roster, plan = roster_and_plan()
    path = tmp_path / "feedback.xlsx"
    path.write_bytes(survey_workbook(roster, plan))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Partnerships", "Coaching", "Teachers", "Teams", "Topics"]
    partnerships = book["Partnerships"]
    header = [cell.value for cell in partnerships[1]]
    assert header == [
        "teacher",
        "teacher_name",
        "partner",
        "partner_name",
        "cycles",
        "trust",
        "continue",
        "helped",
    ]
    notes = [cell.value for cell in partnerships[2]]
    assert all(isinstance(note, str) and note for note in notes)
    assert str(notes[0]).startswith("#")
    lists = {
        str(rule.sqref): rule.formula1 for rule in partnerships.data_validations.dataValidation
    }
    assert lists == {"F3:F5000": '"1,2,3,4,5"', "G3:G5000": '"yes,no"'}
    teacher_lists = {
        str(rule.sqref): rule.formula1 for rule in book["Teachers"].data_validations.dataValidation
    }
    assert teacher_lists["D3:D5000"] == "Topics!$A$3:$A$5000"
    assert teacher_lists["G3:G5000"] == '"yes,no"'
    data = rows(path, "Partnerships")[2:]
    # a triad gives each of its members two rows
    assert len(data) == 2 + 2 + 6
    assert data[0][:5] == ("t01", "Ana Ruiz", "t02", "Ben Okafor", "fall, spring")
    coaching = rows(path, "Coaching")[2:]
    assert sorted((r[0], r[2], r[4]) for r in coaching) == [("t01", "t05", 1), ("t07", "t05", 1)]
    assert [r[0] for r in rows(path, "Teams")[2:]] == ["grade-1", "grade-2", "grade-3"]


def test_a_teachers_own_form_holds_only_their_rows(tmp_path: Path) -> None:
    roster, plan = roster_and_plan()
    written = write_survey(roster, plan, tmp_path / "forms", per_teacher=True)
    assert sorted(path.name for path in written) == [f"t0{i}.xlsx" for i in range(1, 8)]
    form = tmp_path / "forms" / "t04.xlsx"
    book = openpyxl.load_workbook(form)
    assert book.sheetnames == ["Partnerships", "Coaching", "Teachers", "Topics"]
    partner_rows = rows(form, "Partnerships")[2:]
    assert [(r[0], r[2]) for r in partner_rows] == [("t04", "t06"), ("t04", "t07")]
    assert rows(form, "Coaching")[2:] == []
    assert [r[0] for r in rows(form, "Teachers")[2:]] == ["t04"]
    # nothing about anyone else: no other teacher's id or name outside their partner rows, and no
    # topic that is only a non-partner's priority
    names = {t.id: t.name for t in roster.teachers}
    seen = {
        str(value)
        for sheet in book.sheetnames
        for row in book[sheet].iter_rows(values_only=True)
        for value in row
        if value is not None
    }
    for other in ("t01", "t02", "t03", "t05"):
        assert other not in seen and names[other] not in seen
    topics = {r[0] for r in rows(form, "Topics")[2:]}
    assert "writing-feedback" in topics  # their own priority
    coachee = rows(tmp_path / "forms" / "t07.xlsx", "Coaching")[2:]
    assert [(r[0], r[2]) for r in coachee] == [("t07", "t05")]


def test_csv_sheets_and_per_teacher_csv_folders(tmp_path: Path) -> None:
    roster, plan = roster_and_plan()
    write_survey(roster, plan, tmp_path / "sheets")
    assert sorted(p.name for p in (tmp_path / "sheets").iterdir()) == [
        "Coaching.csv",
        "Partnerships.csv",
        "Teachers.csv",
        "Teams.csv",
        "Topics.csv",
    ]
    table = list(csv.reader(io.StringIO((tmp_path / "sheets" / "Partnerships.csv").read_text())))
    assert table[2][:4] == ["t01", "Ana Ruiz", "t02", "Ben Okafor"]
    # blank answers read back as no answers
    feedback = read_feedback(roster, plan, [tmp_path / "sheets"])
    assert feedback.partners[("t01", "t02")] == PartnerAnswer(None, None, "")
    assert feedback.coaching == {} and feedback.teams == {}


def answer_everything(sheet: str, ids: tuple[str, ...]) -> dict[str, object]:
    if sheet == "Partnerships":
        teacher, partner = ids
        return {"trust": 4 if teacher < partner else 5, "continue": "yes", "helped": "the debriefs"}
    if sheet == "Coaching":
        return {"useful": 3}
    if sheet == "Teachers":
        return {"priority": "numeracy", "tandem": "yes"} if ids[0] == "t01" else {}
    return {"priority": "questioning"} if ids[0] == "grade-1" else {}


def test_filled_answers_read_back(tmp_path: Path) -> None:
    roster, plan = roster_and_plan()
    path = tmp_path / "feedback.xlsx"
    path.write_bytes(survey_workbook(roster, plan))
    fill_survey(path, answer_everything)
    feedback = read_feedback(roster, plan, [path])
    assert feedback.partners[("t01", "t02")] == PartnerAnswer(4, True, "the debriefs")
    assert feedback.partners[("t02", "t01")] == PartnerAnswer(5, True, "the debriefs")
    assert len(feedback.partners) == 10
    assert feedback.coaching == {("t01", "t05"): 3, ("t07", "t05"): 3}
    assert feedback.teachers["t01"] == TeacherAnswer("numeracy", None, None, True)
    assert feedback.teachers["t02"] == TeacherAnswer()
    assert feedback.teams == {"grade-1": "questioning"}


def test_every_problem_is_named_by_sheet_and_cell_at_once(tmp_path: Path) -> None:
    roster, plan = roster_and_plan()
    path = tmp_path / "feedback.xlsx"
    path.write_bytes(survey_workbook(roster, plan))
    book = openpyxl.load_workbook(path)
    sheet = book["Partnerships"]
    sheet["F3"] = 6  # a rating of 6
    sheet["G4"] = "maybe"
    sheet["A5"] = "t99"  # an unknown teacher
    sheet["C6"] = "t01"  # t01 was not t04's partner
    sheet.append(["t01", None, "t02", None, None, 3, "no", None])  # the same row twice
    book["Coaching"]["F3"] = 0
    book["Teams"]["A3"] = "grade-9"
    book.save(path)
    with pytest.raises(InputError) as caught:
        read_feedback(roster, plan, [path])
    assert [str(problem) for problem in caught.value.problems] == [
        "Partnerships!F3: 6 is not a rating from 1 to 5",
        "Partnerships!G4: 'maybe' is not yes or no",
        "Partnerships!A5: unknown teacher 't99'",
        "Partnerships!C6: t01 was not t04's partner this year (partners: t06, t07)",
        "Partnerships!A13: t01 about t02 is answered twice (first at Partnerships!A3)",
        "Coaching!F3: 0 is not a rating from 1 to 5",
        "Teams!A3: unknown team 'grade-9'",
    ]


def test_bad_feedback_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "feedback.xlsx"
    roster, plan = roster_and_plan()
    path.write_bytes(survey_workbook(roster, plan))
    book = openpyxl.load_workbook(path)
    book["Partnerships"]["F3"] = 6
    book.save(path)
    target = tmp_path / "next.json"
    result = CliRunner().invoke(
        main,
        [
            "rollover",
            str(fixture_path(ROSTER)),
            str(fixture_path(PLAN)),
            "--feedback",
            str(path),
            "-o",
            str(target),
        ],
    )
    assert result.exit_code == 2
    assert "Partnerships!F3: 6 is not a rating from 1 to 5" in result.output
    assert "Traceback" not in result.output
    assert not target.exists()


def test_per_teacher_forms_are_read_together_and_a_repeat_across_files_is_named(
    tmp_path: Path,
) -> None:
    roster, plan = roster_and_plan()
    folder = tmp_path / "forms"
    write_survey(roster, plan, folder, per_teacher=True)
    for form in folder.iterdir():
        fill_survey(form, answer_everything)
    feedback = read_feedback(roster, plan, [folder])
    assert len(feedback.partners) == 10
    assert feedback.teachers["t01"].priority == "numeracy"
    (folder / "t01 again.xlsx").write_bytes((folder / "t01.xlsx").read_bytes())
    with pytest.raises(InputError) as caught:
        read_feedback(roster, plan, [folder])
    messages = [str(problem) for problem in caught.value.problems]
    assert messages[0] == (
        "t01.xlsx Partnerships!A3: t01 about t02 is answered twice "
        "(first at t01 again.xlsx Partnerships!A3)"
    )


ratings = st.one_of(st.none(), st.integers(1, 5))
yes_no = st.one_of(st.none(), st.booleans())
texts = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=",#"), max_size=12
).map(str.strip)
topic_lists = st.one_of(st.none(), st.lists(texts.filter(bool), min_size=1, max_size=3))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), as_csv=st.booleans())
def test_answers_survive_the_workbook(tmp_path: Path, data: st.DataObject, as_csv: bool) -> None:
    roster, plan = roster_and_plan()
    partners = {}
    for partnership in plan.partnerships:
        for a in partnership.members:
            for b in partnership.members:
                if a != b:
                    partners[a, b] = PartnerAnswer(
                        data.draw(ratings), data.draw(yes_no), data.draw(texts)
                    )
    teachers = {
        t.id: TeacherAnswer(
            data.draw(st.one_of(st.none(), texts.filter(bool))),
            None if (s := data.draw(topic_lists)) is None else tuple(s),
            None if (c := data.draw(topic_lists)) is None else tuple(c),
            data.draw(yes_no),
        )
        for t in roster.teachers
    }

    def answer(sheet: str, ids: tuple[str, ...]) -> dict[str, object]:
        def cell(value: object) -> object:
            if isinstance(value, bool):
                return "yes" if value else "no"
            if isinstance(value, tuple):
                return ", ".join(value)
            return value if value != "" else None

        if sheet == "Partnerships":
            given_answer = partners[(ids[0], ids[1])]
            return {
                "trust": given_answer.trust,
                "continue": cell(given_answer.continues),
                "helped": cell(given_answer.helped),
            }
        if sheet == "Teachers":
            own = teachers[ids[0]]
            return {
                "priority": own.priority,
                "strengths": cell(own.strengths),
                "coach_topics": cell(own.coach_topics),
                "tandem": cell(own.tandem),
            }
        return {}

    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    path = folder / "feedback.xlsx"
    path.write_bytes(survey_workbook(roster, plan))
    fill_survey(path, answer)
    source: Path = path
    if as_csv:
        # the same answers as CSV files, as a spreadsheet program saves them
        source = folder / "sheets"
        source.mkdir()
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            stream = io.StringIO()
            writer = csv.writer(stream, lineterminator="\n")
            for row in sheet.iter_rows(values_only=True):
                writer.writerow(["" if v is None else v for v in row])
            (source / f"{sheet.title}.csv").write_text(stream.getvalue(), encoding="utf-8")
    feedback = read_feedback(roster, plan, [source])
    assert feedback.partners == partners
    expected_teachers = {
        teacher: TeacherAnswer(
            answer_.priority,
            answer_.strengths,
            answer_.coach_topics,
            answer_.tandem,
        )
        for teacher, answer_ in teachers.items()
    }
    assert feedback.teachers == expected_teachers


def test_csv_texts_match_the_workbook_rows() -> None:
    roster, plan = roster_and_plan()
    files = survey_csv_files(roster, plan)
    table = list(csv.reader(io.StringIO(files["Teachers.csv"])))
    assert table[0] == [
        "teacher",
        "name",
        "priority_now",
        "priority",
        "strengths",
        "coach_topics",
        "tandem",
    ]
    assert table[2][:3] == ["t01", "Ana Ruiz", "formative-assessment"]


@pytest.mark.parametrize(
    ("roster_name", "plan_name"),
    [("oakridge-tiny", PLAN), ("export_district", "export_district-plan")],
)
def test_no_form_shows_ratings_reasons_relations_or_others_priorities(
    tmp_path: Path, roster_name: str, plan_name: str
) -> None:
    roster, plan = load_fixture(roster_name), load_plan_fixture(plan_name)
    write_survey(roster, plan, tmp_path, per_teacher=True)
    ratings = {f"{h.trust}" for h in roster.history if h.trust}
    reasons = {reason for p in plan.partnerships for reason in p.reasons}
    checked = 0
    for teacher in roster.teachers:
        book = openpyxl.load_workbook(tmp_path / f"{teacher.id}.xlsx")
        # the Topics sheet is a drop-down list, checked apart below
        cells = [
            str(value)
            for sheet in book.worksheets
            if sheet.title != "Topics"
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        partners = {
            other for p in plan.partnerships if teacher.id in p.members for other in p.members
        }
        coaches = {v.coach for v in plan.sabbatical_visits if v.coachee == teacher.id}
        allowed = partners | coaches | {teacher.id}
        priorities = {
            t.priority for t in roster.teachers if t.id in allowed and t.priority is not None
        }
        for other in roster.teachers:
            if other.id not in allowed:
                assert other.id not in cells and other.name not in cells
            if other.priority and other.priority not in priorities:
                assert other.priority not in cells, (teacher.id, other.priority)
        assert not ratings & set(cells) and not reasons & set(cells)
        # topics offered: the starter list, the teacher's own and their partners' priorities
        offered = {str(r[0]) for r in book["Topics"].iter_rows(min_row=3, values_only=True)}
        own = {*teacher.strengths, *(teacher.sabbatical.topics if teacher.sabbatical else [])}
        assert offered <= set(STARTER_TOPICS) | priorities | own
        assert not {"avoid", "request", "lock", "evaluator", "score"} & {c.lower() for c in cells}
        checked += 1
    assert checked == len(roster.teachers)


def test_ids_with_slashes_spaces_and_accents_get_their_own_forms(tmp_path: Path) -> None:
    odd = "Math/Añá Ruiz"
    roster = roster_from_json(fixture_path(ROSTER).read_text().replace('"t01"', f'"{odd}"'))
    plan = plan_from_json(fixture_path(PLAN).read_text().replace('"t01"', f'"{odd}"'))
    written = write_survey(roster, plan, tmp_path / "forms", per_teacher=True)
    assert (tmp_path / "forms" / "Math%2FA%C3%B1%C3%A1%20Ruiz.xlsx") in written
    for form in written:
        fill_survey(form, answer_everything)
    feedback = read_feedback(roster, plan, [tmp_path / "forms"])
    assert feedback.partners[(odd, "t02")].trust == 4 and feedback.partners[("t02", odd)].trust == 5

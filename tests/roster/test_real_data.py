"""Real data as it comes: ids with slashes, team display names, rosters built from dicts, and the
project's own wording for every refusal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import pairwise
from pairwise.engine.pipeline import solve
from pairwise.errors import InputError
from pairwise.interchange.export.bundle import export_plan
from pairwise.interchange.workbook.read import import_workbook
from pairwise.interchange.workbook.write import template_workbook
from pairwise.roster.load import roster_from_dict
from pairwise.roster.validate import zone_suggestion
from tests.builders import make_roster, staggered
from tests.helpers import assert_plan_valid, fixture_path

SLASHED = ["Math/Science/ana", "Math/Science/ben", "SEN/Inclusion/cy", "SEN/Inclusion/dee"]


def _slashed_roster() -> pairwise.Roster:
    teachers = staggered(SLASHED, 4)
    for teacher in teachers:
        teacher["team"] = teacher["id"].rsplit("/", 1)[0]
        teacher["school"] = "north/east campus"
    teachers[0]["evaluator"] = "SEN/Inclusion/dee"
    return make_roster(
        teachers,
        teams=[
            {"id": "Math/Science", "name": "Maths & Science", "priority": "inquiry"},
            {"id": "SEN/Inclusion", "name": "SEN / Inclusion", "priority": "literacy"},
        ],
        relations=[{"a": "Math/Science/ana", "b": "Math/Science/ben", "kind": "request"}],
        meetings=1,
    )


def test_ids_with_slashes_are_solved_checked_and_exported(tmp_path: Path) -> None:
    roster = _slashed_roster()
    assert roster.team_name("SEN/Inclusion") == "SEN / Inclusion"
    assert roster.team_name("Math/Science") == "Maths & Science"
    result = solve(roster, time_limit=20, seed=0, workers=1)
    assert result.plan is not None and result.status == "optimal"
    assert_plan_valid(roster, result.plan)
    members = {tuple(sorted(p.members)) for p in result.plan.partnerships}
    assert ("Math/Science/ana", "Math/Science/ben") in members  # the request is honoured
    export_plan(roster, result.plan, tmp_path / "out")
    teachers = tmp_path / "out" / "teachers"
    # one flat file per teacher: an id's '/' never makes a folder
    assert all(path.is_file() for path in teachers.iterdir())
    # a calendar and a printable page each
    assert len(list(teachers.glob("*.ics"))) == len(list(teachers.glob("*.html"))) == len(SLASHED)
    assert not [path for path in (tmp_path / "out").rglob("*") if path.is_dir()][1:]
    # teams are shown by their display names
    assert "SEN / Inclusion" in (tmp_path / "out" / "report.html").read_text()
    calendars = "".join(path.read_text() for path in teachers.iterdir())
    assert "your team Maths & Science with SEN / Inclusion" in calendars


def test_only_a_period_id_must_be_free_of_slashes() -> None:
    with pytest.raises(InputError) as caught:
        make_roster([*staggered(["a", "b"], 4), {"id": "c", "teaches": ["mon/1"]}])
    assert "unknown period 'mon/1'" in str(caught.value)
    data = json.loads(fixture_path("oakridge-tiny").read_text())
    data["periods"][0]["id"] = "mon/1"
    with pytest.raises(InputError) as caught:
        roster_from_dict(data)
    assert "periods[0].id: 'mon/1': a period id cannot contain '/'" in str(caught.value)


def _tiny() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(fixture_path("oakridge-tiny").read_text())
    return data


def test_model_validate_does_not_skip_the_cross_references() -> None:
    data = _tiny()
    data["teachers"][0]["teaches"].append("mon-9")
    with pytest.raises(ValidationError) as caught:
        pairwise.Roster.model_validate(data)
    assert "teachers[0].teaches[4]: unknown period 'mon-9'" in str(caught.value)
    with pytest.raises(InputError) as refused:
        pairwise.roster_from_dict(data)
    assert [str(problem) for problem in refused.value.problems] == [
        "teachers[0].teaches[4]: unknown period 'mon-9'"
    ]


def test_roster_from_dict_is_roster_from_json() -> None:
    data = _tiny()
    assert pairwise.roster_from_dict(data) == pairwise.roster_from_json(json.dumps(data))
    assert pairwise.Roster.model_validate(data) == pairwise.roster_from_dict(data)


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("Central Time", "America/Chicago"),
        ("Eastern Standard Time", "America/New_York"),
        ("PST", "America/Los_Angeles"),
        ("America/Toronot", "America/Toronto"),
        ("europe/london", "Europe/London"),
        ("Mars/Olympus_Mons", None),
    ],
)
def test_time_zones_as_people_write_them(written: str, meant: str | None) -> None:
    assert zone_suggestion(written) == meant


def test_a_different_number_is_not_a_typo() -> None:
    data = _tiny()
    data["teachers"][0]["team"] = "grade-9"
    with pytest.raises(InputError) as caught:
        roster_from_dict(data)
    assert "did you mean" not in str(caught.value)


def test_trailing_comma_is_named_at_the_comma() -> None:
    with pytest.raises(InputError) as caught:
        pairwise.roster_from_json('{"format": "pairwise/roster@1",\n "teams": [1, 2,\n]}')
    assert str(caught.value) == (
        "not valid JSON at line 2, column 16: a trailing comma before ']' "
        "(JSON allows no comma after the last item; delete it)"
    )


def test_slashed_ids_and_team_names_survive_the_workbook(tmp_path: Path) -> None:
    roster = _slashed_roster()
    path = tmp_path / "staff.xlsx"
    path.write_bytes(template_workbook(roster))
    back = import_workbook(path).roster
    assert [(team.id, team.name) for team in back.teams] == [
        ("Math/Science", "Maths & Science"),
        ("SEN/Inclusion", "SEN / Inclusion"),
    ]
    assert [teacher.id for teacher in back.teachers] == SLASHED
    assert back.teacher_by_id[SLASHED[0]].evaluator == "SEN/Inclusion/dee"

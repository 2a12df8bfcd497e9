"""OneRoster 1.1 and 1.2 bulk CSV exports read into rosters.

The exports are written here from the published column lists of the OneRoster CSV bindings
(1.1: role in users.csv; 1.2: users.csv without roles, and roles.csv), not from committed files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pairwise.cli.app import main
from pairwise.errors import InputError
from pairwise.interchange.oneroster.importer import middle_weeks, read_oneroster
from pairwise.interchange.workbook.read import import_workbook
from pairwise.interchange.workbook.write import template_workbook
from pairwise.roster.load import load_roster

COLUMNS_11 = {
    "orgs.csv": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
    "users.csv": "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,"
    "userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
    "password",
    "classes.csv": "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,"
    "classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods",
    "courses.csv": "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,"
    "orgSourcedId,subjects,subjectCodes",
    "enrollments.csv": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,"
    "userSourcedId,role,primary,beginDate,endDate",
    "academicSessions.csv": "sourcedId,status,dateLastModified,title,type,startDate,endDate,"
    "parentSourcedId,schoolYear",
}
COLUMNS_12 = COLUMNS_11 | {
    "users.csv": "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,"
    "familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,"
    "userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,"
    "preferredFamilyName,primaryOrgSourcedId,pronouns",
    "roles.csv": "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,"
    "orgSourcedId,userProfileSourcedId",
}
MANIFEST_FILES = (
    "academicSessions",
    "categories",
    "classes",
    "classResources",
    "courses",
    "courseResources",
    "demographics",
    "enrollments",
    "lineItems",
    "orgs",
    "resources",
    "results",
    "users",
)

ORGS = [
    {"sourcedId": "d1", "name": "Maple District", "type": "district"},
    {"sourcedId": "s1", "name": "Oakridge Elementary", "type": "school", "parentSourcedId": "d1"},
    {"sourcedId": "s2", "name": "Cedar High", "type": "school", "parentSourcedId": "d1"},
]
# (sourcedId, given, family, role, org, enabled, status)
PEOPLE = [
    ("u1", "Ana", "Ruiz", "teacher", "s1", "true", ""),
    ("u2", "Ben", "Okafor", "teacher", "s1", "true", "active"),
    ("u3", "Chloe", "Martin", "teacher", "s2", "true", ""),
    ("u4", "Dev", "Patel", "teacher", "s2", "false", ""),
    ("u5", "Eva", "Lind", "teacher", "s1", "true", "tobedeleted"),
    ("u6", "Sam", "Student", "student", "s1", "true", ""),
    ("u7", "Farid", "Haddad", "teacher", "s2", "true", ""),
    ("u8", "Grace", "Kim", "teacher", "s1", "true", ""),
]
CLASSES = [
    {
        "sourcedId": "c1",
        "title": "3A Math",
        "grades": "03",
        "subjects": "Math",
        "periods": "1,2",
        "location": "Room 12",
        "schoolSourcedId": "s1",
        "classType": "scheduled",
    },
    {
        "sourcedId": "c2",
        "title": "3A ELA",
        "grades": "03",
        "subjects": "ELA",
        "periods": "3",
        "location": "Room 12",
        "schoolSourcedId": "s1",
        "classType": "scheduled",
    },
    {
        "sourcedId": "c3",
        "title": "4B",
        "grades": "04",
        "periods": "1",
        "schoolSourcedId": "s1",
        "classType": "homeroom",
    },
    {
        "sourcedId": "c4",
        "title": "Math 9",
        "courseSourcedId": "k1",
        "periods": "2",
        "location": "B-204",
        "schoolSourcedId": "s2",
        "classType": "scheduled",
    },
    {
        "sourcedId": "c5",
        "title": "Math 10",
        "courseSourcedId": "k2",
        "periods": "3",
        "location": "B-204",
        "schoolSourcedId": "s2",
        "classType": "scheduled",
    },
    {
        "sourcedId": "c6",
        "title": "Old",
        "grades": "03",
        "periods": "1",
        "schoolSourcedId": "s1",
        "status": "tobedeleted",
    },
]
COURSES = [
    {
        "sourcedId": "k1",
        "title": "Math 9",
        "grades": "09",
        "subjects": "Mathematics",
        "orgSourcedId": "s2",
    },
    {
        "sourcedId": "k2",
        "title": "Math 10",
        "grades": "10",
        "subjects": "Mathematics",
        "orgSourcedId": "s2",
    },
]
ENROLLMENTS = [
    ("e1", "c1", "u1", "teacher", ""),
    ("e2", "c2", "u1", "teacher", ""),
    ("e3", "c3", "u2", "teacher", ""),
    ("e4", "c4", "u3", "teacher", ""),
    ("e5", "c5", "u3", "teacher", ""),
    ("e6", "c1", "u6", "student", ""),
    ("e7", "c6", "u8", "teacher", ""),
    ("e8", "c1", "u2", "teacher", "tobedeleted"),
]
SESSIONS = [
    {
        "sourcedId": "y",
        "title": "2026-27",
        "type": "schoolYear",
        "startDate": "2026-08-31",
        "endDate": "2027-06-25",
        "schoolYear": "2027",
    },
    {
        "sourcedId": "t1",
        "title": "Fall Term",
        "type": "term",
        "startDate": "2026-09-01",
        "endDate": "2026-12-18",
        "parentSourcedId": "y",
        "schoolYear": "2027",
    },
    {
        "sourcedId": "t2",
        "title": "Spring Term",
        "type": "term",
        "startDate": "2027-01-04",
        "endDate": "2027-06-25",
        "parentSourcedId": "y",
        "schoolYear": "2027",
    },
    {
        "sourcedId": "q1",
        "title": "Q1",
        "type": "gradingPeriod",
        "startDate": "2026-09-01",
        "endDate": "2026-10-30",
        "parentSourcedId": "t1",
        "schoolYear": "2027",
    },
]
BELLS = "period,day,start,end\n1,,08:30,09:20\n2,,09:30,10:20\n3,mon,10:40,11:30\n3,Wednesday,10:40,11:30\n"


def csv_text(columns: str, rows: list[dict[str, str]]) -> str:
    names = columns.split(",")
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        unknown = set(row) - set(names)
        assert not unknown, f"not a published column: {unknown}"
        writer.writerow([row.get(name, "") for name in names])
    return stream.getvalue()


def export_files(version: str, **changes: Any) -> dict[str, str]:
    """The text of each file of a small two-school export in OneRoster `version`."""
    columns = COLUMNS_11 if version == "1.1" else COLUMNS_12
    manifest = [("manifest.version", "1.0"), ("oneroster.version", version)]
    listed = [*MANIFEST_FILES, "roles"] if version == "1.2" else list(MANIFEST_FILES)
    present = {"academicSessions", "classes", "courses", "enrollments", "orgs", "users", "roles"}
    manifest += [(f"file.{name}", "bulk" if name in present else "absent") for name in listed]
    manifest += [("source.systemName", "Test SIS"), ("source.systemCode", "test")]
    users, roles = [], []
    for sourced_id, given, family, role, org, enabled, status in PEOPLE:
        user = {
            "sourcedId": sourced_id,
            "status": status,
            "enabledUser": enabled,
            "username": f"{given.lower()}@example.test",
            "givenName": given,
            "familyName": family,
        }
        if version == "1.1":
            user |= {"orgSourcedIds": org, "role": role}
        else:
            if sourced_id == "u3":
                user["preferredGivenName"] = "Chlo"
            roles.append(
                {
                    "sourcedId": f"r-{sourced_id}",
                    "userSourcedId": sourced_id,
                    "roleType": "primary",
                    "role": role,
                    "orgSourcedId": org,
                }
            )
        users.append(user)
    files = {
        "manifest.csv": csv_text(
            "propertyName,value", [{"propertyName": k, "value": v} for k, v in manifest]
        ),
        "orgs.csv": csv_text(columns["orgs.csv"], ORGS),
        "users.csv": csv_text(columns["users.csv"], users),
        "classes.csv": csv_text(columns["classes.csv"], changes.get("classes", CLASSES)),
        "courses.csv": csv_text(columns["courses.csv"], COURSES),
        "enrollments.csv": csv_text(
            columns["enrollments.csv"],
            [
                {
                    "sourcedId": e,
                    "classSourcedId": c,
                    "userSourcedId": u,
                    "role": r,
                    "status": s,
                    "primary": "true" if r == "teacher" else "",
                }
                for e, c, u, r, s in ENROLLMENTS
            ],
        ),
        "academicSessions.csv": csv_text(
            columns["academicSessions.csv"], changes.get("sessions", SESSIONS)
        ),
    }
    if version == "1.2":
        files["roles.csv"] = csv_text(columns["roles.csv"], roles)
    return files


def write_export(folder: Path, version: str, **changes: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in export_files(version, **changes).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def bells(tmp_path: Path, text: str = BELLS) -> Path:
    path = tmp_path / "bells.csv"
    path.write_text(text)
    return path


def read(tmp_path: Path, version: str, **options: Any) -> Any:
    export = write_export(tmp_path / f"export-{version}", version)
    arguments = {"bell_schedule": bells(tmp_path), "timezone": "America/Toronto"} | options
    return read_oneroster(export, **arguments)


def problems(call: Any) -> list[str]:
    with pytest.raises(InputError) as caught:
        call()
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_teachers_schools_teams_periods_and_cycles(tmp_path: Path, version: str) -> None:
    result = read(tmp_path, version)
    roster = result.roster
    # disabled (u4), to-be-deleted (u5) and students (u6) are left out; users.csv order is kept
    assert [teacher.id for teacher in roster.teachers] == ["u1", "u2", "u3", "u7", "u8"]
    ana, ben, chloe, farid, grace = roster.teachers
    assert ana.name == "Ana Ruiz"
    assert chloe.name == ("Chloe Martin" if version == "1.1" else "Chlo Martin")
    assert (ana.school, chloe.school, farid.school) == (
        "oakridge-elementary",
        "cedar-high",
        "cedar-high",
    )
    # one grade, several subjects: a grade team; no subject: grade; one subject over grades: subject
    assert ana.team == "oakridge-elementary-grade-3"
    assert ben.team == "oakridge-elementary-grade-4"
    assert chloe.team == "cedar-high-mathematics"
    assert farid.team is None and grace.team is None  # no (active) classes
    assert [(t.id, t.grade, t.school) for t in roster.teams] == [
        ("cedar-high-mathematics", None, "cedar-high"),
        ("oakridge-elementary-grade-3", 3, "oakridge-elementary"),
        ("oakridge-elementary-grade-4", 4, "oakridge-elementary"),
    ]
    assert [p.id for p in roster.periods][:6] == [
        "mon-1",
        "mon-2",
        "mon-3",
        "tue-1",
        "tue-2",
        "wed-1",
    ]
    assert roster.period_by_id["wed-3"].start == "10:40"
    # periods 1 and 2 ring every weekday, period 3 on Monday and Wednesday
    assert ana.teaches == [
        "mon-1",
        "mon-2",
        "mon-3",
        "tue-1",
        "tue-2",
        "wed-1",
        "wed-2",
        "wed-3",
        "thu-1",
        "thu-2",
        "fri-1",
        "fri-2",
    ]
    assert ben.teaches == [
        "mon-1",
        "tue-1",
        "wed-1",
        "thu-1",
        "fri-1",
    ]  # the deleted enrolment is not his
    assert ana.room == "Room 12" and chloe.room == "B-204"
    assert roster.year == 2026
    assert roster.name == "Maple District 2026-27"
    assert roster.timezone == "America/Toronto"
    # one cycle per term (not per grading period), two weeks in the middle of each
    assert [(c.id, c.weeks) for c in roster.cycles] == [
        ("fall-term", ["2026-10-19", "2026-10-26"]),
        ("spring-term", ["2027-03-22", "2027-03-29"]),
    ]
    warnings = "\n".join(result.warnings)
    assert "left out 2 teachers who are disabled" in warnings
    assert "2 teachers without classes (u7, u8)" in warnings
    assert "cycles: one per term" in warnings
    assert "OneRoster carries no priorities, strengths" in warnings


def test_a_zip_reads_like_its_folder(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as writer:
        for name, text in export_files("1.2").items():
            writer.writestr(f"oneroster/{name}", text)
    from_zip = read_oneroster(archive, bell_schedule=bells(tmp_path), timezone="UTC")
    from_folder = read_oneroster(
        write_export(tmp_path / "folder", "1.2"), bell_schedule=bells(tmp_path), timezone="UTC"
    )
    assert from_zip.roster.model_dump() == from_folder.roster.model_dump()


def test_teams_by_grade_or_by_subject(tmp_path: Path) -> None:
    by_grade = read(tmp_path, "1.1", teams="grade").roster
    assert by_grade.teacher_by_id["u3"].team == "cedar-high-grade-9"  # 09 and 10 tie: the first
    by_subject = read(tmp_path, "1.2", teams="subject").roster
    assert by_subject.teacher_by_id["u1"].team == "oakridge-elementary-ela"
    assert by_subject.teacher_by_id["u2"].team == "oakridge-elementary-grade-4"  # no subject


def test_the_import_goes_through_a_workbook_unchanged(tmp_path: Path) -> None:
    roster = read(tmp_path, "1.2").roster
    workbook = tmp_path / "staff.xlsx"
    workbook.write_bytes(template_workbook(roster))
    assert import_workbook(workbook).roster.model_dump() == roster.model_dump()


def test_missing_options_and_unknown_periods_are_all_reported(tmp_path: Path) -> None:
    classes = [dict(row) for row in CLASSES]
    classes[4]["periods"] = "3,7"
    export = write_export(tmp_path / "export", "1.1", classes=classes)
    assert problems(lambda: read_oneroster(export, bell_schedule=None, timezone=None)) == [
        "--timezone: is required: OneRoster exports carry no time zone",
        "--bell-schedule: is required: OneRoster has period numbers but no times; give a CSV "
        "with columns period,day,start,end",
    ]
    found = problems(
        lambda: read_oneroster(export, bell_schedule=bells(tmp_path), timezone="Nowhere/Land")
    )
    assert found == [
        "--timezone: unknown IANA time zone 'Nowhere/Land'",
        "classes.csv!N6: period '7' of class 'c5' is not in the bell schedule",
    ]


def test_bell_schedule_problems_are_named_by_cell(tmp_path: Path) -> None:
    schedule = bells(
        tmp_path,
        "period,day,start,end\n1,mon,8h30,09:20\n2,Funday,09:30,10:20\n1,mon,08:30,09:20\n,,,\n3,,10:40,\n",
    )
    export = write_export(tmp_path / "export", "1.1")
    assert problems(lambda: read_oneroster(export, bell_schedule=schedule, timezone="UTC")) == [
        "bells.csv!C2: '8h30' is not a time of day as HH:MM",
        "bells.csv!B3: 'Funday' is not a day (mon, tue, wed, thu, fri, sat or sun)",
        "bells.csv!D6: the end is required",
    ]


def test_versions_and_delta_exports(tmp_path: Path) -> None:
    export = write_export(tmp_path / "export", "1.2")
    manifest = (export / "manifest.csv").read_text()
    (export / "manifest.csv").write_text(manifest.replace("file.users,bulk", "file.users,delta"))
    found = problems(lambda: read_oneroster(export, bell_schedule=bells(tmp_path), timezone="UTC"))
    assert found == [
        "manifest.csv!B16: file.users is a delta (changes only); pairwise reads a bulk export"
    ]
    (export / "manifest.csv").write_text(
        manifest.replace("oneroster.version,1.2", "oneroster.version,2.0")
    )
    found = problems(lambda: read_oneroster(export, bell_schedule=bells(tmp_path), timezone="UTC"))
    assert found == ["manifest.csv: oneroster.version '2.0' is not supported (1.1 and 1.2 are)"]
    # without a manifest the version is told by roles.csv, with a warning
    (export / "manifest.csv").unlink()
    result = read_oneroster(export, bell_schedule=bells(tmp_path), timezone="UTC")
    assert "read as OneRoster 1.2" in result.warnings[0]


def test_missing_files_and_columns(tmp_path: Path) -> None:
    export = write_export(tmp_path / "export", "1.2")
    (export / "roles.csv").unlink()
    users = (export / "users.csv").read_text().replace("givenName", "firstName")
    (export / "users.csv").write_text(users)
    found = problems(lambda: read_oneroster(export, bell_schedule=bells(tmp_path), timezone="UTC"))
    assert found == [
        "users.csv!1: missing required column 'givenName'",
        "roles.csv: is missing from the export",
    ]


def test_several_school_years_need_a_choice(tmp_path: Path) -> None:
    sessions = [
        *SESSIONS,
        {
            "sourcedId": "n1",
            "title": "Next Fall",
            "type": "term",
            "startDate": "2027-09-01",
            "endDate": "2027-12-17",
            "schoolYear": "2028",
        },
    ]
    export = write_export(tmp_path / "export", "1.1", sessions=sessions)
    found = problems(lambda: read_oneroster(export, bell_schedule=bells(tmp_path), timezone="UTC"))
    assert found == [
        "--year: academicSessions.csv holds several school years (2026, 2027): choose one with --year"
    ]
    next_year = read_oneroster(export, bell_schedule=bells(tmp_path), timezone="UTC", year=2027)
    assert next_year.roster.year == 2027
    assert [(c.id, c.weeks) for c in next_year.roster.cycles] == [
        ("next-fall", ["2027-10-18", "2027-10-25"])
    ]
    assert next_year.roster.name == "Maple District 2027-28"


def test_middle_weeks() -> None:
    assert middle_weeks(dt.date(2026, 9, 1), dt.date(2026, 12, 18)) == ["2026-10-19", "2026-10-26"]
    assert middle_weeks(dt.date(2026, 9, 2), dt.date(2026, 9, 4)) == ["2026-08-31"]
    assert middle_weeks(dt.date(2026, 9, 7), dt.date(2026, 9, 18)) == ["2026-09-07", "2026-09-14"]


def test_import_command_reads_a_oneroster_export(tmp_path: Path) -> None:
    export = write_export(tmp_path / "export", "1.1")
    output = tmp_path / "roster.json"
    result = CliRunner().invoke(
        main,
        [
            "import",
            str(export),
            "--oneroster",
            "--bell-schedule",
            str(bells(tmp_path)),
            "--timezone",
            "America/Toronto",
            "-o",
            str(output),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "warning: OneRoster carries no priorities" in result.stderr
    assert "5 teachers, 2 schools, 3 teams" in result.stderr
    assert len(load_roster(output).teachers) == 5
    result = CliRunner().invoke(main, ["import", str(export), "--oneroster", "-o", str(output)])
    assert result.exit_code == 2
    assert "--timezone: is required" in result.stderr
    assert "--bell-schedule: is required" in result.stderr

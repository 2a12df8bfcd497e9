"""Reading a OneRoster 1.1 or 1.2 bulk CSV export (a zip or a folder) into a roster.

What OneRoster gives: teachers (1.1: `users.csv` role; 1.2: `roles.csv`), their school (`orgs.csv`),
their classes (`enrollments.csv`, `classes.csv`, `courses.csv`) with grades, subjects, rooms and
period numbers, and the school year's terms (`academicSessions.csv`). What it lacks and pairwise
needs is either given on the command line (bell times: `--bell-schedule`, the time zone) or made
as a documented default (cycles: two weeks in the middle of each term) and reported in the
warnings (priorities, strengths, experience, evaluators, history, relations, meetings, roadmaps,
tandem, guides), for the admin to fill in through the workbook (its Roadmaps and Guides sheets).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pairwise.errors import InputError, Problem
from pairwise.interchange.bells import Bell, check_timezone, read_bell_schedule
from pairwise.interchange.csv_tables import (
    Row,
    Table,
    read_table,
    slug,
    split_list,
)
from pairwise.interchange.oneroster.files import export_files
from pairwise.interchange.workbook.cells import CellError, convert
from pairwise.interchange.workbook.layout import ImportResult
from pairwise.roster.load import roster_from_data
from pairwise.roster.models import ROSTER_FORMAT

TeamRule = Literal["auto", "grade", "subject"]
SESSION_PREFERENCE = ("term", "semester", "gradingperiod", "schoolyear")
CYCLE_WEEKS = 2


@dataclass
class _Org:
    name: str
    kind: str


@dataclass
class _Class:
    row: Row
    grades: list[str]
    subjects: list[str]
    periods: list[str]
    location: str


@dataclass
class _Teacher:
    row: Row
    id: str
    name: str
    org_ids: list[tuple[str, str]]  # (org id, where it was read)
    classes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Session:
    """One active academic session and its dates."""

    school_year: str
    row: Row
    start: dt.date
    end: dt.date

    @property
    def kind(self) -> str:
        return self.row.get("type").lower()


@dataclass(frozen=True)
class _SchoolYear:
    """What the sessions give the roster: its year, one cycle per term, the school year's title."""

    year: int | None
    cycles: list[dict[str, Any]] = field(default_factory=list)
    title: str = ""


@dataclass
class _Staff:
    """The roster's teachers and teams as data, and the teachers without classes."""

    teachers: list[dict[str, Any]] = field(default_factory=list)
    teams: dict[str, dict[str, Any]] = field(default_factory=dict)
    without_classes: list[str] = field(default_factory=list)


def _grade_team(code: str) -> tuple[str, int | None]:
    """A CEDS grade code as a team id and grade number ('03' -> grade-3, 3; 'KG' -> grade-k, 0)."""
    if code.isdigit():
        return f"grade-{int(code)}", int(code)
    if code.upper() == "KG":
        return "grade-k", 0
    return f"grade-{slug(code) or code}", None


class _Import:
    """One OneRoster import: its files, what it found, its problems and warnings."""

    def __init__(self, files: dict[str, tuple[str, str]]) -> None:
        self.files = files  # lower-case file name -> (name as given, text)
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.tables: dict[str, Table] = {}
        self.bells_complete = False

    def table(self, name: str, required: tuple[str, ...], optional: bool = False) -> Table | None:
        entry = self.files.get(name.lower())
        if entry is None:
            if not optional:
                self.problems.append(Problem(name, "is missing from the export"))
            return None
        given, text = entry
        table = read_table(given, text, required, self.problems)
        if table is None:
            return None
        self.tables[name] = table
        return table

    # -- version --

    def version(self) -> str:
        manifest = self.table("manifest.csv", ("propertyName", "value"), optional=True)
        if manifest is None:
            guess = "1.2" if "roles.csv" in self.files else "1.1"
            if "manifest.csv" not in self.files:
                self.warnings.append(
                    f"the export has no manifest.csv: read as OneRoster {guess} "
                    f"({'roles.csv is there' if guess == '1.2' else 'no roles.csv'})"
                )
            return guess
        version = ""
        for row in manifest.rows:
            key, value = row.get("propertyName"), row.get("value")
            if key == "oneroster.version":
                version = value
            elif key.startswith("file.") and value.lower() == "delta":
                self.problems.append(
                    Problem(
                        row.ref("value"),
                        f"{key} is a delta (changes only); pairwise reads a bulk export",
                    )
                )
        if version.startswith("1.1") or version == "1.0":
            return "1.1"
        if version.startswith("1.2"):
            return "1.2"
        self.problems.append(
            Problem(
                manifest.name,
                f"oneroster.version '{version}' is not supported (1.1 and 1.2 are)"
                if version
                else "no oneroster.version row",
            )
        )
        return "1.2" if "roles.csv" in self.files else "1.1"

    # -- orgs and teachers --

    def orgs(self) -> dict[str, _Org]:
        table = self.table("orgs.csv", ("sourcedId", "name"))
        return {
            row.get("sourcedId"): _Org(row.get("name"), row.get("type").lower())
            for row in (table.rows if table else [])
        }

    def teachers(self, version: str) -> list[_Teacher]:
        required: tuple[str, ...] = ("sourcedId", "givenName", "familyName")
        if version == "1.1":
            required += ("role", "orgSourcedIds")
        users = self.table("users.csv", required)
        org_ids: dict[str, list[tuple[str, str]]] = {}
        if version == "1.2":
            roles = self.table("roles.csv", ("userSourcedId", "role", "orgSourcedId"))
            primary_first = sorted(
                (row for row in (roles.rows if roles else []) if row.active),
                key=lambda row: row.get("roleType").lower() != "primary",
            )
            for row in primary_first:
                if row.get("role").lower() == "teacher":
                    org_ids.setdefault(row.get("userSourcedId"), []).append(
                        (row.get("orgSourcedId"), row.ref("orgSourcedId"))
                    )
        if users is None:
            return []
        teachers = []
        skipped = 0
        seen: dict[str, str] = {}
        for row in users.rows:
            if version == "1.1":
                if row.get("role").lower() != "teacher":
                    continue
                orgs = [
                    (org, row.ref("orgSourcedIds")) for org in split_list(row.get("orgSourcedIds"))
                ]
            else:
                if row.get("sourcedId") not in org_ids:
                    continue
                orgs = list(org_ids[row.get("sourcedId")])
                if row.get("primaryOrgSourcedId"):
                    orgs.insert(0, (row.get("primaryOrgSourcedId"), row.ref("primaryOrgSourcedId")))
            if not row.active or row.get("enabledUser").lower() == "false":
                skipped += 1
                continue
            source_id = row.get("sourcedId")
            if not source_id:
                self.problems.append(Problem(row.ref("sourcedId"), "the sourcedId is empty"))
                continue
            teacher_id = source_id.replace("/", "-")
            if teacher_id in seen:
                self.problems.append(
                    Problem(
                        row.ref("sourcedId"),
                        f"duplicate teacher sourcedId '{source_id}' (first at {seen[teacher_id]})",
                    )
                )
                continue
            seen[teacher_id] = row.ref("sourcedId")
            if teacher_id != source_id:
                self.warnings.append(
                    f"teacher '{source_id}' is '{teacher_id}' ('/' is not allowed)"
                )
            given = row.get("preferredGivenName") or row.get("givenName")
            family = row.get("preferredFamilyName") or row.get("familyName")
            name = " ".join(part for part in (given, family) if part)
            name = name or row.get("username") or source_id
            teachers.append(_Teacher(row, teacher_id, name, orgs))
        if skipped:
            self.warnings.append(
                f"left out {skipped} teacher{'s' if skipped != 1 else ''} who are disabled "
                "(enabledUser false) or to be deleted"
            )
        return teachers

    def schools(self, teachers: list[_Teacher], orgs: dict[str, _Org]) -> dict[str, str]:
        """Each teacher's school label (a slug of the school's name), by teacher id."""
        labels: dict[str, str] = {}
        used: dict[str, str] = {}
        school_of: dict[str, str] = {}
        for teacher in teachers:
            known = []
            for org_id, where in teacher.org_ids:
                if org_id not in orgs:
                    self.problems.append(
                        Problem(where, f"unknown org '{org_id}' (not in orgs.csv)")
                    )
                else:
                    known.append(org_id)
            if not known:
                continue
            schools = [org_id for org_id in known if orgs[org_id].kind == "school"]
            org_id = (schools or known)[0]
            if org_id not in labels:
                label = slug(orgs[org_id].name) or slug(org_id) or org_id
                if label in used and used[label] != org_id:
                    label = f"{label}-{slug(org_id) or org_id}"
                labels[org_id] = label
                used[label] = org_id
            school_of[teacher.id] = labels[org_id]
        return school_of

    # -- classes --

    def classes(self) -> tuple[dict[str, _Class], set[str]]:
        """Active classes by sourcedId, and the ids of inactive ones."""
        table = self.table("classes.csv", ("sourcedId",))
        courses = self.table("courses.csv", ("sourcedId",), optional=True)
        course_info = {
            row.get("sourcedId"): row for row in (courses.rows if courses else []) if row.active
        }
        if table is not None and "periods" not in table.columns:
            self.warnings.append("classes.csv has no periods column: nobody teaches any period")
        found: dict[str, _Class] = {}
        inactive: set[str] = set()
        for row in table.rows if table else []:
            if not row.active:
                inactive.add(row.get("sourcedId"))
                continue
            course = course_info.get(row.get("courseSourcedId"))
            grades = split_list(row.get("grades")) or (
                split_list(course.get("grades")) if course else []
            )
            subjects = split_list(row.get("subjects")) or (
                split_list(course.get("subjects")) if course else []
            )
            found[row.get("sourcedId")] = _Class(
                row, grades, subjects, split_list(row.get("periods")), row.get("location")
            )
        return found, inactive

    def enrol(
        self, teachers: list[_Teacher], classes: dict[str, _Class], inactive: set[str]
    ) -> None:
        table = self.table("enrollments.csv", ("classSourcedId", "userSourcedId", "role"))
        by_id = {teacher.row.get("sourcedId"): teacher for teacher in teachers}
        for row in table.rows if table else []:
            teacher = by_id.get(row.get("userSourcedId"))
            if teacher is None or not row.active or row.get("role").lower() != "teacher":
                continue
            class_id = row.get("classSourcedId")
            if class_id in inactive:
                continue
            if class_id not in classes:
                self.problems.append(
                    Problem(
                        row.ref("classSourcedId"),
                        f"unknown class '{class_id}' (not in classes.csv)",
                    )
                )
            elif class_id not in teacher.classes:
                teacher.classes.append(class_id)

    # -- bell schedule, periods, teams --

    def bells(self, path: Path) -> list[Bell]:
        before = len(self.problems)
        bells = read_bell_schedule(path, self.problems)
        # classes are checked against the bell schedule only once it reads cleanly
        self.bells_complete = len(self.problems) == before
        return bells

    def teaches(
        self, teacher: _Teacher, classes: dict[str, _Class], bells: list[Bell], reported: set[str]
    ) -> list[str]:
        """The periods a teacher teaches: their classes' period numbers on every bell day."""
        by_period: dict[str, list[str]] = {}
        for bell in bells:
            by_period.setdefault(bell.period.lower(), []).append(bell.id)
        ids: set[str] = set()
        for class_id in teacher.classes:
            info = classes[class_id]
            for period in info.periods:
                found = by_period.get(period.lower())
                if found:
                    ids.update(found)
                elif self.bells_complete and class_id not in reported:
                    reported.add(class_id)
                    self.problems.append(
                        Problem(
                            info.row.ref("periods"),
                            f"period '{period}' of class '{class_id}' is not in the bell schedule",
                        )
                    )
        return [bell.id for bell in bells if bell.id in ids]

    @staticmethod
    def team_of(
        teacher: _Teacher, classes: dict[str, _Class], rule: TeamRule
    ) -> tuple[str, int | None] | None:
        """A teacher's team from their classes: one grade (homeroom) or their main subject."""
        grades = Counter(
            grade for class_id in teacher.classes for grade in classes[class_id].grades
        )
        subjects = Counter(
            subject for class_id in teacher.classes for subject in classes[class_id].subjects
        )

        def most(counter: Counter[str]) -> str:
            return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[0][0]

        use_grade = {
            "grade": bool(grades),
            "subject": not subjects and bool(grades),
            # one grade and several subjects (or none): an elementary grade team
            "auto": bool(grades) and (not subjects or (len(grades) == 1 and len(subjects) > 1)),
        }[rule]
        if use_grade:
            return _grade_team(most(grades))
        if subjects:
            subject = most(subjects)
            return slug(subject) or subject, None
        return None

    # -- cycles --

    def cycles(self, year: int | None) -> _SchoolYear:
        """The roster's year, one cycle per term, and the school year's title."""
        table = self.table(
            "academicSessions.csv", ("sourcedId", "title", "type", "startDate", "endDate")
        )
        sessions = self._sessions(table)
        if not sessions:
            if table is not None:
                self.problems.append(
                    Problem(
                        table.name, "no active sessions: pairwise needs the terms to place cycles"
                    )
                )
            return _SchoolYear(year)
        groups: dict[str, list[_Session]] = {}
        for session in sessions:
            groups.setdefault(session.school_year, []).append(session)
        chosen = self._chosen_years(groups, year)
        if chosen is None:
            return _SchoolYear(year)
        group = [session for key in chosen for session in groups[key]]
        title = next((s.row.get("title") for s in group if s.kind == "schoolyear"), "")
        terms = _terms(group)
        cycles = _term_cycles(terms)
        if cycles:
            described = "; ".join(f"{c['id']}: weeks of {', '.join(c['weeks'])}" for c in cycles)
            self.warnings.append(
                f"cycles: one per {terms[0].row.get('type') or 'term'}, {CYCLE_WEEKS} weeks in "
                f"its middle ({described}); change them in the workbook's Cycles sheet"
            )
        return _SchoolYear(min(session.start for session in group).year, cycles, title)

    def _sessions(self, table: Table | None) -> list[_Session]:
        """The active sessions whose dates read and are in order."""
        sessions = []
        for row in table.rows if table else []:
            if not row.active:
                continue
            dates = []
            for column in ("startDate", "endDate"):
                try:
                    dates.append(dt.date.fromisoformat(convert("date", row.get(column)[:10])))
                except (CellError, ValueError) as error:
                    self.problems.append(Problem(row.ref(column), str(error)))
            if len(dates) == 2:
                if dates[1] < dates[0]:
                    self.problems.append(Problem(row.ref("endDate"), "ends before it starts"))
                    continue
                school_year = row.get("schoolYear") or str(dates[0].year)
                sessions.append(_Session(school_year, row, dates[0], dates[1]))
        return sessions

    def _chosen_years(
        self, groups: dict[str, list[_Session]], year: int | None
    ) -> list[str] | None:
        """The school years to read: the one starting in `year`, or the only one there is (None,
        with the problem reported, when there is no such year or several and no `year`)."""
        start_year = {key: min(s.start for s in group).year for key, group in groups.items()}
        years = ", ".join(str(value) for value in sorted(set(start_year.values())))
        if year is not None:
            chosen = [key for key, first in start_year.items() if first == year]
            if not chosen:
                self.problems.append(
                    Problem(
                        "--year",
                        f"no school year starts in {year} in academicSessions.csv (found {years})",
                    )
                )
                return None
            return chosen
        if len(set(start_year.values())) > 1:
            self.problems.append(
                Problem(
                    "--year",
                    f"academicSessions.csv holds several school years ({years}): choose one with --year",
                )
            )
            return None
        return list(groups)


def _terms(group: list[_Session]) -> list[_Session]:
    """The sessions of the most preferred kind (terms, else semesters, ...) in date order."""
    for kind in SESSION_PREFERENCE:
        terms = [session for session in group if session.kind == kind]
        if terms:
            break
    return sorted(terms, key=lambda session: session.start)


def _term_cycles(terms: list[_Session]) -> list[dict[str, Any]]:
    """One cycle per term: its middle weeks (none used twice), an id from its title."""
    cycles: list[dict[str, Any]] = []
    used_weeks: set[str] = set()
    used_ids: set[str] = set()
    for term in terms:
        weeks = [week for week in middle_weeks(term.start, term.end) if week not in used_weeks]
        if not weeks:
            continue
        used_weeks.update(weeks)
        row = term.row
        cycle_id = (
            slug(row.get("title")) or slug(row.get("sourcedId")) or f"cycle-{len(cycles) + 1}"
        )
        while cycle_id in used_ids:
            cycle_id += "-2"
        used_ids.add(cycle_id)
        cycles.append({"id": cycle_id, "weeks": weeks})
    return cycles


def middle_weeks(start: dt.date, end: dt.date, count: int = CYCLE_WEEKS) -> list[str]:
    """The Mondays of `count` weeks around the middle of [start, end], inside it where possible."""
    first_monday = start - dt.timedelta(days=start.weekday())
    last_monday = end - dt.timedelta(days=end.weekday())
    mondays = (last_monday - first_monday).days // 7 + 1
    middle = first_monday + dt.timedelta(weeks=max(0, (mondays - count) // 2))
    return [
        (middle + dt.timedelta(weeks=index)).isoformat() for index in range(min(count, mondays))
    ]


def read_oneroster(
    source: str | Path,
    *,
    bell_schedule: str | Path | None,
    timezone: str | None,
    year: int | None = None,
    teams: TeamRule = "auto",
) -> ImportResult:
    """A roster from a OneRoster 1.1/1.2 bulk CSV export (zip or folder) and a bell schedule.

    Raises `InputError` with every problem located as `file.csv!C5` (or an option's name).
    """
    path = Path(source)
    importer = _Import(export_files(path))
    problems = importer.problems
    check_timezone(timezone, "OneRoster exports", problems)
    bells = _bells(importer, bell_schedule)

    version = importer.version()
    orgs = importer.orgs()
    teachers = importer.teachers(version)
    school_of = importer.schools(teachers, orgs)
    classes, inactive = importer.classes()
    importer.enrol(teachers, classes, inactive)
    school_year = importer.cycles(year)
    staff = _staff(importer, teachers, school_of, classes, bells, teams)

    if not teachers and "users.csv" in importer.tables:
        problems.append(Problem(importer.tables["users.csv"].name, "holds no active teachers"))
    if problems:
        raise InputError(problems, source=str(path))

    warnings = importer.warnings
    _warn_what_is_missing(warnings, staff.without_classes)
    if school_year.year is None:  # cycles() reports why whenever it finds no year
        raise InputError([Problem("academicSessions.csv", "no school year found")], str(path))
    data = {
        "format": ROSTER_FORMAT,
        "name": _roster_name(orgs, teachers, school_year.year, school_year.title),
        "year": school_year.year,
        "timezone": timezone,
        "periods": [
            {"id": bell.id, "day": bell.day, "start": bell.start, "end": bell.end} for bell in bells
        ],
        "cycles": school_year.cycles,
        "teams": sorted(
            staff.teams.values(), key=lambda team: (team.get("school", ""), team["id"])
        ),
        "teachers": staff.teachers,
    }
    try:
        roster = roster_from_data(data)
    except InputError as error:
        error.source = str(path)
        raise
    return ImportResult(roster, warnings)


def _bells(importer: _Import, bell_schedule: str | Path | None) -> list[Bell]:
    """The bell schedule's periods (required: OneRoster has period numbers but no times)."""
    if bell_schedule is None:
        importer.problems.append(
            Problem(
                "--bell-schedule",
                "is required: OneRoster has period numbers but no times; give a CSV with "
                "columns period,day,start,end",
            )
        )
        return []
    return importer.bells(Path(bell_schedule))


def _staff(
    importer: _Import,
    teachers: list[_Teacher],
    school_of: dict[str, str],
    classes: dict[str, _Class],
    bells: list[Bell],
    teams: TeamRule,
) -> _Staff:
    """Each teacher as roster data (school, team, periods taught, room) and the teams they form;
    a team id carries its school's label when the export holds several schools."""
    staff = _Staff()
    several_schools = len(set(school_of.values())) > 1
    reported: set[str] = set()
    for teacher in teachers:
        entry: dict[str, Any] = {"id": teacher.id, "name": teacher.name}
        school = school_of.get(teacher.id)
        if school is not None:
            entry["school"] = school
        team = importer.team_of(teacher, classes, teams)
        if team is not None:
            team_id, grade = team
            if several_schools and school is not None:
                team_id = f"{school}-{team_id}"
            entry["team"] = team_id
            record = staff.teams.setdefault(team_id, {"id": team_id})
            if grade is not None:
                record["grade"] = grade
            if school is not None:
                record["school"] = school
        entry["teaches"] = importer.teaches(teacher, classes, bells, reported)
        rooms = Counter(classes[c].location for c in teacher.classes if classes[c].location)
        if rooms:
            entry["room"] = sorted(rooms.items(), key=lambda item: (-item[1], item[0]))[0][0]
        if not teacher.classes:
            staff.without_classes.append(teacher.id)
        staff.teachers.append(entry)
    return staff


def _warn_what_is_missing(warnings: list[str], without_classes: list[str]) -> None:
    """Warn of the teachers without classes and of what OneRoster never carries."""
    if without_classes:
        shown = ", ".join(without_classes[:8]) + (", ..." if len(without_classes) > 8 else "")
        warnings.append(
            f"{len(without_classes)} teacher{'s' if len(without_classes) != 1 else ''} "
            f"without classes ({shown}): they teach no period"
        )
    warnings.append(
        "OneRoster carries no priorities, strengths, years of experience, evaluators, history, "
        "relations, meetings, roadmaps, tandem teachers or guides: write the roster into a "
        "workbook (pairwise template staff.xlsx "
        "--from ROSTER), fill those in, and import it back (pairwise import staff.xlsx -o ROSTER)"
    )


def _roster_name(orgs: dict[str, _Org], teachers: list[_Teacher], year: int, title: str) -> str:
    """The teachers' one school (else the district) and the school year's title (else 2026-27)."""
    names = sorted({orgs[o].name for t in teachers for o, _ in t.org_ids if o in orgs})
    district = next((org.name for org in orgs.values() if org.kind == "district"), "")
    base = names[0] if len(names) == 1 else district or "OneRoster import"
    return f"{base} {title or f'{year}-{(year + 1) % 100:02d}'}"

"""What a timetabling program's file tells pairwise, whatever the format: the week's grid of
days and hours, the teachers, and each placed lesson (who teaches it when, to which class, in
which room). The FET and XHSTT readers fill it in; `build` turns it into a roster."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pairwise.errors import Problem

TeamRule = Literal["subject", "department", "class"]
TEAM_RULES: tuple[TeamRule, ...] = ("subject", "department", "class")


@dataclass(frozen=True)
class Hour:
    """One period of a day as the file names it: its position (1 = first) and its names."""

    number: int
    name: str
    long_name: str = ""  # a second name (FET's Long_Name) that may hold the clock times
    keys: tuple[str, ...] = ()  # other names a bell schedule may use for it (an XHSTT time id)


@dataclass(frozen=True)
class Day:
    """One day of the timetable's week: its code (mon..sun), its name in the file, its hours."""

    code: str
    name: str
    hours: tuple[Hour, ...]

    def period_id(self, hour: Hour) -> str:
        return f"{self.code}-{hour.number}"


@dataclass(frozen=True)
class Lesson:
    """One placed lesson of one teacher: the periods it covers and what the file says about it."""

    teacher: str  # the teacher's roster id
    periods: tuple[str, ...]
    subject: str | None = None
    group: str | None = None  # the class (student group) taught, for --teams class
    room: str | None = None


@dataclass(frozen=True)
class TeacherRecord:
    """A teacher as the file holds them: roster id, full name, and departments (XHSTT groups)."""

    id: str
    name: str
    departments: tuple[str, ...] = ()


@dataclass
class Timetable:
    """Everything one file gave, its problems (all reported at once) and warnings."""

    source: str
    program: str  # "FET" or "XHSTT", as messages name it
    title: str
    days: list[Day] = field(default_factory=list)
    teachers: list[TeacherRecord] = field(default_factory=list)
    lessons: list[Lesson] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # why --teams department cannot be read from this file ('' when it can)
    no_departments: str = ""

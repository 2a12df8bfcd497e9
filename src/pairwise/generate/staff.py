"""A generated school's staff: the records the generator builds, who may evaluate whom, and each
teacher as roster JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pairwise.generate.vocabulary import SchoolKind


@dataclass
class Person:
    """A teacher while the generator builds it (turned into roster JSON at the end)."""

    id: str
    name: str
    school: str
    role: str  # homeroom, specialist, support, subject, head, part-time, administrator
    team: str | None
    years: int
    room: str
    teaches: list[str] = field(default_factory=list)
    priority: str = ""
    strengths: list[str] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)
    evaluator: str | None = None
    max_release: int | None = None
    participates: bool = True
    sabbatical: dict[str, Any] | None = None


@dataclass
class SchoolPlan:
    """One school to generate: its id, display name, kind and number of teachers."""

    id: str
    name: str
    kind: SchoolKind
    size: int


@dataclass
class Generated:
    """A school's staff and teams as generated."""

    people: list[Person]
    teams: list[dict[str, Any]]


def evaluates(x: Person, y: Person) -> bool:
    """Either evaluates the other."""
    return x.evaluator == y.id or y.evaluator == x.id


def slug(name: str, kind: SchoolKind) -> str:
    suffix = {"elementary": "es", "k8": "k8", "middle": "ms", "high": "hs"}[kind]
    return f"{name.lower().replace(' ', '-')}-{suffix}"


def display(name: str, kind: SchoolKind) -> str:
    suffix = {
        "elementary": "Elementary",
        "k8": "K-8 School",
        "middle": "Middle School",
        "high": "High School",
    }[kind]
    return f"{name} {suffix}"


def teacher_data(person: Person) -> dict[str, Any]:
    """A teacher as roster JSON, leaving out fields at their defaults."""
    data: dict[str, Any] = {"id": person.id, "name": person.name}
    if person.team is not None:
        data["team"] = person.team
    data["school"] = person.school
    data["room"] = person.room
    data["years_experience"] = person.years
    data["priority"] = person.priority
    data["strengths"] = person.strengths
    data["teaches"] = person.teaches
    if person.unavailable:
        data["unavailable"] = person.unavailable
    if person.evaluator is not None:
        data["evaluator"] = person.evaluator
    if person.max_release is not None:
        data["max_release"] = person.max_release
    if not person.participates:
        data["participates"] = False
    if person.sabbatical is not None:
        data["sabbatical"] = person.sabbatical
    return data

"""The generator's vocabulary: school kinds, topics and how often each is someone's priority, names,
roles and departments, daily period times, and the school year's cycles.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

Kind = Literal["elementary", "secondary", "mixed"]
KINDS: tuple[str, ...] = ("elementary", "secondary", "mixed")
SchoolKind = Literal["elementary", "k8", "middle", "high"]

DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
PERIODS_PER_DAY = 6
CYCLE_NAMES: tuple[str, ...] = ("fall", "winter", "spring")

TOPICS: tuple[str, ...] = (
    "formative-assessment",
    "classroom-management",
    "literacy",
    "numeracy",
    "writing-feedback",
    "differentiation",
    "questioning",
    "student-discourse",
    "inquiry-learning",
    "technology",
    "social-emotional-learning",
    "english-learners",
    "project-based-learning",
    "culturally-responsive-teaching",
    "reading-comprehension",
    "checks-for-understanding",
)
# How often each topic is someone's priority or strength, in TOPICS order: elementary staff work
# on reading and number sense; secondary staff on discourse, inquiry and assessment.
ELEMENTARY_WEIGHTS: tuple[int, ...] = (8, 8, 10, 9, 7, 6, 4, 4, 3, 3, 6, 4, 2, 3, 9, 5)
SECONDARY_WEIGHTS: tuple[int, ...] = (9, 6, 3, 2, 6, 7, 7, 8, 7, 6, 4, 4, 6, 4, 3, 8)

FIRST_NAMES: tuple[str, ...] = (
    "Ana", "Ben", "Chloe", "Dev", "Eva", "Farid", "Grace", "Hiro", "Imani", "Jamal", "Keiko",
    "Liam", "Maya", "Noah", "Olivia", "Priya", "Quinn", "Rosa", "Samir", "Tara", "Uma", "Victor",
    "Wen", "Ximena", "Yusuf", "Zoe", "Aisha", "Brian", "Carmen", "Daniel", "Elena", "Felix",
    "Gabriela", "Hannah", "Isaac", "Julia", "Kwame", "Laura", "Marcus", "Nadia", "Omar", "Paula",
    "Rachel", "Sofia", "Thomas", "Valeria", "William", "Yara", "Andre", "Beatriz", "Caleb",
    "Diana", "Ethan", "Fatima", "George", "Helen", "Ivan", "Jasmine", "Kevin", "Leah", "Mateo",
    "Nina", "Oscar", "Rebecca", "Sean", "Tanya", "Vanessa", "Wesley", "Amara", "Luis", "Megan",
    "Raj", "Sarah", "Tomás", "Lucy", "David", "Emily", "Jorge", "Mei", "Patrick",
)  # fmt: skip
LAST_NAMES: tuple[str, ...] = (
    "Ruiz", "Okafor", "Martin", "Patel", "Lindqvist", "Haddad", "Kim", "Nguyen", "Johnson",
    "Garcia", "Smith", "Chen", "Williams", "Brown", "Jones", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark",
    "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott",
    "Torres", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell",
    "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker",
    "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris", "Morales", "Murphy", "Cook",
    "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey", "Reed", "Kelly",
    "Howard", "Kowalski", "Singh", "Ali", "Yamamoto", "Osei", "Novak", "Dubois", "Rossi",
    "Schmidt", "Ivanova", "Mensah", "O'Brien", "Fischer", "Costa", "Sato", "Khan", "Park", "Tran",
)  # fmt: skip
SCHOOL_NAMES: tuple[str, ...] = (
    "Lincoln", "Washington", "Jefferson", "Roosevelt", "Franklin", "Maple", "Oak Grove", "Cedar",
    "Riverside", "Hillcrest", "Lakeview", "Sunset", "Pine Ridge", "Meadowbrook", "Westwood",
    "Eastside", "Northgate", "Highland", "Valley View", "Brookside", "Fairview", "Greenfield",
    "Kennedy", "Madison", "Adams", "Monroe", "Garfield", "Parkside", "Willow Creek", "Stonebridge",
    "Oakridge", "Harbor", "Summit", "Cypress", "Aspen", "Juniper", "Sequoia", "Magnolia",
    "Bayview", "Clearwater",
)  # fmt: skip
# Past the plain names a large district's schools take a compass word ("North Lincoln"), and past
# the plain first-last names its teachers take a middle initial ("Ana J. Ruiz"); rosters small
# enough for the plain names come out exactly as before.
SCHOOL_NAME_PREFIXES: tuple[str, ...] = (
    "North", "South", "East", "West", "Central", "Upper", "Lower", "New",
)  # fmt: skip
MIDDLE_INITIALS: tuple[str, ...] = tuple("ABCDEFGHJKLMNPRSTVW")


def district_school_names(schools: int) -> tuple[str, ...]:
    """The names a district of `schools` schools draws from: the plain ones while they suffice."""
    if schools <= len(SCHOOL_NAMES):
        return SCHOOL_NAMES
    return SCHOOL_NAMES + tuple(
        f"{prefix} {name}" for prefix in SCHOOL_NAME_PREFIXES for name in SCHOOL_NAMES
    )


MOST_SCHOOLS = len(SCHOOL_NAMES) * (1 + len(SCHOOL_NAME_PREFIXES))
MOST_TEACHERS = len(FIRST_NAMES) * len(LAST_NAMES) * (1 + len(MIDDLE_INITIALS))

DISTRICT_NAMES: tuple[str, ...] = ("Riverside Unified", "Lakeshore County", "Mesa Valley")
TIMEZONES: tuple[str, ...] = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
)
SPECIALISTS: tuple[str, ...] = ("music", "art", "physical-education", "library", "drama", "stem")
SUPPORT_ROLES: tuple[str, ...] = ("resource", "english-learners", "reading-intervention")
DEPARTMENTS: tuple[tuple[str, float], ...] = (
    ("english", 0.18),
    ("mathematics", 0.17),
    ("science", 0.15),
    ("social-studies", 0.13),
    ("special-education", 0.10),
    ("world-languages", 0.09),
    ("arts", 0.09),
    ("physical-education", 0.09),
    ("career-technical", 0.08),
    ("music", 0.06),
)
GRADE_LABELS: tuple[str, ...] = ("k", "1", "2", "3", "4", "5", "6", "7", "8")

# Clock times of the six daily periods (lunch falls between the third and the fourth).
ELEMENTARY_TIMES: tuple[tuple[str, str], ...] = (
    ("08:40", "09:30"),
    ("09:35", "10:25"),
    ("10:30", "11:20"),
    ("12:05", "12:55"),
    ("13:00", "13:50"),
    ("13:55", "14:45"),
)
SECONDARY_TIMES: tuple[tuple[str, str], ...] = (
    ("07:50", "08:45"),
    ("08:50", "09:45"),
    ("09:50", "10:45"),
    ("10:50", "11:45"),
    ("12:25", "13:20"),
    ("13:25", "14:20"),
)


def period_id(day: str, number: int) -> str:
    return f"{day}-{number}"


ALL_PERIODS: tuple[str, ...] = tuple(
    period_id(day, number) for day in DAY_NAMES for number in range(1, PERIODS_PER_DAY + 1)
)


def first_monday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def cycle_weeks(year: int) -> list[list[dt.date]]:
    """Two-week cycles in late October, late January and mid-April of the school year."""
    starts = [
        first_monday_on_or_after(dt.date(year, 10, 19)),
        first_monday_on_or_after(dt.date(year + 1, 1, 25)),
        first_monday_on_or_after(dt.date(year + 1, 4, 12)),
    ]
    return [[start, start + dt.timedelta(days=7)] for start in starts]

"""Rosters as spreadsheets: the workbook template (`pairwise template`) and its import (`pairwise import`).

One sheet per part of the roster; the same sheets may be given as CSV files named after them
(`Teachers.csv`, ...). This module holds the layout both directions share and imports neither:
`write.py` turns a roster into sheets (`template_workbook`, `template_csv_files`) and `read.py`
turns sheets into a roster (`import_workbook`).

Conventions the admin sees (and the README documents):
- Row 1 holds the column headers; columns may come in any order. `#` marks a comment: a row whose
  first filled cell or id cell starts with `#`, a column whose header does and a sheet whose name
  does are skipped (row 2 explains each column; the blank template's grey example rows and example
  timetable columns start with `#`).
- Lists (strengths, sabbatical topics) are written in one cell, separated by commas.
- Timetable: one row per teacher, one column per period id; `T` = teaches, `X` = unavailable every
  week, `TX` = both. Single dated unavailability goes in the Unavailable sheet.
- Yes/no cells take yes/no (also true/false, y/n, 1/0); a blank cell takes the documented default.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pairwise.roster.models import DAYS, Roster

EXAMPLE_MARK = "#"

# Kinds of cell, used by both directions:
# text (stripped), int, float, bool (yes/no), date (YYYY-MM-DD), time (HH:MM), day (mon..sun),
# list (comma-separated text), choice (lower-cased text checked by the roster model).
CellKind = str


@dataclass(frozen=True)
class SheetColumn:
    """One column of a table sheet: its header, what it holds, and how a cell is read."""

    header: str
    kind: CellKind
    note: str
    required: bool = False
    choices: tuple[str, ...] = ()
    source: str = ""  # the sheet a drop-down list takes its values from ("Teams", "Topics", ...)


@dataclass(frozen=True)
class TableSheet:
    """A sheet of rows under a header (Teachers, Periods, ...)."""

    name: str
    columns: tuple[SheetColumn, ...]
    example: tuple[object, ...]
    required: bool = False


@dataclass(frozen=True)
class Setting:
    """One row of a key/value sheet (Roster, Policy)."""

    key: str
    kind: CellKind
    note: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class SettingsSheet:
    """A sheet of `setting | value | note` rows."""

    name: str
    settings: tuple[Setting, ...]
    required: bool = False


YES_NO = ("yes", "no")
MARKS = ("T", "X", "TX")

TEACHERS = TableSheet(
    "Teachers",
    (
        SheetColumn("id", "text", "# unique id, e.g. t01", required=True),
        SheetColumn("name", "text", "full name", required=True),
        SheetColumn("team", "text", "team id from the Teams sheet (blank: none)", source="Teams"),
        SheetColumn("school", "text", "school (blank: the roster's one school)"),
        SheetColumn("years_experience", "int", "years of teaching (blank: 0)"),
        SheetColumn("priority", "text", "this year's coaching priority (a topic)", source="Topics"),
        SheetColumn(
            "strengths", "list", "topics they are strong in, comma-separated", source="Topics"
        ),
        SheetColumn("evaluator", "text", "id of the teacher who evaluates them", source="Teachers"),
        SheetColumn("max_release", "int", "most covered visits as visitor (blank: no limit)"),
        SheetColumn(
            "participates", "bool", "in peer partnerships? yes/no (blank: yes)", choices=YES_NO
        ),
        SheetColumn(
            "sabbatical_topics",
            "list",
            "mini-sabbatical coach: topics they coach, comma-separated",
            source="Topics",
        ),
        SheetColumn("sabbatical_budget", "int", "coach's release periods this year"),
        SheetColumn("room", "text", "classroom (the calendar's location)"),
        SheetColumn(
            "tandem", "bool", "willing to co-teach a lesson? yes/no (blank: no)", choices=YES_NO
        ),
    ),
    (
        "#t01",
        "Ana Ruiz",
        "grade-3",
        "oakridge",
        2,
        "formative-assessment",
        "literacy, classroom-management",
        "t30",
        3,
        "yes",
        "",
        "",
        "Room 12",
        "no",
    ),
    required=True,
)

TIMETABLE_FIXED = (
    SheetColumn(
        "teacher",
        "text",
        "# teacher id; then one column per period id (columns headed # are skipped)",
        required=True,
    ),
    SheetColumn("name", "text", "(for reading only)"),
)
TIMETABLE = TableSheet(
    "Timetable",
    TIMETABLE_FIXED,
    ("#t01", "Ana Ruiz"),
)

UNAVAILABLE = TableSheet(
    "Unavailable",
    (
        SheetColumn("teacher", "text", "# teacher id", required=True, source="Teachers"),
        SheetColumn("date", "date", "date they cannot host or visit", required=True),
        SheetColumn("period", "text", "period id (blank: every period that day)", source="Periods"),
    ),
    ("#t01", "2026-10-06", "tue-3"),
)

PERIODS = TableSheet(
    "Periods",
    (
        SheetColumn("id", "text", "# unique period id, e.g. mon-1 (no '/')", required=True),
        SheetColumn(
            "day", "day", "mon, tue, wed, thu, fri, sat or sun", required=True, choices=DAYS
        ),
        SheetColumn("start", "time", "start, HH:MM", required=True),
        SheetColumn("end", "time", "end, HH:MM", required=True),
    ),
    ("#mon-1", "mon", "08:30", "09:20"),
    required=True,
)

CYCLES = TableSheet(
    "Cycles",
    (
        SheetColumn("cycle", "text", "# cycle id; one row per week of the cycle", required=True),
        SheetColumn("week", "date", "the Monday of a week of that cycle", required=True),
    ),
    ("#fall", "2026-10-05"),
    required=True,
)

MEETINGS = TableSheet(
    "Meetings",
    (
        SheetColumn(
            "cycle", "text", "# cycle id from the Cycles sheet", required=True, source="Cycles"
        ),
        SheetColumn("id", "text", "unique meeting id", required=True),
        SheetColumn("date", "date", "date of the staff meeting", required=True),
        SheetColumn("start", "time", "start, HH:MM", required=True),
        SheetColumn("end", "time", "end, HH:MM", required=True),
        SheetColumn("tables", "int", "tables on hand (blank: no limit)"),
    ),
    ("#fall", "fall-pd", "2026-10-16", "13:00", "15:00", 8),
)

TEAMS = TableSheet(
    "Teams",
    (
        SheetColumn("id", "text", "# unique team id, e.g. grade-3", required=True),
        SheetColumn("priority", "text", "the team's priority (a topic)", source="Topics"),
        SheetColumn("grade", "int", "grade taught (blank: none)"),
        SheetColumn("school", "text", "school (blank: its members')"),
        SheetColumn("name", "text", "name shown to people (blank: the id)"),
    ),
    ("#grade-3", "writing-feedback", 3, "oakridge", "Grade 3"),
)

HISTORY = TableSheet(
    "History",
    (
        SheetColumn("a", "text", "# teacher id (former staff allowed)", required=True),
        SheetColumn("b", "text", "their partner's id", required=True),
        SheetColumn("year", "int", "school year of the partnership", required=True),
        SheetColumn(
            "kind", "choice", "peer, mentor or sabbatical", choices=("peer", "mentor", "sabbatical")
        ),
        SheetColumn("trust", "float", "trust the pair reported, -1 to 1 (blank: 0)"),
        SheetColumn(
            "asked_to_continue",
            "bool",
            "both asked that year to keep working together? yes/no (blank: no)",
            choices=YES_NO,
        ),
    ),
    ("#t01", "t07", 2025, "peer", 0.8, "no"),
)

TEAM_HISTORY = TableSheet(
    "TeamHistory",
    (
        SheetColumn("a", "text", "# team id (former teams allowed)", required=True),
        SheetColumn("b", "text", "the team it sat with", required=True),
        SheetColumn("year", "int", "school year of the matchup", required=True),
    ),
    ("#grade-2", "grade-3", 2025),
)

RELATIONS = TableSheet(
    "Relations",
    (
        SheetColumn("a", "text", "# teacher id", required=True, source="Teachers"),
        SheetColumn("b", "text", "teacher id", required=True, source="Teachers"),
        SheetColumn(
            "kind",
            "choice",
            "avoid (never partners), request (reward), lock (must be partners), "
            "continue (both asked to keep working together: no repeat cost, the request reward)",
            required=True,
            choices=("avoid", "request", "lock", "continue"),
        ),
    ),
    ("#t01", "t09", "avoid"),
)

COVER_OVERRIDES = TableSheet(
    "CoverOverrides",
    (
        SheetColumn("date", "date", "# date of the slot", required=True),
        SheetColumn("period", "text", "period id", required=True, source="Periods"),
        SheetColumn("cover", "int", "substitutes on hand then, per school", required=True),
    ),
    ("#2026-10-06", "tue-3", 0),
)

ROADMAPS = TableSheet(
    "Roadmaps",
    (
        SheetColumn("owner", "text", "# teacher or team id", required=True),
        SheetColumn("goal", "text", "the goal (once per owner)"),
        SheetColumn("action", "text", "one action of the priority plan"),
        SheetColumn("due", "date", "the action's due date"),
        SheetColumn("evidence", "text", "one piece of evidence of progress to look for"),
    ),
    ("#t01", "Peer feedback on drafts", "Model the protocol", "2026-10-09", "exit tickets"),
)

GUIDES = TableSheet(
    "Guides",
    (
        SheetColumn(
            "kind",
            "choice",
            "# visit, debrief, planning or table (a kind with no row keeps the built-in prompts)",
            required=True,
            choices=("visit", "debrief", "planning", "table"),
        ),
        SheetColumn("prompt", "text", "a prompt or sentence starter", required=True),
    ),
    ("#debrief", "I noticed..."),
)

TABLE_SHEETS: tuple[TableSheet, ...] = (
    TEACHERS,
    TIMETABLE,
    UNAVAILABLE,
    PERIODS,
    CYCLES,
    MEETINGS,
    TEAMS,
    HISTORY,
    TEAM_HISTORY,
    RELATIONS,
    COVER_OVERRIDES,
    ROADMAPS,
    GUIDES,
)

ROSTER_SETTINGS = SettingsSheet(
    "Roster",
    (
        Setting("format", "text", "the roster format: leave it as it is"),
        Setting("name", "text", "the roster's name, e.g. Oakridge Elementary 2026-27"),
        Setting("year", "int", "the school year the plan is for, e.g. 2026"),
        Setting("timezone", "text", "IANA time zone, e.g. America/Toronto"),
    ),
    required=True,
)

WEIGHT_NOTES = {
    "complement": "reward: my priority is your strength",
    "shared_priority": "reward: partners share a priority",
    "trust": "reward per unit of past trust",
    "repeat": "penalty: a recent partner again",
    "cross_team": "reward: partners from different teams",
    "mentoring": "reward: a novice with an experienced teacher",
    "request": "reward: a requested pair",
    "cover": "penalty per covered visit",
    "team_complement": "reward: a team's priority is the other's strength",
    "team_repeat": "penalty: teams sat together recently",
    "sabbatical": "reward per sabbatical visit",
    "unpaired": "penalty per teacher left unpaired",
}

POLICY_SETTINGS = SettingsSheet(
    "Policy",
    (
        Setting(
            "rotation",
            "choice",
            "year: one partner all year; cycle: a new partner each cycle",
            ("year", "cycle"),
        ),
        Setting("reciprocal", "bool", "each partner visits the other (yes/no)", YES_NO),
        Setting("allow_triads", "bool", "one triad when the count is odd (yes/no)", YES_NO),
        Setting("cover_per_period", "int", "substitutes on hand per period, per school"),
        Setting("release_budget", "int", "covered peer visits for the year (blank: no limit)"),
        Setting("repeat_window_years", "int", "years in which a repeat partner is penalised"),
        Setting("novice_years", "int", "fewer years than this: a novice"),
        Setting("mentor_years", "int", "at least this many years: a mentor"),
        Setting("sabbatical_visits_per_coachee", "int", "most sabbatical visits per coachee"),
        Setting("cross_school_pairs", "bool", "partners may come from different schools", YES_NO),
        Setting("tandem", "bool", "tandem pairs co-teach a lesson each cycle (yes/no)", YES_NO),
        Setting("debrief_within_days", "int", "school days after a visit for its debrief"),
        *(Setting(f"weights.{name}", "int", note) for name, note in WEIGHT_NOTES.items()),
    ),
)

TOPICS_SHEET = "Topics"
STARTER_TOPICS = (
    "classroom-management",
    "differentiation",
    "formative-assessment",
    "inquiry",
    "literacy",
    "numeracy",
    "questioning",
    "student-engagement",
    "technology",
    "writing-feedback",
)

SHEET_ORDER: tuple[str, ...] = (
    "Roster",
    "Teachers",
    "Timetable",
    "Unavailable",
    "Periods",
    "Cycles",
    "Meetings",
    "Teams",
    "History",
    "TeamHistory",
    "Relations",
    "Policy",
    "CoverOverrides",
    "Roadmaps",
    "Guides",
    TOPICS_SHEET,
)


def normalise_header(text: str) -> str:
    """Header matching ignores case, spaces, underscores and hyphens ('Max release' = max_release)."""
    return "".join(ch for ch in text.lower() if ch not in " _-")


@dataclass
class ImportResult:
    """A roster read from a workbook, CSV folder or OneRoster export, and what the admin should know."""

    roster: Roster
    warnings: list[str] = field(default_factory=list)
    # where each roster path was read from (`teachers[2].priority` -> `Teachers!F4`)
    locations: dict[str, str] = field(default_factory=dict)
    # the topics the source offers (a workbook's Topics sheet), empty when it has none
    topics: list[str] = field(default_factory=list)


def canonical(roster: Roster) -> Roster:
    """The roster as a workbook holds it: `teaches` and weekly `unavailable` in timetable order.

    A workbook's timetable is a grid, so the order of those lists (and repeats in them) cannot be
    kept; dated unavailability follows the weekly periods in its own order.
    """
    order = {period.id: index for index, period in enumerate(roster.periods)}
    teachers = []
    for teacher in roster.teachers:
        weekly = sorted(
            {entry for entry in teacher.unavailable if "/" not in entry},
            key=lambda period_id: order[period_id],
        )
        dated = [entry for entry in teacher.unavailable if "/" in entry]
        teachers.append(
            teacher.model_copy(
                update={
                    "teaches": sorted(set(teacher.teaches), key=lambda period_id: order[period_id]),
                    "unavailable": weekly + dated,
                }
            )
        )
    return roster.model_copy(update={"teachers": teachers})

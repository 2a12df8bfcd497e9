"""The sheets of the feedback survey, shared by the form's writer and the answers' reader.

Conventions are the workbook template's: row 1 holds the headers (any order, matched loosely), row
2 explains each column and starts with `#` (skipped on reading), names stand beside ids for reading
only, lists are comma-separated, yes/no cells take yes/no (also y/n, true/false, 1/0).
"""

from __future__ import annotations

from pairwise.interchange.workbook.layout import YES_NO, Column, TableSheet

RATINGS = ("1", "2", "3", "4", "5")
READ_ONLY = "(for reading only)"

PARTNERSHIPS = TableSheet(
    "Partnerships",
    (
        Column("teacher", "text", "# the teacher who answers (id)", required=True),
        Column("teacher_name", "text", READ_ONLY),
        Column("partner", "text", "their partner this year (id)", required=True),
        Column("partner_name", "text", READ_ONLY),
        Column("cycles", "text", "the cycles you were partners " + READ_ONLY),
        Column(
            "trust",
            "int",
            "how much did you trust each other? 1 (not at all) to 5 (completely)",
            choices=RATINGS,
        ),
        Column(
            "continue",
            "bool",
            "keep working together next year? yes/no (the pair continues when both say yes)",
            choices=YES_NO,
        ),
        Column("helped", "text", "what helped you most (free text; stays in this file)"),
    ),
    (),
)

COACHING = TableSheet(
    "Coaching",
    (
        Column("coachee", "text", "# the teacher who was coached (id)", required=True),
        Column("coachee_name", "text", READ_ONLY),
        Column("coach", "text", "the mini-sabbatical coach who visited (id)", required=True),
        Column("coach_name", "text", READ_ONLY),
        Column("visits", "int", "visits this year " + READ_ONLY),
        Column(
            "useful",
            "int",
            "how useful were the visits? 1 (not at all) to 5 (very)",
            choices=RATINGS,
        ),
    ),
    (),
)

TEACHERS = TableSheet(
    "Teachers",
    (
        Column("teacher", "text", "# teacher id", required=True),
        Column("name", "text", READ_ONLY),
        Column("priority_now", "text", "this year's priority " + READ_ONLY),
        Column(
            "priority",
            "text",
            "next year's priority, one topic (blank: keep this year's)",
            source="Topics",
        ),
        Column(
            "strengths",
            "list",
            "topics you are strong in, comma-separated (blank: keep this year's)",
            source="Topics",
        ),
        Column(
            "coach_topics",
            "list",
            "topics you could coach colleagues in next year, comma-separated (blank: keep)",
            source="Topics",
        ),
        Column(
            "tandem",
            "bool",
            "willing to co-teach a lesson with your partner? yes/no (blank: keep)",
            choices=YES_NO,
        ),
    ),
    (),
)

TEAMS = TableSheet(
    "Teams",
    (
        Column("team", "text", "# team id", required=True),
        Column("team_name", "text", READ_ONLY),
        Column("priority_now", "text", "this year's team priority " + READ_ONLY),
        Column(
            "priority",
            "text",
            "the team's priority next year (blank: keep this year's)",
            source="Topics",
        ),
    ),
    (),
)

SURVEY_SHEETS: tuple[TableSheet, ...] = (PARTNERSHIPS, COACHING, TEACHERS, TEAMS)

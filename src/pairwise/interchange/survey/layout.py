"""The sheets of the feedback survey, shared by the form's writer and the answers' reader.

Conventions are the workbook template's: row 1 holds the headers (any order, matched loosely), row
2 explains each column and starts with `#` (skipped on reading), names stand beside ids for reading
only, lists are comma-separated, yes/no cells take yes/no (also y/n, true/false, 1/0).
"""

from __future__ import annotations

from pairwise.interchange.workbook.layout import YES_NO, SheetColumn, TableSheet

RATINGS = ("1", "2", "3", "4", "5")
READ_ONLY = "(for reading only)"

PARTNERSHIPS = TableSheet(
    "Partnerships",
    (
        SheetColumn("teacher", "text", "# the teacher who answers (id)", required=True),
        SheetColumn("teacher_name", "text", READ_ONLY),
        SheetColumn("partner", "text", "their partner this year (id)", required=True),
        SheetColumn("partner_name", "text", READ_ONLY),
        SheetColumn("cycles", "text", "the cycles you were partners " + READ_ONLY),
        SheetColumn(
            "trust",
            "int",
            "how much did you trust each other? 1 (not at all) to 5 (completely)",
            choices=RATINGS,
        ),
        SheetColumn(
            "continue",
            "bool",
            "keep working together next year? yes/no (the pair continues when both say yes)",
            choices=YES_NO,
        ),
        SheetColumn("helped", "text", "what helped you most (free text; stays in this file)"),
    ),
    (),
)

COACHING = TableSheet(
    "Coaching",
    (
        SheetColumn("coachee", "text", "# the teacher who was coached (id)", required=True),
        SheetColumn("coachee_name", "text", READ_ONLY),
        SheetColumn("coach", "text", "the mini-sabbatical coach who visited (id)", required=True),
        SheetColumn("coach_name", "text", READ_ONLY),
        SheetColumn("visits", "int", "visits this year " + READ_ONLY),
        SheetColumn(
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
        SheetColumn("teacher", "text", "# teacher id", required=True),
        SheetColumn("name", "text", READ_ONLY),
        SheetColumn("priority_now", "text", "this year's priority " + READ_ONLY),
        SheetColumn(
            "priority",
            "text",
            "next year's priority, one topic (blank: keep this year's)",
            source="Topics",
        ),
        SheetColumn(
            "strengths",
            "list",
            "topics you are strong in, comma-separated (blank: keep this year's)",
            source="Topics",
        ),
        SheetColumn(
            "coach_topics",
            "list",
            "topics you could coach colleagues in next year, comma-separated (blank: keep)",
            source="Topics",
        ),
        SheetColumn(
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
        SheetColumn("team", "text", "# team id", required=True),
        SheetColumn("team_name", "text", READ_ONLY),
        SheetColumn("priority_now", "text", "this year's team priority " + READ_ONLY),
        SheetColumn(
            "priority",
            "text",
            "the team's priority next year (blank: keep this year's)",
            source="Topics",
        ),
    ),
    (),
)

SURVEY_SHEETS: tuple[TableSheet, ...] = (PARTNERSHIPS, COACHING, TEACHERS, TEAMS)

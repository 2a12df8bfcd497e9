"""pairwise: a pairing and scheduling optimisation engine for teacher peer coaching.

The public API, small and typed:

    roster = pairwise.load_roster("roster.json")   # or roster_from_json(text), roster_from_dict(data)
    result = pairwise.solve(roster, time_limit=30, seed=0)      # Result: status, objective, bound, plan
    # progress=callback(Progress) while it runs; stop=threading.Event() ends it with the best plan
    report = pairwise.check(roster, result.plan)                # CheckReport: ok, violations, terms
    pairwise.export_plan(roster, result.plan, "handout/")       # calendars, CSV, HTML report

Heavy parts (CP-SAT, matplotlib, openpyxl) load on first use, so `import pairwise` stays quick.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pairwise.deprecated_paths import install_moved_module_aliases
from pairwise.errors import InputError, PairwiseError, Problem
from pairwise.result import Progress, Result
from pairwise.roster.load import (
    load_plan,
    load_roster,
    plan_from_json,
    roster_from_dict,
    roster_from_json,
)
from pairwise.roster.models import (
    Cycle,
    Meeting,
    Partnership,
    Period,
    Plan,
    Policy,
    Roster,
    SabbaticalVisit,
    TableSeat,
    Teacher,
    Team,
    Unpaired,
    Visit,
    Weights,
)
from pairwise.version import __version__

install_moved_module_aliases()

if TYPE_CHECKING:
    from pairwise.analysis.history import HistoryReport, rotation_history
    from pairwise.checker.entry import check
    from pairwise.checker.report import CheckReport, Violation
    from pairwise.engine.pipeline import solve
    from pairwise.engine.seating import TableSolution, seat_tables
    from pairwise.explanation.diagnose import explain
    from pairwise.explanation.report import Explanation, format_explanation
    from pairwise.generate.rosters import generate_roster
    from pairwise.interchange.export.bundle import (
        ExportSummary,
        RenderedExport,
        export_plan,
        render_export,
    )
    from pairwise.interchange.oneroster.importer import read_oneroster
    from pairwise.interchange.survey.form import write_survey
    from pairwise.interchange.survey.read import read_feedback
    from pairwise.interchange.timetables.read import read_timetable
    from pairwise.interchange.workbook.read import import_workbook
    from pairwise.interchange.workbook.write import template_workbook
    from pairwise.roster.rollover import Feedback, Rollover, RolloverReport
    from pairwise.runs.district.solve import solve_district
    from pairwise.runs.multiyear.choices import RotationError
    from pairwise.runs.multiyear.years import solve_years
    from pairwise.runs.replan import replan
    from pairwise.runs.rollover import rollover
    from pairwise.runs.whatif import run_whatif

# name -> module that defines it, imported on first access
_LAZY: dict[str, str] = {
    "write_survey": "pairwise.interchange.survey.form",
    "read_feedback": "pairwise.interchange.survey.read",
    "rollover": "pairwise.runs.rollover",
    "Feedback": "pairwise.roster.rollover",
    "Rollover": "pairwise.roster.rollover",
    "RolloverReport": "pairwise.roster.rollover",
    "check": "pairwise.checker.entry",
    "CheckReport": "pairwise.checker.report",
    "Violation": "pairwise.checker.report",
    "solve": "pairwise.engine.pipeline",
    "solve_district": "pairwise.runs.district.solve",
    "solve_years": "pairwise.runs.multiyear.years",
    "RotationError": "pairwise.runs.multiyear.choices",
    "seat_tables": "pairwise.engine.seating",
    "TableSolution": "pairwise.engine.seating",
    "format_explanation": "pairwise.explanation.report",
    "explain": "pairwise.explanation.diagnose",
    "Explanation": "pairwise.explanation.report",
    "export_plan": "pairwise.interchange.export.bundle",
    "render_export": "pairwise.interchange.export.bundle",
    "RenderedExport": "pairwise.interchange.export.bundle",
    "ExportSummary": "pairwise.interchange.export.bundle",
    "generate_roster": "pairwise.generate.rosters",
    "rotation_history": "pairwise.analysis.history",
    "HistoryReport": "pairwise.analysis.history",
    "run_whatif": "pairwise.runs.whatif",
    "replan": "pairwise.runs.replan",
    "import_workbook": "pairwise.interchange.workbook.read",
    "template_workbook": "pairwise.interchange.workbook.write",
    "read_oneroster": "pairwise.interchange.oneroster.importer",
    "read_timetable": "pairwise.interchange.timetables.read",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'pairwise' has no attribute '{name}'")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


__all__ = [
    "CheckReport",
    "Cycle",
    "Explanation",
    "ExportSummary",
    "Feedback",
    "HistoryReport",
    "InputError",
    "Meeting",
    "PairwiseError",
    "Partnership",
    "Period",
    "Plan",
    "Policy",
    "Problem",
    "Progress",
    "RenderedExport",
    "Result",
    "Rollover",
    "RolloverReport",
    "Roster",
    "RotationError",
    "SabbaticalVisit",
    "TableSeat",
    "TableSolution",
    "Teacher",
    "Team",
    "Unpaired",
    "Violation",
    "Visit",
    "Weights",
    "__version__",
    "check",
    "explain",
    "export_plan",
    "format_explanation",
    "generate_roster",
    "import_workbook",
    "load_plan",
    "load_roster",
    "plan_from_json",
    "read_feedback",
    "read_oneroster",
    "read_timetable",
    "render_export",
    "replan",
    "rollover",
    "roster_from_dict",
    "roster_from_json",
    "rotation_history",
    "run_whatif",
    "seat_tables",
    "solve",
    "solve_district",
    "solve_years",
    "template_workbook",
    "write_survey",
]

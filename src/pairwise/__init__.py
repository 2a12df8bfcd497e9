"""pairwise: a pairing and scheduling optimisation engine for teacher peer coaching.

The public API, small and typed:

    roster = pairwise.load_roster("roster.json")
    result = pairwise.solve(roster, time_limit=30, seed=0)      # Result: status, objective, bound, plan
    report = pairwise.check(roster, result.plan)                # CheckReport: ok, violations, terms
    pairwise.export_plan(roster, result.plan, "handout/")       # calendars, CSV, HTML report

Heavy parts (CP-SAT, matplotlib, openpyxl) load on first use, so `import pairwise` stays quick.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from pairwise.errors import InputError, PairwiseError, Problem
from pairwise.formats import (
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
from pairwise.load import load_plan, load_roster, plan_from_json, roster_from_json
from pairwise.result import Progress, Result

__version__ = "0.1.0"

if TYPE_CHECKING:
    from pairwise.check import CheckReport, Violation, check
    from pairwise.district import solve_district
    from pairwise.explain import Explanation, explain, format_explanation
    from pairwise.export import ExportSummary, export_plan
    from pairwise.generate import generate_roster
    from pairwise.history import HistoryReport, rotation_history
    from pairwise.multiyear import RotationError, solve_years
    from pairwise.oneroster import read_oneroster
    from pairwise.solve import solve
    from pairwise.tables import TableSolution, seat_tables
    from pairwise.whatif import run_whatif
    from pairwise.workbook import import_workbook, template_workbook

# name -> module that defines it, imported on first access
_LAZY: dict[str, str] = {
    "check": "pairwise.check",
    "CheckReport": "pairwise.check",
    "Violation": "pairwise.check",
    "solve": "pairwise.solve",
    "solve_district": "pairwise.district",
    "solve_years": "pairwise.multiyear",
    "RotationError": "pairwise.multiyear",
    "seat_tables": "pairwise.tables",
    "TableSolution": "pairwise.tables",
    "format_explanation": "pairwise.explain",
    "explain": "pairwise.explain",
    "Explanation": "pairwise.explain",
    "export_plan": "pairwise.export",
    "ExportSummary": "pairwise.export",
    "generate_roster": "pairwise.generate",
    "rotation_history": "pairwise.history",
    "HistoryReport": "pairwise.history",
    "run_whatif": "pairwise.whatif",
    "import_workbook": "pairwise.workbook",
    "template_workbook": "pairwise.workbook",
    "read_oneroster": "pairwise.oneroster",
}


class _PublicModule(types.ModuleType):
    """Keeps `pairwise.check` (and the like) the function even after `pairwise.check` the module loads.

    Importing a submodule binds it on its package under the same name as the function it defines;
    the API promises the function, so that binding is skipped for the lazily exported names.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _LAZY and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _PublicModule


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
    "Result",
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
    "read_oneroster",
    "roster_from_json",
    "rotation_history",
    "run_whatif",
    "seat_tables",
    "solve",
    "solve_district",
    "solve_years",
    "template_workbook",
]

"""pairwise: a pairing and scheduling optimisation engine for teacher peer coaching."""

from __future__ import annotations

__version__ = "0.1.0"

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

__all__ = [
    "Cycle",
    "InputError",
    "Meeting",
    "PairwiseError",
    "Partnership",
    "Period",
    "Plan",
    "Policy",
    "Problem",
    "Roster",
    "SabbaticalVisit",
    "TableSeat",
    "Teacher",
    "Team",
    "Unpaired",
    "Visit",
    "Weights",
    "__version__",
    "load_plan",
    "load_roster",
    "plan_from_json",
    "roster_from_json",
]

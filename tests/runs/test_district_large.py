"""Districts at scale: the district-2000 sample's plan unchanged by the rework for 20,000 teachers
(split, cross-school placement and merge), and the merge folding schools one at a time."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pairwise.roster.load import load_roster
from pairwise.runs.district.solve import solve_district
from tests.builders import greedy_engine
from tests.helpers import assert_plan_valid

DISTRICT_2000_GREEDY_SHA256 = "b7c32f2fdfff572d6924862c5bb0af76efea877436825d1223088a95ab12d7d8"
"""The plan (less `seconds`) of instances/district-2000.json with the greedy stand-in engine on two
workers, seed 0, as merged before the district's split, cross-school placement and merge were
reworked for 20,000 teachers (one pass per roster, options kept per slot, schools folded one at a
time); a change that means to alter district plans updates it, and says why."""


def test_district_2000_plan_is_byte_identical_to_the_plan_before_the_large_district_rework() -> (
    None
):
    roster = load_roster(Path(__file__).parents[2] / "instances" / "district-2000.json")
    result = solve_district(roster, time_limit=60, seed=0, workers=2, solver=greedy_engine)
    assert result.plan is not None
    assert_plan_valid(roster, result.plan)
    data = result.plan.model_dump(mode="json")
    data.pop("seconds")
    text = json.dumps(data, sort_keys=True)
    assert int(result.stats["cross_school_visits"]) > 0
    assert hashlib.sha256(text.encode()).hexdigest() == DISTRICT_2000_GREEDY_SHA256

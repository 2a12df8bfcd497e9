"""The roster format: the strategies' rosters are valid, and every feature of the format reads."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from pairwise.load import roster_from_data
from tests.strategies import roster_data


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(roster_data())
def test_generated_rosters_are_valid(data: dict[str, Any]) -> None:
    roster = roster_from_data(data)
    assert len(roster.teachers) == len(data["teachers"])
    # canonical JSON reads back to the same roster
    assert roster_from_data(roster.model_dump(mode="json")) == roster

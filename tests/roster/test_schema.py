"""`pairwise schema roster|plan` prints exactly the committed `schemas/*.schema.json`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pairwise.cli.app import main
from pairwise.roster.models import TERM_NAMES

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


@pytest.mark.parametrize("which", ["roster", "plan"])
def test_schema_matches_committed_copy(which: str) -> None:
    result = CliRunner().invoke(main, ["schema", which])
    assert result.exit_code == 0, result.output
    committed = (SCHEMAS / f"{which}.schema.json").read_text()
    assert result.output == committed, (
        f"schemas/{which}.schema.json is stale: regenerate it with "
        f"`pairwise schema {which} > schemas/{which}.schema.json`"
    )


def test_schema_describes_the_formats() -> None:
    roster = json.loads((SCHEMAS / "roster.schema.json").read_text())
    assert roster["title"] == "pairwise/roster@1"
    assert set(roster["required"]) >= {"format", "name", "year", "timezone", "periods", "cycles"}
    # unknown fields are refused by the schema too
    assert roster["additionalProperties"] is False
    weights = roster["$defs"]["Weights"]["properties"]
    assert set(weights) == set(TERM_NAMES)
    plan = json.loads((SCHEMAS / "plan.schema.json").read_text())
    assert plan["title"] == "pairwise/plan@1"
    assert set(plan["properties"]["status"]["enum"]) == {"optimal", "feasible", "infeasible"}


def test_schema_rejects_unknown_kind() -> None:
    result = CliRunner().invoke(main, ["schema", "team"])
    assert result.exit_code == 2

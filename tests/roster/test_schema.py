"""`pairwise schema roster|plan` prints exactly the committed `schemas/*.schema.json`."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from pairwise.cli.app import main
from pairwise.roster.models import TERM_NAMES

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
FIXTURES = ROOT / "tests" / "fixtures"
CORPUS = ROOT / "tests" / "malformed"


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
    status = plan["properties"]["status"]["anyOf"]
    assert {"optimal", "feasible", "infeasible"} == set(status[0]["enum"])
    # a plan made by hand states its sessions; the solver's fields may be left out
    assert set(plan["required"]) == {"roster"}


def test_schema_rejects_unknown_kind() -> None:
    result = CliRunner().invoke(main, ["schema", "team"])
    assert result.exit_code == 2


def _validator(which: str) -> jsonschema.Draft202012Validator:
    document = json.loads((SCHEMAS / f"{which}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(document)
    return jsonschema.Draft202012Validator(
        document, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


SAMPLE_ROSTERS = sorted(
    [
        *ROOT.glob("instances/*.json"),
        *(path for path in FIXTURES.glob("*.json") if "plan" not in path.name),
    ]
)
SAMPLE_PLANS = sorted(FIXTURES.glob("*plan*.json"))
# malformed rosters whose fault is in one value's shape, which a schema can state; the others
# (an unknown period, a duplicate id, a start after its end) need the roster's other parts
SCHEMA_REJECTS = [
    "bad-choices.json",
    "bool-as-number.json",
    "cycle-without-weeks.json",
    "date-not-iso.json",
    "empty-id.json",
    "empty-lists.json",
    "format-missing.json",
    "format-plan.json",
    "format-version.json",
    "fractional-count.json",
    "id-with-slash.json",
    "impossible-time.json",
    "name-not-text.json",
    "negative-budgets.json",
    "negative-counts.json",
    "required-missing.json",
    "teacher-not-an-object.json",
    "teachers-not-a-list.json",
    "time-not-hh-mm.json",
    "top-level-list.json",
    "trust-out-of-range.json",
    "unknown-field.json",
    "unknown-policy-field.json",
    "unknown-top-field.json",
    "wrong-types.json",
]


def test_sample_rosters_and_plans_meet_the_committed_schemas() -> None:
    assert len(SAMPLE_ROSTERS) >= 10 and len(SAMPLE_PLANS) >= 3
    rosters, plans = _validator("roster"), _validator("plan")
    for path in SAMPLE_ROSTERS:
        errors = [error.message for error in rosters.iter_errors(json.loads(path.read_text()))]
        assert errors == [], path.name
    for path in SAMPLE_PLANS:
        errors = [error.message for error in plans.iter_errors(json.loads(path.read_text()))]
        assert errors == [], path.name


@pytest.mark.parametrize("name", SCHEMA_REJECTS)
def test_committed_roster_schema_rejects_malformed_rosters(name: str) -> None:
    document = json.loads((CORPUS / name).read_text())
    assert not _validator("roster").is_valid(document)


def test_trust_range_is_stated_in_json_schema_words() -> None:
    trust = json.loads((SCHEMAS / "roster.schema.json").read_text())["$defs"]["HistoryEntry"]
    stated = trust["properties"]["trust"]
    assert (stated["minimum"], stated["maximum"]) == (-1.0, 1.0)
    assert "ge" not in stated and "le" not in stated
    # a validator holds a rating of 1.5 to the range
    assert not _validator("roster").is_valid(
        {
            **json.loads((FIXTURES / "oakridge-tiny.json").read_text()),
            "history": [{"a": "t1", "b": "t2", "year": 2025, "trust": 1.5}],
        }
    )


def test_a_plan_is_not_a_roster_for_the_schema_either() -> None:
    plan = json.loads(SAMPLE_PLANS[0].read_text())
    assert not _validator("roster").is_valid(plan)

"""The published JSON Schemas of the roster and plan formats, generated from the models."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from pairwise.roster.models import PLAN_FORMAT, ROSTER_FORMAT, Plan, Roster


def schema(which: str) -> dict[str, Any]:
    """The JSON Schema of 'roster' or 'plan'."""
    model: type[BaseModel] = Roster if which == "roster" else Plan
    document = model.model_json_schema(mode="validation")
    identifier = {"roster": ROSTER_FORMAT, "plan": PLAN_FORMAT}[which]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://pairwise.invalid/schemas/{which}.schema.json",
        "title": identifier,
        **{key: value for key, value in document.items() if key != "title"},
    }


def schema_text(which: str) -> str:
    """The schema as the stable JSON text committed under `schemas/`."""
    return json.dumps(schema(which), indent=2, sort_keys=True) + "\n"

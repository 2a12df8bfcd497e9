"""The OpenAPI document: FastAPI's, with the roster and plan schemas taken from the format models.

Request bodies that carry a roster or a plan refer to `#/components/schemas/Roster` and `Plan`;
those (and every model they use) are generated here from `pairwise.roster.models`, the same models
`pairwise schema` publishes. Problem responses are declared as `application/problem+json`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from pairwise.roster.models import Plan, Roster
from pairwise.service.problems import PROBLEM_TYPE

REF_TEMPLATE = "#/components/schemas/{model}"


def _add_model(components: dict[str, Any], model: type[BaseModel]) -> None:
    document = model.model_json_schema(ref_template=REF_TEMPLATE, mode="validation")
    # the format's own schema wins over FastAPI's rendering of the same model for a response
    for name, definition in document.pop("$defs", {}).items():
        components[name] = definition
    components[model.__name__] = document


def _problem_media(document: dict[str, Any]) -> None:
    """Problem responses under `application/problem+json` (FastAPI files them as JSON)."""
    for path in document.get("paths", {}).values():
        for operation in path.values():
            for code, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if not str(code).startswith(("4", "5")) or PROBLEM_TYPE not in content:
                    continue
                schema = content.pop("application/json", {}).get("schema")
                if schema is not None:
                    content[PROBLEM_TYPE] = {"schema": schema}


def build_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is not None:
        return app.openapi_schema
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    components = document.setdefault("components", {}).setdefault("schemas", {})
    for model in (Roster, Plan):
        _add_model(components, model)
    _problem_media(document)
    app.openapi_schema = document
    return document

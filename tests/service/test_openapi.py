"""The OpenAPI document: the roster and plan schemas come from the format models, and no request
generated from the document (schemathesis, a bounded number of examples per operation) ends in a
server error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings

from pairwise.roster.models import Plan, Roster
from tests.service.server import Server, Servers

schemathesis = pytest.importorskip("schemathesis")
EXAMPLES = 12
"""Generated requests per operation: enough to reach every response kind, and quick."""


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("openapi")
    started = Servers(folder)
    # short jobs: generated rosters that happen to be valid are solved for real
    yield started.start(folder / "data", "--max-time-limit", "2", "--max-queued", "4")
    started.close()


@pytest.fixture(scope="module")
def api_schema(service: Server) -> Any:
    return schemathesis.openapi.from_url(f"{service.base}/openapi.json")


def test_no_generated_request_is_a_server_error(api_schema: Any, service: Server) -> None:
    # each operation's strategy driven by hypothesis here (schemathesis' pytest plugin does not
    # run under this pytest)
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: Any) -> None:
            response = case.call(base_url=service.base, timeout=60)
            assert response.status_code < 500, (case.method, case.formatted_path, response.text)
            if response.status_code >= 400:
                assert response.headers["content-type"] == ["application/problem+json"]
                assert response.json()["errors"]

        call()


def test_formats_are_the_models_schemas(service: Server) -> None:
    document = httpx.get(f"{service.base}/openapi.json").json()
    components = document["components"]["schemas"]
    for model in (Roster, Plan):
        generated = model.model_json_schema(ref_template="#/components/schemas/{model}")
        generated.pop("$defs", None)
        assert components[model.__name__] == generated
    solve = document["paths"]["/v1/solve"]["post"]
    content = solve["requestBody"]["content"]
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/Roster"}
    assert content["multipart/form-data"]["schema"]["properties"]["file"]["format"] == "binary"
    plan = document["paths"]["/v1/jobs/{job_id}/plan"]["get"]["responses"]["200"]
    assert plan["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Plan"}
    not_found = document["paths"]["/v1/jobs/{job_id}"]["get"]["responses"]["404"]
    assert list(not_found["content"]) == ["application/problem+json"]
    assert set(document["paths"]) >= {
        "/v1/solve",
        "/v1/whatif",
        "/v1/check",
        "/v1/explain",
        "/v1/validate",
        "/v1/jobs",
        "/v1/jobs/{job_id}",
        "/v1/jobs/{job_id}/events",
        "/v1/jobs/{job_id}/plan",
        "/v1/jobs/{job_id}/resume",
        "/v1/jobs/{job_id}/export.zip",
        "/v1/jobs/{job_id}/report.html",
    }


def test_docs_page_needs_no_network(service: Server, tmp_path: Path) -> None:
    # the admin page is served from the package; /docs is FastAPI's (it loads Swagger UI from a
    # CDN), so the README points at /openapi.json and the admin page instead
    page = httpx.get(f"{service.base}/")
    assert page.status_code == 200
    assert "http://" not in page.text and "https://" not in page.text
    script = httpx.get(f"{service.base}/page/app.js").text
    assert "http://" not in script and "https://" not in script
    assert "default-src 'self'" in page.headers["content-security-policy"]

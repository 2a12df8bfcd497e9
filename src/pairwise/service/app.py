"""`create_app`: the HTTP service as a FastAPI application (what `pairwise serve` runs).

    from pairwise.service import ServiceSettings, create_app
    app = create_app(ServiceSettings(data=Path("/var/lib/pairwise"), workers=2))
    # uvicorn.run(app, host="127.0.0.1", port=8000)

Starting it opens the job store (jobs that were running when the last process died come back
`interrupted`), starts the executor and takes queued jobs in order; stopping it asks running jobs
to stop and keeps the plans they return.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from pairwise import __version__
from pairwise.runs.executor import Solver
from pairwise.service.openapi import build_openapi
from pairwise.service.problems import install_handlers
from pairwise.service.routes import jobs, page, replan, tools
from pairwise.service.runner import JobRunner
from pairwise.service.settings import ServiceSettings
from pairwise.service.store import JobStore

ROUTERS = (jobs.router, replan.router, tools.router, page.router)
"""Every router the service serves (a `replan` router goes here once re-planning exists)."""

DESCRIPTION = """\
Solve teacher peer-coaching rosters (`pairwise/roster@1`) into plans (`pairwise/plan@1`).

Queue a solve with `POST /v1/solve` (a roster as JSON, or a workbook as multipart `file`), follow
it at `GET /v1/jobs/{id}` or live at `GET /v1/jobs/{id}/events`, and read the plan at
`GET /v1/jobs/{id}/plan`. Errors are problem details (RFC 9457) whose `errors` list every problem
as `path: message`. With a tokens file every call needs `Authorization: Bearer TOKEN`, and a token
sees only its own tenant's jobs.
"""


def create_app(settings: ServiceSettings, *, solver: Solver | None = None) -> FastAPI:
    """The service over the job store in `settings.data`; `solver` replaces the engine (tests)."""
    store = JobStore(settings.data)
    runner = JobRunner(store, settings, solver)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(runner.start)
        try:
            yield
        finally:
            await run_in_threadpool(runner.stop)
            store.close()

    app = FastAPI(
        title="pairwise",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.runner = runner
    install_handlers(app)
    for router in ROUTERS:
        app.include_router(router)

    def openapi() -> dict[str, Any]:
        return build_openapi(app)

    app.openapi = openapi  # type: ignore[method-assign]
    return app

"""`pairwise serve`: the HTTP service and the admin page (needs `pip install 'pairwise[service]'`).

Without `--tokens` it binds to loopback only and refuses any other address: a service reachable
from the network must know who calls it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import click

from pairwise.errors import InputError, PairwiseError, Problem
from pairwise.service.settings import (
    DEFAULT_PORT,
    MAX_BODY_BYTES,
    MAX_QUEUED_PER_TENANT,
    MAX_TEACHERS,
    MAX_TIME_LIMIT,
    Limits,
    ServiceSettings,
    default_data_folder,
    is_loopback,
    read_tokens,
)

SERVICE_HINT = "pip install 'pairwise[service]'"
NEEDED = ("fastapi", "uvicorn", "multipart")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True)
@click.option(
    "--data",
    "data",
    metavar="DIR",
    default=None,
    help=f"Folder of the job store (default: {default_data_folder()}).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Jobs solved at once, one core each (default: this machine's cores).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Run jobs on a running Dask scheduler (tcp://HOST:PORT) instead of local processes.",
)
@click.option(
    "--tokens",
    "tokens_path",
    metavar="FILE",
    default=None,
    help="Lines of 'TOKEN TENANT'; needed to listen on anything but loopback.",
)
@click.option(
    "--max-body-bytes", type=click.IntRange(min=1), default=MAX_BODY_BYTES, show_default=True
)
@click.option("--max-teachers", type=click.IntRange(min=1), default=MAX_TEACHERS, show_default=True)
@click.option(
    "--max-queued",
    type=click.IntRange(min=1),
    default=MAX_QUEUED_PER_TENANT,
    show_default=True,
    help="Jobs a tenant may have queued or running at once.",
)
@click.option(
    "--max-time-limit",
    type=click.FloatRange(min=0.1),
    default=MAX_TIME_LIMIT,
    show_default=True,
    help="Seconds a job may ask for.",
)
def command(
    host: str,
    port: int,
    data: str | None,
    workers: int | None,
    scheduler: str | None,
    tokens_path: str | None,
    max_body_bytes: int,
    max_teachers: int,
    max_queued: int,
    max_time_limit: float,
) -> None:
    """Serve the JSON API (/v1, OpenAPI at /openapi.json) and the admin page (/)."""
    missing = [name for name in NEEDED if importlib.util.find_spec(name) is None]
    if missing:
        raise PairwiseError(
            f"the service is not installed here (missing: {', '.join(missing)}): {SERVICE_HINT}"
        )
    tokens = read_tokens(tokens_path) if tokens_path is not None else None
    if tokens is None and not is_loopback(host):
        raise InputError(
            [
                Problem(
                    "--host",
                    f"'{host}' is reachable from other machines; give --tokens FILE "
                    "(lines of 'TOKEN TENANT') or listen on 127.0.0.1",
                )
            ]
        )
    from pairwise.runs.executor import machine_cores

    settings = ServiceSettings(
        data=Path(data) if data is not None else default_data_folder(),
        workers=workers or machine_cores(),
        scheduler=scheduler,
        tokens=tokens,
        limits=Limits(
            body_bytes=max_body_bytes,
            teachers=max_teachers,
            queued_per_tenant=max_queued,
            time_limit=max_time_limit,
        ),
    )
    run(settings, host, port)


def run(settings: ServiceSettings, host: str, port: int) -> None:
    """Start uvicorn on the service (until Ctrl-C or SIGTERM)."""
    import uvicorn

    from pairwise.service.app import create_app

    app = create_app(settings)
    where = f"[{host}]" if ":" in host else host
    click.echo(
        f"pairwise serve: http://{where}:{port}/ (API /v1, OpenAPI /openapi.json), "
        f"jobs in {settings.data}, {'tokens' if settings.tokens else 'no tokens (loopback)'}",
        err=True,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)

"""A service whose engine is `patient_solver` (for stopping, interrupting and resuming on cue):
`python -m tests.service.standin_server --data DIR --port PORT [--workers N] [--scheduler A]`."""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn

from pairwise.service.app import create_app
from pairwise.service.settings import ServiceSettings
from tests.service.standins import patient_solver


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--scheduler", default=None)
    arguments = parser.parse_args()
    settings = ServiceSettings(
        data=Path(arguments.data), workers=arguments.workers, scheduler=arguments.scheduler
    )
    app = create_app(settings, solver=patient_solver)
    uvicorn.run(app, host="127.0.0.1", port=arguments.port, log_level="warning")


if __name__ == "__main__":
    main()

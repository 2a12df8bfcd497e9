"""A real service on loopback for the tests: `pairwise serve` (or the stand-in engine's server)
in a process group of its own, reached over HTTP with httpx."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
INSTANCES = REPOSITORY / "instances"
STARTUP_SECONDS = 90.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    """One running service: its process (group), address, data folder and log."""

    process: subprocess.Popen[bytes]
    base: str
    data: Path
    log: Path
    clients: list[httpx.Client] = field(default_factory=list)

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        client = httpx.Client(base_url=self.base, headers=headers, timeout=60)
        self.clients.append(client)
        return client

    def stop(self) -> int:
        """SIGTERM, as a service manager stops it; returns the exit code."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(60)
        finally:
            self.kill()

    def kill(self) -> None:
        """SIGKILL to the whole group: the server, its pool and its manager, all at once."""
        for client in self.clients:
            client.close()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


class Servers:
    """Starts services and stops every one it started."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.started: list[Server] = []

    def start(self, data: Path, *options: str, standin: bool = False, workers: int = 1) -> Server:
        port = free_port()
        if standin:
            command = [sys.executable, "-m", "tests.service.standin_server"]
        else:
            command = [sys.executable, "-c", "from pairwise.cli import main; main()", "serve"]
        command += ["--data", str(data), "--port", str(port), "--workers", str(workers), *options]
        log = self.folder / f"server-{len(self.started)}.log"
        with log.open("wb") as stream:
            process = subprocess.Popen(
                command,
                cwd=REPOSITORY,
                stdout=stream,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = Server(process, f"http://127.0.0.1:{port}", data, log)
        self.started.append(server)
        _wait_until_up(server)
        return server

    def close(self) -> None:
        for server in self.started:
            if server.process.poll() is None:
                server.kill()


def _wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"the service exited with {server.process.returncode}:\n{server.output()}")
        try:
            if httpx.get(f"{server.base}/openapi.json", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the service did not answer within {STARTUP_SECONDS} s:\n{server.output()}")


def roster_text(name: str) -> str:
    return (INSTANCES / f"{name}.json").read_text()


def wait_for(client: httpx.Client, job_id: str, statuses: set[str], seconds: float = 120) -> Any:
    """The job's view once its status is one of `statuses`."""
    deadline = time.monotonic() + seconds
    view: Any = None
    while time.monotonic() < deadline:
        view = client.get(f"/v1/jobs/{job_id}").json()
        if view["status"] in statuses:
            return view
        time.sleep(0.1)
    pytest.fail(f"job {job_id} never reached {sorted(statuses)}: {view}")


FINISHED = {"optimal", "feasible", "infeasible", "failed", "cancelled", "interrupted"}

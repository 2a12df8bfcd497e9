from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.service.server import Servers

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Servers]:
    """Start services with `servers.start(data, ...)`; every one is stopped after the test."""
    started = Servers(tmp_path)
    yield started
    started.close()

"""`pairwise serve`: the HTTP service (FastAPI) over a job store, and the admin page.

Needs the `service` extra (`pip install 'pairwise[service]'`): FastAPI, uvicorn, python-multipart.
`create_app` and the settings load on first use, so this package imports without them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pairwise.service.app import create_app
    from pairwise.service.settings import Limits, ServiceSettings

_LAZY = {
    "create_app": "pairwise.service.app",
    "Limits": "pairwise.service.settings",
    "ServiceSettings": "pairwise.service.settings",
}

__all__ = ["Limits", "ServiceSettings", "create_app"]


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'pairwise.service' has no attribute '{name}'")
    return getattr(importlib.import_module(module_name), name)

"""How a service runs: where it keeps jobs, who may call it, and the limits on what they send.

The tokens file holds one `TOKEN TENANT` per line (whitespace between; `#` starts a comment). A
tenant is a school or a district; every token of a tenant sees the same jobs.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pairwise.errors import InputError, Problem

LOCAL_TENANT = "local"
"""The one tenant of a service started without a tokens file (loopback only)."""
DEFAULT_PORT = 8000
MAX_BODY_BYTES = 16 * 1024 * 1024
MAX_TEACHERS = 5000
MAX_QUEUED_PER_TENANT = 20
MAX_TIME_LIMIT = 600.0
DEFAULT_TIME_LIMIT = 30.0


@dataclass(frozen=True)
class Limits:
    """What one request may ask for; each refused with a 413 or 429 that names the limit."""

    body_bytes: int = MAX_BODY_BYTES
    teachers: int = MAX_TEACHERS
    queued_per_tenant: int = MAX_QUEUED_PER_TENANT
    time_limit: float = MAX_TIME_LIMIT


@dataclass(frozen=True)
class ServiceSettings:
    """Everything `create_app` needs; `tokens` maps a token to its tenant (None: no tokens)."""

    data: Path
    workers: int = 1
    scheduler: str | None = None
    tokens: dict[str, str] | None = None
    limits: Limits = field(default_factory=Limits)


def default_data_folder() -> Path:
    """The user's data folder for pairwise, as each system names it."""
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "pairwise"
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        return Path(base) / "pairwise"
    base = os.environ.get("XDG_DATA_HOME") or str(home / ".local" / "share")
    return Path(base) / "pairwise"


def read_tokens(path: str | Path) -> dict[str, str]:
    """Token -> tenant from a tokens file; every bad line named by its number."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem(source, "no such file")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError([Problem(source, f"cannot be read: {error}")]) from None
    tokens: dict[str, str] = {}
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        content = line.split("#", 1)[0].strip()
        if not content:
            continue
        parts = content.split()
        where = f"{source}:{number}"
        if len(parts) != 2:
            problems.append(Problem(where, "expected 'TOKEN TENANT' (two words)"))
        elif parts[0] in tokens:
            problems.append(Problem(where, "this token is already given to another line"))
        else:
            tokens[parts[0]] = parts[1]
    if not tokens and not problems:
        problems.append(Problem(source, "holds no token"))
    if problems:
        raise InputError(problems)
    return tokens


def is_loopback(host: str) -> bool:
    """Whether `host` binds only this machine (`localhost`, 127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False

"""Cross-reference problems reported beside shape problems, so that an admin sees every problem of a
workbook at once.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from pairwise.errors import Problem, format_path
from pairwise.roster.models import SKIP_CROSS_CHECK, Roster
from pairwise.roster.validate import cross_check

PATH_IN_TEXT = re.compile(
    r"\b(?:teachers|periods|cycles|teams|history|team_history|relations|policy)"
    r"(?:\[\d+\]|\.[a-z_]+)*"
)


# --- cross-reference problems beside shape problems --------------------------------------------------

# items nothing refers to by position: one with a shape problem can be left out of the cross-check
_DROPPABLE = re.compile(
    r"^(relations|history|team_history|policy\.cover_overrides|cycles\[\d+\]\.meetings)$"
)
_TOKEN = re.compile(r"([A-Za-z_]+)|\[(\d+)\]")


def _location(path: str) -> list[str | int]:
    return [name if name else int(index) for name, index in _TOKEN.findall(path)]


def _path(location: list[str | int]) -> str:
    return format_path(location)


def _field_required(location: list[str | int]) -> bool | None:
    """Whether the roster field at `location` is required (None when there is no such field)."""
    current: Any = Roster
    required = True
    for part in location:
        if isinstance(part, int):
            args = typing.get_args(current)
            if not args:
                return None
            current = args[0]
            continue
        while typing.get_origin(current) in (typing.Union, types.UnionType):
            options = [arg for arg in typing.get_args(current) if arg is not type(None)]
            current = options[0]
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        required = info.is_required()
        current = info.annotation
        while typing.get_origin(current) is typing.Annotated:
            current = typing.get_args(current)[0]
    return required


def cross_problems_beside_shape(data: dict[str, Any], shape: list[Problem]) -> list[Problem]:
    """The cross-reference problems a roster would have once its shape problems are fixed.

    The roster model checks cross-references only on a well-shaped roster; to report everything at
    once, each shape problem is set aside (an optional field dropped, or an item nothing refers to
    by position left out) and the rest is cross-checked, paths mapped back to the original items.
    """
    drop_fields: set[str] = set()
    drop_items: set[str] = set()
    for problem in shape:
        location = _location(problem.path)
        if not location:
            return []
        if _field_required(location) is False:
            drop_fields.add(_path(location))
            continue
        while location and not (
            isinstance(location[-1], int) and _DROPPABLE.match(_path(location[:-1]))
        ):
            location = location[:-1]
        if not location:
            return []
        drop_items.add(_path(location))
    kept: dict[str, list[int]] = {}

    def prune(node: Any, path: str) -> Any:
        if isinstance(node, dict):
            return {
                key: prune(value, f"{path}.{key}" if path else key)
                for key, value in node.items()
                if (f"{path}.{key}" if path else key) not in drop_fields
            }
        if isinstance(node, list):
            kept[path] = [i for i in range(len(node)) if f"{path}[{i}]" not in drop_items]
            return [prune(node[i], f"{path}[{i}]") for i in kept[path]]
        return node

    try:
        repaired = Roster.model_validate(prune(data, ""), context={SKIP_CROSS_CHECK: True})
    except ValidationError:
        return []

    def original(path: str) -> str:
        rebuilt: list[str | int] = []
        for part in _location(path):
            if isinstance(part, int):
                positions = kept.get(_path(rebuilt), [])
                part = positions[part] if part < len(positions) else part
            rebuilt.append(part)
        return _path(rebuilt)

    return [
        Problem(
            original(problem.path),
            PATH_IN_TEXT.sub(lambda m: original(m.group(0)), problem.message),
        )
        for problem in cross_check(repaired)
    ]

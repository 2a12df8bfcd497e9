"""The generator's entry points: a seeded synthetic roster as a model, as JSON data and as text."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from pairwise.errors import InputError, Problem
from pairwise.generate.generator import Generator
from pairwise.generate.vocabulary import KINDS, MOST_SCHOOLS, MOST_TEACHERS
from pairwise.roster.load import roster_from_data
from pairwise.roster.models import Roster


def generate_roster(
    teachers: int,
    *,
    schools: int = 1,
    kind: str = "elementary",
    seed: int = 0,
    year: int = 2026,
) -> Roster:
    """A realistic synthetic roster of `teachers` teachers over `schools` schools, valid."""
    return roster_from_data(
        generate_data(teachers, schools=schools, kind=kind, seed=seed, year=year)
    )


def generate_data(
    teachers: int,
    *,
    schools: int = 1,
    kind: str = "elementary",
    seed: int = 0,
    year: int = 2026,
) -> dict[str, Any]:
    """The roster of `generate_roster` as parsed JSON (before validation)."""
    problems = []
    if kind not in KINDS:
        problems.append(Problem("kind", f"'{kind}' is not one of {', '.join(KINDS)}"))
    if schools < 1:
        problems.append(Problem("schools", "must be at least 1"))
    elif schools > MOST_SCHOOLS:
        problems.append(Problem("schools", f"at most {MOST_SCHOOLS} schools"))
    if teachers < 4 * max(1, schools):
        problems.append(Problem("teachers", "must be at least 4 per school"))
    if teachers > MOST_TEACHERS:
        problems.append(Problem("teachers", f"at most {MOST_TEACHERS:,} teachers"))
    if not 1900 <= year <= 2200:
        problems.append(Problem("year", f"{year} is not a plausible school year"))
    if problems:
        raise InputError(problems)
    generator = Generator(seed, year)
    return generator.build(teachers, schools, kind)  # type: ignore[arg-type]


def roster_text(roster: Roster, *, compact: bool = False) -> str:
    """A roster as JSON text, fields at their defaults left out except the policy's (written in
    full so a reader sees every rule); one line per period, team, teacher, entry and relation."""
    data: dict[str, Any] = {}
    for name in Roster.model_fields:
        value = getattr(roster, name)
        if name == "policy":
            data[name] = value.model_dump(mode="json", exclude_none=True)
        elif isinstance(value, list):
            data[name] = [item.model_dump(mode="json", exclude_defaults=True) for item in value]
        elif isinstance(value, BaseModel):
            data[name] = value.model_dump(mode="json", exclude_none=True)
        elif value is not None:
            data[name] = value
    if compact:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    lines = ["{"]
    keys = list(data)
    for position, key in enumerate(keys):
        value = data[key]
        ending = "," if position < len(keys) - 1 else ""
        if isinstance(value, list) and value:
            lines.append(f"  {json.dumps(key)}: [")
            for index, item in enumerate(value):
                comma = "," if index < len(value) - 1 else ""
                lines.append(f"    {json.dumps(item, ensure_ascii=False)}{comma}")
            lines.append(f"  ]{ending}")
        elif isinstance(value, dict):
            lines.append(f"  {json.dumps(key)}: {{")
            inner_keys = list(value)
            for index, inner_key in enumerate(inner_keys):
                comma = "," if index < len(inner_keys) - 1 else ""
                inner = value[inner_key]
                if isinstance(inner, list) and inner:
                    items = ",\n".join(f"      {json.dumps(item)}" for item in inner)
                    lines.append(f"    {json.dumps(inner_key)}: [\n{items}\n    ]{comma}")
                else:
                    lines.append(f"    {json.dumps(inner_key)}: {json.dumps(inner)}{comma}")
            lines.append(f"  }}{ending}")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{ending}")
    lines.append("}")
    return "\n".join(lines) + "\n"

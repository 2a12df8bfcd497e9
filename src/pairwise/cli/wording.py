"""Counted words for what the command line prints: `1 week`, `2 weeks`, `1 triad`."""

from __future__ import annotations

IRREGULAR_PLURALS = {"activity": "activities", "child": "children", "person": "people"}


def counted(count: int, noun: str) -> str:
    """`count` and the noun, singular for exactly one (`1 week`, `0 weeks`, `3 triads`)."""
    if count == 1:
        return f"{count} {noun}"
    plural = IRREGULAR_PLURALS.get(noun)
    if plural is None:
        plural = f"{noun}es" if noun.endswith(("s", "x", "ch", "sh")) else f"{noun}s"
    return f"{count} {plural}"

"""The project's own error types: every problem with the input as `path: message`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem with the input, located by a roster path (`teachers[3].teaches[1]`)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class PairwiseError(Exception):
    """Base class of every error pairwise raises on purpose."""


class InputError(PairwiseError):
    """Bad input: a file that cannot be read, parsed or validated. Carries every problem at once."""

    def __init__(self, problems: Iterable[Problem], source: str | None = None) -> None:
        self.problems: list[Problem] = list(problems)
        self.source = source
        super().__init__("\n".join(str(problem) for problem in self.problems))


def format_path(location: Sequence[str | int]) -> str:
    """Render a location tuple as `teachers[3].teaches[1]`."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        elif text:
            text += f".{part}"
        else:
            text = str(part)
    return text

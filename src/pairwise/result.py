"""What a solve returns, and the progress it reports while it runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from pairwise.roster.models import Plan

Status = Literal["optimal", "feasible", "infeasible", "unknown"]


@dataclass(frozen=True)
class Progress:
    """One progress report: the best objective so far, the proven bound, and the time spent."""

    objective: int | None
    bound: int | None
    seconds: float
    phase: str = ""

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return relative_gap(self.objective, self.bound)


ProgressCallback = Callable[[Progress], None]


def relative_gap(objective: int, bound: int) -> float:
    """`(bound - objective) / max(1, |bound|)`, never negative; 0.0 when proven."""
    return max(0.0, (bound - objective) / max(1, abs(bound)))


@dataclass
class Result:
    """The outcome of `solve`: status, objective and bound, and the plan when one was found.

    `status` is "unknown" when the time ran out before any plan was found (exit code 4).
    """

    status: Status
    objective: int | None
    bound: int | None
    plan: Plan | None
    seconds: float
    stats: dict[str, float | int | str] = field(default_factory=dict)

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return relative_gap(self.objective, self.bound)

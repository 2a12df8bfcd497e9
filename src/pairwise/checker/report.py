"""What the independent checker reports: each broken rule, the recomputed terms and objective."""

from __future__ import annotations

from dataclasses import dataclass, field

INCONSISTENT = 0  # not a hard-rule break, but the plan contradicts itself or the roster


@dataclass(frozen=True)
class Violation:
    """One broken hard rule (1..9), or rule 0: a plan inconsistent with itself or the roster."""

    rule: int
    message: str

    def __str__(self) -> str:
        prefix = f"rule {self.rule}" if self.rule else "inconsistent"
        return f"{prefix}: {self.message}"


@dataclass
class CheckReport:
    """Every broken rule, the recomputed terms and objective, and where the plan's statement differs."""

    violations: list[Violation] = field(default_factory=list)
    terms: dict[str, int] = field(default_factory=dict)
    objective: int = 0
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations and not self.mismatches

    @property
    def broken_rules(self) -> list[int]:
        """The distinct rule numbers broken (0 for inconsistencies), in order."""
        return sorted({violation.rule for violation in self.violations})

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "violations": [
                {"rule": violation.rule, "message": violation.message}
                for violation in self.violations
            ],
            "terms": dict(self.terms),
            "objective": self.objective,
            "mismatches": list(self.mismatches),
        }

"""What `explain` reports: the rules it names, pre-check findings, conflict sets and relaxations, and the
plain-text form of an explanation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["conflict", "warning"]
Status = Literal["feasible", "infeasible", "unknown"]

YEAR = "year"  # the one rotation period under `rotation: year`
MAX_CONFLICTS = 6  # conflict sets reported before giving up on making the roster solvable
MAX_SINGLE_EDITS = 12  # unavailable entries tried one by one before removing them together

# Order of rule kinds in a conflict set, and the order in which relaxations are preferred when
# one is applied to look for the next conflict: the cheapest decision to change first.
RULE_KINDS: tuple[str, ...] = (
    "lock",
    "avoid",
    "evaluator",
    "participates",
    "cross_school_pairs",
    "allow_triads",
    "reciprocal",
    "no_repeat",
    "unavailable",
    "cover_per_period",
    "cover_override",
    "max_release",
    "release_budget",
    "tables",
)
# the hard rule (docs/rules.md) each kind of roster rule belongs to
HARD_RULE: dict[str, int] = {
    "lock": 2,
    "avoid": 2,
    "evaluator": 2,
    "cross_school_pairs": 2,
    "participates": 1,
    "allow_triads": 1,
    "reciprocal": 4,
    "no_repeat": 3,
    "unavailable": 5,
    "cover_per_period": 7,
    "cover_override": 7,
    "max_release": 7,
    "release_budget": 7,
    "tables": 9,
}
RULES_DOCUMENT = "docs/rules.md"


def rule_reference(kind: str) -> str:
    """` (rule 2, docs/rules.md#rule-2)`: where the hard rule behind a roster rule is described."""
    number = HARD_RULE.get(kind)
    return f" (rule {number}, {RULES_DOCUMENT}#rule-{number})" if number else ""


PREFERENCE: tuple[str, ...] = (
    "tables",
    "release_budget",
    "max_release",
    "cover_override",
    "cover_per_period",
    "unavailable",
    "allow_triads",
    "reciprocal",
    "participates",
    "cross_school_pairs",
    "lock",
    "avoid",
    "no_repeat",
    "evaluator",
)


@dataclass(frozen=True, order=True)
class Rule:
    """One group of a roster's rules that can be relaxed together (one assumption literal)."""

    kind: str
    subject: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """`lock:t04/t09`, `tables:fall/fall-pd`, `release_budget` (an unnamed school is left out)."""
        parts = [part for part in self.subject if part]
        return f"{self.kind}:{'/'.join(parts)}" if parts else self.kind


@dataclass(frozen=True)
class Finding:
    """One pre-check result: a conflict (the roster cannot be solved) or a warning."""

    check: str
    severity: Severity
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"check": self.check, "severity": self.severity, "message": self.message}


@dataclass(frozen=True)
class ConflictRule:
    """One member of a conflict set, in words."""

    rule: str
    kind: str
    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "kind": self.kind, "path": self.path, "message": self.message}


@dataclass
class Conflict:
    """A set of rules that cannot all hold; `minimal` when dropping any one was proven to help."""

    number: int
    rules: list[ConflictRule]
    facts: list[str]
    minimal: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "conflict": self.number,
            "minimal": self.minimal,
            "rules": [rule.as_dict() for rule in self.rules],
            "facts": list(self.facts),
        }


@dataclass
class Relaxation:
    """A change to the roster that relaxes one member of a conflict set, and what solving showed.

    `resolves_conflict`: the conflict's rules can then all hold; `solves_roster`: the whole roster
    (with the relaxations applied for earlier conflicts) then has a plan. Both are None unless
    `checked`. `applied` marks the one used to look for the next conflict.
    """

    conflict: int
    rule: str
    action: str
    path: str
    old: Any = None
    new: Any = None
    checked: bool = False
    resolves_conflict: bool | None = None
    solves_roster: bool | None = None
    applied: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "conflict": self.conflict,
            "rule": self.rule,
            "action": self.action,
            "path": self.path,
            "from": self.old,
            "to": self.new,
            "checked": self.checked,
            "resolves_conflict": self.resolves_conflict,
            "solves_roster": self.solves_roster,
            "applied": self.applied,
        }


@dataclass
class Explanation:
    """What `explain` found: the verdict, pre-check findings, conflict sets and relaxations.

    `status` is "unknown" when the time ran out before feasibility was decided. `solvable_after`
    says whether the applied relaxations together were checked to make the roster solvable.
    """

    roster: str
    status: Status
    prechecks: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    relaxations: list[Relaxation] = field(default_factory=list)
    solvable_after: bool | None = None

    @property
    def feasible(self) -> bool:
        return self.status == "feasible"

    def as_dict(self) -> dict[str, Any]:
        """A stable JSON-ready document (no timings)."""
        return {
            "roster": self.roster,
            "status": self.status,
            "feasible": self.feasible,
            "prechecks": [finding.as_dict() for finding in self.prechecks],
            "warnings": [finding.as_dict() for finding in self.warnings],
            "conflicts": [conflict.as_dict() for conflict in self.conflicts],
            "relaxations": [relaxation.as_dict() for relaxation in self.relaxations],
            "solvable_after": self.solvable_after,
        }


def format_explanation(explanation: Explanation) -> str:
    """The explanation as plain text, for `pairwise explain` and for `solve` on no plan."""
    lines: list[str] = []
    if explanation.status == "feasible":
        lines.append(f"{explanation.roster}: a plan exists (every hard rule can hold).")
    elif explanation.status == "infeasible":
        lines.append(f"{explanation.roster}: no plan can meet every hard rule.")
    else:
        lines.append(f"{explanation.roster}: the time ran out before feasibility was decided.")
    if explanation.prechecks:
        lines += ["", "Pre-checks found:"]
        lines += [f"  - {finding.message}" for finding in explanation.prechecks]
    for conflict in explanation.conflicts:
        lines.append("")
        if conflict.minimal:
            lines.append(
                f"Conflict {conflict.number}: these rules cannot all hold "
                "(relaxing any one of them lets the rest hold):"
            )
        else:
            lines.append(
                f"Conflict {conflict.number}: these rules cannot all hold "
                "(not proven minimal: the time ran out):"
            )
        for position, rule in enumerate(conflict.rules, start=1):
            lines.append(f"  {position}. {rule.message} [{rule.path}]{rule_reference(rule.kind)}")
        if conflict.facts:
            lines.append("  where:")
            lines += [f"    {sentence}" for sentence in conflict.facts]
        relaxations = [r for r in explanation.relaxations if r.conflict == conflict.number]
        if relaxations:
            lines.append("  relax one of:")
            for relaxation in relaxations:
                lines.append(
                    f"    {'*' if relaxation.applied else '-'} {relaxation.action}{_verdict(relaxation)}"
                )
    if explanation.conflicts:
        lines.append("")
        marked = any(r.applied for r in explanation.relaxations)
        if explanation.solvable_after:
            lines.append("Applying the relaxations marked * makes the roster solvable (checked).")
        elif marked and explanation.solvable_after is False:
            lines.append(
                f"Applying the relaxations marked * still leaves conflicts beyond these "
                f"{len(explanation.conflicts)}."
            )
        elif marked:
            lines.append("Whether the relaxations marked * suffice was not decided in time.")
    if explanation.warnings:
        lines += ["", "Warnings:"]
        lines += [f"  - {finding.message}" for finding in explanation.warnings]
    return "\n".join(lines)


def _verdict(relaxation: Relaxation) -> str:
    if not relaxation.checked:
        if relaxation.resolves_conflict is None and relaxation.action.startswith("none"):
            return ""
        return " (not checked: the time ran out)"
    if relaxation.solves_roster:
        return " — checked: the roster then has a plan"
    if relaxation.resolves_conflict:
        return " — checked: resolves this conflict, but others remain"
    return " — checked: not enough on its own"

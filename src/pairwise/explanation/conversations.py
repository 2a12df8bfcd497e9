"""Rule 10 in `explain`: conversations never make a roster infeasible (a visit left without its
debrief is listed in the plan with why), but some rosters leave no room for them at all; these
warnings say so before a plan is made.
"""

from __future__ import annotations

from pairwise.explanation.report import Finding
from pairwise.roster.models import Roster


def conversation_warnings(roster: Roster) -> list[Finding]:
    """Teachers who are never free for a debrief, and a tandem policy no pair can use."""
    findings = []
    periods = {period.id for period in roster.periods}
    for index, teacher in enumerate(roster.teachers):
        if not teacher.participates:
            continue
        weekly_off = {entry for entry in teacher.unavailable if "/" not in entry}
        free = periods - set(teacher.teaches) - weekly_off
        if not free:
            findings.append(
                Finding(
                    "no-debrief-period",
                    "warning",
                    f"{teacher.id} teaches or is unavailable in every period "
                    f"(teachers[{index}]): no debrief or planning conversation can be booked "
                    "with them (rule 10); their visits will be listed without one",
                )
            )
    policy = roster.policy
    willing = [t.id for t in roster.teachers if t.tandem and t.participates]
    if policy.tandem and not policy.reciprocal:
        findings.append(
            Finding(
                "tandem-one-way",
                "warning",
                "policy.tandem is on but visits are one way (policy.reciprocal is false): "
                "co-taught lessons need a pair that visits both ways (rule 10)",
            )
        )
    elif policy.tandem and len(willing) < 2:
        findings.append(
            Finding(
                "tandem-nobody",
                "warning",
                "policy.tandem is on but fewer than two participating teachers are tandem: "
                "no lesson can be co-taught (rule 10)",
            )
        )
    elif willing and not policy.tandem:
        findings.append(
            Finding(
                "tandem-off",
                "warning",
                f"{len(willing)} teachers are tandem but policy.tandem is off: "
                "no lesson will be co-taught",
            )
        )
    return findings

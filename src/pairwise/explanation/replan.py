"""Why a re-plan has no plan: the kept part of the year and the updated roster in conflict.

The re-plan keeps every session before its first day and the partnerships of started cycles (and,
under `rotation: year`, every partnership whose members all stay). A rule that needs something
else of those teachers can then not hold; this names such conflicts with the kept sessions behind
them. Anything else is a conflict of the roster itself, for `explain`.
"""

from __future__ import annotations

import datetime as dt

from pairwise.engine.candidates import Candidates
from pairwise.engine.replan.frame import Frame
from pairwise.roster.models import Plan, Roster
from pairwise.roster.objective import Scoring

SEPARATIONS = {
    "does not participate": "one of them no longer takes part",
    "avoid": "they are an avoid relation",
    "evaluator": "one evaluates the other",
    "school": "they work at different schools",
}


def replan_conflicts(roster: Roster, plan: Plan, start: dt.date) -> list[str]:
    """Each conflict between the kept part of the year and the updated roster, in words."""
    scoring = Scoring(roster)
    frame = Frame(roster, plan, start, Candidates(roster, scoring), scoring)
    conflicts = []
    candidates = frame.candidates
    for a, b in candidates.locks:
        if candidates.edge(a, b) in frame.partnered_edges:
            continue
        if any(a in c.members and b in c.members for c in frame.new_partnerships):
            continue
        conflicts.append(_lock_conflict(frame, plan, a, b))
    return conflicts


def _lock_conflict(frame: Frame, plan: Plan, a: str, b: str) -> str:
    head = f"{a} and {b} are locked together, but they were not partners before {frame.start}"
    for teacher in (a, b):
        absence = frame.absence(teacher)
        if absence is not None and all(frame.member_gone(teacher, c) for c in frame.ahead):
            return (
                f"{head} and {absence}: drop the lock (relations) or re-plan from an earlier date"
            )
    for teacher in (a, b):
        kept = [
            p
            for p in plan.partnerships
            if teacher in p.members and frame.continuing.get(p.id) == frame.ahead
        ]
        if kept and frame.ahead:
            partners = [m for m in kept[0].members if m != teacher]
            sessions = [
                v.slot for v in plan.visits if v.partnership == kept[0].id and frame.kept(v.slot)
            ]
            since = f" (kept sessions from {min(sessions)})" if sessions else ""
            return (
                f"{head}, and {teacher} keeps partnership {kept[0].id} with "
                f"{', '.join(partners)} for the rest of the year{since}: drop the lock, or end "
                f"that partnership (a member's end_date or participates: false)"
            )
    if not frame.ahead:
        return f"{head}, and no cycle starts on or after {frame.start}: drop the lock"
    reason = frame.candidates.separation_reason(a, b)
    if reason is not None:
        return f"{head}, and {SEPARATIONS.get(reason, reason)}: drop the lock"
    return (
        f"{head}, and no slot from {frame.start} lets them make every visit of a cycle ahead: "
        "drop the lock or free their timetables"
    )

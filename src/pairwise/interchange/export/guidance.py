"""What a teacher brings to each session: roadmaps, the actions due by then, the evidence to look
for, the prompts, and when and where the conversation after it is. Shared by the calendars and the
printable teacher pages.

Privacy lives here too: `partners_of` is everyone whose priority and roadmap a teacher may see
(their partners, and their sabbatical coach or coachees); nothing else about anyone reaches a
teacher-facing file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pairwise.interchange.export.common import name_of, slot_times
from pairwise.roster.guides import GuideKind, prompts
from pairwise.roster.models import (
    Conversation,
    Plan,
    Roadmap,
    Roster,
    Team,
    UnplacedConversation,
    Visit,
    parse_slot,
)

VisitKey = tuple[str, str, str, str]
"""(host, visitor, cycle, slot) of a peer visit."""


def visit_key(visit: Visit) -> VisitKey:
    return (visit.host, visit.visitor, visit.cycle, visit.slot)


@dataclass
class ConversationIndex:
    """Each visit's debrief and planning conversation, or why it has none."""

    debrief: dict[VisitKey, Conversation]
    planning: dict[VisitKey, Conversation]
    unplaced: dict[tuple[str, VisitKey], UnplacedConversation]

    @classmethod
    def of(cls, plan: Plan) -> ConversationIndex:
        debrief: dict[VisitKey, Conversation] = {}
        planning: dict[VisitKey, Conversation] = {}
        for conversation in plan.conversations:
            reference = conversation.visit
            key = (reference.host, reference.visitor, reference.cycle, reference.slot)
            (debrief if conversation.kind == "debrief" else planning)[key] = conversation
        unplaced: dict[tuple[str, VisitKey], UnplacedConversation] = {}
        for entry in plan.unplaced_conversations:
            reference = entry.visit
            key = (reference.host, reference.visitor, reference.cycle, reference.slot)
            unplaced[entry.kind, key] = entry
        return cls(debrief, planning, unplaced)


def partners_of(plan: Plan, teacher_id: str) -> list[str]:
    """Whose priority and roadmap a teacher may see besides their own: partners, and the coach or
    coachees of their sabbatical visits, in first-seen order."""
    seen: dict[str, None] = {}
    for partnership in plan.partnerships:
        if teacher_id in partnership.members:
            for member in partnership.members:
                if member != teacher_id:
                    seen.setdefault(member, None)
    for visit in plan.sabbatical_visits:
        if visit.coach == teacher_id:
            seen.setdefault(visit.coachee, None)
        elif visit.coachee == teacher_id:
            seen.setdefault(visit.coach, None)
    return list(seen)


def when(roster: Roster, slot: str) -> str:
    """`Tuesday 6 October 2026, 13:25-14:20`."""
    start, end = slot_times(roster, slot)
    return f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M}-{end:%H:%M}"


def place(roster: Roster, host_id: str) -> str:
    """Where a conversation is held: the host's room, else 'to agree between you'."""
    room = roster.teacher_by_id[host_id].room
    return f"in {room.strip()}" if room and room.strip() else "place to agree between you"


def due_by(roadmap: Roadmap, day: dt.date) -> list[str]:
    """The roadmap's actions due on or before `day`, as `action (due DATE)`."""
    return [
        f"{action.action} (due {action.due})"
        for action in sorted(roadmap.actions, key=lambda a: a.due)
        if dt.date.fromisoformat(action.due) <= day
    ]


def bullets(title: str, lines: list[str]) -> str:
    """A titled list as calendar text; empty when there is nothing to list."""
    if not lines:
        return ""
    return f"\n\n{title}:\n" + "\n".join(f"- {line}" for line in lines)


def teacher_subject(roster: Roster, teacher_id: str, day: dt.date, *, own: bool) -> str:
    """A teacher's priority, goal, the actions due by `day` and the evidence, as calendar text."""
    teacher = roster.teacher_by_id[teacher_id]
    whose = "Your" if own else f"{name_of(roster, teacher_id)}'s"
    parts = []
    if teacher.priority:
        parts.append(f"\n\n{whose} priority: {teacher.priority}.")
    roadmap = teacher.roadmap
    if roadmap is not None:
        if roadmap.goal.strip():
            parts.append(f"\n{whose} goal: {roadmap.goal.strip()}")
        parts.append(bullets("Roadmap actions due by then", due_by(roadmap, day)))
        evidence_title = "Evidence of progress" if own else "Evidence to look for"
        parts.append(bullets(evidence_title, list(roadmap.evidence)))
    return "".join(parts)


def team_subject(team: Team, day: dt.date) -> str:
    """A team's priority and roadmap (actions due by `day`, evidence) as calendar text."""
    parts = [f"\n\nTeam {team.id}" + (f": priority {team.priority}." if team.priority else ".")]
    if team.roadmap is not None:
        if team.roadmap.goal.strip():
            parts.append(f"\nGoal: {team.roadmap.goal.strip()}")
        parts.append(bullets("Actions due by then", due_by(team.roadmap, day)))
        parts.append(bullets("Evidence", list(team.roadmap.evidence)))
    return "".join(parts)


def prompt_text(roster: Roster, kind: GuideKind) -> str:
    titles = {
        "visit": "While you watch",
        "debrief": "For the debrief",
        "planning": "For the planning",
        "table": "At the table",
    }
    return bullets(titles[kind], prompts(roster, kind))


def debrief_line(roster: Roster, index: ConversationIndex, visit: Visit) -> str:
    """When and where the debrief after a visit is, or why none could be booked."""
    key = visit_key(visit)
    conversation = index.debrief.get(key)
    if conversation is not None:
        return f"\n\nDebrief: {when(roster, conversation.slot)}, {place(roster, visit.host)}."
    unplaced = index.unplaced.get(("debrief", key))
    why = f" ({unplaced.why})" if unplaced is not None else ""
    return f"\n\nDebrief: not booked{why}; agree on a time together soon after the visit."


def planning_line(roster: Roster, index: ConversationIndex, visit: Visit) -> str:
    """When and where a co-taught lesson is planned (empty for a plain visit)."""
    conversation = index.planning.get(visit_key(visit))
    if visit.mode != "co-teach" or conversation is None:
        return ""
    return f"\n\nPlanning: {when(roster, conversation.slot)}, {place(roster, visit.host)}."


def visit_day(visit: Visit) -> dt.date:
    return parse_slot(visit.slot)[0]

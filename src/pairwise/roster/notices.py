"""Warnings about a valid roster: things it holds that are allowed but most likely not meant.

Nothing here refuses a roster. Each notice is a `Problem` (a roster path and a message), so a
workbook reader can name the cell instead of the path.
- A topic (priority, strength, coaching topic) that no other teacher or team uses and that is
  near one that others use (`Literacy` beside `literacy`, `formative assesment`): free-text
  topics only match when spelled alike, so such a typo silently loses a complementary match.
- A topic outside a given list (the workbook's Topics sheet).
- A meeting dated outside its cycle's weeks (on a Saturday after the cycle's last week, say).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from pairwise.errors import Problem
from pairwise.roster.models import Roster

# how alike two spellings must be (difflib's ratio on the folded text) to call one a typo
TYPO_SIMILARITY = 0.85
# shorter topics differ by a letter and mean different things ("art", "arts"; "pe", "re")
SHORTEST_TYPO = 5


@dataclass(frozen=True)
class TopicUse:
    """One place a topic is written: its roster path, the owner (a teacher or team id) and role."""

    path: str
    owner: str
    role: str  # "priority", "strength", "coaching topic"
    topic: str


def topic_uses(roster: Roster) -> list[TopicUse]:
    """Every place a topic is written in the roster, in file order."""
    uses: list[TopicUse] = []
    for i, team in enumerate(roster.teams):
        if team.priority:
            uses.append(
                TopicUse(f"teams[{i}].priority", f"team:{team.id}", "priority", team.priority)
            )
    for i, teacher in enumerate(roster.teachers):
        owner = f"teacher:{teacher.id}"
        if teacher.priority:
            uses.append(TopicUse(f"teachers[{i}].priority", owner, "priority", teacher.priority))
        for j, strength in enumerate(teacher.strengths):
            uses.append(TopicUse(f"teachers[{i}].strengths[{j}]", owner, "strength", strength))
        if teacher.sabbatical is not None:
            for j, topic in enumerate(teacher.sabbatical.topics):
                path = f"teachers[{i}].sabbatical.topics[{j}]"
                uses.append(TopicUse(path, owner, "coaching topic", topic))
    return uses


def fold(topic: str) -> str:
    """A topic as compared for typos: case, spaces, hyphens and underscores ignored."""
    return "".join(character for character in topic.casefold() if character.isalnum())


def _near(topic: str, others: Collection[str]) -> str | None:
    folded = fold(topic)
    same = sorted(other for other in others if fold(other) == folded)
    if same:
        return same[0]
    if len(folded) < SHORTEST_TYPO:
        return None
    digits = [character for character in folded if character.isdigit()]
    scored = sorted(
        (difflib.SequenceMatcher(None, folded, fold(other)).ratio(), other)
        for other in others
        # topics that differ in a number ('grade 3 writing', 'grade 4 writing') are not typos
        if len(fold(other)) >= SHORTEST_TYPO
        and [character for character in fold(other) if character.isdigit()] == digits
    )
    if scored and scored[-1][0] >= TYPO_SIMILARITY:
        return scored[-1][1]
    return None


def topic_typos(roster: Roster) -> list[Problem]:
    """A priority or strength nobody else uses that is near a topic others use."""
    uses = topic_uses(roster)
    owners: dict[str, set[str]] = defaultdict(set)
    for use in uses:
        owners[use.topic].add(use.owner)
    notices = []
    warned: set[tuple[str, str]] = set()
    for use in uses:
        if owners[use.topic] != {use.owner} or (use.owner, use.topic) in warned:
            continue
        shared = [
            topic for topic, who in owners.items() if topic != use.topic and who - {use.owner}
        ]
        nearest = _near(use.topic, shared)
        if nearest is None:
            continue
        warned.add((use.owner, use.topic))
        count = len(owners[nearest] - {use.owner})
        notices.append(
            Problem(
                use.path,
                f"topic '{use.topic}' is used by no other teacher or team, but '{nearest}' is "
                f"({count} other{'s' if count != 1 else ''}); topics match only when spelled "
                f"alike: did you mean '{nearest}'?",
            )
        )
    return notices


def topics_outside(roster: Roster, listed: Collection[str]) -> list[Problem]:
    """Each topic not among `listed` (a workbook's Topics sheet), with the nearest listed one."""
    known = set(listed)
    notices = []
    for use in topic_uses(roster):
        if use.topic in known:
            continue
        nearest = _near(use.topic, known)
        hint = f"; did you mean '{nearest}'?" if nearest else ""
        notices.append(Problem(use.path, f"topic '{use.topic}' is not on the Topics sheet{hint}"))
    return notices


def meetings_outside_weeks(roster: Roster) -> list[Problem]:
    """Each meeting whose date lies in none of its cycle's weeks (Monday to Sunday)."""
    notices = []
    for c, cycle in enumerate(roster.cycles):
        weeks = [dt.date.fromisoformat(week) for week in cycle.weeks]
        for m, meeting in enumerate(cycle.meetings):
            day = dt.date.fromisoformat(meeting.date)
            if any(monday <= day <= monday + dt.timedelta(days=6) for monday in weeks):
                continue
            notices.append(
                Problem(
                    f"cycles[{c}].meetings[{m}].date",
                    f"meeting '{meeting.id}' on {day.strftime('%A')} {meeting.date} is outside "
                    f"the weeks of cycle '{cycle.id}' ({min(weeks).isoformat()} to "
                    f"{(max(weeks) + dt.timedelta(days=6)).isoformat()}); is the date right?",
                )
            )
    return notices


def roster_notices(roster: Roster, topics: Collection[str] | None = None) -> list[Problem]:
    """Every warning about a valid roster; `topics`: the topics a workbook offers, when it has any."""
    notices = topic_typos(roster) + meetings_outside_weeks(roster)
    if topics:
        notices += topics_outside(roster, topics)
    return notices

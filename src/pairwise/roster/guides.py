"""The prompts and sentence starters each kind of session carries: the roster's, else built-in ones.

The built-in guides are non-evaluative on purpose: they ask about evidence and next steps, never
for a judgement of the teacher.
"""

from __future__ import annotations

from typing import Literal

from pairwise.roster.models import Roster

GuideKind = Literal["visit", "debrief", "planning", "table"]
GUIDE_KINDS: tuple[GuideKind, ...] = ("visit", "debrief", "planning", "table")

DEFAULT_GUIDES: dict[GuideKind, tuple[str, ...]] = {
    "visit": (
        "Watch for the evidence your host named in their roadmap; write down what you see and hear.",
        "Note what students say and do, word for word where you can.",
        "Write questions, not judgements: 'I noticed...', 'I wondered...'.",
    ),
    "debrief": (
        "Host first: what did you try from your roadmap, and what did you notice?",
        "Visitor: 'I noticed...' - share what you saw, tied to the host's evidence.",
        "Together: 'What might happen if...?' - one next step before the next visit.",
        "The host keeps the notes; they stay between the two of you.",
    ),
    "planning": (
        "Which part of the lesson does each of you lead?",
        "Which evidence of the host's priority will the lesson make visible?",
        "'I would like to try...', 'Could you take...?' - agree on one shared move.",
    ),
    "table": (
        "The team that speaks first: your priority, what you tried, the evidence you have.",
        "Listeners: 'What I heard was...', then one question.",
        "Swap, then each team names one idea it takes back to its grade.",
    ),
}


def prompts(roster: Roster, kind: GuideKind) -> list[str]:
    """The roster's prompts for that kind of session, else the built-in ones."""
    given = getattr(roster.guides, kind) if roster.guides is not None else None
    return list(given) if given is not None else list(DEFAULT_GUIDES[kind])

"""A printable page per teacher (`teachers/<id>.html`, named as the teacher's calendar is): the year's sessions with their guides, the
teacher's own roadmap with its due dates, and their partners' priorities and roadmaps.

The sessions are the teacher's own calendar events (the same words as their `.ics`), so the page
and the calendar never disagree. Self-contained: no script, no network, printable.
"""

from __future__ import annotations

from dataclasses import dataclass

import jinja2

from pairwise.interchange.export.calendars import Session
from pairwise.interchange.export.common import name_of
from pairwise.interchange.export.guidance import partners_of
from pairwise.roster.models import Plan, Roadmap, Roster
from pairwise.version import __version__


@dataclass(frozen=True)
class PageSession:
    category: str
    when: str
    location: str | None
    summary: str
    text: str


@dataclass(frozen=True)
class Partner:
    name: str
    priority: str | None
    roadmap: Roadmap | None


@dataclass(frozen=True)
class TeacherPage:
    name: str
    roster: str
    year: int
    priority: str | None
    roadmap: Roadmap | None
    partners: list[Partner]
    sessions: list[PageSession]


def _roadmap(roadmap: Roadmap | None) -> Roadmap | None:
    if roadmap is None:
        return None
    return roadmap.model_copy(update={"actions": sorted(roadmap.actions, key=lambda a: a.due)})


def teacher_page(
    roster: Roster, plan: Plan, teacher_id: str, sessions: list[Session]
) -> TeacherPage:
    """What one teacher's page holds."""
    teacher = roster.teacher_by_id[teacher_id]
    own = []
    for session in sessions:
        text = session.personal.get(teacher_id)
        if text is None:
            continue
        start, end = session.start, session.end
        own.append(
            PageSession(
                category=session.category,
                when=f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M}-{end:%H:%M}",
                location=session.location,
                summary=text.summary,
                text=text.description,
            )
        )
    partners = [
        Partner(
            name_of(roster, other),
            roster.teacher_by_id[other].priority,
            _roadmap(roster.teacher_by_id[other].roadmap),
        )
        for other in partners_of(plan, teacher_id)
    ]
    return TeacherPage(
        name=name_of(roster, teacher_id),
        roster=roster.name,
        year=plan.year if plan.year is not None else roster.year,
        priority=teacher.priority,
        roadmap=_roadmap(teacher.roadmap),
        partners=partners,
        sessions=own,
    )


def render_teacher_pages(roster: Roster, plan: Plan, sessions: list[Session]) -> dict[str, str]:
    """Each teacher's page as HTML, keyed by teacher id (every teacher of the roster)."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("pairwise", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    template = environment.get_template("teacher.html")
    return {
        teacher.id: template.render(
            page=teacher_page(roster, plan, teacher.id, sessions), version=__version__
        )
        for teacher in roster.teachers
    }

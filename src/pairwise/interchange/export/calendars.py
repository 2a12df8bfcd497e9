"""Calendars (iCalendar, RFC 5545): `all.ics` with every session, and one calendar per teacher.

A session's UID is a hash of who meets whom at which occasion (roster name, plan year, cycle,
partnership members and direction; coach, coachee and occurrence; meeting and teams), never of its
slot, so a session that moves keeps its UID and a calendar re-import updates it. SEQUENCE is read
from the previous export's `all.ics` in the same folder: it rises by one for every session whose
time, place or text changed, and stays otherwise. DTSTAMP is fixed at midnight UTC on the first day
of the roster's first week, so exporting the same plan twice writes the same bytes.

Teacher-facing text names each person's role ("You visit ...", "... visits your class"), carries
the session's prompts and the debrief's time and place, and shows priorities and roadmaps only to
the people in the session (a visitor sees the host's, a host their own, a table both teams'). It
never carries a trust rating, a relation, a score or a reason; `all.ics`, read by all staff,
carries no priority or roadmap at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from pairwise.interchange.export.common import (
    class_of,
    join_words,
    meeting_of,
    meeting_times,
    name_of,
    slot_times,
    team_members,
)
from pairwise.interchange.export.guidance import (
    ConversationIndex,
    bullets,
    debrief_line,
    due_by,
    planning_line,
    prompt_text,
    teacher_subject,
    team_subject,
    visit_day,
    when,
)
from pairwise.interchange.file_names import safe_file_name
from pairwise.roster.models import (
    Change,
    Partnership,
    Plan,
    Roster,
    SabbaticalVisit,
    TableSeat,
    Visit,
    parse_slot,
)
from pairwise.version import __version__

PRODID = f"-//pairwise//pairwise {__version__}//EN"
UID_DOMAIN = "pairwise"
NEVER_EVALUATIVE = "Coaching is never evaluative: you watch to learn and to help, not to judge."


@dataclass(frozen=True)
class PersonalText:
    """What one attendee's own calendar says about a session."""

    summary: str
    description: str


@dataclass
class Session:
    """One calendar event: a peer visit, a sabbatical visit or a table session."""

    uid: str
    category: str
    start: dt.datetime
    end: dt.datetime
    summary: str
    description: str
    location: str | None
    personal: dict[str, PersonalText] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """What a change of raises SEQUENCE: times (in UTC), place and the all-staff text."""
        return fingerprint(
            self.start, self.end, self.summary, self.location or "", self.description
        )


@dataclass(frozen=True)
class Revision:
    """A session as the previous export left it."""

    sequence: int
    fingerprint: str


@dataclass
class Calendars:
    """The calendar files of one export, as bytes, and how many sessions changed since the last."""

    all_sessions: bytes
    by_teacher: dict[str, bytes]
    sessions: list[Session]
    raised: int


def fingerprint(start: dt.datetime, end: dt.datetime, *texts: str) -> str:
    """A digest of an event's content, the same whether built here or parsed back from a file."""
    parts = [
        start.astimezone(dt.UTC).isoformat(),
        end.astimezone(dt.UTC).isoformat(),
        *texts,
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def teacher_file_name(teacher_id: str) -> str:
    """`<id>.ics`, safe as a file name whatever the id holds (see `interchange.file_names`)."""
    return safe_file_name(teacher_id, ".ics")


def _uid(roster: Roster, plan: Plan, parts: Sequence[str], taken: set[str]) -> str:
    """A UID from the session's identity; a repeat (only in a plan that breaks rules) is numbered."""
    year = str(plan.year if plan.year is not None else roster.year)
    for occurrence in itertools.count(1):
        tail = [] if occurrence == 1 else [f"#{occurrence}"]
        text = "\x1f".join([roster.name, year, *parts, *tail])
        uid = f"{hashlib.sha256(text.encode('utf-8')).hexdigest()[:32]}@{UID_DOMAIN}"
        if uid not in taken:
            taken.add(uid)
            return uid
    raise AssertionError("unreachable")


def _location(roster: Roster, host_id: str, several_schools: bool) -> str | None:
    """The host's room, with the school in a district roster; None when neither is known."""
    parts = []
    room = roster.teacher_by_id[host_id].room
    if room and room.strip():
        parts.append(room.strip())
    school = roster.school_of(host_id)
    if several_schools and school:
        parts.append(school)
    return ", ".join(parts) or None


def _own_priority(roster: Roster, teacher_id: str) -> str:
    priority = roster.teacher_by_id[teacher_id].priority
    return f" on your priority, {priority}." if priority else "."


def _visit_sessions(roster: Roster, plan: Plan, taken: set[str]) -> list[Session]:
    members = {partnership.id: partnership.members for partnership in plan.partnerships}
    several_schools = len(roster.schools()) > 1
    index = ConversationIndex.of(plan)
    visit_prompts = prompt_text(roster, "visit")
    sessions = []
    for visit in plan.visits:
        visitor, host = name_of(roster, visit.visitor), name_of(roster, visit.host)
        start, end = slot_times(roster, visit.slot)
        co_taught = visit.mode == "co-teach"
        opening = f"Peer coaching, {visit.cycle} cycle."
        cover = " A substitute covers your class." if visit.covered else ""
        identity = ["visit", visit.cycle, ",".join(sorted(members[visit.partnership]))]
        after = debrief_line(roster, index, visit) + planning_line(roster, index, visit)
        day = visit_day(visit)
        watch = "teaches with" if co_taught else "watches"
        session = Session(
            uid=_uid(roster, plan, [*identity, visit.visitor, visit.host], taken),
            category="Peer coaching",
            start=start,
            end=end,
            summary=(
                f"Co-taught lesson: {visitor} teaches with {host}"
                if co_taught
                else f"Peer visit: {visitor} visits {class_of(roster, visit.host)}"
            ),
            description=(
                f"{opening} {visitor} {watch} {host}, then they talk about "
                f"{host}'s evidence of progress."
                + (f" A substitute covers {visitor}'s class." if visit.covered else "")
                + after
            ),
            location=_location(roster, visit.host, several_schools),
        )
        session.personal[visit.visitor] = PersonalText(
            summary=(
                f"You co-teach {class_of(roster, visit.host)}"
                if co_taught
                else f"You visit {class_of(roster, visit.host)}"
            ),
            description=(
                f"{opening} You {'teach with' if co_taught else 'watch'} {host}, then you talk "
                f"together about the evidence of progress {host} is gathering.{cover} "
                f"{NEVER_EVALUATIVE}"
                + teacher_subject(roster, visit.host, day, own=False)
                + visit_prompts
                + after
            ),
        )
        session.personal[visit.host] = PersonalText(
            summary=(
                f"{visitor} co-teaches your class" if co_taught else f"{visitor} visits your class"
            ),
            description=(
                f"{opening} {visitor} {watch} you, then you talk together about your "
                f"evidence of progress{_own_priority(roster, visit.host)} {NEVER_EVALUATIVE}"
                + _what_the_visitor_looks_for(roster, visit.host, day, visitor)
                + after
            ),
        )
        sessions.append(session)
    return sessions


def _what_the_visitor_looks_for(roster: Roster, host_id: str, day: dt.date, visitor: str) -> str:
    """For the host: their own goal and actions due, and the evidence the visitor looks for."""
    roadmap = roster.teacher_by_id[host_id].roadmap
    if roadmap is None:
        return f"\n\n{visitor} will look for the evidence of progress you name."
    goal = f"\n\nYour goal: {roadmap.goal.strip()}" if roadmap.goal.strip() else ""
    return (
        goal
        + bullets("Your roadmap actions due by then", due_by(roadmap, day))
        + bullets(f"What {visitor} will look for (your evidence)", list(roadmap.evidence))
    )


def _conversation_sessions(roster: Roster, plan: Plan, taken: set[str]) -> list[Session]:
    """Each debrief and planning conversation as an event of its own, with its prompts."""
    several_schools = len(roster.schools()) > 1
    sessions = []
    for conversation in plan.conversations:
        reference = conversation.visit
        visitor, host = name_of(roster, reference.visitor), name_of(roster, reference.host)
        start, end = slot_times(roster, conversation.slot)
        debrief = conversation.kind == "debrief"
        title = "Debrief" if debrief else "Planning"
        about = (
            f"after {visitor}'s visit to {host}'s class ({when(roster, reference.slot)})"
            if debrief
            else f"of the lesson {visitor} and {host} co-teach ({when(roster, reference.slot)})"
        )
        guide = prompt_text(roster, "debrief" if debrief else "planning")
        identity = [conversation.kind, reference.cycle, reference.visitor, reference.host]
        session = Session(
            uid=_uid(roster, plan, identity, taken),
            category="Coaching conversation",
            start=start,
            end=end,
            summary=f"{title}: {visitor} and {host}",
            description=f"{title} {about}. {NEVER_EVALUATIVE}{guide}",
            location=_location(roster, reference.host, several_schools),
        )
        day = parse_slot(reference.slot)[0]
        for teacher_id, partner in ((reference.visitor, host), (reference.host, visitor)):
            own = teacher_id == reference.host
            session.personal[teacher_id] = PersonalText(
                summary=f"{title} with {partner}",
                description=(
                    f"{title} {about}. {NEVER_EVALUATIVE}"
                    + teacher_subject(roster, reference.host, day, own=own)
                    + guide
                ),
            )
        sessions.append(session)
    return sessions


def _sabbatical_sessions(roster: Roster, plan: Plan, taken: set[str]) -> list[Session]:
    # the same coach may visit the same coachee twice in a cycle: number them in time order
    ordered = sorted(
        plan.sabbatical_visits,
        key=lambda visit: (slot_times(roster, visit.slot)[0], visit.slot),
    )
    occurrences: dict[tuple[str, str, str], int] = defaultdict(int)
    several_schools = len(roster.schools()) > 1
    visit_prompts = prompt_text(roster, "visit")
    sessions = []
    for visit in ordered:
        key = (visit.cycle, visit.coach, visit.coachee)
        occurrences[key] += 1
        coach, coachee = name_of(roster, visit.coach), name_of(roster, visit.coachee)
        start, end = slot_times(roster, visit.slot)
        opening = f"Mini-sabbatical coaching, {visit.cycle} cycle."
        day = parse_slot(visit.slot)[0]
        identity = ["sabbatical", *key, str(occurrences[key])]
        session = Session(
            uid=_uid(roster, plan, identity, taken),
            category="Mini-sabbatical coaching",
            start=start,
            end=end,
            summary=f"Mini-sabbatical: {coach} visits {class_of(roster, visit.coachee)}",
            description=(
                f"{opening} {coach} watches {coachee} teach, then they talk about "
                f"{coachee}'s evidence of progress."
                + (f" A substitute covers {coach}'s class." if visit.covered else "")
            ),
            location=_location(roster, visit.coachee, several_schools),
        )
        session.personal[visit.coach] = PersonalText(
            summary=f"Mini-sabbatical: you visit {class_of(roster, visit.coachee)}",
            description=(
                f"{opening} You watch {coachee} teach, then you talk together about the "
                f"evidence of progress {coachee} is gathering."
                + (" A substitute covers your class." if visit.covered else "")
                + f" {NEVER_EVALUATIVE}"
                + teacher_subject(roster, visit.coachee, day, own=False)
                + visit_prompts
            ),
        )
        session.personal[visit.coachee] = PersonalText(
            summary=f"Mini-sabbatical: {coach} visits your class",
            description=(
                f"{opening} {coach}, a mini-sabbatical coach, watches you teach, then you talk "
                f"together about your evidence of progress{_own_priority(roster, visit.coachee)}"
                f" {NEVER_EVALUATIVE}"
                + _what_the_visitor_looks_for(roster, visit.coachee, day, coach)
            ),
        )
        sessions.append(session)
    return sessions


def _table_sessions(roster: Roster, plan: Plan, taken: set[str]) -> list[Session]:
    members = team_members(roster)
    several_schools = len(roster.schools()) > 1
    sessions = []
    for seat in plan.tables:
        meeting = meeting_of(roster, seat.cycle, seat.meeting)
        start, end = meeting_times(roster, meeting)
        school = roster.team_school(seat.teams[0]) if several_schools else ""
        at_school = f" ({school})" if school else ""
        opening = f"Staff meeting {meeting.id}, {seat.cycle} cycle."
        practice = "each team coaches the other on how it tackled its team priority, then listens."
        order = f" {seat.teams[0]} speaks first" + (
            f", then {join_words(seat.teams[1:])}." if len(seat.teams) > 1 else "."
        )
        guide = prompt_text(roster, "table")
        day = start.date()
        subjects = "".join(
            team_subject(roster.team_by_id[team], day)
            for team in dict.fromkeys(seat.teams)
            if team in roster.team_by_id
        )
        identity = ["table", seat.cycle, seat.meeting, ",".join(sorted(seat.teams))]
        seated = [roster.team_name(team) for team in seat.teams]  # display names, ids if none
        session = Session(
            uid=_uid(roster, plan, identity, taken),
            category="Table session",
            start=start,
            end=end,
            summary=f"Table {seat.table} at {meeting.id}{at_school}: {join_words(seated)}",
            description=(
                f"{opening} Teams {join_words(seated)} sit together at table {seat.table}: "
                f"{practice}{order}{guide}"
            ),
            location=None,
        )
        for team in dict.fromkeys(seat.teams):
            others = join_words(roster.team_name(other) for other in seat.teams if other != team)
            own = roster.team_name(team)
            text = PersonalText(
                summary=f"Table {seat.table} at {meeting.id}: your team {own} with {others}",
                description=(
                    f"{opening} Your team, {own}, sits at table {seat.table} with {others}: "
                    f"{practice}{order}{subjects}{guide}"
                ),
            )
            for teacher_id in members[team]:
                session.personal.setdefault(teacher_id, text)
        sessions.append(session)
    return sessions


def plan_sessions(roster: Roster, plan: Plan) -> list[Session]:
    """Every session of the plan as a calendar event, in time order (UIDs break ties)."""
    taken: set[str] = set()
    sessions = [
        *_visit_sessions(roster, plan, taken),
        *_conversation_sessions(roster, plan, taken),
        *_sabbatical_sessions(roster, plan, taken),
        *_table_sessions(roster, plan, taken),
    ]
    sessions.sort(key=lambda session: (session.start.astimezone(dt.UTC), session.uid))
    return sessions


def previous_revisions(path: Path) -> tuple[dict[str, Revision], list[str]]:
    """Each UID's SEQUENCE and content in an earlier `all.ics`, and a warning if it is unreadable."""
    if not path.is_file():
        return {}, []
    try:
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        revisions = {}
        for event in calendar.walk("VEVENT"):
            revisions[str(event["UID"])] = Revision(
                sequence=int(event.get("SEQUENCE", 0)),
                fingerprint=fingerprint(
                    event.decoded("DTSTART"),
                    event.decoded("DTEND"),
                    str(event.get("SUMMARY", "")),
                    str(event.get("LOCATION", "")),
                    str(event.get("DESCRIPTION", "")),
                ),
            )
    except (ValueError, KeyError, TypeError, OSError) as error:
        return {}, [
            f"{path}: the previous calendar cannot be read ({error}); SEQUENCE restarts at 0"
        ]
    return revisions, []


def _sequence(session: Session, previous: dict[str, Revision]) -> tuple[int, bool]:
    """The session's SEQUENCE, and whether it rose against the previous export."""
    before = previous.get(session.uid)
    if before is None:
        return 0, False
    if before.fingerprint != session.fingerprint():
        return before.sequence + 1, True
    return before.sequence, False


def _stamp(roster: Roster) -> dt.datetime:
    """DTSTAMP: midnight UTC on the roster's first week (derived from the plan's roster, not the
    clock, so a re-export of the same plan is byte-identical)."""
    first = min(dt.date.fromisoformat(week) for cycle in roster.cycles for week in cycle.weeks)
    return dt.datetime(first.year, first.month, first.day, tzinfo=dt.UTC)


def _timezone(roster: Roster, sessions: Sequence[Session]) -> icalendar.Timezone:
    """The roster's zone as a VTIMEZONE covering every year the roster or the plan touches."""
    days = [dt.date.fromisoformat(week) for cycle in roster.cycles for week in cycle.weeks]
    days += [dt.date.fromisoformat(m.date) for cycle in roster.cycles for m in cycle.meetings]
    days += [session.start.date() for session in sessions]
    first, last = min(days), max(days)
    return icalendar.Timezone.from_tzinfo(
        ZoneInfo(roster.timezone),
        tzid=roster.timezone,
        first_date=dt.date(first.year, 1, 1),
        last_date=dt.date(last.year + 1, 1, 1),
    )


def _calendar(name: str, timezone: icalendar.Timezone, events: list[icalendar.Event]) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(timezone["TZID"]))
    calendar.add_component(timezone)
    for event in events:
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def _event(
    session: Session,
    stamp: dt.datetime,
    sequence: int,
    summary: str,
    description: str,
    status: str = "CONFIRMED",
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", session.uid)
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    event.add("dtstart", session.start)
    event.add("dtend", session.end)
    event.add("summary", summary)
    event.add("description", description)
    if session.location:
        event.add("location", session.location)
    event.add("categories", [session.category])
    event.add("status", status)
    event.add("transp", "OPAQUE")
    return event


def _replanned_sessions(roster: Roster, plan: Plan, changes: list[Change]) -> list[Session]:
    """Sessions of the plan in force named by a re-plan's changes, rebuilt as they were (their
    identity, hence their UID, is the one the earlier export gave them)."""
    partnerships: dict[str, Partnership] = {}
    visits, sabbaticals, tables = [], [], []
    for change in changes:
        fields = dict(change.was or change.session)
        kind = fields.pop("kind", None)
        members = fields.pop("members", None)
        if kind == "visit":
            visit = Visit.model_validate(fields)
            visits.append(visit)
            partnerships.setdefault(
                visit.partnership,
                Partnership(
                    id=visit.partnership,
                    members=list(members or [visit.visitor, visit.host]),
                    cycles=[visit.cycle],
                ),
            )
        elif kind == "sabbatical_visit":
            sabbaticals.append(SabbaticalVisit.model_validate(fields))
        elif kind == "table":
            tables.append(TableSeat.model_validate(fields))
    earlier = Plan(
        roster=plan.roster,
        year=plan.year,
        status="feasible",
        objective=0,
        bound=0,
        partnerships=list(partnerships.values()),
        visits=visits,
        sabbatical_visits=sabbaticals,
        tables=tables,
    )
    return plan_sessions(roster, earlier)


def _change_notes(
    roster: Roster, plan: Plan, sessions: list[Session]
) -> tuple[list[Session], dict[str, str]]:
    """A re-plan's cancelled sessions (to publish as cancelled), and per live session's UID what
    changed for the people in it (moved from when, or new)."""
    if plan.replans is None:
        return [], {}
    live = {session.uid for session in sessions}
    changes = plan.replans.changes
    # a visit whose partnership gained or lost a member is one change ("moved") but a new
    # event: its identity names the members, so the earlier event is published as cancelled
    cancelled = [
        session
        for session in _replanned_sessions(
            roster, plan, [c for c in changes if c.kind in ("cancelled", "moved")]
        )
        if session.uid not in live
    ]
    notes: dict[str, str] = {}
    moved = [c for c in changes if c.kind == "moved"]
    for change in moved:
        for was in _replanned_sessions(roster, plan, [change]):
            when = f"{was.start.astimezone(ZoneInfo(roster.timezone)):%A %d %B %Y at %H:%M}"
            if was.uid in live:
                notes[was.uid] = f"Moved: it was on {when}."
                continue
            now = _replanned_sessions(roster, plan, [change.model_copy(update={"was": None})])
            for session in now:
                notes[session.uid] = f"Changed: the partnership changed; it was on {when}."
    added = [c for c in changes if c.kind == "added"]
    for session in _replanned_sessions(roster, plan, added):
        notes.setdefault(session.uid, "New: added when the plan was updated.")
    whys = {}
    for change in changes:
        if change.kind == "cancelled":
            for session in _replanned_sessions(roster, plan, [change]):
                whys[session.uid] = change.why
    for session in cancelled:
        why = whys.get(session.uid)
        session.summary = f"Cancelled: {session.summary}"
        session.description = "This session is cancelled" + (f" ({why})." if why else ".")
        for teacher_id, text in list(session.personal.items()):
            session.personal[teacher_id] = PersonalText(
                summary=f"Cancelled: {text.summary}",
                description="This session is cancelled: the coaching plan was updated.",
            )
    return cancelled, notes


def build_calendars(roster: Roster, plan: Plan, previous: dict[str, Revision]) -> Calendars:
    """`all.ics` and each teacher's calendar (every teacher of the roster, sessions or not).

    For a re-plan, a moved session keeps its UID (its SEQUENCE rises, and the attendees' own
    calendars say when it was), and a cancelled one stays with STATUS:CANCELLED so calendar
    programs remove it. A teacher's own calendar never says why (a colleague's leave is theirs)."""
    sessions = plan_sessions(roster, plan)
    cancelled, notes = _change_notes(roster, plan, sessions)
    stamp = _stamp(roster)
    timezone = _timezone(roster, sessions)
    all_events = []
    own_events: dict[str, list[icalendar.Event]] = {t.id: [] for t in roster.teachers}
    raised = 0
    for session in sorted(
        [*sessions, *cancelled], key=lambda s: (s.start.astimezone(dt.UTC), s.uid)
    ):
        status = "CANCELLED" if session in cancelled else "CONFIRMED"
        note = notes.get(session.uid)
        description = session.description + (f" {note}" if note else "")
        sequence, rose = _sequence(session, previous)
        raised += rose
        all_events.append(_event(session, stamp, sequence, session.summary, description, status))
        for teacher_id, text in session.personal.items():
            if teacher_id not in own_events:
                continue
            own = text.description + (f" {note}" if note else "")
            own_events[teacher_id].append(
                _event(session, stamp, sequence, text.summary, own, status)
            )
    by_teacher = {
        teacher_id: _calendar(f"Coaching: {name_of(roster, teacher_id)}", timezone, events)
        for teacher_id, events in own_events.items()
    }
    return Calendars(
        all_sessions=_calendar(f"Coaching plan: {roster.name}", timezone, all_events),
        by_teacher=by_teacher,
        sessions=sessions,
        raised=raised,
    )

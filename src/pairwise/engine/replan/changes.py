"""The changes a re-plan made: the plan in force's sessions ahead that moved or were cancelled,
and the new plan's sessions that were added, each with why in words.

A visit is the same session when it has the same visitor, host and cycle; it is unchanged when
its partnership has the same members and it is in the same slot. Otherwise it moved (one change,
also when only its partnership's members changed: a third member joined, say); a visit of one
plan without a counterpart in the other was cancelled or added. Sabbatical visits of a
coach and coachee in a cycle are matched slot by slot, then the rest in time order. A table is the
same teams at the same meeting.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pairwise.engine.replan.frame import Frame
from pairwise.roster.calendar import away_on, slot_date
from pairwise.roster.models import Change, Plan, SabbaticalVisit, TableSeat, Visit

VisitKey = tuple[str, str, str]
"""(visitor, host, cycle): a visit's identity across the two plans."""


def _visit_session(visit: Visit, members: list[str]) -> dict[str, Any]:
    return {"kind": "visit", "members": members, **visit.model_dump(mode="json")}


def _sabbatical_session(visit: SabbaticalVisit) -> dict[str, Any]:
    return {"kind": "sabbatical_visit", **visit.model_dump(mode="json")}


def _table_session(seat: TableSeat) -> dict[str, Any]:
    return {"kind": "table", **seat.model_dump(mode="json")}


def list_changes(frame: Frame, new: Plan, added_why: dict[str, str]) -> list[Change]:
    changes = _visit_changes(frame, new, added_why)
    changes += _sabbatical_changes(frame, new)
    changes += _table_changes(frame, new)
    return changes


def _members(plan: Plan) -> dict[str, list[str]]:
    return {p.id: list(p.members) for p in plan.partnerships}


def _visit_changes(frame: Frame, new: Plan, added_why: dict[str, str]) -> list[Change]:
    old_members, new_members = _members(frame.plan), _members(new)
    before: dict[VisitKey, Visit] = {}
    for visit in frame.plan.visits:
        if not frame.kept(visit.slot):
            before[visit.visitor, visit.host, visit.cycle] = visit
    after: dict[VisitKey, Visit] = {}
    for visit in new.visits:
        if not frame.kept(visit.slot):
            after[visit.visitor, visit.host, visit.cycle] = visit
    changes = []
    for key, old in before.items():
        names = old_members.get(old.partnership, [])
        now = after.get(key)
        if now is None:
            changes.append(
                Change(
                    kind="cancelled",
                    session=_visit_session(old, names),
                    was=_visit_session(old, names),
                    why=_cancelled_why(frame, new, old, names),
                )
            )
            continue
        members = new_members.get(now.partnership, [])
        if set(members) != set(names):
            why = _joined_why(names, members, now.partnership, old.partnership)
        elif now.slot != old.slot:
            why = _moved_why(frame, old.visitor, old.host, old.cycle, old.slot)
        else:
            continue
        changes.append(
            Change(
                kind="moved",
                session=_visit_session(now, members),
                was=_visit_session(old, names),
                why=why,
            )
        )
    for key, now in after.items():
        if key not in before:
            names = new_members.get(now.partnership, [])
            why = added_why.get(now.partnership) or (
                f"partnership {now.partnership} visits in cycle {now.cycle} again"
            )
            changes.append(
                Change(kind="added", session=_visit_session(now, names), was=None, why=why)
            )
    return changes


def _joined_why(was: list[str], now: list[str], partnership: str, before: str) -> str:
    """Why a visit (same visitor, host and cycle) is in a partnership of other members now."""
    joined = [m for m in now if m not in was]
    left = [m for m in was if m not in now]
    if joined and not left:
        return f"{joined[0]} joins the partnership: it visits as a triad (now {partnership})"
    if left and not joined:
        return f"{left[0]} leaves the partnership: it goes on as a pair (now {partnership})"
    return f"the visit is now part of partnership {partnership} (was {before})"


def _cancelled_why(frame: Frame, new: Plan, old: Visit, members: list[str]) -> str:
    for teacher in members:
        absence = frame.absence(teacher, old.cycle)
        if absence is not None and frame.member_gone(teacher, old.cycle):
            return f"{absence}: partnership {old.partnership} ends"
    for teacher in (old.visitor, old.host):
        absence = frame.absence(teacher, old.cycle)
        if absence is not None:
            return f"{absence}: no slot left for this visit in cycle {old.cycle}"
    for partnership in new.partnerships:
        if set(members) < set(partnership.members) and old.cycle in partnership.cycles:
            third = next(m for m in partnership.members if m not in members)
            return f"{third} joins the partnership: it visits as a triad (now {partnership.id})"
    members_gone = [m for m in members if frame.member_gone(m, old.cycle)]
    if members_gone:
        return f"{members_gone[0]} no longer takes part: partnership {old.partnership} ends"
    return f"no slot from {frame.start.isoformat()} in cycle {old.cycle} suits both any more"


def _moved_why(frame: Frame, first: str, second: str, cycle: str, slot: str) -> str:
    """Why a session left its slot: the slot no longer suits, else to make room."""
    roster = frame.roster
    day = slot_date(slot)
    for teacher in (first, second):
        record = roster.teacher_by_id.get(teacher)
        if record is None:
            continue
        if away_on(record, day):
            absence = frame.absence(teacher, cycle) or f"{teacher} is away on {day.isoformat()}"
            return f"{absence}: moved within cycle {cycle}"
        period = slot.split("/", 1)[1]
        if period in record.unavailable or slot in record.unavailable:
            return f"{teacher} is no longer available in {slot}"
    host = roster.teacher_by_id.get(second)
    period = slot.split("/", 1)[1]
    if host is not None and period not in host.teaches:
        return f"{second} no longer teaches in {period}"
    if roster.cover_limit(slot) == 0:
        return f"no cover is on hand in {slot} any more"
    return "moved to make room for the other changes"


def _sabbatical_changes(frame: Frame, new: Plan) -> list[Change]:
    def grouped(visits: list[SabbaticalVisit]) -> dict[tuple[str, str, str], list[SabbaticalVisit]]:
        groups: dict[tuple[str, str, str], list[SabbaticalVisit]] = {}
        for visit in visits:
            if not frame.kept(visit.slot):
                groups.setdefault((visit.coach, visit.coachee, visit.cycle), []).append(visit)
        return groups

    before, after = grouped(frame.plan.sabbatical_visits), grouped(new.sabbatical_visits)
    changes = []
    for key in list(before) + [k for k in after if k not in before]:
        # in time order; a plan made by hand may leave start out, its slot's date then orders it
        old = sorted(before.get(key, []), key=_time_order)
        now = sorted(after.get(key, []), key=_time_order)
        same = {v.slot for v in old} & {v.slot for v in now}
        old = [v for v in old if v.slot not in same]
        now = [v for v in now if v.slot not in same]
        for was, moved in zip(old, now, strict=False):
            changes.append(
                Change(
                    kind="moved",
                    session=_sabbatical_session(moved),
                    was=_sabbatical_session(was),
                    why=_moved_why(frame, was.coach, was.coachee, was.cycle, was.slot),
                )
            )
        for was in old[len(now) :]:
            changes.append(
                Change(
                    kind="cancelled",
                    session=_sabbatical_session(was),
                    was=_sabbatical_session(was),
                    why=_sabbatical_cancelled_why(frame, was),
                )
            )
        for added in now[len(old) :]:
            changes.append(
                Change(
                    kind="added",
                    session=_sabbatical_session(added),
                    was=None,
                    why="a coaching visit the changes make room for",
                )
            )
    return changes


def _sabbatical_cancelled_why(frame: Frame, visit: SabbaticalVisit) -> str:
    for teacher in (visit.coach, visit.coachee):
        absence = frame.absence(teacher, visit.cycle)
        if absence is not None:
            return f"{absence}: the coaching visit cannot take place"
    coach = frame.roster.teacher_by_id.get(visit.coach)
    if coach is None or coach.sabbatical is None:
        return f"{visit.coach} no longer coaches"
    return "its time is needed by the other changes"


def _table_changes(frame: Frame, new: Plan) -> list[Change]:
    ahead = set(frame.ahead_meetings)

    def keyed(seats: list[TableSeat]) -> dict[tuple[str, str, tuple[str, ...]], TableSeat]:
        return {
            (s.cycle, s.meeting, tuple(sorted(s.teams))): s
            for s in seats
            if (s.cycle, s.meeting) in ahead
        }

    before, after = keyed(frame.plan.tables), keyed(new.tables)
    changes = []
    for key, seat in before.items():
        if key not in after:
            changes.append(
                Change(
                    kind="cancelled",
                    session=_table_session(seat),
                    was=_table_session(seat),
                    why="the teams sit with other teams at this meeting now",
                )
            )
    for key, seat in after.items():
        if key not in before:
            changes.append(
                Change(
                    kind="added",
                    session=_table_session(seat),
                    was=None,
                    why="a new matchup of teams at this meeting",
                )
            )
    return changes


def first_day_label(day: dt.date) -> str:
    return day.isoformat()


def _time_order(visit: SabbaticalVisit) -> tuple[str, str]:
    return visit.slot.partition("/")[0], visit.start or ""

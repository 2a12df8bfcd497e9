"""Cross-reference validation of a roster: the rules that relate one part of it to another.

Every problem is collected (never the first only) as `path: message`. Conflicts between an admin's
decisions (a lock that is also an avoid, say) are not malformations: `explain` reports those.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import Counter
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pairwise.errors import Problem
from pairwise.roster.calendar import is_date_range, parse_date_range
from pairwise.roster.models import DAYS, REFERENCE_CHECKS, Roster, parse_slot


def cross_check(roster: Roster) -> list[Problem]:
    """Every cross-reference problem of a shape-valid roster, in file order."""
    problems: list[Problem] = []
    problems += _timezone(roster)
    problems += _unique_ids(roster)
    problems += _periods(roster)
    problems += _cycles(roster)
    problems += _teams(roster)
    problems += _teachers(roster)
    problems += _history(roster)
    problems += _relations(roster)
    problems += _policy(roster)
    return problems


# what people write for a time zone, and the IANA zone they mean
COMMON_ZONE_NAMES: dict[str, str] = {
    "eastern": "America/New_York",
    "eastern time": "America/New_York",
    "est": "America/New_York",
    "edt": "America/New_York",
    "central": "America/Chicago",
    "central time": "America/Chicago",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "mountain": "America/Denver",
    "mountain time": "America/Denver",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "pacific": "America/Los_Angeles",
    "pacific time": "America/Los_Angeles",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "alaska time": "America/Anchorage",
    "hawaii time": "Pacific/Honolulu",
    "atlantic time": "America/Halifax",
    "newfoundland time": "America/St_Johns",
    "british time": "Europe/London",
    "bst": "Europe/London",
    "central european time": "Europe/Paris",
    "cet": "Europe/Paris",
    "ist": "Asia/Kolkata",
    "india time": "Asia/Kolkata",
    "aest": "Australia/Sydney",
}


def zone_suggestion(text: str) -> str | None:
    """The IANA zone `text` most likely means (`Central Time` -> `America/Chicago`), if any."""
    key = " ".join(text.lower().replace("standard", "").replace("daylight", "").split())
    for candidate in (key, key.removesuffix(" time"), f"{key} time"):
        if candidate in COMMON_ZONE_NAMES:
            return COMMON_ZONE_NAMES[candidate]
    zones = {zone.lower(): zone for zone in available_timezones()}
    nearest = difflib.get_close_matches(text.lower().replace(" ", "_"), zones, n=1, cutoff=0.8)
    return zones[nearest[0]] if nearest else None


def _timezone(roster: Roster) -> list[Problem]:
    try:
        ZoneInfo(roster.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        suggestion = zone_suggestion(roster.timezone)
        hint = f"; did you mean '{suggestion}'?" if suggestion else ""
        return [Problem("timezone", f"unknown IANA time zone '{roster.timezone}'{hint}")]
    return []


def did_you_mean(given: str, ids: Iterable[str], names: Mapping[str, str], what: str) -> str:
    """`unknown team 'Grade 3'` and a hint: the id whose display name it is, or the nearest id."""
    message = f"unknown {what} '{given}'"
    folded = " ".join(given.casefold().split())
    by_name = [key for key, name in names.items() if " ".join(name.casefold().split()) == folded]
    if by_name:
        return f"{message}; that is the name of {what} '{by_name[0]}': write its id"
    known = list(ids)
    by_fold = [key for key in known if " ".join(key.casefold().split()) == folded]
    # ids that differ in a number ('grade-7', 'grade-3') are different things, not typos
    alike = [key for key in known if _digits(key) == _digits(given)]
    nearest = by_fold or difflib.get_close_matches(given, alike, n=1, cutoff=0.7)
    return f"{message}; did you mean '{nearest[0]}'?" if nearest else message


def _digits(text: str) -> str:
    return "".join(character for character in text if character.isdigit())


def _unknown_teacher(roster: Roster, given: str) -> str:
    names = {teacher.id: teacher.name for teacher in roster.teachers}
    return did_you_mean(given, roster.teacher_by_id, names, "teacher")


def _duplicates(ids: Iterable[tuple[str, str]], what: str) -> list[Problem]:
    seen: dict[str, str] = {}
    problems = []
    for path, identifier in ids:
        if identifier in seen:
            problems.append(
                Problem(path, f"duplicate {what} id '{identifier}' (first at {seen[identifier]})")
            )
        else:
            seen[identifier] = path
    return problems


def _unique_ids(roster: Roster) -> list[Problem]:
    meetings = [
        (f"cycles[{c}].meetings[{m}].id", meeting.id)
        for c, cycle in enumerate(roster.cycles)
        for m, meeting in enumerate(cycle.meetings)
    ]
    return (
        _duplicates(((f"periods[{i}].id", p.id) for i, p in enumerate(roster.periods)), "period")
        + _duplicates(((f"cycles[{i}].id", c.id) for i, c in enumerate(roster.cycles)), "cycle")
        + _duplicates(meetings, "meeting")
        + _duplicates(((f"teams[{i}].id", t.id) for i, t in enumerate(roster.teams)), "team")
        + _duplicates(
            ((f"teachers[{i}].id", t.id) for i, t in enumerate(roster.teachers)), "teacher"
        )
    )


def _periods(roster: Roster) -> list[Problem]:
    problems = []
    for i, period in enumerate(roster.periods):
        if period.start >= period.end:
            problems.append(
                Problem(
                    f"periods[{i}]", f"starts at {period.start}, not before its end {period.end}"
                )
            )
    return problems


def _cycles(roster: Roster) -> list[Problem]:
    problems = []
    week_owner: dict[str, str] = {}
    for c, cycle in enumerate(roster.cycles):
        for w, week in enumerate(cycle.weeks):
            path = f"cycles[{c}].weeks[{w}]"
            day = dt.date.fromisoformat(week)
            if day.weekday() != 0:
                problems.append(Problem(path, f"'{week}' is a {DAYS[day.weekday()]}, not a Monday"))
            if week in week_owner:
                problems.append(
                    Problem(path, f"week '{week}' is already in cycle '{week_owner[week]}'")
                )
            else:
                week_owner[week] = cycle.id
        for m, meeting in enumerate(cycle.meetings):
            if meeting.start >= meeting.end:
                problems.append(
                    Problem(
                        f"cycles[{c}].meetings[{m}]",
                        f"starts at {meeting.start}, not before its end {meeting.end}",
                    )
                )
    return problems


def _teams(roster: Roster) -> list[Problem]:
    problems = []
    # each team's members' schools, in one pass over the teachers (not one per team)
    member_schools: dict[str, set[str]] = {}
    for teacher in roster.teachers:
        if teacher.team is not None and teacher.school is not None:
            member_schools.setdefault(teacher.team, set()).add(teacher.school)
    for i, team in enumerate(roster.teams):
        schools = set(member_schools.get(team.id, ()))
        if team.school is not None:
            schools.add(team.school)
        if len(schools) > 1:
            problems.append(
                Problem(
                    f"teams[{i}]",
                    f"team '{team.id}' spans schools {', '.join(sorted(schools))}; a team belongs to one",
                )
            )
    return problems


def _slot_problem(roster: Roster, text: str) -> str | None:
    """Why `text` is not a slot of this roster's timetable, or None when it is one."""
    try:
        day, period_id = parse_slot(text)
    except ValueError as error:
        return str(error)
    period = roster.period_by_id.get(period_id)
    if period is None:
        return f"unknown period '{period_id}'"
    if DAYS[day.weekday()] != period.day:
        return f"'{text}': {day.isoformat()} is a {DAYS[day.weekday()]}, but period '{period_id}' is on {period.day}"
    return None


def _teachers(roster: Roster) -> list[Problem]:
    problems = []
    for i, teacher in enumerate(roster.teachers):
        path = f"teachers[{i}]"
        if teacher.team is not None and teacher.team not in roster.team_by_id:
            team_names = {team.id: team.name for team in roster.teams if team.name}
            problems.append(
                Problem(
                    f"{path}.team",
                    did_you_mean(teacher.team, roster.team_by_id, team_names, "team"),
                )
            )
        for j, period_id in enumerate(teacher.teaches):
            if period_id not in roster.period_by_id:
                problems.append(Problem(f"{path}.teaches[{j}]", f"unknown period '{period_id}'"))
        for j, entry in enumerate(teacher.unavailable):
            if is_date_range(entry):
                try:
                    parse_date_range(entry)
                except ValueError as error:
                    problems.append(Problem(f"{path}.unavailable[{j}]", str(error)))
                continue
            if "/" not in entry:
                if entry not in roster.period_by_id:
                    problems.append(
                        Problem(f"{path}.unavailable[{j}]", f"unknown period '{entry}'")
                    )
                continue
            reason = _slot_problem(roster, entry)
            if reason:
                problems.append(Problem(f"{path}.unavailable[{j}]", reason))
        if (
            teacher.begin_date is not None
            and teacher.end_date is not None
            and teacher.end_date < teacher.begin_date
        ):
            problems.append(
                Problem(
                    f"{path}.end_date",
                    f"{teacher.end_date} is before the begin_date {teacher.begin_date}",
                )
            )
        if teacher.evaluator is not None:
            if teacher.evaluator == teacher.id:
                problems.append(Problem(f"{path}.evaluator", "a teacher cannot evaluate themself"))
            elif teacher.evaluator not in roster.teacher_by_id:
                problems.append(
                    Problem(f"{path}.evaluator", _unknown_teacher(roster, teacher.evaluator))
                )
    return problems


def _history(roster: Roster) -> list[Problem]:
    problems = []
    for i, entry in enumerate(roster.history):
        if entry.a == entry.b:
            problems.append(
                Problem(f"history[{i}]", f"'{entry.a}' cannot be partnered with themself")
            )
        if entry.year >= roster.year:
            problems.append(
                Problem(
                    f"history[{i}].year",
                    f"{entry.year} is not earlier than the roster's year {roster.year}",
                )
            )
    for i, team_entry in enumerate(roster.team_history):
        if team_entry.a == team_entry.b:
            problems.append(
                Problem(f"team_history[{i}]", f"team '{team_entry.a}' cannot sit with itself")
            )
        if team_entry.year >= roster.year:
            problems.append(
                Problem(
                    f"team_history[{i}].year",
                    f"{team_entry.year} is not earlier than the roster's year {roster.year}",
                )
            )
    return problems


def _relations(roster: Roster) -> list[Problem]:
    problems = []
    for i, relation in enumerate(roster.relations):
        for side in ("a", "b"):
            teacher_id = getattr(relation, side)
            if teacher_id not in roster.teacher_by_id:
                problems.append(
                    Problem(f"relations[{i}].{side}", _unknown_teacher(roster, teacher_id))
                )
        if relation.a == relation.b:
            problems.append(
                Problem(f"relations[{i}]", f"'{relation.a}' cannot be in a relation with themself")
            )
    return problems


def _policy(roster: Roster) -> list[Problem]:
    problems = []
    counts = Counter(override.slot for override in roster.policy.cover_overrides)
    for i, override in enumerate(roster.policy.cover_overrides):
        path = f"policy.cover_overrides[{i}].slot"
        reason = _slot_problem(roster, override.slot)
        if reason:
            problems.append(Problem(path, reason))
        elif counts[override.slot] > 1:
            problems.append(Problem(path, f"slot '{override.slot}' is overridden more than once"))
    return problems


REFERENCE_CHECKS.append(cross_check)

"""Hypothesis strategies for valid rosters (and arbitrary plans over them), reused by every test.

`roster_data(...)` draws the JSON of a roster that `roster_from_data` accepts; `rosters(...)` draws
the validated `Roster`. Size parameters keep them tiny where a test needs brute force, e.g.
`rosters(max_teachers=5, max_cycles=1, max_weeks=1, max_periods=3)`. Every feature of the format can
appear: several schools, odd counts, history with trust, team history, avoid/request/lock/continue relations,
evaluators, sabbatical coaches, meetings with tables, cover overrides, unavailability, either
rotation, reciprocal or not, triads allowed or not, cross-school pairs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from pairwise.roster.load import roster_from_data
from pairwise.roster.models import DAYS, TERM_NAMES, Plan, Roster

TOPICS = ("literacy", "numeracy", "feedback", "inquiry", "technology")
TIMEZONES = ("America/Toronto", "Europe/Paris", "UTC", "Australia/Sydney")
FIRST_MONDAY = dt.date(2026, 9, 7)
# trust ratings whose product with a weight lands on .5 test round-half-to-even
TRUST_VALUES = (-1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0)

Draw = Any  # hypothesis' draw function


def _slot(week: str, period: dict[str, str]) -> str:
    day = dt.date.fromisoformat(week) + dt.timedelta(days=DAYS.index(period["day"]))
    return f"{day.isoformat()}/{period['id']}"


def _maybe(draw: Draw, enabled: bool | None) -> bool:
    """A feature switch: the given value, or drawn when None."""
    return draw(st.booleans()) if enabled is None else enabled


@st.composite
def roster_data(
    draw: Draw,
    *,
    min_teachers: int = 2,
    max_teachers: int = 10,
    max_schools: int = 3,
    min_periods: int = 1,
    max_teams: int = 4,
    max_periods: int = 5,
    max_cycles: int = 2,
    max_weeks: int = 2,
    max_meetings: int = 2,
    rotation: str | None = None,
    reciprocal: bool | None = None,
    allow_triads: bool | None = None,
    cross_school_pairs: bool | None = None,
    relations: bool = True,
    coaches: bool = True,
    history: bool = True,
    evaluators: bool = True,
    nonparticipants: bool = True,
) -> dict[str, Any]:
    """The JSON of a valid roster (defaults written out only sometimes, as people write them)."""
    year = draw(st.integers(2024, 2030))
    timezone = draw(st.sampled_from(TIMEZONES))

    period_count = draw(st.integers(min_periods, max(min_periods, max_periods)))
    periods = []
    for index in range(period_count):
        day = draw(st.sampled_from(DAYS[:5]))
        hour = draw(st.integers(7, 15))
        periods.append(
            {
                "id": f"{day}-{index + 1}",
                "day": day,
                "start": f"{hour:02d}:00",
                "end": f"{hour:02d}:{draw(st.sampled_from(['30', '50']))}",
            }
        )

    cycle_count = draw(st.integers(1, max_cycles))
    week_counts = [draw(st.integers(1, max_weeks)) for _ in range(cycle_count)]
    offsets = sorted(
        draw(
            st.lists(
                st.integers(0, 40),
                min_size=sum(week_counts),
                max_size=sum(week_counts),
                unique=True,
            )
        )
    )
    cycles = []
    all_weeks: list[str] = []
    start = 0
    for index, count in enumerate(week_counts):
        weeks = [
            (FIRST_MONDAY + dt.timedelta(weeks=offset)).isoformat()
            for offset in offsets[start : start + count]
        ]
        start += count
        all_weeks += weeks
        meetings = []
        for number in range(draw(st.integers(0, max_meetings))):
            meeting: dict[str, Any] = {
                "id": f"c{index + 1}-m{number + 1}",
                "date": weeks[0],
                "start": "13:00",
                "end": "14:00",
            }
            # no table at all (0) makes a school of two teams infeasible: keep it rare
            tables = draw(st.sampled_from((None, None, 1, 2, 3, 4, 0)))
            if tables is not None:
                meeting["tables"] = tables
            meetings.append(meeting)
        cycle: dict[str, Any] = {"id": f"c{index + 1}", "weeks": weeks}
        if meetings or draw(st.booleans()):
            cycle["meetings"] = meetings
        cycles.append(cycle)
    slots = [_slot(week, period) for week in all_weeks for period in periods]

    school_count = draw(st.integers(1, max_schools))
    # real ids hold slashes, spaces and accents; only a period id may not hold a '/'
    school_prefix, team_prefix, teacher_prefix = (
        draw(st.sampled_from(["", "North/", "École "])),
        draw(st.sampled_from(["", "Math/Science ", "SEN/"])),
        draw(st.sampled_from(["", "staff/", "é "])),
    )
    # one unnamed school is written without any `school` field at all
    school_names: list[str | None] = (
        [None]
        if school_count == 1 and draw(st.booleans())
        else [f"{school_prefix}s{i + 1}" for i in range(school_count)]
    )

    teams = []
    team_school: dict[str, str | None] = {}
    for index in range(draw(st.integers(0, max_teams))):
        school = draw(st.sampled_from(school_names))
        team: dict[str, Any] = {"id": f"{team_prefix}g{index + 1}"}
        if draw(st.booleans()):
            team["priority"] = draw(st.sampled_from(TOPICS))
        if draw(st.booleans()):
            team["grade"] = index + 1
        # a team's school may be written on the team or only on its members
        if school is not None and draw(st.booleans()):
            team["school"] = school
        team_school[team["id"]] = school
        teams.append(team)

    teacher_count = draw(st.integers(min_teachers, max(min_teachers, max_teachers)))
    ids = [f"{teacher_prefix}t{i + 1:02d}" for i in range(teacher_count)]
    period_ids = [period["id"] for period in periods]
    teachers = []
    for teacher_id in ids:
        teacher: dict[str, Any] = {"id": teacher_id, "name": f"Teacher {teacher_id}"}
        team_id = (
            draw(st.one_of(st.none(), st.sampled_from(sorted(team_school)))) if teams else None
        )
        if team_id is not None:
            teacher["team"] = team_id
            school = team_school[team_id]
            if school is not None and (
                "school" not in next(t for t in teams if t["id"] == team_id) or draw(st.booleans())
            ):
                teacher["school"] = school
        else:
            school = draw(st.sampled_from(school_names))
            if school is not None:
                teacher["school"] = school
        if draw(st.booleans()):
            teacher["years_experience"] = draw(st.integers(0, 20))
        if draw(st.integers(0, 4)) > 0:
            teacher["priority"] = draw(st.sampled_from(TOPICS))
        teacher["strengths"] = draw(st.lists(st.sampled_from(TOPICS), max_size=3, unique=True))
        # about half the periods, so that visits (host teaches) and covers (visitor teaches) mix
        teacher["teaches"] = [period for period in period_ids if draw(st.booleans())]
        if draw(st.integers(0, 2)) == 0:
            teacher["unavailable"] = draw(
                st.lists(st.sampled_from(period_ids + slots), min_size=1, max_size=2, unique=True)
            )
        if draw(st.booleans()):
            teacher["max_release"] = draw(st.integers(0, 3))
        if nonparticipants and draw(st.integers(0, 7)) == 0:
            teacher["participates"] = False
        if coaches and draw(st.integers(0, 3)) == 0:
            teacher["sabbatical"] = {
                "topics": draw(
                    st.lists(st.sampled_from(TOPICS), min_size=1, max_size=3, unique=True)
                ),
                "budget": draw(st.integers(0, 3)),
            }
        if draw(st.integers(0, 4)) == 0:
            teacher["room"] = f"room {teacher_id[1:]}"
        teachers.append(teacher)
    if evaluators and teacher_count > 1:
        for teacher in teachers:
            if draw(st.integers(0, 4)) == 0:
                teacher["evaluator"] = draw(st.sampled_from([i for i in ids if i != teacher["id"]]))

    data: dict[str, Any] = {
        "format": "pairwise/roster@1",
        "name": f"Generated {year}",
        "year": year,
        "timezone": timezone,
        "periods": periods,
        "cycles": cycles,
        "teachers": teachers,
    }
    if teams or draw(st.booleans()):
        data["teams"] = teams

    if history and teacher_count > 1:
        people = [*ids, "former-1", "former-2"]
        entries = []
        for _ in range(draw(st.integers(0, 4))):
            a, b = draw(st.lists(st.sampled_from(people), min_size=2, max_size=2, unique=True))
            entry: dict[str, Any] = {"a": a, "b": b, "year": draw(st.integers(year - 5, year - 1))}
            if draw(st.booleans()):
                entry["kind"] = draw(st.sampled_from(["peer", "mentor", "sabbatical"]))
            if draw(st.integers(0, 3)) > 0:
                entry["trust"] = draw(
                    st.one_of(st.sampled_from(TRUST_VALUES), st.floats(-1.0, 1.0, allow_nan=False))
                )
            if draw(st.integers(0, 4)) == 0:
                entry["asked_to_continue"] = True
            entries.append(entry)
        data["history"] = entries
        team_people = [team["id"] for team in teams] + ["former-team"]
        if len(team_people) > 1:
            data["team_history"] = [
                {"a": pair[0], "b": pair[1], "year": draw(st.integers(year - 5, year - 1))}
                for pair in draw(
                    st.lists(
                        st.lists(st.sampled_from(team_people), min_size=2, max_size=2, unique=True),
                        max_size=3,
                    )
                )
            ]

    if relations and teacher_count > 1:
        data["relations"] = [
            {
                "a": pair[0],
                "b": pair[1],
                # locks are rarer: a lock beside an avoid or an evaluator has no plan
                "kind": draw(
                    st.sampled_from(["avoid", "avoid", "request", "request", "lock", "continue"])
                ),
            }
            for pair in draw(
                st.lists(
                    st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True), max_size=3
                )
            )
        ]

    policy: dict[str, Any] = {
        "rotation": rotation if rotation is not None else draw(st.sampled_from(["year", "cycle"])),
        "reciprocal": _maybe(draw, reciprocal),
        "allow_triads": _maybe(draw, allow_triads),
        "cross_school_pairs": _maybe(draw, cross_school_pairs),
        "cover_per_period": draw(st.integers(0, 3)),
    }
    overrides = draw(st.lists(st.sampled_from(slots), max_size=2, unique=True))
    if overrides:
        policy["cover_overrides"] = [
            {"slot": slot, "cover": draw(st.integers(0, 2))} for slot in overrides
        ]
    if draw(st.booleans()):
        policy["release_budget"] = draw(st.integers(0, 8))
    for name, low, high in (
        ("repeat_window_years", 0, 4),
        ("novice_years", 0, 5),
        ("mentor_years", 3, 10),
        ("sabbatical_visits_per_coachee", 0, 3),
    ):
        if draw(st.booleans()):
            policy[name] = draw(st.integers(low, high))
    if draw(st.booleans()):
        policy["weights"] = {
            name: draw(st.integers(0, 2000 if name == "unpaired" else 25))
            for name in TERM_NAMES
            if draw(st.booleans())
        }
    data["policy"] = policy
    return data


def rosters(**sizes: Any) -> st.SearchStrategy[Roster]:
    """Validated rosters; takes the keyword arguments of `roster_data`."""
    return roster_data(**sizes).map(roster_from_data)


@st.composite
def binding_roster_data(
    draw: Draw, *, max_teachers: int = 5, max_cycles: int = 2
) -> dict[str, Any]:
    """The JSON of a tiny roster where slots, covers and releases bind: two or three periods, one
    week a cycle, at most one substitute a slot, small release limits, and coaches (often outside
    the peer programme, as are some coachees) whose visits compete with the peer visits.

    Random rosters rarely make the exact shortcuts matter (a visit with many free slots never
    needs its pruned ones); these do, so they are where a shortcut cut too far shows.
    """
    period_ids = [f"mon-{i + 1}" for i in range(draw(st.integers(2, 3)))]
    periods = [
        {"id": pid, "day": "mon", "start": f"{8 + i:02d}:00", "end": f"{8 + i:02d}:50"}
        for i, pid in enumerate(period_ids)
    ]
    cycles = [
        {"id": f"c{i + 1}", "weeks": [(FIRST_MONDAY + dt.timedelta(weeks=8 * i)).isoformat()]}
        for i in range(draw(st.integers(1, max_cycles)))
    ]
    count = draw(st.integers(3, max_teachers))
    # roles: at least one coach and one coachee outside the peer programme (their visits bind
    # slots the tightest: the pruning's threshold is exact for them, with no slack), the rest
    # peer teachers, who may be coached too
    roles = ["coach", "coachee"] + [
        draw(st.sampled_from(["peer", "peer", "coach", "coachee"])) for _ in range(count - 2)
    ]
    teachers = []
    for index, role in enumerate(draw(st.permutations(roles))):
        teacher: dict[str, Any] = {
            "id": f"t{index + 1}",
            "name": f"Teacher t{index + 1}",
            # coaches teach little, so they are free for many visits, which then compete
            "teaches": draw(
                st.lists(
                    st.sampled_from(period_ids),
                    unique=True,
                    min_size=1 if role == "coachee" else 0,
                    max_size=1 if role == "coach" else 3,
                )
            ),
            "priority": "math" if role == "coachee" else draw(st.sampled_from(TOPICS[:2])),
        }
        if role != "peer":
            teacher["participates"] = False
        if role == "coach":
            teacher["sabbatical"] = {"topics": ["math"], "budget": draw(st.integers(1, 3))}
        elif draw(st.integers(0, 2)) == 0:
            teacher["max_release"] = draw(st.integers(0, 1))
        teachers.append(teacher)
    policy: dict[str, Any] = {
        "rotation": draw(st.sampled_from(["year", "cycle"])),
        "reciprocal": draw(st.booleans()),
        "allow_triads": draw(st.booleans()),
        "cover_per_period": draw(st.integers(0, 1)),
        "sabbatical_visits_per_coachee": draw(st.integers(1, 3)),
    }
    if draw(st.booleans()):
        policy["release_budget"] = draw(st.integers(0, 2))
    return {
        "format": "pairwise/roster@1",
        "name": "binding",
        "year": 2026,
        "timezone": "UTC",
        "periods": periods,
        "cycles": cycles,
        "teachers": teachers,
        "policy": policy,
    }


def binding_rosters(**sizes: Any) -> st.SearchStrategy[Roster]:
    """Validated rosters of `binding_roster_data`."""
    return binding_roster_data(**sizes).map(roster_from_data)


@st.composite
def plans_for(draw: Draw, roster: Roster) -> Plan:
    """An arbitrary plan over a roster's ids (a few unknown ones mixed in): almost never valid."""
    people = [teacher.id for teacher in roster.teachers] + ["t-unknown"]
    cycle_ids = [cycle.id for cycle in roster.cycles] + ["c-unknown"]
    slots = [slot for cycle in roster.cycles for slot in roster.cycle_slots(cycle.id)]
    slots += ["2026-13-01/mon-1", "not a slot"]
    team_ids = [team.id for team in roster.teams] + ["g-unknown"]
    meetings = [(cycle.id, meeting.id) for cycle in roster.cycles for meeting in cycle.meetings]
    meetings.append(("c1", "m-unknown"))

    partnerships = []
    for index in range(draw(st.integers(0, 4))):
        partnerships.append(
            {
                "id": f"P{index + 1}",
                "members": draw(st.lists(st.sampled_from(people), min_size=2, max_size=3)),
                "cycles": draw(st.lists(st.sampled_from(cycle_ids), max_size=3)),
                "score": draw(st.integers(-50, 50)),
            }
        )
    partnership_ids = [p["id"] for p in partnerships] + ["P-unknown"]
    visits = [
        {
            "partnership": draw(st.sampled_from(partnership_ids)),
            "cycle": draw(st.sampled_from(cycle_ids)),
            "host": draw(st.sampled_from(people)),
            "visitor": draw(st.sampled_from(people)),
            "slot": draw(st.sampled_from(slots)),
            "covered": draw(st.booleans()),
        }
        for _ in range(draw(st.integers(0, 5)))
    ]
    sabbatical_visits = [
        {
            "coach": draw(st.sampled_from(people)),
            "coachee": draw(st.sampled_from(people)),
            "cycle": draw(st.sampled_from(cycle_ids)),
            "slot": draw(st.sampled_from(slots)),
            "covered": draw(st.booleans()),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    tables = []
    for _ in range(draw(st.integers(0, 3))):
        cycle_id, meeting_id = draw(st.sampled_from(meetings))
        tables.append(
            {
                "cycle": cycle_id,
                "meeting": meeting_id,
                "table": draw(st.integers(-1, 5)),
                "teams": draw(st.lists(st.sampled_from(team_ids), min_size=1, max_size=4)),
            }
        )
    unpaired = [
        {
            "teacher": draw(st.sampled_from(people)),
            "cycles": draw(st.lists(st.sampled_from(cycle_ids), max_size=2)),
        }
        for _ in range(draw(st.integers(0, 2)))
    ]
    terms = {name: draw(st.integers(-100, 100)) for name in TERM_NAMES if draw(st.booleans())}
    return Plan.model_validate(
        {
            "roster": roster.name,
            "status": "feasible",
            "objective": draw(st.integers(-1000, 1000)),
            "bound": 0,
            "terms": terms,
            "partnerships": partnerships,
            "visits": visits,
            "sabbatical_visits": sabbatical_visits,
            "tables": tables,
            "unpaired": unpaired,
            "year": draw(st.one_of(st.none(), st.just(roster.year), st.just(roster.year + 1))),
        }
    )

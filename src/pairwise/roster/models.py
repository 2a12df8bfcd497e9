"""The roster and plan formats (docs/roster.md, docs/plan.md) (`pairwise/roster@1`, `pairwise/plan@1`) as pydantic models.

These classes are the project's vocabulary: the model, the checker, the exporters and the importers
all speak it. Field-level rules (types, ranges, date and time syntax) live here; rules that relate
one part of a roster to another live in `validation.py`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    model_validator,
)

ROSTER_FORMAT = "pairwise/roster@1"
# validation context under which a roster is built without its cross-reference checks: the loader
# runs them itself to report each problem by path; internal repairs build partial rosters
SKIP_CROSS_CHECK = "skip_cross_check"
# The cross-reference checks a roster built from a dict runs. `pairwise.roster.validate` registers
# them when it is imported (by the package, so always): it reads these models, so this module
# cannot import it without a cycle, and the checker, which imports only this module, stays apart.
REFERENCE_CHECKS: list[Callable[[Roster], Sequence[object]]] = []
PLAN_FORMAT = "pairwise/plan@1"

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SLOT = re.compile(r"^(\d{4}-\d{2}-\d{2})/(.+)$")


def _clock_time(value: str) -> str:
    if not _TIME.match(value):
        raise ValueError(f"'{value}' is not a time of day as HH:MM (00:00 to 23:59)")
    return value


def _calendar_date(value: str) -> str:
    if not _DATE.match(value):
        raise ValueError(f"'{value}' is not a date as YYYY-MM-DD")
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a real calendar date") from None
    return value


def _identifier(value: str) -> str:
    if not value.strip():
        raise ValueError("an id cannot be empty")
    return value


def _period_identifier(value: str) -> str:
    # only a period id is written inside a slot (`DATE/PERIOD`); every other id is free text
    _identifier(value)
    if "/" in value:
        raise ValueError(
            f"'{value}': a period id cannot contain '/' (it separates a slot's date and period)"
        )
    return value


def _not_a_flag(value: object) -> object:
    # JSON's true and false are not numbers; pydantic would read them as 1 and 0
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is not a number")
    return value


def _finite(value: float) -> float:
    if math.isnan(value) or math.isinf(value):
        raise ValueError("must be a finite number")
    return value


# each pattern restates its validator for JSON Schema readers; the validator's message is ours
ClockTime = Annotated[
    str, AfterValidator(_clock_time), Field(json_schema_extra={"pattern": _TIME.pattern})
]
CalendarDate = Annotated[
    str,
    AfterValidator(_calendar_date),
    Field(json_schema_extra={"pattern": _DATE.pattern, "format": "date"}),
]
Identifier = Annotated[
    str, AfterValidator(_identifier), Field(json_schema_extra={"pattern": "\\S"})
]
PeriodIdentifier = Annotated[
    str,
    AfterValidator(_period_identifier),
    Field(json_schema_extra={"pattern": "^[^/]*[^/\\s][^/]*$"}),
]
Whole = Annotated[int, BeforeValidator(_not_a_flag)]
Count = Annotated[int, Field(ge=0), BeforeValidator(_not_a_flag)]


def parse_slot(slot: str) -> tuple[dt.date, str]:
    """Split `2026-10-06/tue-3` into its date and period id; ValueError when malformed."""
    match = _SLOT.match(slot)
    if not match:
        raise ValueError(f"'{slot}' is not a slot written DATE/PERIOD (e.g. 2026-10-06/tue-3)")
    try:
        day = dt.date.fromisoformat(match.group(1))
    except ValueError:
        raise ValueError(f"'{slot}': '{match.group(1)}' is not a real calendar date") from None
    return day, match.group(2)


def slot_name(day: dt.date, period_id: str) -> str:
    """The name of one period in one dated week: `DATE/PERIOD`."""
    return f"{day.isoformat()}/{period_id}"


class Strict(BaseModel):
    """Unknown fields are errors (with the nearest known name), so a typo never drops data."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=False)


# --- roster -------------------------------------------------------------------------------------


class Period(Strict):
    id: PeriodIdentifier
    day: Day
    start: ClockTime
    end: ClockTime


class Meeting(Strict):
    id: Identifier
    date: CalendarDate
    start: ClockTime
    end: ClockTime
    tables: Count | None = None


class Cycle(Strict):
    id: Identifier
    weeks: list[CalendarDate] = Field(min_length=1)
    meetings: list[Meeting] = Field(default_factory=list)


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("cannot be empty")
    return value


Text = Annotated[str, AfterValidator(_text)]


class RoadmapAction(Strict):
    """One step of a priority plan, with the date it is due."""

    action: Text
    due: CalendarDate


class Roadmap(Strict):
    """A priority plan: the goal, the actions with their deadlines, the evidence of progress."""

    goal: str = ""
    actions: list[RoadmapAction] = Field(default_factory=list)
    evidence: list[Text] = Field(default_factory=list)


class Guides(Strict):
    """Prompts and sentence starters per kind of session; an absent list takes the built-in one."""

    visit: list[Text] | None = None
    debrief: list[Text] | None = None
    planning: list[Text] | None = None
    table: list[Text] | None = None


class Team(Strict):
    id: Identifier
    name: str | None = None
    priority: str | None = None
    grade: Whole | None = None
    school: str | None = None
    roadmap: Roadmap | None = None


class Sabbatical(Strict):
    topics: list[str] = Field(default_factory=list)
    budget: Count = 0


class Teacher(Strict):
    id: Identifier
    name: str
    team: str | None = None
    school: str | None = None
    years_experience: Count = 0
    priority: str | None = None
    strengths: list[str] = Field(default_factory=list)
    teaches: list[str] = Field(default_factory=list)
    unavailable: list[str] = Field(default_factory=list)
    evaluator: str | None = None
    max_release: Count | None = None
    participates: bool = True
    sabbatical: Sabbatical | None = None
    room: str | None = None
    roadmap: Roadmap | None = None
    tandem: bool = False
    begin_date: CalendarDate | None = None
    end_date: CalendarDate | None = None


class HistoryEntry(Strict):
    a: str
    b: str
    year: Whole
    kind: Literal["peer", "mentor", "sabbatical"] = "peer"
    # the range first, so that the schema states it as minimum/maximum (JSON Schema's words)
    trust: Annotated[
        float, Field(ge=-1.0, le=1.0), BeforeValidator(_not_a_flag), AfterValidator(_finite)
    ] = 0.0
    asked_to_continue: bool = False
    """Both partners asked, in that year's survey, to keep working together (rollover sets it)."""


class TeamHistoryEntry(Strict):
    a: str
    b: str
    year: Whole


RelationKind = Literal["avoid", "request", "lock", "continue"]
RELATION_KINDS: tuple[str, ...] = ("avoid", "request", "lock", "continue")
"""`continue`: both partners asked to keep working together (no repeat cost, the request reward)."""


class Relation(Strict):
    a: str
    b: str
    kind: RelationKind


class CoverOverride(Strict):
    slot: str
    cover: Count


class Weights(Strict):
    """Objective weights; each is non-negative, the sign of its term is the objective's."""

    complement: Count = 10
    shared_priority: Count = 3
    trust: Count = 6
    repeat: Count = 20
    cross_team: Count = 2
    mentoring: Count = 8
    request: Count = 15
    cover: Count = 1
    team_complement: Count = 5
    team_repeat: Count = 10
    sabbatical: Count = 12
    unpaired: Count = 1000


TERM_NAMES: tuple[str, ...] = tuple(Weights.model_fields)


class Policy(Strict):
    rotation: Literal["year", "cycle"] = "year"
    reciprocal: bool = True
    allow_triads: bool = True
    cover_per_period: Count = 2
    cover_overrides: list[CoverOverride] = Field(default_factory=list)
    release_budget: Count | None = None
    repeat_window_years: Count = 3
    novice_years: Count = 3
    mentor_years: Count = 6
    sabbatical_visits_per_coachee: Count = 2
    cross_school_pairs: bool = False
    weights: Weights = Field(default_factory=Weights)
    tandem: bool = False
    debrief_within_days: Count = 2


class Roster(Strict):
    format: Literal["pairwise/roster@1"]
    name: str
    year: Whole
    timezone: str
    periods: list[Period] = Field(min_length=1)
    cycles: list[Cycle] = Field(min_length=1)
    teams: list[Team] = Field(default_factory=list)
    teachers: list[Teacher] = Field(default_factory=list)
    history: list[HistoryEntry] = Field(default_factory=list)
    team_history: list[TeamHistoryEntry] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    policy: Policy = Field(default_factory=Policy)
    guides: Guides | None = None

    @model_validator(mode="after")
    def _references_resolve(self, info: ValidationInfo) -> Roster:
        """A roster built from a dict is checked as a loaded one is: every reference resolves."""
        if isinstance(info.context, Mapping) and info.context.get(SKIP_CROSS_CHECK):
            return self
        if not REFERENCE_CHECKS:  # never a roster silently left unchecked
            raise RuntimeError("import pairwise.roster.validate before building a roster")
        problems = [problem for check in REFERENCE_CHECKS for problem in check(self)]
        if problems:
            listed = "; ".join(str(problem) for problem in problems)
            raise ValueError(f"the roster's references do not all resolve: {listed}")
        return self

    # Derived facts every consumer needs the same way; computed once per roster.

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Roster:
        """A copy whose derived lookups are computed afresh (an update may change what they index)."""
        copy = super().model_copy(update=update, deep=deep)
        for name in ("teacher_by_id", "team_by_id", "period_by_id", "cycle_by_id", "_name_count"):
            copy.__dict__.pop(name, None)
        return copy

    @cached_property
    def teacher_by_id(self) -> dict[str, Teacher]:
        return {teacher.id: teacher for teacher in self.teachers}

    @cached_property
    def team_by_id(self) -> dict[str, Team]:
        return {team.id: team for team in self.teams}

    @cached_property
    def period_by_id(self) -> dict[str, Period]:
        # the first of a repeated id wins, as validation's "first at" message says
        periods: dict[str, Period] = {}
        for period in self.periods:
            periods.setdefault(period.id, period)
        return periods

    @cached_property
    def cycle_by_id(self) -> dict[str, Cycle]:
        return {cycle.id: cycle for cycle in self.cycles}

    @cached_property
    def _name_count(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for teacher in self.teachers:
            counts[teacher.name.strip()] = counts.get(teacher.name.strip(), 0) + 1
        return counts

    def teacher_name(self, teacher_id: str) -> str:
        """How the admin reads a teacher: the name as the roster spells it, with the id when two
        teachers share the name; the id for a blank name or former staff."""
        teacher = self.teacher_by_id.get(teacher_id)
        if teacher is None or not teacher.name.strip():
            return teacher_id
        name = teacher.name.strip()
        return f"{name} ({teacher_id})" if self._name_count[name] > 1 else name

    def team_name(self, team_id: str) -> str:
        """A team's display name, else its id."""
        team = self.team_by_id.get(team_id)
        if team is None or team.name is None or not team.name.strip():
            return team_id
        return team.name.strip()

    def school_of(self, teacher_id: str) -> str:
        """A teacher's school: its own, else its team's, else '' (the roster's one school)."""
        teacher = self.teacher_by_id[teacher_id]
        if teacher.school is not None:
            return teacher.school
        if teacher.team is not None and teacher.team in self.team_by_id:
            return self.team_school(teacher.team)
        return ""

    def team_school(self, team_id: str) -> str:
        """A team's school: the one given, else its members' (they share one), else ''."""
        team = self.team_by_id[team_id]
        if team.school is not None:
            return team.school
        for teacher in self.teachers:
            if teacher.team == team_id and teacher.school is not None:
                return teacher.school
        return ""

    def schools(self) -> list[str]:
        """Every school named by a teacher or a team, in first-seen order ('' for an unnamed one)."""
        seen: dict[str, None] = {}
        for teacher in self.teachers:
            seen.setdefault(self.school_of(teacher.id), None)
        for team in self.teams:
            seen.setdefault(self.team_school(team.id), None)
        return list(seen)

    def cover_limit(self, slot: str) -> int:
        """Covers on hand in a slot for each school: the override for that slot, else the policy's."""
        for override in self.policy.cover_overrides:
            if override.slot == slot:
                return override.cover
        return self.policy.cover_per_period

    def cycle_slots(self, cycle_id: str) -> list[str]:
        """Every slot of a cycle: its weeks × the periods, in week then timetable order."""
        slots = []
        for week in self.cycle_by_id[cycle_id].weeks:
            monday = dt.date.fromisoformat(week)
            for period in self.periods:
                slots.append(
                    slot_name(monday + dt.timedelta(days=DAYS.index(period.day)), period.id)
                )
        return slots

    def slot_times(self, slot: str) -> tuple[str, str]:
        """A slot's start and end as ISO 8601 local times with the UTC offset of that date."""
        day, period_id = parse_slot(slot)
        period = self.period_by_id[period_id]
        return zoned_time(day, period.start, self.timezone), zoned_time(
            day, period.end, self.timezone
        )

    def as_json(self) -> str:
        """The roster as canonical JSON text (defaults written out)."""
        return self.model_dump_json(indent=2) + "\n"


def zoned_time(day: dt.date, clock: str, timezone: str) -> str:
    """`2026-10-06T10:20:00-04:00`: a wall-clock time on a date in an IANA zone."""
    hour, minute = (int(part) for part in clock.split(":"))
    moment = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(timezone))
    return moment.isoformat()


# --- plan ---------------------------------------------------------------------------------------


class Partnership(Strict):
    id: str
    members: list[str] = Field(min_length=2, max_length=3)
    cycles: list[str]
    # the engine states these; a plan made by hand or by another system may leave them out
    score: int | None = None
    reasons: list[str] = Field(default_factory=list)


class Visit(Strict):
    partnership: str
    cycle: str
    host: str
    visitor: str
    slot: str
    # derived from the slot: the engine states them, a plan made by hand may leave them out
    start: str | None = None
    end: str | None = None
    covered: bool = False
    mode: Literal["visit", "co-teach"] = "visit"
    """`co-teach`: the visitor teaches the lesson with the host (a tandem pair's lesson)."""


class VisitReference(Strict):
    """The peer visit a conversation belongs to."""

    host: str
    visitor: str
    cycle: str
    slot: str


class Conversation(Strict):
    """A debrief after a visit, or the planning of a co-taught lesson before it."""

    kind: Literal["debrief", "planning"]
    members: list[str] = Field(min_length=2, max_length=2)
    visit: VisitReference
    slot: str
    start: str = ""
    end: str = ""


class UnplacedConversation(Strict):
    """A visit left without its debrief (or a tandem pair's cycle without a planning), and why."""

    kind: Literal["debrief", "planning"]
    visit: VisitReference
    why: str = ""


class ConversationCounts(Strict):
    """Conversations and co-taught lessons placed, and the most any plan of this objective (with
    these partnerships and sabbatical visits) could hold: proven, or an upper bound."""

    placed: Count = 0
    most: Count = 0
    co_taught: Count = 0
    co_taught_most: Count = 0


class SabbaticalVisit(Strict):
    coach: str
    coachee: str
    cycle: str
    slot: str
    start: str | None = None
    end: str | None = None
    covered: bool = False


class TableSeat(Strict):
    cycle: str
    meeting: str
    table: int
    teams: list[str] = Field(min_length=1)


class Unpaired(Strict):
    teacher: str
    cycles: list[str]
    why: str = ""


class Network(BaseModel):
    model_config = ConfigDict(extra="allow")

    components: int = 0
    largest_component_share: float = 0.0


class Metrics(BaseModel):
    model_config = ConfigDict(extra="allow")

    new_partner_share: float = 0.0
    cross_team_share: float = 0.0
    covered_visits: int = 0
    network: Network = Field(default_factory=Network)


class Change(Strict):
    """One change a re-plan made to the plan in force: a session `moved`, `cancelled` or `added`.

    `session` is the session as it is now (as it was, for a cancelled one), `was` as it was
    before (None for an added one); each holds the session's own fields and its `kind`
    (`visit`, `sabbatical_visit` or `table`)."""

    kind: Literal["moved", "cancelled", "added"]
    session: dict[str, Any]
    was: dict[str, Any] | None = None
    why: str = ""


class Replans(Strict):
    """How a re-plan relates to the plan in force it was made from."""

    model_config = ConfigDict(
        extra="forbid", validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
    )

    plan: str
    """sha256 of the bytes of the plan in force."""
    start: CalendarDate = Field(alias="from")
    objective_bound: int
    changes: list[Change] = Field(default_factory=list)
    change_bound: int = 0


class Plan(Strict):
    format: Literal["pairwise/plan@1"] = "pairwise/plan@1"
    roster: str
    year: int | None = None
    # What the solver says about the plan. The engine states every one; a plan made by hand or by
    # another system may state only its sessions, and `check` then computes the rest.
    status: Literal["optimal", "feasible", "infeasible"] | None = None
    objective: int | None = None
    bound: int | None = None
    gap: float | None = None
    seconds: float | None = None
    seed: int | None = None
    terms: dict[str, int] | None = None
    partnerships: list[Partnership] = Field(default_factory=list)
    visits: list[Visit] = Field(default_factory=list)
    sabbatical_visits: list[SabbaticalVisit] = Field(default_factory=list)
    tables: list[TableSeat] = Field(default_factory=list)
    unpaired: list[Unpaired] = Field(default_factory=list)
    conversations: list[Conversation] = Field(default_factory=list)
    unplaced_conversations: list[UnplacedConversation] = Field(default_factory=list)
    conversation_counts: ConversationCounts = Field(default_factory=ConversationCounts)
    metrics: Metrics | None = None
    replans: Replans | None = Field(default=None, exclude_if=lambda value: value is None)

    def as_json(self) -> str:
        """The plan as JSON text, stable byte for byte for the same content."""
        return self.model_dump_json(indent=2) + "\n"

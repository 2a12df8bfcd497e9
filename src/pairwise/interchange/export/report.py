"""The HTML report: one self-contained file (no script, no network) for the people who run the plan.

It shows the summary and every term in words, per cycle a grid of days × periods with visits and
covers against the cover limit, the partnerships with their reasons, each meeting's seating, each
coach's visits and budget, the coaching network as inline SVG and the history metrics. Trust
appears only as an aggregate over enough pairs that no pair's rating can be read back; avoid
relations never appear.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

import jinja2
import networkx as nx

from pairwise.analysis.network import (
    MIN_PAIRS_FOR_TRUST,
    coaching_graph,
    plan_metrics,
    plan_pairs,
    plan_year,
)
from pairwise.interchange.export.common import (
    DAY_NAMES,
    join_words,
    meeting_of,
    meeting_times,
    name_of,
    slot_times,
    team_members,
)
from pairwise.interchange.export.trust_trend import TrustTrend, YearRow, trust_trend, year_rows
from pairwise.roster.facts import latest_ratings
from pairwise.roster.models import DAYS, TERM_NAMES, Plan, Roster, Visit, slot_name
from pairwise.roster.objective import Scoring
from pairwise.version import __version__

TERM_WORDS: dict[str, str] = {
    "complement": "complementary strengths: a partner is strong in the other's priority",
    "shared_priority": "partners working on the same priority",
    "trust": "trust between partners who worked together before",
    "repeat": "repeat partners within the repeat window (a cost)",
    "cross_team": "partners from different teams",
    "mentoring": "a novice partnered with an experienced colleague",
    "request": "partnerships teachers asked for together",
    "cover": "covered visits: release time used (a cost)",
    "team_complement": "table matchups where one team's strength is the other's priority",
    "team_repeat": "table matchups repeated from earlier years or meetings (a cost)",
    "sabbatical": "mini-sabbatical coaching visits",
    "unpaired": "teachers left without a partner (a cost)",
}

STATUS_WORDS: dict[str, str] = {
    "optimal": "Optimal: proved that no better plan exists.",
    "feasible": "Feasible: the best plan found in the time allowed; the bound says how much "
    "better a plan could possibly be.",
    "infeasible": "Infeasible: no plan keeps every rule.",
}

# Tableau 10: distinct, print-safe colours for the first ten teams
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
NO_TEAM_COLOUR = "#8c8c8c"
WEEKDAYS = tuple(DAY_NAMES.values())
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class TermRow:
    name: str
    words: str
    weight: int
    value: int | None  # None: the plan does not state it


@dataclass(frozen=True)
class CoverUse:
    school: str
    used: int
    limit: int


@dataclass(frozen=True)
class CellEntry:
    visitor: str
    host: str
    covered: bool
    sabbatical: bool


@dataclass
class GridCell:
    slot: str
    visits: int = 0
    sabbatical: int = 0
    covers: list[CoverUse] = field(default_factory=list)
    limit: int = 0
    entries: list[CellEntry] = field(default_factory=list)
    done: bool = False
    """Before a re-plan's first day: the kept part of the year, already done."""

    @property
    def state(self) -> str:
        """`over` past a limit, `full` at one, `some` under, `closed` for no cover, else ``."""
        if any(use.used > use.limit for use in self.covers):
            return "over"
        if any(use.used == use.limit and use.used > 0 for use in self.covers):
            return "full"
        if any(use.used for use in self.covers):
            return "some"
        return "closed" if self.limit == 0 else ""


@dataclass
class GridRow:
    label: str
    cells: list[GridCell | None]


@dataclass
class WeekGrid:
    label: str
    days: list[str]
    rows: list[GridRow]


@dataclass
class CycleGrid:
    cycle: str
    weeks: list[WeekGrid]
    visits: int
    sabbatical: int
    covered: int


@dataclass
class PartnershipRow:
    id: str
    members: list[str]
    cycles: str
    visits: list[str]
    score: int | None
    reasons: list[str]


class UnpairedRow(NamedTuple):
    """A teacher left without a partner: their name, in which cycles, and why."""

    name: str
    cycles: str
    why: str


@dataclass
class TableRow:
    number: int
    teams: list[tuple[str, str]]  # (team, its members' names)


@dataclass
class SchoolSeating:
    school: str
    tables: list[TableRow]


@dataclass
class MeetingSeating:
    cycle: str
    meeting: str
    when: str
    schools: list[SchoolSeating]


@dataclass
class CoachRow:
    name: str
    school: str
    topics: str
    budget: int
    used: int
    visits: list[str]


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    title: str
    x: float
    y: float
    colour: str
    partnered: bool
    isolated: bool
    anchor: str
    rotation: float
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Edge:
    path: str
    kind: str  # "past" (earlier years only), "new" (first time this year) or "again"


@dataclass
class NetworkDrawing:
    size: float
    radius: float
    node_radius: float
    font_size: float
    nodes: list[Node]
    edges: list[Edge]
    legend: list[tuple[str, str]]
    isolated: list[str]


@dataclass(frozen=True)
class ChangeRow:
    kind: str
    session: str
    was: str
    why: str


@dataclass(frozen=True)
class ReplanSummary:
    """A re-plan's changes against the plan in force, for the admin's report."""

    start: str
    counts: str
    bounds: str
    changes: list[ChangeRow]


def _session_words(roster: Roster, session: dict[str, object] | None) -> str:
    if not session:
        return ""
    kind = session.get("kind")
    slot = str(session.get("slot", ""))
    when = _short_when(roster, slot) if slot else ""
    if kind == "visit":
        visitor = name_of(roster, str(session["visitor"]))
        host = name_of(roster, str(session["host"]))
        return f"{visitor} visits {host}, {when}"
    if kind == "sabbatical_visit":
        coach = name_of(roster, str(session["coach"]))
        coachee = name_of(roster, str(session["coachee"]))
        return f"{coach} coaches {coachee}, {when}"
    teams = session.get("teams")
    names = ", ".join(str(t) for t in teams) if isinstance(teams, list) else ""
    return f"table {session.get('table')} at {session.get('meeting')}: {names}"


def _replan(roster: Roster, plan: Plan) -> ReplanSummary | None:
    replans = plan.replans
    if replans is None:
        return None
    kinds = Counter(change.kind for change in replans.changes)
    return ReplanSummary(
        start=replans.start,
        counts=(
            f"{kinds['moved']} moved, {kinds['cancelled']} cancelled, {kinds['added']} added "
            f"({len(replans.changes)} in all)"
        ),
        bounds=(
            f"objective bound {replans.objective_bound}; fewest changes possible at this "
            f"objective: {replans.change_bound}"
        ),
        changes=[
            ChangeRow(
                change.kind,
                _session_words(roster, change.session),
                _session_words(roster, change.was) if change.kind == "moved" else "",
                change.why,
            )
            for change in replans.changes
        ],
    )


@dataclass
class ReportContents:
    """Everything the template shows, computed here so the template only lays it out."""

    roster: Roster
    plan: Plan
    year: int
    status_words: str
    gap_percent: str
    terms: list[TermRow]
    facts: list[tuple[str, str]]
    metrics: list[tuple[str, str]]
    grids: list[CycleGrid]
    partnerships: list[PartnershipRow]
    unpaired: list[UnpairedRow]
    meetings: list[MeetingSeating]
    coaches: list[CoachRow]
    network: NetworkDrawing
    years: list[YearRow]
    several_schools: bool
    trend: TrustTrend | None = None
    replan: ReplanSummary | None = None


def _day_label(day: dt.date) -> str:
    """`Tue 6 Oct` (English names, whatever the machine's locale)."""
    return f"{WEEKDAYS[day.weekday()][:3]} {day.day} {MONTHS[day.month - 1]}"


def _when(moment: dt.datetime) -> str:
    return f"{_day_label(moment.date())} {moment.year}, {moment:%H:%M}"


def _short_when(roster: Roster, slot: str) -> str:
    start, _ = slot_times(roster, slot)
    return f"{_day_label(start.date())} {start:%H:%M}"


def _percent(share: float) -> str:
    return f"{100 * share:.1f} %"


def _terms(roster: Roster, plan: Plan) -> list[TermRow]:
    weights = roster.policy.weights
    return [
        TermRow(
            name, TERM_WORDS.get(name, name), getattr(weights, name), (plan.terms or {}).get(name)
        )
        for name in TERM_NAMES
    ]


def _mean_trust(roster: Roster, plan: Plan, year: int) -> str:
    """The mean latest rating over the plan's pairs that have one, or why it is withheld."""
    ratings = latest_ratings(roster.history, year)
    rated = [ratings[pair] for pair in plan_pairs(plan) if pair in ratings]
    if not rated:
        return "no pair of this plan has a rating from earlier years"
    if len(rated) < MIN_PAIRS_FOR_TRUST:
        return (
            f"withheld: only {len(rated)} rated pair{'s' if len(rated) != 1 else ''} "
            f"(shown from {MIN_PAIRS_FOR_TRUST}, so no pair's rating can be read back)"
        )
    return f"{sum(rated) / len(rated):+.2f} over {len(rated)} pairs who worked together before"


def _facts(roster: Roster, plan: Plan) -> list[tuple[str, str]]:
    participating = sum(1 for teacher in roster.teachers if teacher.participates)
    covered_peer = Counter(roster.school_of(v.visitor) for v in plan.visits if v.covered)
    budget = roster.policy.release_budget
    facts = [
        ("Teachers", f"{len(roster.teachers)} ({participating} taking part)"),
        ("Partnerships", str(len(plan.partnerships))),
        ("Peer visits", f"{len(plan.visits)} ({sum(covered_peer.values())} covered)"),
        ("Mini-sabbatical visits", str(len(plan.sabbatical_visits))),
        ("Table seatings", str(len(plan.tables))),
        ("Unpaired teachers", str(len({entry.teacher for entry in plan.unpaired}))),
    ]
    schools = roster.schools()
    for school in schools:
        label = "Release budget used" + (f" ({school})" if len(schools) > 1 and school else "")
        limit = "no limit" if budget is None else f"of {budget}"
        facts.append((label, f"{covered_peer.get(school, 0)} covered peer visits {limit}"))
    return facts


def _metrics(roster: Roster, plan: Plan, year: int, graph: nx.Graph) -> list[tuple[str, str]]:
    metrics = plan_metrics(roster, plan)
    scoring = Scoring(roster, year=year)
    pairs = plan_pairs(plan)
    repeats = sum(1 for a, b in pairs if scoring.repeat_factor(scoring.last_partnered(a, b)) > 0)
    window = roster.policy.repeat_window_years
    isolated = sum(1 for node in graph if graph.degree(node) == 0)
    return [
        ("New partners", f"{_percent(metrics.new_partner_share)} of this year's pairs"),
        ("Cross-team pairs", f"{_percent(metrics.cross_team_share)} of this year's pairs"),
        ("Repeats within the window", f"{repeats} pairs partnered in the last {window} years"),
        ("Covered visits", f"{metrics.covered_visits} (peer and mini-sabbatical)"),
        ("Network components", str(metrics.network.components)),
        (
            "Largest component",
            f"{_percent(metrics.network.largest_component_share)} of the teachers",
        ),
        ("Teachers never partnered", str(isolated)),
        ("Mean trust rating", _mean_trust(roster, plan, year)),
    ]


def _grids(roster: Roster, plan: Plan) -> list[CycleGrid]:
    schools = roster.schools()
    several = len(schools) > 1
    days = [day for day in DAYS if any(period.day == day for period in roster.periods)]
    times = sorted({(period.start, period.end) for period in roster.periods})
    period_at: dict[tuple[str, str, str], str] = {
        (period.day, period.start, period.end): period.id for period in roster.periods
    }
    by_slot: dict[str, GridCell] = {}
    covers: dict[str, Counter[str]] = defaultdict(Counter)
    for visit in plan.visits:
        cell = by_slot.setdefault(visit.slot, GridCell(visit.slot))
        cell.visits += 1
        cell.entries.append(
            CellEntry(
                name_of(roster, visit.visitor), name_of(roster, visit.host), visit.covered, False
            )
        )
        if visit.covered:
            covers[visit.slot][roster.school_of(visit.visitor)] += 1
    for sabbatical in plan.sabbatical_visits:
        cell = by_slot.setdefault(sabbatical.slot, GridCell(sabbatical.slot))
        cell.sabbatical += 1
        cell.entries.append(
            CellEntry(
                name_of(roster, sabbatical.coach),
                name_of(roster, sabbatical.coachee),
                sabbatical.covered,
                True,
            )
        )
        if sabbatical.covered:
            covers[sabbatical.slot][roster.school_of(sabbatical.coach)] += 1
    grids = []
    for cycle in roster.cycles:
        weeks = []
        for week in cycle.weeks:
            monday = dt.date.fromisoformat(week)
            dates = {day: monday + dt.timedelta(days=DAYS.index(day)) for day in days}
            headers = [_day_label(dates[day]) for day in days]
            rows = []
            for start, end in times:
                cells: list[GridCell | None] = []
                for day in days:
                    period_id = period_at.get((day, start, end))
                    if period_id is None:
                        cells.append(None)
                        continue
                    slot = slot_name(dates[day], period_id)
                    cell = by_slot.get(slot, GridCell(slot))
                    cell.limit = roster.cover_limit(slot)
                    cell.done = plan.replans is not None and slot[:10] < plan.replans.start
                    used = covers.get(slot, Counter())
                    shown = [school for school in schools if used[school]]
                    if not several and not shown and cell.visits + cell.sabbatical:
                        shown = schools[:1]
                    cell.covers = [CoverUse(school, used[school], cell.limit) for school in shown]
                    cells.append(cell)
                rows.append(GridRow(f"{start}–{end}", cells))
            weeks.append(WeekGrid(f"Week of {week}", headers, rows))
        in_cycle = [visit for visit in plan.visits if visit.cycle == cycle.id]
        coached = [visit for visit in plan.sabbatical_visits if visit.cycle == cycle.id]
        # counted from the plan, so a visit outside the cycle's weeks (a hand edit) still counts
        grids.append(
            CycleGrid(
                cycle=cycle.id,
                weeks=weeks,
                visits=len(in_cycle),
                sabbatical=len(coached),
                covered=sum(v.covered for v in in_cycle) + sum(v.covered for v in coached),
            )
        )
    return grids


def _partnerships(roster: Roster, plan: Plan) -> list[PartnershipRow]:
    by_partnership: dict[str, list[Visit]] = defaultdict(list)
    for visit in plan.visits:
        by_partnership[visit.partnership].append(visit)
    rows = []
    for partnership in plan.partnerships:
        members = []
        for member in partnership.members:
            team = roster.teacher_by_id[member].team
            members.append(
                f"{name_of(roster, member)}" + (f" ({roster.team_name(team)})" if team else "")
            )
        visits = []
        for visit in by_partnership[partnership.id]:
            note = ", covered" if visit.covered else ""
            visits.append(
                f"{visit.cycle}: {name_of(roster, visit.visitor)} → "
                f"{name_of(roster, visit.host)}, {_short_when(roster, visit.slot)}{note}"
            )
        rows.append(
            PartnershipRow(
                id=partnership.id,
                members=members,
                cycles=", ".join(partnership.cycles),
                visits=visits,
                score=partnership.score,
                reasons=list(partnership.reasons),
            )
        )
    return rows


def _meetings(roster: Roster, plan: Plan) -> list[MeetingSeating]:
    members = team_members(roster)
    seatings = []
    for cycle in roster.cycles:
        for meeting in cycle.meetings:
            seats = [s for s in plan.tables if s.cycle == cycle.id and s.meeting == meeting.id]
            if not seats:
                continue
            by_school: dict[str, list[TableRow]] = defaultdict(list)
            for seat in seats:
                teams = [
                    (roster.team_name(team), join_words(name_of(roster, m) for m in members[team]))
                    for team in seat.teams
                ]
                by_school[roster.team_school(seat.teams[0])].append(TableRow(seat.table, teams))
            start, end = meeting_times(roster, meeting_of(roster, cycle.id, meeting.id))
            schools = [
                SchoolSeating(school, sorted(tables, key=lambda row: row.number))
                for school, tables in by_school.items()
            ]
            seatings.append(
                MeetingSeating(cycle.id, meeting.id, f"{_when(start)}–{end:%H:%M}", schools)
            )
    return seatings


def _coaches(roster: Roster, plan: Plan) -> list[CoachRow]:
    rows = []
    for teacher in roster.teachers:
        if teacher.sabbatical is None:
            continue
        visits = sorted(
            (visit for visit in plan.sabbatical_visits if visit.coach == teacher.id),
            key=lambda visit: slot_times(roster, visit.slot)[0],
        )
        rows.append(
            CoachRow(
                name=name_of(roster, teacher.id),
                school=roster.school_of(teacher.id),
                topics=", ".join(teacher.sabbatical.topics) or "none",
                budget=teacher.sabbatical.budget,
                used=len(visits),
                visits=[
                    f"{visit.cycle}: {name_of(roster, visit.coachee)}, "
                    f"{_short_when(roster, visit.slot)}" + (", covered" if visit.covered else "")
                    for visit in visits
                ],
            )
        )
    return rows


def _team_colours(roster: Roster) -> dict[str | None, str]:
    colours: dict[str | None, str] = {None: NO_TEAM_COLOUR}
    for index, team in enumerate(roster.teams):
        if index < len(PALETTE):
            colours[team.id] = PALETTE[index]
        else:
            # beyond the palette: hues spaced by the golden angle stay distinct
            colours[team.id] = f"hsl({(index * 137.508) % 360:.0f}, 55%, 50%)"
    return colours


def _network(roster: Roster, plan: Plan, year: int, graph: nx.Graph) -> NetworkDrawing:
    """A circular layout grouped by team (a gap between teams): deterministic and readable at
    hundreds of teachers; this year's partnerships drawn over the history's."""
    groups: dict[str | None, list[str]] = {team.id: [] for team in roster.teams}
    groups[None] = []
    for teacher in roster.teachers:
        groups[teacher.team if teacher.team in groups else None].append(teacher.id)
    order = [(team, teacher) for team, teachers in groups.items() for teacher in teachers]
    used_groups = sum(1 for teachers in groups.values() if teachers)
    places = len(order) + used_groups
    count = len(order)
    spacing = 14.0 if count <= 100 else 11.0
    radius = max(150.0, places * spacing / (2 * math.pi))
    margin = 130.0
    size = 2 * (radius + margin)
    centre = size / 2
    node_radius = 5.0 if count <= 100 else 4.0
    colours = _team_colours(roster)
    partnered = {member for partnership in plan.partnerships for member in partnership.members}
    position: dict[str, tuple[float, float]] = {}
    nodes = []
    place = 0
    previous_team: object = object()
    for team, teacher_id in order:
        if team != previous_team:
            place += 1  # the gap that separates one team from the next
            previous_team = team
        angle = 2 * math.pi * place / places - math.pi / 2
        place += 1
        x, y = centre + radius * math.cos(angle), centre + radius * math.sin(angle)
        position[teacher_id] = (x, y)
        degrees = math.degrees(angle)
        left = math.cos(angle) < 0
        label_radius = radius + node_radius + 8
        name = name_of(roster, teacher_id)
        isolated = graph.degree(teacher_id) == 0
        nodes.append(
            Node(
                id=teacher_id,
                label=name if len(name) <= 24 else name[:23] + "…",
                title=f"{name} ({teacher_id})"
                + (f", {roster.team_name(team)}" if team else ", no team")
                + ("" if teacher_id in partnered else ", no partner this year")
                + (", never partnered" if isolated else ""),
                x=round(x, 1),
                y=round(y, 1),
                colour=colours[team],
                partnered=teacher_id in partnered,
                isolated=isolated,
                anchor="end" if left else "start",
                rotation=round(degrees + 180 if left else degrees, 1),
                label_x=round(centre + label_radius * math.cos(angle), 1),
                label_y=round(centre + label_radius * math.sin(angle), 1),
            )
        )
    edges = []
    for a, b, data in sorted(graph.edges(data=True), key=lambda edge: (edge[0], edge[1])):
        (x1, y1), (x2, y2) = position[a], position[b]
        # pull each chord towards the centre: nearby teachers get a short arc, far ones a curve
        control_x = centre + 0.35 * ((x1 + x2) / 2 - centre)
        control_y = centre + 0.35 * ((y1 + y2) / 2 - centre)
        path = f"M{x1:.1f} {y1:.1f}Q{control_x:.1f} {control_y:.1f} {x2:.1f} {y2:.1f}"
        years = data.get("years", [])
        kind = "past" if year not in years else "again" if min(years) < year else "new"
        edges.append(Edge(path, kind))
    edges.sort(key=lambda edge: edge.kind != "past")  # this year's drawn on top
    legend = [(team.id, colours[team.id]) for team in roster.teams if groups[team.id]]
    if groups[None]:
        legend.append(("no team", NO_TEAM_COLOUR))
    return NetworkDrawing(
        size=round(size, 1),
        radius=round(radius, 1),
        node_radius=node_radius,
        font_size=9.0 if count <= 100 else 7.5,
        nodes=nodes,
        edges=edges,
        legend=legend,
        isolated=[name_of(roster, node.id) for node in nodes if node.isolated],
    )


def build_report(roster: Roster, plan: Plan) -> ReportContents:
    """The report's content for one roster and plan."""
    year = plan_year(plan, roster.year)
    graph = coaching_graph(roster, [plan])
    return ReportContents(
        roster=roster,
        plan=plan,
        year=year,
        status_words=STATUS_WORDS.get(plan.status or "", "The plan does not state its status."),
        gap_percent="not stated" if plan.gap is None else f"{100 * plan.gap:.2f} %",
        terms=_terms(roster, plan),
        facts=_facts(roster, plan),
        metrics=_metrics(roster, plan, year, graph),
        grids=_grids(roster, plan),
        partnerships=_partnerships(roster, plan),
        unpaired=[
            UnpairedRow(name_of(roster, entry.teacher), ", ".join(entry.cycles), entry.why)
            for entry in plan.unpaired
        ],
        meetings=_meetings(roster, plan),
        coaches=_coaches(roster, plan),
        network=_network(roster, plan, year, graph),
        years=year_rows(graph, year),
        several_schools=len(roster.schools()) > 1,
        trend=trust_trend(roster, plan),
        replan=_replan(roster, plan),
    )


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("pairwise", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_report(roster: Roster, plan: Plan) -> str:
    """The report as one self-contained HTML document."""
    template = _environment().get_template("report.html")
    return template.render(report=build_report(roster, plan), version=__version__)

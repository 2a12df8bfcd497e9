"""The coaching network (NetworkX) and the plan metrics the plan format names, computed one way for everyone.

Nodes are the roster's teachers; edges are the history's partnerships among them plus the plans'
partnerships (every unordered pair of a partnership's members), each edge carrying its years and
the latest trust rating.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import networkx as nx

from pairwise.roster.facts import PairKey, pair_key
from pairwise.roster.models import Metrics, Network, Plan, Roster

Pair = PairKey
Source = Literal["history", "plan"]
SOURCES: tuple[Source, ...] = ("history", "plan")

# The fewest rated pairs whose mean trust is shown anywhere: fewer could reveal one pair's rating.
MIN_PAIRS_FOR_TRUST = 3


def plan_pairs(plan: Plan) -> list[tuple[str, str]]:
    """Every unordered pair of partners in a plan, once per partnership (sorted ids)."""
    pairs = []
    for partnership in plan.partnerships:
        for a, b in itertools.combinations(partnership.members, 2):
            pairs.append(pair_key(a, b))
    return pairs


def coaching_graph(roster: Roster, plans: Iterable[Plan] = ()) -> nx.Graph:
    """The network of the `history` command: the roster's teachers, history and plans as edges."""
    graph = nx.Graph()
    for teacher in roster.teachers:
        graph.add_node(teacher.id, team=teacher.team, school=roster.school_of(teacher.id))
    for entry in roster.history:
        if entry.a in graph and entry.b in graph:
            _add_edge(graph, entry.a, entry.b, entry.year, entry.trust)
    for plan_year, plan in _plan_years(roster, plans):
        for a, b in plan_pairs(plan):
            if a in graph and b in graph:
                _add_edge(graph, a, b, plan_year, None)
    return graph


def _plan_years(roster: Roster, plans: Iterable[Plan]) -> list[tuple[int, Plan]]:
    """Each plan with its year: the one it states, else the roster's year plus its position."""
    result = []
    for offset, plan in enumerate(plans):
        result.append((plan_year(plan, roster.year + offset), plan))
    return result


def plan_year(plan: Plan, default: int) -> int:
    """A plan's year: the `year` it states when present, else `default`."""
    return plan.year if plan.year is not None else default


def _add_edge(graph: nx.Graph, a: str, b: str, year: int, trust: float | None) -> None:
    if graph.has_edge(a, b):
        data = graph.edges[a, b]
        data["years"] = sorted({*data["years"], year})
        # the latest year's rating; within one year the first listed wins (docs/roster.md)
        if trust is not None and ("trust_year" not in data or year > data["trust_year"]):
            data["trust"], data["trust_year"] = trust, year
    else:
        graph.add_edge(a, b, years=[year])
        if trust is not None:
            graph.edges[a, b]["trust"] = trust
            graph.edges[a, b]["trust_year"] = year


def network_summary(graph: nx.Graph) -> Network:
    """Components and the largest component's share of the teachers."""
    if graph.number_of_nodes() == 0:
        return Network(components=0, largest_component_share=0.0)
    components = list(nx.connected_components(graph))
    largest = max(len(component) for component in components)
    return Network(
        components=len(components),
        largest_component_share=round(largest / graph.number_of_nodes(), 4),
    )


def plan_metrics(roster: Roster, plan: Plan) -> Metrics:
    """The plan metrics: new-partner share, cross-team share, covered visits, the network."""
    year = plan_year(plan, roster.year)
    pairs = plan_pairs(plan)
    earlier = last_partnered_before(_history_events(roster, known_only=False), year)
    figures = pair_figures(roster, pairs, earlier, year)
    covered = sum(1 for visit in plan.visits if visit.covered) + sum(
        1 for visit in plan.sabbatical_visits if visit.covered
    )
    return Metrics(
        new_partner_share=figures.new_partner_share,
        cross_team_share=figures.cross_team_share,
        covered_visits=covered,
        network=network_summary(coaching_graph(roster, [plan])),
    )


# --- rotation variety across years --------------------------------------------------------------


@dataclass(frozen=True)
class Partnered:
    """One pair partnered in one year, from the roster's history or from a plan."""

    year: int
    pair: Pair
    source: Source
    trust: float | None = None  # the pair's rating that year (history only)
    asked_to_continue: bool | None = None  # both asked to keep working together (history only)
    kind: str = "peer"


def _history_events(roster: Roster, *, known_only: bool = True) -> list[Partnered]:
    """History's partnerships, once per pair and year with that year's first-listed rating."""
    known = roster.teacher_by_id
    seen: set[tuple[int, Pair]] = set()
    events = []
    for entry in roster.history:
        if known_only and (entry.a not in known or entry.b not in known):
            continue
        pair = pair_key(entry.a, entry.b)
        if (entry.year, pair) in seen:
            continue
        seen.add((entry.year, pair))
        events.append(
            Partnered(entry.year, pair, "history", entry.trust, entry.asked_to_continue, entry.kind)
        )
    return events


def partnership_events(roster: Roster, plans: Iterable[Plan] = ()) -> list[Partnered]:
    """Every pair of the roster's teachers partnered in a year: history's, then each plan's."""
    events = _history_events(roster)
    seen = {(event.year, event.pair) for event in events}
    known = roster.teacher_by_id
    for year, plan in _plan_years(roster, plans):
        for a, b in plan_pairs(plan):
            if a in known and b in known and (year, (a, b)) not in seen:
                seen.add((year, (a, b)))
                events.append(Partnered(year, (a, b), "plan"))
    return events


def last_partnered_before(events: Iterable[Partnered], year: int) -> dict[Pair, int]:
    """Each pair's latest year of partnership before `year`."""
    latest: dict[Pair, int] = {}
    for event in events:
        if event.year < year:
            latest[event.pair] = max(latest.get(event.pair, event.year), event.year)
    return latest


@dataclass(frozen=True)
class PairFigures:
    """What one year's pairs say about variety: repeats in the window, new partners, cross-team."""

    pairs: int
    repeats: int
    new_partner_share: float
    cross_team_share: float


def pair_figures(
    roster: Roster, pairs: Sequence[Pair], earlier: dict[Pair, int], year: int
) -> PairFigures:
    """A year's figures: a repeat is a pair partnered within `repeat_window_years` before `year`;
    a new pair was never partnered before it; cross-team pairs have different teams (None counts)."""
    window = roster.policy.repeat_window_years
    team = {teacher.id: teacher.team for teacher in roster.teachers}
    keys = [pair_key(a, b) for a, b in pairs]
    repeats = sum(1 for pair in keys if pair in earlier and year - earlier[pair] <= window)
    new = sum(1 for pair in keys if pair not in earlier)
    cross = sum(1 for a, b in keys if team.get(a) != team.get(b))
    return PairFigures(
        pairs=len(keys),
        repeats=repeats,
        new_partner_share=_share(new, len(keys)),
        cross_team_share=_share(cross, len(keys)),
    )


def _share(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0


@dataclass(frozen=True)
class YearFigures:
    """One year of the coaching network: where its partnerships come from and what they say."""

    year: int
    sources: tuple[Source, ...]
    figures: PairFigures
    # mean of the year's history ratings; None for a planned year, or when fewer than
    # MIN_PAIRS_FOR_TRUST pairs were rated (a mean of one or two could give a pair's rating away)
    mean_trust: float | None
    rated_pairs: int = 0
    # share of the year's history peer pairs that both asked to keep working together; None for
    # a planned year, or when fewer than MIN_PAIRS_FOR_TRUST pairs could have been asked
    continue_share: float | None = None


def year_figures(roster: Roster, events: Sequence[Partnered]) -> list[YearFigures]:
    """Per year (ascending) the figures of that year's pairs against every earlier year."""
    years = sorted({event.year for event in events})
    result = []
    for year in years:
        current = [event for event in events if event.year == year]
        pairs = sorted({event.pair for event in current})
        earlier = last_partnered_before(events, year)
        ratings = [event.trust for event in current if event.trust is not None]
        sources = tuple(source for source in SOURCES if any(e.source == source for e in current))
        result.append(
            YearFigures(
                year=year,
                sources=sources,
                figures=pair_figures(roster, pairs, earlier, year),
                mean_trust=(
                    round(sum(ratings) / len(ratings), 4)
                    if len(ratings) >= MIN_PAIRS_FOR_TRUST
                    else None
                ),
                rated_pairs=len(ratings),
                continue_share=_continue_share(current),
            )
        )
    return result


def _continue_share(current: Sequence[Partnered]) -> float | None:
    """The share of a year's peer pairs (history only) that both asked to continue."""
    asked = {
        event.pair: bool(event.asked_to_continue)
        for event in current
        if event.source == "history" and event.kind == "peer"
    }
    if len(asked) < MIN_PAIRS_FOR_TRUST:
        return None
    return _share(sum(asked.values()), len(asked))


@dataclass(frozen=True)
class NetworkFigures:
    """The whole graph: how connected it is, who is left out, which teams never met."""

    teachers: int
    edges: int
    components: int
    largest_component_share: float
    isolated: list[str]
    fewest_partners: int | None  # among teachers with a partner; None when nobody has one
    fewest_partners_teachers: list[str]
    teams_never_paired: list[Pair]


def network_figures(roster: Roster, graph: nx.Graph) -> NetworkFigures:
    """Components, isolated teachers, the least-connected teachers, and teams never paired.

    Team pairs are looked for within each school (across the district when `cross_school_pairs`),
    among teams with at least one teacher; teachers in roster order, team pairs in roster order.
    """
    summary = network_summary(graph)
    order = [teacher.id for teacher in roster.teachers]
    isolated = [teacher for teacher in order if graph.degree(teacher) == 0]
    partnered = {teacher: graph.degree(teacher) for teacher in order if graph.degree(teacher) > 0}
    fewest = min(partnered.values()) if partnered else None
    members: dict[str, set[str]] = {}
    for teacher in roster.teachers:
        if teacher.team is not None:
            members.setdefault(teacher.team, set()).add(teacher.id)
    teams = [team.id for team in roster.teams if team.id in members]
    never = []
    for first, second in itertools.combinations(teams, 2):
        if not roster.policy.cross_school_pairs and (
            roster.team_school(first) != roster.team_school(second)
        ):
            continue
        if not any(graph.has_edge(a, b) for a in members[first] for b in members[second]):
            never.append((first, second))
    return NetworkFigures(
        teachers=graph.number_of_nodes(),
        edges=graph.number_of_edges(),
        components=summary.components,
        largest_component_share=summary.largest_component_share,
        isolated=isolated,
        fewest_partners=fewest,
        fewest_partners_teachers=[t for t, degree in partnered.items() if degree == fewest],
        teams_never_paired=never,
    )

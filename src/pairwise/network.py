"""The coaching network (NetworkX) and the plan metrics SPEC names, computed one way for everyone.

Nodes are the roster's teachers; edges are the history's partnerships among them plus the plans'
partnerships (every unordered pair of a partnership's members), each edge carrying its years and
the latest trust rating.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import networkx as nx

from pairwise.formats import Metrics, Network, Plan, Roster


def plan_pairs(plan: Plan) -> list[tuple[str, str]]:
    """Every unordered pair of partners in a plan, once per partnership (sorted ids)."""
    pairs = []
    for partnership in plan.partnerships:
        for a, b in itertools.combinations(partnership.members, 2):
            pairs.append((a, b) if a <= b else (b, a))
    return pairs


def coaching_graph(roster: Roster, plans: Iterable[Plan] = ()) -> nx.Graph:
    """The network of SPEC's `history` command: the roster's teachers, history and plans as edges."""
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
        if trust is not None and year >= data.get("trust_year", year):
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
    """SPEC's plan metrics: new-partner share, cross-team share, covered visits, the network."""
    pairs = plan_pairs(plan)
    partnered_before = {
        (entry.a, entry.b) if entry.a <= entry.b else (entry.b, entry.a) for entry in roster.history
    }
    teams = {teacher.id: teacher.team for teacher in roster.teachers}
    new = sum(1 for pair in pairs if pair not in partnered_before)
    cross = sum(1 for a, b in pairs if teams.get(a) != teams.get(b))
    covered = sum(1 for visit in plan.visits if visit.covered) + sum(
        1 for visit in plan.sabbatical_visits if visit.covered
    )
    return Metrics(
        new_partner_share=round(new / len(pairs), 4) if pairs else 0.0,
        cross_team_share=round(cross / len(pairs), 4) if pairs else 0.0,
        covered_visits=covered,
        network=network_summary(coaching_graph(roster, [plan])),
    )

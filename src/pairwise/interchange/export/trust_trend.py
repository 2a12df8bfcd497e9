"""The report's years: partnerships per year, and the trust trend across rolled-over years drawn
as a small inline SVG chart.

Per earlier year (from the roster's history, which `rollover` fills from the spring survey): the
mean trust the pairs reported (a dot on a -1..1 scale, joined by a line) and the share of pairs
that both asked to keep working together (a bar, 0..100 %). As everywhere in the report, a year
with fewer than three rated pairs shows no mean, so that no pair's answers can be read back.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import networkx as nx

from pairwise.analysis.network import partnership_events, year_figures
from pairwise.roster.models import Plan, Roster

WIDTH = 420.0
HEIGHT = 150.0
LEFT = 40.0
RIGHT = 40.0
TOP = 12.0
BOTTOM = 26.0


@dataclass(frozen=True)
class YearRow:
    year: int
    pairs: int
    teachers: int
    current: bool


def year_rows(graph: nx.Graph, year: int) -> list[YearRow]:
    """Per year of the coaching network: its pairs and the teachers partnered (`year`: this plan's)."""
    pairs: Counter[int] = Counter()
    teachers: dict[int, set[str]] = defaultdict(set)
    for a, b, data in graph.edges(data=True):
        for edge_year in data.get("years", []):
            pairs[edge_year] += 1
            teachers[edge_year].update((a, b))
    return [
        YearRow(edge_year, pairs[edge_year], len(teachers[edge_year]), edge_year == year)
        for edge_year in sorted(pairs)
    ]


@dataclass(frozen=True)
class TrendColumn:
    """One year of the chart: its label, trust dot and continue bar (None: withheld or unknown)."""

    year: int
    x: float
    label: str
    trust_y: float | None
    bar_y: float | None
    bar_height: float
    title: str


@dataclass(frozen=True)
class TrustTrend:
    width: float
    height: float
    columns: list[TrendColumn]
    line: str  # the polyline through the trust dots
    zero_y: float
    top_y: float
    bottom_y: float
    bar_width: float
    right_x: float  # where the plot ends (the share axis's labels stand beyond it)


def _trust_y(value: float) -> float:
    """-1 at the bottom of the plot, +1 at its top."""
    plot = HEIGHT - TOP - BOTTOM
    return round(TOP + (1 - value) / 2 * plot, 1)


def trust_trend(roster: Roster, plan: Plan) -> TrustTrend | None:
    """The chart of the history's years, or None when no year has a mean trust or a continue share."""
    figures = [
        year
        for year in year_figures(roster, partnership_events(roster, [plan]))
        if year.mean_trust is not None or year.continue_share is not None
    ]
    if not figures:
        return None
    plot_width = WIDTH - LEFT - RIGHT
    step = plot_width / len(figures)
    bar_width = round(min(28.0, step * 0.5), 1)
    plot_height = HEIGHT - TOP - BOTTOM
    columns = []
    for index, year in enumerate(figures):
        x = round(LEFT + step * (index + 0.5), 1)
        share = year.continue_share
        bar_height = round((share or 0.0) * plot_height, 1)
        words = []
        if year.mean_trust is not None:
            words.append(f"mean trust {year.mean_trust:+.2f} over {year.rated_pairs} rated pairs")
        if share is not None:
            words.append(f"{round(100 * share)} % of pairs asked to continue")
        columns.append(
            TrendColumn(
                year=year.year,
                x=x,
                label=str(year.year),
                trust_y=None if year.mean_trust is None else _trust_y(year.mean_trust),
                bar_y=None if share is None else round(TOP + plot_height - bar_height, 1),
                bar_height=bar_height,
                title=f"{year.year}: " + "; ".join(words),
            )
        )
    line = " ".join(f"{c.x},{c.trust_y}" for c in columns if c.trust_y is not None)
    return TrustTrend(
        width=WIDTH,
        height=HEIGHT,
        columns=columns,
        line=line,
        zero_y=_trust_y(0.0),
        top_y=_trust_y(1.0),
        bottom_y=_trust_y(-1.0),
        bar_width=bar_width,
        right_x=WIDTH - RIGHT,
    )

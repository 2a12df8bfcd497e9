"""Rotation variety across years (`pairwise history`): per-year figures and the whole network.

Everything is computed by `pairwise.network` from the documented graph, so a plan's own
`metrics` and this report never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pairwise.analysis.network import (
    NetworkFigures,
    YearFigures,
    coaching_graph,
    network_figures,
    partnership_events,
    year_figures,
)
from pairwise.roster.models import Plan, Roster


@dataclass(frozen=True)
class HistoryReport:
    """The `history` command's report: one entry per year, then the whole graph."""

    roster: str
    repeat_window_years: int
    years: list[YearFigures]
    network: NetworkFigures

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data, keyed as the docs name the figures."""
        return {
            "roster": self.roster,
            "repeat_window_years": self.repeat_window_years,
            "years": [
                {
                    "year": year.year,
                    "sources": list(year.sources),
                    "pairs": year.figures.pairs,
                    "repeats": year.figures.repeats,
                    "new_partner_share": year.figures.new_partner_share,
                    "cross_team_share": year.figures.cross_team_share,
                    "mean_trust": year.mean_trust,
                    "rated_pairs": year.rated_pairs,
                    "continue_share": year.continue_share,
                }
                for year in self.years
            ],
            "network": {
                "teachers": self.network.teachers,
                "partnerships": self.network.edges,
                "components": self.network.components,
                "largest_component_share": self.network.largest_component_share,
                "isolated": self.network.isolated,
                "fewest_partners": {
                    "partners": self.network.fewest_partners,
                    "teachers": self.network.fewest_partners_teachers,
                },
                "teams_never_paired": [list(pair) for pair in self.network.teams_never_paired],
            },
        }


def rotation_history(roster: Roster, plans: Iterable[Plan] = ()) -> HistoryReport:
    """The report over the roster's history and the given plans (each at its `year`, else the
    roster's year plus its position among the plans)."""
    plans = list(plans)
    events = partnership_events(roster, plans)
    graph = coaching_graph(roster, plans)
    return HistoryReport(
        roster=roster.name,
        repeat_window_years=roster.policy.repeat_window_years,
        years=year_figures(roster, events),
        network=network_figures(roster, graph),
    )

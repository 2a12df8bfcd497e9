"""The coaching network across years, against figures computed by hand on a seven-teacher roster.

tests/fixtures/history_small.json (window 2 years, plan year 2026):
  teams red {a1, a2, a3}, blue {b1, b2}, green {c1}, gold (no one); n1 has no team
  2022: a2-a3 (0.4)
  2023: a1-b1 (0.5)
  2024: a1-b1 (1.0) repeat of 2023;  a2-b2 (-0.5)
  2025: a2-a3 (0.2) last in 2022, 3 years > window: not a repeat, not new;
        a1-b2 (0.6, a second 2025 rating 0.0 is not the first listed); a3-zz (former staff: dropped)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from pairwise.analysis.history import rotation_history
from pairwise.analysis.network import coaching_graph, plan_metrics
from pairwise.cli.app import main
from pairwise.roster.models import HistoryEntry, Partnership, Plan
from tests.helpers import fixture_path, load_fixture


def plan_of(*groups: list[str], year: int | None = None) -> Plan:
    return Plan(
        roster="History Small 2026-27",
        year=year,
        status="optimal",
        objective=0,
        bound=0,
        partnerships=[
            Partnership(id=f"P{i:02d}", members=members, cycles=["fall"])
            for i, members in enumerate(groups, start=1)
        ],
    )


# 2026: a3-b1 new; triad a1-b2-c1: a1-b2 repeats 2025 (1 year, inside the window), a1-c1 and
# b2-c1 new. Four pairs, one repeat, 3/4 new, all cross-team.
PLAN_2026 = plan_of(["a3", "b1"], ["a1", "b2", "c1"])


def year_rows(report_data: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {row["year"]: row for row in report_data["years"]}


def test_history_years_by_hand() -> None:
    rows = year_rows(rotation_history(load_fixture("history_small")).as_dict())
    assert list(rows) == [2022, 2023, 2024, 2025]
    assert rows[2022] == {
        "year": 2022,
        "sources": ["history"],
        "pairs": 1,
        "repeats": 0,
        "new_partner_share": 1.0,
        "cross_team_share": 0.0,  # a2 and a3 are both red
        "mean_trust": None,  # one rated pair: its mean would be its rating
        "rated_pairs": 1,
        "continue_share": None,  # one pair: too few to say who asked to continue
    }
    assert rows[2023]["pairs"] == 1 and rows[2023]["cross_team_share"] == 1.0
    # a1-b1 again one year later: a repeat; a2-b2 is new; two ratings: no mean shown
    assert (rows[2024]["pairs"], rows[2024]["repeats"]) == (2, 1)
    assert rows[2024]["new_partner_share"] == 0.5
    assert (rows[2024]["mean_trust"], rows[2024]["rated_pairs"]) == (None, 2)
    # a2-a3 last met 3 years before: outside the window, yet not a new partner
    assert (rows[2025]["pairs"], rows[2025]["repeats"]) == (2, 0)
    assert rows[2025]["new_partner_share"] == 0.5
    assert rows[2025]["cross_team_share"] == 0.5
    # a2-a3 0.2 and a1-b2 0.6 (its first-listed rating); a3-zz is former staff: two pairs
    assert (rows[2025]["mean_trust"], rows[2025]["rated_pairs"]) == (None, 2)


def test_mean_trust_is_shown_from_three_rated_pairs() -> None:
    roster = load_fixture("history_small")
    third = HistoryEntry(a="a1", b="a2", year=2025, trust=0.5)
    roster = roster.model_copy(update={"history": [*roster.history, third]})
    rows = year_rows(rotation_history(roster).as_dict())
    assert rows[2025]["rated_pairs"] == 3
    assert rows[2025]["mean_trust"] == round((0.2 + 0.6 + 0.5) / 3, 4)


def test_history_network_by_hand() -> None:
    network = rotation_history(load_fixture("history_small")).as_dict()["network"]
    # edges a2-a3, a1-b1, a2-b2, a1-b2; components {a1 a2 a3 b1 b2}, {c1}, {n1}
    assert network["teachers"] == 7
    assert network["partnerships"] == 4
    assert network["components"] == 3
    assert network["largest_component_share"] == round(5 / 7, 4)
    assert network["isolated"] == ["c1", "n1"]
    # a3 (a2) and b1 (a1) have one partner each; a1, a2, b2 have two
    assert network["fewest_partners"] == {"partners": 1, "teachers": ["a3", "b1"]}
    # green's only teacher never partnered; gold has nobody and is left out
    assert network["teams_never_paired"] == [["red", "green"], ["blue", "green"]]


def test_a_plan_adds_its_year_and_its_edges() -> None:
    report = rotation_history(load_fixture("history_small"), [PLAN_2026]).as_dict()
    row = year_rows(report)[2026]
    assert row == {
        "year": 2026,
        "sources": ["plan"],
        "pairs": 4,
        "repeats": 1,
        "new_partner_share": 0.75,
        "cross_team_share": 1.0,
        "mean_trust": None,
        "rated_pairs": 0,
        "continue_share": None,  # a planned year: nobody has been asked yet
    }
    network = report["network"]
    # plus a3-b1, a1-b2 (already an edge), a1-c1, b2-c1: 7 edges; only n1 left apart
    assert network["partnerships"] == 7
    assert network["components"] == 2
    assert network["largest_component_share"] == round(6 / 7, 4)
    assert network["isolated"] == ["n1"]
    # degrees: a1 3 (b1 b2 c1), a2 2, a3 2, b1 2, b2 3 (a2 a1 c1), c1 2
    assert network["fewest_partners"] == {"partners": 2, "teachers": ["a2", "a3", "b1", "c1"]}
    assert network["teams_never_paired"] == []


def test_plan_metrics_come_from_the_same_figures() -> None:
    roster = load_fixture("history_small")
    metrics = plan_metrics(roster, PLAN_2026)
    row = year_rows(rotation_history(roster, [PLAN_2026]).as_dict())[2026]
    assert metrics.new_partner_share == row["new_partner_share"] == 0.75
    assert metrics.cross_team_share == row["cross_team_share"] == 1.0
    assert metrics.network.components == 2
    assert metrics.network.largest_component_share == round(6 / 7, 4)


def test_plans_without_a_year_follow_the_roster_year_in_order() -> None:
    # 2027 repeats a3-b1 from the 2026 plan (one year): a repeat, and no new partner
    later = plan_of(["a3", "b1"])
    rows = year_rows(rotation_history(load_fixture("history_small"), [PLAN_2026, later]).as_dict())
    assert rows[2027]["pairs"] == 1
    assert rows[2027]["repeats"] == 1
    assert rows[2027]["new_partner_share"] == 0.0


def test_a_plan_states_its_own_year() -> None:
    # 2030 is 4 years after 2026: a3-b1 is no longer a repeat with a window of 2
    far = plan_of(["a3", "b1"], year=2030)
    rows = year_rows(rotation_history(load_fixture("history_small"), [PLAN_2026, far]).as_dict())
    assert 2027 not in rows
    assert rows[2030]["repeats"] == 0
    assert rows[2030]["new_partner_share"] == 0.0


def test_empty_history_has_no_years_and_everyone_isolated() -> None:
    roster = load_fixture("history_small").model_copy(update={"history": []})
    report = rotation_history(roster).as_dict()
    assert report["years"] == []
    assert report["network"]["components"] == 7
    assert report["network"]["fewest_partners"] == {"partners": None, "teachers": []}
    assert len(report["network"]["isolated"]) == 7


def test_cli_json(tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(PLAN_2026.as_json())
    result = CliRunner().invoke(
        main, ["history", str(fixture_path("history_small")), str(plan_file), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data == rotation_history(load_fixture("history_small"), [PLAN_2026]).as_dict()


def test_cli_table_names_who_is_left_out() -> None:
    result = CliRunner().invoke(main, ["history", str(fixture_path("history_small"))])
    assert result.exit_code == 0, result.output
    assert "never partnered (2)" in result.output
    assert "c1, n1" in result.output
    assert "red–green" in result.output


def test_cli_bad_plan_is_bad_input(tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text('{"format": "pairwise/plan@1"}')
    result = CliRunner().invoke(
        main, ["history", str(fixture_path("history_small")), str(plan_file)]
    )
    assert result.exit_code == 2


def test_graph_keeps_the_first_listed_rating_of_the_latest_year() -> None:
    roster = load_fixture("oakridge-tiny.json")
    roster = roster.model_copy(
        update={
            "history": [
                HistoryEntry(a="t01", b="t02", year=2024, trust=0.9),
                HistoryEntry(a="t01", b="t02", year=2025, trust=0.5),
                HistoryEntry(a="t01", b="t02", year=2025, trust=-0.5),
            ]
        }
    )
    assert coaching_graph(roster).edges["t01", "t02"]["trust"] == 0.5

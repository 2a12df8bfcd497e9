"""The peer relaxation out of time: the maximum-weight matching (cubic in the staff: seconds past
the limit on a 300-teacher school) runs only when the search found no solution at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairwise.engine import relaxation
from pairwise.engine.candidates import Candidates
from pairwise.engine.columns import Column
from pairwise.engine.matching import greedy_partnerships, partnerships_value
from pairwise.engine.search import SearchOutcome, SearchSettings, new_solver
from pairwise.roster.load import load_roster
from pairwise.roster.objective import Scoring

ROOT = Path(__file__).resolve().parents[2]


def candidates_of(name: str) -> Candidates:
    roster = load_roster(ROOT / "instances" / f"{name}.json")
    return Candidates(roster, Scoring(roster))


def out_of_time(*_arguments: object, **_options: object) -> SearchOutcome:
    """A stand-in for every search the deepening runs: cut by its limit before any solution."""
    return SearchOutcome("unknown", None, None, new_solver(0.01), 0.0)


@pytest.fixture
def matchings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []

    def counted(candidates: Candidates, *columns: object) -> object:
        calls.append(len(candidates.teachers))
        return greedy_partnerships(candidates, *columns)  # type: ignore[arg-type]

    monkeypatch.setattr(relaxation, "run_search", out_of_time)
    monkeypatch.setattr(relaxation, "greedy_partnerships", counted)
    return calls


def first_floor(monkeypatch: pytest.MonkeyPatch, columns: list[Column] | None) -> None:
    """The deepening's first floor (the LP's solution or the hint, in the engine) is `columns`."""

    def starting(candidates: Candidates, *_: object) -> relaxation._Incumbent:
        incumbent = relaxation._Incumbent()
        if columns is not None:
            incumbent.offer(columns, partnerships_value(candidates, columns))
        return incumbent

    monkeypatch.setattr(relaxation, "_starting_incumbent", starting)


def test_out_of_time_with_a_solution_skips_the_matching(
    matchings: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    candidates = candidates_of("school-30")
    matching = greedy_partnerships(candidates)
    assert matching is not None
    # a solution worse than the matching's, so the old code's matching would replace it
    found = matching[:-3]
    assert relaxation.valid_for_relaxation(candidates, found)
    first_floor(monkeypatch, found)
    result = relaxation.solve_peer_relaxation(candidates, SearchSettings(), 0.0)
    assert matchings == []
    assert result.status == "feasible" and result.chosen == found
    assert result.value == partnerships_value(candidates, found)
    assert result.bound is not None and result.bound >= result.value


def test_out_of_time_without_a_solution_the_matching_is_the_floor(
    matchings: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    candidates = candidates_of("school-30")
    first_floor(monkeypatch, None)
    result = relaxation.solve_peer_relaxation(candidates, SearchSettings(), 0.0)
    assert len(matchings) == 1
    assert result.chosen is not None
    assert result.bound is not None and result.value is not None and result.bound >= result.value

"""Rows the LP's duals make tight (`engine/model/tight_rows.py`): at their boundary, and
`rotation: cycle` optima against brute force where slots and covers bind."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from pairwise.engine.candidates import Candidates
from pairwise.engine.columns import Column
from pairwise.engine.lp_bound import LinearBound, linear_bound, prune
from pairwise.engine.model.tight_rows import add_tight_rows
from pairwise.engine.pipeline import solve
from pairwise.engine.relaxation import column_model
from pairwise.roster.load import roster_from_data
from pairwise.roster.models import Roster
from pairwise.roster.objective import Scoring
from solvers.bruteforce import solve as brute_force
from tests.builders import every_column, make_roster, staggered
from tests.helpers import assert_plan_valid
from tests.strategies import FIRST_MONDAY, binding_roster_data

SLACK = 10
"""Thresholds from the relaxation's optimum down this far are checked."""


def cycle_roster() -> Roster:
    """Six teachers over three cycles under `rotation: cycle`: complements make some pairs much
    better than others, so they are wanted in every cycle and the no-repeat rows bind; history
    makes one pair a repeat and a triad is allowed (five of a school would need one)."""
    topics = ["math", "reading", "science"]
    teachers = staggered([f"t{i}" for i in range(6)], 6)
    for i, teacher in enumerate(teachers):
        teacher["priority"] = topics[i % 3]
        teacher["strengths"] = [topics[(i + 1) % 3]]
        teacher["team"] = f"g{i % 2}"
    return make_roster(
        teachers,
        periods=6,
        cycles=3,
        teams=[{"id": "g0"}, {"id": "g1"}],
        history=[{"a": "t0", "b": "t1", "year": 2025, "trust": 0.5}],
        policy={"rotation": "cycle"},
    )


def solutions_worth(
    candidates: Candidates,
    columns: list[Column],
    threshold: int,
    tight: LinearBound | None = None,
) -> set[frozenset[tuple[str, tuple[str, ...], str]]]:
    """Every solution of the relaxation over `columns` worth `threshold` or more (as sets of
    column keys), with the rows `tight` makes tight at that threshold when given."""
    model, variables = column_model(candidates, columns, lower_bound=threshold)
    model.clear_objective()
    if tight is not None:
        add_tight_rows(model, candidates, variables, tight, threshold)
    found: set[frozenset[tuple[str, tuple[str, ...], str]]] = set()

    class Collector(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            found.add(
                frozenset(
                    column.key
                    for column, chosen in zip(variables.columns, variables.chosen, strict=True)
                    if self.boolean_value(chosen)
                )
            )

    solver = cp_model.CpSolver()
    solver.parameters.enumerate_all_solutions = True
    solver.parameters.num_workers = 1
    status = solver.solve(model, Collector())
    assert status in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
    return found


def test_tight_rows_keep_every_solution_worth_the_threshold() -> None:
    # Guards the rule "a row whose dual exceeds L - threshold is tight": for every threshold from
    # the optimum down, the pruned columns with the tight rows hold exactly the solutions worth
    # that much that all columns hold. Cut one step further (the gap taken as L - threshold - 1,
    # i.e. tightening at threshold + 1), the solutions worth exactly the threshold that leave
    # slack in such a row are lost.
    roster = cycle_roster()
    candidates = Candidates(roster, Scoring(roster))
    bound = linear_bound(candidates)
    columns = every_column(candidates)
    optimum = bound.integer_bound
    assert solutions_worth(candidates, columns, optimum), "the LP is tight on this roster"
    rows_tightened = 0
    for threshold in range(optimum, optimum - SLACK, -1):
        model, variables = column_model(candidates, prune(candidates, bound, threshold))
        rows_tightened += add_tight_rows(model, candidates, variables, bound, threshold)
        everything = solutions_worth(candidates, columns, threshold)
        kept = solutions_worth(candidates, prune(candidates, bound, threshold), threshold, bound)
        assert kept == everything, (threshold, len(kept), len(everything))
    assert rows_tightened > 0


def test_no_repeat_rows_are_tightened_under_rotation_cycle() -> None:
    # the rows that make the difference on cycle rosters: a much-wanted pair meets in exactly one
    # cycle, and every teacher is partnered in every cycle
    roster = cycle_roster()
    candidates = Candidates(roster, Scoring(roster))
    bound = linear_bound(candidates)
    gap = bound.value - bound.integer_bound
    assert any(dual > gap for dual in bound.duals.edge.values())
    assert any(dual > gap for dual in bound.duals.degree.values())


def cycle_data(data: dict[str, Any], cycles: int) -> dict[str, Any]:
    """A binding roster made `rotation: cycle` over `cycles` cycles."""
    data["cycles"] = [
        {"id": f"c{i + 1}", "weeks": [(FIRST_MONDAY + dt.timedelta(weeks=8 * i)).isoformat()]}
        for i in range(cycles)
    ]
    data["policy"]["rotation"] = "cycle"
    return data


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(binding_roster_data(max_teachers=5, max_cycles=1), st.integers(2, 3))
def test_cycle_rotation_reaches_the_brute_force_optimum(data: dict[str, Any], cycles: int) -> None:
    # few slots, at most one substitute a slot, small release limits, coaches competing for the
    # slots, and partners that must change from cycle to cycle
    roster = roster_from_data(cycle_data(data, cycles))
    reference = brute_force(roster)
    result = solve(roster, time_limit=20.0, workers=1)
    if reference is None:
        assert result.status == "infeasible" and result.plan is None
        return
    assert result.status == "optimal" and result.plan is not None
    assert_plan_valid(roster, result.plan)
    assert result.plan.objective == reference.objective

"""`run_search(target=...)`: the search stops at the first solution worth a bound the caller has
proven, reported optimal, and that solution is the one the search would have ended with."""

from __future__ import annotations

from ortools.sat.python import cp_model

from pairwise.engine.search import SearchOutcome, SearchSettings, run_search


def knapsack() -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
    """Weights 3, 4, 5, 6, capacity 10, values 4, 5, 6, 7: the most is 12 (items 1 and 3)."""
    model = cp_model.CpModel()
    items = [model.new_bool_var(f"item {i}") for i in range(4)]
    model.add(sum(w * x for w, x in zip((3, 4, 5, 6), items, strict=True)) <= 10)
    model.maximize(sum(v * x for v, x in zip((4, 5, 6, 7), items, strict=True)))
    return model, items


def pigeons(holes: int) -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
    """One more pigeon than holes, at most one pigeon a hole: the most placed is `holes`, found at
    once and with many optima, but without the LP and presolve CP-SAT cannot prove it quickly."""
    model = cp_model.CpModel()
    places = [[model.new_bool_var(f"{p} in {h}") for h in range(holes)] for p in range(holes + 1)]
    for row in places:
        model.add(sum(row) <= 1)
    for h in range(holes):
        model.add(sum(row[h] for row in places) <= 1)
    model.maximize(sum(x for row in places for x in row))
    return model, [x for row in places for x in row]


def chosen(outcome: SearchOutcome, items: list[cp_model.IntVar]) -> list[bool]:
    return [outcome.solver.boolean_value(x) for x in items]


def hard_search(model: cp_model.CpModel, target: int | None) -> SearchOutcome:
    return run_search(
        model,
        SearchSettings(),
        30.0,
        deterministic_limit=1.0,
        presolve=False,
        linearization=0,
        target=target,
    )


def test_reaching_the_target_proves_what_the_search_alone_cannot() -> None:
    model, places = pigeons(20)
    alone = hard_search(model, None)
    assert alone.status == "feasible" and alone.objective == 20 and alone.bound is not None
    assert alone.bound > 20  # the search alone ran out of time short of a proof
    stopped = hard_search(model, 20)
    assert stopped.status == "optimal" and stopped.objective == stopped.bound == 20
    # many placements are optimal: the one kept is the one the search alone ends with
    assert chosen(stopped, places) == chosen(alone, places)


def test_reaching_the_target_stops_with_the_solution_the_full_search_ends_with() -> None:
    model, items = knapsack()
    full = run_search(model, SearchSettings(), 10.0)
    stopped = run_search(model, SearchSettings(), 10.0, target=12)
    assert full.status == stopped.status == "optimal"
    assert full.objective == stopped.objective == 12
    assert chosen(stopped, items) == chosen(full, items)


def test_a_target_above_the_optimum_is_never_reached_and_the_search_proves_the_optimum() -> None:
    # one more than the most: nothing reaches it, and the search ends as it would without it
    model, _ = knapsack()
    outcome = run_search(model, SearchSettings(), 10.0, target=13)
    assert outcome.status == "optimal" and outcome.objective == 12

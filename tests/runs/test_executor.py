"""The executor: tasks as JSON, outcomes in task order whatever the completion order, errors as data.

The stand-in solvers here are module-level functions, so a spawned worker process imports them by
name, exactly as it imports the engine.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from pairwise.errors import InputError, PairwiseError, Problem
from pairwise.result import Result
from pairwise.roster.models import Plan, Roster, Unpaired
from pairwise.roster.objective import empty_terms
from pairwise.runs.executor import (
    DASK_HINT,
    DaskExecutor,
    InlineExecutor,
    LocalExecutor,
    SolveTask,
    open_executor,
    run_task,
)
from tests.helpers import fixture_path, load_fixture

ORDER_FOLDER_VARIABLE = "PAIRWISE_TEST_ORDER_FOLDER"


def unpaired_plan(roster: Roster, *, time_limit: float = 30.0, seed: int = 0,
                  workers: int | None = None, hint: Plan | None = None,
                  progress: object = None) -> Result:  # fmt: skip
    """Stand-in engine: everyone unpaired (a valid plan). Stats record what the task was given.

    The roster's name ends in its position. With `ORDER_FOLDER_VARIABLE` set, an even position
    waits for the next odd one to finish (a marker file), so a pool completes tasks out of order.
    """
    position = int(roster.name.rsplit(" ", 1)[-1])
    folder = os.environ.get(ORDER_FOLDER_VARIABLE)
    if folder and position % 2 == 0:
        deadline = time.monotonic() + 10
        while not (Path(folder) / f"done-{position + 1}").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.3)  # so the caller wakes for the odd task before this one ends
    terms = empty_terms()
    participants = [teacher.id for teacher in roster.teachers if teacher.participates]
    cycles = [cycle.id for cycle in roster.cycles]
    terms["unpaired"] = -roster.policy.weights.unpaired * len(participants)
    objective = sum(terms.values())
    plan = Plan(
        roster=roster.name,
        status="feasible",
        objective=objective,
        bound=objective,
        seed=seed,
        terms=terms,
        unpaired=[Unpaired(teacher=teacher, cycles=cycles) for teacher in participants],
    )
    stats: dict[str, float | int | str] = {
        "workers": workers or 0,
        "hinted": int(hint is not None),
        "time_limit": time_limit,
        "position": position,
    }
    if folder:
        (Path(folder) / f"done-{position}").touch()
    return Result("feasible", objective, objective, plan, 0.01, stats)


def refusing_solver(roster: Roster, **options: object) -> Result:
    """Stand-in engine that finds the roster bad, as the engine does with its own checks."""
    raise InputError([Problem("teachers[0].id", "refused by the stand-in")])


def crashing_solver(roster: Roster, **options: object) -> Result:
    raise RuntimeError("the stand-in broke")


def numbered_tasks(count: int, solver: object = unpaired_plan) -> list[SolveTask]:
    roster = load_fixture("oakridge-tiny")
    tasks = []
    for position in range(count):
        named = roster.model_copy(update={"name": f"tiny {position}"})
        tasks.append(
            SolveTask(
                key=f"task {position}",
                roster_json=named.as_json(),
                time_limit=1.5,
                seed=7,
                solver=solver,  # type: ignore[arg-type]
            )
        )
    return tasks


def test_run_task_returns_plan_json_and_stats() -> None:
    (task,) = numbered_tasks(1)
    outcome = run_task(task)
    assert outcome.key == "task 0"
    assert outcome.status == "feasible"
    plan = outcome.plan()
    assert plan is not None and plan.roster == "tiny 0"
    # 7 participating teachers, all unpaired at 1000 each
    assert outcome.objective == -7000 == plan.objective
    assert outcome.stats["time_limit"] == 1.5
    assert outcome.peak_memory_bytes > 0


def test_run_task_passes_the_hint() -> None:
    (task,) = numbered_tasks(1)
    first = run_task(task)
    hinted = run_task(SolveTask(**{**task.__dict__, "hint_json": first.plan_json}))
    assert first.stats["hinted"] == 0
    assert hinted.stats["hinted"] == 1


def test_pool_returns_outcomes_in_task_order_though_they_finish_out_of_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ORDER_FOLDER_VARIABLE, str(tmp_path))  # before the workers are spawned
    tasks = numbered_tasks(4)
    finished: list[int] = []
    with LocalExecutor(slots=2, cores_per_task=1) as executor:
        outcomes = executor.map(tasks, on_done=lambda index, outcome: finished.append(index))
    assert finished == [1, 0, 3, 2]  # each even task waited for the odd one after it
    assert [outcome.key for outcome in outcomes] == [task.key for task in tasks]
    assert [outcome.stats["position"] for outcome in outcomes] == [0, 1, 2, 3]


def test_same_tasks_give_the_same_plans_on_the_pool_and_inline() -> None:
    tasks = numbered_tasks(3)
    with LocalExecutor(slots=3, cores_per_task=1) as pool:
        pooled = pool.map(tasks)
    with InlineExecutor(cores_per_task=1) as inline:
        alone = inline.map(list(reversed(tasks)))[::-1]
    assert [outcome.plan_json for outcome in pooled] == [outcome.plan_json for outcome in alone]


def test_each_task_gets_the_executors_share_of_cores() -> None:
    tasks = numbered_tasks(2)
    with open_executor(workers=4, tasks=2) as executor:
        assert isinstance(executor, LocalExecutor)
        assert (executor.slots, executor.cores_per_task) == (2, 2)
        outcomes = executor.map(tasks)
    assert [outcome.stats["workers"] for outcome in outcomes] == [2, 2]
    with open_executor(workers=3, tasks=1) as single:
        assert isinstance(single, InlineExecutor)
        assert single.map(tasks[:1])[0].stats["workers"] == 3


def test_open_executor_splits_cores_and_refuses_zero_workers() -> None:
    with open_executor(workers=2, tasks=25) as executor:
        assert (executor.slots, executor.cores_per_task) == (2, 1)
    with open_executor(workers=2, tasks=25, inline=True) as executor:
        assert isinstance(executor, InlineExecutor)
        assert executor.cores_per_task == 2
    with pytest.raises(InputError) as caught:
        open_executor(workers=0, tasks=3)
    assert caught.value.problems[0].path == "--workers"


def test_input_errors_in_a_worker_come_back_as_input_errors() -> None:
    tasks = numbered_tasks(2, solver=refusing_solver)
    with LocalExecutor(slots=2) as executor:
        outcomes = executor.map(tasks)
    with pytest.raises(InputError) as caught:
        outcomes[0].result()
    assert caught.value.problems == [Problem("teachers[0].id", "refused by the stand-in")]


def test_other_failures_in_a_worker_name_the_task() -> None:
    (task,) = numbered_tasks(1, solver=crashing_solver)
    outcome = run_task(task)
    with pytest.raises(
        PairwiseError, match=r"task task 0 failed: RuntimeError: the stand-in broke"
    ):
        outcome.result()


def test_a_bad_roster_in_a_task_is_an_input_error() -> None:
    text = fixture_path("oakridge-tiny").read_text().replace('"mon-1", "day"', '"mon-1", "dya"')
    outcome = run_task(SolveTask(key="bad", roster_json=text, time_limit=1.0))
    with pytest.raises(InputError) as caught:
        outcome.result()
    assert any("dya" in str(problem) for problem in caught.value.problems)


def test_dask_missing_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import now fails
    with pytest.raises(PairwiseError) as caught:
        open_executor(scheduler="tcp://127.0.0.1:1", tasks=2)
    assert DASK_HINT in str(caught.value)
    assert "pip install 'pairwise[dask]'" in str(caught.value)


def test_an_unreachable_scheduler_is_a_clear_error() -> None:
    pytest.importorskip("distributed")
    with pytest.raises(
        PairwiseError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"
    ):
        DaskExecutor("tcp://127.0.0.1:9", timeout="1s")

"""The public API: every name in `pairwise.__all__` resolves, and `import pairwise` stays light."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import pairwise


def test_every_public_name_resolves() -> None:
    for name in pairwise.__all__:
        assert getattr(pairwise, name) is not None, name


def test_unknown_name_is_an_attribute_error() -> None:
    try:
        pairwise.no_such_thing  # noqa: B018
    except AttributeError as error:
        assert "no_such_thing" in str(error)
    else:
        raise AssertionError("pairwise.no_such_thing resolved")


def test_import_does_not_load_the_solver() -> None:
    # the CLI imports pairwise for its version; CP-SAT and matplotlib load only when a command needs them
    code = "import sys, pairwise; print(sorted(m for m in ('ortools', 'matplotlib', 'openpyxl') if m in sys.modules))"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == "[]"


def test_solve_check_round_trip_through_the_api() -> None:
    roster = pairwise.load_roster("tests/fixtures/oakridge-tiny.json")
    result = pairwise.solve(roster, time_limit=20, seed=0, workers=1)
    assert result.plan is not None
    report = pairwise.check(roster, result.plan)
    assert report.ok, report.violations
    assert report.objective == result.objective


@pytest.mark.parametrize(
    ("old_path", "name", "new_path"),
    [
        ("pairwise.formats", "Roster", "pairwise.roster.models"),
        ("pairwise.check", "check", "pairwise.checker.entry"),
        ("pairwise.check", "CheckReport", "pairwise.checker.report"),
        ("pairwise.solve", "solve", "pairwise.engine.pipeline"),
        ("pairwise.explain", "format_explanation", "pairwise.explanation.report"),
        ("pairwise.explain", "explain", "pairwise.explanation.diagnose"),
        ("pairwise.district", "split_district", "pairwise.runs.district.split"),
        ("pairwise.workbook", "import_workbook", "pairwise.interchange.workbook.read"),
        ("pairwise.workbook", "template_workbook", "pairwise.interchange.workbook.write"),
    ],
)
def test_old_flat_import_paths_warn_and_give_the_same_objects(
    old_path: str, name: str, new_path: str
) -> None:
    sys.modules.pop(old_path, None)
    with pytest.warns(DeprecationWarning, match=rf"{old_path} moved to [\w., ]*{new_path}"):
        old_module = importlib.import_module(old_path)
    assert getattr(old_module, name) is getattr(importlib.import_module(new_path), name)
    # binding the old module on the package never hides the API function of the same name
    for function_name in ("check", "solve", "explain"):
        assert callable(getattr(pairwise, function_name)), function_name


def test_solve_from_a_dict_with_progress_and_a_stop() -> None:
    import json
    import threading

    from tests.helpers import assert_plan_valid, fixture_path

    data = json.loads(fixture_path("oakridge-tiny").read_text())
    roster = pairwise.roster_from_dict(data)
    assert roster == pairwise.roster_from_json(json.dumps(data))
    reports: list[pairwise.Progress] = []
    plans: list[pairwise.Plan] = []
    result = pairwise.solve(
        roster,
        time_limit=20,
        progress=reports.append,
        stop=threading.Event(),
        incumbent=plans.append,
    )
    assert result.status == "optimal" and result.plan is not None
    assert_plan_valid(roster, result.plan)
    assert reports and plans
    # a stop set before the solve starts ends it at once
    stopped = threading.Event()
    stopped.set()
    early = pairwise.solve(roster, time_limit=20, stop=stopped)
    assert early.stats["interrupted"] == 1


def test_roster_from_dict_checks_cross_references_as_loading_does() -> None:
    import json

    from tests.helpers import fixture_path

    data = json.loads(fixture_path("oakridge-tiny").read_text())
    data["teachers"][0]["teaches"] = ["mon-99"]
    data["teachers"][1]["team"] = 7
    with pytest.raises(pairwise.InputError) as raised:
        pairwise.roster_from_dict(data)
    paths = [problem.path for problem in raised.value.problems]
    assert "teachers[1].team" in paths
    with pytest.raises(pairwise.InputError) as again:
        pairwise.roster_from_dict({**data, "teachers": data["teachers"][:1] + data["teachers"][2:]})
    # with the second teacher gone, her relation names an unknown teacher too
    assert [str(problem) for problem in again.value.problems] == [
        "teachers[0].teaches[0]: unknown period 'mon-99'",
        "relations[0].a: unknown teacher 't02'",
    ]


def test_the_old_generate_module_path_still_gives_generate_roster() -> None:
    from pairwise.generate import generate_roster

    assert generate_roster is pairwise.generate_roster

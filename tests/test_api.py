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

"""tools/long_functions.py: which functions it lists as long without a reason."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

TOOL = Path(__file__).resolve().parent.parent / "tools" / "long_functions.py"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("long_functions", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


long_functions = _tool()


def _function(name: str, lines: int, docstring: str = "", indent: str = "") -> str:
    """A function of exactly `lines` lines: the def, the docstring, then `x = 0` lines."""
    body = [f'{indent}    """{docstring}"""'] if docstring else []
    body += [f"{indent}    x = {i}" for i in range(lines - 1 - len(body))]
    return "\n".join([f"{indent}def {name}() -> None:", *body]) + "\n"


def test_lists_only_functions_over_the_limit_without_a_reason(tmp_path: Path) -> None:
    source = tmp_path / "module.py"
    source.write_text(
        _function("at_the_limit", 80)
        + _function("one_over", 81, "Does a thing.")
        + _function("explained", 120, "Does a thing. Long because its rules read best together.")
        + _function("says_long_elsewhere", 90, "Not Long because of anything.")
        + "class Holder:\n"
        + _function("method", 81, indent="    ")
    )
    found = long_functions.find([tmp_path])
    assert [(f.name, f.lines) for f in found] == [
        ("one_over", 81),
        ("says_long_elsewhere", 90),
        ("Holder.method", 81),
    ]
    assert found[0].line == 81


def test_exit_code_says_whether_one_was_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "short.py").write_text(_function("short", 10))
    assert long_functions.main([str(tmp_path)]) == 0
    (tmp_path / "long.py").write_text(_function("long", 81))
    assert long_functions.main([str(tmp_path)]) == 1
    assert "long.py:1 long (81 lines)" in capsys.readouterr().out


def test_no_function_in_the_package_is_long_without_a_reason() -> None:
    """The house rule itself: every function of src/pairwise over the limit says why it is long."""
    package = TOOL.parent.parent / "src" / "pairwise"
    assert list(package.rglob("*.py")), "the package's sources were not found"
    assert [str(found) for found in long_functions.find([package])] == []


def test_no_source_file_is_over_700_lines() -> None:
    package = TOOL.parent.parent / "src" / "pairwise"
    sizes = {
        path: len(path.read_text(encoding="utf-8").splitlines()) for path in package.rglob("*.py")
    }
    assert sizes, "the package's sources were not found"
    assert {str(path): lines for path, lines in sizes.items() if lines > 700} == {}

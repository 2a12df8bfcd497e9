"""The README's Python example type-checks under `mypy --strict`, so what it documents exists."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pairwise

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_the_readme_api_example_type_checks_strictly(tmp_path: Path) -> None:
    blocks = python_blocks()
    assert blocks, "the README has no Python example"
    example = tmp_path / "readme_example.py"
    example.write_text("\n\n".join(blocks), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(example)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_readme_names_what_the_api_offers() -> None:
    api = "\n".join(python_blocks())
    for name in (
        "progress=",
        "stop=",
        "roster_from_json",
        "roster_from_dict",
        "as_json()",
        "as_dict()",
        "format_explanation",
        "render_export",
    ):
        assert name in api, name
    named = re.findall(r"pairwise\.([a-z_]+)\(", api)
    assert named and all(hasattr(pairwise, name) for name in named)

"""List the functions over 80 lines whose docstring gives no reason for their length.

A function may be long for a real reason (one CP-SAT model's constraints that read best
together, say); its docstring then says so in a sentence starting with "Long because". Every
other function over the limit is listed, as `path:line name (N lines)`, and the exit code is 1.

    python tools/long_functions.py [ROOT ...] [--limit 80]

ROOT defaults to `src/pairwise` next to this script. A function's length counts its `def` line to
its last line, docstring included, decorators not; a nested function counts on its own, and its
lines count in the enclosing one's too.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

LIMIT = 80
REASON = "Long because"
DEFAULT_ROOT = Path(__file__).resolve().parent.parent / "src" / "pairwise"


@dataclass(frozen=True)
class LongFunction:
    """One function over the limit whose docstring gives no reason."""

    path: Path
    line: int
    name: str
    lines: int

    def __str__(self) -> str:
        shown = self.path.resolve()
        if shown.is_relative_to(Path.cwd()):
            shown = shown.relative_to(Path.cwd())
        return f"{shown}:{self.line} {self.name} ({self.lines} lines)"


def gives_reason(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether the docstring has a sentence starting with "Long because"."""
    docstring = ast.get_docstring(function) or ""
    return any(
        sentence.strip().startswith(REASON)
        for paragraph in docstring.split("\n\n")
        for sentence in " ".join(paragraph.split()).split(". ")
    )


def long_functions(path: Path, limit: int = LIMIT) -> Iterator[LongFunction]:
    """The unexplained functions over `limit` lines in one Python file, by qualified name."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    yield from _walk(tree, path, limit, "")


def _walk(node: ast.AST, path: Path, limit: int, prefix: str) -> Iterator[LongFunction]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            name = f"{prefix}{child.name}"
            lines = (child.end_lineno or child.lineno) - child.lineno + 1
            if lines > limit and not gives_reason(child):
                yield LongFunction(path, child.lineno, name, lines)
            yield from _walk(child, path, limit, f"{name}.")
        elif isinstance(child, ast.ClassDef):
            yield from _walk(child, path, limit, f"{prefix}{child.name}.")
        else:
            yield from _walk(child, path, limit, prefix)


def find(roots: list[Path], limit: int = LIMIT) -> list[LongFunction]:
    """Every unexplained long function under the roots (files or folders), in path order."""
    files = sorted(
        file for root in roots for file in ([root] if root.is_file() else root.rglob("*.py"))
    )
    return [found for file in files for found in long_functions(file, limit)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("roots", nargs="*", type=Path, default=[DEFAULT_ROOT])
    parser.add_argument("--limit", type=int, default=LIMIT)
    arguments = parser.parse_args(argv)
    found = find(arguments.roots, arguments.limit)
    for function in found:
        print(function)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

"""The what-if table fits the terminal: whole headers, no column cut to `rel…`."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rich.console import Console

from pairwise.cli.commands import whatif
from pairwise.runs.whatif import VariantOutcome

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def outcomes() -> list[VariantOutcome]:
    terms = {"complement": 900, "trust": 120, "cover": -14, "cross_team": 40, "mentoring": 16}
    return [
        VariantOutcome(
            {"release_budget": budget, "cover_per_period": cover},
            "optimal",
            1000 + budget,
            1000 + budget,
            terms,
            14,
            1.25,
            {"release_budget": budget - 10, "cover_per_period": cover} if budget else None,
        )
        for budget in (0, 10)
        for cover in (1, 2)
    ]


def printed(monkeypatch: pytest.MonkeyPatch, width: int, capsys: Any) -> list[str]:
    class Terminal(Console):
        def __init__(self, *args: Any, **options: Any) -> None:
            options.setdefault("width", width)
            options["force_terminal"] = True
            super().__init__(*args, **options)

    monkeypatch.setattr(whatif, "Console", Terminal)
    whatif._print_table(outcomes(), ["release_budget", "cover_per_period"])
    return ANSI.sub("", capsys.readouterr().out).splitlines()


def test_an_80_column_terminal_gets_whole_words_within_80_columns(
    monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    lines = printed(monkeypatch, 80, capsys)
    assert max(len(line) for line in lines) <= 80
    text = "\n".join(lines)
    assert "…" not in text
    assert "release_budget=10 cover_per_period=2: optimal" in text
    assert "from release_budget=0 cover_per_period=2" in text
    assert "cover -14" in text


def test_a_wide_terminal_gets_the_table(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    lines = printed(monkeypatch, 220, capsys)
    header = next(line for line in lines if "release_budget" in line)
    for name in ("cover_per_period", "status", "objective", "covered visits", "from"):
        assert name in header
    assert "…" not in "\n".join(lines)

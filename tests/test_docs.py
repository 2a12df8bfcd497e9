"""The project documents its own formats, rules and objective (docs/), and refers to nothing
outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from pairwise.cli.app import main
from pairwise.roster.models import TERM_NAMES, Policy, Teacher
from tests.helpers import fixture_path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
# the contract's file names, written so this test does not name them itself
OUTSIDE = ["SP" + "EC.md", "MODEL" + "-NOTES", "STY" + "LE.md", "../" + "shared", r"\bSP" + r"EC\b"]


def test_nothing_refers_to_files_outside_the_repository() -> None:
    texts = [ROOT / "README.md", *DOCS.rglob("*.md")]
    for folder in ("src", "benchmarks", "solvers", "tests", "schemas"):
        texts += [
            p for p in (ROOT / folder).rglob("*") if p.suffix in {".py", ".md", ".json", ".html"}
        ]
    found = [
        f"{path.relative_to(ROOT)}: {pattern}"
        for path in texts
        if "egg-info" not in str(path)
        for pattern in OUTSIDE
        if re.search(pattern, path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert len(texts) > 100 and found == []


def test_the_rules_are_numbered_one_to_ten_with_anchors() -> None:
    text = (DOCS / "rules.md").read_text()
    for number in range(1, 11):
        assert f'<a id="rule-{number}"></a>\n## Rule {number}:' in text


def test_the_objective_names_every_term_and_the_roster_every_policy_field() -> None:
    objective = (DOCS / "objective.md").read_text()
    assert all(f"`{name}`" in objective for name in TERM_NAMES)
    roster = (DOCS / "roster.md").read_text()
    for field in [*Policy.model_fields, *Teacher.model_fields]:
        assert f"`{field}`" in roster, field


def test_every_relative_link_in_the_docs_resolves() -> None:
    for page in [ROOT / "README.md", *DOCS.glob("*.md")]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text()):
            assert (page.parent / target).exists(), f"{page.name}: {target}"


def test_check_points_at_the_numbered_rules(tmp_path: Path) -> None:
    plan = fixture_path("check_small_plan").read_text()
    broken = plan.replace('"covered": false', '"covered": true', 1)
    assert broken != plan
    path = tmp_path / "plan.json"
    path.write_text(broken)
    result = CliRunner().invoke(main, ["check", str(fixture_path("check_small")), str(path)])
    assert result.exit_code == 1
    assert re.search(r"the rules: docs/rules\.md#rule-\d", result.stdout)

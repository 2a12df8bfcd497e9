"""Rule 10 in explain: rosters that leave no room for conversations are warned about, never
called infeasible."""

from __future__ import annotations

from pairwise.explanation.diagnose import explain
from tests.builders import make_roster


def checks(roster_teachers: list[dict[str, object]], **policy: object) -> list[str]:
    roster = make_roster(roster_teachers, policy=dict(policy))
    explanation = explain(roster, time_limit=10)
    assert explanation.status == "feasible"
    return [
        finding.check
        for finding in explanation.warnings
        if finding.check.startswith(("no-debrief", "tandem"))
    ]


def test_a_teacher_never_free_is_warned_about() -> None:
    found = checks([{"id": "a", "teaches": ["mon-1", "mon-2", "mon-3", "mon-4"]}, {"id": "b"}])
    assert found == ["no-debrief-period"]


def test_tandem_policies_no_pair_can_use_are_warned_about() -> None:
    assert checks([{"id": "a", "tandem": True}, {"id": "b"}], tandem=True) == ["tandem-nobody"]
    two = [{"id": "a", "tandem": True}, {"id": "b", "tandem": True}]
    assert checks(two, tandem=True, reciprocal=False) == ["tandem-one-way"]
    assert checks(two) == ["tandem-off"]
    assert checks(two, tandem=True) == []

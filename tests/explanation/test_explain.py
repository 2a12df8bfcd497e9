"""`explain`: pre-checks on tiny rosters, minimal conflict sets (re-solved), checked relaxations,
the witness plan against the independent checker, and the command line's JSON and exit codes.

Every roster here is `tests/fixtures/explain_base.json` (six teachers, two one-week cycles, four
teams, t1 locked with t2) with one decision changed. In the base, t1 teaches mon-1 and tue-1 and
t2 teaches mon-2 and tue-2, so each can visit the other, uncovered, in every cycle.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairwise.cli.app import main
from pairwise.engine.pipeline import solve
from pairwise.explanation.diagnose import explain
from pairwise.explanation.feasibility import feasible_plan, is_feasible, rules_hold
from pairwise.explanation.prechecks import precheck
from pairwise.explanation.report import Explanation, format_explanation
from pairwise.roster.load import load_roster, roster_from_data
from pairwise.roster.models import Roster
from solvers import bruteforce
from tests.helpers import assert_plan_valid, fixture_path
from tests.strategies import roster_data, rosters

BASE = json.loads(fixture_path("explain_base").read_text())
ALL_PERIODS = ["mon-1", "mon-2", "tue-1", "tue-2"]

Edit = Callable[[dict[str, Any]], None]


def teacher(document: dict[str, Any], teacher_id: str) -> dict[str, Any]:
    return next(t for t in document["teachers"] if t["id"] == teacher_id)


def relate(a: str, b: str, kind: str) -> Edit:
    return lambda d: d["relations"].append({"a": a, "b": b, "kind": kind})


def set_teacher(teacher_id: str, **values: Any) -> Edit:
    return lambda d: teacher(d, teacher_id).update(values)


def set_policy(**values: Any) -> Edit:
    return lambda d: d["policy"].update(values)


def tables(count: int) -> Edit:
    return lambda d: d["cycles"][0]["meetings"][0].update(tables=count)


def data_of(*edits: Edit) -> dict[str, Any]:
    document = copy.deepcopy(BASE)
    for edit in edits:
        edit(document)
    return document


def roster_of(*edits: Edit) -> Roster:
    return roster_from_data(data_of(*edits))


# t1 teaches every period: every visit t1 makes is covered (two a year, one per cycle)
T1_ALWAYS_COVERED = (set_teacher("t1", teaches=ALL_PERIODS), set_policy(allow_triads=False))
# t2 is away whenever t1 teaches: t2 can never visit t1
T2_NEVER_VISITS_T1 = (set_teacher("t2", unavailable=["mon-1", "tue-1"]),)
# t3 is locked with t4 and t1 with t2; five locks among t1..t4 that only two cycles without
# repeats cannot hold (each triad covers three of them, and two triads share a pair)
NO_REPEAT_LOCKS = (
    set_policy(rotation="cycle"),
    lambda d: d.update(
        relations=[
            {"a": a, "b": b, "kind": "lock"}
            for a, b in (("t3", "t4"), ("t1", "t3"), ("t2", "t3"), ("t1", "t4"), ("t2", "t4"))
        ]
    ),
)

# name -> (edits, the first conflict set's rule keys)
INFEASIBLE: dict[str, tuple[tuple[Edit, ...], set[str]]] = {
    "lock-avoid": ((relate("t1", "t2", "avoid"),), {"lock:t1/t2", "avoid:t1/t2"}),
    "lock-evaluator": ((set_teacher("t2", evaluator="t1"),), {"lock:t1/t2", "evaluator:t2"}),
    "lock-schools": (
        (set_teacher("t2", team=None, school="south"),),
        {"lock:t1/t2", "cross_school_pairs"},
    ),
    "lock-participates": (
        (set_teacher("t2", participates=False),),
        {"lock:t1/t2", "participates:t2"},
    ),
    "locks-need-a-triad": (
        (relate("t1", "t3", "lock"), set_policy(allow_triads=False)),
        {"lock:t1/t2", "lock:t1/t3", "allow_triads"},
    ),
    # one-way visits would let t2 only visit
    "host-teaches-nothing": ((set_teacher("t2", teaches=[]),), {"lock:t1/t2", "reciprocal"}),
    "max-release": (
        (*T1_ALWAYS_COVERED, set_teacher("t1", max_release=1)),
        {"lock:t1/t2", "reciprocal", "max_release:t1"},
    ),
    "release-budget": (
        (*T1_ALWAYS_COVERED, set_policy(release_budget=1)),
        {"lock:t1/t2", "reciprocal", "release_budget"},
    ),
    "no-cover": (
        (*T1_ALWAYS_COVERED, set_policy(cover_per_period=0)),
        {"lock:t1/t2", "reciprocal", "cover_per_period"},
    ),
    "tables": ((tables(1),), {"tables:fall/fall-pd"}),
    "no-repeat": (
        NO_REPEAT_LOCKS,
        {"lock:t3/t4", "lock:t1/t3", "lock:t2/t3", "lock:t1/t4", "lock:t2/t4", "no_repeat"},
    ),
}


def keys(explanation: Explanation, number: int = 1) -> set[str]:
    return {rule.rule for rule in explanation.conflicts[number - 1].rules}


def assert_minimal(roster: Roster, rule_keys: set[str]) -> None:
    """The rules conflict, and dropping any one lets the rest hold (each solved again)."""
    assert rules_hold(roster, rule_keys) is False
    for key in rule_keys:
        assert rules_hold(roster, rule_keys - {key}) is True, f"{key} is not needed"


# --- feasible rosters ---------------------------------------------------------------------------


def test_base_roster_is_feasible_and_its_witness_passes_the_checker() -> None:
    roster = roster_of()
    explanation = explain(roster, time_limit=10)
    assert explanation.status == "feasible" and explanation.conflicts == []
    assert "a plan exists" in format_explanation(explanation)
    plan = feasible_plan(roster)
    assert plan is not None
    assert_plan_valid(roster, plan)
    assert [p.members for p in plan.partnerships] == [["t1", "t2"]]
    # the four visits: each of t1, t2 visits the other once in each of the two cycles
    assert len(plan.visits) == 4 and not any(visit.covered for visit in plan.visits)


def test_a_lock_that_needs_a_triad_is_feasible_when_triads_are_allowed() -> None:
    roster = roster_of(relate("t1", "t3", "lock"))
    plan = feasible_plan(roster)
    assert plan is not None
    assert_plan_valid(roster, plan)
    assert [sorted(p.members) for p in plan.partnerships] == [["t1", "t2", "t3"]]


def test_a_pair_with_one_way_blocked_meets_in_a_triad() -> None:
    # t2 never visits t1, but in a ring t1 -> t2 -> x -> t1 nobody needs to
    roster = roster_of(*T2_NEVER_VISITS_T1)
    plan = feasible_plan(roster)
    assert plan is not None
    assert_plan_valid(roster, plan)
    assert len(plan.partnerships[0].members) == 3
    assert not any(v.visitor == "t2" and v.host == "t1" for v in plan.visits)


# --- pre-checks ---------------------------------------------------------------------------------

# name -> (edits, check, severity, words in the message)
PRECHECKS: dict[str, tuple[tuple[Edit, ...], str, str, str]] = {
    "lock-avoid": (
        (relate("t1", "t2", "avoid"),),
        "lock-avoid",
        "conflict",
        "t1 (Ana Ruiz) and t2 (Ben Okafor) are locked together (relations[0]) but are also an "
        "avoid relation (relations[1])",
    ),
    "lock-evaluator": (
        (set_teacher("t2", evaluator="t1"),),
        "lock-evaluator",
        "conflict",
        "but t1 evaluates t2 (teachers[1].evaluator)",
    ),
    "lock-schools": (
        (set_teacher("t2", team=None, school="south"),),
        "lock-schools",
        "conflict",
        "t2 at school 'south', and policy.cross_school_pairs is false",
    ),
    "lock-participates": (
        (set_teacher("t2", participates=False),),
        "lock-participates",
        "conflict",
        "t2 does not participate (teachers[1].participates is false)",
    ),
    "locks-need-a-triad": (
        (relate("t1", "t3", "lock"), set_policy(allow_triads=False)),
        "lock-group",
        "conflict",
        "put t1, t2 and t3 in one triad, but policy.allow_triads is false",
    ),
    "four-in-one-partnership": (
        (relate("t1", "t3", "lock"), relate("t1", "t4", "lock")),
        "lock-group",
        "conflict",
        "a partnership has at most 3 members",
    ),
    "more-locks-than-cycles": (
        (
            set_policy(rotation="cycle"),
            *(relate("t1", t, "lock") for t in ("t3", "t4", "t5", "t6")),
        ),
        "lock-group",
        "conflict",
        "t1 (Ana Ruiz) is locked with 5 teachers (t2, t3, t4, t5 and t6), but can have at most "
        "4 partners in 2 cycles",
    ),
    "host-teaches-nothing": (
        (set_teacher("t2", teaches=[]),),
        "host-without-slots",
        "conflict",
        "t2 (Ben Okafor) teaches no period, so nobody can visit them; but they are locked with t1",
    ),
    "unlocked-host-teaches-nothing": (
        (set_teacher("t5", teaches=[]),),
        "host-without-slots",
        "warning",
        "t5 (Eva Lindqvist) teaches no period, so nobody can visit them; they will be unpaired "
        "for the year",
    ),
    "host-away-in-a-cycle": (
        (set_teacher("t5", unavailable=["2027-03-01/mon-1", "2027-03-02/tue-2"]),),
        "host-without-slots",
        "warning",
        "unavailable in every period they teach in cycle spring",
    ),
    "pair-without-slot": (
        (*T2_NEVER_VISITS_T1, set_policy(allow_triads=False)),
        "lock-without-slot",
        "conflict",
        "t2 can visit t1 in no slot (t2 or t1 is unavailable whenever t1 teaches)",
    ),
    "two-visits-one-slot": (
        (
            set_teacher("t1", teaches=["mon-1"]),
            set_teacher("t2", teaches=["mon-1"]),
            set_policy(allow_triads=False),
        ),
        "lock-without-slot",
        "conflict",
        "both visits only in 2026-10-05/mon-1, and nobody makes two at once",
    ),
    "pair-meets-only-in-a-triad": (
        T2_NEVER_VISITS_T1,
        "lock-without-slot",
        "warning",
        "they can only meet in a triad",
    ),
    "max-release": (
        (*T1_ALWAYS_COVERED, set_teacher("t1", max_release=1)),
        "max-release",
        "conflict",
        "t1 (Ana Ruiz) must be covered for at least 2 visits (t1–t2 in cycle fall and t1–t2 in "
        "cycle spring: every slot they can visit in is one they teach), but "
        "teachers[0].max_release is 1",
    ),
    "release-budget": (
        (*T1_ALWAYS_COVERED, set_policy(release_budget=1)),
        "release-budget",
        "conflict",
        "the school needs at least 2 covered visits for its locked pairs",
    ),
    "no-cover-in-covered-slots": (
        (*T1_ALWAYS_COVERED, set_policy(cover_per_period=0)),
        "lock-without-slot",
        "conflict",
        "t1 can visit t2 in no slot (2 slots, all needing a cover, and none has one)",
    ),
    "tables": (
        (tables(1),),
        "tables",
        "conflict",
        "meeting fall-pd of cycle fall has 1 table (cycles[0].meetings[0].tables), but the "
        "school has 4 teams, which need 2",
    ),
    "no-admissible-partner": (
        (set_teacher("t6", team=None, school="north"),),
        "no-admissible-partner",
        "warning",
        "t6 (Farid Haddad) has no admissible partner (of 5 other teachers: 5 at another school); "
        "they will be unpaired",
    ),
    "odd-without-triads": (
        (set_teacher("t6", participates=False), set_policy(allow_triads=False)),
        "odd-without-triads",
        "warning",
        "the school has 5 participating teachers and policy.allow_triads is false",
    ),
    "coach-without-coachees": (
        (set_teacher("t3", sabbatical={"topics": ["art"], "budget": 3}),),
        "coach-budget",
        "warning",
        "at most 0 visits can be placed: no other teacher's priority is one of their topics",
    ),
    "coach-budget-above-slots": (
        (set_teacher("t3", sabbatical={"topics": ["literacy"], "budget": 9}),),
        "coach-budget",
        "warning",
        "at most 4 visits can be placed: 2 coachees (t1 and t5), at most 2 visits each",
    ),
}


@pytest.mark.parametrize("name", sorted(PRECHECKS))
def test_precheck(name: str) -> None:
    edits, check, severity, words = PRECHECKS[name]
    roster = roster_of(*edits)
    found = [f for f in precheck(roster) if f.check == check and f.severity == severity]
    assert any(words in f.message for f in found), [f.message for f in precheck(roster)]
    # a pre-check conflict is a proof: the model must agree there is no plan
    feasible = is_feasible(roster)
    assert feasible is (severity == "warning"), precheck(roster)


def test_base_roster_has_no_findings() -> None:
    assert precheck(roster_of()) == []


# --- conflict sets ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(INFEASIBLE))
def test_minimal_conflict_set(name: str) -> None:
    edits, expected = INFEASIBLE[name]
    roster = roster_of(*edits)
    explanation = explain(roster, time_limit=20)
    assert explanation.status == "infeasible"
    assert explanation.conflicts[0].minimal
    assert keys(explanation) == expected
    assert_minimal(roster, expected)


def test_conflict_on_unavailability_names_the_teacher_and_cycle() -> None:
    roster = roster_of(*T2_NEVER_VISITS_T1, set_policy(allow_triads=False))
    explanation = explain(roster, time_limit=20)
    found = keys(explanation)
    unavailable = {key for key in found if key.startswith("unavailable:")}
    # one cycle's unavailability is enough: the other cycle alone still blocks the year
    assert len(unavailable) == 1 and unavailable < {"unavailable:t2/fall", "unavailable:t2/spring"}
    assert found - unavailable == {"lock:t1/t2", "reciprocal", "allow_triads"}
    assert_minimal(roster, found)
    messages = [rule.message for rule in explanation.conflicts[0].rules]
    assert any("t2 (Ben Okafor) is unavailable in mon-1 and tue-1" in m for m in messages)
    # the facts say why: t2 has no slot to visit t1
    assert any("t2 can visit t1 in no slot" in fact for fact in explanation.conflicts[0].facts)


def test_two_independent_conflicts_are_both_reported() -> None:
    roster = roster_of(tables(1), set_teacher("t2", evaluator="t1"))
    explanation = explain(roster, time_limit=20)
    assert [keys(explanation, n) for n in (1, 2)] in (
        [{"lock:t1/t2", "evaluator:t2"}, {"tables:fall/fall-pd"}],
        [{"tables:fall/fall-pd"}, {"lock:t1/t2", "evaluator:t2"}],
    )
    assert explanation.solvable_after is True
    applied = [r for r in explanation.relaxations if r.applied]
    assert {r.action for r in applied} == {
        "drop the lock t1–t2",
        "raise cycles[0].meetings[0].tables from 1 to 2",
    }
    # applying both by hand indeed gives a plan
    assert is_feasible(roster_of(tables(2), set_teacher("t2", evaluator="t1"), no_locks)) is True


def no_locks(document: dict[str, Any]) -> None:
    document["relations"] = [r for r in document["relations"] if r["kind"] != "lock"]


# --- relaxations --------------------------------------------------------------------------------


def relaxations(explanation: Explanation, number: int = 1) -> dict[str, Any]:
    return {r.rule: r for r in explanation.relaxations if r.conflict == number}


def test_dropping_the_lock_is_checked_and_the_evaluator_is_not_relaxed() -> None:
    explanation = explain(roster_of(set_teacher("t2", evaluator="t1")), time_limit=20)
    found = relaxations(explanation)
    lock = found["lock:t1/t2"]
    assert lock.action == "drop the lock t1–t2" and lock.path == "relations[0]"
    assert lock.checked and lock.resolves_conflict and lock.solves_roster and lock.applied
    evaluator = found["evaluator:t2"]
    assert not evaluator.checked and evaluator.action.startswith("none")
    assert explanation.solvable_after is True


@pytest.mark.parametrize(
    ("name", "rule", "path", "old", "new", "edit"),
    [
        ("max-release", "max_release:t1", "teachers[0].max_release", 1, 2, "max_release"),
        ("release-budget", "release_budget", "policy.release_budget", 1, 2, "release_budget"),
        ("no-cover", "cover_per_period", "policy.cover_per_period", 0, 1, "cover_per_period"),
        ("tables", "tables:fall/fall-pd", "cycles[0].meetings[0].tables", 1, 2, "tables"),
    ],
)
def test_counts_are_raised_to_the_smallest_value_that_solves(
    name: str, rule: str, path: str, old: int, new: int, edit: str
) -> None:
    edits, _ = INFEASIBLE[name]
    explanation = explain(roster_of(*edits), time_limit=20)
    relaxation = relaxations(explanation)[rule]
    assert (relaxation.path, relaxation.old, relaxation.new) == (path, old, new)
    assert relaxation.checked and relaxation.solves_roster
    assert relaxation.action.endswith(f"from {old} to {new}")

    def with_value(value: int) -> Edit:
        if edit == "max_release":
            return set_teacher("t1", max_release=value)
        if edit == "tables":
            return tables(value)
        return set_policy(**{edit: value})

    # solved again here: the new value gives a plan and one less does not
    assert is_feasible(roster_of(*edits, with_value(new))) is True
    assert is_feasible(roster_of(*edits, with_value(new - 1))) is False


def test_policy_switches_are_checked() -> None:
    edits, _ = INFEASIBLE["max-release"]
    found = relaxations(explain(roster_of(*edits), time_limit=20))
    reciprocal = found["reciprocal"]
    assert reciprocal.action == "make visits one-way (set policy.reciprocal to false)"
    assert reciprocal.checked and reciprocal.solves_roster
    assert is_feasible(roster_of(*edits, set_policy(reciprocal=False))) is True


def test_an_unavailable_entry_is_removed_one_at_a_time() -> None:
    roster = roster_of(*T2_NEVER_VISITS_T1, set_policy(allow_triads=False))
    found = relaxations(explain(roster, time_limit=20))
    (relaxation,) = [r for key, r in found.items() if key.startswith("unavailable:")]
    assert relaxation.action.startswith(
        "make t2 available in mon-1 every week (remove teachers[1].unavailable[0])"
    )
    assert relaxation.path == "teachers[1].unavailable[0]"
    assert relaxation.checked and relaxation.solves_roster
    assert is_feasible(
        roster_of(set_policy(allow_triads=False), set_teacher("t2", unavailable=["tue-1"]))
    )


def test_a_relaxation_that_is_not_enough_says_so() -> None:
    roster = roster_of(*NO_REPEAT_LOCKS)
    explanation = explain(roster, time_limit=20)
    rotation = relaxations(explanation)["no_repeat"]
    # one partner for the year would put all four teachers in one partnership
    assert rotation.checked and rotation.resolves_conflict is False and not rotation.applied
    assert "not enough on its own" in format_explanation(explanation)
    assert explanation.solvable_after is True


# --- the command line ---------------------------------------------------------------------------


def write(tmp_path: Path, *edits: Edit) -> str:
    path = tmp_path / "roster.json"
    path.write_text(json.dumps(data_of(*edits)))
    return str(path)


def run(*arguments: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(arguments))
    return result.exit_code, result.stdout, result.stderr


def test_cli_exit_0_when_feasible_with_warnings(tmp_path: Path) -> None:
    code, out, _ = run("explain", write(tmp_path, set_teacher("t5", teaches=[])))
    assert code == 0
    assert "a plan exists" in out
    assert "Warnings:" in out and "t5 (Eva Lindqvist) teaches no period" in out


def test_cli_exit_3_with_the_explanation(tmp_path: Path) -> None:
    code, out, _ = run("explain", write(tmp_path, set_teacher("t2", evaluator="t1")))
    assert code == 3
    assert "no plan can meet every hard rule" in out
    assert "Conflict 1" in out
    assert "t1 (Ana Ruiz) and t2 (Ben Okafor) are locked together" in out
    assert "* drop the lock t1–t2 — checked: the roster then has a plan" in out
    assert "Traceback" not in out


def test_cli_json_shape_is_stable(tmp_path: Path) -> None:
    path = write(tmp_path, tables(1), set_teacher("t2", evaluator="t1"))
    code, out, _ = run("explain", path, "--json", "--time-limit", "20")
    assert code == 3
    document = json.loads(out)
    assert set(document) == {
        "roster",
        "status",
        "feasible",
        "prechecks",
        "warnings",
        "conflicts",
        "relaxations",
        "solvable_after",
    }
    assert document["status"] == "infeasible" and document["feasible"] is False
    assert {tuple(sorted(f)) for f in document["prechecks"]} == {("check", "message", "severity")}
    conflict = document["conflicts"][0]
    assert set(conflict) == {"conflict", "minimal", "rules", "facts"}
    assert set(conflict["rules"][0]) == {"rule", "kind", "path", "message"}
    assert set(document["relaxations"][0]) == {
        "conflict",
        "rule",
        "action",
        "path",
        "from",
        "to",
        "checked",
        "resolves_conflict",
        "solves_roster",
        "applied",
    }
    assert document["solvable_after"] is True
    # the same roster explains to the same document, byte for byte
    assert run("explain", path, "--json", "--time-limit", "20")[1] == out


def test_solve_on_an_infeasible_roster_explains_and_writes_nothing(tmp_path: Path) -> None:
    output = tmp_path / "plan.json"
    output.write_text("old plan\n")
    path = write(tmp_path, set_teacher("t2", evaluator="t1"))
    code, out, err = run("solve", path, "-o", str(output), "--quiet", "--workers", "1")
    words = " ".join((out + err).split())  # the summary console may wrap long lines
    assert code == 3
    assert "t1 (Ana Ruiz) evaluates t2 (Ben Okafor)" in words
    assert "drop the lock t1–t2 — checked: the roster then has a plan" in words
    assert output.read_text() == "old plan\n"


def test_cli_bad_roster_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"format": "pairwise/roster@1"')
    code, out, err = run("explain", str(path))
    assert code == 2 and "not valid JSON" in err and "Traceback" not in out + err


# --- properties ---------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rosters(max_teachers=6, max_cycles=2, max_weeks=1, max_periods=4, max_teams=3))
def test_witness_passes_the_checker_and_prechecks_agree(roster: Roster) -> None:
    """When the model finds a plan, the independent checker accepts it; a pre-check conflict
    always means the model finds none; an explanation's first conflict is minimal."""
    plan = feasible_plan(roster)
    conflicts = [f for f in precheck(roster) if f.severity == "conflict"]
    if plan is not None:
        assert_plan_valid(roster, plan)
        assert not conflicts, conflicts
        return
    explanation = explain(roster, time_limit=20)
    assert explanation.status == "infeasible"
    assert_minimal(roster, keys(explanation))


@st.composite
def locked_rosters(draw: Any) -> Roster:
    """Tiny rosters with up to three locks or avoids among their teachers (locks decide feasibility)."""
    document = draw(
        roster_data(max_teachers=5, max_periods=3, max_cycles=2, max_weeks=1, max_meetings=1)
    )
    ids = [t["id"] for t in document["teachers"]]
    relations = document.setdefault("relations", [])
    for _ in range(draw(st.integers(0, 3))):
        a, b = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))
        relations.append({"a": a, "b": b, "kind": draw(st.sampled_from(["lock", "lock", "avoid"]))})
    return roster_from_data(document)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(locked_rosters())
def test_feasibility_agrees_with_the_brute_force(roster: Roster) -> None:
    """The exhaustive reference finds a plan exactly when the feasibility model does."""
    assert is_feasible(roster) is (bruteforce.solve(roster) is not None)


def test_under_rotation_cycle_one_cycle_is_enough_for_a_lock() -> None:
    fall = ["2026-10-05/mon-1", "2026-10-06/tue-1"]
    roster = roster_of(
        set_policy(rotation="cycle", allow_triads=False), set_teacher("t2", unavailable=fall)
    )
    plan = feasible_plan(roster)
    assert plan is not None
    assert_plan_valid(roster, plan)
    assert [(p.members, p.cycles) for p in plan.partnerships] == [(["t1", "t2"], ["spring"])]
    # blocked in both cycles, the lock cannot hold in either
    both = [*fall, "2027-03-01/mon-1", "2027-03-02/tue-1"]
    blocked = roster_of(
        set_policy(rotation="cycle", allow_triads=False), set_teacher("t2", unavailable=both)
    )
    explanation = explain(blocked, time_limit=20)
    assert keys(explanation) == {
        "lock:t1/t2",
        "allow_triads",
        "reciprocal",
        "unavailable:t2/fall",
        "unavailable:t2/spring",
    }
    assert any("in at least one cycle" in rule.message for rule in explanation.conflicts[0].rules)


def test_a_lock_placeable_in_one_cycle_only() -> None:
    """Under rotation 'cycle', t01 and t03 can make both visits only in cycle c1 (two weeks: in c2
    their one common period is a single slot); found by fuzzing against the engine."""
    roster = load_roster(fixture_path("explain_lock_one_cycle"))
    plan = feasible_plan(roster)
    assert plan is not None
    assert_plan_valid(roster, plan)
    assert [(p.members, p.cycles) for p in plan.partnerships] == [(["t01", "t03"], ["c1"])]


def test_the_engine_agrees_on_a_lock_placeable_in_one_cycle_only() -> None:
    roster = load_roster(fixture_path("explain_lock_one_cycle"))
    assert solve(roster, time_limit=10, workers=1).status == "optimal"


@pytest.mark.parametrize(
    "name", ["explain_reciprocal_one_slot_year", "explain_reciprocal_one_slot_cycle"]
)
def test_a_locked_pair_whose_two_visits_share_their_only_slot(name: str) -> None:
    """Found by fuzzing against the engine: explained as a conflict of the lock and reciprocity."""
    roster = load_roster(fixture_path(name))
    explanation = explain(roster, time_limit=20)
    assert explanation.status == "infeasible"
    assert {r.kind for r in explanation.conflicts[0].rules} >= {"lock", "reciprocal"}
    assert_minimal(roster, keys(explanation))
    assert explanation.solvable_after is True


@pytest.mark.parametrize(
    "name", ["explain_reciprocal_one_slot_year", "explain_reciprocal_one_slot_cycle"]
)
def test_the_engine_proves_them_infeasible(name: str) -> None:
    roster = load_roster(fixture_path(name))
    assert solve(roster, time_limit=10, workers=1).status == "infeasible"

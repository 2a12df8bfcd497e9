"""The independent checker: each hard rule broken alone is named alone; the objective is hand-derived.

Fixtures (tests/fixtures/check_*.json):
- check_small: one school, 4 participating teachers (a, b, c, d) and a non-participating coach e,
  two cycles of one week, two teams, history with trust, a request, covers; its plan is valid.
- check_triad: 6 teachers, one cycle: a triad in a ring, a pair, one teacher unpaired.
- check_district: schools north (2 teams), south (3 teams: a table of three) and west (1 team,
  no table), covers counted per school.
Each test edits one thing in a valid roster or plan, so exactly one rule breaks.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairwise.checker.entry import check
from pairwise.checker.report import Violation
from pairwise.roster.load import roster_from_data
from pairwise.roster.models import Plan, Roster
from pairwise.roster.objective import Scoring
from tests.helpers import assert_breaks_only, assert_plan_valid, fixture_path
from tests.strategies import plans_for, rosters

Data = dict[str, Any]


def data(name: str) -> Data:
    """A fixture's JSON, to edit."""
    result: Data = json.loads(fixture_path(name).read_text())
    return result


def roster(name: str, edit: Callable[[Data], object] | None = None) -> Roster:
    document = data(name)
    if edit is not None:
        edit(document)
    return roster_from_data(document)


def plan(name: str, edit: Callable[[Data], object] | None = None) -> Plan:
    document = data(f"{name}_plan")
    if edit is not None:
        edit(document)
    return Plan.model_validate(document)


def teacher(document: Data, teacher_id: str) -> Data:
    found: Data = next(t for t in document["teachers"] if t["id"] == teacher_id)
    return found


def visit(document: Data, cycle: str, visitor: str) -> Data:
    found: Data = next(
        v for v in document["visits"] if v["cycle"] == cycle and v["visitor"] == visitor
    )
    return found


def restate(document: Data, **terms: int) -> None:
    """Set stated terms by hand and the objective to their sum."""
    document["terms"].update(terms)
    document["objective"] = sum(document["terms"].values())


def messages(report_violations: list[Violation]) -> str:
    return "\n".join(str(violation) for violation in report_violations)


# --- valid plans and the objective -----------------------------------------------------------


@pytest.mark.parametrize("name", ["check_small", "check_triad", "check_district"])
def test_hand_made_plans_are_valid(name: str) -> None:
    assert_plan_valid(roster(name), plan(name))


def test_objective_recomputed_term_by_term() -> None:
    report = check(roster("check_small"), plan("check_small"))
    # P1 = {a, b}: a's priority literacy is b's strength and b's numeracy is a's: complement
    #   2 * 10; latest history year 2025, first listed rating 0.25: trust round(6 * 0.25) =
    #   round(1.5) = 2 (half to even); repeat -20 * (3 + 1 - (2026 - 2025)) = -60; a has 1 year
    #   (< 3) and b 10 (>= 6): mentoring 8; request 15; same team g1, different priorities.
    #   Score 20 + 2 - 60 + 8 + 15 = -15.
    # P2 = {c, d}: both numeracy: shared_priority 3; c's numeracy is d's strength: complement 10;
    #   latest year 2024 (the 2022 rating is older): trust round(6 * 0.75) = round(4.5) = 4;
    #   repeat -20 * (3 + 1 - 2) = -40; teams g2 and g1: cross_team 2; 5 and 5 years: no mentoring.
    #   Score 3 + 10 + 4 - 40 + 2 = -21.
    # Under rotation 'year' each partnership counts once.
    # One covered visit (b visits a in mon-1, where b teaches): cover -1.
    # One sabbatical visit: +12.
    # Tables g1+g2 at both meetings: g2's priority numeracy is a strength of g1's member a, g1's
    #   literacy is no strength of g2's only member c: team_complement 5 per meeting = 10;
    #   team_history 2023: -10 * (3 + 1 - 3) = -10 per meeting, and at spring-pd also
    #   -10 * (3 + 1) for the earlier fall-pd meeting: team_repeat -10 - 10 - 40 = -60.
    expected = {
        "complement": 30,
        "shared_priority": 3,
        "trust": 6,
        "repeat": -100,
        "cross_team": 2,
        "mentoring": 8,
        "request": 15,
        "cover": -1,
        "team_complement": 10,
        "team_repeat": -60,
        "sabbatical": 12,
        "unpaired": 0,
    }
    assert report.terms == expected
    assert report.objective == -75 == sum(expected.values())
    assert report.ok


def test_objective_under_cycle_rotation_counts_each_cycle() -> None:
    # The same pairs, one partnership per cycle: pair terms count once per cycle (twice), the
    # rest stays: 2 * (-15 - 21) - 1 + 12 + 10 - 60 = -111. Repeating pairs breaks rule 3.
    def split(document: Data) -> None:
        document["partnerships"] = [
            {"id": "P1", "members": ["a", "b"], "cycles": ["fall"], "score": -15},
            {"id": "P2", "members": ["c", "d"], "cycles": ["fall"], "score": -21},
            {"id": "P3", "members": ["a", "b"], "cycles": ["spring"], "score": -15},
            {"id": "P4", "members": ["c", "d"], "cycles": ["spring"], "score": -21},
        ]
        for item in document["visits"]:
            if item["cycle"] == "spring":
                item["partnership"] = {"P1": "P3", "P2": "P4"}[item["partnership"]]
        restate(
            document,
            complement=60,
            shared_priority=6,
            trust=12,
            repeat=-200,
            cross_team=4,
            mentoring=16,
            request=30,
        )

    cycle_roster = roster("check_small", lambda d: d["policy"].update(rotation="cycle"))
    split_plan = plan("check_small", split)
    report = assert_breaks_only(cycle_roster, split_plan, 3)
    assert report.objective == -111
    text = messages(report.violations)
    assert "a and b are partners in 2 cycles (fall and spring)" in text
    assert "c and d are partners in 2 cycles" in text


def test_unpaired_costs_its_weight_per_rotation_period() -> None:
    # t6 is unpaired for the year: -1000; nothing else scores (no priorities, teams or history).
    report = check(roster("check_triad"), plan("check_triad"))
    assert report.terms["unpaired"] == -1000
    assert report.objective == -1000


def test_scores_agree_with_the_objective_module() -> None:
    """Two independent codings of the objective's pair terms agree on partnerships of generated rosters."""

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def agree(draw_data: st.DataObject) -> None:
        generated = draw_data.draw(rosters(min_teachers=3, max_teachers=8))
        ids = [t.id for t in generated.teachers]
        groups = draw_data.draw(
            st.lists(
                st.lists(st.sampled_from(ids), min_size=2, max_size=3, unique=True), max_size=4
            )
        )
        scoring = Scoring(generated)
        cycles = [c.id for c in generated.cycles]
        partnerships = [
            {
                "id": f"P{i}",
                "members": members,
                "cycles": cycles if generated.policy.rotation == "year" else cycles[:1],
                "score": sum(scoring.group_terms(members).values()),
            }
            for i, members in enumerate(groups)
        ]
        stated = Plan.model_validate(
            {
                "roster": generated.name,
                "status": "feasible",
                "objective": 0,
                "bound": 0,
                "partnerships": partnerships,
            }
        )
        report = check(generated, stated)
        assert not [v for v in report.violations if "score is stated" in v.message]
        expected: dict[str, int] = {}
        for members in groups:
            for name, value in scoring.group_terms(members).items():
                expected[name] = expected.get(name, 0) + value
        for name, value in expected.items():
            assert report.terms[name] == value, name

    agree()


# --- rule 1 ----------------------------------------------------------------------------------


def test_rule_1_partnered_and_unpaired() -> None:
    def edit(document: Data) -> None:
        document["unpaired"] = [{"teacher": "a", "cycles": ["fall", "spring"]}]
        restate(document, unpaired=-1000)

    report = assert_breaks_only(roster("check_small"), plan("check_small", edit), 1)
    assert "a is in partnership P1 and also listed unpaired in the year" in messages(
        report.violations
    )


def test_rule_1_neither_partnered_nor_unpaired() -> None:
    def edit(document: Data) -> None:
        document["unpaired"] = []
        restate(document, unpaired=0)

    report = assert_breaks_only(roster("check_triad"), plan("check_triad", edit), 1)
    assert "t6 is neither in a partnership nor unpaired in the year" in messages(report.violations)


def test_rule_1_non_participant_in_a_partnership() -> None:
    non_participant = roster("check_small", lambda d: teacher(d, "d").update(participates=False))
    report = assert_breaks_only(non_participant, plan("check_small"), 1)
    assert "d does not participate but is in partnership P2" in messages(report.violations)


def test_rule_1_triad_needs_allow_triads() -> None:
    no_triads = roster("check_triad", lambda d: d.update(policy={"allow_triads": False}))
    report = assert_breaks_only(no_triads, plan("check_triad"), 1)
    assert "P1 is a triad in the year but the policy does not allow triads" in messages(
        report.violations
    )


def test_rule_1_at_most_one_triad_and_only_for_an_odd_count() -> None:
    # t4, t5, t6 in a second ring: 6 teachers partnered (even) in two triads.
    def edit(document: Data) -> None:
        document["partnerships"][1]["members"] = ["t4", "t5", "t6"]
        document["unpaired"] = []
        document["visits"][4] = {
            "partnership": "P2",
            "cycle": "fall",
            "visitor": "t5",
            "host": "t6",
            "slot": "2026-10-05/mon-3",
            "start": "2026-10-05T10:00:00+00:00",
            "end": "2026-10-05T11:00:00+00:00",
        }
        document["visits"].append(
            {
                "partnership": "P2",
                "cycle": "fall",
                "visitor": "t6",
                "host": "t4",
                "slot": "2026-10-05/mon-2",
                "start": "2026-10-05T09:00:00+00:00",
                "end": "2026-10-05T10:00:00+00:00",
            }
        )
        restate(document, unpaired=0)

    report = assert_breaks_only(roster("check_triad"), plan("check_triad", edit), 1)
    text = messages(report.violations)
    assert "the school has 2 triads in the year (P1 and P2); at most one is allowed" in text
    assert "partners an even number of teachers (6)" in text


def test_rule_1_cross_school_triad_belongs_to_its_first_member() -> None:
    # t3 and t6 are in school 'east', the rest in 'west'. Cross-school pairs are allowed.
    def schools(document: Data) -> None:
        for item in document["teachers"]:
            item["school"] = "east" if item["id"] in ("t3", "t6") else "west"
        document["policy"] = {"cross_school_pairs": True}

    district = roster("check_triad", schools)
    # Listed t3 first, the triad is east's: east partners only t3 (odd), west t1, t2, t4, t5.
    assert_plan_valid(
        district,
        plan("check_triad", lambda d: d["partnerships"][0].update(members=["t3", "t1", "t2"])),
    )
    # Listed t1 first, it is west's: west partners 4 teachers (even), so no triad there.
    report = assert_breaks_only(district, plan("check_triad"), 1)
    assert "school 'west' partners an even number of teachers (4)" in messages(report.violations)


# --- rule 2 ----------------------------------------------------------------------------------


def test_rule_2_avoid() -> None:
    avoid = roster(
        "check_small", lambda d: d["relations"].append({"a": "b", "b": "a", "kind": "avoid"})
    )
    report = assert_breaks_only(avoid, plan("check_small"), 2)
    assert "a and b are partners (P1) but are an avoid relation" in messages(report.violations)


def test_rule_2_evaluator() -> None:
    evaluated = roster("check_small", lambda d: teacher(d, "b").update(evaluator="a"))
    report = assert_breaks_only(evaluated, plan("check_small"), 2)
    assert "a and b are partners (P1) but a evaluates b" in messages(report.violations)


def test_rule_2_lock() -> None:
    locked = roster(
        "check_small", lambda d: d["relations"].append({"a": "a", "b": "c", "kind": "lock"})
    )
    report = assert_breaks_only(locked, plan("check_small"), 2)
    assert "a and c are locked together but are not partners" in messages(report.violations)


def test_a_lock_binds_only_the_rosters_own_year() -> None:
    # "must be partners this year": a later year's plan of a multi-year rotation is not bound,
    # while a plan stating the roster's own year is.
    locked = roster(
        "check_small", lambda d: d["relations"].append({"a": "a", "b": "c", "kind": "lock"})
    )
    this_year = plan("check_small").model_copy(update={"year": locked.year})
    assert_breaks_only(locked, this_year, 2)
    next_year = plan("check_small").model_copy(update={"year": locked.year + 1})
    assert not [v for v in check(locked, next_year).violations if "locked" in v.message]


def test_rule_2_schools_unless_cross_school_pairs() -> None:
    # c leaves team g2 (which keeps no members, so g2's school stays the unnamed one) for 'south';
    # c still differs in team from d, so no term changes.
    def move(document: Data) -> None:
        teacher(document, "c").update(school="south", team=None)

    report = assert_breaks_only(roster("check_small", move), plan("check_small"), 2)
    assert "c and d are partners (P2) across schools ('south' and '')" in messages(
        report.violations
    )

    def move_allowed(document: Data) -> None:
        move(document)
        document["policy"]["cross_school_pairs"] = True

    assert_plan_valid(roster("check_small", move_allowed), plan("check_small"))


# --- rule 3 is tested with the objective under cycle rotation above ---------------------------


def test_rule_3_only_under_cycle_rotation() -> None:
    # the same pair for the whole year is the point of rotation 'year'
    report = check(roster("check_small"), plan("check_small"))
    assert 3 not in report.broken_rules


# --- rule 4 ----------------------------------------------------------------------------------


def test_rule_4_missing_visit() -> None:
    def drop(document: Data) -> None:
        document["visits"].remove(visit(document, "spring", "a"))

    report = assert_breaks_only(roster("check_small"), plan("check_small", drop), 4)
    assert (
        "P1 (a and b) in cycle spring makes 1 visit; reciprocal visits are a visiting b once "
        "and b visiting a once" in messages(report.violations)
    )


def test_rule_4_one_visit_when_not_reciprocal() -> None:
    one_way = roster("check_small", lambda d: d["policy"].update(reciprocal=False))
    report = assert_breaks_only(one_way, plan("check_small"), 4)
    assert len(report.violations) == 4  # two partnerships in two cycles, each with two visits
    assert "P2 (c and d) in cycle fall makes 2 visits, not one" in messages(report.violations)


def test_rule_4_triad_ring() -> None:
    report = assert_breaks_only(
        roster("check_triad"), plan("check_triad", lambda d: d["visits"].pop(2)), 4
    )
    assert "P1 (t1, t2 and t3) in cycle fall makes 2 visits, not three in a ring" in messages(
        report.violations
    )


def test_rule_4_visit_by_someone_outside_the_partnership() -> None:
    # d's spring visit to c is filed under P1 (a and b): P1 gets a stranger, P2 misses a visit.
    report = assert_breaks_only(
        roster("check_small"),
        plan("check_small", lambda d: visit(d, "spring", "d").update(partnership="P1")),
        4,
    )
    assert "c and d is not a member of P1" in messages(report.violations)


# --- rule 5 ----------------------------------------------------------------------------------


def test_rule_5_host_teaches() -> None:
    # c visits d on wednesday, when d has no class (nor c: no cover, no term changes)
    def move(document: Data) -> None:
        visit(document, "spring", "c").update(
            slot="2027-03-03/wed-1",
            start="2027-03-03T08:30:00-05:00",
            end="2027-03-03T09:20:00-05:00",
        )

    report = assert_breaks_only(roster("check_small"), plan("check_small", move), 5)
    assert "the host d does not teach in wed-1" in messages(report.violations)


@pytest.mark.parametrize("entry", ["2027-03-02/tue-1", "tue-1"])
def test_rule_5_unavailable(entry: str) -> None:
    busy = roster("check_small", lambda d: teacher(d, "a").update(unavailable=[entry]))
    report = assert_breaks_only(busy, plan("check_small"), 5)
    assert "the host a is unavailable in 2027-03-02/tue-1" in messages(report.violations)


def test_rule_5_covered_flag() -> None:
    report = assert_breaks_only(
        roster("check_small"),
        plan("check_small", lambda d: visit(d, "spring", "a").update(covered=True)),
        5,
    )
    assert "covered is true but the visitor a does not teach in mon-2" in messages(
        report.violations
    )


def test_rule_5_slot_in_the_cycle() -> None:
    def move(document: Data) -> None:
        visit(document, "spring", "a").update(
            slot="2026-10-12/mon-2",
            start="2026-10-12T09:30:00-04:00",
            end="2026-10-12T10:20:00-04:00",
        )

    report = assert_breaks_only(roster("check_small"), plan("check_small", move), 5)
    assert "slot 2026-10-12/mon-2 does not lie in cycle spring's weeks" in messages(
        report.violations
    )


# --- rule 6 ----------------------------------------------------------------------------------


def test_rule_6_one_visit_per_slot() -> None:
    # the sabbatical visit to c moves to mon-1, where c hosts d (c teaches then; e does not)
    def move(document: Data) -> None:
        document["sabbatical_visits"][0].update(
            slot="2026-10-05/mon-1",
            start="2026-10-05T08:30:00-04:00",
            end="2026-10-05T09:20:00-04:00",
        )

    report = assert_breaks_only(roster("check_small"), plan("check_small", move), 6)
    assert (
        "c is in 2 visits in slot 2026-10-05/mon-1: P2's visit of d to c and the sabbatical "
        "visit of e to c" in messages(report.violations)
    )


# --- rule 7 ----------------------------------------------------------------------------------


def test_rule_7_cover_per_slot() -> None:
    no_cover = roster(
        "check_small",
        lambda d: d["policy"].update(cover_overrides=[{"slot": "2026-10-05/mon-1", "cover": 0}]),
    )
    report = assert_breaks_only(no_cover, plan("check_small"), 7)
    assert "slot 2026-10-05/mon-1: the school needs 1 cover but has 0" in messages(
        report.violations
    )


def test_rule_7_max_release() -> None:
    no_release = roster("check_small", lambda d: teacher(d, "b").update(max_release=0))
    report = assert_breaks_only(no_release, plan("check_small"), 7)
    assert "b makes 1 covered visit but max_release is 0" in messages(report.violations)


def test_rule_7_release_budget() -> None:
    no_budget = roster("check_small", lambda d: d["policy"].update(release_budget=0))
    report = assert_breaks_only(no_budget, plan("check_small"), 7)
    assert "the school uses 1 covered peer visit but release_budget is 0" in messages(
        report.violations
    )


def test_rule_7_covers_count_per_school() -> None:
    # Both schools cover a visit in 2026-10-05/mon-1 with cover_per_period 1 and release_budget 1:
    # valid, since each school has its own covers and budget (the plan passes).
    report = assert_plan_valid(roster("check_district"), plan("check_district"))
    assert report.terms["cover"] == -2

    # The same two covered visits in one school break the slot's cover and the budget. South's
    # teachers move to north without a team (so the tables stay as they are); sa and sb then
    # share team None: P2 loses its cross_team 2.
    def move(document: Data) -> None:
        for item in document["teams"]:
            item.setdefault("school", "south")
        for item in document["teachers"][2:4]:
            item.update(school="north", team=None)

    def restated(document: Data) -> None:
        document["partnerships"][1]["score"] = 0
        restate(document, cross_team=2)

    report = assert_breaks_only(roster("check_district", move), plan("check_district", restated), 7)
    text = messages(report.violations)
    assert "school 'north' needs 2 covers but has 1" in text
    assert "school 'north' uses 2 covered peer visits but release_budget is 1" in text


def test_rule_7_sabbatical_cover_counts_against_the_slot_only() -> None:
    # e teaches mon-2 and visits c then: a covered sabbatical visit (cover -1 more). The slot has
    # one cover and b's visit in the same slot... is in mon-1, so the slot holds; max_release and
    # release_budget ignore it.
    def teach(document: Data) -> None:
        teacher(document, "e")["teaches"].append("mon-2")
        document["policy"]["release_budget"] = 1

    def covered(document: Data) -> None:
        document["sabbatical_visits"][0]["covered"] = True
        restate(document, cover=-2)

    assert_plan_valid(roster("check_small", teach), plan("check_small", covered))

    def no_cover(document: Data) -> None:
        teach(document)
        document["policy"]["cover_overrides"] = [{"slot": "2026-10-05/mon-2", "cover": 0}]

    report = assert_breaks_only(roster("check_small", no_cover), plan("check_small", covered), 7)
    assert "slot 2026-10-05/mon-2: the school needs 1 cover but has 0" in messages(
        report.violations
    )


# --- rule 8 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda d: teacher(d, "e")["sabbatical"].update(budget=0), "budget of 0"),
        (
            lambda d: teacher(d, "e")["sabbatical"].update(topics=["literacy"]),
            "c's priority 'numeracy' is not one of e's topics",
        ),
        (lambda d: teacher(d, "e").pop("sabbatical"), "e is not a sabbatical coach"),
        (
            lambda d: d["policy"].update(sabbatical_visits_per_coachee=0),
            "c receives 1 sabbatical visit; at most 0 per coachee",
        ),
        (
            lambda d: d["relations"].append({"a": "c", "b": "e", "kind": "avoid"}),
            "e and c are an avoid relation",
        ),
        (lambda d: teacher(d, "c").update(evaluator="e"), "e evaluates c"),
        (lambda d: teacher(d, "c").update(unavailable=["mon-2"]), "coachee c is unavailable"),
        (
            lambda d: teacher(d, "e").update(unavailable=["2026-10-05/mon-2"]),
            "coach e is unavailable",
        ),
    ],
)
def test_rule_8_sabbatical_roster_rules(edit: Callable[[Data], object], words: str) -> None:
    report = assert_breaks_only(roster("check_small", edit), plan("check_small"), 8)
    assert words in messages(report.violations)


def test_rule_8_coachee_teaches_and_slot_in_cycle() -> None:
    def wednesday(document: Data) -> None:
        document["sabbatical_visits"][0].update(
            slot="2026-10-07/wed-1",
            start="2026-10-07T08:30:00-04:00",
            end="2026-10-07T09:20:00-04:00",
        )

    report = assert_breaks_only(roster("check_small"), plan("check_small", wednesday), 8)
    assert "the coachee c does not teach in wed-1" in messages(report.violations)

    def spring(document: Data) -> None:
        document["sabbatical_visits"][0]["cycle"] = "spring"

    report = assert_breaks_only(roster("check_small"), plan("check_small", spring), 8)
    assert "slot 2026-10-05/mon-2 does not lie in cycle spring's weeks" in messages(
        report.violations
    )


# --- rule 9 ----------------------------------------------------------------------------------


def test_rule_9_table_numbers() -> None:
    report = assert_breaks_only(
        roster("check_small"), plan("check_small", lambda d: d["tables"][0].update(table=3)), 9
    )
    assert "table 3 at meeting fall-pd (fall): table number 3 is not in 1..2" in messages(
        report.violations
    )


def test_rule_9_every_team_sits() -> None:
    # without the spring table: team_complement 5 (fall only), team_repeat -10 (history only)
    def drop(document: Data) -> None:
        document["tables"].pop()
        restate(document, team_complement=5, team_repeat=-10)

    report = assert_breaks_only(roster("check_small"), plan("check_small", drop), 9)
    text = messages(report.violations)
    assert "meeting spring-pd (spring): team g1 sits at no table" in text
    assert "meeting spring-pd (spring): team g2 sits at no table" in text


def test_rule_9_school_with_one_team_sits_at_no_table() -> None:
    seated = plan(
        "check_district",
        lambda d: d["tables"].append(
            {"cycle": "fall", "meeting": "pd", "table": 1, "teams": ["w1"]}
        ),
    )
    report = assert_breaks_only(roster("check_district"), seated, 9)
    assert "school 'west' has fewer than two teams and sits at no table" in messages(
        report.violations
    )


def test_rule_9_matchups_never_cross_schools() -> None:
    def mix(document: Data) -> None:
        document["tables"] = [
            {"cycle": "fall", "meeting": "pd", "table": 1, "teams": ["n1", "s3"]},
            {"cycle": "fall", "meeting": "pd", "table": 1, "teams": ["s1", "s2"]},
        ]

    report = assert_breaks_only(roster("check_district"), plan("check_district", mix), 9)
    text = messages(report.violations)
    assert "seats teams of different schools (n1 and s3)" in text
    assert "team n2 sits at no table" in text


def test_rule_9_table_of_three_only_for_an_odd_count() -> None:
    def split(document: Data) -> None:
        document["tables"][1]["teams"] = ["s1", "s2"]
        document["tables"].append({"cycle": "fall", "meeting": "pd", "table": 2, "teams": ["s3"]})

    report = assert_breaks_only(roster("check_district"), plan("check_district", split), 9)
    assert "seats 1 team (s3); a table seats 2, or 3" in messages(report.violations)

    def four_north(document: Data) -> None:
        document["teams"] += [{"id": "n3", "school": "north"}, {"id": "n4", "school": "north"}]
        document["cycles"][0]["meetings"][0]["tables"] = None

    def three_and_one(document: Data) -> None:
        document["tables"][0]["teams"] = ["n1", "n2", "n3"]
        document["tables"].append({"cycle": "fall", "meeting": "pd", "table": 2, "teams": ["n4"]})

    report = assert_breaks_only(
        roster("check_district", four_north), plan("check_district", three_and_one), 9
    )
    assert "school 'north' has an even number of teams but seats a table of three" in messages(
        report.violations
    )


def test_rule_9_no_table_number_reused_in_a_school() -> None:
    def four_north(document: Data) -> None:
        document["teams"] += [{"id": "n3", "school": "north"}, {"id": "n4", "school": "north"}]
        document["cycles"][0]["meetings"][0].pop("tables")  # no limit

    def second_table(number: int) -> Callable[[Data], None]:
        def edit(document: Data) -> None:
            document["tables"].append(
                {"cycle": "fall", "meeting": "pd", "table": number, "teams": ["n3", "n4"]}
            )

        return edit

    north = roster("check_district", four_north)
    # south's table 1 and north's table 1 coexist: numbers count per school
    assert_plan_valid(north, plan("check_district", second_table(2)))
    report = assert_breaks_only(north, plan("check_district", second_table(1)), 9)
    assert "school 'north' uses table 1 2 times" in messages(report.violations)


# --- inconsistencies (rule 0) and misstated values ---------------------------------------------


def test_wrong_start_time_is_inconsistent() -> None:
    report = assert_breaks_only(
        roster("check_small"),
        plan("check_small", lambda d: visit(d, "fall", "a").update(start="2026-10-05T09:30:00Z")),
        0,
    )
    assert "start/end are '2026-10-05T09:30:00Z'/'2026-10-05T10:20:00-04:00'" in messages(
        report.violations
    )


def test_misstated_score_is_inconsistent() -> None:
    report = assert_breaks_only(
        roster("check_small"),
        plan("check_small", lambda d: d["partnerships"][0].update(score=15)),
        0,
    )
    assert "partnership P1: score is stated as 15 but its pair terms add up to -15" in messages(
        report.violations
    )


def test_unknown_ids_are_inconsistent() -> None:
    def unknown(document: Data) -> None:
        document["partnerships"][0]["members"] = ["a", "zz"]
        visit(document, "fall", "c")["partnership"] = "P9"
        document["tables"][0]["teams"] = ["g1", "g9"]

    report = check(roster("check_small"), plan("check_small", unknown))
    text = messages(report.violations)
    assert "inconsistent: partnership P1: unknown teacher zz" in text
    assert "unknown partnership P9" in text
    assert "unknown team g9" in text
    assert 0 in report.broken_rules


def test_misstated_terms_are_mismatches() -> None:
    def misstate(document: Data) -> None:
        document["terms"]["cover"] = 0
        del document["terms"]["trust"]
        document["terms"]["covers"] = 0

    report = check(roster("check_small"), plan("check_small", misstate))
    assert report.violations == []
    # a term left out is computed, not a mismatch (a plan from another system may state none)
    assert report.terms["trust"] == 6
    assert report.mismatches == [
        "terms: 'cover' is stated as 0 but recomputes to -1",
        "terms: unknown term 'covers'; did you mean 'cover'?",
    ]
    assert not report.ok
    report = check(roster("check_small"), plan("check_small", lambda d: d.update(objective=0)))
    assert report.mismatches == ["objective is stated as 0 but recomputes to -75"]


def test_report_as_dict() -> None:
    report = check(roster("check_small"), plan("check_small", lambda d: d.update(objective=0)))
    document = report.as_dict()
    assert document["ok"] is False
    assert document["objective"] == -75
    assert json.loads(json.dumps(document)) == document


# --- the checker never fails on arbitrary plans -------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_check_reports_rather_than_raises(draw_data: st.DataObject) -> None:
    generated = draw_data.draw(rosters())
    arbitrary = draw_data.draw(plans_for(generated))
    report = check(generated, arbitrary)
    assert report.objective == sum(report.terms.values())
    assert set(report.terms) == set(data("check_small_plan")["terms"])
    assert all(0 <= violation.rule <= 9 for violation in report.violations)


def test_check_does_not_change_its_inputs() -> None:
    small, small_plan = roster("check_small"), plan("check_small")
    before = (copy.deepcopy(small.model_dump()), copy.deepcopy(small_plan.model_dump()))
    check(small, small_plan)
    assert (small.model_dump(), small_plan.model_dump()) == before


SOLVER_FIELDS = ("status", "objective", "bound", "gap", "seconds", "seed", "terms", "metrics")


def _sessions_only(document: Data) -> None:
    for name in SOLVER_FIELDS:
        document.pop(name, None)
    for partnership in document["partnerships"]:
        partnership.pop("score", None)
        partnership.pop("reasons", None)
    for visit in document["visits"] + document.get("sabbatical_visits", []):
        visit.pop("start", None)
        visit.pop("end", None)


@pytest.mark.parametrize("name", ["check_small", "check_triad", "check_district"])
def test_a_plan_stating_only_its_sessions_is_checked_and_its_value_computed(name: str) -> None:
    full = check(roster(name), plan(name))
    bare = check(roster(name), plan(name, _sessions_only))
    assert full.ok and bare.ok, messages(bare.violations)
    assert (bare.objective, bare.terms) == (full.objective, full.terms)


def test_what_a_sessions_only_plan_states_must_still_agree() -> None:
    def misstated(document: Data) -> None:
        _sessions_only(document)
        document["visits"][0]["start"] = "2026-10-05T07:00:00-04:00"
        document["partnerships"][0]["score"] = 999
        document["terms"] = {"cover": 5}
        document["objective"] = 1

    report = check(roster("check_small"), plan("check_small", misstated))
    text = messages(report.violations)
    assert "start is '2026-10-05T07:00:00-04:00' but slot" in text
    assert "score is stated as 999" in text
    assert "terms: 'cover' is stated as 5 but recomputes to -1" in report.mismatches
    assert "objective is stated as 1 but recomputes to -75" in report.mismatches

"""Districts: split per school, cross-school sabbatical visits placed on what is left, one valid plan.

Every merged plan goes through the independent checker. The engine is `pairwise.solve.solve`; the
merge itself is also tested with the reference greedy solver standing in for it (a module-level
function, so the pool's worker processes import it by name).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pytest

from pairwise.checker.entry import check
from pairwise.engine.pipeline import solve
from pairwise.generate.rosters import generate_roster
from pairwise.result import Progress, Result, relative_gap
from pairwise.roster.load import roster_from_data
from pairwise.roster.models import Plan, Roster, SabbaticalVisit, Visit
from pairwise.roster.objective import empty_terms
from pairwise.runs.district import solve as district_solve
from pairwise.runs.district.cross_visits import place_cross_visits
from pairwise.runs.district.solve import solve_district, task_time_limits
from pairwise.runs.district.split import (
    STAND_IN_MARK,
    CrossCoachees,
    split_district,
    split_hint,
    teacher_schools,
)
from solvers.bruteforce import solve as brute_force
from tests.builders import greedy_engine
from tests.helpers import assert_plan_valid


def infeasible_for_sunset(roster: Roster, **options: Any) -> Result:
    """Stand-in engine that finds one school infeasible and solves the others greedily."""
    if "sunset-es" in roster.name:
        return Result("infeasible", None, None, None, 0.0, {"why": "stand-in says no"})
    return greedy_engine(roster, **options)


def proven_when_hinted(roster: Roster, **options: Any) -> Result:
    """Stand-in engine that proves its greedy plan only when warm-started from it."""
    result = greedy_engine(roster, **options)
    assert result.objective is not None
    if options.get("hint") is None:
        return Result("feasible", result.objective, result.objective + 100, result.plan, 0.1)
    return Result("optimal", result.objective, result.objective, result.plan, 0.1)


@pytest.fixture(scope="module")
def four_schools() -> Roster:
    return generate_roster(100, schools=4, kind="mixed", seed=3)


def two_school_roster(
    *, budget: int = 3, cover: int = 0, cap: int = 2, coach_teaches: tuple[str, ...] = ("mon-1",)
) -> Roster:
    """Coach c1 (school a, topic numeracy) and school b's b1 (hosts mon-1, mon-2) and b2 (mon-2,
    mon-3) with numeracy as their priority; b3 works on literacy. No one partners (participates
    false), so only sabbatical rules apply."""
    periods = [
        {"id": f"mon-{number}", "day": "mon", "start": f"{7 + number:02d}:00", "end": f"{7 + number:02d}:50"}
        for number in (1, 2, 3)
    ]  # fmt: skip

    def teacher(identifier: str, school: str, priority: str, teaches: list[str]) -> dict[str, Any]:
        return {
            "id": identifier,
            "name": identifier.upper(),
            "school": school,
            "priority": priority,
            "teaches": teaches,
            "participates": False,
        }

    coach = teacher("c1", "a", "literacy", list(coach_teaches))
    coach["sabbatical"] = {"topics": ["numeracy"], "budget": budget}
    return roster_from_data(
        {
            "format": "pairwise/roster@1",
            "name": "two schools",
            "year": 2026,
            "timezone": "UTC",
            "periods": periods,
            "cycles": [{"id": "fall", "weeks": ["2026-10-05"]}],
            "teachers": [
                coach,
                teacher("a2", "a", "numeracy", ["mon-1", "mon-2", "mon-3"]),
                teacher("b1", "b", "numeracy", ["mon-1", "mon-2"]),
                teacher("b2", "b", "numeracy", ["mon-2", "mon-3"]),
                teacher("b3", "b", "literacy", ["mon-1", "mon-2", "mon-3"]),
            ],
            "policy": {"cover_per_period": cover, "sabbatical_visits_per_coachee": cap},
        }
    )


def sabbatical_plan(roster: Roster, visits: list[SabbaticalVisit]) -> Plan:
    weights = roster.policy.weights
    terms = empty_terms()
    terms["sabbatical"] = weights.sabbatical * len(visits)
    terms["cover"] = -weights.cover * sum(visit.covered for visit in visits)
    objective = sum(terms.values())
    return Plan(
        roster=roster.name,
        status="feasible",
        objective=objective,
        bound=objective,
        terms=terms,
        sabbatical_visits=visits,
    )


# --- placing cross-school visits -----------------------------------------------------------


def test_cross_coachees_are_other_schools_teachers_working_on_a_topic() -> None:
    roster = two_school_roster()
    coach = roster.teacher_by_id["c1"]
    coachees_of = CrossCoachees(roster, teacher_schools(roster))
    assert [teacher.id for teacher in coachees_of(coach)] == ["b1", "b2"]


def test_cross_coachees_leave_out_those_kept_apart_from_the_coach() -> None:
    data = two_school_roster().model_dump(mode="json")
    data["relations"] = [{"a": "b1", "b": "c1", "kind": "avoid"}]
    roster = roster_from_data(data)
    coachees_of = CrossCoachees(roster, teacher_schools(roster))
    assert [teacher.id for teacher in coachees_of(roster.teacher_by_id["c1"])] == ["b2"]
    data["relations"] = []
    data["teachers"][3]["evaluator"] = "c1"  # c1 evaluates b2
    roster = roster_from_data(data)
    coachees_of = CrossCoachees(roster, teacher_schools(roster))
    assert [teacher.id for teacher in coachees_of(roster.teacher_by_id["c1"])] == ["b1"]


def test_cross_visits_fill_the_coachs_free_slots() -> None:
    # without cover the coach is free only at mon-2 and mon-3: two visits, though the budget is 3
    roster = two_school_roster(budget=3, cover=0)
    placed = place_cross_visits(roster, [], [])
    assert len(placed) == 2
    assert sorted(visit.slot for visit in placed) == ["2026-10-05/mon-2", "2026-10-05/mon-3"]
    assert not any(visit.covered for visit in placed)
    assert_plan_valid(roster, sabbatical_plan(roster, placed))


def test_cross_visits_go_to_different_coachees_before_repeating_one() -> None:
    # the coach is free all morning: b1 could take both visits (mon-1, mon-2; cap 2), but the
    # second goes to b2 at mon-2, the earliest slot of a coachee not yet visited
    roster = two_school_roster(budget=2, cover=0, coach_teaches=())
    placed = place_cross_visits(roster, [], [])
    assert sorted((visit.coachee, visit.slot) for visit in placed) == [
        ("b1", "2026-10-05/mon-1"),
        ("b2", "2026-10-05/mon-2"),
    ]


def test_a_cover_lets_the_coach_leave_class_when_it_gains() -> None:
    # one cover per slot: the coach also visits b1 at mon-1 (12 - 1 = 11 > 0); budget 3 is spent
    roster = two_school_roster(budget=3, cover=1)
    placed = place_cross_visits(roster, [], [])
    assert len(placed) == 3
    covered = [visit for visit in placed if visit.covered]
    assert [(visit.coachee, visit.slot) for visit in covered] == [("b1", "2026-10-05/mon-1")]
    assert_plan_valid(roster, sabbatical_plan(roster, placed))


def test_per_coachee_cap_and_budget_spent_within_the_school_limit_the_cross_visits() -> None:
    roster = two_school_roster(budget=3, cover=1, cap=1)
    # cap 1: b1 once, b2 once
    assert len(place_cross_visits(roster, [], [])) == 2
    start, end = roster.slot_times("2026-10-05/mon-3")
    within = SabbaticalVisit(
        coach="c1", coachee="a2", cycle="fall", slot="2026-10-05/mon-3", start=start, end=end
    )
    placed = place_cross_visits(roster, [], [within])
    # one of the budget already spent in its school at mon-3: b1 at mon-1 (covered), b2 at mon-2
    assert sorted((visit.coachee, visit.slot) for visit in placed) == [
        ("b1", "2026-10-05/mon-1"),
        ("b2", "2026-10-05/mon-2"),
    ]
    assert_plan_valid(roster, sabbatical_plan(roster, [within, *placed]))


def test_cross_visits_go_around_busy_coachees_and_used_covers() -> None:
    roster = two_school_roster(budget=3, cover=1)
    # b2 hosts a peer visit at mon-3 and b3's covered visit uses school b's cover... which is not
    # the coach's school's, so mon-1 stays open for the coach
    peer = Visit(partnership="P01", cycle="fall", host="b2", visitor="b3", slot="2026-10-05/mon-3")
    placed = place_cross_visits(roster, [peer], [])
    slots = sorted((visit.coachee, visit.slot) for visit in placed)
    assert ("b2", "2026-10-05/mon-3") not in slots
    assert len(placed) == 2  # mon-1 (b1, covered) and mon-2; mon-3 has no free coachee


def test_cross_visits_are_optimal_where_first_come_first_served_is_not() -> None:
    # cap 1. Coach ca (free only at mon-1) may visit x or y; cb (free at mon-2..4) only x.
    # Taking x for ca first leaves cb nothing; the optimum gives ca y and cb x: 2 visits.
    periods = [
        {"id": f"mon-{n}", "day": "mon", "start": f"{7 + n:02d}:00", "end": f"{7 + n:02d}:50"}
        for n in (1, 2, 3, 4)
    ]
    everything = ["mon-1", "mon-2", "mon-3", "mon-4"]
    roster = roster_from_data(
        {
            "format": "pairwise/roster@1",
            "name": "first come",
            "year": 2026,
            "timezone": "UTC",
            "periods": periods,
            "cycles": [{"id": "fall", "weeks": ["2026-10-05"]}],
            "teachers": [
                {"id": "ca", "name": "CA", "school": "a", "participates": False,
                 "unavailable": ["mon-2", "mon-3", "mon-4"],
                 "sabbatical": {"topics": ["t1", "t2"], "budget": 1}},
                {"id": "cb", "name": "CB", "school": "a", "participates": False,
                 "unavailable": ["mon-1"], "sabbatical": {"topics": ["t1"], "budget": 1}},
                {"id": "x", "name": "X", "school": "b", "priority": "t1", "teaches": everything,
                 "participates": False},
                {"id": "y", "name": "Y", "school": "b", "priority": "t2", "teaches": ["mon-1"],
                 "participates": False},
            ],
            "policy": {"sabbatical_visits_per_coachee": 1},
        }
    )  # fmt: skip
    placed = place_cross_visits(roster, [], [])
    assert sorted((visit.coach, visit.coachee) for visit in placed) == [("ca", "y"), ("cb", "x")]
    assert_plan_valid(roster, sabbatical_plan(roster, placed))


def test_cross_visits_keep_as_many_coachees_per_slot_as_there_are_visits_to_place() -> None:
    # cap 1; coaches ca and cb (budget 1 each, so 2 visits in all) are free only at mon-1, where
    # all of x, y, z can host. ca takes x; cb must reach past it to y: the options kept per coach
    # and slot (the first 2 coachees) hold one cb can still use. Keeping one fewer loses cb's visit.
    periods = [
        {"id": f"mon-{n}", "day": "mon", "start": f"{7 + n:02d}:00", "end": f"{7 + n:02d}:50"}
        for n in (1, 2)
    ]
    coachees = [
        {"id": name, "name": name.upper(), "school": "b", "priority": "t1",
         "teaches": ["mon-1", "mon-2"], "participates": False}
        for name in ("x", "y", "z")
    ]  # fmt: skip
    roster = roster_from_data(
        {
            "format": "pairwise/roster@1",
            "name": "kept options",
            "year": 2026,
            "timezone": "UTC",
            "periods": periods,
            "cycles": [{"id": "fall", "weeks": ["2026-10-05"]}],
            "teachers": [
                {"id": coach, "name": coach.upper(), "school": "a", "participates": False,
                 "unavailable": ["mon-2"], "sabbatical": {"topics": ["t1"], "budget": 1}}
                for coach in ("ca", "cb")
            ] + coachees,
            "policy": {"sabbatical_visits_per_coachee": 1, "cover_per_period": 0},
        }
    )  # fmt: skip
    placed = place_cross_visits(roster, [], [])
    assert sorted((visit.coach, visit.coachee) for visit in placed) == [("ca", "x"), ("cb", "y")]
    assert_plan_valid(roster, sabbatical_plan(roster, placed))


def test_no_cross_visit_when_the_sabbatical_weight_is_zero() -> None:
    roster = two_school_roster()
    data = roster.model_dump(mode="json")
    data["policy"]["weights"]["sabbatical"] = 0
    assert place_cross_visits(roster_from_data(data), [], []) == []


# --- splitting -------------------------------------------------------------------------------


def test_each_school_gets_its_own_valid_roster(four_schools: Roster) -> None:
    parts = split_district(four_schools)
    assert [part.school for part in parts] == four_schools.schools()
    for part in parts:
        roster = roster_from_data(part.data)  # validates every cross-reference
        real = [t for t in roster.teachers if STAND_IN_MARK not in t.id]
        assert {four_schools.school_of(t.id) for t in real} == {part.school}
        assert len(real) == part.teachers
        assert all(roster.team_school(team.id) == part.school for team in roster.teams)
        for relation in roster.relations:
            both = {relation.a, relation.b}
            assert both <= set(roster.teacher_by_id)


def test_stand_ins_hold_each_coachs_cross_school_capacity(four_schools: Roster) -> None:
    cap = four_schools.policy.sabbatical_visits_per_coachee
    coachees_of = CrossCoachees(four_schools, teacher_schools(four_schools))
    for part in split_district(four_schools):
        roster = roster_from_data(part.data)
        for coach in [t for t in roster.teachers if t.sabbatical and STAND_IN_MARK not in t.id]:
            assert coach.sabbatical is not None
            stand_ins = [s for s, owner in part.stand_in_coach.items() if owner == coach.id]
            assert len(stand_ins) == math.ceil(coach.sabbatical.budget / cap)
            coachees = coachees_of(four_schools.teacher_by_id[coach.id])
            for stand_in in stand_ins:
                teacher = roster.teacher_by_id[stand_in]
                assert not teacher.participates and teacher.sabbatical is None
                assert teacher.priority in coach.sabbatical.topics
                # it can host exactly where some eligible coachee of another school can
                for cycle in roster.cycles:
                    for slot in roster.cycle_slots(cycle.id):
                        period = slot.split("/")[1]
                        hosts = period in teacher.teaches and slot not in teacher.unavailable
                        any_coachee = any(
                            period in c.teaches
                            and period not in c.unavailable
                            and slot not in c.unavailable
                            for c in coachees
                        )
                        assert hosts == any_coachee, (stand_in, slot)


def test_time_limits_share_the_slots_by_size() -> None:
    roster = generate_roster(100, schools=4, kind="mixed", seed=3)
    parts = split_district(roster)
    limits = task_time_limits(parts, 20.0, slots=2)
    biggest = max(parts, key=lambda part: part.teachers)
    smallest = min(parts, key=lambda part: part.teachers)
    assert limits[biggest.school] > limits[smallest.school] >= 1.0
    assert all(limit <= 20.0 for limit in limits.values())
    # the shares fill both slots for the whole budget (up to the 1 s floor and rounding)
    assert sum(limits.values()) == pytest.approx(40.0, abs=0.1)


# --- solving with a stand-in engine -------------------------------------------------------


def test_district_merge_passes_the_checker(four_schools: Roster) -> None:
    seen: list[Progress] = []
    result = solve_district(
        four_schools, time_limit=10, workers=2, solver=greedy_engine, progress=seen.append
    )
    assert result.plan is not None
    report = assert_plan_valid(four_schools, result.plan)
    assert report.objective == result.objective == result.plan.objective
    assert result.bound is not None and result.objective is not None
    assert result.bound >= result.objective
    ids = [partnership.id for partnership in result.plan.partnerships]
    assert ids == [f"P{number:02d}" for number in range(1, len(ids) + 1)]
    assert result.stats["schools"] == 4
    assert result.stats["parallel_tasks"] == 2
    assert seen[-1].phase == "district merged"
    assert {four_schools.school_of(p.members[0]) for p in result.plan.partnerships} == set(
        four_schools.schools()
    )


def test_district_runs_inline_with_one_worker_and_gives_the_same_plan(four_schools: Roster) -> None:
    inline = solve_district(four_schools, time_limit=10, workers=1, solver=greedy_engine)
    pooled = solve_district(four_schools, time_limit=10, workers=2, solver=greedy_engine)
    assert inline.plan is not None and pooled.plan is not None
    assert inline.stats["parallel_tasks"] == 1
    inline.plan.seconds = pooled.plan.seconds = 0.0
    assert inline.plan.as_json() == pooled.plan.as_json()


def test_schools_not_proven_get_a_second_round_from_their_plans(four_schools: Roster) -> None:
    result = solve_district(
        four_schools, time_limit=10, workers=1, solver=proven_when_hinted, gap_goal=0.0
    )
    assert result.stats["schools_optimal"] == 4
    assert result.status == "optimal" and result.objective == result.bound


def test_a_district_close_enough_to_its_bound_stops_after_one_round(four_schools: Roster) -> None:
    result = solve_district(
        four_schools, time_limit=10, workers=1, solver=proven_when_hinted, gap_goal=1.0
    )
    assert result.stats["schools_optimal"] == 0
    assert result.status == "feasible"
    assert result.bound == (result.objective or 0) + 4 * 100
    assert result.plan is not None and result.plan.gap == pytest.approx(
        400 / result.bound, abs=1e-6
    )


def test_an_infeasible_school_makes_the_district_infeasible(four_schools: Roster) -> None:
    result = solve_district(four_schools, time_limit=5, workers=1, solver=infeasible_for_sunset)
    assert result.status == "infeasible"
    assert result.plan is None
    assert result.stats["failed_school"] == "sunset-es"
    assert result.stats["school.why"] == "stand-in says no"


def test_cross_school_pairs_solve_the_roster_whole(four_schools: Roster) -> None:
    data = four_schools.model_dump(mode="json")
    data["policy"]["cross_school_pairs"] = True
    roster = roster_from_data(data)
    result = solve_district(roster, time_limit=10, workers=1, solver=greedy_engine)
    assert str(result.stats["decomposition"]).startswith("whole roster (cross_school_pairs")
    assert result.plan is not None
    assert_plan_valid(roster, result.plan)


def test_a_lock_across_schools_sends_the_roster_whole(four_schools: Roster) -> None:
    data = four_schools.model_dump(mode="json")
    first, second = four_schools.schools()[:2]
    a = next(t.id for t in four_schools.teachers if four_schools.school_of(t.id) == first)
    b = next(t.id for t in four_schools.teachers if four_schools.school_of(t.id) == second)
    data["relations"].append({"a": a, "b": b, "kind": "lock"})
    result = solve_district(roster_from_data(data), time_limit=5, workers=1, solver=greedy_engine)
    assert "lock across schools" in str(result.stats["decomposition"])


def test_a_district_plan_splits_into_valid_school_hints(four_schools: Roster) -> None:
    result = solve_district(four_schools, time_limit=10, workers=1, solver=greedy_engine)
    assert result.plan is not None
    parts = split_district(four_schools)
    hints = split_hint(four_schools, result.plan, parts)
    partnerships = 0
    for part in parts:
        text = hints[part.school]
        assert text is not None
        hint = Plan.model_validate_json(text)
        roster = roster_from_data(part.data)
        report = check(roster, hint)
        assert report.violations == [], part.school  # objective left unstated: only rules
        partnerships += len(hint.partnerships)
    assert partnerships == len(result.plan.partnerships)


# --- with the engine -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_district() -> Roster:
    """Four schools of 10 to 24 teachers, whose coaches also visit other schools."""
    return generate_roster(60, schools=4, kind="mixed", seed=4)


def test_district_plan_from_the_engine_is_valid_and_its_bound_honest(
    small_district: Roster,
) -> None:
    result = solve_district(small_district, time_limit=30, workers=2)
    assert result.plan is not None and result.objective is not None and result.bound is not None
    assert_plan_valid(small_district, result.plan)
    assert int(result.stats["cross_school_visits"]) > 0
    assert result.bound >= result.objective
    assert (result.status == "optimal") == (result.objective == result.bound)
    assert result.plan.gap == pytest.approx(relative_gap(result.objective, result.bound))
    # the whole roster solved at once: its optimum lies between the district's plan and bound
    whole = solve(small_district, time_limit=60, workers=2)
    assert whole.status == "optimal" and whole.objective is not None
    assert result.objective <= whole.objective <= result.bound


def test_district_plan_does_not_depend_on_the_worker_count(small_district: Roster) -> None:
    alone = solve_district(small_district, time_limit=30, workers=1)
    pooled = solve_district(small_district, time_limit=30, workers=2)
    assert alone.plan is not None and pooled.plan is not None
    assert (alone.stats["parallel_tasks"], pooled.stats["parallel_tasks"]) == (1, 2)
    alone.plan.seconds = pooled.plan.seconds = 0.0
    assert alone.plan.as_json() == pooled.plan.as_json()


def test_cross_school_pairs_with_the_engine() -> None:
    data = generate_roster(24, schools=2, kind="elementary", seed=4).model_dump(mode="json")
    data["policy"]["cross_school_pairs"] = True
    roster = roster_from_data(data)
    result = solve_district(roster, time_limit=30, workers=1)
    assert str(result.stats["decomposition"]).startswith("whole roster")
    assert result.plan is not None
    assert_plan_valid(roster, result.plan)


def test_a_district_warm_started_from_its_own_plan_keeps_its_value(
    small_district: Roster,
) -> None:
    first = solve_district(small_district, time_limit=30, workers=1)
    assert first.plan is not None and first.objective is not None
    again = solve_district(small_district, time_limit=30, workers=1, hint=first.plan)
    assert again.plan is not None and again.objective is not None
    assert_plan_valid(small_district, again.plan)
    assert again.objective >= first.objective


def test_a_conversation_under_a_cross_school_visit_is_unplaced() -> None:
    from pairwise.roster.models import (
        Conversation,
        ConversationCounts,
        Plan,
        SabbaticalVisit,
        Visit,
        VisitReference,
    )
    from pairwise.runs.district.merge import _Talks

    reference = VisitReference(host="b", visitor="a", cycle="c1", slot="2026-10-05/mon-1")
    school = Plan(
        roster="r",
        status="optimal",
        objective=0,
        bound=0,
        visits=[
            Visit(
                partnership="P1",
                cycle="c1",
                host="b",
                visitor="a",
                slot=reference.slot,
                mode="co-teach",
            )
        ],
        conversations=[
            Conversation(
                kind="planning", members=["a", "b"], visit=reference, slot="2026-10-02/fri-1"
            ),
            Conversation(
                kind="debrief", members=["a", "b"], visit=reference, slot="2026-10-05/mon-3"
            ),
        ],
        conversation_counts=ConversationCounts(placed=2, most=2, co_taught=1, co_taught_most=1),
    )
    talks = _Talks()
    talks.add(school)
    merged = school.model_copy(deep=True)
    crossing = [SabbaticalVisit(coach="k", coachee="a", cycle="c1", slot="2026-10-02/fri-1")]
    talks.settle(merged, crossing)
    assert [c.kind for c in merged.conversations] == ["debrief"]
    assert merged.visits[0].mode == "visit"
    assert merged.unplaced_conversations[0].kind == "planning"
    counts = merged.conversation_counts
    assert (counts.placed, counts.co_taught, counts.most) == (1, 0, 2)


# --- closing a merged plan's gap ----------------------------------------------------------


def rival_coaches_roster(*, peers: bool = True) -> Roster:
    """Three schools of one period pair each: coaches ka (school a) and kb (school b) both coach
    numeracy, whose only teacher is x of school c (two visits at most). Each school, solved
    apart, counts x's two visits for its own coach, so the schools' bounds add up to four visits
    while a district plan has only two: the merged plan falls short of its bound."""
    periods = [
        {"id": f"mon-{number}", "day": "mon", "start": f"{7 + number:02d}:00", "end": f"{7 + number:02d}:50"}
        for number in (1, 2, 3, 4)
    ]  # fmt: skip

    def teacher(identifier: str, school: str, priority: str, teaches: list[str]) -> dict[str, Any]:
        return {
            "id": identifier,
            "name": identifier.upper(),
            "school": school,
            "priority": priority,
            "strengths": ["numeracy"] if priority != "numeracy" else ["literacy"],
            "teaches": teaches,
            "participates": peers,
        }

    teachers = [
        teacher("ka", "a", "literacy", ["mon-1"]),
        teacher("a2", "a", "literacy", ["mon-2"]),
        teacher("kb", "b", "literacy", ["mon-1"]),
        teacher("b2", "b", "literacy", ["mon-2"]),
        teacher("x", "c", "numeracy", ["mon-2", "mon-3", "mon-4"]),
        teacher("c2", "c", "literacy", ["mon-1"]),
    ]
    for coach in teachers[0], teachers[2]:
        coach["sabbatical"] = {"topics": ["numeracy"], "budget": 2}
        coach["participates"] = False
    return roster_from_data(
        {
            "format": "pairwise/roster@1",
            "name": "rival coaches",
            "year": 2026,
            "timezone": "UTC",
            "periods": periods,
            "cycles": [{"id": "fall", "weeks": ["2026-10-05"]}],
            "teachers": teachers,
            "policy": {"cover_per_period": 0, "sabbatical_visits_per_coachee": 2},
        }
    )


@pytest.mark.parametrize("peers", [False, True])
def test_a_merged_plan_short_of_its_bound_is_closed_on_the_whole_roster(peers: bool) -> None:
    roster = rival_coaches_roster(peers=peers)
    best = brute_force(roster)
    assert best is not None and best.objective is not None
    result = solve_district(roster, time_limit=30, workers=1)
    assert result.plan is not None
    assert_plan_valid(roster, result.plan)
    # the schools apart promised four visits to x; the district has room for two
    merged_bound = int(result.stats["merged_bound"])
    assert merged_bound - int(result.stats["merged_objective"]) >= 2 * 12
    assert result.stats["gap_closing"] == "whole roster"
    assert result.status == "optimal"
    assert result.objective == result.bound == best.objective < merged_bound
    assert len(result.plan.sabbatical_visits) == 2


def test_without_time_left_the_merged_plan_keeps_its_honest_gap() -> None:
    roster = rival_coaches_roster()
    result = solve_district(roster, time_limit=1.0, workers=1)
    assert result.plan is not None and result.objective is not None and result.bound is not None
    assert_plan_valid(roster, result.plan)
    assert result.stats["gap_closing"] == "none: no time left"
    assert result.status == "feasible" and result.bound > result.objective
    best = brute_force(roster)
    assert best is not None and best.objective is not None
    assert result.objective <= best.objective <= result.bound


def test_a_district_too_large_to_re_solve_whole_keeps_the_merged_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(district_solve, "WHOLE_RESOLVE_TEACHERS", 5)
    roster = rival_coaches_roster()
    result = solve_district(roster, time_limit=30, workers=1)
    assert result.plan is not None
    assert_plan_valid(roster, result.plan)
    assert result.stats["gap_closing"] == "none: more than 5 teachers"
    assert result.status == "feasible"


def test_closing_the_gap_never_loses_the_merged_plans_value(four_schools: Roster) -> None:
    # the greedy stand-in ignores the warm start: the merged plan stays when it is better
    result = solve_district(four_schools, time_limit=10, workers=1, solver=greedy_engine)
    assert result.plan is not None and result.objective is not None
    assert_plan_valid(four_schools, result.plan)
    if "merged_objective" in result.stats:
        assert result.objective >= int(result.stats["merged_objective"])


def coaches_across_the_district(roster: Roster, budget: int = 8) -> Roster:
    """Each school's most experienced teacher made a coach of the two priorities held least in
    its own school and most elsewhere: the coaches of several schools want the same coachees."""
    data = roster.model_dump(mode="json")
    for teacher in data["teachers"]:
        teacher["sabbatical"] = None
    for school in roster.schools():
        own = [t for t in data["teachers"] if t["school"] == school]
        coach = max(own, key=lambda t: (t["years_experience"], t["id"]))
        elsewhere = Counter(t["priority"] for t in data["teachers"] if t["school"] != school)
        mine = {t["priority"] for t in own}
        ranked = sorted(elsewhere, key=lambda p: (p in mine, elsewhere[p], p))
        coach["sabbatical"] = {"topics": ranked[:2], "budget": budget}
    return roster_from_data(data)


def test_a_generated_district_with_rival_coaches_ends_proven_as_the_whole_roster() -> None:
    roster = coaches_across_the_district(generate_roster(30, schools=3, kind="mixed", seed=1))
    result = solve_district(roster, time_limit=60, workers=2)
    assert result.plan is not None
    assert_plan_valid(roster, result.plan)
    assert int(result.stats["merged_bound"]) > int(result.stats["merged_objective"])
    assert result.status == "optimal" and result.objective == result.bound
    whole = solve(roster, time_limit=60, workers=2)
    assert whole.status == "optimal" and whole.objective == result.objective


_FIRST_TRIES: set[str] = set()


def engine_slow_at_first(
    roster: Roster,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int | None = None,
    hint: Plan | None = None,
    progress: Any = None,
) -> Result:
    """Stand-in engine that finds no plan for a school the first time it is asked (its time
    share ran out), then the greedy's."""
    if roster.name not in _FIRST_TRIES:
        _FIRST_TRIES.add(roster.name)
        return Result("unknown", None, None, None, time_limit)
    return greedy_engine(roster, time_limit=time_limit, seed=seed, workers=workers, hint=hint)


def test_a_school_with_no_plan_in_round_one_gets_another_try_even_out_of_time(
    four_schools: Roster,
) -> None:
    _FIRST_TRIES.clear()
    result = solve_district(
        four_schools, time_limit=0.5, workers=1, inline=True, solver=engine_slow_at_first
    )
    assert result.plan is not None, result.stats
    assert_plan_valid(four_schools, result.plan)
    assert len(_FIRST_TRIES) == len(four_schools.schools())

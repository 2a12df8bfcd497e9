"""Three years on a sample roster: solve, the survey filled in by a script, rollover, solve again,
twice. Every year's plan passes the independent checker against that year's roster, lies in that
year's weeks, and repeats no pair inside the window except the pairs that asked to continue."""

from __future__ import annotations

import itertools
from pathlib import Path

from pairwise.engine.pipeline import solve
from pairwise.interchange.survey.form import write_survey
from pairwise.roster.load import load_roster
from pairwise.roster.models import Plan, Roster
from pairwise.runs.rollover import rollover
from tests.builders import fill_survey
from tests.helpers import assert_plan_valid

SAMPLE = Path(__file__).parents[2] / "instances" / "elementary-24.json"


def pairs_of(plan: Plan) -> set[tuple[str, str]]:
    return {
        (a, b) if a < b else (b, a)
        for partnership in plan.partnerships
        for a, b in itertools.combinations(partnership.members, 2)
    }


def solved(roster: Roster) -> Plan:
    result = solve(roster, time_limit=30.0, workers=1, seed=0)
    assert result.plan is not None, result.status
    assert_plan_valid(roster, result.plan)
    # the checker's rule 5 holds each visit to its cycle's weeks; they are this roster's year's
    starts = {visit.slot[:4] for visit in [*result.plan.visits, *result.plan.sabbatical_visits]}
    assert starts <= {str(roster.year), str(roster.year + 1)}
    return result.plan


def test_three_years_of_survey_and_rollover(tmp_path: Path) -> None:
    roster = load_roster(SAMPLE)
    window = roster.policy.repeat_window_years
    assert window >= 2
    plans: list[Plan] = []
    rosters: list[Roster] = [roster]
    continuing: list[set[tuple[str, str]]] = [set()]
    for year_index in range(3):
        current = rosters[-1]
        plan = solved(current)
        plans.append(plan)
        if year_index == 2:
            break
        survey = tmp_path / f"survey-{current.year}.xlsx"
        write_survey(current, plan, survey)
        # the first pair of each year (in plan order) both ask to continue; everyone rates trust
        keep = sorted(plan.partnerships[0].members)[:2]

        def answer(sheet: str, ids: tuple[str, ...], keep: list[str] = keep) -> dict[str, object]:
            if sheet == "Partnerships":
                teacher, partner = ids
                both = {teacher, partner} == set(keep)
                return {"trust": 5 if both else 3 + len(teacher) % 2, "continue": both}
            if sheet == "Coaching":
                return {"useful": 4}
            return {}

        fill_survey(survey, lambda s, i, answer=answer: _yes_no(answer(s, i)))
        result = rollover(current, plan, [survey])
        next_roster = result.roster
        assert next_roster.year == current.year + 1
        continues = {(r.a, r.b) for r in next_roster.relations if r.kind == "continue"}
        assert continues == {(keep[0], keep[1])}
        continuing.append(continues)
        rosters.append(next_roster)
    assert [r.year for r in rosters] == [2026, 2027, 2028]
    # both asked to continue: no repeat cost and the request reward keep them together
    for index in (1, 2):
        assert continuing[index] <= pairs_of(plans[index])
    # no pair twice inside the window, except a pair that both asked to continue that year
    for later in range(1, len(plans)):
        for earlier in range(max(0, later - window), later):
            repeated = pairs_of(plans[later]) & pairs_of(plans[earlier])
            assert repeated <= continuing[later], (rosters[later].year, repeated)
    # history holds every earlier year's partnerships, with the trust the survey reported
    last = rosters[-1]
    for index, plan in enumerate(plans[:-1]):
        year = rosters[index].year
        recorded = {(h.a, h.b) if h.a < h.b else (h.b, h.a) for h in last.history if h.year == year}
        assert pairs_of(plan) <= recorded
    assert {h.trust for h in last.history if h.year == 2026 and h.kind == "peer"} <= {
        -0.0,
        0.0,
        0.25,
        0.5,
        1.0,
    }


def _yes_no(cells: dict[str, object]) -> dict[str, object]:
    return {k: ("yes" if v else "no") if isinstance(v, bool) else v for k, v in cells.items()}

"""The roster generator: valid, deterministic, realistic; the committed instances are its output."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from pairwise.cli.app import main
from pairwise.errors import InputError
from pairwise.generate.generator import Generator
from pairwise.generate.rosters import generate_roster, roster_text
from pairwise.generate.vocabulary import MOST_SCHOOLS, MOST_TEACHERS
from pairwise.roster.load import load_roster, roster_from_json
from pairwise.roster.models import Roster

INSTANCES = Path(__file__).parents[2] / "instances"

# file name -> the `pairwise generate` arguments that make it (instances/README.md shows the same)
RECIPES: dict[str, dict[str, object]] = {
    "tiny-7.json": {"teachers": 7, "seed": 7},
    "elementary-24.json": {"teachers": 24, "seed": 24},
    "school-30.json": {"teachers": 30, "seed": 30},
    "school-60-coaches.json": {"teachers": 60, "seed": 60},
    "k8-60.json": {"teachers": 60, "kind": "mixed", "seed": 8},
    "secondary-150.json": {"teachers": 150, "kind": "secondary", "seed": 150},
    "district-2000.json": {"teachers": 2000, "schools": 25, "kind": "mixed", "seed": 2000},
}


def _generate(recipe: dict[str, object]) -> Roster:
    return generate_roster(
        int(str(recipe["teachers"])),
        schools=int(str(recipe.get("schools", 1))),
        kind=str(recipe.get("kind", "elementary")),
        seed=int(str(recipe["seed"])),
    )


def _command_line(recipe: dict[str, object]) -> list[str]:
    arguments = ["generate"]
    for key, value in recipe.items():
        arguments += [f"--{key}", str(value)]
    return arguments


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_committed_instance_is_the_generator_output(name: str) -> None:
    expected = (INSTANCES / name).read_text(encoding="utf-8")
    assert roster_text(_generate(RECIPES[name])) == expected


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_readme_gives_the_command_that_regenerates_each_instance(name: str) -> None:
    readme = (INSTANCES / "README.md").read_text(encoding="utf-8")
    command = "pairwise " + " ".join(_command_line(RECIPES[name])) + f" -o instances/{name}"
    assert command in readme


def test_command_writes_the_same_roster_to_stdout_and_to_a_file(tmp_path: Path) -> None:
    runner = CliRunner()
    printed = runner.invoke(main, _command_line(RECIPES["tiny-7.json"]))
    assert printed.exit_code == 0, printed.output
    target = tmp_path / "tiny.json"
    written = runner.invoke(main, [*_command_line(RECIPES["tiny-7.json"]), "-o", str(target)])
    assert written.exit_code == 0, written.output
    assert written.output == ""
    assert target.read_text(encoding="utf-8") == printed.output
    assert load_roster(target).name == _generate(RECIPES["tiny-7.json"]).name


def test_compact_output_is_the_same_roster() -> None:
    roster = generate_roster(30, seed=3)
    compact = roster_text(roster, compact=True)
    assert compact.count("\n") == 1
    assert roster_from_json(compact) == roster_from_json(roster_text(roster))


def test_bad_arguments_are_input_errors_naming_each_problem() -> None:
    with pytest.raises(InputError) as error:
        generate_roster(3, schools=0, kind="college")
    paths = sorted(problem.path for problem in error.value.problems)
    assert paths == ["kind", "schools", "teachers"]
    result = CliRunner().invoke(main, ["generate", "--teachers", "10", "--schools", "5"])
    assert result.exit_code == 2
    assert "at least 4 per school" in result.output


@pytest.mark.parametrize(
    ("teachers", "schools", "kind"),
    [(7, 1, "elementary"), (40, 1, "secondary"), (60, 1, "mixed"), (200, 4, "mixed")],
)
def test_same_seed_same_roster_other_seed_other_roster(
    teachers: int, schools: int, kind: str
) -> None:
    first = roster_text(generate_roster(teachers, schools=schools, kind=kind, seed=5))
    again = roster_text(generate_roster(teachers, schools=schools, kind=kind, seed=5))
    other = roster_text(generate_roster(teachers, schools=schools, kind=kind, seed=6))
    assert first == again
    assert first != other


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize(
    ("teachers", "schools", "kind"),
    [
        (6, 1, "elementary"),
        (9, 1, "secondary"),
        (24, 1, "elementary"),
        (45, 1, "mixed"),
        (90, 1, "secondary"),
        (120, 3, "mixed"),
        (60, 2, "secondary"),
    ],
)
def test_every_roster_is_valid_and_its_locks_are_satisfiable(
    teachers: int, schools: int, kind: str, seed: int
) -> None:
    roster = generate_roster(teachers, schools=schools, kind=kind, seed=seed)
    assert len(roster.teachers) == teachers
    assert len(roster.schools()) == schools
    _assert_locks_satisfiable(roster)
    _assert_relations_distinct(roster)


def _assert_locks_satisfiable(roster: Roster) -> None:
    locked: list[str] = []
    avoid = {frozenset((r.a, r.b)) for r in roster.relations if r.kind == "avoid"}
    for relation in roster.relations:
        if relation.kind != "lock":
            continue
        a, b = roster.teacher_by_id[relation.a], roster.teacher_by_id[relation.b]
        assert a.participates and b.participates
        assert roster.school_of(a.id) == roster.school_of(b.id)
        assert frozenset((a.id, b.id)) not in avoid
        assert a.evaluator != b.id and b.evaluator != a.id
        locked += [a.id, b.id]
        # each can host the other, uncovered, in every cycle
        for cycle in roster.cycles:
            for host, visitor in ((a, b), (b, a)):
                assert any(
                    _period(slot) in host.teaches
                    and _period(slot) not in visitor.teaches
                    and _free(host, slot)
                    and _free(visitor, slot)
                    for slot in roster.cycle_slots(cycle.id)
                )
    assert len(locked) == len(set(locked))


def _assert_relations_distinct(roster: Roster) -> None:
    pairs = [frozenset((r.a, r.b)) for r in roster.relations]
    assert len(pairs) == len(set(pairs))


def _period(slot: str) -> str:
    return slot.split("/")[1]


def _free(teacher: object, slot: str) -> bool:
    unavailable = getattr(teacher, "unavailable", [])
    return slot not in unavailable and _period(slot) not in unavailable


def test_elementary_school_is_shaped_like_one() -> None:
    roster = generate_roster(24, seed=1)
    assert [team.grade for team in roster.teams] == [0, 1, 2, 3, 4, 5]
    homeroom = [t for t in roster.teachers if t.team is not None]
    assert len(homeroom) >= 15
    # homeroom teachers teach five of six periods a day; a grade team shares its free period
    for teacher in homeroom:
        assert len(teacher.teaches) == 25
        mates = [t for t in homeroom if t.team == teacher.team]
        assert all(mate.teaches == teacher.teaches for mate in mates)
    specialists = [t for t in roster.teachers if t.team is None and t.participates]
    assert specialists
    administrators = [t for t in roster.teachers if not t.participates and not t.teaches[3:]]
    assert administrators
    # probationary teachers are evaluated; nobody evaluates a veteran in an elementary school
    for teacher in roster.teachers:
        if teacher.evaluator is not None:
            assert teacher.years_experience < 3


def test_k8_school_has_nine_grade_teams_and_subject_teachers_in_the_middle_grades() -> None:
    roster = generate_roster(60, kind="mixed", seed=2)
    assert [team.grade for team in roster.teams] == list(range(9))
    middle = [t for t in roster.teachers if t.team in ("grade-6", "grade-7", "grade-8")]
    assert middle
    # a subject teacher keeps one prep period at the same time every day
    for teacher in middle:
        free = {p.split("-")[1] for p in _all_periods(roster) if p not in teacher.teaches}
        assert len(free) == 1


def test_secondary_school_has_departments_whose_heads_evaluate_their_members() -> None:
    roster = generate_roster(150, kind="secondary", seed=3)
    assert len(roster.teams) == 8
    assert sum(1 for t in roster.teachers if t.sabbatical is not None) == 6
    for team in roster.teams:
        members = [t for t in roster.teachers if t.team == team.id]
        evaluators = {t.evaluator for t in members}
        assert len(evaluators - {None}) == 1
        (head_id,) = evaluators - {None}
        head = roster.teacher_by_id[head_id]
        assert head.team == team.id and head.evaluator is None
        assert len(head.teaches) == 20  # four of six periods a day
    taught = Counter(len(t.teaches) for t in roster.teachers)
    # nearly everyone teaches five of six periods (a few part-timers, three)
    assert taught[25] >= 0.8 * len(roster.teachers)
    assert set(taught) <= {15, 20, 25}


def test_district_spreads_teachers_over_schools_of_mixed_kinds() -> None:
    roster = generate_roster(1000, schools=12, kind="mixed", seed=4)
    sizes = Counter(roster.school_of(t.id) for t in roster.teachers)
    assert len(sizes) == 12
    assert all(t.school is not None for t in roster.teachers)
    assert all(team.school is not None for team in roster.teams)
    kinds = {school.rsplit("-", 1)[1] for school in sizes}
    assert kinds == {"es", "k8", "ms", "hs"}
    # high schools are the biggest, elementary schools the smallest
    high = min(size for school, size in sizes.items() if school.endswith("-hs"))
    elementary = max(size for school, size in sizes.items() if school.endswith("-es"))
    assert high > elementary
    # team ids are unique across schools, and relations never cross schools
    assert len({team.id for team in roster.teams}) == len(roster.teams)
    for relation in roster.relations:
        assert roster.school_of(relation.a) == roster.school_of(relation.b)


def test_a_district_past_the_plain_school_names_gets_compass_named_schools() -> None:
    roster = generate_roster(400, schools=45, kind="elementary", seed=3)
    schools = {roster.school_of(t.id) for t in roster.teachers}
    assert len(schools) == 45
    assert any(school.split("-")[0] in {"north", "south", "east", "west"} for school in schools)
    with pytest.raises(InputError) as error:
        generate_roster(10_000, schools=MOST_SCHOOLS + 1, kind="mixed")
    assert [problem.path for problem in error.value.problems] == ["schools"]


def test_names_past_the_plain_first_last_pairs_take_a_middle_initial() -> None:
    generator = Generator(seed=5, year=2026)
    plain = len(generator.names)
    names = [generator.new_name() for _ in range(plain + 50)]
    assert len(set(names)) == len(names)
    assert all(". " not in name for name in names[:plain])
    assert all(name.split(" ")[1] == "A." for name in names[plain:])
    with pytest.raises(InputError):
        generate_roster(MOST_TEACHERS + 1, schools=200, kind="mixed")


def _all_periods(roster: Roster) -> list[str]:
    return [period.id for period in roster.periods]


def test_calendar_history_and_limits_are_realistic() -> None:
    roster = generate_roster(60, seed=9, year=2030)
    assert [cycle.id for cycle in roster.cycles] == ["fall", "winter", "spring"]
    for cycle in roster.cycles:
        weeks = [dt.date.fromisoformat(week) for week in cycle.weeks]
        assert len(weeks) == 2 and all(week.weekday() == 0 for week in weeks)
        assert weeks[1] - weeks[0] == dt.timedelta(days=7)
        assert len(cycle.meetings) == 1
        assert (cycle.meetings[0].tables or 0) >= len(roster.teams) // 2
    assert roster.cycles[0].weeks[0].startswith("2030-10")
    assert roster.cycles[2].weeks[0].startswith("2031-04")
    assert {entry.year for entry in roster.history} == {2027, 2028, 2029}
    assert {entry.year for entry in roster.team_history} == {2027, 2028, 2029}
    assert any(entry.trust < 0 for entry in roster.history)
    assert any(entry.a.startswith("x") or entry.b.startswith("x") for entry in roster.history)
    kinds = Counter(relation.kind for relation in roster.relations)
    assert kinds["avoid"] >= 1 and kinds["request"] >= 1 and kinds["lock"] >= 1
    coaches = [t for t in roster.teachers if t.sabbatical is not None]
    assert len(coaches) == 2
    for coach in coaches:
        assert coach.sabbatical is not None
        assert 4 <= coach.sabbatical.budget <= 12
        assert coach.priority not in coach.sabbatical.topics
        assert any(t.priority in coach.sabbatical.topics for t in roster.teachers)
    assert sum(not t.participates for t in roster.teachers) >= 2
    assert any("/" in entry for t in roster.teachers for entry in t.unavailable)
    assert any("/" not in entry for t in roster.teachers for entry in t.unavailable)
    assert roster.policy.release_budget is not None and roster.policy.release_budget > 0
    assert any(override.cover == 0 for override in roster.policy.cover_overrides)
    assert len({t.name for t in roster.teachers}) == len(roster.teachers)


def test_roster_text_lists_one_teacher_per_line() -> None:
    text = (INSTANCES / "tiny-7.json").read_text(encoding="utf-8")
    teacher_lines = [line for line in text.splitlines() if '"years_experience"' in line]
    assert len(teacher_lines) == 7
    assert json.loads(text)["format"] == "pairwise/roster@1"

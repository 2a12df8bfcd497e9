"""Bad input everywhere: every file of `tests/malformed/` gives exit 2 from each command that reads
a roster, with every problem as `path: message`, no traceback, and no output file touched; hostile
sizes are refused by a named limit; structured mutations of a valid roster are refused by path.

`tests/malformed/expected.json` maps each file to the `path: message` texts its report must hold.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairwise.cli.app import main
from pairwise.errors import InputError, format_path
from pairwise.roster.load import (
    MAX_BYTES_VARIABLE,
    MAX_TEACHERS_VARIABLE,
    roster_from_data,
)
from tests.helpers import fixture_path

CORPUS = Path(__file__).parents[1] / "malformed"
EXPECTED: dict[str, list[str]] = json.loads((CORPUS / "expected.json").read_text())
VALID = fixture_path("oakridge-tiny")
PLAN = {
    "format": "pairwise/plan@1",
    "roster": "Oakridge Tiny 2026-27",
    "status": "optimal",
    "objective": 0,
    "bound": 0,
}
OLD_PLAN = '{"untouched": true}\n'
HEADER = re.compile(r"^error: (.+: )?(\d+) problems?$")


def run(*arguments: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(arguments), env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def assert_bad_input(code: int, out: str, err: str, expected: list[str]) -> None:
    """Exit 2; a header with the count, then one `path: message` line per problem."""
    assert code == 2, out + err
    assert "Traceback" not in out + err
    lines = err.rstrip("\n").split("\n")
    header = HEADER.match(lines[0])
    assert header, lines[0]
    problems = lines[1:]
    assert len(problems) == int(header.group(2)), err
    for line in problems:
        assert line.startswith("  ") and ": " in line, line
    for text in expected:
        assert any(text in line for line in problems), f"{text!r} not in\n{err}"


def test_the_corpus_is_complete() -> None:
    files = {path.name for path in CORPUS.iterdir() if path.name != "expected.json"}
    assert files == set(EXPECTED)
    assert len(files) >= 40
    assert all(EXPECTED.values())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate(name: str) -> None:
    assert_bad_input(*run("validate", str(CORPUS / name)), EXPECTED[name])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_check_with_a_bad_roster(name: str, tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PLAN))
    assert_bad_input(*run("check", str(CORPUS / name), str(plan)), EXPECTED[name])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_explain(name: str) -> None:
    assert_bad_input(*run("explain", str(CORPUS / name)), EXPECTED[name])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_solve_leaves_the_output_untouched(name: str, tmp_path: Path) -> None:
    output = tmp_path / "existing.json"
    output.write_text(OLD_PLAN)
    before = output.stat().st_mtime_ns
    assert_bad_input(*run("solve", str(CORPUS / name), "-o", str(output)), EXPECTED[name])
    assert output.read_text() == OLD_PLAN and output.stat().st_mtime_ns == before
    assert [path.name for path in tmp_path.iterdir()] == ["existing.json"]


def test_bad_input_on_standard_input() -> None:
    result = CliRunner().invoke(
        main, ["validate", "-"], input=(CORPUS / "week-not-monday.json").read_bytes()
    )
    assert_bad_input(
        result.exit_code, result.stdout, result.stderr, EXPECTED["week-not-monday.json"]
    )


def pairwise_process(*arguments: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run the command line as a real process, as a user would."""
    done = subprocess.run(
        [sys.executable, "-c", "from pairwise.cli import main; main()", *arguments],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    return done.returncode, done.stdout, done.stderr


def test_the_real_entry_point_prints_no_traceback() -> None:
    for name in ("latin1.json", "nested-too-deeply.json", "bool-as-number.json"):
        assert_bad_input(*pairwise_process("validate", str(CORPUS / name)), EXPECTED[name])


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert_bad_input(*run("validate", str(tmp_path / "nowhere.json")), ["no such file"])
    # a folder is read as a workbook's sheets saved as CSV files
    assert_bad_input(*run("validate", str(tmp_path)), ["holds no CSV files"])


# --- hostile sizes ------------------------------------------------------------------------------


def test_byte_limit_names_the_variable() -> None:
    code, out, err = run("validate", str(VALID), env={MAX_BYTES_VARIABLE: "1000"})
    size = VALID.stat().st_size
    assert_bad_input(
        code,
        out,
        err,
        [f"is {size:,} bytes, over the limit of 1,000; set PAIRWISE_MAX_BYTES to a larger number"],
    )


def test_byte_limit_on_standard_input() -> None:
    result = CliRunner().invoke(
        main, ["validate", "-"], input=VALID.read_bytes(), env={MAX_BYTES_VARIABLE: "1000"}
    )
    assert_bad_input(
        result.exit_code,
        result.stdout,
        result.stderr,
        ["-: is over the limit of 1,000 bytes; set PAIRWISE_MAX_BYTES"],
    )


def test_teacher_limit_names_the_variable() -> None:
    code, out, err = run("validate", str(VALID), env={MAX_TEACHERS_VARIABLE: "3"})
    assert_bad_input(
        code,
        out,
        err,
        [
            "teachers: 7 teachers is over the limit of 3; set PAIRWISE_MAX_TEACHERS to a larger number"
        ],
    )


def test_a_limit_that_is_not_a_number() -> None:
    code, out, err = run("validate", str(VALID), env={MAX_BYTES_VARIABLE: "lots"})
    assert_bad_input(code, out, err, ["PAIRWISE_MAX_BYTES: 'lots' is not a whole number"])


def test_a_200_megabyte_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as stream:  # sparse: nothing is written, the size is what counts
        stream.truncate(200 * 1024 * 1024)
    assert_bad_input(
        *run("validate", str(path)),
        ["is 209,715,200 bytes, over the limit of 67,108,864; set PAIRWISE_MAX_BYTES"],
    )


def test_a_100000_teacher_roster_is_refused_without_building_it(tmp_path: Path) -> None:
    document = json.loads(VALID.read_text())
    document["teachers"] = [
        {"id": f"t{i}", "name": f"Teacher {i}", "teaches": ["mon-1"]} for i in range(100_000)
    ]
    path = tmp_path / "district.json"
    path.write_text(json.dumps(document))
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("PAIRWISE_")
    }
    # a middle process runs `pairwise validate` as its only child and reports that child's peak
    middle = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "sys.stderr.write(done.stderr)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.exit(done.returncode)\n"
    )
    command = [sys.executable, "-c", "from pairwise.cli import main; main()", "validate", str(path)]
    done = subprocess.run(
        [sys.executable, "-c", middle, *command],
        capture_output=True,
        text=True,
        check=False,
        env=environment,
    )
    assert_bad_input(
        done.returncode,
        "",
        done.stderr,
        ["teachers: 100,000 teachers is over the limit of 20,000; set PAIRWISE_MAX_TEACHERS"],
    )
    # parsing the JSON is all it costs: far from an out-of-memory kill
    assert int(done.stdout) / 1024 < 600


# --- structured mutations of a valid roster -----------------------------------------------------

BASE: dict[str, Any] = json.loads(VALID.read_text())
# removing one of these orphans references elsewhere, which are reported where they refer
ORPHANING = {("teams",), ("teachers",)}


def locations(value: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += locations(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += locations(child, (*prefix, index))
    return found


def json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


OTHER_VALUES: list[Any] = [None, True, 12345, 1.5, "mutated", [], {}]
ALL_LOCATIONS = locations(BASE)
FIELD_LOCATIONS = [loc for loc in ALL_LOCATIONS if isinstance(loc[-1], str)]


def holder_of(document: Any, location: tuple[str | int, ...]) -> Any:
    holder = document
    for part in location[:-1]:
        holder = holder[part]
    return holder


def outcome(document: Any) -> list[tuple[str, str]] | None:
    """None when the roster is valid, else its problems; anything but InputError fails the test."""
    try:
        roster_from_data(document)
    except InputError as error:
        assert error.problems
        return [(problem.path, problem.message) for problem in error.problems]
    return None


def names(path: str, location: tuple[str | int, ...]) -> bool:
    """Whether a problem's path is the location or lies inside it."""
    target = format_path(location)
    return path == target or path.startswith((f"{target}.", f"{target}["))


MUTATIONS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@MUTATIONS
@given(st.sampled_from([loc for loc in FIELD_LOCATIONS if loc not in ORPHANING]))
def test_dropping_a_field(location: tuple[str | int, ...]) -> None:
    document = copy.deepcopy(BASE)
    del holder_of(document, location)[location[-1]]
    problems = outcome(document)
    # a field with a default may go; a required one is named
    assert problems is None or any(names(path, location) for path, _ in problems), problems


@MUTATIONS
@given(st.sampled_from(FIELD_LOCATIONS), st.sampled_from(["x", "_", "s"]))
def test_renaming_a_field(location: tuple[str | int, ...], suffix: str) -> None:
    document = copy.deepcopy(BASE)
    holder = holder_of(document, location)
    renamed = f"{location[-1]}{suffix}"
    holder[renamed] = holder.pop(location[-1])
    problems = outcome(document)
    assert problems is not None
    new_location = (*location[:-1], renamed)
    unknown = [m for path, m in problems if path == format_path(new_location)]
    assert unknown and unknown[0].startswith(f"unknown field '{renamed}'"), problems
    assert f"did you mean '{location[-1]}'?" in unknown[0]


@MUTATIONS
@given(st.sampled_from(ALL_LOCATIONS), st.sampled_from(OTHER_VALUES))
def test_retyping_a_value(location: tuple[str | int, ...], value: Any) -> None:
    document = copy.deepcopy(BASE)
    holder = holder_of(document, location)
    if json_kind(holder[location[-1]]) == json_kind(value):
        return  # not a change of type
    holder[location[-1]] = value
    problems = outcome(document)
    # an optional field may become null; any other change of type is named where it is
    assert problems is None or any(names(path, location) for path, _ in problems), problems

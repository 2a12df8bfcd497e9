"""Validation fuzz: on any input the loaders and `check` raise nothing but `InputError`."""

from __future__ import annotations

import contextlib
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairwise.checker.entry import check
from pairwise.errors import InputError
from pairwise.roster.load import (
    load_plan,
    load_roster,
    parse_json,
    plan_from_json,
    roster_from_data,
    roster_from_json,
)
from tests.helpers import fixture_path, load_fixture
from tests.strategies import roster_data

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every location inside a JSON value."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths(child, (*prefix, index))
    return found


@st.composite
def mutated_rosters(draw: Any) -> Any:
    """A valid roster with one value replaced by arbitrary JSON, or one key removed."""
    document = copy.deepcopy(draw(roster_data(max_teachers=6)))
    locations = [path for path in paths(document) if path]
    location = draw(st.sampled_from(locations))
    holder: Any = document
    for part in location[:-1]:
        holder = holder[part]
    if isinstance(holder, dict) and draw(st.booleans()):
        del holder[location[-1]]
    else:
        holder[location[-1]] = draw(json_values)
    return document


def only_input_errors(document: Any) -> None:
    try:
        roster_from_data(document)
    except InputError as error:
        assert error.problems, "an InputError names at least one problem"
        for problem in error.problems:
            assert problem.message


@FUZZ
@given(json_values)
def test_arbitrary_json_roster(document: Any) -> None:
    only_input_errors(document)


@FUZZ
@given(mutated_rosters())
def test_mutated_roster(document: Any) -> None:
    only_input_errors(document)


@FUZZ
@given(st.text(max_size=200))
def test_arbitrary_text(text: str) -> None:
    for reader in (roster_from_json, plan_from_json, parse_json):
        with contextlib.suppress(InputError):
            reader(text)


@FUZZ
@given(json_values | st.fixed_dictionaries({"roster": json_values, "status": json_values}))
def test_arbitrary_plan_then_check(document: Any) -> None:
    roster = load_fixture("check_small")
    try:
        plan = plan_from_json(json.dumps(document))
    except InputError:
        return
    check(roster, plan)


@FUZZ
@given(st.data())
def test_mutated_plan_is_read_or_refused_and_then_checked(data: st.DataObject) -> None:
    """A valid plan with one value replaced: refused as input, or checked without an exception."""
    roster = load_fixture("check_small")
    document = json.loads(fixture_path("check_small_plan").read_text())
    location = data.draw(st.sampled_from([path for path in paths(document) if path]))
    holder: Any = document
    for part in location[:-1]:
        holder = holder[part]
    holder[location[-1]] = data.draw(json_values)
    try:
        plan = plan_from_json(json.dumps(document))
    except InputError:
        return
    report = check(roster, plan)
    assert report.objective == sum(report.terms.values())


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    cases = {
        "missing.json": None,
        "empty.json": b"",
        "blank.json": b"  \n",
        "latin1.json": '{"name": "Zo\xeb"}'.encode("latin-1"),
        "broken.json": b'{"format": ',
        "nan.json": b'{"year": NaN}',
        "list.json": b"[1, 2]",
    }
    for name, content in cases.items():
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        for loader in (load_roster, load_plan):
            with pytest.raises(InputError) as caught:
                loader(path)
            assert caught.value.problems, name
    with pytest.raises(InputError, match="is a folder"):
        load_roster(tmp_path)

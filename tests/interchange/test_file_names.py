"""File names made from free-text ids: flat, portable, distinct."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pairwise.interchange.file_names import safe_file_name, safe_file_names


def test_an_id_with_slashes_is_one_flat_file() -> None:
    assert safe_file_name("Math/Science/ana", ".ics") == "Math%2FScience%2Fana.ics"
    assert safe_file_name("SEN\\Inclusion", ".ics") == "SEN%5CInclusion.ics"


def test_names_windows_and_hidden_files_refuse_are_encoded() -> None:
    assert safe_file_name("CON", ".ics") == "%43ON.ics"
    assert safe_file_name("nul", ".ics") == "%6Eul.ics"
    assert safe_file_name(".profile", ".ics") == "%2Eprofile.ics"
    assert safe_file_name("a:b*c?", ".ics") == "a%3Ab%2Ac%3F.ics"


def test_a_very_long_id_is_shortened_and_stays_distinct() -> None:
    first, second = "x" * 300 + "1", "x" * 300 + "2"
    names = {safe_file_name(first, ".ics"), safe_file_name(second, ".ics")}
    assert len(names) == 2 and all(len(name.encode()) <= 255 for name in names)


def test_ids_differing_only_in_case_get_different_names_where_case_folds() -> None:
    names = safe_file_names(["Ana", "ana", "ben"], ".ics")
    assert names["ben"] == "ben.ics"
    assert len({name.lower() for name in names.values()}) == 3


@given(st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=8, unique=True))
def test_any_ids_give_flat_distinct_names(ids: list[str]) -> None:
    names = safe_file_names(ids, ".ics")
    assert len({name.lower() for name in names.values()}) == len(ids)
    for name in names.values():
        assert "/" not in name and "\\" not in name and "\0" not in name
        assert not name.startswith(".") and len(name.encode()) <= 255

from __future__ import annotations

import pytest

from namndbot.domain.errors import NameLookupError
from namndbot.domain.names import fold, join_names, match_name


def test_fold_ignores_case_and_diacritics():
    assert fold("  Mattias  MÅRDENFJORD ") == "mattias mardenfjord"
    assert fold("Ann-Louise Ebérus") == "ann-louise eberus"


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Mattias Mårdenfjord", "Mattias Mårdenfjord"),
        ("mattias mardenfjord", "Mattias Mårdenfjord"),
        ("MÅRDENFJORD", "Mattias Mårdenfjord"),
        ("westm", "Martin Westmont"),
        ("ann-louise", "Ann-Louise Ebérus"),
        ("eberus", "Ann-Louise Ebérus"),
        ("salar", "Salar Rashid"),
    ],
)
def test_match(amn, query, expected):
    assert match_name(query, amn.members, lambda m: m.name).name == expected


def test_ambiguous_lists_the_candidates(amn):
    with pytest.raises(NameLookupError) as exc:
        match_name("Johan", amn.members, lambda m: m.name)
    assert exc.value.candidates == ["Johan Paccamonti", "Johan Hjelm"]
    assert "Johan Paccamonti och Johan Hjelm" in str(exc.value)


def test_unknown_suggests(amn):
    with pytest.raises(NameLookupError) as exc:
        match_name("Martin Vestmont", amn.members, lambda m: m.name)
    assert "Menade du Martin Westmont?" in str(exc.value)


def test_unknown_without_suggestion_lists_everyone(amn):
    with pytest.raises(NameLookupError) as exc:
        match_name("Zyx", amn.members, lambda m: m.name)
    assert len(exc.value.candidates) == 26


def test_join_names():
    assert join_names([]) == ""
    assert join_names(["A"]) == "A"
    assert join_names(["A", "B", "C"]) == "A, B och C"

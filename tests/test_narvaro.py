"""The protocol's "Närvarande" section, checked against seed 002 and the forms the issue names."""

from __future__ import annotations

import re

from namndbot.domain import narvaro
from namndbot.domain.names import fold
from namndbot.domain.turordning import Forhinder, Situation, plan

from .conftest import PROTOCOL_2019_11_26


def away(name, first=1, last=16, jav=False):
    return Forhinder(fold(name), first, last, jav)


def section(amn, *forhinder, declined=(), paragraphs=16, present=None) -> str:
    s = Situation(
        amn,
        paragraphs,
        tuple(forhinder),
        frozenset(fold(d) for d in declined),
        present=None if present is None else frozenset(fold(p) for p in present),
    )
    return narvaro.render_text(narvaro.build(s, plan(s)))


def words(text: str) -> str:
    return " ".join(text.split())


def protocol_section() -> str:
    """Seed 002's Närvarande section, up to the officials' sentence."""
    text = PROTOCOL_2019_11_26.read_text(encoding="utf-8")
    return words(text[: text.index("Föredragande vid")])


def test_seed_002_is_reproduced_word_for_word(amn):
    out = section(amn, away("Martin Westmont"))
    assert "Tjänstg. ers. Mattias Mårdenfjord (SD) för Martin Westmont (SD)" in out.splitlines()
    assert "Förhinder hade anmälts av ledamoten Martin Westmont (SD)." in out.splitlines()
    # The whole section, as words, is the protocol's.
    assert words(out) == protocol_section()


def test_forhinder_sentence_plural_and_samt(amn):
    out = section(amn, away("Johan Paccamonti"), away("Jennyfer Redin"), away("Jessica Sjönell"), away("Johan Hjelm"))
    assert (
        "Förhinder hade anmälts av ledamöterna Johan Paccamonti (M), Jennyfer Redin (M) och "
        "Jessica Sjönell (L) samt ersättaren Johan Hjelm (L)."
    ) in out
    assert "Tjänstg. ers. Börje Häggman (M) för Johan Paccamonti (M)" in out


def test_forhinder_sentence_ersattare_only_and_plural(amn):
    out = section(amn, away("Johan Hjelm"), away("Maria Jansson"))
    assert "Förhinder hade anmälts av ersättarna Johan Hjelm (L) och Maria Jansson (Fi)." in out
    assert "Tjänstg. ers." not in out


def test_no_forhinder_no_sentence(amn):
    out = section(amn)
    assert "Förhinder" not in out
    assert "Tjänstg. ers." not in out


def test_partial_presence_as_the_protocols_write_it(amn):
    out = section(amn, away("Stefan Hansson", 11, 16))
    lines = [line.strip() for line in out.splitlines()]
    assert "Stefan Hansson (S) närvarande till §10" in lines
    assert "Tjänstg. ers. Erik Persson (S) för Stefan Hansson (S) §11-16" in lines
    assert "Erik Persson (S) §1-10" in lines  # under Ersättarna
    assert "Förhinder hade" not in out  # partly present: not in the sentence


def test_late_arrival(amn):
    out = section(amn, away("Åsa Janlöv", 1, 4))
    lines = [line.strip() for line in out.splitlines()]
    assert "Åsa Janlöv (S) närvarande från §5" in lines
    assert "Tjänstg. ers. Erik Persson (S) för Åsa Janlöv (S) §1-4" in lines


def test_jav_is_noted_with_who_served_instead(amn):
    out = section(amn, away("Stefan Hansson", 7, 7, jav=True))
    lines = [line.strip() for line in out.splitlines()]
    # Jäv is absence (KL 6 kap. 30 §): present at the meeting, but not in § 7.
    assert "Stefan Hansson (S) närvarande §1-6, §8-16" in lines
    assert "Tjänstg. ers. Erik Persson (S) för Stefan Hansson (S) §7" in lines
    assert (
        "Ledamoten Stefan Hansson (S) deltog på grund av jäv inte i handläggningen av § 7; "
        "ersättaren Erik Persson (S) tjänstgjorde i stället."
    ) in lines


def test_ersattare_with_partial_forhinder_is_listed_with_their_paragraphs(amn):
    out = section(amn, away("Maria Jansson", 1, 5))
    assert "Maria Jansson (Fi) §6-16" in out


def test_chair_absent_drops_the_role_line(amn):
    out = section(amn, away("Fredrik Lindstål"))
    assert "Ordförande" not in out
    assert "Vice ordf. Salar Rashid (S)" in out
    assert re.search(r"Tjänstg\. ers\. Mathias Mellgren Helge \(C\) för Fredrik Lindstål \(C\)", out)


def test_declined_ersattare_is_not_listed_as_present(amn):
    out = section(amn, away("Martin Westmont"), declined=["Mattias Mårdenfjord"])
    assert "Mattias Mårdenfjord" in out.split("Förhinder hade anmälts av")[1]
    assert "Tjänstg. ers." not in out


def test_once_started_only_present_ersattare_are_listed(amn):
    out = section(amn, present=["Börje Häggman", "Erik Persson"])
    assert "Ersättarna Börje Häggman (M)" in out
    assert "Erik Persson (S)" in out
    assert "Arslan Bicen" not in out


def test_warnings_for_vacancy_and_quorum(amn):
    s = Situation(amn, 16, (away("Martin Westmont"), away("Mattias Mårdenfjord")))
    n = narvaro.build(s, plan(s))
    assert n.warnings == (
        "Platsen för Martin Westmont (SD) är vakant (hela sammanträdet): ingen ersättare kan kallas in.",
    )


def test_span_words():
    from namndbot.domain.paragraphs import span_words

    assert span_words(1, 16, 16) == "hela sammanträdet"
    assert span_words(1, 1, None) == "hela sammanträdet"  # a meeting without paragraphs
    assert span_words(7, 7, 16) == "§ 7"  # not "§§ 7–7"
    assert span_words(11, 16, 16) == "§§ 11–16"  # the house form: an en dash


def test_one_formatter_writes_every_range_in_the_house_form():
    from namndbot.domain.meeting import Anmalan
    from namndbot.domain.names import obs
    from namndbot.domain.paragraphs import format_mask, format_numbers, range_text, span

    assert range_text(201, 19) == "§§ 201–219" and range_text(201, 1) == "§ 201"
    assert format_mask(span(1, 6) | span(8, 26), base=194) == "§§ 194–199, §§ 201–219"
    assert format_numbers([4, 5, 9]) == "§§ 4–5, § 9"
    assert Anmalan("x", 8, None).describe(26, 194) == "från § 201"
    assert Anmalan("x", None, 7).describe(26, 194) == "§§ 194–200"
    assert Anmalan("x", 3, 3, jav=True).describe(26, 194) == "§ 196 (jäv)"
    assert obs("platsen för X är vakant.") == obs("Obs: Platsen för X är vakant.") == "Obs: Platsen för X är vakant."

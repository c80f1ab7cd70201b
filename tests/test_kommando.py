"""Reading what members type after /namnd, and the dates they mean."""

from __future__ import annotations

from datetime import date

import pytest

from namndbot.domain.kommando import CommandError, parse_command, resolve_date

COMMITTEES = {"AMN", "KS"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("förhinder 17 mars", dict(verb="forhinder", when="17 mars")),
        ("Förhinder", dict(verb="forhinder", when=None)),
        ("forhinder nästa till §10", dict(verb="forhinder", when="nästa", until_paragraph=10)),
        ("förhinder 17/3 från § 5", dict(verb="forhinder", when="17/3", from_paragraph=5)),
        ("förhinder 17 mars §7 jäv", dict(verb="forhinder", when="17 mars", span=(7, 7), jav=True)),
        ("förhinder 17 mars § 7-9 (jäv)", dict(verb="forhinder", when="17 mars", span=(7, 9), jav=True)),
        # As the bot confirms it, and with jäv first.
        ("förhinder 26 november §§ 200–203 (jäv)", dict(when="26 november", span=(200, 203), jav=True)),
        ("förhinder 26 november §§ 200-203 jäv", dict(when="26 november", span=(200, 203), jav=True)),
        ("förhinder 26 november jäv § 200", dict(when="26 november", span=(200, 200), jav=True)),
        ("förhinder 26 november jäv i §§ 200-203", dict(when="26 november", span=(200, 203), jav=True)),
        ("förhinder 26 november jav §7", dict(when="26 november", span=(7, 7), jav=True)),
        ("förhinder tisdag kommer 17.30", dict(verb="forhinder", when="tisdag", tid="kommer 17:30")),
        ("förhinder tisdag går kl. 9.05", dict(verb="forhinder", when="tisdag", tid="går 09:05")),
        ("förhinder AMN 2020-03-17", dict(verb="forhinder", committee="AMN", when="2020-03-17")),
        ("förhinder amn 17 mars", dict(verb="forhinder", committee="AMN", when="17 mars")),
        ("förhinder 17 mars för Martin Westmont", dict(verb="forhinder", when="17 mars", for_name="Martin Westmont")),
        (
            "förhinder 26 november för Åsa Janlöv från §5",
            dict(verb="forhinder", when="26 november", for_name="Åsa Janlöv", from_paragraph=5),
        ),
        # Words that cannot be misread (issue 11): "kommer till § 8" is an arrival, not "till § 8".
        ("förhinder 17 mars kommer till § 8", dict(verb="forhinder", when="17 mars", from_paragraph=8)),
        ("förhinder 17 mars går efter § 7", dict(verb="forhinder", when="17 mars", until_paragraph=7)),
        ("förhinder 17 mars till och med § 10", dict(verb="forhinder", when="17 mars", until_paragraph=10)),
        ("förhinder 17 mars t.o.m. § 10", dict(verb="forhinder", when="17 mars", until_paragraph=10)),
        ("förhinder 26 november till § 200", dict(verb="forhinder", when="26 november", until_paragraph=200)),
        ("återkalla 17 mars", dict(verb="aterkalla", when="17 mars")),
        ("aterkalla", dict(verb="aterkalla", when=None)),
        ("närvaro", dict(verb="narvaro")),
        ("kalender", dict(verb="kalender")),
        ("hjälp", dict(verb="hjalp")),
        ("", dict(verb="hjalp")),
    ],
)
def test_parse(text, expected):
    cmd = parse_command(text, COMMITTEES)
    for key, value in expected.items():
        assert getattr(cmd, key) == value, (key, cmd)


@pytest.mark.parametrize(
    "text, message",
    [
        ("semester", "Jag förstår inte ”semester”."),
        ("förhinder 17 mars till §10 från §2", "Ange bara en av"),
        ("förhinder 17 mars kommer 25.00", "är ingen tid"),
    ],
)
def test_parse_errors(text, message):
    with pytest.raises(CommandError, match=message):
        parse_command(text, COMMITTEES)


MEETINGS = [date(2020, 2, 11), date(2020, 3, 17), date(2020, 4, 21), date(2020, 12, 15)]
TODAY = date(2020, 3, 10)  # a Tuesday


@pytest.mark.parametrize(
    "words, expected",
    [
        (None, date(2020, 3, 17)),
        ("nästa", date(2020, 3, 17)),
        ("tisdag", date(2020, 3, 17)),
        ("tisdagen", date(2020, 3, 17)),
        ("nästa tisdag", date(2020, 3, 17)),
        ("17/3", date(2020, 3, 17)),
        ("17 mars", date(2020, 3, 17)),
        ("den 17 mars", date(2020, 3, 17)),
        ("17 MARS 2020", date(2020, 3, 17)),
        ("21 apr", date(2020, 4, 21)),
        ("2020-12-15", date(2020, 12, 15)),
        ("11 februari", date(2020, 2, 11)),  # past, but the only one with that date
    ],
)
def test_resolve(words, expected):
    assert resolve_date(words, TODAY, MEETINGS) == expected


@pytest.mark.parametrize(
    "words, message",
    [
        ("18 mars", "Det finns inget sammanträde 18 mars (2020-03-18)."),
        ("onsdag", "Det finns inget kommande sammanträde en onsdag."),
        ("30 februari", "inget giltigt datum"),
        ("i övermorgon", "Jag förstår inte datumet"),
        ("idag", "Det finns inget sammanträde i dag"),
    ],
)
def test_resolve_errors(words, message):
    with pytest.raises(CommandError) as exc:
        resolve_date(words, TODAY, MEETINGS)
    assert message in str(exc.value)
    assert (
        exc.value.hint is None
        or exc.value.hint.startswith("Kommande sammanträden: 17 mars 2020")
        or "Skriv t.ex." in exc.value.hint
    )

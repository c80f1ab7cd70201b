"""The turordning engine, rule by rule, on the Arbetsmarknadsnämnd of 2019.

AMN's M seats are Ström, Paccamonti, Redin and Hedrup; M has three
ersättare (Häggman, Bicen, Ebérus). S has three (Persson, Törnestam,
Carlsson), V one (Lundgren), SD one (Mårdenfjord, with no other party to
call on).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from namndbot.domain.model import CommitteeSettings
from namndbot.domain.names import fold
from namndbot.domain.turordning import Forhinder, Rule, Situation, plan


def away(name: str, first: int = 1, last: int = 16, *, jav: bool = False) -> Forhinder:
    return Forhinder(fold(name), first, last, jav)


def serving(p) -> list[tuple[str, str, int, int]]:
    """(ersättare, for ledamot, first, last) by surname, for short assertions."""
    return [(a.ersattare.split()[-1], a.seat.split()[-1], a.first, a.last) for a in p.assignments]


def situation(amn, *forhinder, declined=(), previous=(), paragraphs=16, **kw) -> Situation:
    return Situation(amn, paragraphs, tuple(forhinder), frozenset(fold(d) for d in declined), tuple(previous), **kw)


def test_seed_002_westmont_is_replaced_by_his_partys_ersattare(amn):
    p = plan(situation(amn, away("Martin Westmont")))
    assert serving(p) == [("mardenfjord", "westmont", 1, 16)]
    assert p.assignments[0].rule is Rule.EGET_PARTI
    assert p.assignments[0].explanation == "SD:s egen ersättare, nr 1 i partiets ordning"
    assert p.vacancies == () and p.beslutfor


def test_rule1_partial_forhinder_leaves_a_vacancy_for_exactly_those_paragraphs(amn):
    p = plan(situation(amn, away("Stefan Hansson", 11, 16)))
    assert serving(p) == [("persson", "hansson", 11, 16)]


def test_rule2_own_party_in_order_and_vacancies_in_seat_order(amn):
    # Reported in reverse seat order: the seat order still decides who gets nr 1.
    p = plan(situation(amn, away("Jennyfer Redin"), away("Andrea Ström")))
    assert serving(p) == [("haggman", "strom", 1, 16), ("bicen", "redin", 1, 16)]


def test_rule2_own_party_vacancies_come_before_serving_another_party(amn):
    # L's seat is vacant and L's own ersättare is free; M needs four. Hjelm (L) must
    # serve L, not be taken by M's list (which starts with L).
    absent = [away(n) for n in ("Andrea Ström", "Johan Paccamonti", "Jennyfer Redin", "Tom Hedrup", "Jessica Sjönell")]
    p = plan(situation(amn, *absent))
    assert ("hjelm", "sjonell", 1, 16) in serving(p)
    assert ("helge", "hedrup", 1, 16) in serving(p)  # M's list: L (busy), then C
    hedrup = next(a for a in p.assignments if a.seat == fold("Tom Hedrup"))
    assert hedrup.rule is Rule.PARTILISTA
    assert "C är parti nr 2" in hedrup.explanation


def test_two_parties_short_of_ersattare_at_once(amn):
    # S: Rashid, Janlöv, Hansson away (three S ersättare: enough). V: both away, one V ersättare.
    # M: all four away, three M ersättare.
    absent = [
        away(n)
        for n in (
            "Salar Rashid",
            "Åsa Janlöv",
            "Stefan Hansson",
            "Rashid Mohammed",
            "Frida Mörtlund",
            "Andrea Ström",
            "Johan Paccamonti",
            "Jennyfer Redin",
            "Tom Hedrup",
        )
    ]
    p = plan(situation(amn, *absent))
    got = serving(p)
    assert ("persson", "rashid", 1, 16) in got
    assert ("tornestam", "janlov", 1, 16) in got
    assert ("carlsson", "hansson", 1, 16) in got
    assert ("lundgren", "mohammed", 1, 16) in got
    assert ("jansson", "mortlund", 1, 16) in got  # V's list: S (all busy), then Fi
    assert ("hjelm", "hedrup", 1, 16) in got  # M's list: L first
    assert p.vacancies == ()


def test_rule4_an_ersattare_who_is_also_prevented_is_skipped(amn):
    p = plan(situation(amn, away("Andrea Ström"), away("Börje Häggman")))
    assert serving(p) == [("bicen", "strom", 1, 16)]


def test_rule4_partially_prevented_ersattare_serves_what_they_can_and_the_next_the_rest(amn):
    # Häggman can't come until §6: Bicen serves §1-5 and keeps the seat ("har alltid företräde").
    p = plan(situation(amn, away("Andrea Ström"), away("Börje Häggman", 1, 5)))
    assert serving(p) == [("bicen", "strom", 1, 16)]
    # Häggman must leave after §10: he serves §1-10, Bicen takes over.
    p = plan(situation(amn, away("Andrea Ström"), away("Börje Häggman", 11, 16)))
    assert serving(p) == [("haggman", "strom", 1, 10), ("bicen", "strom", 11, 16)]


def test_rule4_a_decline_moves_the_call_to_the_next_in_order(amn):
    first = plan(situation(amn, away("Martin Westmont"), away("Andrea Ström")))
    assert serving(first) == [("haggman", "strom", 1, 16), ("mardenfjord", "westmont", 1, 16)]
    after = plan(
        situation(
            amn, away("Martin Westmont"), away("Andrea Ström"), declined=["Börje Häggman"], previous=first.assignments
        )
    )
    assert serving(after) == [("bicen", "strom", 1, 16), ("mardenfjord", "westmont", 1, 16)]


def test_rule4_no_ersattare_serves_two_seats_at_the_same_paragraph(amn):
    # Häggman would be first for both; he serves Ström, Bicen serves Paccamonti.
    p = plan(situation(amn, away("Andrea Ström", 1, 8), away("Johan Paccamonti", 5, 16)))
    assert serving(p) == [("haggman", "strom", 1, 8), ("bicen", "paccamonti", 5, 16)]


def test_rule5_a_late_forhinder_does_not_move_earlier_assignments(amn):
    first = plan(situation(amn, away("Johan Paccamonti")))
    assert serving(first) == [("haggman", "paccamonti", 1, 16)]
    # Ström holds an earlier seat; a fresh plan would give her Häggman. Stability keeps him.
    later = plan(situation(amn, away("Johan Paccamonti"), away("Andrea Ström"), previous=first.assignments))
    assert serving(later) == [("bicen", "strom", 1, 16), ("haggman", "paccamonti", 1, 16)]
    fresh = plan(situation(amn, away("Johan Paccamonti"), away("Andrea Ström")))
    assert serving(fresh) == [("haggman", "strom", 1, 16), ("bicen", "paccamonti", 1, 16)]


def test_rule5_a_withdrawal_releases_only_that_seat(amn):
    first = plan(situation(amn, away("Andrea Ström"), away("Johan Paccamonti")))
    later = plan(situation(amn, away("Johan Paccamonti"), previous=first.assignments))
    assert serving(later) == [("bicen", "paccamonti", 1, 16)]


def test_partial_presence_until_and_from(amn):
    # Hansson present until §10; Janlöv arrives at §5.
    p = plan(situation(amn, away("Stefan Hansson", 11, 16), away("Åsa Janlöv", 1, 4)))
    assert serving(p) == [("persson", "janlov", 1, 4), ("persson", "hansson", 11, 16)]


def test_rule7_a_seat_nobody_can_fill_stays_vacant_and_is_reported(amn):
    p = plan(situation(amn, away("Martin Westmont"), away("Mattias Mårdenfjord")))
    assert p.assignments == ()
    assert [(v.seat, v.party, v.first, v.last) for v in p.vacancies] == [("martin westmont", "SD", 1, 16)]
    assert p.beslutfor  # twelve of thirteen seats filled


def test_rule6_loss_of_quorum_is_reported_with_its_paragraphs(amn):
    # Seven of thirteen seats empty from §9 (SD, and six whose parties' ersättare are all away).
    ers_away = [away(e.name) for e in amn.ersattare]
    seats = [
        away(n, 9, 16)
        for n in (
            "Andrea Ström",
            "Johan Paccamonti",
            "Jennyfer Redin",
            "Tom Hedrup",
            "Jessica Sjönell",
            "Magnus Runsten",
        )
    ]
    p = plan(situation(amn, *ers_away, *seats, away("Martin Westmont")))
    assert not p.beslutfor
    assert p.not_quorate == ((9, 16),)
    # Six empty seats of thirteen leaves seven: quorate.
    p = plan(situation(amn, *ers_away, *seats[:5], away("Martin Westmont")))
    assert p.beslutfor


def test_every_assignment_explains_itself(amn):
    absent = [away(n) for n in ("Andrea Ström", "Johan Paccamonti", "Jennyfer Redin", "Tom Hedrup", "Martin Westmont")]
    for a in plan(situation(amn, *absent)).assignments:
        assert a.explanation and a.rule in Rule
        assert "nr " in a.explanation


def test_jav_ledamot_returns_for_the_next_paragraph(amn):
    p = plan(situation(amn, away("Stefan Hansson", 7, 7, jav=True)))
    assert serving(p) == [("persson", "hansson", 7, 7)]


def test_jav_of_a_serving_ersattare_keeps_the_seat_around_the_gap(amn):
    p = plan(situation(amn, away("Andrea Ström"), away("Börje Häggman", 7, 7, jav=True)))
    assert serving(p) == [("haggman", "strom", 1, 6), ("bicen", "strom", 7, 7), ("haggman", "strom", 8, 16)]
    back = p.assignments[2]
    assert back.rule is Rule.ATER_EFTER_JAV
    assert back.explanation.startswith("Åter efter jäv i § 7")


def test_one_unit_meeting(amn):
    p = plan(situation(amn, away("Martin Westmont", 1, 1), paragraphs=1))
    assert serving(p) == [("mardenfjord", "westmont", 1, 1)]


@pytest.mark.parametrize(
    "events",
    [
        [away("Andrea Ström"), away("Martin Westmont"), away("Börje Häggman", 4, 9)],
        [away("Stefan Hansson", 11, 16), away("Åsa Janlöv", 1, 4), away("Erik Persson", 7, 7, jav=True)],
        [away(n) for n in ("Salar Rashid", "Åsa Janlöv", "Stefan Hansson", "Rashid Mohammed", "Frida Mörtlund")],
    ],
)
def test_replanning_an_unchanged_situation_changes_nothing(amn, events):
    p = plan(situation(amn, *events))
    again = plan(situation(amn, *events, previous=p.assignments))
    assert again == p


def test_vaxeltjanstgoring_an_ersattare_who_left_does_not_serve_again(amn):
    # Häggman is away §5-8 (not jäv). He serves §1-4; without växeltjänstgöring he may
    # not come back at §9, so Bicen keeps the seat to the end.
    events = (away("Andrea Ström"), away("Börje Häggman", 5, 8))
    p = plan(situation(amn, *events))
    assert serving(p) == [("haggman", "strom", 1, 4), ("bicen", "strom", 5, 16)]
    allowed = replace(amn, committee=replace(amn.committee, settings=CommitteeSettings(vaxeltjanstgoring=True)))
    p = plan(Situation(allowed, 16, events))
    # With it allowed he is still not moved back in: Bicen, serving, keeps the seat.
    assert serving(p) == [("haggman", "strom", 1, 4), ("bicen", "strom", 5, 16)]

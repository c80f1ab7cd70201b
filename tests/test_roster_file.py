"""The roster file contract: what it reads, and how it says what is wrong."""

from __future__ import annotations

import pytest

from namndbot.domain.errors import RosterError
from namndbot.domain.model import ORDFORANDE, VICE_ORDFORANDE
from namndbot.domain.roster_file import parse_roster

MINIMAL = """
[committee]
name = "Testnämnden"
short = "TN"

[[ledamot]]
name = "Anna Andersson"
party = "S"

[[ersattare]]
name = "Bo Berg"
party = "S"
"""


def test_the_amn_example(amn):
    assert amn.committee.short == "AMN"
    assert amn.committee.default_start.strftime("%H:%M") == "16:00"
    assert [m.name for m in amn.ledamoter][:2] == ["Fredrik Lindstål", "Salar Rashid"]
    assert amn.ledamoter[0].role == ORDFORANDE and amn.ledamoter[1].role == VICE_ORDFORANDE
    assert len(amn.ledamoter) == 13 and len(amn.ersattare) == 13
    assert amn.turordning["M"] == ("L", "C", "KD", "MP")
    assert amn.turordning["SD"] == ()


def test_defaults():
    r = parse_roster(MINIMAL).roster
    assert r.committee.timezone == "Europe/Stockholm"
    assert r.committee.default_start.hour == 16
    assert r.committee.settings.vaxeltjanstgoring is False
    assert r.committee.settings.svarstid_timmar == 24
    assert r.turordning == {}


def test_personal_ersattare_and_settings():
    text = MINIMAL.replace(
        'party = "S"\n\n[[ersattare]]', 'party = "S"\npersonliga_ersattare = ["bo berg"]\n\n[[ersattare]]'
    )
    text = text.replace('short = "TN"', 'short = "TN"\nvaxeltjanstgoring = true\nsvarstid_timmar = 12')
    r = parse_roster(text).roster
    assert r.ledamoter[0].personliga_ersattare == ("bo berg",)
    assert r.committee.settings.vaxeltjanstgoring is True
    assert r.committee.settings.svarstid_timmar == 12


@pytest.mark.parametrize(
    "change, message",
    [
        (('name = "Testnämnden"', 'name = "Testnämnden'), "inte giltig TOML"),
        (('party = "S"\n\n[[ersattare]]', "\n[[ersattare]]"), "ledamot nr 1 (Anna Andersson): [\"']?ledamot nr 1"),
        (
            (
                '[[ledamot]]\nname = "Anna Andersson"\nparty = "S"',
                '[[ledamot]]\nname = "Anna Andersson"\nparty = "S"\nrole = "kung"',
            ),
            "okänd roll ”kung”",
        ),
        (('name = "Bo Berg"', 'name = "Anna Andersson"'), "står två gånger"),
        (('party = "S"\n\n[[ersattare]]', 'party = "S"\nparti = "S"\n\n[[ersattare]]'), "okänd nyckel ”parti”"),
        (('short = "TN"', 'short = "T N"'), "förkortning utan mellanslag"),
        (('short = "TN"', 'short = "TN"\ntimezone = "Europe/Stockhol"'), "okänd tidszon"),
        (('short = "TN"', 'short = "TN"\ndefault_start = "25:00"'), "default_start"),
        (('name = "Bo Berg"', 'name = "Bo Berg"\nslack = "bo"'), "Slack-användar-id"),
        (("[committee]", "[kommitte]"), "okänd tabell"),
    ],
)
def test_bad_files_name_the_member_or_line(change, message):
    old, new = change
    assert old in MINIMAL
    with pytest.raises(RosterError) as exc:
        parse_roster(MINIMAL.replace(old, new, 1))
    import re

    assert re.search(message, str(exc.value)) or message.split(":")[0] in str(exc.value), str(exc.value)


def test_toml_error_names_the_line():
    with pytest.raises(RosterError) as exc:
        parse_roster(MINIMAL.replace('party = "S"', "party = S", 1))
    assert "rad 8, kolumn 9" in str(exc.value)


def test_missing_party_names_member_and_line():
    with pytest.raises(RosterError) as exc:
        parse_roster(MINIMAL.replace('name = "Anna Andersson"\nparty = "S"', 'name = "Anna Andersson"'))
    assert str(exc.value) == "Fel i rosterfilen (rad 6): ledamot nr 1 (Anna Andersson) saknar ”party”."


def test_two_chairs():
    text = MINIMAL.replace(
        'party = "S"\n\n[[ersattare]]',
        'party = "S"\nrole = "ordförande"\n\n[[ledamot]]\nname = "Cilla C"\nparty = "M"\n'
        'role = "Ordförande"\n\n[[ersattare]]',
    )
    with pytest.raises(RosterError, match="bara en ledamot kan vara ordförande"):
        parse_roster(text)


def test_unknown_personal_ersattare():
    text = MINIMAL.replace(
        'party = "S"\n\n[[ersattare]]', 'party = "S"\npersonliga_ersattare = ["Ulla U"]\n\n[[ersattare]]'
    )
    with pytest.raises(RosterError, match="den personliga ersättaren ”Ulla U” finns inte"):
        parse_roster(text)


def test_turordning_that_names_its_own_party():
    with pytest.raises(RosterError, match="nämner S själv"):
        parse_roster(MINIMAL + '\n[turordning]\nS = ["S", "V"]\n')


def test_turordning_naming_an_unknown_party_is_an_error():
    # A typo (”MP ” for ”MP”, ”V” for a party not on the roster) would silently leave a party out of the order.
    with pytest.raises(RosterError, match=r"\(rad 15\): turordningen nämner partiet ”V”, som ingen i rostern tillhör"):
        parse_roster(MINIMAL + '\n[turordning]\nS = ["V"]\n')
    with pytest.raises(RosterError, match="partiet ”X”"):
        parse_roster(MINIMAL + '\n[turordning]\nX = ["S"]\n')


@pytest.mark.parametrize(
    "bad",
    [
        "Anna\\u0007 Andersson",  # a bell
        "Anna\\u200f A",  # a right-to-left mark
        "Anna\\u202e A",  # right-to-left override
        "Anna\\u0000",
        "Anna\\tA",
    ],
)
def test_names_with_control_or_invisible_characters_are_refused(bad):
    text = MINIMAL.replace('name = "Anna Andersson"', f'name = "{bad}"', 1)
    assert text != MINIMAL
    with pytest.raises(RosterError, match="osynligt tecken eller styrtecken"):
        parse_roster(text)


def test_names_are_at_most_100_characters():
    long = "Anna " + "A" * 95
    parsed = parse_roster(MINIMAL.replace('name = "Anna Andersson"', f'name = "{long}"', 1))
    assert any(m.name == long for m in parsed.roster.members)
    with pytest.raises(RosterError, match="namnet är 101 tecken långt; högst 100"):
        parse_roster(MINIMAL.replace('name = "Anna Andersson"', f'name = "{long}B"', 1))
    with pytest.raises(RosterError, match="högst 100") as caught:
        parse_roster(MINIMAL.replace('name = "Anna Andersson"', f'name = "{"A" * 100_000}"', 1))
    assert len(str(caught.value)) < 300  # the message does not repeat the name


def test_a_no_break_space_in_a_name_is_a_space():
    parsed = parse_roster(MINIMAL.replace('name = "Anna Andersson"', 'name = "Anna\\u00a0Andersson"', 1))
    assert any(m.name == "Anna Andersson" for m in parsed.roster.members)


def test_no_ledamoter():
    with pytest.raises(RosterError, match="inga ledamöter"):
        parse_roster('[committee]\nname = "X"\nshort = "X"\n')

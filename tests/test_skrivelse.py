"""Reading förvaltningens "svar på skrivelse" from the text of its PDF."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from namndbot.domain.errors import NamndbotError
from namndbot.domain.skrivelse import (
    Author,
    SkrivelseError,
    SvarPaSkrivelse,
    dehyphenate,
    parse_svar,
)

from .conftest import PROTOCOL_2019_11_26 as PROTOKOLL
from .conftest import SVAR_ASPIRANTER as ASPIRANTER
from .conftest import SVAR_STOCKHOLMSJOBB as STOCKHOLMSJOBB

KEYS = {"title", "dnr", "skrivelse_date", "authors", "questions", "summary", "proposal", "signed_by", "signed_date"}


@pytest.fixture(scope="module")
def aspiranter() -> SvarPaSkrivelse:
    return parse_svar(ASPIRANTER.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def stockholmsjobb() -> SvarPaSkrivelse:
    return parse_svar(STOCKHOLMSJOBB.read_text(encoding="utf-8"))


def svar(about: str, *, head: str = "", title: str = "Svar på skrivelse om sommarjobb") -> str:
    """A small synthetic svar på skrivelse whose Sammanfattning is ``about``."""
    return (
        f"{head}{title}\n\nArbetsmarknadsförvaltningens förslag till beslut\n"
        "1. Arbetsmarknadsnämnden hänvisar till tjänsteutlåtandet.\n\n"
        f"Sammanfattning\n{about}\n\nÄrendets beredning\nÄrendet har beretts inom staben.\n"
    )


# --------------------------------------------------------------------------
# Seed 000: "Svar på skrivelse om trygga arbetsvillkor för aspiranter"


def test_aspiranter_header_fields(aspiranter: SvarPaSkrivelse) -> None:
    assert aspiranter.title == "Svar på skrivelse om trygga arbetsvillkor för aspiranter"
    assert aspiranter.dnr is None
    assert aspiranter.skrivelse_date == date(2020, 12, 8)
    assert aspiranter.authors == (Author("Salar Rashid", "S", others=True),)


def test_aspiranter_questions_are_the_proposed_att_clauses(aspiranter: SvarPaSkrivelse) -> None:
    assert aspiranter.questions == (
        "Att aspiranter inom jobbtorgen har rätt till trygga anställningar och "
        "kollektivavtal eller kollektivavtalsliknande villkor.",
        "Att Integrationspakten ska följa staden riktlinjer och policys.",
        "Att företag och organisationer som vill ingå jobbpartner med staden ska ha "
        "kollektivavtal eller kollektivavtalsliknande villkor.",
    )


def test_aspiranter_summary(aspiranter: SvarPaSkrivelse) -> None:
    assert aspiranter.summary == (
        "I en skrivelse till arbetsmarknadsnämnden daterad den 8 december 2020 efterfrågar "
        "Salar Rashid m.fl. (S) att arbetsvillkoren tryggas för aspiranter inom jobbtorg."
        "\n\n"
        "I svaret beskrivs att arbetsmarknadsförvaltningen gör omfattande kontroller vid "
        "samverkan med arbetsgivare i jobbpartnerskap eller jobbspår. Inga avsteg från krav "
        "på att kollektivavtalslikande villkor har gjorts. I samband med den långsiktiga "
        "utvärderingen och utvecklingen av Integrationspakten pågår även ett arbete med att "
        "utarbeta en ny målstruktur för Integrationspakten och till detta ingår processen "
        "kring kontroll av potentiella medlemmar och jobbpartners."
        "\n\n"
        "Arbetsmarknadsnämnden föreslås hänvisa till förvaltningens tjänsteutlåtande som "
        "sitt svar på skrivelsen."
    )


def test_aspiranter_proposal_and_signatures(aspiranter: SvarPaSkrivelse) -> None:
    # The proposal's one point is broken by a blank line in the PDF text.
    assert aspiranter.proposal == (
        "Arbetsmarknadsnämnden beslutar att hänvisa till förvaltningens tjänsteutlåtande som sitt svar på skrivelsen."
    )
    assert aspiranter.signed_by == ("Karina Uddén", "Karin Eriksson-Bech")
    assert aspiranter.signed_date == date(2021, 3, 24)


def test_signature_block_after_the_line() -> None:
    parsed = parse_svar(svar("Text.") + "\n________\nAnn-Louise af Klercker\nförvaltningschef\n\nBilagor\n1. Skrivelse")
    assert parsed.signed_by == ("Ann-Louise af Klercker",)


def test_aspiranter_signature_block_without_attest_table() -> None:
    text = ASPIRANTER.read_text(encoding="utf-8").split("Attesterat av")[0]
    parsed = parse_svar(text)
    # "Karina Uddén Karin Eriksson-Bech" over two titles: two people.
    assert parsed.signed_by == ("Karina Uddén", "Karin Eriksson-Bech")
    assert parsed.signed_date is None


def test_aspiranter_as_dict_round_trips_through_json(aspiranter: SvarPaSkrivelse) -> None:
    data = aspiranter.as_dict()
    assert set(data) == KEYS
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["skrivelse_date"] == "2020-12-08"
    assert data["signed_date"] == "2021-03-24"
    assert data["authors"] == [{"name": "Salar Rashid", "party": "S", "others": True}]
    assert data["signed_by"] == ["Karina Uddén", "Karin Eriksson-Bech"]
    assert data["questions"] == list(aspiranter.questions)


# --------------------------------------------------------------------------
# Seed 004: double-spaced, title over two lines, signatures near the top


def test_stockholmsjobb_header_fields(stockholmsjobb: SvarPaSkrivelse) -> None:
    assert stockholmsjobb.title == "Svar på skrivelse från Johanna Sjö (M) angående Stockholmsjobb"
    assert stockholmsjobb.dnr is None
    assert stockholmsjobb.skrivelse_date is None
    assert stockholmsjobb.authors == (Author("Johanna Sjö", "M"),)


def test_stockholmsjobb_questions_once_though_listed_twice(stockholmsjobb: SvarPaSkrivelse) -> None:
    assert stockholmsjobb.questions == (
        "När fick förvaltningen i uppdrag att ta fram Stockholmsjobb?",
        "Vad är ett Stockholmsjobb?",
        "Hur förvaltningen redovisar Stockholmsjobb, och hur länge satsningen förväntas pågå?",
        "På vilka sätt ett Stockholmsjobb skiljer sig från tidigare insatser som förvaltningen genomfört?",
    )


def test_stockholmsjobb_summary(stockholmsjobb: SvarPaSkrivelse) -> None:
    summary = stockholmsjobb.summary
    assert summary is not None
    paragraphs = summary.split("\n\n")
    assert paragraphs[0] == (
        "En skrivelse har inkommit till arbetsmarknadsnämnden från Johanna Sjö (M) angående Stockholmsjobb."
    )
    assert paragraphs[1].splitlines() == [
        "Arbetsmarknadsförvaltningen ombeds återkomma med svar på följande frågor:",
        "- När fick förvaltningen i uppdrag att ta fram Stockholmsjobb?",
        "- Vad är ett Stockholmsjobb?",
        "- Hur förvaltningen redovisar Stockholmsjobb, och hur länge satsningen förväntas pågå?",
        "- På vilka sätt ett Stockholmsjobb skiljer sig från tidigare insatser som förvaltningen genomfört?",
    ]
    assert paragraphs[2].startswith(
        "Stockholmjobb är ett samlingsnamn för nämndens olika kommunala visstidsanställningar. I och med att"
    )
    assert paragraphs[2].endswith(
        "Det innebär inget namnbyte av de olika insatserna utan är "
        "snarare ett sätt att gruppera ett antal insatser under ett paraply."
    )
    assert paragraphs[3] == (
        "Stockholmsjobb följs upp på samma sätt som tidigare, varje form av "
        "Stockholmsjobb redovisas och följs upp för sig."
    )
    assert len(paragraphs) == 4


def test_stockholmsjobb_proposal_and_signatures(stockholmsjobb: SvarPaSkrivelse) -> None:
    assert stockholmsjobb.proposal == (
        "Arbetsmarknadsnämnden beslutar att skrivelsen besvaras med hänvisning till "
        "arbetsmarknadsförvaltningens tjänsteutlåtande."
    )
    assert stockholmsjobb.signed_by == ("Arjun Bakshi", "Karin Eriksson Bech")
    assert stockholmsjobb.signed_date is None


def test_stockholmsjobb_as_dict_round_trips_through_json(stockholmsjobb: SvarPaSkrivelse) -> None:
    data = stockholmsjobb.as_dict()
    assert set(data) == KEYS
    assert json.loads(json.dumps(data)) == data
    assert data["skrivelse_date"] is None and data["signed_date"] is None
    assert data["authors"] == [{"name": "Johanna Sjö", "party": "M", "others": False}]


# --------------------------------------------------------------------------
# dehyphenate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("för att under-\nlätta för", "för att underlätta för"),
        ("medlemskap i Integrations-\npakten krävs", "medlemskap i Integrationspakten krävs"),
        ("ramen för jobb-\npartnerskap och jobbspår", "ramen för jobbpartnerskap och jobbspår"),
        ("samverkar i jobb-\nspår", "samverkar i jobbspår"),
        ("Karin Eriksson-\nBech", "Karin Eriksson-Bech"),
        ("Ann-\nLouise Ebérus", "Ann-Louise Ebérus"),
        ("Program för inköp 2020-\n2023.", "Program för inköp 2020-2023."),
        ("praktik och APL-\nplatser till", "praktik och APL-platser till"),
        ("unga vuxna, 16 -29 år, som", "unga vuxna, 16 -29 år, som"),
        ("Karin Eriksson-Bech och Ann-Louise", "Karin Eriksson-Bech och Ann-Louise"),
        ("utvecklings-\noch utredningsstaben", "utvecklings- och utredningsstaben"),
        ("daterad den 8 december \n2020 efterfrågar", "daterad den 8 december 2020 efterfrågar"),
    ],
)
def test_dehyphenate(text: str, expected: str) -> None:
    assert dehyphenate(text) == expected


def test_dehyphenate_keeps_paragraphs_and_bullet_lines() -> None:
    text = (
        "Första stycket är\nombrutet.\n   \nAndra stycket:\n- en fråga som\nfortsätter?\n\uf0b7 en punkt\n\n\nTredje."
    )
    assert dehyphenate(text) == (
        "Första stycket är ombrutet.\n\nAndra stycket:\n- en fråga som fortsätter?\n• en punkt\n\nTredje."
    )


def test_dehyphenate_mends_a_sentence_broken_by_a_blank_line() -> None:
    assert dehyphenate("beslutar att hänvisa till \n\nförvaltningens svar.") == (
        "beslutar att hänvisa till förvaltningens svar."
    )


# --------------------------------------------------------------------------
# Author forms


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "I en skrivelse efterfrågar Salar Rashid m.fl. (S) bättre villkor.",
            [Author("Salar Rashid", "S", others=True)],
        ),
        (
            "I en skrivelse efterfrågar Anna Andersson och Bo Berg, båda (V), bättre villkor.",
            [Author("Anna Andersson", "V"), Author("Bo Berg", "V")],
        ),
        (
            "I en skrivelse efterfrågar Anna Andersson (S) och Bo Berg (V) bättre villkor.",
            [Author("Anna Andersson", "S"), Author("Bo Berg", "V")],
        ),
        (
            "En skrivelse har inkommit till nämnden från Johanna Sjö (M) angående sommarjobb.",
            [Author("Johanna Sjö", "M")],
        ),
        ("I en skrivelse har ledamoten Anna Andersson (L) frågat om sommarjobb.", [Author("Anna Andersson", "L")]),
        ("Ledamoten Anna Andersson (L) har i en skrivelse frågat om sommarjobb.", [Author("Anna Andersson", "L")]),
        (
            "I en skrivelse efterfrågar Karin Karlsson och Lisa Larsson (båda MP) bättre villkor.",
            [Author("Karin Karlsson", "MP"), Author("Lisa Larsson", "MP")],
        ),
        (
            "I en skrivelse av Per Persson (KD), Maria Jansson (Fi) samt Ann-Louise af Klercker (C) "
            "ställs frågor om sommarjobb.",
            [Author("Per Persson", "KD"), Author("Maria Jansson", "Fi"), Author("Ann-Louise af Klercker", "C")],
        ),
    ],
)
def test_author_forms(sentence: str, expected: list[Author]) -> None:
    assert list(parse_svar(svar(sentence)).authors) == expected


def test_authors_are_the_writers_not_everyone_with_a_party() -> None:
    about = (
        "I en skrivelse daterad 2021-02-01 efterfrågar Salar Rashid (S) bättre villkor "
        "men inte att Fredrik Lindstål (C) ska svara.\n\n"
        "Ordföranden Fredrik Lindstål (C) har tidigare besvarat liknande frågor."
    )
    parsed = parse_svar(svar(about))
    assert parsed.authors == (Author("Salar Rashid", "S"),)
    assert parsed.skrivelse_date == date(2021, 2, 1)


def test_authors_from_the_title_when_the_text_names_nobody() -> None:
    parsed = parse_svar(
        svar("Förvaltningen har fått frågor.", title="Svar på skrivelse från Bo Berg (SD) om sommarjobb")
    )
    assert parsed.authors == (Author("Bo Berg", "SD"),)


# --------------------------------------------------------------------------
# A synthetic svar with a dnr and several numbered points

SYNTHETIC = """Arbetsmarknadsförvaltningen
Tjänsteutlåtande
Dnr AMN 2021-0123-1.6
Sida 1 (2)

Svar på skrivelse av Per Persson (KD) om sommar-
jobb för unga

Arbetsmarknadsförvaltningens förslag till beslut
1. Arbetsmarknadsnämnden godkänner förvaltningens svar på
skrivelsen.
2. Arbetsmarknadsnämnden förklarar paragrafen omedelbart
justerad.

Anna Chef
förvaltningschef

Sammanfattning
I en skrivelse daterad den 3 mars 2021 ställer Per Persson (KD) följande frågor:
1. Hur många unga fick sommar-
jobb 2020?
2. Vad kostade det?

Förvaltningen svarar på frågorna i ärendet.

Ärendet
Skrivelsen ställer följande frågor:
1. Hur många unga fick sommarjobb 2020?
2. Vad kostade det?
"""


def test_synthetic_svar_with_dnr_and_numbered_points() -> None:
    parsed = parse_svar(SYNTHETIC)
    assert parsed.title == "Svar på skrivelse av Per Persson (KD) om sommarjobb för unga"
    assert parsed.dnr == "AMN 2021-0123-1.6"
    assert parsed.skrivelse_date == date(2021, 3, 3)
    assert parsed.authors == (Author("Per Persson", "KD"),)
    assert parsed.questions == ("Hur många unga fick sommarjobb 2020?", "Vad kostade det?")
    assert parsed.proposal == (
        "Arbetsmarknadsnämnden godkänner förvaltningens svar på skrivelsen.\n"
        "Arbetsmarknadsnämnden förklarar paragrafen omedelbart justerad."
    )
    assert parsed.signed_by == ("Anna Chef",)
    assert parsed.summary is not None
    assert parsed.summary.endswith("\n\nFörvaltningen svarar på frågorna i ärendet.")


def test_bare_dnr_line_near_the_top() -> None:
    parsed = parse_svar(svar("Text om skrivelsen.", head="Tjänsteutlåtande\nAMN 2021-0123\n\n"))
    assert parsed.dnr == "AMN 2021-0123"


def test_no_dnr_from_dates_or_years() -> None:
    parsed = parse_svar(svar("Program för inköp 2020-2023 gäller.", head="2021-03-10\n"))
    assert parsed.dnr is None


# --------------------------------------------------------------------------
# Texts that are not a svar på skrivelse

PROTOCOL_EXCERPT = """Protokollsutdrag
Arbetsmarknadsnämnden
Sammanträdesdatum 2021-04-20

§ 7
Svar på skrivelse om trygga arbetsvillkor för aspiranter
Dnr AMN 2021-0012

Beslut
Arbetsmarknadsnämnden beslutar att hänvisa till förvaltningens tjänsteutlåtande.

Ärendet
Förvaltningens förslag till beslut framgår av tjänsteutlåtandet.

Justerat 2021-04-27
"""

PROSE = (
    "Det var en gång en katt som hette Måns. Han bodde på Söder och gick ofta "
    "till torget.\n\nEn dag träffade han Anna Andersson (S) som gav honom fisk."
)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n \t \n",
        PROTOCOL_EXCERPT,
        PROSE,
        "Svar på skrivelse om katter\nHär finns bara lite text utan avsnitt.",
    ],
)
def test_not_a_svar_raises_a_swedish_error(text: str) -> None:
    with pytest.raises(SkrivelseError) as caught:
        parse_svar(text)
    assert isinstance(caught.value, NamndbotError)
    message = str(caught.value)
    assert message.endswith(".") and ("skrivelse" in message or "tom" in message)
    assert any(word in message for word in (" är ", " inte ", " saknar", " saknas"))


def test_the_real_protocol_is_not_a_svar() -> None:
    with pytest.raises(SkrivelseError, match="protokoll"):
        parse_svar(PROTOKOLL.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------
# Robustness: anything parses or raises SkrivelseError

FRAGMENTS = [
    "Svar på skrivelse",
    "Svar på skrivelse om ",
    "Sammanfattning",
    "Ärendet",
    "Bakgrund",
    "förslag till beslut",
    "Arbetsmarknadsförvaltningens svar",
    "Attesterat av",
    "Bilaga",
    "________",
    "m.fl. (S)",
    "(båda MP)",
    "(",
    ")",
    "Anna Andersson",
    " och ",
    ", båda ",
    "daterad den",
    "den 8",
    " december ",
    "mars",
    "2020",
    "2021-03-24",
    "2021-13-45",
    "31 februari 2021",
    "Dnr AMN 2021-0123-1.6",
    "AMN 2021-0123",
    "- ",
    "\uf0b7 ",
    "1. ",
    "att ",
    "Att ",
    "följande frågor:",
    "besluta:",
    "?",
    ".",
    ":",
    "\n",
    "\n\n",
    "-\n",
    " \n",
    "\u00ad\n",
    "\u00a0",
    "§ 7",
    "efterfrågar",
    "från",
    "ledamoten",
    "af ",
    "Fi",
    "förvaltningschef",
    "Karin Eriksson-Bech",
    ",",
]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_parses_or_raises_skrivelse_error(text: str) -> None:
    try:
        parse_svar(text)
    except SkrivelseError:
        pass


SOUP = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=5), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        SOUP,
        SOUP.map(svar),  # reaches the section parsers
        SOUP.map(lambda soup: f"{SYNTHETIC}\n________\n{soup}"),  # and the signature block
        SOUP.map(lambda soup: f"{SYNTHETIC}\nAttesterat av\n{soup}"),
    )
)
def test_fragment_soup_parses_or_raises_skrivelse_error(text: str) -> None:
    try:
        parsed = parse_svar(text)
    except SkrivelseError:
        return
    json.dumps(parsed.as_dict())
    assert "\n" not in parsed.title and parsed.title == " ".join(parsed.title.split())


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([ASPIRANTER, STOCKHOLMSJOBB]), st.data())
def test_cut_up_seeds_parse_or_raise_skrivelse_error(path: Path, data: st.DataObject) -> None:
    text = path.read_text(encoding="utf-8")
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    try:
        parse_svar(text[start:end])
    except SkrivelseError:
        pass


def test_question_items_broken_by_blank_lines() -> None:
    about = (
        "Förvaltningen ombeds svara på följande frågor:\n\n"
        "- När fick förvaltningen i uppdrag att ta fram\n\nStockholmsjobb?\n\n"
        "- Hur länge ska satsningen\n\npågå?\n\n"
        "- Vad kostar det\n\n"
        "Förvaltningen har svarat på frågorna nedan."
    )
    assert parse_svar(svar(about)).questions == (
        "När fick förvaltningen i uppdrag att ta fram Stockholmsjobb?",
        "Hur länge ska satsningen pågå?",
        "Vad kostar det",
    )


def test_unmarked_att_clauses_on_consecutive_lines() -> None:
    about = "I skrivelsen föreslås att nämnden ska besluta:\natt utreda frågan,\natt återkomma i maj.\n\nSlut."
    assert parse_svar(svar(about)).questions == ("att utreda frågan,", "att återkomma i maj.")


def test_double_spaced_text_uses_whitespace_lines_as_paragraph_breaks() -> None:
    lines = [
        "Svar på skrivelse om",
        "sommarjobb",
        " ",
        "Sammanfattning",
        "En skrivelse har inkommit från",
        "Bo Berg (SD) om",
        "sommarjobb.",
        " ",
        "Förvaltningen ombeds svara på",
        "följande frågor:",
        "- Hur många",
        "fick jobb?",
        "- Vad kostade",
        "det?",
        " ",
        "Förvaltningen svarar",
        "nedan.",
    ]
    parsed = parse_svar("\n\n".join(lines))
    assert parsed.title == "Svar på skrivelse om sommarjobb"
    assert parsed.authors == (Author("Bo Berg", "SD"),)
    assert parsed.questions == ("Hur många fick jobb?", "Vad kostade det?")
    assert parsed.summary == (
        "En skrivelse har inkommit från Bo Berg (SD) om sommarjobb.\n\n"
        "Förvaltningen ombeds svara på följande frågor:\n- Hur många fick jobb?\n"
        "- Vad kostade det?\n\nFörvaltningen svarar nedan."
    )

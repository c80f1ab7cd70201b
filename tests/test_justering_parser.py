"""Reading § 2 of a protocol: justerare, justering date, omedelbar justering."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from namndbot.domain.errors import NamndbotError
from namndbot.domain.justering import Justerare, JusteringError, JusteringInfo, parse_justering

from .conftest import PROTOCOL_2019_11_26

ANNA = Justerare("Anna Andersson", "S", None)
BO = Justerare("Bo Berg", "M", None)


@pytest.fixture(scope="module")
def amn() -> JusteringInfo:
    return parse_justering(PROTOCOL_2019_11_26.read_text(encoding="utf-8"))


def test_seed_justerare(amn):
    # "Ordföranden Fredrik Lindstål (C) och vice ordföranden Salar Ras-\n\nhid (S) fick i uppdrag ..."
    assert amn.justerare == (
        Justerare("Fredrik Lindstål", "C", "ordföranden"),
        Justerare("Salar Rashid", "S", "vice ordföranden"),
    )


def test_seed_date(amn):
    # "Protokollet ska justeras måndagen den 2 december 2019." -- not § 14's
    # "justeras den 11 december 2019", which is about another protocol.
    assert amn.date == date(2019, 12, 2)


def test_seed_omedelbart_justerade(amn):
    # Only § 4 ("beslutade att justera paragrafen \n\nomedelbart") in the whole file.
    assert amn.omedelbart_justerade == (4,)


def test_seed_meeting_date(amn):
    # from the page header "Protokoll AMN 2019-11-26"
    assert amn.meeting_date == date(2019, 11, 26)


def test_jamte_ordforanden_only_the_named_justerare():
    info = parse_justering(
        "§ 2\nAtt jämte ordföranden justera dagens protokoll utses Anna Andersson (S). "
        "Justering sker fredagen den 6 mars 2020 kl. 10.00\n§ 3\nÖvrigt"
    )
    assert info == JusteringInfo((ANNA,), date(2020, 3, 6), (), None)


def test_till_justerare_utsags():
    info = parse_justering(
        "Till justerare utsågs Anna Andersson (S) och Bo Berg (M). Justeringen äger rum den 6 mars 2020."
    )
    assert info.justerare == (ANNA, BO) and info.date == date(2020, 3, 6)


def test_iso_date_and_label():
    info = parse_justering("Justerare: Anna Andersson (S), Bo Berg (M)\n\nProtokollet justeras den 2020-03-06")
    assert info.justerare == (ANNA, BO) and info.date == date(2020, 3, 6)


def test_label_without_date():
    info = parse_justering("Justerare: Anna Andersson (S), Bo Berg (M)")
    assert info == JusteringInfo((ANNA, BO), None, (), None)


def test_front_page_takes_only_the_justerare_not_the_attendance_list():
    text = (
        "Plats och tid Kommunhuset kl. 13.00-15.00\n"
        "Sammanträdesdatum 2020-03-03\n"
        "Beslutande Cecilia Ceder (V), ordförande\nBo Berg (M)\nAnna Andersson (S)\n"
        "Utses att justera Bo Berg (M)\n"
        "Justeringens plats och tid Kommunhuset 2020-03-06\n"
        "Omedelbart justerade paragrafer: §§ 4-6, 9\n"
        "  §1 Sammanträdets öppnande\nOrdföranden öppnade.\n"
    )
    assert parse_justering(text) == JusteringInfo((BO,), date(2020, 3, 6), (4, 5, 6, 9), date(2020, 3, 3))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Beslutande Anna Andersson (S)\nJusterare Bo Berg (M)\nOrdförande Cecilia Ceder (V)", (BO,)),
        (
            "Beslutande Cecilia Ceder (V)\nJusterare:\nAnna Andersson (S)\nBo Berg (M)\n"
            "Sekreterare Eva Ek\nOrdförande Cecilia Ceder (V)",
            (ANNA, BO),
        ),
        ("Anna Andersson (S) och Bo Berg (M) utses till justerare.", (ANNA, BO)),
        (
            "Ordföranden Cecilia Ceder (V) öppnade sammanträdet. Arbetsmarknadsnämnden utser "
            "Anna Andersson (S) att jämte ordföranden justera protokollet.",
            (ANNA,),
        ),
    ],
)
def test_justerare_phrasings(text, expected):
    assert parse_justering(text).justerare == expected


def test_paragraph_marks_and_omedelbar_phrasings():
    text = (
        "Protokoll fört vid kulturnämndens sammanträde tisdagen den 26 november 2019\n"
        "  §1 Val av justerare\n"
        "Nämnden utser ledamoten Anna Andersson (S) och Bo Berg (M) att justera proto-\n\nkollet. "
        "Protokollet justeras fredagen den 6 december.\n"
        " § 2 \nUpphandling\nNämnden beslutar att paragrafen förklaras omedelbart justerad.\n"
        "§3\nNämnden beslutar att inte justera paragrafen omedelbart.\n"
        "§ 4 Omedelbar justering\nParagrafen justeras omedelbart.\n"
        "§ 4 forts.\n"  # a page header repeating § 4 is no new paragraph
        "§ 5\nProtokoll från förvaltningsgruppen, justeras den 11 december 2019.\n"
        "§ 6\nNämnden beslutade om omedelbar justering av paragrafen.\n"
    )
    info = parse_justering(text)
    assert info.justerare == (Justerare("Anna Andersson", "S", "ledamoten"), BO)
    assert info.meeting_date == date(2019, 11, 26)
    assert info.date == date(2019, 12, 6)  # year from the meeting date
    assert info.omedelbart_justerade == (2, 4, 6)


def test_yearless_date_without_meeting_date_is_unknown():
    info = parse_justering("Till justerare utsågs Anna Andersson (S). Protokollet justeras den 6 mars.")
    assert info.date is None and info.meeting_date is None


def test_backup_justerare_left_out():
    info = parse_justering(
        "Ordföranden Cecilia Ceder (V) öppnade sammanträdet. Anna Andersson (S) utses att jämte "
        "ordföranden justera protokollet, med Bo Berg (M) som ersättare."
    )
    assert info.justerare == (ANNA,)


def test_other_paragraphs_are_not_read_for_justerare():
    text = "§ 1\nÖppnande\n§ 2\nAnmälan\n§ 3\nProtokoll justerat av Anna Andersson (S) den 6 mars 2020.\n"
    with pytest.raises(JusteringError):
        parse_justering(text)


@pytest.mark.parametrize(
    "text",
    ["", "   \n", "§ 1\nÖppnande\n§ 3\nÖvrigt", "§ 2\nVal av justerare\nProtokollet justeras den 6 mars 2020."],
)
def test_no_justerare_is_a_swedish_error(text):
    with pytest.raises(JusteringError) as e:
        parse_justering(text)
    assert isinstance(e.value, NamndbotError)
    assert str(e.value) == "Protokollet nämner inga justerare (§ 2 saknas eller går inte att läsa)."


FRAGMENTS = [
    "§ 2",
    " § 4 ",
    "§4",
    "\n",
    "\n\n",
    "-\n",
    "Ras-\n\nhid (S)",
    "Anna Andersson (S)",
    " och ",
    ", ",
    "Ordföranden ",
    "vice ordföranden ",
    "justera dagens protokoll",
    "Justerare:",
    "utses",
    "Protokollet justeras ",
    "måndagen den ",
    "2 december 2019",
    "31 februari",
    "den 2020-02-30",
    "9999-99-99",
    "justera paragrafen omedelbart",
    "Omedelbart justerade paragrafer: §§ 4-",
    "Sammanträdesdatum ",
    "Protokoll AMN ",
    "som ersättare",
    ". ",
    "(",
    ")",
    "ſept",
    "İ",
    "٣",
]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=5)).map("".join)))
def test_arbitrary_text_raises_only_justering_error(text):
    try:
        info = parse_justering(text)
    except JusteringError:
        return
    assert info.justerare and list(info.omedelbart_justerade) == sorted(set(info.omedelbart_justerade))

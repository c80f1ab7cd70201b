"""Reading a committee's sammanträdestider from text (namndbot.calendar.schedule)."""

from __future__ import annotations

import re
from datetime import date, time
from textwrap import dedent

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from namndbot.calendar.schedule import Schedule, ScheduledMeeting, ScheduleError, parse_schedule
from namndbot.domain.errors import NamndbotError

from .conftest import PROTOCOL_2019_11_26 as SEED_002


def rows(schedule: Schedule) -> list[tuple]:
    """(date, start, note, cancelled) for each meeting, dates and times as text."""
    return [
        (m.date.isoformat(), m.start.strftime("%H:%M") if m.start else None, m.note, m.cancelled)
        for m in schedule.meetings
    ]


def lines_of(schedule: Schedule) -> list[int]:
    return [m.line for m in schedule.meetings]


def parse(text: str, **kwargs) -> Schedule:
    return parse_schedule(dedent(text).strip("\n"), **kwargs)


def error(text: str, **kwargs) -> ScheduleError:
    with pytest.raises(ScheduleError) as info:
        parse(text, **kwargs)
    return info.value


# --------------------------------------------------------------------------
# Seed 002: the whole protocol of Arbetsmarknadsnämnden 2019-11-26, § 10


@pytest.fixture(scope="module")
def protocol() -> str:
    return SEED_002.read_text(encoding="utf-8")


def test_seed_002_whole_protocol(protocol):
    schedule = parse_schedule(protocol)
    assert schedule.year == 2020
    assert schedule.default_start == time(16, 0)
    expected = [
        (date(2020, 2, 11), "Verksamhetsberättelse 2019", 2311),
        (date(2020, 3, 17), None, 2313),
        (date(2020, 4, 21), "Nämndens underlag för budget 2021 med inriktning för 2022 och 2023", 2315),
        (date(2020, 5, 26), "Tertialrapport 1 2020", 2319),
        (date(2020, 6, 16), None, 2321),
        (date(2020, 8, 25), None, 2325),
        (date(2020, 9, 22), "Tertialrapport 2 2020", 2327),
        (date(2020, 10, 20), None, 2329),
        (date(2020, 11, 17), None, 2331),
        (date(2020, 12, 15), "Verksamhetsplan med budget 2021", 2333),
    ]
    assert len(schedule.meetings) == 10
    for meeting, (day, note, line) in zip(schedule.meetings, expected, strict=True):
        assert meeting == ScheduledMeeting(date=day, start=time(16, 0), note=note, cancelled=False, line=line)
        assert meeting.date.weekday() == 1  # every one a Tuesday
    assert protocol.splitlines()[2310].startswith("Tisdag den 11 februari")


def test_seed_002_year_argument_wins(protocol):
    # 2020's Tuesdays are not Tuesdays in 2026 - the weekday check proves the year was used
    with pytest.raises(ScheduleError) as info:
        parse_schedule(protocol, year=2026)
    assert info.value.line == 2311
    assert str(info.value) == "Rad 2311: 11 februari 2026 är en onsdag, inte en tisdag."


def test_seed_002_one_bad_line_spoils_the_whole_schedule(protocol):
    bad = protocol.replace("Tisdag den 17 mars", "Tisdag den 18 mars")
    with pytest.raises(ScheduleError) as info:
        parse_schedule(bad)
    assert info.value.line == 2313
    assert str(info.value) == "Rad 2313: 18 mars 2020 är en onsdag, inte en tisdag."
    assert isinstance(info.value, NamndbotError)


def test_seed_002_schedule_block_only(protocol):
    """The block alone, cut from the protocol, reads the same (line numbers aside)."""
    block = "\n".join(protocol.splitlines()[2296:2340])
    schedule = parse_schedule(block)
    assert [m.date for m in schedule.meetings] == [m.date for m in parse_schedule(protocol).meetings]
    assert lines_of(schedule)[0] == 2311 - 2296


# --------------------------------------------------------------------------
# Schedules written in other ways


def test_kommunstyrelsen_default_time_bullets_and_note_in_parentheses():
    schedule = parse("""
        Kommunstyrelsen
        Kommunstyrelsen sammanträder klockan 18.30 följande datum under 2021:
        • 8 februari
        • 15 mars,
        • 26 april.
        • 14 juni kl. 13.00
        • 18 oktober (val)
        Välkommen att lyssna från läktaren!
        • 3 december
    """)
    assert schedule.year == 2021
    assert schedule.default_start == time(18, 30)
    assert rows(schedule) == [
        ("2021-02-08", "18:30", None, False),
        ("2021-03-15", "18:30", None, False),
        ("2021-04-26", "18:30", None, False),
        ("2021-06-14", "13:00", None, False),
        ("2021-10-18", "18:30", "val", False),
    ]
    assert lines_of(schedule) == [3, 4, 5, 6, 7]


def test_socialnamnden_weekday_den_business_and_cancellation():
    schedule = parse("""
        Socialnämndens sammanträdesdagar 2021

        Socialnämnden beslutar att fastställa följande sammanträdesdagar för 2021.
        Sammanträdena börjar kl. 13.00 om inget annat anges.

        Måndag den 1 februari        Årsredovisning 2020
        Måndag den 1 mars
        Måndag den 12 april kl. 9.00 Internkontroll
        Måndag den 17 maj – mötet är inställt
        Måndag den 14 juni           Delårsrapport
        Justering sker senast en vecka efter sammanträdet.
        Måndag den 13 september
    """)
    assert schedule.year == 2021
    assert schedule.default_start == time(13, 0)
    assert rows(schedule) == [
        ("2021-02-01", "13:00", "Årsredovisning 2020", False),
        ("2021-03-01", "13:00", None, False),
        ("2021-04-12", "09:00", "Internkontroll", False),
        ("2021-05-17", "13:00", None, True),
        ("2021-06-14", "13:00", "Delårsrapport", False),
    ]
    assert lines_of(schedule) == [6, 7, 8, 9, 10]


def test_barn_och_utbildningsnamnden_school_year_crosses_new_year():
    schedule = parse("""
        Barn- och utbildningsnämndens sammanträdestider 2020/2021

        Torsdag 20 augusti kl. 18.00
        Torsdag 24 september kl. 18.00
        Torsdag 22 oktober kl. 18.00 Budgetdialog
        Torsdag 10 december kl. 18.00
        Torsdag 21 januari kl. 18.00
        Torsdag 25 februari kl. 18.00
        Torsdag 6 maj kl. 18.00 (inställt)
    """)
    assert schedule.year == 2020
    assert schedule.default_start is None
    assert rows(schedule) == [
        ("2020-08-20", "18:00", None, False),
        ("2020-09-24", "18:00", None, False),
        ("2020-10-22", "18:00", "Budgetdialog", False),
        ("2020-12-10", "18:00", None, False),
        ("2021-01-21", "18:00", None, False),
        ("2021-02-25", "18:00", None, False),
        ("2021-05-06", "18:00", None, True),
    ]


def test_december_followed_by_january_in_a_one_year_list():
    schedule = parse("""
        Sammanträdestider för individutskottet 2021
        - 15 november kl. 10
        - 13 december kl. 10
        - 24 januari kl. 10
        - 21 februari 2022 kl. 10
    """)
    assert schedule.year == 2021
    assert [m.date for m in schedule.meetings] == [
        date(2021, 11, 15),
        date(2021, 12, 13),
        date(2022, 1, 24),
        date(2022, 2, 21),
    ]
    assert {m.start for m in schedule.meetings} == {time(10, 0)}


WEB_PAGE = """
    Hoppa till innehåll
    Startsida › Kommun och politik › Kommunfullmäktige
    Kommunfullmäktige

    - 8 februari kl. 18.30
    - 22 mars kl. 18.30
    - 10 maj klockan 18.30, budget
    - 14 juni kl 18.30.
    - 13 december kl. 18.30

    Senast uppdaterad: 2 januari 2021
    Dela sidan
"""


def test_web_page_without_heading_reads_the_lines_that_look_like_meetings():
    schedule = parse(WEB_PAGE, year=2021)
    assert schedule.year == 2021
    assert schedule.default_start is None
    assert rows(schedule) == [
        ("2021-02-08", "18:30", None, False),
        ("2021-03-22", "18:30", None, False),
        ("2021-05-10", "18:30", "budget", False),
        ("2021-06-14", "18:30", None, False),
        ("2021-12-13", "18:30", None, False),
    ]
    assert lines_of(schedule) == [5, 6, 7, 8, 9]


def test_web_page_without_any_year_is_an_error():
    e = error(WEB_PAGE)
    assert str(e) == "Året framgår inte av texten; ange det med --year."
    assert e.line is None


def test_abbreviations_capitals_and_weekdays_without_diacritics():
    schedule = parse("""
        SAMMANTRÄDESTIDER 2020 – MILJÖ- OCH BYGGNADSNÄMNDEN
        tis 4 feb kl 9
        ons 11 mars kl. 9.30
        tors 16 april kl. 09:00
        Tisdagen den 12 MAJ kl 9
        to 17 sept. kl. 13-16 Studiebesök
        fre 9 okt. Budget
        Mandag 16 nov
        Ti 1 dec. kl. 9
    """)
    assert schedule.year == 2020
    assert rows(schedule) == [
        ("2020-02-04", "09:00", None, False),
        ("2020-03-11", "09:30", None, False),
        ("2020-04-16", "09:00", None, False),
        ("2020-05-12", "09:00", None, False),
        ("2020-09-17", "13:00", "Studiebesök", False),
        ("2020-10-09", None, "Budget", False),
        ("2020-11-16", None, None, False),
        ("2020-12-01", "09:00", None, False),
    ]


def test_iso_dates_and_a_dnr_that_is_no_date():
    schedule = parse("""
        Tekniska nämnden – sammanträdesplan 2021
        Dnr TN 2020-0438
        AMN 2019-0583-1.1.1

        2021-02-02 kl. 08:30
        2021-03-02 kl. 08:30  Bokslut
        2021-04-06, kl. 08:30
        2021-05-04 08:30
    """)
    assert schedule.year == 2021
    assert rows(schedule) == [
        ("2021-02-02", "08:30", None, False),
        ("2021-03-02", "08:30", "Bokslut", False),
        ("2021-04-06", "08:30", None, False),
        ("2021-05-04", "08:30", None, False),
    ]
    assert lines_of(schedule) == [5, 6, 7, 8]


def test_iso_dates_alone_give_the_year():
    schedule = parse("- 2022-03-02\n- 2022-04-06 kl. 9\n")
    assert schedule.year == 2022
    assert rows(schedule) == [("2022-03-02", None, None, False), ("2022-04-06", "09:00", None, False)]


def test_numeric_day_slash_month():
    schedule = parse("""
        Kultur- och fritidsnämnden sammanträder på följande dagar 2021:
        Måndag 1/2 kl. 18
        Måndag 15/3, kl. 18 – mötet är inställt
        29/3 kl. 18
        26/4.
    """)
    assert rows(schedule) == [
        ("2021-02-01", "18:00", None, False),
        ("2021-03-15", "18:00", None, True),
        ("2021-03-29", "18:00", None, False),
        ("2021-04-26", None, None, False),
    ]


def test_a_fraction_is_no_date():
    e = error("Beslutet kräver att 3/4 av ledamöterna är närvarande.\n3/4 av ledamöterna röstade ja.\n")
    assert str(e) == "Texten innehåller inga sammanträdestider."


def test_cancellations_in_many_forms():
    schedule = parse("""
        Valnämnden
        Sammanträden 2022

        * 1 FEBRUARI
        * 2 mars – mötet är inställt
        * 5 april, inställt
        * ~~3 maj~~ inställt
        * ~~31 maj~~
        * 7 juni (INSTÄLLT)
        * 16 augusti Sammanträdet är inställt.
        * 13 september (val)
    """)
    assert schedule.year == 2022
    assert rows(schedule) == [
        ("2022-02-01", None, None, False),
        ("2022-03-02", None, None, True),
        ("2022-04-05", None, None, True),
        ("2022-05-03", None, None, True),
        ("2022-05-31", None, None, True),
        ("2022-06-07", None, None, True),
        ("2022-08-16", None, None, True),
        ("2022-09-13", None, "val", False),
    ]


def test_dates_listed_on_the_heading_line():
    schedule = parse("""
        Kommunfullmäktiges sammanträden 2021: 8 februari, 15 mars och 26 april kl. 18.30; 14 juni.
        Ärenden ska lämnas in tre veckor innan.
    """)
    assert schedule.default_start is None
    assert rows(schedule) == [
        ("2021-02-08", None, None, False),
        ("2021-03-15", None, None, False),
        ("2021-04-26", "18:30", None, False),
        ("2021-06-14", None, None, False),
    ]
    assert lines_of(schedule) == [1, 1, 1, 1]


def test_season_and_month_lines_continuations_and_hyphenation():
    schedule = parse("""
        Överförmyndarnämndens sammanträdesdagar

        Våren 2021
        Januari
          Onsdag 27 januari kl. 15.00
        Februari
          Onsdag 24 februari kl. 15.00   Årsrapport
            avseende 2020
        Hösten 2021
          Onsdag 15 september kl. 15.00
          Onsdag 8 december kl. 15.00    Verksamhets-
            plan 2022 och
        budget för barn-
            och ungdomsärenden
    """)
    assert schedule.year == 2021
    assert rows(schedule) == [
        ("2021-01-27", "15:00", None, False),
        ("2021-02-24", "15:00", "Årsrapport avseende 2020", False),
        ("2021-09-15", "15:00", None, False),
        ("2021-12-08", "15:00", "Verksamhetsplan 2022 och budget för barn- och ungdomsärenden", False),
    ]
    assert lines_of(schedule) == [5, 7, 10, 11]


def test_year_only_from_a_season_line():
    schedule = parse("Sammanträdesdagar\n\nJanuari\n\nVåren 2021\n13 januari\n3 mars\n")
    assert schedule.year == 2021
    assert [m.date for m in schedule.meetings] == [date(2021, 1, 13), date(2021, 3, 3)]


def test_explicit_years_ranges_and_klockan():
    schedule = parse("""
        Sammanträden under 2022
        Kommunstyrelsens arbetsutskott
        Måndagen den 17 januari 2022, klockan 13.30
        Måndagen den 14 februari 2022, 13-15
        Måndagen den 14 mars 2022 kl. 8.15–12.00 Heldag om budget
    """)
    assert schedule.year == 2022
    assert rows(schedule) == [
        ("2022-01-17", "13:30", None, False),
        ("2022-02-14", "13:00", None, False),
        ("2022-03-14", "08:15", "Heldag om budget", False),
    ]


def test_default_time_on_a_heading_line_with_its_dates():
    schedule = parse("Nämndens sammanträden 2021, alla kl. 9.00: 2 mars kl. 13, 13 april (budget)\n")
    assert schedule.default_start == time(9, 0)
    assert rows(schedule) == [("2021-03-02", "13:00", None, False), ("2021-04-13", "09:00", "budget", False)]


def test_list_far_below_its_heading_is_read_as_a_list():
    schedule = parse("""
        Möten 2021
        Meny
        Start
        Om oss
        Kontakt
        Nyheter
        Evenemang
        Jobba hos oss
        Press
        Alla möten börjar klockan 19.00 i Folkets hus.
        • 8 februari
        • 8 mars Årsmöte
    """)
    assert schedule.year == 2021
    assert schedule.default_start == time(19, 0)
    assert rows(schedule) == [("2021-02-08", "19:00", None, False), ("2021-03-08", "19:00", "Årsmöte", False)]
    assert lines_of(schedule) == [11, 12]


def test_markdown_table():
    schedule = parse("""
        ## Sammanträdestider 2021

        | Datum | Tid | Ärende |
        |---|---|---|
        | 2 februari | 13.00 | Årsredovisning |
        | 2 mars | 13.00 | |
        | 6 april | 13.00 | Internkontrollplan |
    """)
    assert rows(schedule) == [
        ("2021-02-02", "13:00", "Årsredovisning", False),
        ("2021-03-02", "13:00", None, False),
        ("2021-04-06", "13:00", "Internkontrollplan", False),
    ]


def test_pdf_text_with_crlf_blank_lines_and_no_break_spaces():
    text = (
        "Sammanträdes-\r\n\r\ndagar 2023 för byggnadsnämnden. Alla möten börjar\r\n\r\n"
        "klockan 17.00.\r\n\r\n\u00a0Lördag\u00a04 februari  Studieresa\r\n\r\n"
        "Onsdag 1 mars\r\n\r\nFrågor besvaras av nämndsekreteraren.\r\n"
    )
    schedule = parse_schedule(text)
    assert schedule.year == 2023
    assert schedule.default_start == time(17, 0)
    assert rows(schedule) == [("2023-02-04", "17:00", "Studieresa", False), ("2023-03-01", "17:00", None, False)]
    assert lines_of(schedule) == [7, 9]


def test_year_argument_wins_over_the_heading():
    text = "Sammanträdestider 2021\n8 februari\n15 mars kl. 18\n"
    assert [m.date for m in parse_schedule(text, year=2022).meetings] == [date(2022, 2, 8), date(2022, 3, 15)]
    assert parse_schedule(text, year=2022).year == 2022
    assert parse_schedule(text).year == 2021


def test_meetings_come_in_date_order():
    schedule = parse("Sammanträdestider 2021\n15 mars\n8 februari\n")
    assert [m.date for m in schedule.meetings] == [date(2021, 2, 8), date(2021, 3, 15)]
    assert lines_of(schedule) == [3, 2]


# --------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("Tisdag den 31 februari", "Rad 4: ”Tisdag den 31 februari” är inget giltigt datum."),
        ("Onsdag den 11 februari 2020", "Rad 4: 11 februari 2020 är en tisdag, inte en onsdag."),
        ("Tisdag den 11 februari kl. 25.00", "Rad 4: ”kl. 25.00” är ingen giltig tid."),
        ("Tisdag den 11 februari kl. 16.75", "Rad 4: ”kl. 16.75” är ingen giltig tid."),
        ("11 februari 24.00", "Rad 4: ”24.00” är ingen giltig tid."),
        (
            "Tisdag den 11 febuari",
            "Rad 4: ”Tisdag den 11 febuari” ser ut som ett sammanträde, men datumet går inte att läsa.",
        ),
        ("2020-02-30", "Rad 4: ”2020-02-30” är inget giltigt datum."),
        ("Söndag den 29 februari 2021", "Rad 4: ”Söndag den 29 februari 2021” är inget giltigt datum."),
    ],
)
def test_an_unreadable_meeting_line_names_its_line(bad, message):
    e = error(f"""
        Sammanträdestider 2020
        Tisdag den 14 januari

        {bad}
        Tisdag den 17 mars
    """)
    assert str(e) == message
    assert e.line == 4


def test_leap_day_is_checked_against_the_year():
    assert parse("Sammanträdestider 2020\n29 februari\n").meetings[0].date == date(2020, 2, 29)
    e = error("Sammanträdestider 2021\n1 februari\n29 februari\n")
    assert e.line == 3 and str(e).startswith("Rad 3: ”29 februari” är inget giltigt datum")


def test_an_unreadable_first_line_of_the_list():
    e = error("Sammanträdestider 2020\n\nTisdag den 11 febuari\nTisdag den 17 mars\n")
    assert e.line == 3


# A line in the middle of the list that can't be read used to end the list
# quietly: every later meeting was lost, and the import cancelled them.


@pytest.mark.parametrize(
    "bad",
    [
        "25 augsti",
        "Extra möte 22 september",
        "1S mars",
        "15 marsch",
        "den 25augsti",
        "Augusti 25",
        "Tidsag den 25 augusti",
        "25.8 kl. 16",
        "25.08.2020",
        "• 25 augsti kl. 16",
    ],
)
def test_seed_002_an_unreadable_line_in_the_middle_spoils_the_schedule(protocol, bad):
    with pytest.raises(ScheduleError) as info:
        parse_schedule(protocol.replace("Tisdag den 25 augusti", bad))
    assert info.value.line == 2325
    shown = bad.removeprefix("• ")
    assert str(info.value) == f"Rad 2325: ”{shown}” går inte att läsa som ett datum."
    assert info.value.hint


def test_seed_002_a_line_that_cuts_the_list_short(protocol):
    with pytest.raises(ScheduleError) as info:
        parse_schedule(protocol.replace("Tisdag den 25 augusti", "Sommaruppehåll"))
    assert info.value.line == 2325
    assert str(info.value) == (
        "Rad 2325: ”Sommaruppehåll” står mitt i listan med sammanträden, men fler datum följer på rad 2327."
    )


def test_an_unreadable_line_just_above_the_list():
    e = error("Sammanträdestider 2020\n\n11 febuari\nTisdag den 17 mars\n")
    assert e.line == 3 and str(e) == "Rad 3: ”11 febuari” går inte att läsa som ett datum."


def test_an_unreadable_line_after_an_interruption():
    e = error("""
        Sammanträdestider 2021
        8 februari
        15 mars
        Obs!
        12 apirl
    """)
    assert e.line == 5 and str(e) == "Rad 5: ”12 apirl” går inte att läsa som ett datum."


def test_list_mode_unreadable_line_and_a_new_list_after_an_interruption():
    e = error("- 8 februari 2021\nDela sidan\n- 25 augsti\n- 22 september\n")
    assert e.line == 3
    schedule = parse("- 8 februari\nDela sidan\n- 22 september\n", year=2021)
    assert [m.date for m in schedule.meetings] == [date(2021, 2, 8), date(2021, 9, 22)]


def test_prose_after_the_list_still_ends_it_quietly():
    schedule = parse("""
        Sammanträdestider 2021
        8 februari kl. 18
        15 mars
        Måndagen efter varje sammanträde justeras protokollet.
        Samtliga sammanträden börjar kl. 13.00 om inget annat anges.
        Beslutat vid nämndens sammanträde 26 november 2020
        14 november 2020.
          flyttat till 25 augusti
    """)
    assert rows(schedule) == [("2021-02-08", "18:00", None, False), ("2021-03-15", None, None, False)]


# Times


def test_comma_between_hours_and_minutes():
    schedule = parse("""
        Sammanträdestider 2021
        15 mars kl. 18,30
        12 april kl 9,15–12,00 Budget
        10 maj 13,30
    """)
    assert rows(schedule) == [
        ("2021-03-15", "18:30", None, False),
        ("2021-04-12", "09:15", "Budget", False),
        ("2021-05-10", "13:30", None, False),
    ]


def test_time_on_the_line_after_the_date():
    schedule = parse("""
        Sammanträdestider 2021
        8 februari
        kl. 18.30
        15 mars
          Klockan 9 Budget
        12 april kl. 13
          kl. 15 studiebesök
    """)
    assert rows(schedule) == [
        ("2021-02-08", "18:30", None, False),
        ("2021-03-15", "09:00", "Budget", False),
        ("2021-04-12", "13:00", "kl. 15 studiebesök", False),  # the line's own time wins
    ]
    assert lines_of(schedule) == [2, 4, 6]
    e = error("Sammanträdestider 2021\n8 februari\nkl. 25.00\n")
    assert e.line == 3 and str(e) == "Rad 3: ”kl. 25.00” är ingen giltig tid."


# Notes


def test_cancellation_leaves_no_stray_words_or_brackets():
    schedule = parse("""
        Sammanträdestider 2021
        8 februari Inställt sammanträde
        15 mars (Inställt, ersätts av 10 februari)
        12 april inställt möte
        10 maj [INSTÄLLT – se 17 maj]
        14 juni (val
        13 september Budget) (inställt)
    """)
    assert rows(schedule) == [
        ("2021-02-08", None, None, True),
        ("2021-03-15", None, "ersätts av 10 februari", True),
        ("2021-04-12", None, None, True),
        ("2021-05-10", None, "se 17 maj", True),
        ("2021-06-14", None, "val", False),
        ("2021-09-13", None, "Budget", True),
    ]


def test_a_bad_default_time():
    e = error("Sammanträdestider 2020\nSammanträdena börjar kl. 25.00.\n\n11 februari\n")
    assert e.line == 2 and str(e) == "Rad 2: ”kl. 25.00” är ingen giltig tid."


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n   \n",
        "Protokoll fört vid kommunstyrelsens sammanträde.\nJustering den 2 december 2019.\n",
        "Sammanträdestider 2021\n\nNämnden har ännu inte beslutat om sina sammanträdestider.\n",
    ],
)
def test_no_schedule_at_all(text):
    with pytest.raises(ScheduleError) as info:
        parse_schedule(text)
    assert str(info.value) == "Texten innehåller inga sammanträdestider."
    assert info.value.line is None


def test_no_year():
    e = error("Kommunstyrelsen sammanträder följande datum:\n8 februari\n15 mars\n")
    assert str(e) == "Året framgår inte av texten; ange det med --year."
    assert e.line is None and e.hint
    assert parse("Kommunstyrelsen sammanträder följande datum:\n8 februari\n", year=2021).year == 2021


def test_duplicate_date_names_the_second_line():
    e = error("""
        Sammanträdestider 2021
        8 februari kl. 18.30
        15 mars
        2021-02-08 Extra
    """)
    assert e.line == 4
    assert str(e) == "Rad 4: 8 februari 2021 står redan på rad 2."


def test_bad_year_argument():
    with pytest.raises(ScheduleError):
        parse_schedule("8 februari\n", year=0)


# --------------------------------------------------------------------------
# Properties


def _check_outcome(text: str, **kwargs) -> Schedule | None:
    """parse_schedule returns a Schedule or raises ScheduleError with a sane line."""
    try:
        schedule = parse_schedule(text, **kwargs)
    except ScheduleError as e:
        assert str(e)
        if e.line is not None:
            assert 1 <= e.line <= len(text.splitlines())
            assert re.search(rf"\b[Rr]ad {e.line}\b", str(e))
        return None
    assert isinstance(schedule, Schedule)
    assert schedule.meetings
    assert list(schedule.meetings) == sorted(schedule.meetings, key=lambda m: m.date)
    assert len({m.date for m in schedule.meetings}) == len(schedule.meetings)
    for meeting in schedule.meetings:
        assert 1 <= meeting.line <= len(text.splitlines())
        assert meeting.note is None or (meeting.note and meeting.note == " ".join(meeting.note.split()))
    return schedule


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gives_a_schedule_or_a_schedule_error(text):
    _check_outcome(text)


FRAGMENTS = [
    "januari",
    "Februari",
    "MARS",
    "april",
    "maj",
    "juni",
    "juli",
    "aug",
    "sept.",
    "okt",
    "nov.",
    "december",
    "måndag",
    "Tisdag",
    "onsdagen",
    "tors",
    "fre",
    "lördag",
    "sön",
    "ti",
    "den",
    "kl.",
    "kl",
    "klockan",
    "0",
    "1",
    "2",
    "9",
    "12",
    "13",
    "15",
    "25",
    "29",
    "31",
    "60",
    "2020",
    "2021",
    "2019-0583",
    "2021-03-02",
    ".",
    ":",
    ",",
    "-",
    "–",
    "/",
    "(",
    ")",
    "~~",
    "|",
    "§",
    " ",
    "  ",
    "\t",
    "\n",
    "\n",
    "\n",
    "\r\n",
    "\r",
    "•",
    "*",
    "·",
    "\uf0b7",
    "inställt",
    "mötet är inställt",
    "val",
    "Budget",
    "och",
    "samt",
    "Sammanträdestider 2020",
    "sammanträdes-",
    "tider",
    "Sammanträden under 2021:",
    "Våren 2021",
    "Kommunstyrelsen sammanträder klockan 18.30 följande datum:",
    "Samtliga sammanträden är kl. 16:00",
    "ſept",
    "\u0130",
    "K",
    "ä",
    "a\u0308",
    "\u00ad",
    "\x0c",
    "\u2028",
    "٣",
]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join),
    st.one_of(st.none(), st.integers(min_value=1900, max_value=2100)),
)
def test_schedule_like_text_gives_a_schedule_or_a_schedule_error(text, year):
    _check_outcome(text, year=year)


MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]
MONTHS_SHORT = ["jan", "feb", "mars", "apr", "maj", "juni", "juli", "aug", "sept.", "okt", "nov.", "dec"]
WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
WEEKDAYS_SHORT = ["mån", "tis", "ons", "tors", "fre", "lör", "sön"]


@st.composite
def written_schedules(draw):
    """A schedule for 2021 written in a random mix of forms, and what it says."""
    days = sorted(draw(st.sets(st.dates(date(2021, 1, 1), date(2021, 12, 31)), min_size=1, max_size=12)))
    separator = draw(st.sampled_from(["\n", "\n\n", "\r\n"]))
    lines, expected = ["Sammanträdestider 2021", ""], []
    for day in days:
        weekday = draw(st.sampled_from(["", "{}", "{} den", "{},"]))
        weekday_name = draw(st.sampled_from([WEEKDAYS, WEEKDAYS_SHORT]))[day.weekday()]
        month = draw(st.sampled_from([MONTHS, MONTHS_SHORT]))[day.month - 1]
        month = draw(st.sampled_from([month, month.upper(), month.capitalize()]))
        clock = draw(st.one_of(st.none(), st.times().map(lambda t: t.replace(second=0, microsecond=0))))
        time_text = (
            ""
            if clock is None
            else draw(
                st.sampled_from(["kl. {:%H.%M}", "kl {:%H:%M}", "klockan {:%H.%M}", "{:%H.%M}", ", kl. {:%H:%M}"])
            ).format(clock)
        )
        note = draw(st.sampled_from([None, "Budget", "Tertialrapport 1 2021", "(val)"]))
        cancel = draw(st.sampled_from(["", " – mötet är inställt", ", inställt", " (INSTÄLLT)"]))
        bullet = draw(st.sampled_from(["", "• ", "- ", "* ", "  "]))
        head = weekday.format(weekday_name.capitalize()) if weekday else ""
        text = f"{bullet}{head} {day.day} {month} {time_text} {note or ''}{cancel}"
        lines.append(" ".join(text.split()) if bullet != "  " else "  " + " ".join(text.split()))
        expected.append((day, clock, note.strip("()") if note else None, bool(cancel)))
    return separator.join(lines), expected


@settings(max_examples=200, deadline=None)
@given(written_schedules())
def test_written_schedules_read_back(case):
    text, expected = case
    schedule = parse_schedule(text)
    assert schedule.year == 2021
    assert [(m.date, m.start, m.note, m.cancelled) for m in schedule.meetings] == expected


# --------------------------------------------------------------------------
# The period a text covers and the committee its heading names (issue 11, point 5)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("Sammanträdestider våren 2027\nTisdag 9 februari\n16 mars\n", date(2027, 1, 1), date(2027, 6, 30)),
        ("Sammanträdestider hösten 2027\n7 september\n", date(2027, 7, 1), date(2027, 12, 31)),
        ("Sammanträdestider 2027\n9 februari\n7 september\n", date(2027, 2, 9), date(2027, 9, 7)),
        ("Sammanträdestider 2027\nVåren\n9 februari\nHösten\n7 september\n", date(2027, 1, 1), date(2027, 12, 31)),
        (
            "Sammanträdestider 2026/2027\nHösten 2026\n1 september\nVåren 2027\n12 januari\n",
            date(2026, 7, 1),
            date(2027, 6, 30),
        ),
        ("Sammanträden hösten 2026 och våren 2027\n1 september 2026\n", date(2026, 7, 1), date(2027, 6, 30)),
    ],
)
def test_the_period_a_schedule_covers(text, first, last):
    schedule = parse_schedule(text)
    assert (schedule.first, schedule.last) == (first, last)


def test_a_date_outside_the_half_year_the_text_names_is_an_error():
    """It would stretch the period to September and cancel every meeting in between."""
    with pytest.raises(ScheduleError) as err:
        parse_schedule(
            "Sammanträdestider våren 2027\n\nTisdag den 9 februari\nTisdag den 16 mars\nTisdag den 21 september\n"
        )
    assert err.value.message == (
        "Rad 5: 21 september 2027 ligger utanför det halvår texten gäller (1 januari 2027–30 juni 2027)."
    )


@pytest.mark.parametrize(
    ("heading", "named"),
    [
        ("Arbetsmarknadsnämndens sammanträdestider 2020", "Arbetsmarknadsnämndens"),
        ("Sammanträdestider 2020 för Barn- och utbildningsnämnden", "Barn- och utbildningsnämnden"),
        ("Tekniska nämnden – sammanträdesplan 2020", "Tekniska nämnden"),
        ("Kommunstyrelsens arbetsutskott – sammanträdestider 2020", "Kommunstyrelsens arbetsutskott"),
        ("Kommunfullmäktige 2020", "Kommunfullmäktige"),
        ("Datum för nämndens sammanträden 2020", None),
        ("Sammanträdestider 2020", None),
        ("Socialnämnden\nSammanträdestider 2020", "Socialnämnden"),  # the name on the line above
        ("Sammanträdestider för tekniska nämnden 2020", "tekniska nämnden"),
    ],
)
def test_the_committee_a_heading_names(heading, named):
    schedule = parse_schedule(f"{heading}\n\n11 februari\n17 mars\n")
    assert schedule.committee == named
    assert schedule.year == 2020


def test_a_committee_and_a_year_make_a_heading():
    schedule = parse_schedule("Kommunfullmäktige 2022\n\nMåndag 7 februari\nMåndag 14 mars kl. 18\n")
    assert [m.date for m in schedule.meetings] == [date(2022, 2, 7), date(2022, 3, 14)]
    assert schedule.committee == "Kommunfullmäktige"


def test_committee_names_compare_without_their_endings():
    from namndbot.calendar.schedule_heading import same_committee

    assert same_committee("Arbetsmarknadsnämndens", "Arbetsmarknadsnämnden", "AMN")
    assert same_committee("kommunfullmäktiges", "Kommunfullmäktige", "KF")
    assert same_committee("AMN", "Arbetsmarknadsnämnden", "AMN")
    assert not same_committee("Barn- och utbildningsnämnden", "Arbetsmarknadsnämnden", "AMN")
    assert not same_committee("Kommunstyrelsens arbetsutskott", "Kommunstyrelsen", "KS")

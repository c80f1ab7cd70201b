"""Frister: anslag, överklagande och justering (rules.md, "Anslag and appeal")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from namndbot.domain.deadlines import (
    Frister,
    anslag_ned_tidigast,
    anslag_senast,
    frister,
    is_working_day,
    justering_senast,
    last_day_to_appeal,
    next_working_day,
    previous_working_day,
)
from namndbot.domain.errors import NamndbotError, RuleError

D = date.fromisoformat


# (announced, last day to appeal). announced + 21 days is the same weekday as
# announced; each comment gives that day and why it moves (or not).
APPEAL_CASES = [
    # rules.md's three examples
    ("2024-05-16", "2024-06-07"),  # Thu -> Thu 6/6 nationaldagen -> Fri 7/6
    ("2024-05-31", "2024-06-24"),  # Fri -> Fri 21/6 midsommarafton, Sat midsommardagen, Sun -> Mon 24/6
    ("2024-12-10", "2025-01-02"),  # Tue -> Tue 31/12 nyårsafton, Wed 1/1 nyårsdagen -> Thu 2/1
    # the real protocol: announced Tue 2020-08-18
    ("2020-08-18", "2020-09-08"),  # Tue -> Tue 8/9, an ordinary day
    # Easter 2024 (påskdagen 31/3) and 2025 (påskdagen 20/4)
    ("2024-03-08", "2024-04-02"),  # Fri -> Fri 29/3 långfredagen, Sat, Sun påskdagen, Mon annandag påsk -> Tue 2/4
    ("2025-03-28", "2025-04-22"),  # Fri -> Fri 18/4 långfredagen ... Mon 21/4 annandag påsk -> Tue 22/4
    ("2025-03-30", "2025-04-22"),  # Sun -> Sun 20/4 påskdagen, Mon annandag påsk -> Tue 22/4
    ("2025-03-31", "2025-04-22"),  # Mon -> Mon 21/4 annandag påsk -> Tue 22/4
    # midsommar 2025 (midsommarafton Fri 20/6, midsommardagen Sat 21/6)
    ("2025-05-30", "2025-06-23"),  # Fri -> Fri 20/6 midsommarafton, Sat, Sun -> Mon 23/6
    ("2025-05-31", "2025-06-23"),  # Sat -> Sat 21/6 midsommardagen, Sun -> Mon 23/6
    # jul 2024 (julafton Tue 24/12, juldagen Wed, annandag jul Thu)
    ("2024-12-03", "2024-12-27"),  # Tue -> Tue 24/12 julafton -> Fri 27/12
    ("2024-12-04", "2024-12-27"),  # Wed -> Wed 25/12 juldagen -> Fri 27/12
    ("2024-12-05", "2024-12-27"),  # Thu -> Thu 26/12 annandag jul -> Fri 27/12
    # nyår
    ("2024-12-11", "2025-01-02"),  # Wed -> Wed 1/1 nyårsdagen -> Thu 2/1
    ("2024-12-16", "2025-01-07"),  # Mon -> Mon 6/1 trettondedag jul -> Tue 7/1
    # Kristi himmelsfärdsdag (the Friday after is no holiday)
    ("2024-04-18", "2024-05-10"),  # Thu -> Thu 9/5 Kristi himmelsfärdsdag -> Fri 10/5
    ("2025-05-08", "2025-05-30"),  # Thu -> Thu 29/5 Kristi himmelsfärdsdag -> Fri 30/5
    # nationaldagen on a Friday; annandag pingst (Mon 9/6 2025) is no holiday since 2005
    ("2025-05-16", "2025-06-09"),  # Fri -> Fri 6/6 nationaldagen, Sat, Sun pingstdagen -> Mon 9/6
    # första maj
    ("2024-04-10", "2024-05-02"),  # Wed -> Wed 1/5 -> Thu 2/5
    ("2025-04-10", "2025-05-02"),  # Thu -> Thu 1/5 -> Fri 2/5
    # alla helgons dag, a Saturday
    ("2024-10-12", "2024-11-04"),  # Sat -> Sat 2/11 alla helgons dag, Sun -> Mon 4/11
    # aftnar that do NOT move a deadline
    ("2023-12-15", "2024-01-05"),  # Fri -> Fri 5/1 trettondagsafton: stays
    ("2024-03-07", "2024-03-28"),  # Thu -> Thu 28/3 skärtorsdagen: stays
    ("2025-03-27", "2025-04-17"),  # Thu -> Thu 17/4 skärtorsdagen: stays
    ("2024-04-09", "2024-04-30"),  # Tue -> Tue 30/4 valborgsmässoafton: stays
    ("2024-10-11", "2024-11-01"),  # Fri -> Fri 1/11 allhelgonaafton: stays
    # plain weekend
    ("2024-09-07", "2024-09-30"),  # Sat -> Sat 28/9, Sun -> Mon 30/9
]


@pytest.mark.parametrize(("announced", "last"), APPEAL_CASES)
def test_last_day_to_appeal(announced, last):
    assert last_day_to_appeal(D(announced)) == D(last)


def test_real_example_anslag_comes_down_the_day_after():
    assert anslag_ned_tidigast(D("2020-08-18")) == D("2020-09-09")  # Wed


@pytest.mark.parametrize(
    "day",
    [
        "2024-01-01",
        "2024-01-06",
        "2024-03-29",
        "2024-03-31",
        "2024-04-01",
        "2024-05-01",
        "2024-05-09",
        "2024-05-19",
        "2024-06-06",
        "2024-06-21",
        "2024-06-22",
        "2024-11-02",
        "2024-12-24",
        "2024-12-25",
        "2024-12-26",
        "2024-12-31",
        "2024-06-08",
        "2024-06-09",  # an ordinary Saturday and Sunday
        "2004-05-31",  # annandag pingst, still a holiday in 2004
    ],
)
def test_not_working_days(day):
    assert not is_working_day(D(day))


@pytest.mark.parametrize(
    "day",
    [
        "2024-01-05",  # trettondagsafton
        "2024-03-28",  # skärtorsdagen
        "2024-04-30",  # valborgsmässoafton
        "2024-05-10",  # klämdag after Kristi himmelsfärd
        "2024-05-20",  # annandag pingst, no holiday since 2005
        "2024-11-01",  # allhelgonaafton
        "2024-12-23",  # dagen före julafton
        "2024-12-27",
    ],
)
def test_working_days(day):
    assert is_working_day(D(day))


def test_next_and_previous_working_day():
    assert next_working_day(D("2024-12-27")) == D("2024-12-27")  # Fri, a working day
    assert next_working_day(D("2024-12-24")) == D("2024-12-27")  # Tue julafton -> Fri
    assert previous_working_day(D("2024-12-27")) == D("2024-12-23")  # Fri -> Mon
    assert previous_working_day(D("2025-01-02")) == D("2024-12-30")  # Thu -> Mon
    assert previous_working_day(D("2024-06-11")) == D("2024-06-10")  # Tue -> Mon, strictly before


def test_anslag_senast_counts_calendar_days():
    assert anslag_senast(D("2019-12-02")) == D("2019-12-04")  # Mon -> Wed
    assert anslag_senast(D("2024-06-20")) == D("2024-06-22")  # Thu -> Sat midsommardagen: not moved
    assert anslag_senast(D("2024-12-22")) == D("2024-12-24")  # Sun -> Tue julafton: not moved


def test_justering_senast():
    assert justering_senast(D("2019-11-26")) == D("2019-12-10")  # Tue -> Tue
    assert justering_senast(D("2024-12-17")) == D("2024-12-31")  # not moved off nyårsafton


def test_frister_with_actual_anslag():
    assert frister(D("2020-08-10"), D("2020-08-17"), D("2020-08-18")) == Frister(
        justering=D("2020-08-17"),
        anslag_senast=D("2020-08-19"),
        overklagande_sista_dag=D("2020-09-08"),
        anslag_ned_tidigast=D("2020-09-09"),
    )


def test_frister_without_anslag_uses_latest_lawful_anslag():
    # Meeting Tue 2019-11-26, justering Mon 2019-12-02: anslag senast Wed 12-04,
    # + 21 = Wed 12-25 juldagen, Thu annandag jul -> Fri 2019-12-27.
    f = frister(D("2019-11-26"), D("2019-12-02"))
    assert f == Frister(D("2019-12-02"), D("2019-12-04"), D("2019-12-27"), D("2019-12-28"))


def test_frister_omedelbar_justering_on_meeting_day():
    f = frister(D("2019-11-26"), D("2019-11-26"), D("2019-11-27"))
    assert f.overklagande_sista_dag == D("2019-12-18")  # Wed 11-27 + 21 = Wed 12-18


def test_frister_without_justering():
    assert frister(D("2019-11-26"), None) == Frister(None, None, None, None)
    f = frister(D("2019-11-26"), None, D("2019-11-27"))
    assert f.anslag_senast is None and f.overklagande_sista_dag == D("2019-12-18")


@pytest.mark.parametrize(
    ("meeting", "justering", "announced"),
    [("2019-11-26", "2019-11-25", None), ("2019-11-26", "2019-12-02", "2019-12-01")],
)
def test_frister_impossible_order(meeting, justering, announced):
    with pytest.raises(RuleError) as e:
        frister(D(meeting), D(justering), D(announced) if announced else None)
    assert isinstance(e.value, NamndbotError) and "kan inte" in str(e.value)


@settings(max_examples=500, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_last_day_to_appeal_properties(d):
    last = last_day_to_appeal(d)
    start = d + timedelta(days=21)
    assert last >= start
    assert is_working_day(last)
    day = start
    while day < last:
        assert not is_working_day(day)
        day += timedelta(days=1)
    assert anslag_ned_tidigast(d) == last + timedelta(days=1)
    assert previous_working_day(last) < last and is_working_day(previous_working_day(last))

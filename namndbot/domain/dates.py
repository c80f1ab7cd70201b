"""Dates as Swedish text, and reading the dates people type."""

from __future__ import annotations

import re
from datetime import date, time

from .errors import NamndbotError

VECKODAGAR = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
MANADER = (
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
)


def svensk_datum(day: date, *, weekday: bool = True) -> str:
    """``tisdag 26 november 2019``."""
    text = f"{day.day} {MANADER[day.month - 1]} {day.year}"
    return f"{VECKODAGAR[day.weekday()]} {text}" if weekday else text


def klockslag(t: time) -> str:
    """``kl. 16.00``, as Swedish text writes a time."""
    return f"kl. {t.hour:02d}.{t.minute:02d}"


class DateError(NamndbotError):
    pass


_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_TIME = re.compile(r"^\s*(?:kl\.?\s*)?(\d{1,2})(?:[:.](\d{2}))?\s*$")


FIRST_YEAR, LAST_YEAR = 1900, 2199  # dates outside are typing mistakes (and break date arithmetic near 9999)


def check_year(year: int, what: str) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DateError(f"{what}: året {year} kan inte stämma; namndbot tar år mellan {FIRST_YEAR} och {LAST_YEAR}.")
    return year


def parse_iso_date(text: str) -> date:
    """``2019-06-18``; anything else is a clear Swedish error."""
    m = _ISO.match(text or "")
    if not m:
        raise DateError(f"”{text}” är inget datum; skriv datum som ÅÅÅÅ-MM-DD, t.ex. 2019-06-18.")
    try:
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise DateError(f"Datumet ”{text}” finns inte i almanackan.") from None
    check_year(day.year, f"Datumet ”{text.strip()}”")
    return day


def parse_time(text: str) -> time:
    """``16:00``, ``16.00``, ``9`` or ``kl. 9.30``."""
    m = _TIME.match(text or "")
    if m:
        hh, mm = int(m.group(1)), int(m.group(2) or 0)
        if hh < 24 and mm < 60:
            return time(hh, mm)
    raise DateError(f"”{text}” är ingen tid; skriv t.ex. 16:00.")

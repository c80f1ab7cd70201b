"""Frister kring protokollet: justering, anslag och överklagande.

The rules (see ``rules.md``, "The protocol" and "Anslag and appeal"):

* the protocol is justerat within 14 days of the meeting (KL 5 kap. 69 §,
  6 kap. 35 §);
* the justering is announced on the anslagstavla no later than the second
  day after it (KL 8 kap. 12 §);
* an appeal must reach the court within three weeks from the day of the
  announcement (KL 13 kap. 5 §), counted by lag (1930:173): the last day is
  the announcement day + 21 days, moved to the next working day when it falls
  on a Saturday, a Sunday, an allmän helgdag (lag 1989:253), midsommarafton,
  julafton or nyårsafton;
* the announcement stays up through the last day to appeal.

Holidays come from ``holidays.Sweden`` with the PUBLIC and DE_FACTO
categories: PUBLIC is lag 1989:253 (without Sundays; ``include_sundays`` is
left off because weekends are checked by weekday), DE_FACTO is exactly
midsommarafton, julafton and nyårsafton. Trettondagsafton, skärtorsdagen,
valborgsmässoafton etc. are only in the BANK/OPTIONAL categories and so do
not count. The library follows the law's history (annandag pingst until 2004,
nationaldagen from 2005) and knows no holidays before 1953; for such years
only weekends count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays
from holidays.constants import DE_FACTO, PUBLIC

from .errors import RuleError

DAY = timedelta(days=1)
APPEAL_PERIOD = timedelta(weeks=3)
ANSLAG_WITHIN = timedelta(days=2)
JUSTERING_WITHIN = timedelta(days=14)


@lru_cache(maxsize=256)
def _helgdagar(year: int) -> frozenset[date]:
    """Allmänna helgdagar (lag 1989:253) plus midsommar-, jul- and nyårsafton."""
    return frozenset(holidays.Sweden(years=year, categories=(PUBLIC, DE_FACTO)))


def is_working_day(d: date) -> bool:
    """Not a Saturday or Sunday, not a public holiday, not midsommar-, jul- or nyårsafton."""
    return d.weekday() < 5 and d not in _helgdagar(d.year)


def next_working_day(d: date) -> date:
    """``d`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(d):
        d += DAY
    return d


def previous_working_day(d: date) -> date:
    """The last working day strictly before ``d``."""
    d -= DAY
    while not is_working_day(d):
        d -= DAY
    return d


def last_day_to_appeal(announced: date) -> date:
    """Last day for an appeal when the justering was announced on ``announced``.

    Three weeks end on the day with the same weekday name (lag 1930:173); when
    that is not a working day the last day is the next working day.
    """
    return next_working_day(announced + APPEAL_PERIOD)


def anslag_senast(justerad: date) -> date:
    """The last day the justering may be announced: the second day after it.

    KL 8 kap. 12 § says "senast andra dagen efter justeringen": calendar days.
    The date is deliberately *not* moved off weekends or holidays (one could
    argue lag 1930:173 moves it): the unmoved date is always lawful, so a
    secretary who keeps to it is never late.
    """
    return justerad + ANSLAG_WITHIN


def anslag_ned_tidigast(announced: date) -> date:
    """The earliest day the announcement may come down: the day after the last day to appeal."""
    return last_day_to_appeal(announced) + DAY


def justering_senast(meeting: date) -> date:
    """The last day to justera the protocol: 14 calendar days after the meeting (not moved)."""
    return meeting + JUSTERING_WITHIN


@dataclass(frozen=True)
class Frister:
    """The dates that follow from a meeting, its justering and its anslag."""

    justering: date | None
    anslag_senast: date | None
    overklagande_sista_dag: date | None
    anslag_ned_tidigast: date | None


def frister(meeting: date, justering: date | None, announced: date | None = None) -> Frister:
    """The deadlines for one protocol.

    ``announced`` is the day the anslag actually went up. When it is None the
    appeal dates are computed as if the protocol were announced on the latest
    lawful day, ``anslag_senast(justering)``: the latest the appeal period can
    end and the anslag come down. Without either a justering or an anslag date
    nothing after the justering is known, and those fields are None.

    Raises ``RuleError`` for impossible orders: a justering before the meeting,
    or an anslag before the justering.
    """
    if justering is not None and justering < meeting:
        raise RuleError(
            f"Justeringen ({justering.isoformat()}) kan inte ligga före sammanträdet ({meeting.isoformat()})."
        )
    if announced is not None and announced < (justering or meeting):
        raise RuleError(
            f"Anslaget ({announced.isoformat()}) kan inte sättas upp före "
            + ("justeringen" if justering else "sammanträdet")
            + f" ({(justering or meeting).isoformat()})."
        )
    senast = anslag_senast(justering) if justering is not None else None
    basis = announced or senast
    return Frister(
        justering=justering,
        anslag_senast=senast,
        overklagande_sista_dag=last_day_to_appeal(basis) if basis else None,
        anslag_ned_tidigast=anslag_ned_tidigast(basis) if basis else None,
    )

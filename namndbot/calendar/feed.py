"""iCalendar feeds (RFC 5545) that Google, Apple and Outlook calendars all read right.

- stable UIDs per meeting; SEQUENCE raised on every change; DTSTAMP and
  LAST-MODIFIED from the last change, so the bytes only change with the data;
- STATUS:CANCELLED for cancelled meetings (and "INSTÄLLT" in the title,
  since some apps hide the status);
- a VTIMEZONE in RRULE form (valid for every year, unlike a list of RDATEs),
  derived from zoneinfo and checked against it in the tests;
- NAME/X-WR-CALNAME, REFRESH-INTERVAL and X-PUBLISHED-TTL for subscribers;
- CRLF line ends and folded lines (icalendar does both).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vRecur

PRODID = "-//namndbot//Sammanträdestider//SV"
REFRESH = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class FeedEvent:
    uid: str
    start: datetime | date  # aware, in the committee's timezone; a date for an all-day event
    end: datetime | date
    summary: str
    stamp: datetime  # the last change (UTC)
    sequence: int = 0
    description: str | None = None
    location: str | None = None
    cancelled: bool = False


def render(name: str, description: str, timezone: str, events: Iterable[FeedEvent]) -> bytes:
    """The whole feed as bytes (UTF-8, CRLF)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-caldesc", description)
    cal.add("x-wr-timezone", timezone)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    cal.add_component(vtimezone(timezone))
    for e in sorted(events, key=lambda e: (_sort_key(e.start), e.uid)):
        cal.add_component(_event(e))
    return cal.to_ical()


def _sort_key(start: datetime | date) -> datetime:
    if isinstance(start, datetime):
        return start.astimezone(UTC)
    return datetime.combine(start, datetime.min.time(), tzinfo=UTC)


def _event(e: FeedEvent) -> Event:
    ev = Event()
    ev.add("uid", e.uid)
    ev.add("dtstamp", e.stamp.astimezone(UTC))
    ev.add("last-modified", e.stamp.astimezone(UTC))
    ev.add("sequence", e.sequence)
    ev.add("dtstart", e.start)
    ev.add("dtend", e.end)
    ev.add("summary", f"INSTÄLLT: {e.summary}" if e.cancelled else e.summary)
    if e.description:
        ev.add("description", e.description)
    if e.location:
        ev.add("location", e.location)
    ev.add("status", "CANCELLED" if e.cancelled else "CONFIRMED")
    ev.add("transp", "TRANSPARENT" if e.cancelled else "OPAQUE")
    ev.add("class", "PUBLIC")
    return ev


# -- VTIMEZONE in RRULE form ----------------------------------------------------------
@dataclass(frozen=True)
class _Rule:
    month: int
    byday: str  # e.g. "-1SU", "2SU"
    local: datetime  # first occurrence in 1970, local wall time before the change
    offset_from: timedelta
    offset_to: timedelta
    name: str
    daylight: bool


def _transitions(tz: ZoneInfo, year: int) -> list[tuple[datetime, timedelta, timedelta, str, bool]]:
    """(UTC instant, offset before, offset after, name after, is DST after) for changes in ``year``."""
    out: list[tuple[datetime, timedelta, timedelta, str, bool]] = []
    t = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    prev = t.astimezone(tz).utcoffset() or timedelta(0)
    while t < end:
        nxt = t + timedelta(days=1)
        off = nxt.astimezone(tz).utcoffset() or timedelta(0)
        if off != prev:
            lo, hi = t, nxt  # bisect to the hour
            while hi - lo > timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                if mid.astimezone(tz).utcoffset() == prev:
                    lo = mid
                else:
                    hi = mid
            instant = hi.replace(second=0, microsecond=0)
            if instant.minute % 15:
                instant = instant.replace(minute=0) + timedelta(hours=1)
            local = instant.astimezone(tz)
            out.append((instant, prev, off, local.tzname() or "", bool(local.dst())))
            prev = off
        t = nxt
    return out


def _byday(day: date) -> str:
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[day.weekday()]
    next_month = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    if (next_month - day).days <= 7:
        return f"-1{weekday}"
    return f"{(day.day - 1) // 7 + 1}{weekday}"


@functools.lru_cache(maxsize=16)
def _rules(tzid: str, year: int) -> tuple[_Rule, ...]:
    tz = ZoneInfo(tzid)
    rules = []
    for instant, before, after, name, dst in _transitions(tz, year):
        wall = (instant + before).replace(tzinfo=None)  # the wall clock just before the change
        byday = _byday(wall.date())
        first = _first_in(1970, wall.month, byday).replace(hour=wall.hour, minute=wall.minute)
        rules.append(_Rule(wall.month, byday, first, before, after, name, dst))
    return tuple(rules)


def _first_in(year: int, month: int, byday: str) -> datetime:
    n = int(byday[:-2])
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU").index(byday[-2:])
    first = date(year, month, 1)
    days = [first + timedelta(days=i) for i in range(31) if (first + timedelta(days=i)).month == month]
    matching = [d for d in days if d.weekday() == weekday]
    return datetime.combine(matching[n - 1] if n > 0 else matching[n], datetime.min.time())


@functools.lru_cache(maxsize=16)
def _vtimezone_bytes(tzid: str, year: int) -> bytes:
    tz = Timezone()
    tz.add("tzid", tzid)
    tz.add("x-lic-location", tzid)
    rules = _rules(tzid, year)
    if not rules:  # no daylight saving time: one STANDARD
        offset = datetime(year, 1, 1, tzinfo=ZoneInfo(tzid)).utcoffset()
        std = TimezoneStandard()
        std.add("dtstart", datetime(1970, 1, 1))
        std.add("tzoffsetfrom", offset)
        std.add("tzoffsetto", offset)
        std.add("tzname", datetime(year, 1, 1, tzinfo=ZoneInfo(tzid)).tzname() or tzid)
        tz.add_component(std)
        return tz.to_ical()
    for rule in rules:
        sub = TimezoneDaylight() if rule.daylight else TimezoneStandard()
        sub.add("dtstart", rule.local)
        sub.add("rrule", vRecur(freq="YEARLY", bymonth=rule.month, byday=rule.byday))
        sub.add("tzoffsetfrom", rule.offset_from)
        sub.add("tzoffsetto", rule.offset_to)
        sub.add("tzname", rule.name)
        tz.add_component(sub)
    return tz.to_ical()


def vtimezone(tzid: str) -> Timezone:
    """A VTIMEZONE for ``tzid`` whose RRULEs follow today's rules (Europe/Stockholm: EU's)."""
    return cast(Timezone, Timezone.from_ical(_vtimezone_bytes(tzid, 2025)))

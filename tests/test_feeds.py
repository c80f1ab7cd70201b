"""Sammanträdestider as iCalendar feeds, read back with three independent parsers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream

from namndbot.calendar.feed import vtimezone
from namndbot.calendar.feeds import committee_feed, personal_feed
from namndbot.services.feeds import FeedService

from .conftest import PROTOCOL_2019_11_26

STHLM = ZoneInfo("Europe/Stockholm")


def _utc(t: datetime | date) -> datetime | date:
    """A timed start in UTC; an all-day event's date as it is."""
    return t.astimezone(UTC) if isinstance(t, datetime) else t


def _order(start: datetime | date) -> datetime:
    return start if isinstance(start, datetime) else datetime.combine(start, time(), tzinfo=UTC)


def parse_all(body: bytes) -> dict[str, list[dict]]:
    """Every event as each parser sees it: uid, UTC start (a date if all-day), end, status, sequence."""
    text = body.decode("utf-8")
    out: dict[str, list[dict]] = {}
    cal = icalendar.Calendar.from_ical(body)
    out["icalendar"] = [
        {
            "uid": str(e["uid"]),
            "start": _utc(e.decoded("dtstart")),
            "end": _utc(e.decoded("dtend")),
            "status": str(e["status"]),
            "sequence": int(e["sequence"]),
            "summary": str(e["summary"]),
        }
        for e in cal.walk("VEVENT")
    ]
    v = vobject.readOne(text)
    out["vobject"] = [
        {
            "uid": e.uid.value,
            "start": _utc(e.dtstart.value),
            "end": _utc(e.dtend.value),
            "status": e.status.value,
            "sequence": int(e.sequence.value),
            "summary": e.summary.value,
        }
        for e in getattr(v, "vevent_list", [])
    ]
    ic = IcsCalendarStream.calendar_from_ics(text)
    out["ical"] = [
        {
            "uid": e.uid,
            "start": _utc(e.dtstart),
            "end": _utc(e.dtend),
            "status": str(e.status.value),
            "sequence": e.sequence,
            "summary": e.summary,
        }
        for e in ic.events
    ]
    for events in out.values():
        events.sort(key=lambda e: (_order(e["start"]), e["uid"]))
    return out


def agree(body: bytes) -> list[dict]:
    """The three parsers agree on every event; return one view."""
    views = parse_all(body)
    first = views["icalendar"]
    for name, events in views.items():
        assert events == first, f"{name} disagrees"
    return first


async def import_seed_schedule(service):
    from namndbot.services.schedule import import_schedule

    text = PROTOCOL_2019_11_26.read_text(encoding="utf-8")
    return await import_schedule(service, "AMN", text, actor="test")


@pytest.fixture
async def amn_2020(service, amn_text):
    await service.import_roster(amn_text, "test")
    await import_seed_schedule(service)
    return service


async def feed(service) -> bytes:
    found = await FeedService(service).committee_meetings("AMN")
    return committee_feed(*found).body


async def test_seed_002_schedule_imports_as_ten_meetings_at_16_stockholm_time(amn_2020):
    meetings = await amn_2020.meetings("AMN")
    assert len(meetings) == 10
    assert all(m.start == time(16, 0) and m.date.year == 2020 for m in meetings)
    assert meetings[0].note == "Verksamhetsberättelse 2019"
    assert meetings[2].note == "Nämndens underlag för budget 2021 med inriktning för 2022 och 2023"
    events = agree(await feed(amn_2020))
    assert len(events) == 10
    feb, may = events[0], events[3]
    assert feb["start"] == datetime(2020, 2, 11, 15, 0, tzinfo=UTC)  # CET: 15:00Z
    assert may["start"] == datetime(2020, 5, 26, 14, 0, tzinfo=UTC)  # CEST: 14:00Z
    assert all(e["status"] == "CONFIRMED" and e["sequence"] == 0 for e in events)
    assert all(e["summary"] == "Sammanträde Arbetsmarknadsnämnden" for e in events)


async def test_importing_the_same_decision_twice_changes_nothing(amn_2020, clock):
    before = await feed(amn_2020)
    clock.advance(days=3)
    report = await import_seed_schedule(amn_2020)
    assert report.nothing_changed and len(report.unchanged) == 10
    assert await feed(amn_2020) == before


async def test_a_changed_decision_moves_adds_and_cancels(amn_2020, clock):
    from namndbot.services.schedule import import_schedule

    before = {e["uid"]: e for e in agree(await feed(amn_2020))}
    text = PROTOCOL_2019_11_26.read_text(encoding="utf-8")
    changed = (
        text.replace("Tisdag den 17 mars", "Onsdag den 18 mars")
        .replace("Tisdag den 20 oktober \n", "")
        .replace("Tisdag den 17 november", "Tisdag den 17 november \nTisdag den 1 december")
    )
    clock.advance(days=30)
    report = await import_schedule(amn_2020, "AMN", changed, actor="test")
    assert [(old, m.date) for old, m in report.moved] == [(date(2020, 3, 17), date(2020, 3, 18))]
    assert [m.date for m in report.added] == [date(2020, 12, 1)]
    assert [m.date for m in report.cancelled] == [date(2020, 10, 20)]
    after = {e["uid"]: e for e in agree(await feed(amn_2020))}
    moved = next(uid for uid, e in before.items() if e["start"].date() == date(2020, 3, 17))
    assert after[moved]["start"] == datetime(2020, 3, 18, 15, 0, tzinfo=UTC)  # same UID, new time
    assert after[moved]["sequence"] == before[moved]["sequence"] + 1
    dropped = next(uid for uid, e in before.items() if e["start"].date() == date(2020, 10, 20))
    assert after[dropped]["status"] == "CANCELLED"  # cancelled, never deleted
    assert after[dropped]["sequence"] == before[dropped]["sequence"] + 1
    assert after[dropped]["summary"].startswith("INSTÄLLT: ")
    assert len(after) == 11
    untouched = next(uid for uid, e in before.items() if e["start"].date() == date(2020, 2, 11))
    assert after[untouched] == before[untouched]


async def test_feed_bytes_change_only_with_the_data(amn_service, clock):
    day = date(2019, 11, 26)
    first = await feed(amn_service)
    clock.advance(hours=1)
    assert await feed(amn_service) == first
    await amn_service.add_forhinder("AMN", day, "Martin Westmont", actor="t")  # not in the public feed
    await amn_service.add_meeting("AMN", day, paragraphs=18, actor="t")  # not in the feed either
    assert await feed(amn_service) == first
    clock.advance(hours=1)
    await amn_service.add_meeting("AMN", day, start=time(17, 0), actor="t")
    second = await feed(amn_service)
    assert second != first
    (event,) = agree(second)
    assert event["sequence"] == 1 and event["start"] == datetime(2019, 11, 26, 16, 0, tzinfo=UTC)
    stamp = icalendar.Calendar.from_ical(second).walk("VEVENT")[0].decoded("dtstamp")
    assert stamp == clock.now


async def test_cancelled_meeting(amn_service):
    await amn_service.cancel_meeting("AMN", date(2019, 11, 26), actor="t")
    (event,) = agree(await feed(amn_service))
    assert event["status"] == "CANCELLED" and event["sequence"] == 1


async def test_public_feed_carries_no_personal_data(amn_service):
    day = date(2019, 11, 26)
    await amn_service.add_forhinder("AMN", day, "Martin Westmont", actor="t")
    body = (await feed(amn_service)).decode()
    roster = await amn_service.roster("AMN")
    for m in roster.members:
        assert m.name not in body
    assert "förhinder" not in body.lower()


async def test_personal_feed_marks_the_members_own_status(amn_service):
    day = date(2019, 11, 26)
    await amn_service.add_forhinder("AMN", day, "Martin Westmont", actor="t")
    feeds = FeedService(amn_service)
    westmont = agree(personal_feed(await feeds.personal_by_name("AMN", "Westmont")).body)
    assert westmont[0]["summary"] == "Sammanträde Arbetsmarknadsnämnden – förhinder anmält"
    mattias = agree(personal_feed(await feeds.personal_by_name("AMN", "Mårdenfjord")).body)
    assert mattias[0]["summary"] == (
        "Sammanträde Arbetsmarknadsnämnden – inkallad att tjänstgöra för Martin Westmont (SD) (inte besvarad)"
    )
    assert mattias[0]["sequence"] == 1  # the call-in is a change to his event
    other = agree(personal_feed(await feeds.personal_by_name("AMN", "Salar Rashid")).body)
    assert other[0]["summary"] == "Sammanträde Arbetsmarknadsnämnden"
    # Personal UIDs differ from the public ones, and per member.
    public = agree(await feed(amn_service))
    assert len({public[0]["uid"], westmont[0]["uid"], mattias[0]["uid"]}) == 3


def test_crlf_and_folded_lines():
    from namndbot.calendar.feed import FeedEvent, render

    start = datetime(2020, 2, 11, 16, tzinfo=STHLM)
    body = render(
        "AMN",
        "x",
        "Europe/Stockholm",
        [
            FeedEvent(
                "u",
                start,
                start + timedelta(hours=2),
                "Sammanträde",
                datetime(2020, 1, 1, tzinfo=UTC),
                description="å" * 200,
            )
        ],
    )
    lines = body.split(b"\r\n")
    assert b"\n" not in b"".join(lines)
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)


@pytest.mark.parametrize("tzid", ["Europe/Stockholm", "Europe/Helsinki", "America/New_York", "Asia/Tokyo"])
def test_vtimezone_rrules_match_zoneinfo_every_hour_around_every_change(tzid):
    ics = vtimezone(tzid).to_ical().decode()
    assert "RDATE" not in ics
    if tzid != "Asia/Tokyo":
        assert ics.count("RRULE:FREQ=YEARLY") == 2
    cal = vobject.readOne("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n" + ics + "END:VCALENDAR\r\n")
    theirs = cal.vtimezone.gettzinfo()
    ours = ZoneInfo(tzid)
    for year in range(2008, 2038, 2):
        for month in (3, 4, 10, 11):
            # Every UTC hour of every weekend (changes happen on Sundays): the same local offset.
            t = datetime(year, month, 1, tzinfo=UTC)
            while t.month == month:
                if t.weekday() in (5, 6, 0):
                    assert t.astimezone(theirs).utcoffset() == t.astimezone(ours).utcoffset(), t
                t += timedelta(hours=1)
            # Every unambiguous wall time on Sundays (skipping the hour that doesn't exist or happens twice).
            for day in range(1, 32):
                for hour in range(24):
                    try:
                        wall = datetime(year, month, day, hour, 30)
                    except ValueError:
                        continue
                    if wall.weekday() != 6:
                        continue
                    if wall.replace(tzinfo=ours, fold=0).utcoffset() != wall.replace(tzinfo=ours, fold=1).utcoffset():
                        continue
                    assert wall.replace(tzinfo=theirs).utcoffset() == wall.replace(tzinfo=ours).utcoffset(), wall


async def test_committee_feed_carries_the_calendar_properties_subscribers_need(amn_2020):
    body = await feed(amn_2020)
    cal = icalendar.Calendar.from_ical(body)
    assert str(cal["method"]) == "PUBLISH"
    assert str(cal["x-wr-calname"]) == "Arbetsmarknadsnämnden"
    assert str(cal["name"]) == "Arbetsmarknadsnämnden"
    assert str(cal["x-wr-caldesc"]) == "Sammanträden för Arbetsmarknadsnämnden (AMN)"
    assert cal.decoded("refresh-interval") == timedelta(hours=1)
    assert str(cal["x-published-ttl"]) == "PT1H"
    lines = body.split(b"\r\n")
    assert b"METHOD:PUBLISH" in lines
    assert "X-WR-CALNAME:Arbetsmarknadsnämnden".encode() in lines
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines
    assert b"X-PUBLISHED-TTL:PT1H" in lines
    v = vobject.readOne(body.decode())
    assert v.x_wr_calname.value == "Arbetsmarknadsnämnden" and v.method.value == "PUBLISH"


async def test_personal_feed_with_justering_days(amn_service, clock):
    from namndbot.services.justering import JusteringService

    day = date(2019, 11, 26)
    justering = JusteringService(amn_service)
    clock.advance(days=7)
    await justering.set("AMN", day, ["Westmont", "Salar Rashid"], date(2019, 12, 3), actor="t")
    feeds = FeedService(amn_service)
    events = agree(personal_feed(await feeds.personal_by_name("AMN", "Westmont")).body)
    meeting, duty = events
    assert meeting["start"] == datetime(2019, 11, 26, 15, 0, tzinfo=UTC)
    assert duty["start"] == date(2019, 12, 3) and duty["end"] == date(2019, 12, 4)  # all-day, VALUE=DATE
    assert duty["summary"] == "Justera protokollet: Arbetsmarknadsnämnden 2019-11-26"
    assert duty["status"] == "CONFIRMED" and duty["sequence"] == 0
    assert len({meeting["uid"], duty["uid"]}) == 2
    raw = icalendar.Calendar.from_ical(personal_feed(await feeds.personal_by_name("AMN", "Westmont")).body)
    assert [str(e["dtstart"].params.get("VALUE")) for e in raw.walk("VEVENT")].count("DATE") == 1
    # Not the justerare: no such day. The public feed: never.
    assert len(agree(personal_feed(await feeds.personal_by_name("AMN", "Andrea Ström")).body)) == 1
    public = (await feed(amn_service)).decode()
    assert "Justera" not in public and "Westmont" not in public
    clock.advance(days=7)
    await justering.done("AMN", day, on=date(2019, 12, 3), actor="t")
    _, done = agree(personal_feed(await feeds.personal_by_name("AMN", "Westmont")).body)
    assert done["uid"] == duty["uid"] and done["summary"].endswith(" (justerat)")
    assert done["sequence"] == 1


def test_kalender_ics_for_a_member_through_the_cli(amn_cli):
    amn_cli.ok(
        "justering",
        "set",
        "--committee",
        "AMN",
        "--meeting",
        "2019-11-26",
        "--justerare",
        "Westmont",
        "--justerare",
        "Salar Rashid",
        "--date",
        "2019-12-03",
    )
    # Named justerare first (one with förhinder for the meeting can't be named), then förhinder.
    amn_cli.ok("forhinder", "add", "--committee", "AMN", "--meeting", "2019-11-26", "Westmont")
    out = amn_cli.ok("kalender", "ics", "--committee", "AMN", "--member", "Westmont")
    body = out.encode("utf-8")
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    assert b"\r\r" not in body and b"\n" not in body.replace(b"\r\n", b"")
    meeting, duty = agree(body)
    assert meeting["summary"] == "Sammanträde Arbetsmarknadsnämnden – förhinder anmält"
    assert duty["start"] == date(2019, 12, 3)
    assert duty["summary"] == "Justera protokollet: Arbetsmarknadsnämnden 2019-11-26"
    cal = icalendar.Calendar.from_ical(body)
    assert str(cal["x-wr-calname"]) == "Arbetsmarknadsnämnden – Martin Westmont"
    assert str(cal["method"]) == "PUBLISH"
    # The same command without --member: the public feed, meetings only.
    public = amn_cli.ok("kalender", "ics", "--committee", "AMN")
    (event,) = agree(public.encode("utf-8"))
    assert event["summary"] == "Sammanträde Arbetsmarknadsnämnden"
    assert "Westmont" not in public and "förhinder" not in public and "Justera" not in public

"""The feeds over HTTP: caching headers, 304s, HEAD, gzip, and 404s that tell nothing."""

from __future__ import annotations

import asyncio
import gzip
from datetime import date, time

import icalendar
import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer
from multidict import CIMultiDict

from namndbot.calendar.web import add_routes, feed_urls
from namndbot.services.feeds import FeedService


@pytest.fixture
async def server(amn_service):
    app = web.Application()
    add_routes(app, FeedService(amn_service))
    srv = TestServer(app, host="127.0.0.1")
    await srv.start_server()
    yield srv
    await srv.close()


@pytest.fixture
async def http():
    async with ClientSession(auto_decompress=False, headers={"Accept-Encoding": "identity"}) as session:
        yield session


async def test_committee_feed(server, http):
    async with http.get(server.make_url("/kalender/AMN.ics")) as r:
        assert r.status == 200
        assert r.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert r.headers["Cache-Control"] == "public, max-age=300"
        etag, modified = r.headers["ETag"], r.headers["Last-Modified"]
        assert etag.startswith('"') and not etag.startswith("W/")
        body = await r.read()
    assert body.startswith(b"BEGIN:VCALENDAR\r\n")
    async with http.get(server.make_url("/kalender/AMN.ics"), headers={"If-None-Match": etag}) as r:
        assert r.status == 304 and await r.read() == b""
        assert r.headers["ETag"] == etag
    async with http.get(server.make_url("/kalender/AMN.ics"), headers={"If-Modified-Since": modified}) as r:
        assert r.status == 304
    async with http.get(
        server.make_url("/kalender/AMN.ics"), headers={"If-Modified-Since": "Mon, 01 Jan 2018 00:00:00 GMT"}
    ) as r:
        assert r.status == 200
    async with http.get(
        server.make_url("/kalender/AMN.ics"), headers={"If-None-Match": '"other"', "If-Modified-Since": modified}
    ) as r:
        assert r.status == 200  # If-None-Match wins


async def test_head_and_gzip(server, http):
    async with http.get(server.make_url("/kalender/AMN.ics")) as r:
        plain = await r.read()
    async with http.head(server.make_url("/kalender/AMN.ics")) as r:
        assert r.status == 200 and await r.read() == b""
        assert r.headers["Content-Type"] == "text/calendar; charset=utf-8"
    async with http.get(server.make_url("/kalender/AMN.ics"), headers={"Accept-Encoding": "gzip"}) as r:
        assert r.headers["Content-Encoding"] == "gzip"
        assert r.headers["Vary"] == "Accept-Encoding"
        gz_etag = r.headers["ETag"]
        assert gzip.decompress(await r.read()) == plain
    async with http.get(
        server.make_url("/kalender/AMN.ics"), headers={"Accept-Encoding": "gzip", "If-None-Match": gz_etag}
    ) as r:
        assert r.status == 304


async def test_a_change_is_served_at_once(server, http, amn_service, clock):
    async with http.get(server.make_url("/kalender/AMN.ics")) as r:
        etag = r.headers["ETag"]
    clock.advance(hours=1)
    await amn_service.add_meeting("AMN", date(2019, 11, 26), start=time(17, 0), actor="t")
    async with http.get(server.make_url("/kalender/AMN.ics"), headers={"If-None-Match": etag}) as r:
        assert r.status == 200
        assert b"DTSTART;TZID=Europe/Stockholm:20191126T170000" in await r.read()


async def test_personal_feed_and_rotation(server, http, amn_service):
    feeds = FeedService(amn_service)
    member, token, created = await feeds.token("AMN", "Westmont", actor="t")
    assert created and len(token) >= 32  # 192 bits, urlsafe
    https, webcal = feed_urls("https://namnd.example.se", token)
    assert https == f"https://namnd.example.se/kalender/p/{token}.ics"
    assert webcal == f"webcal://namnd.example.se/kalender/p/{token}.ics"
    async with http.get(server.make_url(f"/kalender/p/{token}.ics")) as r:
        assert r.status == 200
        assert r.headers["Cache-Control"] == "private, max-age=300"
        assert "Martin Westmont" in (await r.read()).decode()
    again = await feeds.token("AMN", "Westmont", actor="t")
    assert again[1] == token and again[2] is False
    _, new, _ = await feeds.token("AMN", "Westmont", rotate=True, actor="t")
    assert new != token
    async with http.get(server.make_url(f"/kalender/p/{token}.ics")) as revoked:
        revoked_body = await revoked.read()
        assert revoked.status == 404
    async with http.get(server.make_url(f"/kalender/p/{'x' * 32}.ics")) as never:
        assert never.status == 404
        assert await never.read() == revoked_body  # no hint whether the token ever existed
    async with http.get(server.make_url(f"/kalender/p/{new}.ics")) as r:
        assert r.status == 200


@pytest.mark.parametrize("path", ["/kalender/KS.ics", "/kalender/AMN", "/kalender/p/abc", "/kalender/p/.ics"])
async def test_unknown_is_404(server, http, path):
    async with http.get(server.make_url(path)) as r:
        assert r.status == 404
        assert await r.text() == "Kalendern finns inte.\n"


async def test_if_none_match_uses_weak_comparison(server, http):
    url = server.make_url("/kalender/AMN.ics")
    async with http.get(url) as r:
        etag = r.headers["ETag"]
    for inm in (f"W/{etag}", f'"other", W/{etag}', f'W/"other",{etag}', "*", f'"a" , "b",  W/{etag}  '):
        async with http.get(url, headers={"If-None-Match": inm}) as r:
            assert r.status == 304, inm
            assert r.headers["ETag"] == etag
    for inm in ('W/"other"', '"other", W/"x"', f"w/{etag}", etag[:-1] + 'x"', ""):
        async with http.get(url, headers={"If-None-Match": inm}) as r:
            assert r.status == 200, inm
    async with http.get(url, headers={"Accept-Encoding": "gzip"}) as r:
        gz_etag = r.headers["ETag"]
    for inm in (f"W/{gz_etag}", f"W/{etag}"):  # the identity variant's tag is the same content
        async with http.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": inm}) as r:
            assert r.status == 304, inm
    async with http.get(url, headers={"If-None-Match": f"W/{gz_etag}"}) as r:
        assert r.status == 200  # has the gzip variant, asks for identity


@pytest.mark.parametrize(
    "accept, gzipped",
    [
        ("gzip", True),
        ("GZIP", True),
        ("x-gzip", True),
        ("deflate, gzip;q=0.5", True),
        ("br;q=1.0, gzip; q=0.001", True),
        ("*", True),
        ("identity;q=0.5, *;q=0.1", True),
        ("gzip;q=0", False),
        ("gzip; q=0.000", False),
        ("gzip;q=0, *", False),  # gzip refused by name: * doesn't bring it back
        ("*;q=0", False),
        ("deflate, br", False),
        ("identity", False),
        ("gzip;q=bad", False),
        ("gzip;q=2", False),
        ("", False),
    ],
)
async def test_gzip_only_when_accept_encoding_allows_it(server, http, accept, gzipped):
    async with http.get(server.make_url("/kalender/AMN.ics"), headers={"Accept-Encoding": accept}) as r:
        body = await r.read()
        assert r.status == 200
        assert r.headers["Vary"] == "Accept-Encoding"
        if gzipped:
            assert r.headers["Content-Encoding"] == "gzip" and r.headers["ETag"].endswith('-gz"')
            assert gzip.decompress(body).startswith(b"BEGIN:VCALENDAR\r\n")
        else:
            assert "Content-Encoding" not in r.headers and not r.headers["ETag"].endswith('-gz"')
            assert body.startswith(b"BEGIN:VCALENDAR\r\n")


async def _get(http, url, **headers) -> tuple[int, CIMultiDict, bytes]:
    async with http.get(url, headers=headers) as r:
        return r.status, r.headers.copy(), await r.read()


def _when(header: str):
    from email.utils import parsedate_to_datetime

    return parsedate_to_datetime(header)


def _events(body: bytes) -> dict[str, icalendar.Event]:
    return {str(e["summary"]).split(":")[0]: e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


async def test_personal_feed_when_a_justerare_is_replaced_last_modified_moves_on(server, http, amn_service, clock):
    from namndbot.services.justering import JusteringService

    day = date(2019, 11, 26)
    justering = JusteringService(amn_service)
    clock.advance(days=7)
    await justering.set("AMN", day, ["Westmont", "Salar Rashid"], date(2019, 12, 3), actor="t")
    _, token, _ = await FeedService(amn_service).token("AMN", "Westmont", actor="t")
    url = server.make_url(f"/kalender/p/{token}.ics")
    status, headers, body = await _get(http, url)
    assert status == 200 and "Justera protokollet" in _events(body)
    first = headers["Last-Modified"]
    clock.advance(hours=2)
    assert (await _get(http, url, **{"If-Modified-Since": first}))[0] == 304
    assert (await _get(http, url))[2] == body  # nothing changed: the same bytes
    clock.advance(days=1)
    await justering.set("AMN", day, ["Andrea Ström", "Salar Rashid"], None, actor="t")
    status, headers, changed = await _get(http, url, **{"If-Modified-Since": first})
    assert status == 200  # not a stale 304
    assert "Justera protokollet" not in _events(changed)
    assert _when(headers["Last-Modified"]) > _when(first)
    assert _when(headers["Last-Modified"]) == clock.now
    assert (await _get(http, url, **{"If-Modified-Since": headers["Last-Modified"]}))[0] == 304
    # Back as justerare: the same event again, with a higher SEQUENCE; Last-Modified later still.
    clock.advance(hours=1)
    await justering.set("AMN", day, ["Westmont", "Salar Rashid"], None, actor="t")
    status, again, body = await _get(http, url, **{"If-Modified-Since": headers["Last-Modified"]})
    assert status == 200 and _when(again["Last-Modified"]) > _when(headers["Last-Modified"])


async def test_public_feed_when_the_committee_is_renamed(server, http, amn_service, amn_text, clock):
    url = server.make_url("/kalender/AMN.ics")
    status, headers, body = await _get(http, url)
    (before,) = _events(body).values()
    assert int(before["sequence"]) == 0
    clock.advance(days=1)
    report = await amn_service.import_roster(
        amn_text.replace('name = "Arbetsmarknadsnämnden"', 'name = "Arbetsmarknads- och integrationsnämnden"'), "t"
    )
    assert not report.replanned
    status, after, renamed = await _get(http, url, **{"If-Modified-Since": headers["Last-Modified"]})
    assert status == 200
    cal = icalendar.Calendar.from_ical(renamed)
    assert str(cal["name"]) == str(cal["x-wr-calname"]) == "Arbetsmarknads- och integrationsnämnden"
    (event,) = cal.walk("VEVENT")
    assert str(event["summary"]) == "Sammanträde Arbetsmarknads- och integrationsnämnden"
    assert str(event["uid"]) == str(before["uid"])
    assert int(event["sequence"]) == 1
    assert event.decoded("dtstamp") == event.decoded("last-modified") == clock.now
    assert _when(after["Last-Modified"]) == clock.now > _when(headers["Last-Modified"])
    for m in (await amn_service.roster("AMN")).members:  # still no personal data
        assert m.name not in renamed.decode()


async def test_personal_status_change_without_audit_raises_sequence(server, http, amn_service, clock):
    day = date(2019, 11, 26)
    await amn_service.add_forhinder("AMN", day, "Martin Westmont", actor="t")
    _, token, _ = await FeedService(amn_service).token("AMN", "Mårdenfjord", actor="t")
    url = server.make_url(f"/kalender/p/{token}.ics")
    status, headers, body = await _get(http, url)
    (before,) = _events(body).values()
    assert str(before["summary"]).endswith("(inte besvarad)")
    clock.advance(days=6, hours=7)
    await amn_service.start_meeting("AMN", day, ["Mårdenfjord"], actor="t")
    status, after, body = await _get(
        http, url, **{"If-Modified-Since": headers["Last-Modified"], "If-None-Match": headers["ETag"]}
    )
    assert status == 200
    (event,) = _events(body).values()
    assert str(event["summary"]) == (
        "Sammanträde Arbetsmarknadsnämnden – inkallad att tjänstgöra för Martin Westmont (SD)"
    )
    assert int(event["sequence"]) == int(before["sequence"]) + 1
    assert event.decoded("dtstamp") == clock.now > before.decoded("dtstamp")
    assert _when(after["Last-Modified"]) == clock.now
    # Served again later, unchanged: the same bytes, the same SEQUENCE, DTSTAMP and Last-Modified.
    clock.advance(hours=1)
    status, again, _ = await _get(http, url, **{"If-Modified-Since": after["Last-Modified"]})
    assert status == 304 and again["ETag"] == after["ETag"]
    assert (await _get(http, url))[2] == body


async def test_recording_a_feed_does_not_make_the_others_render_again(server, http, amn_service, monkeypatch):
    from namndbot.calendar.web import FEED_CACHE

    cache = server.app[FEED_CACHE]
    renders = []
    original = cache._render

    async def counting(key):
        renders.append(key)
        return await original(key)

    monkeypatch.setattr(cache, "_render", counting)
    _, token, _ = await FeedService(amn_service).token("AMN", "Westmont", actor="t")
    urls = [server.make_url("/kalender/AMN.ics"), server.make_url(f"/kalender/p/{token}.ics")]
    first = [await _get(http, u) for u in urls]  # each rendered and recorded once
    assert len(renders) == 2
    await asyncio.gather(*(_get(http, u) for u in urls * 5))
    assert len(renders) == 2
    again = [await _get(http, u) for u in urls]
    assert [(s, h["ETag"], h["Last-Modified"], b) for s, h, b in again] == [
        (s, h["ETag"], h["Last-Modified"], b) for s, h, b in first
    ]


async def test_a_feed_is_served_even_if_its_history_cannot_be_recorded(server, http, amn_service, monkeypatch):
    import sqlite3

    from namndbot.calendar.web import FEED_CACHE

    cache = server.app[FEED_CACHE]

    async def locked(update):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(cache.service, "record", locked)
    status, headers, body = await _get(http, server.make_url("/kalender/AMN.ics"))
    assert status == 200 and body.startswith(b"BEGIN:VCALENDAR\r\n")
    monkeypatch.undo()
    assert (await _get(http, server.make_url("/kalender/AMN.ics")))[2] == body  # recorded now: the same bytes

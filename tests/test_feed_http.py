"""The feeds over HTTP: caching headers, 304s, HEAD, gzip, and 404s that tell nothing."""

from __future__ import annotations

import gzip
from datetime import date, time

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer

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
        assert etag.startswith('"') and not etag.startswith('W/')
        body = await r.read()
    assert body.startswith(b"BEGIN:VCALENDAR\r\n")
    async with http.get(server.make_url("/kalender/AMN.ics"), headers={"If-None-Match": etag}) as r:
        assert r.status == 304 and await r.read() == b""
        assert r.headers["ETag"] == etag
    async with http.get(server.make_url("/kalender/AMN.ics"), headers={"If-Modified-Since": modified}) as r:
        assert r.status == 304
    async with http.get(server.make_url("/kalender/AMN.ics"),
                        headers={"If-Modified-Since": "Mon, 01 Jan 2018 00:00:00 GMT"}) as r:
        assert r.status == 200
    async with http.get(server.make_url("/kalender/AMN.ics"),
                        headers={"If-None-Match": '"other"', "If-Modified-Since": modified}) as r:
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
    async with http.get(server.make_url("/kalender/AMN.ics"),
                        headers={"Accept-Encoding": "gzip", "If-None-Match": gz_etag}) as r:
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
    assert created and len(token) >= 32          # 192 bits, urlsafe
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
        assert await never.read() == revoked_body   # no hint whether the token ever existed
    async with http.get(server.make_url(f"/kalender/p/{new}.ics")) as r:
        assert r.status == 200


@pytest.mark.parametrize("path", ["/kalender/KS.ics", "/kalender/AMN", "/kalender/p/abc", "/kalender/p/.ics"])
async def test_unknown_is_404(server, http, path):
    async with http.get(server.make_url(path)) as r:
        assert r.status == 404
        assert await r.text() == "Kalendern finns inte.\n"

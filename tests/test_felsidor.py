"""The bot's web server answers its own errors in Swedish (real HTTP requests against a running bot):
an unknown address, a wrong method, a body too large, a request that cannot be parsed at all.
Slack's endpoint keeps its own answers (401 for a bad signature, 400 for a malformed request)."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import UTC, datetime

import pytest
from aiohttp import ClientSession

from .slack_support import running_bot
from .test_workspaces import two_municipalities

ENGLISH = ("Not Found", "Method Not Allowed", "Request Entity Too Large", "Bad Request", "Maximum request body")


@pytest.fixture
async def base(tmp_path, clock):
    clock.now = datetime(2019, 11, 20, 9, tzinfo=UTC)
    async with running_bot(tmp_path, clock) as running:
        yield f"http://127.0.0.1:{running.port}"


def swedish(text: str) -> None:
    assert not any(word in text for word in ENGLISH), text
    assert any(c in text for c in "åäöÅÄÖ"), text


async def test_unknown_addresses_and_wrong_methods_are_answered_in_swedish(base):
    async with ClientSession() as http:
        async with http.get(f"{base}/nope") as r:
            assert r.status == 404 and r.content_type == "text/plain" and r.charset == "utf-8"
            text = await r.text()
            swedish(text)
            assert text.startswith("Sidan finns inte.")
        async with http.get(f"{base}/slack/events") as r:  # Slack POSTs here; a GET is a wrong method
            assert r.status == 405 and r.headers["Allow"] == "POST"
            text = await r.text()
            swedish(text)
            assert "tar inte emot GET" in text
        async with http.delete(f"{base}/kalender/AMN.ics") as r:
            assert r.status == 405 and set(r.headers["Allow"].split(",")) == {"GET", "HEAD"}
            swedish(await r.text())
        async with http.post(f"{base}/slack/install") as r:  # not an OAuth installation here: no such page
            assert r.status == 404
            swedish(await r.text())
        async with http.head(f"{base}/nope") as r:
            assert r.status == 404


async def test_a_browser_gets_the_small_html_page(base):
    async with ClientSession() as http:
        async with http.get(f"{base}/nope", headers={"Accept": "text/html,application/xhtml+xml"}) as r:
            assert r.status == 404 and r.content_type == "text/html"
            page = await r.text()
            assert '<html lang="sv">' in page and "<h1>Sidan finns inte</h1>" in page
            swedish(page)


async def test_a_body_too_large_is_refused_in_swedish_and_slacks_own_answers_stay(base):
    async with ClientSession() as http:
        async with http.post(
            f"{base}/slack/events", data=b"x" * (3 * 1024 * 1024), headers={"Content-Type": "application/json"}
        ) as r:
            assert r.status == 413
            swedish(await r.text())
        # slack-bolt's own answers are untouched: a forged signature is 401, as before.
        stamp = str(int(time.time()))
        headers = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=" + "0" * 64}
        async with http.post(f"{base}/slack/events", data=b'{"type":"url_verification"}', headers=headers) as r:
            assert r.status == 401
        # The feeds keep their own Swedish 404, and known pages their answers.
        async with http.get(f"{base}/kalender/finns-inte.ics") as r:
            assert r.status == 404 and await r.text() == "Kalendern finns inte.\n"
        async with http.get(f"{base}/healthz") as r:
            assert r.status == 200


async def test_a_wrong_method_on_the_install_page_is_said_in_swedish(tmp_path, clock):
    clock.now = datetime(2019, 11, 20, 9, tzinfo=UTC)
    async with two_municipalities(tmp_path, clock, install=False) as running, ClientSession() as http:
        async with http.post(f"{running.base}/slack/install") as r:
            assert r.status == 405 and "GET" in r.headers["Allow"]
            swedish(await r.text())
        async with http.get(f"{running.base}/slack/install", allow_redirects=False) as r:
            assert r.status == 200  # the install page itself is unchanged


async def raw(base: str, data: bytes) -> bytes:
    """What the server answers to ``data`` sent as is (no HTTP client would send it)."""
    host, port = base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(data)
        await writer.drain()
        return await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GARBAGE\r\n\r\n",  # no request line
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",  # a header without a colon
        b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",  # a request line too long
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    ],
    ids=["no-request-line", "header-without-colon", "line-too-long", "two-lengths"],
)
async def test_a_request_that_cannot_be_parsed_is_answered_400_in_swedish(base, request_bytes):
    answer = await raw(base, request_bytes)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert re.match(rb"HTTP/1\.[01] 400 ", head), answer[:300]  # 1.0 for a request line it could not read
    assert b"charset=utf-8" in head
    text = body.decode("utf-8")
    swedish(text)
    assert text.startswith("Felaktig förfrågan. Förfrågan gick inte att läsa."), text
    assert "message" not in text and "Traceback" not in text
    # The server goes on: an ordinary request is answered as before.
    async with ClientSession() as http, http.get(f"{base}/healthz") as r:
        assert r.status == 200

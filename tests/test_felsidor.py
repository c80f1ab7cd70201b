"""The bot's web server answers its own errors in Swedish (real HTTP requests against a running bot):
an unknown address, a wrong method, a body too large. Slack's endpoint keeps its own answers (401 for
a bad signature, 400 for a malformed request)."""

from __future__ import annotations

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

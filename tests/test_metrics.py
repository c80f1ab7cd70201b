"""/metrics from a real running bot after real traffic, and the JSON log of a real `namndbot run`."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import subprocess
import sys
from datetime import date

from aiohttp import ClientSession
from prometheus_client.parser import text_string_to_metric_families

from namndbot.bot.fake_slack import FakeSlack

from .conftest import ROOT, Clock
from .slack_support import buttons, running_bot, slack_id, user
from .test_kill9 import free_port, wait_healthy

DAY = date(2019, 11, 26)


async def scrape(http: ClientSession, port: int) -> dict[tuple[str, tuple], float]:
    async with http.get(f"http://127.0.0.1:{port}/metrics") as r:
        assert r.status == 200
        assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = await r.text()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_after_real_traffic(tmp_path):
    clock = Clock()
    fake = FakeSlack()
    async with running_bot(tmp_path, clock, fake=fake) as r, ClientSession() as http:
        bot = r.bot
        await bot.namnd.add_meeting("AMN", DAY, paragraphs=16, actor="test")
        await bot.settled()
        fake.fail("chat.postMessage", status=429, retry_after=1)  # waited out by slack_sdk, counted
        westmont = user(r, "Martin Westmont")
        body = westmont.slash_body("förhinder 26 november", trigger="1.metrics")
        for _ in range(2):  # Slack's retry: received once, the second a duplicate
            status, _ = await westmont.post(body, "application/x-www-form-urlencoded")
            assert status == 200
        await bot.settled()
        # The ersättare called in says no, then yes on the same message: the second is refused.
        dm = fake.dms_to(slack_id("Mattias Mårdenfjord"))[0]
        mattias = user(r, "Mattias Mårdenfjord")
        await mattias.click("svar_kan_inte", buttons(dm)["svar_kan_inte"], message=dm)
        await bot.settled()
        await mattias.click("svar_kommer", buttons(dm)["svar_kommer"], message=dm)
        await bot.settled()

        # Someone not on the roster is answered at once; nothing is stored.
        status, answer = await user(r, "U0OKAND001").slash("förhinder 26 november")
        assert status == 200 and "Du finns inte med" in answer["text"]

        feed = f"http://127.0.0.1:{r.port}/kalender/AMN.ics"
        async with http.get(feed) as resp:
            assert resp.status == 200
            etag = resp.headers["ETag"]
        async with http.get(feed, headers={"If-None-Match": etag}) as resp:
            assert resp.status == 304
        async with http.get(f"http://127.0.0.1:{r.port}/kalender/p/{'x' * 32}.ics") as resp:
            assert resp.status == 404

        # A message Slack refuses for a while stays unsent; its age is reported.
        fake.fail("chat.postMessage", status=500, times=50)
        await user(r, "Stefan Hansson").slash("förhinder 26 november")
        for _ in range(100):
            s = await scrape(http, r.port)
            if value(s, "namndbot_messages_total", outcome="retried", kind="dm") >= 1:
                break
            await asyncio.sleep(0.05)
        clock.advance(minutes=5)
        s = await scrape(http, r.port)

    assert value(s, "namndbot_reports_total", outcome="received", kind="forhinder_add") == 2
    assert value(s, "namndbot_reports_total", outcome="duplicate", kind="forhinder_add") == 1
    assert value(s, "namndbot_reports_total", outcome="applied", kind="forhinder_add") == 2
    assert value(s, "namndbot_reports_total", outcome="applied", kind="svar_kan_inte") == 1
    assert value(s, "namndbot_reports_total", outcome="refused", kind="svar_kommer") == 1
    assert value(s, "namndbot_reports_total", outcome="refused", kind="slash_command") == 1
    assert value(s, "namndbot_messages_total", outcome="sent", kind="dm") >= 1
    assert value(s, "namndbot_messages_total", outcome="retried", kind="dm") >= 1
    assert value(s, "namndbot_messages_queued_total") >= value(s, "namndbot_outbox_messages", status="sent") + 1
    assert value(s, "namndbot_outbox_messages", status="pending") >= 1
    assert 300 <= value(s, "namndbot_outbox_oldest_unsent_seconds") < 400
    assert value(s, "namndbot_slack_api_rate_limited_total", method="chat.postMessage") == 1
    assert value(s, "namndbot_slack_api_errors_total", method="chat.postMessage", error="http_500") >= 1
    assert value(s, "namndbot_slack_api_calls_total", method="chat.postMessage") >= 3
    assert value(s, "namndbot_feed_requests_total", feed="committee", status="200") == 1
    assert value(s, "namndbot_feed_requests_total", feed="committee", status="304") == 1
    assert value(s, "namndbot_feed_requests_total", feed="personal", status="404") == 1
    assert value(s, "namndbot_jobs_pending") >= 2  # the reminder the day before, the gallring
    assert value(s, "namndbot_jobs_due") == 0 and value(s, "namndbot_jobs_late") == 0
    # No personal data in the labels.
    for name, labels in s:
        for _, v in labels:
            assert not v.startswith("U") or v.isdigit(), (name, labels)


async def test_metrics_registries_are_per_app(tmp_path):
    """Two bots in one process count apart (each has its own registry, not the global one)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    async with running_bot(tmp_path / "a", Clock(), fake=FakeSlack()) as a:
        async with running_bot(tmp_path / "b", Clock(), fake=FakeSlack()) as b, ClientSession() as http:
            await a.bot.namnd.add_meeting("AMN", DAY, paragraphs=16, actor="test")
            await user(a, "Martin Westmont").slash("förhinder 26 november")
            await a.bot.settled()
            sa, sb = await scrape(http, a.port), await scrape(http, b.port)
    assert value(sa, "namndbot_reports_total", outcome="received", kind="forhinder_add") == 1
    assert value(sb, "namndbot_reports_total", outcome="received", kind="forhinder_add") == 0
    assert value(sb, "namndbot_messages_total", outcome="sent", kind="dm") == 0


async def test_json_log_lines_from_a_real_run(tmp_path):
    fake = FakeSlack()
    await fake.start()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NAMNDBOT_"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-json",
        SLACK_SIGNING_SECRET=secrets.token_hex(16),
        NAMNDBOT_SLACK_API_URL=fake.api_url,
        NAMNDBOT_HOST="127.0.0.1",
        NAMNDBOT_PORT=str(port),
        NAMNDBOT_DATABASE=str(tmp_path / "bot.sqlite3"),
        NAMNDBOT_LOG_FORMAT="json",
    )
    err = open(tmp_path / "stderr.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "namndbot", "run"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err
    )
    try:
        await wait_healthy(port, proc)
        async with ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/metrics") as r:
                assert r.status == 200
            async with http.post(f"http://127.0.0.1:{port}/slack/events", data="x") as r:
                assert r.status == 401  # unsigned: refused, and logged
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        err.close()
        await fake.stop()
    lines = (tmp_path / "stderr.log").read_text(encoding="utf-8").splitlines()
    assert lines
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= e.keys() for e in entries)
    assert any("namndbot kör" in e["message"] for e in entries)


def test_an_unknown_log_format_is_a_swedish_error(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NAMNDBOT_"))}
    env["NAMNDBOT_LOG_FORMAT"] = "xml"
    done = subprocess.run(
        [sys.executable, "-m", "namndbot", "--db", str(tmp_path / "x.sqlite3"), "meeting", "list", "--committee", "X"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "NAMNDBOT_LOG_FORMAT" in done.stderr

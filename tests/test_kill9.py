"""kill -9 in the middle of a burst of reports and outgoing DMs: nothing lost, nothing doubled.

The bot runs as a real process (``namndbot run``, HTTP mode) against the fake
Slack in this process, which answers slowly so that messages are in flight
when the bot is killed. After a restart on the same database, every report
that was acknowledged is stored and applied, and every DM exists once.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta

from aiohttp import ClientSession

from namndbot.bot.fake_slack import FakeSlack
from namndbot.bot.fake_slack_user import SlackUser
from namndbot.domain.dates import MANADER
from namndbot.services import NamndService
from namndbot.storage import Database

from .conftest import ROOT
from .slack_support import AMN_LEDAMOTER, amn_with_slack, slack_id

LEDAMOTER = AMN_LEDAMOTER


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_bot(env: dict[str, str], log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "namndbot", "run"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
    )


async def wait_healthy(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    async with ClientSession() as http:
        while True:
            assert proc.poll() is None, "the bot exited"
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("the bot did not start")
            await asyncio.sleep(0.1)


def backlog(db_path) -> int:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(
            "SELECT (SELECT count(*) FROM intake WHERE status = 'ny')"
            " + (SELECT count(*) FROM event WHERE handled_at IS NULL)"
            " + (SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending'))"
        ).fetchone()[0]
    finally:
        conn.close()


async def test_kill_minus_nine_mid_burst(tmp_path):
    db_path = tmp_path / "bot.sqlite3"
    day = (datetime.now(UTC) + timedelta(days=8)).date()
    async with Database(db_path) as db:
        service = NamndService(db)
        await service.import_roster(amn_with_slack(), "test")
        await service.add_meeting("AMN", day, paragraphs=16, actor="test")

    fake = FakeSlack(latency=0.03)  # Slack answers slowly: messages are in flight at the kill
    await fake.start()
    secret = secrets.token_hex(16)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NAMNDBOT_"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-kill9",
        SLACK_SIGNING_SECRET=secret,
        NAMNDBOT_SLACK_API_URL=fake.api_url,
        NAMNDBOT_HOST="127.0.0.1",
        NAMNDBOT_PORT=str(port),
        NAMNDBOT_DATABASE=str(db_path),
    )
    log = open(tmp_path / "bot.log", "w")
    proc = start_bot(env, log)
    try:
        await wait_healthy(port, proc)
        url = f"http://127.0.0.1:{port}/slack/events"
        text = f"förhinder {day.day} {MANADER[day.month - 1]}"
        acked: list[str] = []

        async with ClientSession() as http:

            async def report(name: str, i: int) -> None:
                u = SlackUser(url, secret, fake, slack_id(name), session=http)
                trigger = f"{i}.kill9"
                try:
                    status, _ = await u.post(u.slash_body(text, trigger=trigger), "application/x-www-form-urlencoded")
                except Exception:
                    return  # cut off by the kill: not acknowledged
                if status == 200:
                    acked.append(trigger)

            first = [asyncio.create_task(report(n, i)) for i, n in enumerate(LEDAMOTER[:9])]
            await fake.wait_for(lambda: len(fake.called("chat.postMessage")) >= 3, timeout=30)
            # From now on Slack posts the message but answers late: the bot dies knowing only that it
            # asked, not that it was done (the hardest case for exactly once).
            fake.answer_late["chat.postMessage"] = 2.0
            posted = len(fake.called("chat.postMessage"))
            later = [asyncio.create_task(report(n, 100 + i)) for i, n in enumerate(LEDAMOTER[9:])]
            await fake.wait_for(lambda: len(fake.called("chat.postMessage")) > posted, timeout=30)
            proc.send_signal(signal.SIGKILL)  # in the middle of it all
            proc.wait(timeout=10)
            await asyncio.gather(*first, *later)
            fake.answer_late.clear()
            sent_before = len(fake.called("chat.postMessage"))
            conn = sqlite3.connect(db_path)
            in_doubt = [r[0] for r in conn.execute("SELECT id FROM outbox WHERE status = 'sending'")]
            conn.close()
            assert in_doubt, "no message was caught between Slack and the database"
            assert backlog(db_path) > 0, "the kill came too late to prove anything"

            proc = start_bot(env, log)
            await wait_healthy(port, proc)
            for _ in range(300):
                if backlog(db_path) == 0:
                    break
                await asyncio.sleep(0.1)
            assert backlog(db_path) == 0, "the restarted bot did not finish the work"
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)
        log.close()
        await fake.stop()

    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    stored = {r["dedupe_key"]: r["status"] for r in conn.execute("SELECT dedupe_key, status FROM intake")}
    forhinder = {r[0] for r in conn.execute("SELECT m.name FROM forhinder f JOIN member m ON m.id = f.member_id")}
    dm_rows = {r["id"]: r for r in conn.execute("SELECT * FROM outbox WHERE kind = 'dm'")}
    conn.close()

    # Every acknowledged report is stored and applied.
    assert acked, "no report was acknowledged"
    for trigger in acked:
        assert stored.get(f"cmd:{trigger}") == "klar", trigger
    reporters = {
        LEDAMOTER[int(t.split(".")[0]) % 100 if int(t.split(".")[0]) < 100 else 9 + int(t.split(".")[0]) - 100]
        for t in acked
    }
    assert reporters <= forhinder

    # Every DM the outbox holds was sent, and exists exactly once in Slack.
    assert dm_rows and all(r["status"] == "sent" for r in dm_rows.values())
    seen = Counter()
    for messages in fake.channels.values():
        for m in messages:
            meta = m.get("metadata") or {}
            if meta.get("event_type") == "namndbot_outbox":
                seen[json.dumps(meta["event_payload"], sort_keys=True)] += 1
    doubled = [k for k, n in seen.items() if n > 1]
    assert doubled == []
    for row_id in dm_rows:
        assert seen[json.dumps({"id": row_id}, sort_keys=True)] == 1, row_id
    # Each ersättare called in got their call-in once.
    call_ins = Counter(ch for ch, msgs in fake.channels.items() for m in msgs if "Du är inkallad" in m.get("text", ""))
    assert call_ins and max(call_ins.values()) == 1
    assert sent_before < len(fake.called("chat.postMessage"))  # work resumed after the restart
    # The message in doubt was found in Slack's history, not posted again.
    assert fake.called("conversations.history")
    for row_id in in_doubt:
        assert (
            sum(
                1
                for c in fake.called("chat.postMessage")
                if (c.get("metadata") or {}).get("event_payload", {}).get("id") == row_id
            )
            == 1
        )

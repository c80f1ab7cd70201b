"""kill -9 while the bot clears out delivered work: nothing still to do is lost.

A real bot process (``namndbot run``) starts on a database with 30,000 old
sent messages, handled reports and events to clear out, beside work that is
not done (messages not yet sent or failed, reports not yet applied, events not
yet told) and work finished lately. It is killed in the middle of the
clearing, restarted, and left to finish: every row that was not finished a
week ago is still there, and the old ones are gone.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import sqlite3
from datetime import UTC, datetime, timedelta

from namndbot.bot.fake_slack import FakeSlack
from namndbot.storage import Database
from namndbot.storage.repository import iso

from .test_kill9 import free_port, start_bot, wait_healthy

OLD_ROWS = 10_000  # per table


def seed(path, round_: int = 0) -> dict[str, set[int]]:
    """The ids that must survive, per table (``round_``: a second seeding, with other keys)."""
    now = datetime.now(UTC)
    old, recent = iso(now - timedelta(days=8)), iso(now - timedelta(days=2))
    pad = "x" * 500
    conn = sqlite3.connect(path)
    keep: dict[str, set[int]] = {"outbox": set(), "intake": set(), "event": set()}
    try:
        for i in range(OLD_ROWS):
            conn.execute(
                "INSERT INTO outbox (created_at, kind, target, payload, status, next_attempt_at, sent_at)"
                " VALUES (?, 'post', 'C0OLD', ?, 'sent', ?, ?)",
                (old, f'{{"text": "{pad}"}}', old, old),
            )
            conn.execute(
                "INSERT INTO intake (received_at, dedupe_key, kind, actor, payload, status, processed_at)"
                " VALUES (?, ?, 'forhinder_add', 'U1', ?, 'klar', ?)",
                (old, f"old:{round_}:{i}", f'{{"t": "{pad}"}}', old),
            )
            conn.execute(
                "INSERT INTO event (at, kind, payload, handled_at) VALUES (?, 'gammal', ?, ?)", (old, "{}", old)
            )
        for i in range(50):
            for status, sent in (("pending", None), ("failed", None), ("sent", recent)):
                cur = conn.execute(
                    "INSERT INTO outbox (created_at, kind, target, payload, status, next_attempt_at, sent_at)"
                    " VALUES (?, 'post', 'C0NEW', ?, ?, ?, ?)",
                    (old, f'{{"text": "kvar {i}"}}', status, old, sent),
                )
                keep["outbox"].add(cur.lastrowid)
            for status, done in (("ny", None), ("klar", recent)):
                cur = conn.execute(
                    "INSERT INTO intake (received_at, dedupe_key, kind, actor, payload, status, processed_at)"
                    " VALUES (?, ?, 'forhinder_add', 'U1', '{}', ?, ?)",
                    (old, f"new:{round_}:{i}:{status}", status, done),
                )
                keep["intake"].add(cur.lastrowid)
            for handled in (None, recent):
                cur = conn.execute(
                    "INSERT INTO event (at, kind, payload, handled_at) VALUES (?, 'ny_test', '{}', ?)", (old, handled)
                )
                keep["event"].add(cur.lastrowid)
        conn.commit()
    finally:
        conn.close()
    return keep


def state(path) -> tuple[dict[str, set[int]], int, str]:
    conn = sqlite3.connect(path, timeout=10)
    try:
        ids = {t: {r[0] for r in conn.execute(f"SELECT id FROM {t}")} for t in ("outbox", "intake", "event")}
        old = conn.execute(
            "SELECT (SELECT count(*) FROM outbox WHERE target = 'C0OLD') + (SELECT count(*) FROM intake"
            " WHERE dedupe_key LIKE 'old:%') + (SELECT count(*) FROM event WHERE kind = 'gammal')"
        ).fetchone()[0]
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        return ids, old, check
    finally:
        conn.close()


def assert_kept(path, keep: dict[str, set[int]]) -> int:
    ids, old, check = state(path)
    assert check == "ok"
    for table, wanted in keep.items():
        assert wanted <= ids[table], f"{table}: {sorted(wanted - ids[table])[:5]} … deleted"
    return old


async def test_kill_minus_nine_while_clearing_out(tmp_path):
    db_path = tmp_path / "bot.sqlite3"
    async with Database(db_path):
        pass
    keep = seed(db_path)
    fake = FakeSlack()
    await fake.start()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NAMNDBOT_"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-kill9",
        SLACK_SIGNING_SECRET=secrets.token_hex(16),
        NAMNDBOT_SLACK_API_URL=fake.api_url,
        NAMNDBOT_HOST="127.0.0.1",
        NAMNDBOT_PORT=str(port),
        NAMNDBOT_DATABASE=str(db_path),
    )
    log = open(tmp_path / "bot.log", "w")
    proc = start_bot(env, log)
    try:
        total = 3 * OLD_ROWS
        for attempt in range(1, 4):
            for _ in range(600):  # until the clearing has begun, but not ended
                _, old, _ = state(db_path)
                if old < total:
                    break
                await asyncio.sleep(0.02)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            old = assert_kept(db_path, keep)
            if old > 0 or attempt == 3:
                break
            # On a busy machine the clearing (a second or so) can end between two looks: again.
            for table, ids in seed(db_path, attempt).items():
                keep[table] |= ids
            proc = start_bot(env, log)
        assert 0 < old < total, f"the kill came at the wrong moment ({old} of {total} left)"

        proc = start_bot(env, log)
        await wait_healthy(port, proc)
        for _ in range(300):
            if assert_kept(db_path, keep) == 0:
                break
            await asyncio.sleep(0.1)
        assert assert_kept(db_path, keep) == 0, "the restarted bot did not finish clearing out"
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)
        log.close()
        await fake.stop()

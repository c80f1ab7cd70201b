"""Delivered work leaves a week after it was finished; nothing still to do is ever deleted."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from namndbot.services import NamndService
from namndbot.services.stadning import Stadning
from namndbot.storage import Database
from namndbot.storage.repository import iso

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=8)
RECENT = NOW - timedelta(days=6)


async def seed(db, *, n: int = 1, meetings: dict[str, int]) -> dict[str, set[int]]:
    """Rows of every state, finished long ago or lately; returns the ids that must stay, per table."""
    stay: dict[str, set[int]] = {"outbox": set(), "intake": set(), "event": set(), "job": set()}
    go: dict[str, set[int]] = {"outbox": set(), "intake": set(), "event": set(), "job": set()}
    big = "x" * 2000
    async with db.transaction() as repo:
        conn = repo.conn
        for i in range(n):
            for status, sent, gone in (
                ("sent", OLD, True),
                ("sent", RECENT, False),
                ("pending", None, False),
                ("sending", None, False),
                ("failed", None, False),
            ):
                cur = await conn.execute(
                    "INSERT INTO outbox (created_at, kind, target, payload, status, next_attempt_at, sent_at)"
                    " VALUES (?, 'dm', 'U1', ?, ?, ?, ?)",
                    (
                        iso(OLD - timedelta(days=1)),
                        f'{{"text": "{big if gone else ""}"}}',
                        status,
                        iso(OLD),
                        sent and iso(sent),
                    ),
                )
                (go if gone else stay)["outbox"].add(cur.lastrowid)
            for status, done, gone in (
                ("klar", OLD, True),
                ("fel", OLD, True),
                ("klar", RECENT, False),
                ("ny", None, False),
            ):
                cur = await conn.execute(
                    "INSERT INTO intake (received_at, dedupe_key, kind, actor, payload, status, processed_at)"
                    " VALUES (?, ?, 'forhinder', 'U1', ?, ?, ?)",
                    (
                        iso(OLD - timedelta(days=1)),
                        f"{i}.{status}.{done}",
                        f'{{"t": "{big if gone else ""}"}}',
                        status,
                        done and iso(done),
                    ),
                )
                (go if gone else stay)["intake"].add(cur.lastrowid)
            for handled, gone in ((OLD, True), (RECENT, False), (None, False)):
                cur = await conn.execute(
                    "INSERT INTO event (at, kind, payload, handled_at) VALUES (?, 'reply', '{}', ?)",
                    (iso(OLD - timedelta(days=1)), handled and iso(handled)),
                )
                (go if gone else stay)["event"].add(cur.lastrowid)
            for which, meeting_id in meetings.items():
                for status, done in (("done", OLD), ("dropped", OLD), ("done", RECENT), ("pending", None)):
                    cur = await conn.execute(
                        "INSERT INTO job (key, kind, meeting_id, due_at, status, done_at)"
                        " VALUES (?, 'paminnelse', ?, ?, ?, ?)",
                        (f"{which}:{i}:{status}:{done}", meeting_id, iso(OLD), status, done and iso(done)),
                    )
                    gone = status != "pending" and done == OLD and which in ("justerad", "installd")
                    (go if gone else stay)["job"].add(cur.lastrowid)
    return {"stay": stay, "go": go}  # type: ignore[dict-item]


async def ids(db, table: str) -> set[int]:
    async with db.read() as repo:
        return {r[0] for r in await repo._all(f"SELECT id FROM {table}")}


async def meetings(db: Database, amn_text: str) -> dict[str, int]:
    """A meeting of each kind: justerad (its jobs can go), installd (too), open (its jobs stay)."""
    service = NamndService(db, lambda: NOW)
    await service.import_roster(amn_text, "test")
    out = {}
    for which, day in (("justerad", date(2026, 10, 1)), ("installd", date(2026, 10, 8)), ("oppen", date(2026, 10, 15))):
        await service.add_meeting("AMN", day, paragraphs=10, actor="test")
        async with db.transaction() as repo:
            async with repo.conn.execute("SELECT id FROM meeting WHERE date = ?", (day.isoformat(),)) as cur:
                row = await cur.fetchone()
            m_id = out[which] = row[0]
            if which == "justerad":
                await repo.conn.execute(
                    "INSERT INTO justering (meeting_id, justerad, updated_at) VALUES (?, '2026-10-05', ?)",
                    (m_id, iso(NOW)),
                )
            if which == "installd":
                await repo.conn.execute("UPDATE meeting SET status = 'installd' WHERE id = ?", (m_id,))
    return out


async def test_finished_work_leaves_after_a_week_and_nothing_else(db, amn_text):
    plan = await seed(db, n=3, meetings=await meetings(db, amn_text))
    counts = await Stadning(db, lambda: NOW).run()
    assert sum(counts.values()) == sum(len(v) for v in plan["go"].values())
    for table in plan["stay"]:
        left = await ids(db, table)
        assert plan["stay"][table] <= left, f"{table}: something still to do was deleted"
        assert not plan["go"][table] & left, f"{table}: finished work stayed"
    assert await Stadning(db, lambda: NOW).run() == dict.fromkeys(counts, 0)


async def checkpointed_size(db: Database) -> int:
    async with db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cur:
        await cur.fetchall()
    return Path(db.path).stat().st_size


async def test_the_file_shrinks(tmp_path, amn_text):
    path = tmp_path / "shrink.sqlite3"
    async with Database(path) as db:
        plan = await seed(db, n=500, meetings={})
        before = await checkpointed_size(db)
        await Stadning(db, lambda: NOW).run()
        after = await checkpointed_size(db)
    assert plan["go"]["outbox"]
    assert after < before / 2, (before, after)


async def test_an_older_file_is_converted_to_incremental_auto_vacuum(tmp_path):
    path = tmp_path / "old.sqlite3"
    async with Database(path):
        pass
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA auto_vacuum = NONE")
    conn.execute("VACUUM")
    assert conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 0
    conn.close()
    async with Database(path) as db:
        async with db.conn.execute("PRAGMA auto_vacuum") as cur:
            assert (await cur.fetchone())[0] == 2

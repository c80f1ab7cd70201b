"""The hot queries never scan a whole table of work (job, outbox, intake, event).

The SQL is not copied here: the repository's own methods run against a real
database while SQLite's trace callback records every statement they send (with
the parameters filled in), and each is then asked for its ``EXPLAIN QUERY
PLAN``. A plan that reads such a table from end to end fails; a scan of a
partial index (only the rows still to do) is fine.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from namndbot.services.stadning import Stadning
from namndbot.storage import Database

from . import postgresql

# SQLite's trace callback and EXPLAIN QUERY PLAN; the PostgreSQL schema has the same indexes.
pytestmark = pytest.mark.skipif(postgresql.enabled(), reason="SQLite's EXPLAIN QUERY PLAN")

WORK = ("job", "outbox", "intake", "event")
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


async def _traced(db: Database, work) -> list[str]:
    seen: list[str] = []
    await db.conn.set_trace_callback(seen.append)
    try:
        await work()
    finally:
        await db.conn.set_trace_callback(None)
    return [s for s in seen if re.match(r"\s*(SELECT|UPDATE|DELETE|INSERT|WITH)\b", s, re.I)]


async def _partial_indexes(db: Database) -> set[str]:
    async with db.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL") as cur:
        return {name for name, sql in await cur.fetchall() if re.search(r"\bWHERE\b", sql, re.I)}


async def _full_scans(db: Database, sql: str, partial: set[str]) -> list[str]:
    async with db.conn.execute("EXPLAIN QUERY PLAN " + sql) as cur:
        details = [row[3] for row in await cur.fetchall()]
    bad = []
    for d in details:
        m = re.match(r"SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?", d)
        if m and m.group(1) in WORK and m.group(2) not in partial:
            bad.append(d)
    return bad


async def hot_queries(db: Database) -> list[str]:
    """Every statement of the passes that run all the time, and of the clearing out."""

    async def passes() -> None:
        async with db.transaction() as repo:
            await repo.jobs_for_meeting(1)
            await repo.job("paminnelse:1:1")
            await repo.due_jobs(NOW)
            await repo.next_job_time()
            await repo.finish_job(1, "done", NOW, "skickad")
            await repo.drop_jobs(1, NOW, "inställt")
            await repo.new_intake()
            await repo.intake(1)
            await repo.finish_intake(1, "klar", {}, NOW)
            await repo.new_events()
            await repo.handle_event(1, NOW)
            await repo.due_outbox(NOW)
            await repo.next_outbox_time()
            await repo.outbox_sending(1, NOW, None)
            await repo.outbox_sent(1, NOW, "C1", "1.1")
            await repo.outbox_retry(1, NOW, "fel")
            await repo.backlog(NOW)

    async def clearing() -> None:
        await Stadning(db, lambda: NOW).run()

    return await _traced(db, passes) + await _traced(db, clearing)


async def test_no_hot_query_scans_a_table_of_work(db):
    queries = await hot_queries(db)
    touched = {t for q in queries for t in WORK if re.search(rf"\b{t}\b", q)}
    assert touched == set(WORK), "the traced passes no longer reach every table of work"
    assert any(q.lstrip().upper().startswith("DELETE") for q in queries), "the clearing out ran no DELETE"
    partial = await _partial_indexes(db)
    scans = {q: bad for q in queries if (bad := await _full_scans(db, q, partial))}
    assert not scans, "full scans:\n" + "\n".join(f"{q}\n    {b}" for q, b in scans.items())


@pytest.mark.parametrize(
    "sql",
    ["SELECT * FROM job WHERE note = 'x'", "SELECT * FROM outbox ORDER BY id LIMIT 5"],
)
async def test_the_check_sees_a_full_scan(db, sql):
    assert await _full_scans(db, sql, await _partial_indexes(db))

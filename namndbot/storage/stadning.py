"""Clearing out delivered work: the SQL.

Rows of the work tables that are finished (a message sent, a report applied or
refused, an event told, a job done or dropped) are deleted a week after they
were finished, in small batches. Nothing still to do is ever touched: each
statement names only finished states, and a row that is finished is never
made unfinished again except a job, whose deletion is limited to meetings that
can't plan it again (see ``JOB``). What the audit and the arvode export need
is in other tables and stays until gallring removes it.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

BATCH = 500  # rows per statement: each batch is its own short transaction


@dataclass(frozen=True)
class Kind:
    label: str  # Swedish, for the log
    table: str
    finished: str  # the WHERE clause, with :before


# A done or dropped job is planned again (and sent again) if its meeting asks for it once more
# (services/scheduler.reschedule_in). Only jobs of no meeting, of a cancelled meeting, or of a
# meeting whose protocol is justerat are gone for good.
JOB = (
    "status != 'pending' AND done_at < :before AND (meeting_id IS NULL"
    " OR meeting_id IN (SELECT id FROM meeting WHERE status = 'installd')"
    " OR meeting_id IN (SELECT meeting_id FROM justering WHERE justerad IS NOT NULL))"
)

KINDS: tuple[Kind, ...] = (
    Kind("skickade meddelanden", "outbox", "status = 'sent' AND sent_at < :before"),
    Kind("behandlade anmälningar", "intake", "status != 'ny' AND processed_at < :before"),
    Kind("hanterade händelser", "event", "handled_at IS NOT NULL AND handled_at < :before"),
    Kind("utförda jobb", "job", JOB),
    Kind("sedda Slack-händelser", "slack_event", "seen_at < :before"),
)


def delete_sql(kind: Kind) -> str:
    return f"DELETE FROM {kind.table} WHERE id IN (SELECT id FROM {kind.table} WHERE {kind.finished} LIMIT {BATCH})"


async def delete_batch(conn: aiosqlite.Connection, kind: Kind, before: str) -> int:
    async with conn.execute(delete_sql(kind), {"before": before}) as cur:
        return cur.rowcount


async def free_pages(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA freelist_count") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def shrink(conn: aiosqlite.Connection, pages: int) -> None:
    """Give up to ``pages`` free pages back to the file system (auto_vacuum = INCREMENTAL)."""
    async with conn.execute(f"PRAGMA incremental_vacuum({int(pages)})") as cur:
        await cur.fetchall()

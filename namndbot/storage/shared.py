"""Work shared by several bot processes on one PostgreSQL database: claims with a lease.

New reports (intake), due messages (outbox) and due jobs are *claimed* before a process works on
them: one ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING *`` marks a batch with
the claimer (its listening session's backend pid) and a lease (:data:`LEASE`). Two processes never
claim the same row; a claim lapses when its lease runs out (renewed every :data:`RENEW_EVERY`
seconds while the process lives, :func:`renew`) or at once when the claimer's session is gone (a
process killed with SIGKILL), and the others then take the row over. Work is applied in units of
work that check the row's state again (an intake row still ``ny``, a job still ``pending``), so a
claim that lapsed in the middle of a unit of work costs a retry, never a double; a message in
doubt (``sending``) is looked up in Slack before it is posted again (bot/outbox.py).

Messages to one target are claimed in order: a row is not claimed while an earlier unsent row to
the same target is held by another process (rows without a target, such as a meeting's summary,
keep the order of their kind and meeting). A message a dead process had marked ``sending`` (in
doubt: posted or not) is taken over when its lease runs out (up to 30 s), and the ones after it
to the same target wait for it: the taker's lookup in Slack then finds it if it was posted. A
process marks a message ``sending`` only while its claim holds
(:meth:`~namndbot.storage.repository.Repository.outbox_sending` with ``claimer``): one whose
session dropped and whose rows were taken over sends none of them.

On SQLite (one bot per file, storage/lock.py) there is nobody to share with: the functions here
are the plain queries.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from .repository import IntakeRow, JobRow, OutboxRow, iso

if TYPE_CHECKING:
    from .db import Database

LEASE = timedelta(seconds=30)  # a message in doubt after a crash waits this long for its lookup
RENEW_EVERY = 10.0  # seconds

# A row nobody else holds: unclaimed, ours, lease run out, or the claimer's session gone. A message
# marked ``sending`` may be on its way to Slack from a process that is alive but lost its session
# (a dropped connection, not a crash): it is free only when its lease has run out, so that the
# taker's lookup in Slack (bot/outbox.py) finds it posted rather than racing the post.
_FREE = (
    "({t}.claimed_by IS NULL OR {t}.claimed_by = ? OR {t}.lease_until < ?"
    " OR ({in_doubt_waits}{t}.claimed_by NOT IN (SELECT pid FROM pg_stat_activity)))"
)


# The order messages keep: per target, or for a row without one (a meeting's summary, the link
# step, a shared file) per kind and meeting.
_LANE = "coalesce({t}.target, {t}.kind || ':' || coalesce(json_extract({t}.payload, '$.meeting_id'), ''))"


def _free(table: str, *, outbox: bool = False) -> str:
    return _FREE.format(t=table, in_doubt_waits=f"{table}.status <> 'sending' AND " if outbox else "")


def _lease() -> tuple[str, str]:
    now = datetime.now(UTC)  # leases are between processes: real time, whatever the bot's clock says
    return iso(now), iso(now + LEASE)


async def claim_intake(db: Database, limit: int = 100) -> list[IntakeRow]:
    """New reports for this process to apply, oldest first."""
    if not db.shared:
        async with db.read() as repo:
            return await repo.new_intake(limit)
    now, until = _lease()
    async with db.statement() as repo:
        rows = await repo._all(
            "UPDATE intake SET claimed_by = ?, lease_until = ? WHERE id IN (SELECT id FROM intake"
            f" WHERE status = 'ny' AND {_free('intake')} ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING *",
            db.session_pid,
            until,
            db.session_pid,
            now,
            limit,
        )
    return sorted((repo._intake(r) for r in rows), key=lambda r: r.id)


async def claim_outbox(db: Database, now: datetime, limit: int = 50) -> list[OutboxRow]:
    """Messages due at ``now`` for this process to send, in order."""
    if not db.shared:
        async with db.read() as repo:
            return await repo.due_outbox(now, limit)
    real, until = _lease()
    me = db.session_pid
    async with db.statement() as repo:
        rows = await repo._all(
            "UPDATE outbox SET claimed_by = ?, lease_until = ? WHERE id IN (SELECT id FROM outbox"
            " WHERE status IN ('pending', 'sending') AND next_attempt_at <= ?"
            f" AND {_free('outbox', outbox=True)}"
            f" AND NOT EXISTS (SELECT 1 FROM outbox o WHERE {_LANE.format(t='o')} = {_LANE.format(t='outbox')}"
            " AND o.id < outbox.id AND o.status IN ('pending', 'sending') AND o.claimed_by <> ?"
            " AND NOT " + _free("o", outbox=True) + ")"
            " ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING *",
            me,
            until,
            iso(now),
            me,
            real,
            me,
            me,
            real,
            limit,
        )
    return sorted((repo._outbox(r) for r in rows), key=lambda r: r.id)


async def claim_jobs(db: Database, now: datetime, limit: int = 200) -> list[JobRow]:
    """Jobs due at ``now`` for this process to run, in time order."""
    if not db.shared:
        async with db.read() as repo:
            return await repo.due_jobs(now, limit)
    real, until = _lease()
    async with db.statement() as repo:
        rows = await repo._all(
            "UPDATE job SET claimed_by = ?, lease_until = ? WHERE id IN (SELECT id FROM job"
            f" WHERE status = 'pending' AND due_at <= ? AND {_free('job')}"
            " ORDER BY due_at, id LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING *",
            db.session_pid,
            until,
            iso(now),
            db.session_pid,
            real,
            limit,
        )
    return sorted((repo._job(r) for r in rows), key=lambda r: (r.due_at, r.id))


async def next_outbox_time(db: Database) -> datetime | None:
    """When a message is next due for this process: a row another live process holds counts from
    when its lease runs out (so that this process doesn't spin on it)."""
    async with db.read() as repo:
        if not db.shared:
            return await repo.next_outbox_time()
        real, _ = _lease()
        row = await repo._one(
            f"SELECT min(CASE WHEN {_free('outbox', outbox=True)} THEN next_attempt_at ELSE lease_until END) AS t"
            " FROM outbox WHERE status IN ('pending', 'sending')",
            db.session_pid,
            real,
        )
    return datetime.fromisoformat(row["t"]) if row and row["t"] else None


async def next_job_time(db: Database) -> datetime | None:
    """When a job is next due for this process (as :func:`next_outbox_time`)."""
    async with db.read() as repo:
        if not db.shared:
            return await repo.next_job_time()
        real, _ = _lease()
        row = await repo._one(
            f"SELECT min(CASE WHEN {_free('job')} THEN due_at ELSE lease_until END) AS t"
            " FROM job WHERE status = 'pending'",
            db.session_pid,
            real,
        )
    return datetime.fromisoformat(row["t"]) if row and row["t"] else None


async def renew(db: Database) -> None:
    """Extend the leases of everything this process still holds."""
    _, until = _lease()
    me = db.session_pid
    for sql in (
        "UPDATE intake SET lease_until = ? WHERE claimed_by = ? AND status = 'ny'",
        "UPDATE outbox SET lease_until = ? WHERE claimed_by = ? AND status IN ('pending', 'sending')",
        "UPDATE job SET lease_until = ? WHERE claimed_by = ? AND status = 'pending'",
    ):
        async with db.statement() as repo:  # each its own statement: no unit of work, nobody woken
            await repo._run(sql, until, me)

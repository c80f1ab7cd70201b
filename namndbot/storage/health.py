"""The database's health, asked the same way by ``/healthz``, the bot's and the CLI's start and ``/metrics``.

- :func:`quick_check`: ``PRAGMA quick_check`` (a damaged page, a broken index);
  a damaged database is refused at start with :func:`damaged`.
- :func:`probe_write`: a real write (the schema version written again, as
  its own transaction), so that a read-only file, a full disk or a file
  system gone read-only shows up as the error SQLite gives for every write.
- :func:`outbox`: how many messages wait, since when, and how many have waited
  longer than :data:`STUCK_AFTER` (Slack unreachable, a token revoked …).
- :func:`explain`: SQLite's English error as a Swedish sentence for the
  operator (the CLI prints it; ``/healthz`` returns it).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import aiosqlite
import asyncpg

if TYPE_CHECKING:
    from .db import Database

# What the database itself may raise (not the program): SQLite's errors, PostgreSQL's, a lost connection.
STORAGE_ERRORS: tuple[type[BaseException], ...] = (
    sqlite3.Error,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    ConnectionError,
)

STUCK_AFTER = timedelta(minutes=10)  # a message older than this, still not sent, makes the bot unhealthy
_SHOWN = 3  # problems of quick_check shown in a message


async def quick_check(conn: aiosqlite.Connection) -> list[str]:
    """What ``PRAGMA quick_check`` finds wrong (an empty list: nothing)."""
    async with conn.execute("PRAGMA quick_check") as cur:
        rows = [str(r[0]) for r in await cur.fetchall()]
    return [] if rows == ["ok"] else rows


def damaged(path: str, problems: list[str]) -> str:
    shown = "; ".join(p[:200] for p in problems[:_SHOWN]) + (" …" if len(problems) > _SHOWN else "")
    return (
        f"Databasen {path} är skadad (PRAGMA quick_check: {shown}). namndbot använder den inte; "
        "återställ den senaste säkerhetskopian med ”namndbot restore FILE”."
    )


# SQLite's message (lower case, a part of it) -> what it means, in Swedish. First match wins.
_EXPLAIN: list[tuple[str, str]] = [
    ("readonly", "Databasen {path} är skrivskyddad: namndbot får inte skriva i filen eller i dess mapp."),
    ("read-only", "Databasen {path} är skrivskyddad: namndbot får inte skriva i filen eller i dess mapp."),
    ("disk is full", "Databasen {path} kan inte skrivas: disken är full, eller filen har nått sin största storlek."),
    ("disk i/o error", "Databasen {path} kan inte läsas eller skrivas: disken svarar med ett fel (I/O)."),
    ("malformed", "Databasen {path} är skadad. Återställ den senaste säkerhetskopian med ”namndbot restore FILE”."),
    ("not a database", "Filen {path} är ingen SQLite-databas (eller är krypterad eller skadad)."),
    ("locked", "Databasen {path} är låst av en annan process längre än {busy} s; försök igen om en stund."),
    ("busy", "Databasen {path} är låst av en annan process längre än {busy} s; försök igen om en stund."),
    ("unable to open", "Databasen {path} kan inte öppnas (finns mappen, och får namndbot läsa och skriva där?)."),
]


def explain(exc: BaseException, path: str) -> str:
    """A Swedish sentence for an error SQLite gave about the database at ``path``."""
    from .db import BUSY_TIMEOUT_MS

    if not isinstance(exc, sqlite3.Error) and isinstance(exc, STORAGE_ERRORS):
        return f"PostgreSQL-databasen {path} går inte att använda just nu ({type(exc).__name__}: {str(exc)[:200]})."
    text = str(exc).lower()
    for needle, message in _EXPLAIN:
        if needle in text:
            return message.format(path=path, busy=BUSY_TIMEOUT_MS // 1000)
    return f"Databasen {path} går inte att använda (SQLite: {str(exc)[:200]})."


def is_storage_fault(exc: BaseException) -> bool:
    """An error of the database itself (read-only, full, damaged, locked), not of what was written
    (a constraint is the program's business, not the disk's)."""
    if isinstance(exc, sqlite3.Error):
        return not isinstance(exc, sqlite3.IntegrityError | sqlite3.ProgrammingError)
    if isinstance(exc, asyncpg.PostgresError):  # a constraint or a syntax error is the program's business
        return not isinstance(exc, asyncpg.IntegrityConstraintViolationError | asyncpg.PostgresSyntaxError)
    return isinstance(exc, asyncpg.InterfaceError | ConnectionError)


async def probe_write(db: Database) -> None:
    """Write something real, or raise SQLite's error. Commits nothing that anyone reads: the schema
    version is written again with its own value (so no cache keyed on the generation is emptied),
    and a report is stored in the intake table and rolled back (a damaged page there fails every
    member's report while everything else still writes)."""
    async with db.exclusive() as conn:
        async with conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        version = int(row[0]) if row else 0
        await conn.execute("BEGIN IMMEDIATE")
        try:
            await conn.execute(f"PRAGMA user_version = {version}")
            await conn.execute("SAVEPOINT probe")
            await conn.execute(
                "INSERT INTO intake (received_at, dedupe_key, kind, actor, payload, status)"
                " VALUES ('', 'healthz:probe', 'probe', '', '{}', 'klar')"
            )
            await conn.execute("ROLLBACK TO probe")
            await conn.execute("RELEASE probe")
            await conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise


@dataclass(frozen=True)
class Outbox:
    waiting: int  # messages not yet sent (pending or being sent)
    oldest_waiting: datetime | None
    stuck: int  # of those, queued longer than STUCK_AFTER ago and tried, or due that long without a try
    oldest_stuck: datetime | None
    failed: int  # given up for good (each logged when it happened)
    last_error: str | None  # the newest error among the stuck ones (Slack's error code)

    def age(self, now: datetime) -> float:
        """Seconds the oldest waiting message has waited (0 if none)."""
        return _seconds(now, self.oldest_waiting)


def _seconds(now: datetime, since: datetime | None) -> float:
    return max(0.0, (now - since).total_seconds()) if since else 0.0


# A message queued for later (not_before) is not stuck while it waits for its time.
_STUCK = "status IN ('pending', 'sending') AND created_at < :limit AND (attempts > 0 OR next_attempt_at < :limit)"


async def outbox(conn: aiosqlite.Connection, now: datetime) -> Outbox:
    """The outbox's state; run inside a read (``Database.read``) for one consistent view."""
    from .repository import iso

    args = {"limit": iso(now - STUCK_AFTER)}
    async with conn.execute(
        "SELECT count(*), min(created_at) FROM outbox WHERE status IN ('pending', 'sending')"
    ) as cur:
        waiting = await cur.fetchone()
    async with conn.execute(f"SELECT count(*), min(created_at) FROM outbox WHERE {_STUCK}", args) as cur:
        stuck = await cur.fetchone()
    async with conn.execute("SELECT count(*) FROM outbox WHERE status = 'failed'") as cur:
        failed = await cur.fetchone()
    async with conn.execute(
        f"SELECT last_error FROM outbox WHERE {_STUCK} AND last_error IS NOT NULL ORDER BY id DESC LIMIT 1", args
    ) as cur:
        error = await cur.fetchone()
    assert waiting is not None and stuck is not None and failed is not None
    return Outbox(
        waiting=int(waiting[0]),
        oldest_waiting=datetime.fromisoformat(waiting[1]) if waiting[1] else None,
        stuck=int(stuck[0]),
        oldest_stuck=datetime.fromisoformat(stuck[1]) if stuck[1] else None,
        failed=int(failed[0]),
        last_error=str(error[0])[:200] if error else None,
    )


def stuck_reason(state: Outbox, now: datetime) -> str | None:
    """Why the outbox makes the bot unhealthy, in Swedish, or None."""
    if not state.stuck:
        return None
    minutes = int(_seconds(now, state.oldest_stuck) // 60)
    why = f" Senaste fel: {state.last_error}." if state.last_error else ""
    return (
        f"{state.stuck} meddelanden har inte kunnat skickas på över {int(STUCK_AFTER.total_seconds() // 60)} "
        f"minuter (det äldsta har väntat i {minutes} minuter).{why}"
    )

"""PostgreSQL through asyncpg, behind the same surface as :class:`~namndbot.storage.db.Database`.

Used when the database setting is a ``postgresql://`` URL (:func:`~namndbot.storage.open_database`).
The repository's SQL is SQLite's, translated once per statement text by :mod:`.dialect`; the
connection objects handed to it (:class:`PgConnection`) offer the little of aiosqlite's surface
it uses: ``execute`` (awaited or as a context manager) giving a cursor with ``fetchone``,
``fetchall``, ``lastrowid`` and ``rowcount``, ``execute_fetchall`` and ``executemany``.

Several bot processes may share the database. Units of work (:meth:`PgDatabase.transaction`) take
one transaction-level advisory lock, so they run one at a time across all processes, as SQLite's
``BEGIN IMMEDIATE`` makes them on one file: a plan is never computed from a state another process
is changing. Single statements (:meth:`statement`: the intake's INSERT, the Slack event dedupe) and
reads (:meth:`read`, a REPEATABLE READ snapshot) run beside them on the pool's other connections.
Every unit of work sends a NOTIFY; each process LISTENs, counts the others' commits (the generation
that SQLite's ``PRAGMA data_version`` gives) and wakes its background jobs
(:attr:`PgDatabase.on_change`). Claims on shared work (:mod:`.shared`) name the listening session's
backend pid, so a process's claims lapse the moment its session ends; a process whose session
drops while it lives (a server restart, a failover) connects again with a new pid, and sends
nothing the others took over meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from .db import Database, DatabaseError, _statements, migrations
from .dialect import NOCASE_COLLATION, Translated, to_postgresql
from .repository import Repository

log = logging.getLogger(__name__)

CHANNEL = "namndbot"
WRITE_LOCK = 0x6E616D6E64  # pg_advisory_xact_lock key of the units of work ("namnd")
MIGRATE_LOCK = WRITE_LOCK + 1
POOL_SIZE = 8


def is_url(target: str | os.PathLike[str]) -> bool:
    return str(target).startswith(("postgresql://", "postgres://"))


def shown(url: str) -> str:
    """The URL without its password (for messages and logs)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a port that is no number raises here)
    except ValueError:  # not a URL one can read ("postgresql://[bad"): nothing of it is shown
        return "postgresql://… (en adress som inte går att läsa)"
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def pg_migration(version: int) -> str | None:
    """The PostgreSQL version of migration ``version``, where SQLite's can't be translated."""
    folder = resources.files(__package__).joinpath("migrations").joinpath("pg")
    for entry in folder.iterdir():
        if entry.name.startswith(f"{version:04d}_") and entry.name.endswith(".sql"):
            return entry.read_text(encoding="utf-8")
    return None


class PgCursor:
    def __init__(self, rows: list[asyncpg.Record], rowcount: int, lastrowid: int | None) -> None:
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount
        self.lastrowid = lastrowid
        # DB-API's description: the column names (known from the rows; none without rows)
        self.description = tuple((name, None, None, None, None, None, None) for name in rows[0].keys()) if rows else ()

    async def fetchone(self) -> asyncpg.Record | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    async def fetchall(self) -> list[asyncpg.Record]:
        rows, self._next = self._rows[self._next :], len(self._rows)
        return rows

    async def close(self) -> None:
        pass


class _Pending:
    """What ``execute`` returns: awaitable (the cursor) and an async context manager (aiosqlite's two ways)."""

    def __init__(self, run: Any) -> None:
        self._run = run

    def __await__(self) -> Any:
        return self._run.__await__()

    async def __aenter__(self) -> PgCursor:
        return await self._run

    async def __aexit__(self, *exc: object) -> None:
        pass


_STATUS_COUNT = re.compile(r"(\d+)$")
_INSERT_INTO = re.compile(r"^\s*INSERT\s+(?:OR\s+\w+\s+)?INTO\s+(\w+)", re.I)


class PgConnection:
    """One pooled asyncpg connection, spoken to as the repository speaks to aiosqlite."""

    def __init__(self, conn: asyncpg.Connection, id_tables: frozenset[str]) -> None:
        self.raw = conn
        self._id_tables = id_tables  # tables with an identity column ``id``: INSERT … RETURNING id
        self.wrote = False  # a row was inserted, changed or deleted (only then are the others woken)

    @property
    def in_transaction(self) -> bool:
        return self.raw.is_in_transaction()

    def execute(self, sql: str, params: Any = ()) -> _Pending:
        return _Pending(self._execute(sql, params))

    async def _execute(self, sql: str, params: Any) -> PgCursor:
        t = to_postgresql(sql)
        if t.skip:
            return PgCursor([], -1, None)
        args = t.args(params)
        if t.returns_rows:
            rows = await self.raw.fetch(t.sql, *args)
            if rows and not t.sql.upper().startswith(("SELECT", "WITH", "VALUES")):
                self.wrote = True  # INSERT/UPDATE … RETURNING
            return PgCursor(rows, len(rows), None)
        m = _INSERT_INTO.match(t.sql)
        if m and m.group(1).lower() in self._id_tables:
            rows = await self.raw.fetch(t.sql + " RETURNING id", *args)
            self.wrote = self.wrote or bool(rows)
            return PgCursor([], len(rows), rows[0][0] if rows else None)
        status = await self.raw.execute(t.sql, *args)
        n = _STATUS_COUNT.search(status)
        count = int(n.group(1)) if n else -1
        if count != 0 and t.sql[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            self.wrote = True  # (a SAVEPOINT or a SELECT of a function is no change)
        return PgCursor([], count, None)

    async def execute_fetchall(self, sql: str, params: Any = ()) -> list[asyncpg.Record]:
        cur = await self._execute(sql, params)
        return await cur.fetchall()

    async def executemany(self, sql: str, seq: Iterable[Sequence[Any] | dict[str, Any]]) -> None:
        t: Translated = to_postgresql(sql)
        rows = [t.args(p) for p in seq]
        if rows and not t.skip:
            await self.raw.executemany(t.sql, rows)
            self.wrote = True


def _why(exc: Exception) -> str:
    """Why a connection failed, in Swedish where it is one of the usual reasons."""
    if isinstance(exc, asyncpg.InvalidCatalogNameError):
        return f"databasen finns inte på servern ({exc})"
    if isinstance(exc, asyncpg.InvalidPasswordError | asyncpg.InvalidAuthorizationSpecificationError):
        return f"servern godtar inte användaren eller lösenordet ({exc})"
    if isinstance(exc, ConnectionRefusedError):
        return "ingen PostgreSQL-server svarar på den adressen och porten"
    if isinstance(exc, ValueError):
        return f"adressen går inte att läsa ({exc})"
    return str(exc)


class PgDatabase(Database):
    """The store on a PostgreSQL server (see the module's docstring)."""

    dialect = "postgresql"
    shared = True  # other processes may work on the same database

    def __init__(self, url: str, *, check: bool = True) -> None:  # (not Database.__init__: that is SQLite's)
        self.url = url
        self.path = shown(url)  # what messages name
        self.check = check
        self.commits = 0
        self.catalog_changes = 0
        self.external = 0  # commits by other processes, as NOTIFY told us
        self.external_catalog = 0  # of those, the ones that changed committees, members or meetings
        self.write_failure: str | None = None
        self.on_change: list[Callable[[], None]] = []  # called when another process commits
        self.session_pid = 0  # the listening session's backend pid: what claims name
        self._pool: asyncpg.Pool | None = None
        self._listener: asyncpg.Connection | None = None
        self._relisten: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._id_tables: frozenset[str] = frozenset()
        self._tag = f"{os.getpid()}:{id(self)}"

    # -- connecting ------------------------------------------------------------------------
    async def connect(self) -> PgDatabase:
        if self._pool is not None:
            return self
        try:
            self._pool = await asyncpg.create_pool(
                self.url, min_size=1, max_size=POOL_SIZE, server_settings={"application_name": "namndbot"}
            )
            assert self._pool is not None
            await self._migrate()
            await self._listen()
        except DatabaseError:
            await self.close()
            raise
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, ValueError) as exc:
            await self.close()
            raise DatabaseError(f"PostgreSQL-databasen {self.path} går inte att använda: {_why(exc)}") from None
        return self

    async def _listen(self) -> None:
        """The session that LISTENs, and whose backend pid names this process's claims."""
        listener = await asyncpg.connect(self.url, server_settings={"application_name": "namndbot"})
        await listener.add_listener(CHANNEL, self._notified)
        listener.add_termination_listener(self._listener_lost)
        self._listener = listener
        self.session_pid = listener.get_server_pid()

    def _listener_lost(self, conn: object) -> None:
        """The listening session ended (a server restart, a failover, a dropped connection): the
        others now see this process's claims as free and take them over (a message already marked
        ``sending`` only when its lease runs out: storage/shared.py), and this process no longer
        hears their commits. It connects again, with a new pid for its new claims."""
        if conn is not self._listener or self._pool is None:
            return  # closed on purpose, or an old one
        log.warning("PostgreSQL: lyssnaranslutningen bröts; ansluter igen (pågående anspråk släpps)")
        self._listener = None
        self.session_pid = 0
        self._relisten = asyncio.get_running_loop().create_task(self._listen_again())

    async def _listen_again(self) -> None:
        delay = 0.5
        while self._pool is not None:
            try:
                await self._listen()
                break
            except Exception as exc:
                log.warning("PostgreSQL: kunde inte ansluta igen (%s); försöker om %.0f s", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
        else:
            return
        log.info("PostgreSQL: lyssnar igen (session %s)", self.session_pid)
        # What the others committed meanwhile went untold: everything is looked at again.
        self.external += 1
        self.external_catalog += 1
        self._wake()

    async def close(self) -> None:
        relisten, self._relisten = self._relisten, None
        if relisten is not None:
            relisten.cancel()
        listener, self._listener = self._listener, None
        if listener is not None:
            try:
                await listener.close(timeout=5)
            except Exception:
                listener.terminate()
        pool, self._pool = self._pool, None
        if pool is not None:
            try:
                await asyncio.wait_for(pool.close(), 10)
            except Exception:
                pool.terminate()

    async def __aenter__(self) -> PgDatabase:
        return await self.connect()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def conn(self) -> Any:
        raise RuntimeError("a PostgreSQL database has no single connection: use transaction(), read() or exclusive()")

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("Database.connect() has not been called")
        return self._pool

    def _notified(self, conn: object, pid: int, channel: str, payload: str) -> None:
        tag, _, catalog = payload.rpartition("/")
        if tag == self._tag:
            return
        self.external += 1
        if catalog == "c":
            self.external_catalog += 1
        self._wake()

    def _wake(self) -> None:
        for wake in list(self.on_change):
            try:
                wake()
            except Exception:
                log.exception("waking on another process's commit")

    async def _migrate(self) -> None:
        known = migrations()
        async with self.pool.acquire() as conn:
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATE_LOCK)  # one process migrates, the rest wait
            try:
                await conn.execute(NOCASE_COLLATION)
                await conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                current = await conn.fetchval("SELECT version FROM schema_version")
                if current is None:
                    await conn.execute("INSERT INTO schema_version (version) VALUES (0)")
                    current = 0
                if current > len(known):
                    raise DatabaseError(
                        f"Databasen {self.path} är skapad av en nyare version av namndbot "
                        f"(schema {current}, den här versionen känner till {len(known)})."
                    )
                for version, _name, sql in known[current:]:
                    own = pg_migration(version)
                    async with conn.transaction():
                        if own is not None:
                            await conn.execute(own)
                        else:
                            for statement in _statements(sql):
                                t = to_postgresql(statement)
                                if not t.skip:
                                    await conn.execute(t.sql)
                        await conn.execute(f"UPDATE schema_version SET version = {version}")
                rows = await conn.fetch(
                    "SELECT table_name FROM information_schema.columns WHERE column_name = 'id'"
                    " AND table_schema = current_schema() AND is_identity = 'YES'"
                )
                self._id_tables = frozenset(r[0] for r in rows)
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATE_LOCK)

    async def schema_version(self) -> int:
        async with self.pool.acquire() as conn:
            return int(await conn.fetchval("SELECT version FROM schema_version"))

    # -- units of work ---------------------------------------------------------------------
    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[asyncpg.Connection]:
        async with self.pool.acquire() as conn:
            yield conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Repository]:
        """A unit of work: everything inside commits together or not at all; one at a time over
        every process on the database (the advisory lock), as on SQLite."""
        async with self._lock, self._counted():
            async with self.pool.acquire() as conn:
                # READ COMMITTED whatever the server's default: each statement after the lock sees
                # what the unit of work before committed (a REPEATABLE READ snapshot would be older).
                async with conn.transaction(isolation="read_committed"):
                    await conn.execute("SELECT pg_advisory_xact_lock($1)", WRITE_LOCK)
                    pg = PgConnection(conn, self._id_tables)
                    catalog = self.catalog_changes
                    yield Repository(pg, self)  # type: ignore[arg-type]
                    if pg.wrote:  # a unit of work that found nothing to do wakes nobody
                        payload = f"{self._tag}/{'c' if self.catalog_changes != catalog else ''}"
                        await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, payload)

    @asynccontextmanager
    async def statement(self) -> AsyncIterator[Repository]:
        """One writing statement, its own transaction, beside the units of work (no lock)."""
        async with self._counted(), self.pool.acquire() as conn:
            yield Repository(PgConnection(conn, self._id_tables), self)  # type: ignore[arg-type]

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[PgConnection]:  # type: ignore[override]
        """A connection of its own, for a statement that is nobody's unit of work (the health probe)."""
        async with self.pool.acquire() as conn:
            yield PgConnection(conn, self._id_tables)

    async def generation(self) -> tuple[int, int]:
        """Changes whenever anything is committed, by this process or another (NOTIFY)."""
        return self.commits, self.external

    async def catalog_version(self) -> int:
        """Moves when another process changes committees, members or meetings (NOTIFY says so)."""
        return self.external_catalog

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Repository]:
        """A consistent read-only snapshot beside the writers."""
        async with self.pool.acquire() as conn:
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                yield Repository(PgConnection(conn, self._id_tables), self)  # type: ignore[arg-type]

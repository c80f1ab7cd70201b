"""The database connection: pragmas, migrations, transactions.

One :class:`Database` holds one writing aiosqlite connection. Every unit of
work runs under an asyncio lock in ``BEGIN IMMEDIATE`` … ``COMMIT``, so
concurrent tasks of the bot never interleave statements, and a failure rolls
everything back. Other processes (the CLI beside a running bot) are handled by
WAL and the busy timeout.

Reads (:meth:`Database.read`: feeds, App Home, summaries, the queues' polls)
run on a few read-only connections of their own, opened when first needed:
WAL gives each a consistent snapshot beside the writer, so a long read never
holds the lock a report's ack needs to write.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import aiosqlite

from ..domain.errors import NamndbotError
from .health import damaged, explain, is_storage_fault, quick_check
from .repository import Repository

BUSY_TIMEOUT_MS = 5000
READERS = 3  # read-only connections at most (two cores: more would only queue on the GIL)
INCREMENTAL = 2  # PRAGMA auto_vacuum

log = logging.getLogger(__name__)


class DatabaseError(NamndbotError):
    """The database can't be opened or used."""


def migrations() -> list[tuple[int, str, str]]:
    """``(version, name, sql)`` for every file in ``migrations/``, in order."""
    found = []
    for entry in resources.files(__package__).joinpath("migrations").iterdir():
        m = re.match(r"^(\d{4})_(\w+)\.sql$", entry.name)
        if m:
            found.append((int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"migrations must be numbered 0001, 0002, … without gaps: {versions}")
    return found


class Database:
    """SQLite: one file, one bot process (storage/lock.py)."""

    dialect = "sqlite"
    shared = False  # no other bot process works on the same database
    session_pid = 0  # (PostgreSQL: what this process's claims are named by, storage/shared.py)

    def __init__(self, path: str | Path, *, check: bool = True) -> None:
        self.path = str(path)
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self.commits = 0  # units of work committed through this object (see generation())
        self._idle_readers: list[aiosqlite.Connection] = []
        self._readers: list[aiosqlite.Connection] = []
        self._reader_free = asyncio.Condition()
        self.catalog_changes = 0  # writes to committees, members or meetings through this object
        self.check = check  # PRAGMA quick_check when connecting
        # The last write that failed for a reason of the database's own (read-only, full, damaged),
        # in Swedish, until a write succeeds again: /healthz reports it.
        self.write_failure: str | None = None
        self.on_change: list = []  # (PostgreSQL: called when another process commits)

    async def connect(self) -> Database:
        if self._conn is not None:
            return self
        if self.path != ":memory:":
            parent = Path(self.path).expanduser().resolve().parent
            if not parent.is_dir():
                raise DatabaseError(f"Mappen för databasen finns inte: {parent}.")
            if Path(self.path).exists() and not Path(self.path).is_file():
                raise DatabaseError(f"{self.path} är ingen vanlig fil och kan inte vara en databas.")
        try:
            conn = await aiosqlite.connect(self.path, isolation_level=None)
        except Exception as exc:  # sqlite3.OperationalError: unable to open …
            raise DatabaseError(explain(exc, self.path)) from None
        try:
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if self.check:
                problems = await quick_check(conn)
                if problems:
                    raise DatabaseError(damaged(self.path, problems))
            await _incremental_vacuum(conn, self.path)
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA synchronous = NORMAL")
            conn.row_factory = aiosqlite.Row
            self._conn = conn
            await self._migrate()
        except DatabaseError:
            await conn.close()
            self._conn = None
            raise
        except Exception as exc:  # not a database, locked, read-only …
            await conn.close()
            self._conn = None
            raise DatabaseError(explain(exc, self.path)) from None
        return self

    async def close(self) -> None:
        readers, self._readers, self._idle_readers = self._readers, [], []
        for reader in readers:
            await reader.close()
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    async def __aenter__(self) -> Database:
        return await self.connect()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("Database.connect() has not been called")
        return self._conn

    async def schema_version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        assert row is not None  # a pragma's value
        return int(row[0])

    async def _migrate(self) -> None:
        known = migrations()
        current = await self.schema_version()
        if current > len(known):
            raise DatabaseError(
                f"Databasen {self.path} är skapad av en nyare version av namndbot "
                f"(schema {current}, den här versionen känner till {len(known)})."
            )
        for version, _name, sql in known[current:]:
            # executescript would COMMIT on its own; run the statements one by one instead.
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _statements(sql):
                    await self.conn.execute(statement)
                await self.conn.execute(f"PRAGMA user_version = {version}")
                await self.conn.execute("COMMIT")
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Repository]:
        """A unit of work: everything inside commits together or not at all."""
        async with self._lock:
            try:
                await self.conn.execute("BEGIN IMMEDIATE")
                try:
                    yield Repository(self.conn, self)
                except BaseException:
                    if self.conn.in_transaction:
                        await self.conn.execute("ROLLBACK")
                    raise
                else:
                    await self.conn.execute("COMMIT")
            except Exception as exc:
                self._failed(exc)
                raise
            self.commits += 1
            self.write_failure = None

    @asynccontextmanager
    async def statement(self) -> AsyncIterator[Repository]:
        """One writing statement that is its own transaction (SQLite commits it atomically):
        one round trip to the database thread instead of three. The caller runs exactly one."""
        async with self._lock:
            try:
                yield Repository(self.conn, self)
            except Exception as exc:
                self._failed(exc)
                raise
            self.commits += 1
            self.write_failure = None

    def _failed(self, exc: Exception) -> None:
        if is_storage_fault(exc):
            self.write_failure = explain(exc, self.path)

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection alone, for a statement that is nobody's unit of work (the health probe)."""
        async with self._lock:
            yield self.conn

    async def generation(self) -> tuple[int, int]:
        """Changes whenever anything is committed, by this process or another (PRAGMA data_version).
        Without the lock: the pragma reads a counter, between the statements of whatever unit of
        work is running, and doesn't wait for it to end."""
        async with self.conn.execute("PRAGMA data_version") as cur:
            row = await cur.fetchone()
        assert row is not None  # a pragma's value
        return self.commits, int(row[0])

    async def catalog_version(self) -> int:
        """Moves with other connections' commits (PRAGMA data_version: SQLite can't tell which tables);
        PostgreSQL's moves only when another process changed committees, members or meetings."""
        return (await self.generation())[1]

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Repository]:
        """A consistent read (a deferred transaction, rolled back at the end), on a read-only
        connection beside the writer: it neither waits for a unit of work nor holds one up. It
        sees everything committed before it began. Nothing may be written through it."""
        if self.path == ":memory:":  # one connection is the whole database: read it under the lock
            async with self._lock:
                await self.conn.execute("BEGIN")
                try:
                    yield Repository(self.conn, self)
                finally:
                    await self.conn.execute("ROLLBACK")
            return
        conn = await self._take_reader()
        healthy = False
        try:
            await conn.execute("BEGIN")
            try:
                yield Repository(conn, self)
            finally:
                await conn.execute("ROLLBACK")
                healthy = True
        finally:
            await self._give_back(conn, healthy)

    async def _take_reader(self) -> aiosqlite.Connection:
        async with self._reader_free:
            while not self._idle_readers:
                if len(self._readers) < READERS:
                    conn = await self._open_reader()
                    self._readers.append(conn)
                    return conn
                await self._reader_free.wait()
            return self._idle_readers.pop()

    async def _give_back(self, conn: aiosqlite.Connection, healthy: bool) -> None:
        if not healthy:  # interrupted in the middle: a fresh connection next time
            self._readers = [r for r in self._readers if r is not conn]
            try:
                await conn.close()
            except Exception:
                log.exception("closing a read connection")
        elif conn in self._readers:  # (not closed meanwhile)
            self._idle_readers.append(conn)
        async with self._reader_free:
            self._reader_free.notify()

    async def _open_reader(self) -> aiosqlite.Connection:
        self.conn  # noqa: B018 (connect() first: it creates and migrates the file)
        uri = Path(self.path).expanduser().resolve().as_uri() + "?mode=ro"
        conn = await aiosqlite.connect(uri, uri=True, isolation_level=None)
        try:
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        except BaseException:
            await conn.close()
            raise
        conn.row_factory = aiosqlite.Row
        return conn


async def _incremental_vacuum(conn: aiosqlite.Connection, path: str) -> None:
    """Pages freed by deleting rows can be given back to the file system (PRAGMA incremental_vacuum).
    A new file gets it before its first table; an older one is converted by one VACUUM (which
    needs nobody else writing: if it can't be done now, it is tried at the next start)."""
    if path == ":memory:":
        return
    async with conn.execute("PRAGMA auto_vacuum") as cur:
        row = await cur.fetchone()
    if row is not None and int(row[0]) == INCREMENTAL:
        return
    await conn.execute(f"PRAGMA auto_vacuum = {INCREMENTAL}")
    async with conn.execute("SELECT count(*) FROM sqlite_master") as cur:
        row = await cur.fetchone()
    if row is not None and int(row[0]) > 0:
        try:
            await conn.execute("VACUUM")
        except aiosqlite.OperationalError as exc:
            log.warning("the database could not be converted to incremental auto-vacuum now (%s)", exc)


def open_database(target: str | Path, *, check: bool = True) -> Database:
    """The store at ``target``: a ``postgresql://`` URL is PostgreSQL, anything else a SQLite file."""
    from .postgresql import PgDatabase, is_url

    if is_url(target):
        return PgDatabase(str(target), check=check)
    return Database(target, check=check)


def _statements(sql: str) -> list[str]:
    """Split a migration into statements the way SQLite does: at a semicolon that ends a complete
    statement (``sqlite3.complete_statement``), so that a ``CREATE TRIGGER … BEGIN …; …; END;``,
    a semicolon in a string literal or in a comment stays inside its statement."""
    statements: list[str] = []
    start = 0
    for i, char in enumerate(sql):
        if char == ";" and sqlite3.complete_statement(sql[start : i + 1]):
            statements.append(sql[start : i + 1])
            start = i + 1
    statements.append(sql[start:])  # what follows the last semicolon: nothing, a comment, or an error
    return [s.strip() for s in statements if _has_code(s)]


def _has_code(text: str) -> bool:
    """Anything but blanks and comments (a statement of comments alone does nothing)."""
    return bool(re.sub(r"--[^\n]*|/\*.*?(\*/|$)", "", text, flags=re.S).strip())

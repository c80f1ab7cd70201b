"""Backups with SQLite's online backup API, and restoring one.

``backup`` copies the database as it is at one moment, while the bot goes on
writing (WAL: the copy's read transaction blocks no writer), into a temporary
file beside the target; the copy is made self-contained (journal mode
DELETE), checked with ``PRAGMA integrity_check``, synced, and only then
renamed to the target. A half-written backup never carries the target's name.

``restore`` refuses while a bot uses the database, checks the copy first,
keeps the current database beside it as it is (renamed, with its WAL: a damaged
database is what one restores over), and copies the backup in with the same
API, then migrates it if it was made by an older version. Copies are created
readable by their owner only.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from ..domain.errors import NamndbotError
from .db import BUSY_TIMEOUT_MS, Database, migrations
from .lock import LockError, holder, take


class BackupError(NamndbotError):
    """A backup can't be made or restored (the message says why, in Swedish)."""


# -- is a bot using this database? ---------------------------------------------------------
# The bot's lock (``<db>.lock``, flock + pid) lives in storage/lock.py, asked the same way everywhere.
def bot_using(db_path: str | Path) -> int | None:
    """The process id of a bot that uses this database (0 if unknown), or None."""
    return holder(db_path)


@contextmanager
def no_bot(db_path: str | Path) -> Iterator[None]:
    """Hold the bot's lock for a while (no bot can start meanwhile), or say which bot has it."""
    pid = holder(db_path)
    if pid is not None:
        raise BackupError(
            f"En bot använder databasen {db_path}"
            + (f" (process {pid})" if pid else "")
            + ": stoppa den först och återställ sedan."
        )
    try:
        held = take(db_path, what="En annan process")
    except LockError as exc:
        raise BackupError(exc.message) from None
    with held:
        yield


# -- backup ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Copy:
    path: Path
    size: int
    schema: int
    check: str


async def _open(path: str | Path) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(str(path), isolation_level=None)
    await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


async def _value(conn: aiosqlite.Connection, sql: str) -> str:
    async with conn.execute(sql) as cur:
        rows = list(await cur.fetchall())
    return "; ".join(str(r[0]) for r in rows[:5])


async def _inspect(conn: aiosqlite.Connection, path: str | Path) -> tuple[int, str]:
    """The copy's schema version and integrity check, or a Swedish error if it is no database of ours."""
    try:
        check = await _value(conn, "PRAGMA integrity_check")
        schema = int(await _value(conn, "PRAGMA user_version"))
        tables = await _value(conn, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meeting'")
    except Exception as exc:  # sqlite3.DatabaseError: file is not a database, …
        raise BackupError(f"{path} är ingen läsbar SQLite-databas ({exc}).") from None
    if check != "ok":
        raise BackupError(f"{path} är skadad: PRAGMA integrity_check svarar ”{check}”.")
    if tables != "1" or schema < 1:
        raise BackupError(f"{path} är ingen namndbot-databas.")
    if schema > len(migrations()):
        raise BackupError(
            f"{path} är gjord av en nyare version av namndbot (schema {schema}, "
            f"den här versionen känner till {len(migrations())})."
        )
    return schema, check


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


async def backup(db_path: str | Path, target: str | Path) -> Copy:
    """A consistent, checked copy of the database at ``target`` (replaced if it exists)."""
    db, out = Path(db_path), Path(target)
    if not db.is_file():
        raise BackupError(f"Databasen {db} finns inte.")
    if not out.parent.is_dir():
        raise BackupError(f"Mappen {out.parent} finns inte.")
    if out.is_dir():
        raise BackupError(f"{out} är en mapp; ange ett filnamn för säkerhetskopian.")
    if out.exists() and not out.is_file():  # /dev/null, a FIFO: os.replace would put the copy in its place
        raise BackupError(f"{out} är ingen vanlig fil (en enhet eller liknande); ange ett filnamn för säkerhetskopian.")
    if any(_same(Path(f"{db}{suffix}"), out) for suffix in ("", "-wal", "-shm", ".lock")):
        raise BackupError("Säkerhetskopian kan inte skrivas över själva databasen; välj ett annat filnamn.")
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        src = await _open(db)
        try:
            dst = await _open(tmp)
            try:
                await src.backup(dst)  # all pages in one step: one read transaction, one moment
                await dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
                try:
                    schema, check = await _inspect(dst, out)
                except BackupError as exc:  # what was copied is the database as it is
                    raise BackupError(
                        f"Databasen {db} går inte att säkerhetskopiera: kopian av den klarar inte kontrollen "
                        f"({exc.message}). Ingen säkerhetskopia skrevs.",
                        hint="Är databasen skadad, återställ den senaste säkerhetskopian med namndbot restore FILE.",
                    ) from None
            finally:
                await dst.close()
        finally:
            await src.close()
        os.chmod(tmp, 0o600)  # personal data and tokens: for the bot's user only
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, out)
    except BackupError:
        raise
    except OSError as exc:
        raise BackupError(f"Säkerhetskopian {out} kunde inte skrivas ({exc.strerror or exc}).") from None
    except Exception as exc:  # sqlite3 errors: the database is unreadable, the disk is full, …
        raise BackupError(f"Säkerhetskopian kunde inte göras ({exc}).") from None
    finally:
        for leftover in (tmp, Path(f"{tmp}-journal")):
            leftover.unlink(missing_ok=True)
    return Copy(out, out.stat().st_size, schema, check)


# -- restore ---------------------------------------------------------------------------
def _move_database(src: Path, dst: Path) -> None:
    """The database file and its WAL (renamed: the same file system), and no stale -shm."""
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
    os.replace(src, dst)
    if Path(f"{src}-wal").exists():
        os.replace(f"{src}-wal", f"{dst}-wal")
    for suffix in ("-shm", "-journal"):
        Path(f"{src}{suffix}").unlink(missing_ok=True)


@dataclass(frozen=True)
class Restored:
    source: Path
    schema: int
    kept: Path | None  # the database as it was before, if there was one


async def restore(source: str | Path, db_path: str | Path) -> Restored:
    src_path, db = Path(source), Path(db_path)
    if src_path.exists() and not src_path.is_file():
        raise BackupError(f"{src_path} är ingen vanlig fil (en mapp, en enhet eller liknande), ingen säkerhetskopia.")
    if not src_path.is_file():
        raise BackupError(f"Säkerhetskopian {src_path} finns inte.")
    if _same(src_path, db):
        raise BackupError("Säkerhetskopian är själva databasen.")
    if not db.parent.is_dir():
        raise BackupError(f"Mappen för databasen finns inte: {db.parent}.")
    try:
        src = await aiosqlite.connect(f"file:{src_path.resolve()}?mode=ro", uri=True, isolation_level=None)
    except Exception as exc:
        raise BackupError(f"Säkerhetskopian {src_path} kan inte öppnas ({exc}).") from None
    try:
        schema, _ = await _inspect(src, src_path)
        with no_bot(db):
            kept = None
            if db.is_file() and db.stat().st_size > 0:
                # Kept as it is, files and all (no bot runs: they are consistent), even if damaged:
                # a damaged database is what one restores over.
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
                kept = db.with_name(f"{db.name}.fore-aterstallning-{stamp}")
                _move_database(db, kept)
            try:
                dst = await _open(db)
                try:
                    await src.backup(dst)
                finally:
                    await dst.close()
                os.chmod(db, 0o600)
            except Exception as exc:
                if kept is not None:
                    _move_database(kept, db)  # as it was
                raise BackupError(f"Databasen {db} kunde inte återställas ({exc}).") from None
            async with Database(db):  # migrated, if the backup was made by an older version
                pass
    finally:
        await src.close()
    return Restored(src_path, schema, kept)

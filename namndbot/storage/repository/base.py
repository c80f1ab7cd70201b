"""What every part of the repository stands on: the connection, its three ways to run SQL, savepoints."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any

import aiosqlite


def iso(dt: datetime) -> str:
    return dt.isoformat(timespec="microseconds")


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


class Sql:
    """The connection a unit of work runs on (aiosqlite, or the PostgreSQL stand-in speaking as it)."""

    def __init__(self, conn: aiosqlite.Connection, marks: Any = None) -> None:
        self.conn = conn
        self.marks = marks  # the Database: told when the catalog (committees, members, meetings) changes

    def _catalog_changed(self) -> None:
        if self.marks is not None:
            self.marks.catalog_changes += 1

    async def _one(self, sql: str, *args: Any) -> aiosqlite.Row | None:
        async with self.conn.execute(sql, args) as cur:
            return await cur.fetchone()

    async def _all(self, sql: str, *args: Any) -> list[aiosqlite.Row]:
        async with self.conn.execute(sql, args) as cur:
            return list(await cur.fetchall())

    async def _run(self, sql: str, *args: Any) -> int:
        async with self.conn.execute(sql, args) as cur:
            return cur.lastrowid or 0

    @asynccontextmanager
    async def savepoint(self, name: str = "op") -> AsyncIterator[None]:
        """A step inside the transaction that is undone whole if it raises (the exception goes on)."""
        await self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            await self.conn.execute(f"ROLLBACK TO {name}")
            await self.conn.execute(f"RELEASE {name}")
            raise
        await self.conn.execute(f"RELEASE {name}")

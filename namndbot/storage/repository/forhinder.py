"""Förhinder (anmälan) and declined call-ins."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...domain.meeting import Anmalan
from .base import Sql, iso


class ForhinderStore(Sql):
    """Förhinder and declines."""

    async def anmalningar(self, meeting_id: int) -> list[Anmalan]:
        rows = await self._all(
            "SELECT f.*, m.key FROM forhinder f JOIN member m ON m.id = f.member_id"
            " WHERE f.meeting_id = ? ORDER BY f.id",
            meeting_id,
        )
        return [Anmalan(r["key"], r["first"], r["last"], bool(r["jav"]), r["tid"]) for r in rows]

    async def add_forhinder(self, meeting_id: int, member_id: int, a: Anmalan, now: datetime, by: str) -> None:
        await self._run(
            "INSERT INTO forhinder (meeting_id, member_id, first, last, jav, tid, created_at, created_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            meeting_id,
            member_id,
            a.first,
            a.last,
            int(a.jav),
            a.tid,
            iso(now),
            by,
        )

    async def remove_forhinder(
        self, meeting_id: int, member_id: int, *, jav: bool | None = None, only: Anmalan | None = None
    ) -> int:
        """Remove a member's förhinder (all of them, the non-jäv ones, or ``only`` that one)."""
        sql = "DELETE FROM forhinder WHERE meeting_id = ? AND member_id = ?"
        args: list[Any] = [meeting_id, member_id]
        if jav is not None:
            sql += " AND jav = ?"
            args.append(int(jav))
        if only is not None:
            sql += " AND first IS ? AND last IS ? AND jav = ? AND tid IS ?"
            args += [only.first, only.last, int(only.jav), only.tid]
        async with self.conn.execute(sql, args) as cur:
            return cur.rowcount

    async def declined(self, meeting_id: int) -> dict[str, str]:
        rows = await self._all(
            "SELECT m.key, a.kind FROM avbojd a JOIN member m ON m.id = a.member_id WHERE a.meeting_id = ?",
            meeting_id,
        )
        return {r["key"]: r["kind"] for r in rows}

    async def add_decline(self, meeting_id: int, member_id: int, kind: str, now: datetime, by: str) -> None:
        await self._run(
            "INSERT INTO avbojd (meeting_id, member_id, kind, at, by) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (meeting_id, member_id) DO NOTHING",
            meeting_id,
            member_id,
            kind,
            iso(now),
            by,
        )

"""What the e-mail side keeps: invitations mailed, the answer links' key, skrivelser received, inbox files seen."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from .base import Sql, iso


class EpostStore(Sql):
    """E-mail: invitations, secrets, svar på skrivelse."""

    # -- invitations mailed --------------------------------------------------------------
    async def inbjudningar(self, meeting_id: int) -> dict[int, tuple[str, int, datetime]]:
        """Member id -> ``(digest, sequence, stamp)`` of the invitation last mailed for the meeting."""
        rows = await self._all("SELECT * FROM inbjudan WHERE meeting_id = ?", meeting_id)
        return {r["member_id"]: (r["digest"], r["sequence"], datetime.fromisoformat(r["stamp"])) for r in rows}

    async def save_inbjudan(self, meeting_id: int, member_id: int, digest: str, sequence: int, stamp: datetime) -> None:
        await self._run(
            "INSERT INTO inbjudan (meeting_id, member_id, digest, sequence, stamp) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (meeting_id, member_id) DO UPDATE SET digest = excluded.digest,"
            " sequence = excluded.sequence, stamp = excluded.stamp",
            meeting_id,
            member_id,
            digest,
            sequence,
            iso(stamp),
        )

    async def drop_inbjudan(self, meeting_id: int, member_id: int) -> None:
        await self._run("DELETE FROM inbjudan WHERE meeting_id = ? AND member_id = ?", meeting_id, member_id)

    # -- the bot's secrets ---------------------------------------------------------------
    async def hemlighet(self, namn: str, ny: str | None = None) -> str | None:
        """The bot's secret ``namn``; made from ``ny`` the first time (in a write transaction)."""
        if ny is not None:
            await self._run("INSERT INTO hemlighet (namn, varde) VALUES (?, ?) ON CONFLICT (namn) DO NOTHING", namn, ny)
        row = await self._one("SELECT varde FROM hemlighet WHERE namn = ?", namn)
        return row["varde"] if row else None

    # -- svar på skrivelse ---------------------------------------------------------------
    async def skrivelse_seen(self, content_hash: str) -> dict[str, Any] | None:
        r = await self._one("SELECT * FROM skrivelse WHERE content_hash = ?", content_hash)
        return dict(r) if r else None

    async def add_skrivelse(
        self,
        content_hash: str,
        committee_id: int | None,
        title: str | None,
        dnr: str | None,
        source: str,
        status: str,
        now: datetime,
        detail: dict[str, Any],
    ) -> int:
        return await self._run(
            "INSERT INTO skrivelse (content_hash, committee_id, title, dnr, source, received_at, status, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            content_hash,
            committee_id,
            title,
            dnr,
            source,
            iso(now),
            status,
            json.dumps(detail, ensure_ascii=False, default=str),
        )

    async def inbox_seen(self, path: str, size: int, mtime: float) -> bool:
        r = await self._one("SELECT 1 FROM inbox_file WHERE path = ? AND size = ? AND mtime = ?", path, size, mtime)
        return r is not None

    async def mark_inbox(self, path: str, size: int, mtime: float, content_hash: str, now: datetime) -> None:
        await self._run(
            "INSERT INTO inbox_file (path, size, mtime, content_hash, seen_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime = excluded.mtime,"
            " content_hash = excluded.content_hash, seen_at = excluded.seen_at",
            path,
            size,
            mtime,
            content_hash,
            iso(now),
        )

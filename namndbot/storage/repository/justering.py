"""Justering of the protocol and its anslag."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from datetime import datetime

from ...domain.meeting import Meeting
from .base import _date, iso
from .meetings import MeetingStore


@dataclass(frozen=True, slots=True)
class JusteringRow:
    meeting_id: int
    date: dt.date | None  # (a field named date: the type is spelt dt.date here)
    justerare: tuple[str, ...]
    omedelbart: tuple[int, ...]
    justerad: dt.date | None
    anslag: dt.date | None


class JusteringStore(MeetingStore):
    """Justering (and the meetings it is of)."""

    async def justering(self, meeting_id: int) -> JusteringRow | None:
        r = await self._one("SELECT * FROM justering WHERE meeting_id = ?", meeting_id)
        if r is None:
            return None
        return JusteringRow(
            r["meeting_id"],
            _date(r["date"]),
            tuple(json.loads(r["justerare"])),
            tuple(json.loads(r["omedelbart"])),
            _date(r["justerad"]),
            _date(r["anslag"]),
        )

    async def save_justering(self, j: JusteringRow, now: datetime) -> None:
        await self._run(
            "INSERT INTO justering (meeting_id, date, justerare, omedelbart, justerad, anslag, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (meeting_id) DO UPDATE SET date = excluded.date,"
            " justerare = excluded.justerare, omedelbart = excluded.omedelbart, justerad = excluded.justerad,"
            " anslag = excluded.anslag, updated_at = excluded.updated_at",
            j.meeting_id,
            j.date.isoformat() if j.date else None,
            json.dumps(list(j.justerare), ensure_ascii=False),
            json.dumps(list(j.omedelbart)),
            j.justerad.isoformat() if j.justerad else None,
            j.anslag.isoformat() if j.anslag else None,
            iso(now),
        )

    async def justering_changes(self, meeting_id: int) -> tuple[int, datetime | None]:
        """How often a meeting's justering was set or marked done, and when last."""
        row = await self._one(
            "SELECT count(*) AS n, max(at) AS latest FROM audit WHERE meeting_id = ?"
            " AND action IN ('justering_set', 'justerad')",
            meeting_id,
        )
        assert row is not None  # an aggregate always has its row
        return int(row["n"]), (datetime.fromisoformat(row["latest"]) if row["latest"] else None)

    async def justeringar(self, committee_id: int) -> list[tuple[Meeting, JusteringRow]]:
        out = []
        for m in await self.meetings(committee_id):
            j = await self.justering(m.id)
            if j is not None:
                out.append((m, j))
        return out

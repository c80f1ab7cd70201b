"""Meetings."""

from __future__ import annotations

from datetime import date, datetime, time

import aiosqlite

from ...domain.meeting import Meeting
from .base import Sql, _dt, iso


class MeetingStore(Sql):
    """A committee's meetings."""

    def _meeting(self, row: aiosqlite.Row, short: str) -> Meeting:
        hh, mm = row["start"].split(":")
        return Meeting(
            committee=short,
            date=date.fromisoformat(row["date"]),
            start=time(int(hh), int(mm)),
            paragraphs=row["paragraphs"],
            location=row["location"],
            note=row["note"],
            status=row["status"],
            uid=row["uid"],
            sequence=row["sequence"],
            updated_at=_dt(row["updated_at"]),
            started_at=_dt(row["started_at"]),
            current_paragraph=row["current_paragraph"],
            id=row["id"],
            first_paragraph=row["first_paragraph"],
        )

    async def meeting(self, committee_id: int, day: date) -> Meeting | None:
        row = await self._one(
            "SELECT m.*, c.short FROM meeting m JOIN committee c ON c.id = m.committee_id"
            " WHERE m.committee_id = ? AND m.date = ?",
            committee_id,
            day.isoformat(),
        )
        return self._meeting(row, row["short"]) if row else None

    async def meeting_by_id(self, meeting_id: int) -> Meeting:
        row = await self._one(
            "SELECT m.*, c.short FROM meeting m JOIN committee c ON c.id = m.committee_id WHERE m.id = ?",
            meeting_id,
        )
        assert row is not None
        return self._meeting(row, row["short"])

    async def meetings(self, committee_id: int, *, start: date | None = None, end: date | None = None) -> list[Meeting]:
        rows = await self._all(
            "SELECT m.*, c.short FROM meeting m JOIN committee c ON c.id = m.committee_id"
            " WHERE m.committee_id = ? AND m.date >= ? AND m.date <= ? ORDER BY m.date",
            committee_id,
            (start or date.min).isoformat(),
            (end or date.max).isoformat(),
        )
        return [self._meeting(r, r["short"]) for r in rows]

    async def insert_meeting(self, committee_id: int, m: Meeting, now: datetime) -> int:
        self._catalog_changed()
        return await self._run(
            "INSERT INTO meeting (committee_id, uid, date, start, paragraphs, first_paragraph, location, note, status,"
            " sequence, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            committee_id,
            m.uid,
            m.date.isoformat(),
            m.start.strftime("%H:%M"),
            m.paragraphs,
            m.first_paragraph,
            m.location,
            m.note,
            m.status,
            m.sequence,
            iso(now),
            iso(now),
        )

    async def update_meeting(self, m: Meeting) -> None:
        """Store ``m``; its ``updated_at`` is the last change the calendar feeds show."""
        self._catalog_changed()
        assert m.updated_at is not None
        await self._run(
            "UPDATE meeting SET date = ?, start = ?, paragraphs = ?, first_paragraph = ?, location = ?, note = ?,"
            " status = ?, sequence = ?, started_at = ?, current_paragraph = ?, updated_at = ? WHERE id = ?",
            m.date.isoformat(),
            m.start.strftime("%H:%M"),
            m.paragraphs,
            m.first_paragraph,
            m.location,
            m.note,
            m.status,
            m.sequence,
            iso(m.started_at) if m.started_at else None,
            m.current_paragraph,
            iso(m.updated_at),
            m.id,
        )

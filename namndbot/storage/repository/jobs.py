"""Jobs: work due at a time (reminders, justering, clearing out)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from .base import Sql, iso


@dataclass(frozen=True, slots=True)
class JobRow:
    id: int
    key: str
    kind: str
    committee_id: int | None
    meeting_id: int | None
    due_at: datetime
    status: str
    payload: dict[str, Any]


class JobStore(Sql):
    """Scheduled jobs."""

    def _job(self, r: aiosqlite.Row) -> JobRow:
        return JobRow(
            r["id"],
            r["key"],
            r["kind"],
            r["committee_id"],
            r["meeting_id"],
            datetime.fromisoformat(r["due_at"]),
            r["status"],
            json.loads(r["payload"]),
        )

    async def jobs_for_meeting(self, meeting_id: int) -> list[JobRow]:
        rows = await self._all("SELECT * FROM job WHERE meeting_id = ? ORDER BY due_at", meeting_id)
        return [self._job(r) for r in rows]

    async def job(self, key: str) -> JobRow | None:
        row = await self._one("SELECT * FROM job WHERE key = ?", key)
        return self._job(row) if row else None

    async def put_job(
        self,
        key: str,
        kind: str,
        due_at: datetime,
        *,
        committee_id: int | None,
        meeting_id: int | None,
        payload: dict[str, Any] | None = None,
    ) -> None:
        """Schedule (or move) a job. A job already done is scheduled again only if moved to a new time."""
        existing = await self.job(key)
        body = json.dumps(payload or {}, ensure_ascii=False, default=str)
        if existing is None:
            await self._run(
                "INSERT INTO job (key, kind, committee_id, meeting_id, due_at, payload) VALUES (?, ?, ?, ?, ?, ?)",
                key,
                kind,
                committee_id,
                meeting_id,
                iso(due_at),
                body,
            )
        elif existing.due_at != due_at:
            await self._run(
                "UPDATE job SET due_at = ?, status = 'pending', done_at = NULL, note = NULL, payload = ? WHERE id = ?",
                iso(due_at),
                body,
                existing.id,
            )

    async def drop_jobs(
        self, meeting_id: int, now: datetime, note: str, *, kinds: tuple[str, ...] | None = None
    ) -> int:
        jobs = [
            j
            for j in await self.jobs_for_meeting(meeting_id)
            if j.status == "pending" and (kinds is None or j.kind in kinds)
        ]
        for j in jobs:
            await self.finish_job(j.id, "dropped", now, note)
        return len(jobs)

    async def due_jobs(self, now: datetime, limit: int = 200) -> list[JobRow]:
        rows = await self._all(
            "SELECT * FROM job WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?", iso(now), limit
        )
        return [self._job(r) for r in rows]

    async def next_job_time(self) -> datetime | None:
        row = await self._one("SELECT min(due_at) AS t FROM job WHERE status = 'pending'")
        return datetime.fromisoformat(row["t"]) if row and row["t"] else None

    async def finish_job(self, job_id: int, status: str, now: datetime, note: str | None = None) -> None:
        await self._run(
            "UPDATE job SET status = ?, done_at = ?, note = ? WHERE id = ? AND status = 'pending'",
            status,
            iso(now),
            note,
            job_id,
        )

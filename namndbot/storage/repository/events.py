"""Events: what happened, for the notifier to tell (payloads are opaque JSON)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .base import Sql, iso


@dataclass(frozen=True, slots=True)
class EventRow:
    id: int
    at: datetime
    kind: str
    committee_id: int | None
    meeting_id: int | None
    member_id: int | None
    payload: dict[str, Any]


class EventStore(Sql):
    """The event queue."""

    async def add_event(
        self,
        now: datetime,
        kind: str,
        *,
        committee_id: int | None = None,
        meeting_id: int | None = None,
        member_id: int | None = None,
        **payload: Any,
    ) -> None:
        await self._run(
            "INSERT INTO event (at, kind, committee_id, meeting_id, member_id, payload) VALUES (?, ?, ?, ?, ?, ?)",
            iso(now),
            kind,
            committee_id,
            meeting_id,
            member_id,
            json.dumps(payload, ensure_ascii=False, default=str),
        )

    async def new_events(self, limit: int = 200) -> list[EventRow]:
        rows = await self._all("SELECT * FROM event WHERE handled_at IS NULL ORDER BY id LIMIT ?", limit)
        return [
            EventRow(
                r["id"],
                datetime.fromisoformat(r["at"]),
                r["kind"],
                r["committee_id"],
                r["meeting_id"],
                r["member_id"],
                json.loads(r["payload"]),
            )
            for r in rows
        ]

    async def handle_event(self, event_id: int, now: datetime) -> None:
        await self._run("UPDATE event SET handled_at = ? WHERE id = ?", iso(now), event_id)

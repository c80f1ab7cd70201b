"""The outbox: messages to send, retried until sent (payloads are opaque JSON); the backlog of all queues."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from .base import Sql, iso


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    created_at: datetime
    kind: str
    target: str | None
    payload: dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: datetime
    channel: str | None
    ts: str | None


class OutboxStore(Sql):
    """The outbox."""

    async def enqueue(
        self,
        now: datetime,
        kind: str,
        target: str | None,
        payload: dict[str, Any],
        *,
        coalesce_key: str | None = None,
        not_before: datetime | None = None,
    ) -> int | None:
        """Queue a message; with ``coalesce_key``, nothing new if one is already pending."""
        async with self.conn.execute(
            "INSERT INTO outbox (created_at, kind, target, payload, coalesce_key, next_attempt_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                iso(now),
                kind,
                target,
                json.dumps(payload, ensure_ascii=False, default=str),
                coalesce_key,
                iso(not_before or now),
            ),
        ) as cur:
            return cur.lastrowid if cur.rowcount else None

    def _outbox(self, r: aiosqlite.Row) -> OutboxRow:
        return OutboxRow(
            r["id"],
            datetime.fromisoformat(r["created_at"]),
            r["kind"],
            r["target"],
            json.loads(r["payload"]),
            r["status"],
            r["attempts"],
            datetime.fromisoformat(r["next_attempt_at"]),
            r["channel"],
            r["ts"],
        )

    async def due_outbox(self, now: datetime, limit: int = 50) -> list[OutboxRow]:
        rows = await self._all(
            # +id: sorted after the search of outbox_due, not by walking the whole table in id order.
            "SELECT * FROM outbox WHERE status IN ('pending', 'sending') AND next_attempt_at <= ? ORDER BY +id LIMIT ?",
            iso(now),
            limit,
        )
        return [self._outbox(r) for r in rows]

    async def next_outbox_time(self) -> datetime | None:
        row = await self._one("SELECT min(next_attempt_at) AS t FROM outbox WHERE status IN ('pending', 'sending')")
        return datetime.fromisoformat(row["t"]) if row and row["t"] else None

    async def outbox_sending(
        self, outbox_id: int, now: datetime, channel: str | None, *, claimer: int | None = None
    ) -> bool:
        """About to call Slack: from now on a restart must check before sending again. With
        ``claimer`` (several processes): only while that claim holds; False if another process
        has taken the row over (then it is theirs to send)."""
        sql = (
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1, channel = coalesce(?, channel),"
            " coalesce_key = NULL WHERE id = ?"
        )
        if claimer is None:
            await self._run(sql, channel, outbox_id)
            return True
        async with self.conn.execute(
            f"{sql} AND (claimed_by IS NULL OR claimed_by = ?)", (channel, outbox_id, claimer)
        ) as cur:
            return bool(cur.rowcount)

    async def outbox_sent(self, outbox_id: int, now: datetime, channel: str | None, ts: str | None) -> None:
        await self._run(
            "UPDATE outbox SET status = 'sent', sent_at = ?, channel = coalesce(?, channel), ts = ?,"
            " last_error = NULL, claimed_by = NULL, lease_until = NULL WHERE id = ?",
            iso(now),
            channel,
            ts,
            outbox_id,
        )

    async def outbox_retry(self, outbox_id: int, at: datetime, error: str) -> None:
        await self._run(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ?, claimed_by = NULL,"
            " lease_until = NULL WHERE id = ?",
            iso(at),
            error[:500],
            outbox_id,
        )

    async def outbox_failed(self, outbox_id: int, error: str) -> None:
        await self._run(
            "UPDATE outbox SET status = 'failed', last_error = ?, claimed_by = NULL, lease_until = NULL WHERE id = ?",
            error[:500],
            outbox_id,
        )

    async def outbox_all(self) -> list[OutboxRow]:
        return [self._outbox(r) for r in await self._all("SELECT * FROM outbox ORDER BY id")]

    # -- all queues ----------------------------------------------------------------------
    async def backlog(self, now: datetime | None = None) -> int:
        """Reports not yet applied, events not yet told, messages not yet sent (due now or later),
        and jobs already due at ``now``."""
        row = await self._one(
            "SELECT (SELECT count(*) FROM intake WHERE status = 'ny')"
            " + (SELECT count(*) FROM event WHERE handled_at IS NULL)"
            " + (SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending'))"
            " + (SELECT count(*) FROM job WHERE status = 'pending' AND due_at <= ?) AS n",
            iso(now) if now else "",
        )
        assert row is not None  # an aggregate always has its row
        return int(row["n"])

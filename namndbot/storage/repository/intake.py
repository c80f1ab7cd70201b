"""The intake: reports received, applied by the worker one at a time (payloads are opaque JSON)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from .base import Sql, iso

INTAKE_CHUNK = 400  # intake rows per INSERT … RETURNING (the intake relies on one chunk being atomic)


@dataclass(frozen=True, slots=True)
class IntakeRow:
    id: int
    received_at: datetime
    kind: str
    actor: str
    payload: dict[str, Any]
    status: str
    result: dict[str, Any] | None


class IntakeStore(Sql):
    """The intake queue."""

    async def add_intake(self, rows: list[tuple[str, str, str, dict[str, Any]]], now: datetime) -> list[int | None]:
        """Insert ``(dedupe_key, kind, actor, payload)`` rows; None for a key seen before (here or earlier
        in ``rows``). One statement per ``INTAKE_CHUNK`` rows: a burst costs one round trip, not one per report."""
        ids: list[int | None] = []
        first_of: dict[str, int] = {}
        for i, (key, *_rest) in enumerate(rows):
            first_of.setdefault(key, i)
        unique = [rows[i] for i in sorted(first_of.values())]
        got: dict[str, int] = {}
        for start in range(0, len(unique), INTAKE_CHUNK):
            chunk = unique[start : start + INTAKE_CHUNK]
            values = ", ".join(["(?, ?, ?, ?, ?)"] * len(chunk))
            args: list[Any] = []
            for key, kind, actor, payload in chunk:
                args += [iso(now), key, kind, actor, json.dumps(payload, ensure_ascii=False)]
            # execute_fetchall: one round trip to the database thread (execute, fetch, close).
            for r in await self.conn.execute_fetchall(
                f"INSERT INTO intake (received_at, dedupe_key, kind, actor, payload) VALUES {values}"
                " ON CONFLICT (dedupe_key) DO NOTHING RETURNING id, dedupe_key",
                args,
            ):
                got[r[1]] = r[0]
        for i, (key, *_rest) in enumerate(rows):
            ids.append(got.get(key) if first_of[key] == i else None)
        return ids

    def _intake(self, r: aiosqlite.Row) -> IntakeRow:
        return IntakeRow(
            r["id"],
            datetime.fromisoformat(r["received_at"]),
            r["kind"],
            r["actor"],
            json.loads(r["payload"]),
            r["status"],
            json.loads(r["result"]) if r["result"] else None,
        )

    async def new_intake(self, limit: int = 100) -> list[IntakeRow]:
        rows = await self._all("SELECT * FROM intake WHERE status = 'ny' ORDER BY id LIMIT ?", limit)
        return [self._intake(r) for r in rows]

    async def intake_by_key(self, dedupe_key: str) -> IntakeRow | None:
        row = await self._one("SELECT * FROM intake WHERE dedupe_key = ?", dedupe_key)
        return self._intake(row) if row else None

    async def intake(self, intake_id: int) -> IntakeRow | None:
        row = await self._one("SELECT * FROM intake WHERE id = ?", intake_id)
        return self._intake(row) if row else None

    async def finish_intake(self, intake_id: int, status: str, result: dict[str, Any], now: datetime) -> None:
        await self._run(
            "UPDATE intake SET status = ?, result = ?, processed_at = ? WHERE id = ? AND status = 'ny'",
            status,
            json.dumps(result, ensure_ascii=False, default=str),
            iso(now),
            intake_id,
        )

"""The plan: who sits in for whom (assignments), call-ins, who is present, vacancy alerts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...domain.turordning import Assignment, Rule
from .base import Sql, _dt, iso


@dataclass(frozen=True, slots=True)
class Inkallelse:
    member: str  # key
    status: str  # 'kallad' | 'kommer'
    called_at: datetime
    answered_at: datetime | None


class PlanStore(Sql):
    """Assignments, call-ins and presence."""

    # -- assignments ---------------------------------------------------------------------
    async def assignments(self, meeting_id: int) -> list[Assignment]:
        rows = await self._all(
            "SELECT a.*, e.key AS e_key, s.key AS s_key FROM assignment a"
            " JOIN member e ON e.id = a.ersattare_id JOIN member s ON s.id = a.seat_id"
            " WHERE a.meeting_id = ? ORDER BY a.id",
            meeting_id,
        )
        return [
            Assignment(r["e_key"], r["s_key"], r["first"], r["last"], Rule(r["rule"]), r["explanation"]) for r in rows
        ]

    async def replace_assignments(self, meeting_id: int, plan: tuple[Assignment, ...], ids: dict[str, int]) -> None:
        await self._run("DELETE FROM assignment WHERE meeting_id = ?", meeting_id)
        await self.conn.executemany(
            "INSERT INTO assignment (meeting_id, ersattare_id, seat_id, first, last, rule, explanation)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(meeting_id, ids[a.ersattare], ids[a.seat], a.first, a.last, a.rule.value, a.explanation) for a in plan],
        )

    # -- call-ins ------------------------------------------------------------------------
    async def open_calls(self, meeting_id: int) -> list[tuple[int, str, datetime]]:
        """``(member id, key, called_at)`` of call-ins not yet answered."""
        rows = await self._all(
            "SELECT i.member_id, m.key, i.called_at FROM inkallelse i JOIN member m ON m.id = i.member_id"
            " WHERE i.meeting_id = ? AND i.status = 'kallad'",
            meeting_id,
        )
        return [(r["member_id"], r["key"], datetime.fromisoformat(r["called_at"])) for r in rows]

    async def inkallelser(self, meeting_id: int) -> dict[str, Inkallelse]:
        rows = await self._all(
            "SELECT i.*, m.key FROM inkallelse i JOIN member m ON m.id = i.member_id WHERE i.meeting_id = ?",
            meeting_id,
        )
        return {
            r["key"]: Inkallelse(r["key"], r["status"], datetime.fromisoformat(r["called_at"]), _dt(r["answered_at"]))
            for r in rows
        }

    async def call_in(self, meeting_id: int, member_id: int, now: datetime) -> None:
        await self._run(
            "INSERT INTO inkallelse (meeting_id, member_id, status, called_at) VALUES (?, ?, 'kallad', ?)"
            " ON CONFLICT (meeting_id, member_id) DO NOTHING",
            meeting_id,
            member_id,
            iso(now),
        )

    async def release(self, meeting_id: int, member_id: int) -> None:
        await self._run("DELETE FROM inkallelse WHERE meeting_id = ? AND member_id = ?", meeting_id, member_id)

    async def answer(self, meeting_id: int, member_id: int, now: datetime) -> None:
        await self._run(
            "UPDATE inkallelse SET status = 'kommer', answered_at = ? WHERE meeting_id = ? AND member_id = ?",
            iso(now),
            meeting_id,
            member_id,
        )

    async def last_call(self, meeting_id: int, member_id: int) -> dict[str, Any] | None:
        """The latest audited call-in of a member to a meeting (what they were called for)."""
        row = await self._one(
            "SELECT detail FROM audit WHERE meeting_id = ? AND member_id = ?"
            " AND action = 'inkallad' ORDER BY id DESC LIMIT 1",
            meeting_id,
            member_id,
        )
        return json.loads(row["detail"]) if row else None

    # -- present -------------------------------------------------------------------------
    async def present(self, meeting_id: int) -> dict[str, int]:
        rows = await self._all(
            "SELECT m.key, n.since FROM narvarande n JOIN member m ON m.id = n.member_id WHERE n.meeting_id = ?",
            meeting_id,
        )
        return {r["key"]: r["since"] for r in rows}

    async def add_present(self, meeting_id: int, member_id: int, since: int) -> None:
        await self._run(
            "INSERT INTO narvarande (meeting_id, member_id, since) VALUES (?, ?, ?)"
            " ON CONFLICT (meeting_id, member_id) DO NOTHING",
            meeting_id,
            member_id,
            since,
        )

    # -- vacancies -----------------------------------------------------------------------
    async def alert_vacancy(self, meeting_id: int, seat: str, first: int, last: int, now: datetime) -> bool:
        """True the first time this vacancy is seen (then the secretaries are told)."""
        async with self.conn.execute(
            "INSERT INTO vakans_larm (meeting_id, seat, first, last, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (meeting_id, seat, first, last, iso(now)),
        ) as cur:
            return bool(cur.rowcount)

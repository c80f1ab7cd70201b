"""The audit log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .base import Sql, iso


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    detail: dict[str, Any]


class AuditStore(Sql):
    """Who did what, and when."""

    async def audit(
        self,
        now: datetime,
        actor: str,
        action: str,
        *,
        committee_id: int | None = None,
        meeting_id: int | None = None,
        member_id: int | None = None,
        **detail: Any,
    ) -> None:
        await self._run(
            "INSERT INTO audit (at, actor, action, committee_id, meeting_id, member_id, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            iso(now),
            actor,
            action,
            committee_id,
            meeting_id,
            member_id,
            json.dumps(detail, ensure_ascii=False, default=str),
        )

    async def member_changes(self, member_id: int) -> dict[int, tuple[int, datetime]]:
        """Per meeting: how many audited changes concern this member, and the latest one's time."""
        rows = await self._all(
            "SELECT meeting_id, count(*) AS n, max(at) AS latest FROM audit"
            " WHERE member_id = ? AND meeting_id IS NOT NULL GROUP BY meeting_id",
            member_id,
        )
        return {r["meeting_id"]: (r["n"], datetime.fromisoformat(r["latest"])) for r in rows}

    async def audit_log(self, *, meeting_id: int | None = None, committee_id: int | None = None) -> list[AuditEntry]:
        if meeting_id is not None:
            rows = await self._all("SELECT * FROM audit WHERE meeting_id = ? ORDER BY id", meeting_id)
        elif committee_id is not None:
            rows = await self._all("SELECT * FROM audit WHERE committee_id = ? ORDER BY id", committee_id)
        else:
            rows = await self._all("SELECT * FROM audit ORDER BY id")
        return [
            AuditEntry(datetime.fromisoformat(r["at"]), r["actor"], r["action"], json.loads(r["detail"])) for r in rows
        ]

"""The förhinder reported for one meeting, with when and by whom (no reasons: none are stored)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain.meeting import Anmalan
from .repository import Repository


@dataclass(frozen=True, slots=True)
class AnmaldRad:
    name: str
    party: str
    ledamot: bool
    slack: str | None
    anmalan: Anmalan
    created_at: datetime
    created_by: str  # the actor: "slack:U…", "cli:user", …


async def anmalda(repo: Repository, meeting_id: int) -> list[AnmaldRad]:
    """Every förhinder of the meeting, in the order reported."""
    async with repo.conn.execute(
        "SELECT f.first, f.last, f.jav, f.tid, f.created_at, f.created_by,"
        " m.key, m.name, m.party, m.kind, m.slack"
        " FROM forhinder f JOIN member m ON m.id = f.member_id WHERE f.meeting_id = ? ORDER BY f.id",
        (meeting_id,),
    ) as cur:
        rows = await cur.fetchall()
    return [
        AnmaldRad(
            r["name"],
            r["party"],
            r["kind"] == "ledamot",
            r["slack"],
            Anmalan(r["key"], r["first"], r["last"], bool(r["jav"]), r["tid"]),
            datetime.fromisoformat(r["created_at"]),
            r["created_by"],
        )
        for r in rows
    ]

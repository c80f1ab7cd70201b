"""How often what the calendar feeds show has changed (``feed_version``, kept by triggers)."""

from __future__ import annotations

import aiosqlite


async def versions(conn: aiosqlite.Connection) -> dict[str, int]:
    """Per committee, by its short name casefolded; ``""``: any change at all."""
    async with conn.execute(
        "SELECT coalesce(c.short, '') AS short, v.n FROM feed_version v LEFT JOIN committee c ON c.id = v.committee_id"
        " WHERE v.committee_id = 0 OR c.id IS NOT NULL"
    ) as cur:
        return {str(short).casefold(): int(n) for short, n in await cur.fetchall()}

"""Calendar feeds: personal feed tokens and what each feed last looked like (0007)."""

from __future__ import annotations

from datetime import datetime

from .base import Sql, iso


class FeedStore(Sql):
    """Feed tokens and feed history."""

    # -- personal feed tokens ------------------------------------------------------------
    async def feed_token(self, member_id: int) -> str | None:
        row = await self._one("SELECT token FROM feed_token WHERE member_id = ? AND revoked_at IS NULL", member_id)
        return row["token"] if row else None

    async def new_feed_token(self, member_id: int, token: str, now: datetime) -> None:
        await self._run(
            "UPDATE feed_token SET revoked_at = ? WHERE member_id = ? AND revoked_at IS NULL", iso(now), member_id
        )
        await self._run(
            "INSERT INTO feed_token (token, member_id, created_at) VALUES (?, ?, ?)", token, member_id, iso(now)
        )

    async def member_by_feed_token(self, token: str) -> tuple[int, int] | None:
        """``(committee_id, member_id)`` for an active token of an active member."""
        row = await self._one(
            "SELECT m.committee_id, m.id FROM feed_token t JOIN member m ON m.id = t.member_id"
            " WHERE t.token = ? AND t.revoked_at IS NULL AND m.retired_at IS NULL",
            token,
        )
        return (row["committee_id"], row["id"]) if row else None

    # -- calendar feed history (0007) ----------------------------------------------------
    async def feed_history(self, feed: str) -> tuple[tuple[str, datetime] | None, dict[str, tuple[str, int, datetime]]]:
        """What the feed ``feed`` last looked like: ``(digest, last_modified)`` of the whole feed
        (None: never served), and per event uid ``(digest, sequence, stamp)``."""
        row = await self._one("SELECT digest, last_modified FROM feed_state WHERE feed = ?", feed)
        if row is None:
            return None, {}
        rows = await self._all("SELECT uid, digest, sequence, stamp FROM feed_event_state WHERE feed = ?", feed)
        return (
            (row["digest"], datetime.fromisoformat(row["last_modified"])),
            {r["uid"]: (r["digest"], r["sequence"], datetime.fromisoformat(r["stamp"])) for r in rows},
        )

    async def save_feed_history(
        self,
        feed: str,
        based_on: str | None,
        digest: str,
        last_modified: datetime,
        events: list[tuple[str, str, int, datetime]],
    ) -> bool:
        """Record a feed as served, if what is stored is still what it was rendered from
        (``based_on``: the stored digest, None if none); False (and nothing written) otherwise.
        ``events``: ``(uid, digest, sequence, stamp)`` of the events that changed."""
        row = await self._one("SELECT digest FROM feed_state WHERE feed = ?", feed)
        if (row["digest"] if row else None) != based_on:
            return False
        await self._run(
            "INSERT INTO feed_state (feed, digest, last_modified) VALUES (?, ?, ?) ON CONFLICT (feed)"
            " DO UPDATE SET digest = excluded.digest, last_modified = excluded.last_modified",
            feed,
            digest,
            iso(last_modified),
        )
        await self.conn.executemany(
            "INSERT INTO feed_event_state (feed, uid, digest, sequence, stamp) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (feed, uid) DO UPDATE SET digest = excluded.digest, sequence = excluded.sequence,"
            " stamp = excluded.stamp",
            [(feed, uid, d, seq, iso(stamp)) for uid, d, seq, stamp in events],
        )
        return True

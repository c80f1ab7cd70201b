"""Slack bookkeeping (opaque to storage): events seen, summary messages, DM channels, Slack ids."""

from __future__ import annotations

from datetime import datetime

from .base import Sql, iso


class SlackStore(Sql):
    """What the bot keeps of Slack."""

    async def first_sight(self, event_id: str, now: datetime) -> bool:
        """True the first time a Slack event id is seen (by any process on the database)."""
        async with self.conn.execute(
            "INSERT INTO slack_event (event_id, seen_at) VALUES (?, ?) ON CONFLICT (event_id) DO NOTHING",
            (event_id, iso(now)),
        ) as cur:
            return bool(cur.rowcount)

    async def forget_event(self, event_id: str) -> None:
        """The event was not handled (its listener failed): its retry counts as the first sight."""
        await self._run("DELETE FROM slack_event WHERE event_id = ?", event_id)

    async def summary_messages(self, meeting_id: int) -> dict[str, str]:
        rows = await self._all("SELECT channel, ts FROM summary_message WHERE meeting_id = ?", meeting_id)
        return {r["channel"]: r["ts"] for r in rows}

    async def save_summary_message(self, meeting_id: int, channel: str, ts: str) -> None:
        await self._run(
            "INSERT INTO summary_message (meeting_id, channel, ts) VALUES (?, ?, ?)"
            " ON CONFLICT (meeting_id, channel) DO UPDATE SET ts = excluded.ts",
            meeting_id,
            channel,
            ts,
        )

    async def dm_channel(self, user: str) -> str | None:
        row = await self._one("SELECT channel FROM dm_channel WHERE user = ?", user)
        return row["channel"] if row else None

    async def save_dm_channel(self, user: str, channel: str) -> None:
        await self._run(
            "INSERT INTO dm_channel (user, channel) VALUES (?, ?)"
            " ON CONFLICT (user) DO UPDATE SET channel = excluded.channel",
            user,
            channel,
        )

    async def link_slack(self, member_id: int, slack: str) -> None:
        self._catalog_changed()
        await self._run("UPDATE member SET slack_lookup = ? WHERE id = ?", slack, member_id)

    async def slack_ids(self, committee_id: int) -> dict[str, str]:
        """Member key -> Slack id (the roster's own, else one found by email)."""
        rows = await self._all(
            "SELECT key, coalesce(slack, slack_lookup) AS s FROM member"
            " WHERE committee_id = ? AND retired_at IS NULL AND coalesce(slack, slack_lookup) IS NOT NULL",
            committee_id,
        )
        return {r["key"]: r["s"] for r in rows}

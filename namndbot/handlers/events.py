"""Events: App Home opened."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .common import seen_by, team_of

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from .ports import BotPort


def register(app: AsyncApp, bot: BotPort) -> None:
    @app.event("app_home_opened")
    async def home_opened(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home":
            await bot.outbox.home(event["user"], team_of(body))
            bot.poke()

    @app.event("file_shared")
    async def file_shared(event: dict[str, Any], body: dict[str, Any]) -> None:
        """A document shared in a committee's secretaries' channel may be a new svar på skrivelse."""
        directory = await seen_by(bot, body)
        channel = event.get("channel_id") or event.get("channel")
        short = directory.by_channel.get(channel or "")
        info = directory.committees.get(short) if short else None
        if short is None or info is None or info.committee.secretaries_channel != channel:
            return
        await bot.outbox.fetch_file(event["file_id"], short, dedupe=body.get("event_id"))
        bot.poke()

    @app.event("message")
    async def ignore_messages() -> None:
        """Messages in the app's DM are not commands; /namnd is."""

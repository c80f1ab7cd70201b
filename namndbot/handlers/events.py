"""Events: App Home opened."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from ..bot.app import Bot


def register(app: AsyncApp, bot: Bot) -> None:
    @app.event("app_home_opened")
    async def home_opened(event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home":
            await bot.outbox.home(event["user"])
            bot.poke()

    @app.event("message")
    async def ignore_messages() -> None:
        """Messages in the app's DM are not commands; /namnd is."""

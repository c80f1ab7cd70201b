"""Slack listeners, grouped by kind. Thin: parse, check, hand over to the services, answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from .ports import BotPort


def register_all(app: AsyncApp, bot: BotPort) -> None:
    from . import actions, commands, events, views

    for module in (commands, actions, views, events):
        module.register(app, bot)

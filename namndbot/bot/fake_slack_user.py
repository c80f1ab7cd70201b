"""Slack's side of a conversation, for the tests, the demo and the benchmarks.

:class:`SlackUser` builds the requests Slack would send when a member acts (slash commands, button
clicks, modal submissions, events), signs them with the signing secret, and posts them to the
bot's ``/slack/events`` (or, as payloads, through :meth:`FakeSlack.push` on the Socket Mode
WebSocket). :func:`select` and :func:`text_input` are a modal's submitted values.

Nothing here reaches the internet: it all runs on 127.0.0.1.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

from aiohttp import ClientSession
from slack_sdk.signature import SignatureVerifier

from .fake_slack import FakeSlack
from .fake_workspaces import TEAM


class SlackUser:
    """Sends what Slack would send when ``user`` acts, signed, to the bot's /slack/events."""

    def __init__(
        self,
        events_url: str,
        signing_secret: str,
        fake: FakeSlack,
        user: str,
        session: ClientSession | None = None,
        team: str = TEAM,
    ) -> None:
        self.events_url = events_url
        self.verifier = SignatureVerifier(signing_secret)
        self.fake = fake
        self.user = user
        self.session = session
        self.team = team  # the workspace the user acts in

    def signed(self, body: str, *, timestamp: int | None = None) -> dict[str, str]:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        return {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": self.verifier.generate_signature(timestamp=ts, body=body) or "",
        }

    async def post(self, body: str, content_type: str, extra: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Content-Type": content_type, **self.signed(body), **(extra or {})}
        own = self.session is None
        session = self.session or ClientSession()
        try:
            async with session.post(self.events_url, data=body.encode(), headers=headers) as resp:
                return resp.status, await resp.text()
        finally:
            if own:
                await session.close()

    def slash_body(
        self, text: str, *, channel: str = "C0GENERAL", trigger: str | None = None, response_url: str | None = None
    ) -> str:
        return urlencode(
            {
                "token": "legacy",
                "team_id": self.team,
                "team_domain": "kommunen",
                "channel_id": channel,
                "channel_name": "allmant",
                "user_id": self.user,
                "user_name": self.user.lower(),
                "command": "/namnd",
                "text": text,
                "api_app_id": "A0NAMND",
                "is_enterprise_install": "false",
                "response_url": response_url or self.fake.response_url(),
                "trigger_id": trigger or f"{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:8]}",
            }
        )

    async def slash(self, text: str, **kw: Any) -> tuple[int, dict[str, Any]]:
        status, body = await self.post(self.slash_body(text, **kw), "application/x-www-form-urlencoded")
        return status, (json.loads(body) if body.startswith("{") else {"text": body})

    def action_payload(
        self, action_id: str, value: str, *, message: dict[str, Any] | None = None, channel: str | None = None
    ) -> dict[str, Any]:
        message = message or {"ts": self.fake._next_ts(), "text": ""}
        return {
            "type": "block_actions",
            "team": {"id": self.team},
            "user": {"id": self.user, "name": self.user.lower(), "team_id": self.team},
            "api_app_id": "A0NAMND",
            "token": "legacy",
            "trigger_id": f"{uuid.uuid4().int % 10**12}.t",
            "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel or f"D{self.user}"},
            "channel": {"id": channel or f"D{self.user}"},
            "message": message,
            "response_url": self.fake.response_url(),
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "svar",
                    "value": value,
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }

    async def click(self, action_id: str, value: str, **kw: Any) -> tuple[int, str]:
        return await self.click_payload(self.action_payload(action_id, value, **kw))

    async def click_payload(self, payload: dict[str, Any]) -> tuple[int, str]:
        """An interactive payload (a click, a form submitted) as Slack posts it: form-encoded JSON."""
        return await self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    def view_payload(self, view: dict[str, Any], values: dict[str, dict[str, Any]]) -> dict[str, Any]:
        return {
            "type": "view_submission",
            "team": {"id": self.team},
            "user": {"id": self.user, "name": self.user.lower(), "team_id": self.team},
            "api_app_id": "A0NAMND",
            "token": "legacy",
            "trigger_id": f"{uuid.uuid4().int % 10**12}.t",
            "view": {
                **view,
                "id": view.get("id") or f"V{uuid.uuid4().hex[:10].upper()}",
                "hash": uuid.uuid4().hex[:12],
                "state": {"values": values},
            },
        }

    async def submit(self, view: dict[str, Any], values: dict[str, dict[str, Any]]) -> tuple[int, str]:
        return await self.click_payload(self.view_payload(view, values))

    def event_body(self, event: dict[str, Any], event_id: str | None = None) -> str:
        return json.dumps(
            {
                "token": "legacy",
                "team_id": self.team,
                "api_app_id": "A0NAMND",
                "type": "event_callback",
                "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
                "event_time": int(time.time()),
                "event": {"user": self.user, **event},
            }
        )

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None
    ) -> tuple[int, str]:
        extra = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return await self.post(self.event_body(event, event_id), "application/json", extra)


def select(value: str) -> dict[str, Any]:
    """A modal field's state for a static select or radio button."""
    return {"v": {"type": "static_select", "selected_option": {"value": value}}}


def text_input(value: str | None) -> dict[str, Any]:
    return {"v": {"type": "plain_text_input", "value": value}}

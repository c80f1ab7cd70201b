"""The fake Slack's workspaces: several teams, each with its bot user and the tokens the OAuth flow
gave out, Slack's authorize page and ``oauth.v2.access`` (mixed into :class:`FakeSlack`)."""

from __future__ import annotations

import asyncio
import base64
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

BOT_USER = "UBOT0NAMND"
TEAM = "T0NAMNDBOT"


@dataclass
class FakeWorkspace:
    """One Slack workspace: its bot user, and the bot tokens the OAuth flow gave out for it."""

    team_id: str
    name: str
    bot_user: str
    tokens: set[str] = field(default_factory=set)
    revoked: bool = False


def first_workspace() -> dict[str, FakeWorkspace]:
    return {TEAM: FakeWorkspace(TEAM, "Kommunen", BOT_USER)}


class FakeWorkspaces:
    """Any xoxb- token not given out by oauth.v2.access is the first workspace's (TEAM), as with a
    single bot token; :meth:`add_workspace` and the OAuth flow make more."""

    workspaces: dict[str, FakeWorkspace]
    oauth_client_id: str
    oauth_client_secret: str
    calls: list[Any]
    url: str
    changed: asyncio.Event
    _codes: dict[str, tuple[str, str]]  # OAuth code -> (team, installing user)

    def record(self, method: str, args: dict[str, Any], team: str | None) -> None:
        raise NotImplementedError

    def add_workspace(self, team_id: str, name: str, bot_user: str | None = None) -> FakeWorkspace:
        """Another workspace, where the app can be installed through the OAuth flow."""
        ws = FakeWorkspace(team_id, name, bot_user or f"UBOT{team_id[1:7]}")
        self.workspaces[team_id] = ws
        return ws

    def revoke(self, team_id: str) -> None:
        """The workspace's admin removes the app: its tokens stop working (Slack then sends the app
        ``app_uninstalled`` and ``tokens_revoked``; the test sends those)."""
        self.workspaces[team_id].revoked = True

    @property
    def authorize_url(self) -> str:
        return f"{self.url}/oauth/v2/authorize"

    def team_of_token(self, token: str) -> str | None:
        for ws in self.workspaces.values():
            if token in ws.tokens:
                return ws.team_id
        return TEAM if token.startswith("xoxb-") else None

    def called_in(self, team: str, method: str) -> list[dict[str, Any]]:
        """The calls of ``method`` made with workspace ``team``'s token."""
        return [c.args for c in self.calls if c.method == method and c.team == team]

    # -- the OAuth flow (v2): the admin's browser at /oauth/v2/authorize, the app at oauth.v2.access --
    async def _authorize(self, request: web.Request) -> web.Response:
        """The admin approves the app for a workspace (``team``): back to the app's redirect_uri
        with a one-time code and the app's state, as Slack's page does after "Tillåt"."""
        q = request.query
        team = q.get("team") or TEAM
        if q.get("client_id") != self.oauth_client_id or team not in self.workspaces or not q.get("redirect_uri"):
            return web.Response(status=400, text="invalid_client_id or team or redirect_uri")
        self.record("oauth.authorize", dict(q), team)
        code = uuid.uuid4().hex
        self._codes[code] = (team, q.get("installer") or f"U{team[1:7]}ADM")
        sep = "&" if "?" in q["redirect_uri"] else "?"
        location = f"{q['redirect_uri']}{sep}{urlencode({'code': code, 'state': q.get('state', '')})}"
        raise web.HTTPFound(location)

    def _oauth_access(self, auth: str, args: dict) -> dict:
        client_id, client_secret = args.get("client_id"), args.get("client_secret")
        if auth.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(auth[6:]).decode().partition(":")
        if (client_id, client_secret) != (self.oauth_client_id, self.oauth_client_secret):
            return {"ok": False, "error": "invalid_client_id"}
        found = self._codes.pop(str(args.get("code", "")), None)
        if found is None:
            return {"ok": False, "error": "invalid_code"}
        team, installer = found
        ws = self.workspaces[team]
        token = f"xoxb-{team.lower()}-{uuid.uuid4().hex[:12]}"
        ws.tokens.add(token)
        ws.revoked = False
        return {
            "ok": True,
            "app_id": "A0NAMND",
            "authed_user": {"id": installer},
            "scope": "commands,chat:write,im:write,users:read",
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": ws.bot_user,
            "team": {"id": ws.team_id, "name": ws.name},
            "enterprise": None,
            "is_enterprise_install": False,
        }

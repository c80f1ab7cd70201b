"""Which workspace a message goes to, and the Web API client with that workspace's token.

With one bot token (``SLACK_BOT_TOKEN``) there is one client for everything, as always. With the
OAuth flow (``SLACK_CLIENT_ID``/``SLACK_CLIENT_SECRET``) every committee names its workspace
(``[committee] workspace``) and each outbox row is sent with the token of the workspace it belongs
to: the committee of its channel, meeting or document, or of the person it is for. A workspace that
has removed the app (``app_uninstalled``, ``tokens_revoked``) has no token: its messages stop (the
row is marked failed, saying so) and no other workspace's are touched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from ..services.directory import DirectoryCache
from ..storage import Database
from ..storage import workspaces as store
from ..storage.repository import OutboxRow
from .installations import InstallationStore

log = logging.getLogger(__name__)

TEAM_KEY = "_namndbot_team"  # in an outbox row's payload: the workspace, when the enqueuer knew it


class NoWorkspace(Exception):
    """The row's workspace has no token (not installed, or the app was removed), or the row belongs
    to no workspace: nothing can send it."""

    def __init__(self, team: str | None, reason: str) -> None:
        super().__init__(reason)
        self.team = team
        self.reason = reason


class Workspaces:
    def __init__(
        self,
        db: Database,
        directory: DirectoryCache,
        *,
        single: AsyncWebClient | None = None,
        installations: InstallationStore | None = None,
        make_client: Callable[[str], AsyncWebClient] | None = None,
    ) -> None:
        self.db = db
        self.directory = directory
        self.single = single
        self.installations = installations
        self.make_client = make_client
        self._clients: dict[str, AsyncWebClient] = {}
        if installations is not None:
            installations.forgotten.append(self.forget)

    @property
    def many(self) -> bool:
        return self.installations is not None

    def forget(self, team: str) -> None:
        self._clients.pop(team, None)

    async def client(self, team: str | None) -> AsyncWebClient:
        """The client for workspace ``team`` (with one token: the one client)."""
        if self.installations is None:
            assert self.single is not None  # one token: set by the bot
            return self.single
        if not team:
            raise NoWorkspace(None, "nämnden har ingen arbetsyta (workspace i rosterns [committee])")
        bot = await self.installations.async_find_bot(enterprise_id=None, team_id=team)
        if bot is None:
            self.forget(team)
            raise NoWorkspace(team, f"appen är inte installerad i arbetsytan {team} (eller har tagits bort där)")
        known = self._clients.get(team)
        if known is not None and known.token == bot.bot_token:
            return known
        assert self.make_client is not None  # set with installations
        client = self._clients[team] = self.make_client(bot.bot_token)
        return client

    async def for_committee(self, short: str) -> AsyncWebClient:
        if self.installations is None:
            return await self.client(None)
        return await self.client((await self.directory.get()).workspace_of(short))

    async def for_row(self, row: OutboxRow) -> AsyncWebClient:
        if self.installations is None:
            return await self.client(None)
        return await self.client(await self.team_of(row))

    async def team_of(self, row: OutboxRow) -> str | None:
        """The workspace an outbox row belongs to."""
        explicit = row.payload.get(TEAM_KEY)
        if explicit:
            return str(explicit)
        directory = await self.directory.get()
        if row.kind == "summary" and "meeting_id" in row.payload:
            short = directory.committee_of_meeting(int(row.payload["meeting_id"]))
            return directory.workspace_of(short) if short else None
        if row.kind == "file":
            return directory.workspace_of(str(row.payload.get("committee", "")))
        target = row.target
        if row.kind == "response":
            target = row.payload.get("_namndbot_dm")  # only the DM fallback needs a token
        if not target:
            return None
        if target.startswith("D"):
            async with self.db.read() as repo:
                target = await store.user_of_dm_channel(repo, target) or target
        found = [ws for ws in directory.workspaces_of_target(target) if ws]
        if len(found) > 1:
            log.warning("%s finns i flera arbetsytor (%s); %s används", target, ", ".join(found), found[0])
        return found[0] if found else None


def with_team(payload: dict[str, Any], team: str | None) -> dict[str, Any]:
    """A payload that names its workspace (for a row whose target alone can't tell, e.g. the Home tab
    of someone on no roster)."""
    return {**payload, TEAM_KEY: team} if team else payload


def home_row(user: str, team: str | None) -> tuple[dict[str, Any], str]:
    """A Home tab row's payload and coalesce key: per workspace when it is known (the same Slack id
    in two workspaces, through Slack Connect, has a Home tab in each, showing that one's committees)."""
    return with_team({}, team), f"home:{team}:{user}" if team else f"home:{user}"


def without_team(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k != TEAM_KEY}

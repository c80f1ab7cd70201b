"""slack_sdk's async installation and OAuth state stores, over namndbot's own database.

slack-bolt's OAuth flow (``/slack/install`` → Slack → ``/slack/oauth_redirect``) saves each
workspace's installation here, its authorize step finds the workspace's bot token here for every
request, and its ``app_uninstalled`` / ``tokens_revoked`` listeners delete them here. The outbox
finds the token of the workspace a message goes to here as well (``bot/workspaces.py``).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from ..storage import Database
from ..storage import workspaces as store

log = logging.getLogger(__name__)


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """A model's dict as JSON can hold it (datetimes as ISO text, which the models read back)."""
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in data.items()}


class InstallationStore(AsyncInstallationStore):
    """Installations and bots by workspace, in the ``slack_installation`` and ``slack_bot`` tables.

    ``forgotten`` is called with the team id whenever a workspace's bot token is deleted (the
    clients built with it are then dropped)."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.clock = clock
        self.forgotten: list[Callable[[str], None]] = []
        self._logger = logging.getLogger(__name__)

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    async def async_save(self, installation: Installation) -> None:
        async with self.db.transaction() as repo:
            await store.save_installation(
                repo,
                installation.enterprise_id or "",
                installation.team_id or "",
                installation.user_id or "",
                self.clock(),
                _plain(installation.to_dict_for_copying()),
            )
            if installation.bot_token:
                await self._save_bot(repo, installation.to_bot())
        log.info("namndbot installerad i arbetsytan %s (%s)", installation.team_id, installation.team_name)

    async def async_save_bot(self, bot: Bot) -> None:
        async with self.db.transaction() as repo:
            await self._save_bot(repo, bot)

    async def _save_bot(self, repo: Any, bot: Bot) -> None:
        await store.save_bot(
            repo,
            bot.enterprise_id or "",
            bot.team_id or "",
            bot.team_name,
            bot.bot_token,
            bot.bot_user_id,
            self.clock(),
            _plain(bot.to_dict_for_copying()),
        )
        for forget in self.forgotten:  # a new token replaces the old one's clients
            forget(bot.team_id or "")

    async def async_find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        if is_enterprise_install:
            team_id = None
        async with self.db.read() as repo:
            data = await store.find_bot(repo, enterprise_id or "", team_id or "")
        return Bot(**data) if data else None

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        if is_enterprise_install:
            team_id = None
        async with self.db.read() as repo:
            data = await store.find_installation(repo, enterprise_id or "", team_id or "", user_id)
        return Installation(**data) if data else None

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        async with self.db.transaction() as repo:
            await store.delete_bot(repo, enterprise_id or "", team_id or "")
        log.warning("arbetsytan %s: appens bot-token är återkallad; inga fler meddelanden dit", team_id)
        for forget in self.forgotten:
            forget(team_id or "")

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        async with self.db.transaction() as repo:
            await store.delete_installation(repo, enterprise_id or "", team_id or "", user_id)

    async def installed(self) -> list[tuple[str, str | None]]:
        async with self.db.read() as repo:
            return await store.installed(repo)


class TooManyStates(Exception):
    """/slack/install opened far more often than installs happen: no new state for now."""


class StateStore(AsyncOAuthStateStore):
    """The OAuth flow's ``state``: issued once per visit to /slack/install, valid ``expiration`` seconds,
    consumed once (a replayed or forged redirect is refused)."""

    def __init__(self, db: Database, clock: Callable[[], datetime], expiration: int = 600, limit: int = 200) -> None:
        self.db = db
        self.clock = clock
        self.expiration = expiration
        # Anyone can open /slack/install, and each visit is a write: past this many live states
        # (real installs are a handful at a time) no more are made until some expire.
        self.limit = limit
        self._logger = logging.getLogger(__name__)

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        async with self.db.read() as repo:
            if await store.live_states(repo, self.clock()) >= self.limit:
                raise TooManyStates()
        state = secrets.token_urlsafe(24)
        async with self.db.transaction() as repo:
            now = self.clock()
            await store.issue_state(repo, state, now + timedelta(seconds=self.expiration), now)
        return state

    async def async_consume(self, state: str) -> bool:
        if not state:
            return False
        async with self.db.transaction() as repo:
            return await store.consume_state(repo, state, self.clock())

"""What the listeners need from the running bot, as a Protocol: the handlers depend on this, not on
``bot/`` (which assembles the app and registers them), so the arrows point one way."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any, Protocol

from ..domain.kommando import Kommando
from ..services.core import NamndService
from ..services.directory import CommitteeInfo, DirectoryCache
from ..services.feeds import FeedService
from ..services.intake import Intake


class OutboxPort(Protocol):
    async def fetch_file(self, file_id: str, committee: str, *, dedupe: str | None = None) -> None: ...

    async def home(self, user: str, team: str | None = None) -> None: ...


class BotPort(Protocol):
    @property
    def namnd(self) -> NamndService: ...
    @property
    def feeds(self) -> FeedService: ...
    @property
    def intake(self) -> Intake: ...
    @property
    def directory(self) -> DirectoryCache: ...
    @property
    def outbox(self) -> OutboxPort: ...
    @property
    def base_url(self) -> str: ...
    @property
    def clock(self) -> Callable[[], datetime]: ...

    def poke(self) -> None: ...

    def after_ack(self, work: Awaitable[Any], user: str, what: str) -> None: ...

    async def forhinder_modal(self, user: str, selected: tuple[str, date] | None, team: str | None = None) -> dict: ...

    async def extra_command(
        self, ack: Any, body: dict[str, Any], cmd: Kommando, info: CommitteeInfo, client: Any
    ) -> None: ...

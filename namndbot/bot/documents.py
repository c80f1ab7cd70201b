"""Documents that arrive by themselves: the watched inbox folder, and files shared in the secretaries' channel.

Inbox layout: files directly in ``NAMNDBOT_INBOX`` belong to the only
committee (or, with several, to a subfolder named by the committee's short
name, e.g. ``inkorg/AMN/svar.pdf``). A file is looked at once per size and
modification time; its content is posted once (the service deduplicates by
content). Half-written files (changed in the last two seconds) wait.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from slack_sdk.web.async_client import AsyncWebClient

from ..domain.errors import NamndbotError
from ..services.documents import document_text
from ..services.skrivelse import SkrivelseService, content_hash
from ..storage import Database

log = logging.getLogger(__name__)

SETTLE_SECONDS = 2.0
SUFFIXES = {".pdf", ".txt", ".text", ".md"}


class Documents:
    def __init__(
        self,
        db: Database,
        skrivelser: SkrivelseService,
        client: AsyncWebClient,
        clock: Callable[[], datetime],
        inbox: str | None,
    ) -> None:
        self.db = db
        self.skrivelser = skrivelser
        self.client = client
        self.clock = clock
        self.inbox = Path(inbox) if inbox else None

    async def scan_inbox(self) -> int:
        """Post what is new in the inbox folder; returns how many files were handled."""
        if self.inbox is None or not self.inbox.is_dir():
            return 0
        async with self.db.read() as repo:
            shorts = {c.committee.short.upper(): c.committee.short for c in await repo.committees()}
        handled = 0
        for path in sorted(self.inbox.rglob("*")):
            if not path.is_file() or path.name.startswith((".", "~$")) or path.suffix.lower() not in SUFFIXES:
                continue
            relative = path.relative_to(self.inbox)
            committee = None
            if len(relative.parts) > 1:
                committee = shorts.get(relative.parts[0].upper())
                if committee is None:
                    continue  # not a committee's folder
            try:
                stat = path.stat()
                if time.time() - stat.st_mtime < SETTLE_SECONDS:
                    continue
                async with self.db.read() as repo:
                    if await repo.inbox_seen(str(relative), stat.st_size, stat.st_mtime):
                        continue
                data = path.read_bytes()
            except OSError as exc:  # removed meanwhile, or not ours to read: the other files go on
                log.warning("inbox file %s could not be read: %s", relative, exc)
                continue
            source = f"inkorgen: {relative}"
            await self._post(data, path.name, committee, source)
            async with self.db.transaction() as repo:
                await repo.mark_inbox(
                    str(relative),
                    stat.st_size,
                    stat.st_mtime,
                    content_hash(data.decode("utf-8", "replace")),
                    self.clock(),
                )
            handled += 1
        return handled

    async def fetch_shared_file(self, file_id: str, committee: str, client: AsyncWebClient | None = None) -> None:
        """A file shared in the secretaries' channel (files:read): download it with the bot token (of
        the committee's workspace: ``client``)."""
        client = client or self.client
        info = (await client.files_info(file=file_id))["file"]
        url = info.get("url_private_download") or info.get("url_private")
        name = info.get("name") or file_id
        if not url or Path(name).suffix.lower() not in SUFFIXES:
            log.info("shared file %s (%s) is not a document we read", file_id, name)
            return
        from aiohttp import ClientSession

        own = client.session is None
        session = client.session or ClientSession()
        try:
            async with session.get(url, headers={"Authorization": f"Bearer {client.token}"}) as resp:
                if resp.status != 200:
                    raise RuntimeError(f"download of {name} answered {resp.status}")
                data = await resp.read()
        finally:
            if own:
                await session.close()
        await self._post(data, name, committee, f"Slack: {name}")

    async def _post(self, data: bytes, name: str, committee: str | None, source: str) -> None:
        try:
            text = document_text(data, name)
        except NamndbotError as exc:
            try:
                await self.skrivelser.failed(exc.full(), committee=committee, source=source, actor="namndbot")
            except NamndbotError as no_committee:  # nobody to tell: say so in the log, loudly
                log.error("%s could not be read (%s) and not reported: %s", source, exc.full(), no_committee.full())
            return
        try:
            result = await self.skrivelser.post(text, committee=committee, source=source, actor="namndbot")
        except NamndbotError as exc:  # no committee to send it to: say so in the log, loudly
            log.error("%s could not be posted: %s", source, exc.full())
            return
        if result.duplicate:
            log.info("%s was posted before; not again", source)

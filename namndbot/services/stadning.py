"""Städning: delivered work leaves the database a week after it was finished.

Sent messages, applied (or refused) reports, told events and finished jobs
are only needed for a while after they are done: to answer a retry, to look
into a complaint. Kept for ever they make every pass slower and the file
larger (43 MB after 10,000 reports, most of it sent messages). The bot runs
this at start and then every hour; each batch is its own short transaction so
that acks and the sender get in between, and the freed pages are given back
to the file system (incremental auto-vacuum).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from ..storage import Database
from ..storage import stadning as sql
from ..storage.repository import iso

log = logging.getLogger(__name__)

KEEP = timedelta(days=7)  # finished work is kept this long
SHRINK_PAGES = 2048  # pages given back per step (8 MB at 4 KiB): the write lock is held briefly


class Stadning:
    def __init__(self, db: Database, clock: Callable[[], datetime], keep: timedelta = KEEP) -> None:
        self.db = db
        self.clock = clock
        self.keep = keep

    async def run(self) -> dict[str, int]:
        """Delete what was finished more than ``keep`` ago; returns the count per kind."""
        before = iso(self.clock() - self.keep)
        counts: dict[str, int] = {}
        for kind in sql.KINDS:
            total = 0
            while True:
                async with self.db.transaction() as repo:
                    n = await sql.delete_batch(repo.conn, kind, before)
                total += n
                if n < sql.BATCH:
                    break
                await asyncio.sleep(0)  # let the others in
            counts[kind.label] = total
        await self.shrink()
        if any(counts.values()):
            log.info("städning: %s", ", ".join(f"{k}: {n}" for k, n in counts.items() if n))
        return counts

    async def shrink(self) -> None:
        while True:
            async with self.db.transaction() as repo:
                free = await sql.free_pages(repo.conn)
                if not free:
                    return
                await sql.shrink(repo.conn, min(free, SHRINK_PAGES))
                if await sql.free_pages(repo.conn) >= free:
                    return  # auto_vacuum is not incremental (a file that could not be converted)
            await asyncio.sleep(0)

"""Serving the feeds over HTTP (aiohttp): the committee's public feed and personal feeds.

``GET``/``HEAD`` ``/kalender/{SHORT}.ics`` and ``/kalender/p/{TOKEN}.ics``:
``text/calendar; charset=utf-8``, a strong ETag and Last-Modified with 304
on If-None-Match / If-Modified-Since, gzip when asked, Cache-Control. An
unknown committee or token is a plain 404 that says nothing about whether a
token ever existed.

Rendered feeds are cached in memory and reused until anything is committed
to the database, by this process or another (see ``Database.generation``).
"""

from __future__ import annotations

import asyncio
import gzip
import time
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime

from aiohttp import web

from ..services.feeds import FeedService
from .feeds import Feed, committee_feed, personal_feed

CONTENT_TYPE = "text/calendar; charset=utf-8"
NOT_FOUND = "Kalendern finns inte.\n"
FEED_SERVICE = web.AppKey("feed_service", FeedService)
FEED_CACHE = web.AppKey("feed_cache", "FeedCache")


@dataclass
class _Entry:
    generation: tuple[int, int]
    feed: Feed | None
    etag: str
    gzipped: bytes | None = None


class FeedCache:
    """Rendered feeds, valid while the database's generation stays the same.

    The generation is read at most every ``recheck`` seconds: commits made
    through this process's own Database are seen at once (its counter is part
    of the key); commits by another process within ``recheck``.
    """

    def __init__(self, service: FeedService, recheck: float = 0.05) -> None:
        self.service = service
        self.recheck = recheck
        self._entries: dict[str, _Entry] = {}
        self._generation: tuple[int, int] | None = None
        self._checked = 0.0
        self._pending: asyncio.Future | None = None

    async def generation(self) -> tuple[int, int]:
        now = time.monotonic()
        commits = self.service.db.commits
        if self._generation is None or now - self._checked > self.recheck or self._generation[0] != commits:
            if self._pending is None or self._pending.done():  # one check shared by concurrent requests
                self._pending = asyncio.ensure_future(self.service.db.generation())
            self._generation = await asyncio.shield(self._pending)
            self._checked = now
        return self._generation

    async def get(self, key: str) -> _Entry:
        gen = await self.generation()
        entry = self._entries.get(key)
        if entry is not None and entry.generation == gen:
            return entry
        feed = await self._render(key)
        entry = _Entry(gen, feed, feed.etag if feed else "")
        if len(self._entries) > 10_000:
            self._entries.clear()
        self._entries[key] = entry
        return entry

    async def _render(self, key: str) -> Feed | None:
        kind, _, ident = key.partition(":")
        if kind == "c":
            found = await self.service.committee_meetings(ident)
            return committee_feed(*found) if found else None
        agenda = await self.service.personal(ident)
        return personal_feed(agenda) if agenda else None


def _not_found() -> web.Response:
    return web.Response(status=404, text=NOT_FOUND, content_type="text/plain", charset="utf-8")


async def _serve(request: web.Request, key: str, cache_control: str) -> web.Response:
    cache: FeedCache = request.app[FEED_CACHE]
    entry = await cache.get(key)
    if entry.feed is None:
        return _not_found()
    feed = entry.feed
    wants_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    etag = entry.etag[:-1] + '-gz"' if wants_gzip else entry.etag
    last_modified = format_datetime(feed.last_modified.replace(microsecond=0), usegmt=True)
    headers = {
        "ETag": etag,
        "Last-Modified": last_modified,
        "Cache-Control": cache_control,
        "Vary": "Accept-Encoding",
    }
    if _not_modified(request, etag, feed):
        return web.Response(status=304, headers=headers)
    body = feed.body
    if wants_gzip:
        if entry.gzipped is None:
            entry.gzipped = gzip.compress(feed.body, compresslevel=6, mtime=0)
        body = entry.gzipped
        headers["Content-Encoding"] = "gzip"
    headers["Content-Type"] = CONTENT_TYPE
    return web.Response(body=body, headers=headers)


def _not_modified(request: web.Request, etag: str, feed: Feed) -> bool:
    inm = request.headers.get("If-None-Match")
    if inm is not None:  # takes precedence over If-Modified-Since (RFC 9110 13.2.2)
        tags = [t.strip() for t in inm.split(",")]
        return "*" in tags or etag in tags or etag.replace('-gz"', '"') in tags
    ims = request.headers.get("If-Modified-Since")
    if ims:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            return False
        return feed.last_modified.replace(microsecond=0) <= since
    return False


async def committee_ics(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if not name.endswith(".ics"):
        return _not_found()
    return await _serve(request, f"c:{name[:-4]}", "public, max-age=300")


async def personal_ics(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if not name.endswith(".ics") or len(name) > 200:
        return _not_found()
    return await _serve(request, f"p:{name[:-4]}", "private, max-age=300")


def add_routes(app: web.Application, service: FeedService) -> None:
    app[FEED_SERVICE] = service
    app[FEED_CACHE] = FeedCache(service)
    app.router.add_get("/kalender/p/{name}", personal_ics)
    app.router.add_get("/kalender/{name}", committee_ics)


def feed_urls(base_url: str, token: str) -> tuple[str, str]:
    """The https (or http) link and the webcal link to a personal feed."""
    https = f"{base_url.rstrip('/')}/kalender/p/{token}.ics"
    webcal = "webcal://" + https.split("://", 1)[1]
    return https, webcal


def committee_url(base_url: str, short: str) -> str:
    return f"{base_url.rstrip('/')}/kalender/{short}.ics"

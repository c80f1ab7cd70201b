"""Serving the feeds over HTTP (aiohttp): the committee's public feed and personal feeds.

``GET``/``HEAD`` ``/kalender/{SHORT}.ics`` and ``/kalender/p/{TOKEN}.ics``:
``text/calendar; charset=utf-8``, a strong ETag and Last-Modified with 304
on If-None-Match (weak comparison, as RFC 9110 asks) / If-Modified-Since,
gzip when Accept-Encoding allows it (q > 0), Cache-Control. An
unknown committee or token is a plain 404 that says nothing about whether a
token ever existed.

Rendered feeds are cached in memory and reused until anything is committed
to the database, by this process or another (see ``Database.generation``).
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import logging
import sqlite3
import time
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime

from aiohttp import web

from ..services.feeds import FeedService
from .feeds import Feed, committee_feed, personal_feed

CONTENT_TYPE = "text/calendar; charset=utf-8"
NOT_FOUND = "Kalendern finns inte.\n"
FEED_SERVICE = web.AppKey("feed_service", FeedService)
FEED_CACHE: web.AppKey[FeedCache] = web.AppKey("feed_cache")
log = logging.getLogger(__name__)


@dataclass
class _Entry:
    generation: tuple[int, int]
    feed: Feed | None
    etag: str
    etag_gz: str = ""
    last_modified: str = ""
    gzipped: bytes | None = None


class FeedCache:
    """Rendered feeds, valid while the database's generation stays the same.

    The generation is read at most every ``recheck`` seconds: commits made
    through this process's own Database are seen at once (its counter is part
    of the key); commits by another process within ``recheck``.

    A feed whose content changed is recorded in the feed history (an event's
    SEQUENCE and DTSTAMP, the feed's Last-Modified) when it is rendered. Those
    commits change no other feed, so they don't count in the generation: one
    change doesn't make every feed render again once per feed that changed.
    """

    def __init__(self, service: FeedService, recheck: float = 0.05) -> None:
        self.service = service
        self.recheck = recheck
        self._entries: dict[str, _Entry] = {}
        self._generation: tuple[int, int] | None = None
        self._checked = 0.0
        self._pending: asyncio.Future | None = None
        self._rendering: dict[str, tuple[tuple[int, int], asyncio.Future]] = {}
        self._own = 0  # commits that only recorded a feed's history

    async def generation(self) -> tuple[int, int]:
        now = time.monotonic()
        commits = self.service.db.commits - self._own
        if self._generation is None or now - self._checked > self.recheck or self._generation[0] != commits:
            if self._pending is None or self._pending.done():  # one check shared by concurrent requests
                self._pending = asyncio.ensure_future(self._read_generation())
            generation = await asyncio.shield(self._pending)
            self._generation = generation
            self._checked = now
            return generation
        return self._generation

    async def _read_generation(self) -> tuple[int, int]:
        commits, version = await self.service.db.generation()
        return commits - self._own, version  # no await in between: _own can't move under us

    async def get(self, key: str) -> _Entry:
        gen = await self.generation()
        entry = self._entries.get(key)
        if entry is not None and entry.generation == gen:
            return entry
        pending = self._rendering.get(key)
        if pending is None or pending[0] != gen or pending[1].done():  # one rendering shared by concurrent requests
            pending = (gen, asyncio.ensure_future(self._load(key, gen)))
            self._rendering[key] = pending
        return await asyncio.shield(pending[1])

    async def _load(self, key: str, gen: tuple[int, int]) -> _Entry:
        try:
            for _ in range(3):
                feed = await self._render(key)
                if feed is None or feed.update is None:
                    break
                try:
                    recorded = await self.service.record(feed.update)
                except sqlite3.Error as exc:  # e.g. locked for longer than the busy timeout
                    log.warning("feed history not recorded (%s feed): %s", key.partition(":")[0], exc)
                    return self._entry(gen, feed)  # served as rendered, not cached: recorded next time
                self._own += 1  # at once after the commit (no await in between)
                if recorded:
                    break
            else:  # another process keeps recording this feed: serve it, uncached
                return self._entry(gen, feed)
            entry = self._entry(gen, feed)
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[key] = entry
            return entry
        finally:
            if self._rendering.get(key, (None,))[0] == gen:
                del self._rendering[key]

    @staticmethod
    def _entry(gen: tuple[int, int], feed: Feed | None) -> _Entry:
        if feed is None:
            return _Entry(gen, None, "")
        etag = feed.etag
        return _Entry(
            gen, feed, etag, etag[:-1] + '-gz"', format_datetime(feed.last_modified.replace(microsecond=0), usegmt=True)
        )

    async def _render(self, key: str) -> Feed | None:
        kind, _, ident = key.partition(":")
        if kind == "c":
            found = await self.service.committee_meetings(ident)
            return committee_feed(*found) if found else None
        agenda = await self.service.personal(ident)
        return personal_feed(agenda) if agenda else None


def _not_found() -> web.Response:
    return web.Response(status=404, text=NOT_FOUND, content_type="text/plain", charset="utf-8")


@functools.lru_cache(maxsize=256)
def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding field value allows gzip (RFC 9110 12.5.3): listed, or
    covered by ``*``, with a q-value above 0. ``gzip;q=0`` refuses it."""
    gzip_q: float | None = None
    star_q: float | None = None
    for item in accept_encoding.split(","):
        coding, _, params = item.partition(";")
        coding = coding.strip().lower()
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
                if not 0.0 <= q <= 1.0:  # also NaN
                    q = 0.0
        if coding in ("gzip", "x-gzip"):
            gzip_q = q if gzip_q is None else max(gzip_q, q)
        elif coding == "*":
            star_q = q if star_q is None else max(star_q, q)
    if gzip_q is not None:
        return gzip_q > 0
    return star_q is not None and star_q > 0


def etag_listed(if_none_match: str, *etags: str) -> bool:
    """If-None-Match's weak comparison (RFC 9110 13.1.2): ``*``, or any listed tag equal to one of
    ``etags`` once a leading ``W/`` is dropped from both."""
    for tag in if_none_match.split(","):
        tag = tag.strip()
        if tag == "*":
            return True
        if tag.removeprefix("W/") in etags:
            return True
    return False


async def _serve(request: web.Request, key: str, cache_control: str) -> web.Response:
    cache: FeedCache = request.app[FEED_CACHE]
    entry = await cache.get(key)
    if entry.feed is None:
        return _not_found()
    feed = entry.feed
    wants_gzip = accepts_gzip(request.headers.get("Accept-Encoding", ""))
    etag = entry.etag_gz if wants_gzip else entry.etag
    headers = {
        "ETag": etag,
        "Last-Modified": entry.last_modified,
        "Cache-Control": cache_control,
        "Vary": "Accept-Encoding",
    }
    if _not_modified(request, entry, wants_gzip):
        return web.Response(status=304, headers=headers)
    body = feed.body
    if wants_gzip:
        if entry.gzipped is None:
            entry.gzipped = gzip.compress(feed.body, compresslevel=6, mtime=0)
        body = entry.gzipped
        headers["Content-Encoding"] = "gzip"
    headers["Content-Type"] = CONTENT_TYPE
    return web.Response(body=body, headers=headers)


def _not_modified(request: web.Request, entry: _Entry, gzipped: bool) -> bool:
    inm = request.headers.get("If-None-Match")
    if inm is not None:  # takes precedence over If-Modified-Since (RFC 9110 13.2.2)
        # The identity variant's tag also matches when gzip is asked for: the same content.
        return etag_listed(inm, entry.etag_gz, entry.etag) if gzipped else etag_listed(inm, entry.etag)
    ims = request.headers.get("If-Modified-Since")
    if ims:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None or entry.feed is None:
            return False
        return entry.feed.last_modified.replace(microsecond=0) <= since
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

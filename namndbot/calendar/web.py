"""Serving the feeds over HTTP (aiohttp): the committee's public feed and personal feeds.

``GET``/``HEAD`` ``/kalender/{SHORT}.ics`` and ``/kalender/p/{TOKEN}.ics``:
``text/calendar; charset=utf-8``, a strong ETag and Last-Modified with 304
on If-None-Match (weak comparison, as RFC 9110 asks) / If-Modified-Since,
gzip when Accept-Encoding allows it (q > 0), Cache-Control. An
unknown committee or token is a plain 404 that says nothing about whether a
token ever existed.

Rendered feeds are cached in memory and reused until something they show
changes, by this process or another: triggers count the changes to what feeds
show per committee (``feed_version``, migration 0009), so a report received, a
message sent or a job done leaves every feed cached, and a change in one
committee leaves the other committees' feeds cached.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import logging
import time
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime

from aiohttp import web

from ..services.feeds import FeedService
from ..storage.health import STORAGE_ERRORS
from .feeds import Feed, committee_feed, personal_feed

CONTENT_TYPE = "text/calendar; charset=utf-8"
NOT_FOUND = "Kalendern finns inte.\n"
FEED_SERVICE = web.AppKey("feed_service", FeedService)
FEED_CACHE: web.AppKey[FeedCache] = web.AppKey("feed_cache")
ANY = ""  # the version of any change at all (feed_version row 0)
log = logging.getLogger(__name__)


@dataclass
class _Entry:
    version: int  # of its committee's feed_version (of any change, for a feed that doesn't exist)
    feed: Feed | None
    etag: str
    etag_gz: str = ""
    last_modified: str = ""
    gzipped: bytes | None = None
    scope: str = ANY


class FeedCache:
    """Rendered feeds, valid while what they show stays the same.

    The versions are read at most every ``recheck`` seconds, and at once after a
    commit through this process's own Database (its counter); commits by another
    process are seen within ``recheck``. Reading them is one small query on a read
    connection: it never waits for the writer.

    A feed whose content changed is recorded in the feed history (an event's
    SEQUENCE and DTSTAMP, the feed's Last-Modified) when it is rendered. That
    history is not something a feed shows, so recording it keeps every feed cached.
    """

    def __init__(self, service: FeedService, recheck: float = 0.05) -> None:
        self.service = service
        self.recheck = recheck
        self._entries: dict[str, _Entry] = {}
        self._versions: dict[str, int] | None = None
        self._seen_commits = -1
        self._checked = 0.0
        self._pending: asyncio.Future | None = None
        self._rendering: dict[str, tuple[dict[str, int], asyncio.Future]] = {}
        self.renders = 0  # feeds rendered (not served from the cache), for the tests and benchmarks

    def clear(self) -> None:
        """Forget every rendered feed (bench/ackfeed.py renders one again and again)."""
        self._entries.clear()

    async def versions(self) -> dict[str, int]:
        now = time.monotonic()
        commits = self.service.db.commits
        if self._versions is None or now - self._checked > self.recheck or self._seen_commits != commits:
            if self._pending is None or self._pending.done():  # one read shared by concurrent requests
                self._pending = asyncio.ensure_future(self.service.feed_versions())
            versions = await asyncio.shield(self._pending)
            self._versions, self._seen_commits, self._checked = versions, commits, now
            return versions
        return self._versions

    async def get(self, key: str) -> _Entry:
        versions = await self.versions()
        entry = self._entries.get(key)
        if entry is not None and entry.version == versions.get(entry.scope, 0):
            return entry
        pending = self._rendering.get(key)
        if pending is None or pending[0] is not versions or pending[1].done():  # one rendering shared
            pending = (versions, asyncio.ensure_future(self._load(key, versions)))
            self._rendering[key] = pending
        return await asyncio.shield(pending[1])

    async def _load(self, key: str, versions: dict[str, int]) -> _Entry:
        try:
            for _ in range(3):
                feed, scope = await self._render(key)
                self.renders += 1
                if feed is None or feed.update is None:
                    break
                try:
                    recorded = await self.service.record(feed.update)
                except STORAGE_ERRORS as exc:  # e.g. locked for longer than the busy timeout
                    log.warning("feed history not recorded (%s feed): %s", key.partition(":")[0], exc)
                    return self._entry(versions, scope, feed)  # served as rendered, not cached: recorded next time
                if recorded:
                    break
            else:  # another process keeps recording this feed: serve it, uncached
                return self._entry(versions, scope, feed)
            entry = self._entry(versions, scope, feed)
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[key] = entry
            return entry
        finally:
            if self._rendering.get(key, (None,))[0] is versions:
                del self._rendering[key]

    @staticmethod
    def _entry(versions: dict[str, int], scope: str, feed: Feed | None) -> _Entry:
        version = versions.get(scope, 0)
        if feed is None:
            return _Entry(version, None, "", scope=scope)
        etag = feed.etag
        return _Entry(
            version,
            feed,
            etag,
            etag[:-1] + '-gz"',
            format_datetime(feed.last_modified.replace(microsecond=0), usegmt=True),
            scope=scope,
        )

    async def _render(self, key: str) -> tuple[Feed | None, str]:
        """The feed, and whose changes make it stale (its committee's, or any for a feed not found)."""
        kind, _, ident = key.partition(":")
        if kind == "c":
            found = await self.service.committee_meetings(ident)
            return (committee_feed(*found), found[0].short.casefold()) if found else (None, ANY)
        agenda = await self.service.personal(ident)
        return (personal_feed(agenda), agenda.committee.short.casefold()) if agenda else (None, ANY)


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

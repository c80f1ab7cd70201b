"""The web server against slow or hostile clients (issue 12, point 5).

- Header timeout: every connection must deliver a complete request head (request line and
  headers, up to the blank line) within ``NAMNDBOT_HTTP_HEADER_TIMEOUT`` seconds of connecting, or
  it is cut. After a response aiohttp's keep-alive timeout (the same number) closes a connection
  that does not send its next request head in time.
- Body timeout: :func:`body_timeout` reads a request's body within
  ``NAMNDBOT_HTTP_BODY_TIMEOUT`` seconds or answers 408 and closes the connection.
- Connection cap: at most ``NAMNDBOT_HTTP_MAX_CONNECTIONS`` open connections. One more, and the
  oldest connection still waiting for its request head is cut (a half-open attacker's, not an
  ordinary client's, which sends its head at once); when every connection has sent its head, the
  one that has sent the least a second (a body dripped a byte at a time, an idle keep-alive) of
  those open two seconds or more; when all are younger, the new one is closed at once. File
  descriptors are never exhausted, so the database, the log and
  the calls to Slack keep working.
- The log: :class:`RateLimitedLog` lets the same fault through a few times a minute and counts
  the rest (asyncio's "socket.accept() out of system resource", aiohttp's, and these).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

HEAD_END = b"\r\n\r\n"
SLOW_AFTER = 2.0  # seconds a connection is open before, at the cap, it may be cut as the slowest


class RateLimitedLog(logging.Filter):
    """Lets each fault (logger, level, first line of the message) through ``per_minute`` times a
    minute; the next line let through says how many were held back."""

    def __init__(self, per_minute: int = 3, *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.per_minute = per_minute
        self.clock = clock
        self._seen: dict[tuple[str, int, str], tuple[float, int, int]] = {}  # start, passed, held back

    def filter(self, record: logging.LogRecord) -> bool:
        first = str(record.msg).split("\n", 1)[0][:200]
        key = (record.name, record.levelno, first)
        now = self.clock()
        start, passed, held = self._seen.get(key, (now, 0, 0))
        if now - start >= 60:
            start, passed = now, 0
        if passed >= self.per_minute:
            self._seen[key] = (start, passed, held + 1)
            return False
        if held:
            record.msg = f"{record.getMessage()} (och {held} likadana rader som inte skrevs)"
            record.args = None
        self._seen[key] = (start, passed + 1, 0)
        if len(self._seen) > 1000:  # many different faults: forget the oldest
            for old in list(self._seen)[:500]:
                del self._seen[old]
        return True


LIMITED = ("asyncio", "aiohttp.server", "aiohttp.web", "aiohttp.access", __name__, "namndbot.bot.server")


def limit_logs(per_minute: int = 3) -> None:
    """Puts a :class:`RateLimitedLog` on the loggers that repeat under attack (once)."""
    for name in LIMITED:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RateLimitedLog) for f in logger.filters):
            logger.addFilter(RateLimitedLog(per_minute))


class ConnectionGuard:
    """Wraps the server's protocol factory: counts connections, times their request heads."""

    def __init__(self, factory: Callable[[], asyncio.BaseProtocol], *, header_timeout: float, max_connections: int):
        self.factory = factory
        self.header_timeout = header_timeout
        self.max_connections = max_connections
        self.open: dict[_Guarded, None] = {}  # oldest first
        self.cut = 0  # connections cut (slow head or over the cap), for the tests and the log

    def __call__(self) -> asyncio.Protocol:
        return _Guarded(self, self.factory())

    def admit(self, conn: _Guarded) -> bool:
        if len(self.open) >= self.max_connections:
            waiting = next((c for c in self.open if not c.head_done), None)
            if waiting is not None:
                log.warning("för många öppna anslutningar (%d): den äldsta utan hel begäran stängs", len(self.open))
                waiting.cut()
            elif (slowest := self._slowest()) is not None:
                log.warning("för många öppna anslutningar (%d): den långsammaste stängs", len(self.open))
                slowest.cut()
            else:
                self.cut += 1
                log.warning("för många öppna anslutningar (%d): en ny stängs", len(self.open))
                return False
        self.open[conn] = None
        return True

    def _slowest(self) -> _Guarded | None:
        """Every connection has sent its head: the one that has sent the least a second since it
        opened, of those open at least SLOW_AFTER seconds (a body dripped a byte at a time, or a
        keep-alive connection left idle; an ordinary request sends its body at once and is
        answered in milliseconds, so it is never the slowest for long)."""
        now = time.monotonic()
        old = [c for c in self.open if now - c.opened_at >= SLOW_AFTER]
        return min(old, key=lambda c: c.received / (now - c.opened_at), default=None)


class _Guarded(asyncio.Protocol):
    def __init__(self, guard: ConnectionGuard, inner: asyncio.BaseProtocol) -> None:
        self.guard = guard
        self.inner: Any = inner
        self.transport: asyncio.Transport | None = None
        self.head_done = False
        self.admitted = False
        self.opened_at = time.monotonic()
        self.received = 0  # bytes
        self._tail = b""
        self._timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        if not self.guard.admit(self):
            transport.abort()  # type: ignore[attr-defined]
            return
        self.admitted = True
        self._timer = asyncio.get_running_loop().call_later(self.guard.header_timeout, self._too_slow)
        self.inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if not self.admitted:
            return
        self.received += len(data)
        if not self.head_done:
            seen = self._tail + data
            if HEAD_END in seen:
                self.head_done = True
                self._tail = b""
                if self._timer is not None:
                    self._timer.cancel()
            else:
                self._tail = seen[-3:]
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received() if self.admitted else None

    def pause_writing(self) -> None:
        if self.admitted:
            self.inner.pause_writing()

    def resume_writing(self) -> None:
        if self.admitted:
            self.inner.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self.guard.open.pop(self, None)
        if self.admitted:
            self.admitted = False
            self.inner.connection_lost(exc)

    def _too_slow(self) -> None:
        log.warning("en anslutning skickade ingen hel begäran på %s s och stängs", self.guard.header_timeout)
        self.cut()

    def cut(self) -> None:
        self.guard.cut += 1
        self.guard.open.pop(self, None)
        if self.transport is not None:
            self.transport.abort()  # connection_lost follows and lets go of the handler


class GuardedSite(web.TCPSite):
    """aiohttp's TCPSite, with the :class:`ConnectionGuard` between the socket and aiohttp."""

    def __init__(
        self,
        runner: web.BaseRunner,
        host: str,
        port: int,
        *,
        header_timeout: float,
        max_connections: int,
        adapt: Callable[[Any], Any] | None = None,
    ) -> None:
        super().__init__(runner, host, port)
        self.header_timeout = header_timeout
        self.max_connections = max_connections
        self.adapt = adapt  # given each connection's aiohttp RequestHandler, returns the one to use
        self.guard: ConnectionGuard | None = None

    async def start(self) -> None:
        await web.BaseSite.start(self)  # registers the site with the runner (what TCPSite does first)
        server = self._runner.server
        assert server is not None
        adapt = self.adapt
        factory = server if adapt is None else lambda: adapt(server())
        self.guard = ConnectionGuard(factory, header_timeout=self.header_timeout, max_connections=self.max_connections)
        self._server = await asyncio.get_running_loop().create_server(
            self.guard, self._host, self._port, backlog=self._backlog, reuse_address=self._reuse_address
        )


TOO_SLOW = "Begäran kom inte fram i tid: innehållet skickades för långsamt. Försök igen."


def body_timeout(seconds: float, max_size: int) -> Callable[..., Awaitable[web.StreamResponse]]:
    """Middleware: a request's body (a declared length up to ``max_size``, the application's
    ``client_max_size``) is read within ``seconds`` or the answer is 408 and the connection is
    closed. Any other body (multipart, chunked, too large: the handler answers those itself) is left
    to the handler, and the connection is cut if the body has not all arrived in time."""

    @web.middleware
    async def middleware(request: web.Request, handler: Any) -> web.StreamResponse:
        if not request.can_read_body:
            return await handler(request)
        length = request.content_length
        if request.content_type.startswith("multipart/") or length is None or length > max_size:
            transport = request.transport
            content = request.content
            cut = []

            def check() -> None:
                if not content.is_eof() and transport is not None:
                    log.warning("en begärans innehåll kom inte fram på %s s; anslutningen stängs", seconds)
                    cut.append(True)
                    transport.abort()

            timer = asyncio.get_running_loop().call_later(seconds, check)
            try:
                return await handler(request)
            except ConnectionError:
                if not cut:
                    raise
                return web.Response(status=408, text=TOO_SLOW)  # to nobody: aiohttp drops it quietly
            finally:
                timer.cancel()
        try:
            async with asyncio.timeout(seconds):
                await request.read()  # kept: request.text(), .post(), .json() use it
        except TimeoutError:
            log.warning("en begärans innehåll kom inte fram på %s s; svarar 408", seconds)
            response = web.Response(status=408, text=TOO_SLOW, headers={"Connection": "close"})
            response.force_close()
            return response
        return await handler(request)

    return middleware

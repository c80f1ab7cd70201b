"""``namndbot run``: one process with the AsyncApp, the aiohttp server and the background jobs.

Socket Mode when ``SLACK_APP_TOKEN`` is set (no inbound port needed behind a
city's firewall), HTTP mode with ``SLACK_SIGNING_SECRET`` otherwise. The web
server always serves the feeds and ``/healthz``; in HTTP mode also
``/slack/events``, where slack-bolt verifies every request's signature and
timestamp (a forged or replayed request gets 401 and changes nothing).
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_sdk.signature import SignatureVerifier

from ..calendar.web import add_routes
from ..domain.errors import NamndbotError
from ..mail.web import add_routes as add_answer_routes
from ..services.base import utcnow
from ..settings import Settings
from ..storage import open_database
from ..storage.db import DatabaseError
from ..storage.health import explain, probe_write
from ..storage.lock import BotLock, take
from .app import Bot
from .felsidor import svenska_fel, svenska_tolkningsfel
from .guard import GuardedSite, body_timeout, limit_logs
from .healthz import Healthz
from .metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE

log = logging.getLogger(__name__)

NOT_FROM_SLACK = "Begäran kunde inte bekräftas som Slacks: signaturen eller tidsstämpeln saknas eller är fel."
UNREADABLE = "Begäran från Slack gick inte att läsa: innehållet är trasigt."
UNHANDLED = "Begäran från Slack är av ett slag som namndbot inte tar emot."
# What a body slack-bolt cannot parse raises (JSON, UTF-8: ValueError; a payload of the wrong shape)
MALFORMED = (ValueError, TypeError, AttributeError, KeyError, IndexError)


class ConfigError(NamndbotError):
    """A setting is missing or malformed (the message names the variable)."""


@dataclass(frozen=True)
class Mode:
    socket: bool
    oauth: bool = False  # many workspaces: "Lägg till i Slack" (HTTP only)

    @property
    def name(self) -> str:
        return "Socket Mode" if self.socket else ("HTTP, flera arbetsytor" if self.oauth else "HTTP")


def check_settings(settings: Settings) -> Mode:
    """Which mode to run in; a Swedish error naming the variable if the tokens won't do."""
    if settings.slack_client_id or settings.slack_client_secret:
        return _check_oauth(settings)
    bot = settings.slack_bot_token
    if not bot:
        raise ConfigError(
            "SLACK_BOT_TOKEN saknas: sätt den till appens bot-token (xoxb-…) från Slacks sida ”OAuth & Permissions”.",
            hint="Utan Slack: kör ”namndbot demo”.",
        )
    if not re.fullmatch(r"xoxb-[A-Za-z0-9-]{4,}", bot):
        raise ConfigError("SLACK_BOT_TOKEN ser inte ut som en bot-token: den ska börja med xoxb-.")
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", settings.slack_api_url):
        raise ConfigError(f"NAMNDBOT_SLACK_API_URL ska vara en http(s)-adress, inte ”{settings.slack_api_url}”.")
    if settings.slack_app_token is not None:
        if not re.fullmatch(r"xapp-[A-Za-z0-9-]{4,}", settings.slack_app_token):
            raise ConfigError(
                "SLACK_APP_TOKEN ser inte ut som en app-token: den ska börja med xapp- "
                "(Slacks sida ”Basic Information”, App-Level Tokens, med connections:write)."
            )
        return Mode(socket=True)
    _check_secret(settings, "Sätt i stället SLACK_APP_TOKEN för Socket Mode.")
    return Mode(socket=False)


def _check_secret(settings: Settings, otherwise: str) -> None:
    secret = settings.slack_signing_secret
    if not secret:
        raise ConfigError(
            "SLACK_SIGNING_SECRET saknas: i HTTP-läge behövs appens signeringshemlighet "
            f"(Slacks sida ”Basic Information”). {otherwise}".rstrip()
        )
    if not re.fullmatch(r"[A-Za-z0-9_-]{8,128}", secret):
        raise ConfigError(
            "SLACK_SIGNING_SECRET ser inte ut som en signeringshemlighet "
            "(32 tecken 0-9 och a-f, från Slacks sida ”Basic Information”)."
        )


def _check_oauth(settings: Settings) -> Mode:
    """Many workspaces: the app's client id and secret (Basic Information → App Credentials), the
    signing secret, HTTP mode; no bot token (each workspace's comes from its installation)."""
    for name, value in (
        ("SLACK_CLIENT_ID", settings.slack_client_id),
        ("SLACK_CLIENT_SECRET", settings.slack_client_secret),
    ):
        if not value:
            raise ConfigError(
                f"{name} saknas: för flera arbetsytor behövs både SLACK_CLIENT_ID och SLACK_CLIENT_SECRET "
                "(Slacks sida ”Basic Information”, App Credentials)."
            )
    if not re.fullmatch(r"[0-9]+\.[0-9]+", settings.slack_client_id or ""):
        raise ConfigError(
            "SLACK_CLIENT_ID ser inte ut som ett klient-id (siffror, punkt, siffror: 1234567890.1234567890)."
        )
    if not re.fullmatch(r"[A-Za-z0-9_-]{8,128}", settings.slack_client_secret or ""):
        raise ConfigError(
            "SLACK_CLIENT_SECRET ser inte ut som appens klienthemlighet (Slacks sida ”Basic Information”)."
        )
    if settings.slack_bot_token:
        raise ConfigError(
            "Sätt antingen SLACK_BOT_TOKEN (en arbetsyta) eller SLACK_CLIENT_ID och SLACK_CLIENT_SECRET "
            "(flera arbetsytor, ”Lägg till i Slack”), inte båda."
        )
    if settings.slack_app_token:
        raise ConfigError(
            "Flera arbetsytor (SLACK_CLIENT_ID) fungerar bara i HTTP-läge: ta bort SLACK_APP_TOKEN "
            "(Socket Mode) och sätt SLACK_SIGNING_SECRET."
        )
    for name, url in (
        ("NAMNDBOT_SLACK_API_URL", settings.slack_api_url),
        ("NAMNDBOT_SLACK_AUTHORIZE_URL", settings.slack_authorize_url),
    ):
        if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", url):
            raise ConfigError(f"{name} ska vara en http(s)-adress, inte ”{url}”.")
    _check_secret(settings, "")
    return Mode(socket=False, oauth=True)


# What each kind of request must carry, as Slack always sends it: the parts slack-bolt's matchers
# and the listeners index without looking (a KeyError there is a 500 and a traceback).
_SHAPES: dict[str, tuple[tuple[str, ...], ...]] = {
    "command": (("user_id",), ("trigger_id",), ("response_url",)),
    "block_actions": (("user", "id"), ("trigger_id",)),
    "view_submission": (("user", "id"), ("view", "id")),
    "view_closed": (("user", "id"), ("view", "id")),
    "event_callback": (("event", "type"),),
}


def _check_shape(body: dict[str, Any]) -> None:
    """The parts of a payload slack-bolt and the listeners index without looking: a ValueError
    (400, or 401 if the signature does not hold) rather than a KeyError or TypeError inside a
    listener (500) when they are not what Slack sends."""
    for key, kind in (("actions", list), ("event", dict), ("view", dict), ("user", (dict, str))):
        if key in body and not isinstance(body[key], kind):
            raise ValueError(f"{key} har fel form")
    if not all(isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in body.get("actions", [])):
        raise ValueError("actions har fel form")
    request_kind = "command" if "command" in body else str(body.get("type", ""))
    for path in _SHAPES.get(request_kind, ()):
        value: Any = body
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        if not isinstance(value, str) or not value:
            raise ValueError(f"{'.'.join(path)} saknas")
    if request_kind == "block_actions" and not body.get("actions"):
        raise ValueError("actions saknas")


def web_app(bot: Bot, *, http_mode: bool) -> web.Application:
    @web.middleware
    async def count_feeds(request: web.Request, handler: Any) -> web.StreamResponse:
        if not request.path.startswith("/kalender/"):
            return await handler(request)
        feed = "personal" if request.path.startswith("/kalender/p/") else "committee"
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            bot.metrics.feed_requests.labels(feed, str(exc.status)).inc()
            raise
        bot.metrics.feed_requests.labels(feed, str(response.status)).inc()
        return response

    max_size = 2 * 1024 * 1024
    app = web.Application(
        client_max_size=max_size,
        middlewares=[svenska_fel, count_feeds, body_timeout(bot.settings.http_body_timeout, max_size)],
    )

    secret = bot.settings.slack_signing_secret
    verifier = SignatureVerifier(secret) if secret else None

    async def malformed(request: web.Request, stamp: str, exc: Exception) -> web.Response:
        """A body slack-bolt could not parse (or that broke its parsing of a payload's parts): 400
        when Slack's signature holds, 401 otherwise; one line in the log, never a traceback."""
        body = await request.read()
        signature = request.headers.get("X-Slack-Signature", "")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text = None  # not UTF-8: nothing Slack signs, and unreadable either way
        if text is not None and (verifier is None or not verifier.is_valid(text, stamp, signature)):
            return web.Response(status=401, text=NOT_FROM_SLACK)
        log.warning(
            "/slack/events: en begäran vars innehåll inte går att läsa besvaras med 400 (%s: %s)",
            type(exc).__name__,
            str(exc)[:100],
        )
        return web.Response(status=400, text=UNREADABLE)

    async def slack_events(request: web.Request) -> web.Response:
        bot.request_started()
        try:
            await request.read()  # a body too large is 413 first, whatever its headers
            stamp = request.headers.get("X-Slack-Request-Timestamp", "")
            if not (stamp.isascii() and stamp.isdigit()):  # slack_sdk's int() would raise: a 500
                log.warning("/slack/events: en begäran utan giltig tidsstämpel besvaras med 401")
                return web.Response(status=401, text=NOT_FROM_SLACK)
            try:
                bolt_request = await to_bolt_request(request)  # slack-bolt parses before it verifies
                _check_shape(bolt_request.body)
                bolt_response = await bot.app.async_dispatch(bolt_request)
            except MALFORMED as exc:
                return await malformed(request, stamp, exc)
            if bolt_response.status == 404:  # signed, but nothing here takes that kind of request
                log.warning("/slack/events: en begäran som ingen del av namndbot tar emot besvaras med 404")
                return web.Response(status=404, text=UNHANDLED)
            return await to_aiohttp_response(bolt_response)
        finally:
            bot.request_finished()

    health = Healthz(bot.db, bot.clock, "http" if http_mode else "socket")

    async def healthz(request: web.Request) -> web.Response:
        status, body = await health.report()
        return web.json_response(body, status=status, headers={"Cache-Control": "no-store"})

    async def metrics(request: web.Request) -> web.Response:
        try:
            await bot.metrics.refresh(bot.db, bot.clock())
        except Exception:
            log.exception("metrics: the database could not be read")
        return web.Response(body=bot.metrics.render(), headers={"Content-Type": METRICS_CONTENT_TYPE})

    if http_mode:
        app.router.add_post("/slack/events", slack_events)
    flow = bot.app.oauth_flow
    if http_mode and flow is not None:
        # "Lägg till i Slack": slack-bolt's OAuth flow, its pages and its state cookie.
        async def install(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await flow.handle_installation(await to_bolt_request(request)))

        async def redirect(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

        app.router.add_get(flow.install_path, install)
        app.router.add_get(flow.redirect_uri_path, redirect)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    add_routes(app, bot.feeds)
    add_answer_routes(app, bot.svar_epost)
    return app


@dataclass
class Running:
    bot: Bot
    runner: web.AppRunner
    jobs: asyncio.Task
    socket: object | None
    port: int
    lock: BotLock | None = None

    async def stop(self) -> None:
        self.jobs.cancel()
        done, _ = await asyncio.wait({self.jobs}, timeout=10)  # never hang the shutdown on it
        if not done:
            log.error("the background jobs did not stop within 10 s")
        elif not self.jobs.cancelled() and self.jobs.exception() is not None:
            log.error("the background jobs had stopped with an error", exc_info=self.jobs.exception())
        if self.socket is not None:
            try:
                await self.socket.close_async()  # type: ignore[attr-defined]
            except Exception:
                log.exception("closing Socket Mode")
        await self.runner.cleanup()
        await self.bot.db.close()
        if self.lock is not None:
            self.lock.release()


async def start(
    settings: Settings, *, clock: Callable[[], datetime] = utcnow, mode: Mode | None = None, poll: float = 10.0
) -> Running:
    mode = mode or check_settings(settings)
    lock = take(settings.database)  # one bot per database, before anything is read or migrated
    try:
        return await _start(settings, clock, mode, poll, lock)
    except BaseException:
        lock.release()
        raise


async def _start(settings: Settings, clock: Callable[[], datetime], mode: Mode, poll: float, lock: BotLock) -> Running:
    db = await open_database(settings.database).connect()  # refuses a damaged database (quick_check)
    try:
        await probe_write(db)
    except Exception as exc:
        await db.close()
        raise DatabaseError(explain(exc, db.path)) from None
    bot = Bot(settings, db, clock=clock, http_mode=not mode.socket, many_workspaces=mode.oauth)
    limit_logs()  # the same fault a few times a minute, however often it happens
    runner = web.AppRunner(
        web_app(bot, http_mode=not mode.socket),
        access_log=None,
        keepalive_timeout=settings.http_header_timeout,  # the next request's head, after a response
        lingering_time=2.0,  # what is left of a body that was answered early (408, 413)
    )
    await runner.setup()
    site = GuardedSite(
        runner,
        settings.host,
        settings.port,
        header_timeout=settings.http_header_timeout,
        max_connections=settings.http_max_connections,
        adapt=svenska_tolkningsfel,  # aiohttp's own answer to a request it cannot parse, in Swedish
    )
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        await db.close()
        raise ConfigError(
            f"Webbservern kan inte lyssna på {settings.host}:{settings.port} ({exc.strerror}); "
            "ändra NAMNDBOT_HOST eller NAMNDBOT_PORT."
        ) from None
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    jobs = asyncio.create_task(bot.run_jobs(poll))
    socket = None
    if mode.socket:
        from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

        socket = AsyncSocketModeHandler(bot.app, settings.slack_app_token, web_client=bot.client)
        await socket.connect_async()
    log.info("namndbot kör (%s) på http://%s:%s", mode.name, settings.host, port)
    if settings.smtp_url and not settings.base_url:
        log.warning(
            "NAMNDBOT_BASE_URL är inte satt: svarslänkarna i e-posten går till %s, som ledamöterna "
            "troligen inte når från sina telefoner; sätt den till botens publika adress (https://…)",
            settings.public_base_url,
        )
    if mode.oauth:
        await _tell_workspaces(bot)
    return Running(bot, runner, jobs, socket, port, lock)


async def _tell_workspaces(bot: Bot) -> None:
    """At start with many workspaces: where to install, where it is installed, and which committees
    name no workspace (nobody can use those, and nothing is sent for them)."""
    assert bot.installations is not None
    teams = await bot.installations.installed()
    log.info(
        "Lägg till i Slack: %s/slack/install; installerad i %s",
        bot.base_url,
        ", ".join(f"{t} ({n})" for t, n in teams) or "ingen arbetsyta än",
    )
    directory = await bot.directory.get()
    loose = [short for short, info in directory.committees.items() if not info.committee.workspace]
    if loose:
        log.warning(
            "nämnder utan arbetsyta (workspace i rostern): %s; de syns inte i Slack förrän den är satt",
            ", ".join(loose),
        )


async def serve_forever(settings: Settings) -> int:
    running = await start(settings)
    print(
        f"namndbot kör ({'Socket Mode' if running.socket else 'HTTP'}): http://{settings.host}:{running.port}"
        f"  (feeds under /kalender/, hälsa på /healthz). Avsluta med Ctrl-C.",
        flush=True,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except NotImplementedError:  # not on this platform
            pass
    await stop.wait()
    await running.stop()
    return 0

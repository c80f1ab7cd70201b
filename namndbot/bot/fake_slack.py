"""A local stand-in for Slack, for the tests, the demo and the benchmarks.

Two halves:

* :class:`FakeSlack`, an aiohttp server with the Web API methods namndbot
  uses (``/api/chat.postMessage`` …), response URLs, file downloads and a
  Socket Mode WebSocket. It records every call, keeps each channel's
  messages (with metadata) and can answer 429 with Retry-After, or fail.
* :class:`~namndbot.bot.fake_slack_user.SlackUser`, Slack's side of a
  conversation, in ``fake_slack_user.py``.

Nothing here reaches the internet: it all runs on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .fake_workspaces import BOT_USER, TEAM, FakeWorkspace, FakeWorkspaces, first_workspace


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    at: float
    team: str | None = None  # the workspace whose token made the call


@dataclass
class Failure:
    status: int = 429
    error: str = "ratelimited"
    retry_after: int = 1
    times: int = 1


@dataclass
class FakeSlack(FakeWorkspaces):
    users_by_email: dict[str, str] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    channels: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    responses: list[dict[str, Any]] = field(default_factory=list)  # posts to response URLs
    views: dict[str, dict[str, Any]] = field(default_factory=dict)  # views.open/publish by user or view id
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    failures: dict[str, list[Failure]] = field(default_factory=lambda: defaultdict(list))
    latency: float = 0.0
    answer_late: dict[str, float] = field(default_factory=dict)  # method -> seconds: done, but answered late
    response_failures: list[int] = field(default_factory=list)  # statuses the next response_url posts get
    refused: list[tuple[str, list[str]]] = field(default_factory=list)  # payloads beyond Slack's limits, and why
    # Workspaces: any xoxb- token not given out by oauth.v2.access is the first one's (TEAM), as
    # with a single bot token; add_workspace() and the OAuth flow make more.
    workspaces: dict[str, FakeWorkspace] = field(default_factory=first_workspace)
    oauth_client_id: str = "1234567890.0987654321"
    oauth_client_secret: str = "fake-client-secret"

    def __post_init__(self) -> None:
        self._last_ts = 0.0
        self._ws: list[web.WebSocketResponse] = []
        self._acks: dict[str, asyncio.Future] = {}
        self._unacked: dict[web.WebSocketResponse, set[str]] = {}  # envelopes sent on a connection, not acked
        self.changed = asyncio.Event()
        self.runner: web.AppRunner | None = None
        self.url = ""
        self._codes: dict[str, tuple[str, str]] = {}  # OAuth code -> (team, installing user)

    # -- running ---------------------------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application(client_max_size=10 * 1024 * 1024)
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/response/{key}", self._response)
        app.router.add_get("/files/{file_id}", self._file)
        app.router.add_get("/link", self._socket)
        app.router.add_get("/oauth/v2/authorize", self._authorize)
        return app

    async def start(self, port: int = 0) -> str:
        self.runner = web.AppRunner(self.app(), access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", port)
        await site.start()
        actual = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{actual}"
        return self.url

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    async def stop(self) -> None:
        for ws in list(self._ws):
            await ws.close()
        if self.runner:
            await self.runner.cleanup()

    def fail(
        self, method: str, *, status: int = 429, error: str = "ratelimited", retry_after: int = 1, times: int = 1
    ) -> None:
        """The next ``times`` calls of ``method`` fail (429 with Retry-After, or an error / a 5xx)."""
        self.failures[method].append(Failure(status, error, retry_after, times))

    def response_url(self) -> str:
        return f"{self.url}/response/{uuid.uuid4().hex}"

    def record(self, method: str, args: dict[str, Any], team: str | None) -> None:
        self.calls.append(Call(method, args, time.time(), team))

    # -- what tests look at --------------------------------------------------------------------
    def called(self, method: str) -> list[dict[str, Any]]:
        return [c.args for c in self.calls if c.method == method]

    def dms_to(self, user: str) -> list[dict[str, Any]]:
        return list(self.channels.get(f"D{user}", []))

    async def wait_for(self, predicate, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the fake Slack did not see what was expected")
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), min(remaining, 0.2))
            except TimeoutError:
                pass

    # -- the Web API ---------------------------------------------------------------------------
    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.method == "POST":
            if request.content_type == "application/json":
                body = await request.json()
                args.update(body if isinstance(body, dict) else {})
            else:
                args.update(dict(await request.post()))
        for key in ("blocks", "attachments", "metadata", "view", "response_metadata"):
            if isinstance(args.get(key), str):
                try:
                    args[key] = json.loads(args[key])
                except ValueError:
                    pass
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip() or args.get("token", "")
        if method == "oauth.v2.access":
            self.calls.append(Call(method, {k: v for k, v in args.items() if k != "client_secret"}, time.time()))
            self.changed.set()
            return web.json_response(self._oauth_access(auth, args))
        team = self.team_of_token(token)
        self.calls.append(Call(method, args, time.time(), team))
        self.changed.set()
        if self.latency:
            await asyncio.sleep(self.latency)
        queued = self.failures.get(method)
        if queued:
            failure = queued[0]
            failure.times -= 1
            if failure.times <= 0:
                queued.pop(0)
            if failure.status == 429:
                return web.json_response(
                    {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(failure.retry_after)}
                )
            if failure.status >= 500:
                return web.Response(status=failure.status, text="upstream trouble")
            return web.json_response({"ok": False, "error": failure.error})
        wanted = "xapp-" if method == "apps.connections.open" else "xoxb-"
        if not token.startswith(wanted):
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if wanted == "xoxb-" and team is not None and self.workspaces[team].revoked:
            return web.json_response({"ok": False, "error": "token_revoked"})
        handler = getattr(self, "m_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": True})
        result = handler({**args, "_team": team}) if method == "auth.test" else handler(args)
        if method == "chat.postMessage" and result.get("ok"):
            result["message"]["team"] = team
        self.changed.set()
        if self.answer_late.get(method):
            await asyncio.sleep(self.answer_late[method])
        return web.json_response(result)

    def _next_ts(self) -> str:
        """Like Slack's: the epoch time with microseconds, strictly increasing."""
        self._last_ts = max(time.time(), self._last_ts + 0.000001)
        return f"{self._last_ts:.6f}"

    def m_auth_test(self, args: dict) -> dict:
        ws = self.workspaces.get(args.get("_team") or TEAM) or self.workspaces[TEAM]
        return {
            "ok": True,
            "url": f"https://{ws.team_id.lower()}.example.slack.com/",
            "team": ws.name,
            "user": "namndbot",
            "team_id": ws.team_id,
            "user_id": ws.bot_user,
            "bot_id": "B" + ws.bot_user[1:],
        }

    def m_conversations_open(self, args: dict) -> dict:
        users = str(args.get("users", ""))
        if not users:
            return {"ok": False, "error": "users_not_found"}
        return {"ok": True, "channel": {"id": f"D{users.split(',')[0]}"}}

    def _channel(self, channel: str) -> str:
        return f"D{channel}" if channel[:1] in ("U", "W") else channel

    def _refuse_message(self, method: str, args: dict) -> dict | None:
        """Slack's answer to a message beyond its limits (``invalid_blocks``), as the real one refuses it."""
        from ..blocks.limits import message_problems

        problems = message_problems(args)
        if not problems:
            return None
        self.refused.append((method, problems))
        return {"ok": False, "error": "invalid_blocks", "errors": problems}

    def m_chat_postMessage(self, args: dict) -> dict:
        channel = str(args.get("channel", ""))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not args.get("text") and not args.get("blocks"):
            return {"ok": False, "error": "no_text"}
        if refused := self._refuse_message("chat.postMessage", args):
            return refused
        channel = self._channel(channel)
        message = {
            "ts": self._next_ts(),
            "text": args.get("text", ""),
            "blocks": args.get("blocks"),
            "attachments": args.get("attachments"),
            "user": BOT_USER,
        }
        if args.get("metadata"):
            message["metadata"] = args["metadata"]
        self.channels[channel].append(message)
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}

    def m_chat_update(self, args: dict) -> dict:
        if refused := self._refuse_message("chat.update", args):
            return refused
        channel = self._channel(str(args.get("channel", "")))
        for message in self.channels.get(channel, []):
            if message["ts"] == args.get("ts"):
                message.update({k: args[k] for k in ("text", "blocks", "attachments") if k in args})
                message["edited"] = message.get("edited", 0) + 1
                return {"ok": True, "channel": channel, "ts": message["ts"]}
        return {"ok": False, "error": "message_not_found"}

    def m_chat_postEphemeral(self, args: dict) -> dict:
        return {"ok": True, "message_ts": self._next_ts()}

    def m_conversations_history(self, args: dict) -> dict:
        channel = self._channel(str(args.get("channel", "")))
        oldest = float(args.get("oldest") or 0)
        with_meta = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        messages = [dict(m) for m in reversed(self.channels.get(channel, [])) if float(m["ts"]) > oldest]
        if not with_meta:
            for m in messages:
                m.pop("metadata", None)
        return {"ok": True, "messages": messages, "has_more": False}

    def _refuse_view(self, method: str, view: dict) -> dict | None:
        from ..blocks.limits import view_problems

        problems = view_problems(view)
        if not problems:
            return None
        self.refused.append((method, problems))
        return {"ok": False, "error": "invalid_arguments", "response_metadata": {"messages": problems}}

    def m_views_open(self, args: dict) -> dict:
        view = args.get("view") or {}
        if refused := self._refuse_view("views.open", view):
            return refused
        view_id = f"V{uuid.uuid4().hex[:10].upper()}"
        self.views[view_id] = {**view, "id": view_id, "trigger_id": args.get("trigger_id")}
        return {"ok": True, "view": self.views[view_id]}

    def m_views_publish(self, args: dict) -> dict:
        if refused := self._refuse_view("views.publish", args.get("view") or {}):
            return refused
        user = str(args.get("user_id", ""))
        self.views[f"home:{user}"] = args.get("view") or {}
        return {"ok": True, "view": self.views[f"home:{user}"]}

    def m_users_lookupByEmail(self, args: dict) -> dict:
        user = self.users_by_email.get(str(args.get("email", "")).lower())
        if user is None:
            return {"ok": False, "error": "users_not_found"}
        return {"ok": True, "user": {"id": user, "profile": {"email": args.get("email")}}}

    def m_apps_connections_open(self, args: dict) -> dict:
        return {"ok": True, "url": self.url.replace("http://", "ws://") + "/link"}

    def m_files_info(self, args: dict) -> dict:
        file_id = str(args.get("file", ""))
        if file_id not in self.files:
            return {"ok": False, "error": "file_not_found"}
        name, data = self.files[file_id]
        return {
            "ok": True,
            "file": {
                "id": file_id,
                "name": name,
                "size": len(data),
                "url_private_download": f"{self.url}/files/{file_id}",
                "url_private": f"{self.url}/files/{file_id}",
            },
        }

    async def _file(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        if file_id not in self.files or not request.headers.get("Authorization", "").startswith("Bearer xoxb-"):
            return web.Response(status=404)
        return web.Response(body=self.files[file_id][1])

    async def _response(self, request: web.Request) -> web.Response:
        body = await request.json()
        if self.response_failures:
            status = self.response_failures.pop(0)
            self.calls.append(Call("response_url_failed", {"status": status, **body}, time.time()))
            return web.Response(
                status=status,
                text="expired_url" if status == 404 else "rate_limited",
                headers={"Retry-After": "1"} if status == 429 else None,
            )
        from ..blocks.limits import message_problems

        if problems := message_problems(body):
            self.refused.append(("response_url", problems))
            return web.Response(status=400, text="invalid_blocks")
        self.responses.append({"url": str(request.url), "key": request.match_info["key"], **body})
        self.calls.append(Call("response_url", body, time.time()))
        self.changed.set()
        return web.Response(text="ok")

    # -- Socket Mode ------------------------------------------------------------------------------
    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._ws.append(ws)
        self._unacked[ws] = set()
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0NAMND"}})
        self.changed.set()
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    data = json.loads(msg.data)
                    envelope_id = data.get("envelope_id", "")
                    self._unacked[ws].discard(envelope_id)
                    fut = self._acks.pop(envelope_id, None)
                    if fut and not fut.done():
                        fut.set_result(data.get("payload") or {})
        finally:
            self._ws.remove(ws)
            for envelope_id in self._unacked.pop(ws):  # the app went away before it acknowledged these
                fut = self._acks.pop(envelope_id, None)
                if fut and not fut.done():
                    fut.set_exception(ConnectionResetError("the app's Socket Mode connection closed before the ack"))
            self.changed.set()
        return ws

    @property
    def connections(self) -> int:
        """Open Socket Mode connections (one per bot process in Socket Mode)."""
        return len(self._ws)

    async def push(
        self, kind: str, payload: dict[str, Any], timeout: float = 5.0, *, via: int | None = None
    ) -> dict[str, Any]:
        """Send a Socket Mode envelope and return the app's acknowledgement payload.

        With several connections open (several processes), Slack sends each envelope on one of
        them: ``via`` picks it (modulo the number open; the newest without it). The acknowledgement
        never comes if that app dies first: then this raises ConnectionResetError, as the user would
        see an error and try again."""
        await self.wait_for(lambda: bool(self._ws), timeout)
        ws = self._ws[-1] if via is None else self._ws[via % len(self._ws)]
        envelope_id = uuid.uuid4().hex
        fut = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = fut
        self._unacked[ws].add(envelope_id)
        try:
            await ws.send_json(
                {
                    "envelope_id": envelope_id,
                    "type": kind,
                    "payload": payload,
                    "accepts_response_payload": kind != "events_api",
                    "retry_attempt": 0,
                }
            )
            return await asyncio.wait_for(fut, timeout)
        finally:
            self._acks.pop(envelope_id, None)
            if ws in self._unacked:
                self._unacked[ws].discard(envelope_id)

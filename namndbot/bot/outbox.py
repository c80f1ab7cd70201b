"""Sending the outbox to Slack (and e-mail, kind ``mail``): once, in order, through rate limits, restarts and outages.

Each row is marked ``sending`` (committed) before Slack is called and ``sent``
after. A row found ``sending`` after a crash may or may not have reached
Slack: every message carries its outbox id in Slack's message metadata, so
before posting again the sender looks for it with ``conversations.history``.
Updates (``chat.update``, ``views.publish``, response_url replacements) are
idempotent and are simply done again.

slack_sdk's ``AsyncRateLimitErrorRetryHandler`` waits out 429s; anything
else transient is retried with backoff; a permanent error (no such user,
invalid blocks) marks the row ``failed`` with the reason, is logged, and the
secretaries are told (``on_failure``); so is a message that cannot be built
(beyond Slack's limits), which no retry would mend.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError, SlackObjectFormationError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from ..blocks.limits import TooLarge
from ..blocks.messages import Message
from ..mail import compose
from ..mail.smtp import Mailer, MailError
from ..storage import Database, shared
from ..storage.repository import OutboxRow
from .workspaces import NoWorkspace, Workspaces, home_row, without_team

log = logging.getLogger(__name__)

METADATA_TYPE = "namndbot_outbox"
PERMANENT = {
    "channel_not_found",
    "user_not_found",
    "users_not_found",
    "not_in_channel",
    "is_archived",
    "invalid_blocks",
    "invalid_arguments",
    "msg_too_long",
    "no_text",
    "cannot_dm_bot",
    "user_disabled",
    "account_inactive",
    "invalid_auth",
    "not_authed",
    "token_revoked",  # the app was removed from the workspace: nothing sent there until it is added again
    "token_expired",
    "missing_scope",
    "message_not_found",
    "cant_update_message",
}

# Kinds that find their workspace's client themselves, or need none: a response_url needs none (its
# DM fallback does), linking members by e-mail looks each up in its own committee's workspace, and a
# mail goes over SMTP.
OWN_CLIENT = ("response", "link", "mail")
# A mail the server keeps answering "later" (4xx, down): after this many attempts (about half an hour
# with the backoff) the secretaries are told once, so they can phone; it is still tried.
MAIL_DELAYED_AFTER = 12

Renderer = Callable[[OutboxRow], Awaitable[Any]]
# -> (channel, ts) to record; the client is that of the row's workspace
Deliver = Callable[[OutboxRow, AsyncWebClient], Awaitable[tuple[str | None, str | None]]]


DM_FALLBACK = "_namndbot_dm"  # in a response row: whom to DM if the response_url no longer answers


class ClaimLost(Exception):
    """Several processes: this one's claim on the row lapsed (its database session dropped) and
    another process has taken the row over; the other sends it."""


def slack_error(exc: SlackApiError) -> str:
    """Slack's error code (``channel_not_found``), or ``http_502`` when the answer was no JSON (a 5xx page)."""
    response = exc.response
    if response is None:
        return ""
    data = response.data
    if isinstance(data, dict):
        return str(data.get("error", ""))
    return f"http_{response.status_code}"


def _target(row: OutboxRow) -> str:
    """The channel, user or URL a row goes to (every kind but the summary and file has one)."""
    if not row.target:
        raise ValueError(f"outbox row {row.id} ({row.kind}) has no target")
    return row.target


class Outbox:
    """Putting messages in the outbox (called from the notifier and the handlers)."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.clock = clock

    async def fetch_file(self, file_id: str, committee: str, *, dedupe: str | None = None) -> None:
        async with self.db.transaction() as repo:
            await repo.enqueue(
                self.clock(), "file", None, {"file_id": file_id, "committee": committee}, coalesce_key=f"file:{file_id}"
            )

    async def home(self, user: str, team: str | None = None) -> None:
        async with self.db.transaction() as repo:
            payload, key = home_row(user, team)
            await repo.enqueue(self.clock(), "home", user, payload, coalesce_key=key)


class Sender:
    def __init__(
        self,
        db: Database,
        client: AsyncWebClient,
        clock: Callable[[], datetime],
        summary: Callable[[int], Awaitable[tuple[list[str], Message] | None]],
        home: Callable[[str, str | None], Awaitable[dict]],
        link: Callable[[], Awaitable[None]],
        fetch_file: Callable[[dict], Awaitable[None]] | None = None,
        on_failure: Callable[[OutboxRow, str], Awaitable[None]] | None = None,
        mailer: Mailer | None = None,
    ) -> None:
        self.db = db
        self.client = client
        self.clock = clock
        self.render_summary = summary
        self.render_home = home
        self.link_members = link
        self.fetch_file = fetch_file
        self.on_failure = on_failure
        self.mailer = mailer
        self.observe: Callable[[str, str], None] = lambda outcome, kind: None  # sent, retried, failed; the kind
        # Many workspaces: each row is sent with its workspace's client (None: ``client`` for all).
        self.workspaces: Workspaces | None = None
        self._mail_lane: asyncio.Task | None = None
        self.wake: Callable[[], None] = lambda: None  # the bot's poke: the mail lane has finished

    async def process(self, limit: int = 50, pause: Callable[[], Awaitable[None]] | None = None) -> datetime | None:
        """Send what is due; returns when the next row is due (or None when nothing waits).

        Mails go in a lane of their own (in order, one at a time, beside this loop): a mail server
        that stalls (up to the SMTP timeout per mail) must not hold up the Slack messages."""
        if pause is not None:
            await pause()
        now = self.clock()
        # Whether the lane was busy before the rows were read: a lane that finishes meanwhile has sent
        # some of them, so they are read afresh next time rather than sent again from this list.
        busy = self.mailing
        rows = await shared.claim_outbox(self.db, now, limit)
        mails = [row for row in rows if row.kind == "mail"]
        for row in rows:
            if row.kind == "mail":
                continue
            if pause is not None:
                await pause()
            await self.send(row)
        if mails and not busy:
            self._mail_lane = asyncio.create_task(self._send_mails(mails))
        due = await shared.next_outbox_time(self.db)
        if due is not None and self.mailing:  # the lane's own rows are due: no spinning on them
            due = max(due, self.clock() + timedelta(seconds=1))
        return due

    @property
    def mailing(self) -> bool:
        return self._mail_lane is not None and not self._mail_lane.done()

    async def _send_mails(self, rows: list[OutboxRow]) -> None:
        try:
            for row in rows:
                await self.send(row)
        except Exception:
            log.exception("the mail lane stopped; its rows are tried again")
        finally:
            self.wake()  # the bot's loop looks again (more mail may be due)

    async def close(self) -> None:
        """Stop the mail lane (a mail it was sending is ``sending``: sent again at the next start)."""
        if self._mail_lane is not None and not self._mail_lane.done():
            self._mail_lane.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._mail_lane

    async def send(self, row: OutboxRow) -> None:
        client = self.client
        try:
            if self.workspaces is not None and row.kind not in OWN_CLIENT:
                client = await self.workspaces.for_row(row)
        except NoWorkspace as exc:
            await self._stopped(row, exc)
            return
        except Exception as exc:  # the database, for a moment
            await self._retry(row, f"{type(exc).__name__}: {exc}")
            return
        try:
            channel, ts = await self._deliver(row, client)
        except ClaimLost:  # this process's session dropped and another took the row: it sends it
            log.warning("outbox %s (%s) skickas inte härifrån: en annan process har tagit över det", row.id, row.kind)
            return
        except NoWorkspace as exc:  # the response's DM fallback
            await self._stopped(row, exc)
            return
        except SlackApiError as exc:
            error = slack_error(exc)
            if error in PERMANENT:
                await self._failed(row, error, f"Slack svarade {error}")
                return
            await self._retry(row, f"slack: {error or exc}")
            return
        except MailError as exc:
            if exc.permanent:
                said = str(exc)
                await self._failed(row, said, f"e-postservern svarade {said}" if said[:1].isdigit() else said)
                return
            await self._retry(row, f"e-post: {exc}")
            if row.attempts + 1 == MAIL_DELAYED_AFTER:  # once: a call-in must not wait unseen for hours
                waited = int((self.clock() - row.created_at).total_seconds() // 60)
                await self._tell(
                    row, f"e-postservern har inte tagit emot det på {waited} minuter ({exc}); namndbot försöker igen"
                )
            return
        except (SlackObjectFormationError, TooLarge) as exc:  # can't be built: no retry would mend it
            await self._failed(row, f"{type(exc).__name__}: {exc}", "meddelandet ryms inte i Slack")
            return
        except Exception as exc:  # network, Slack down, …
            await self._retry(row, f"{type(exc).__name__}: {exc}")
            return
        async with self.db.transaction() as repo:
            await repo.outbox_sent(row.id, self.clock(), channel, ts)
        self.observe("sent", row.kind)

    async def _failed(self, row: OutboxRow, error: str, reason: str) -> None:
        log.error("outbox %s (%s to %s) failed for good: %s", row.id, row.kind, row.target, error)
        async with self.db.transaction() as repo:
            await repo.outbox_failed(row.id, error)
        self.observe("failed", row.kind)
        await self._tell(row, reason)

    async def _tell(self, row: OutboxRow, reason: str) -> None:
        if self.on_failure is not None:
            try:
                await self.on_failure(row, reason)
            except Exception:
                log.exception("the secretaries could not be told that outbox %s failed", row.id)

    async def _stopped(self, row: OutboxRow, exc: NoWorkspace) -> None:
        """The row's workspace has no token (the app was removed there, or never installed): it is
        not sent, and not retried. Nobody there can be told; no other workspace is concerned."""
        log.warning("outbox %s (%s to %s) not sent: %s", row.id, row.kind, row.target, exc.reason)
        async with self.db.transaction() as repo:
            await repo.outbox_failed(row.id, f"ingen token: {exc.reason}")
        self.observe("failed", row.kind)

    async def _retry(self, row: OutboxRow, error: str) -> None:
        delay = min(600, 2 ** min(row.attempts, 10))
        log.warning("outbox %s (%s) will be retried in %ss: %s", row.id, row.kind, delay, error)
        async with self.db.transaction() as repo:
            await repo.outbox_retry(row.id, self.clock() + timedelta(seconds=delay), error)
        self.observe("retried", row.kind)

    async def _mark_sending(self, row: OutboxRow, channel: str | None) -> None:
        claimer = self.db.session_pid if self.db.shared else None
        async with self.db.transaction() as repo:
            held = await repo.outbox_sending(row.id, self.clock(), channel, claimer=claimer)
        if not held:
            raise ClaimLost(row.id)

    # -- delivery by kind (a table: kind -> method), each with the client of the row's workspace ----------
    async def _deliver(self, row: OutboxRow, client: AsyncWebClient) -> tuple[str | None, str | None]:
        deliver = self.kinds.get(row.kind)
        if deliver is None:
            raise ValueError(f"unknown outbox kind {row.kind}")
        return await deliver(row, client)

    @property
    def kinds(self) -> dict[str, Deliver]:
        kinds: dict[str, Deliver] = {
            "dm": self._dm,
            "post": self._post,
            "response": self._response,
            "update": self._update,
            "home": self._home,
            "summary": self._summary_row,
            "link": self._link,
            "mail": self._mail,
        }
        if self.fetch_file is not None:
            kinds["file"] = self._file
        return kinds

    async def _dm(self, row: OutboxRow, client: AsyncWebClient) -> tuple[str | None, str | None]:
        return await self._post_once(
            client, row, await self._dm_channel(client, _target(row)), without_team(row.payload)
        )

    async def _post(self, row: OutboxRow, client: AsyncWebClient) -> tuple[str | None, str | None]:
        return await self._post_once(client, row, _target(row), without_team(row.payload))

    async def _response(self, row: OutboxRow, client: AsyncWebClient) -> tuple[str | None, str | None]:
        body = without_team(row.payload)
        fallback = body.pop(DM_FALLBACK, None)
        await self._mark_sending(row, None)
        resp = await AsyncWebhookClient(_target(row)).send_dict(body)
        if resp.status_code == 429 or resp.status_code >= 500:
            raise RuntimeError(f"response_url answered {resp.status_code}")
        if resp.status_code >= 400:
            # Expired (after 30 minutes, or used up) or gone: the answer must still reach the member.
            if fallback:
                log.info("response_url %s answered %s; the answer goes by DM", row.id, resp.status_code)
                if self.workspaces is not None:  # a response_url needs no token; the DM does
                    client = await self.workspaces.for_row(row)
                channel = await self._dm_channel(client, fallback)
                return await self._post_once(
                    client, row, channel, {k: body[k] for k in ("text", "blocks") if k in body}
                )
            log.warning("response_url %s answered %s: %s", row.id, resp.status_code, resp.body)
        return None, None

    async def _update(self, row: OutboxRow, client: AsyncWebClient) -> tuple[str | None, str | None]:
        payload = without_team(row.payload)
        await self._mark_sending(row, row.target)
        await client.chat_update(channel=_target(row), **payload)
        return row.target, payload.get("ts")

    async def _home(self, row: OutboxRow, client: AsyncWebClient) -> tuple[str | None, str | None]:
        await self._mark_sending(row, None)
        user = _target(row)
        team = await self.workspaces.team_of(row) if self.workspaces is not None else None
        await client.views_publish(user_id=user, view=await self.render_home(user, team))
        return None, None

    async def _summary_row(self, row: OutboxRow, client: AsyncWebClient) -> tuple[str | None, str | None]:
        await self._mark_sending(row, None)
        await self._summary(client, row)
        return None, None

    async def _link(self, row: OutboxRow, client: AsyncWebClient) -> tuple[str | None, str | None]:
        await self._mark_sending(row, None)
        await self.link_members()  # each member in their committee's workspace
        return None, None

    async def _file(self, row: OutboxRow, client: AsyncWebClient) -> tuple[str | None, str | None]:
        assert self.fetch_file is not None
        await self._mark_sending(row, None)
        await self.fetch_file(row.payload)  # posting is deduplicated by content: safe to repeat
        return None, None

    async def _mail(self, row: OutboxRow, client: AsyncWebClient) -> tuple[str | None, str | None]:
        """One e-mail over SMTP. The row is marked ``sending`` (committed) before the server is
        called and ``sent`` after it accepted. A row found ``sending`` after a crash is sent again
        with the same Message-ID (a mail server cannot be asked whether it has it): the one case in
        which a member may get a mail twice, and their mail program sees the same message."""
        if self.mailer is None:
            raise MailError("e-post är inte påslaget i den här processen", permanent=True)
        if row.status == "sending":
            log.warning("outbox %s: a mail that may already have been sent is sent again (same Message-ID)", row.id)
        try:
            msg = compose.message(row.payload, self.mailer.mail_from or "namndbot@localhost")
        except Exception as exc:  # a malformed address or header: no retry would mend it
            raise MailError(
                f"e-postmeddelandet kunde inte byggas ({type(exc).__name__}: {exc})", permanent=True
            ) from exc
        await self._mark_sending(row, None)
        await self.mailer.send(msg, _target(row))
        return None, row.payload.get("message_id")

    async def _dm_channel(self, client: AsyncWebClient, user: str | None) -> str:
        assert user
        async with self.db.read() as repo:
            known = await repo.dm_channel(user)
        if known:
            return known
        resp = await client.conversations_open(users=user)
        channel = resp["channel"]["id"]
        async with self.db.transaction() as repo:
            await repo.save_dm_channel(user, channel)
        return channel

    async def _post_once(
        self, client: AsyncWebClient, row: OutboxRow, channel: str, payload: dict, *, tag: str | None = None
    ) -> tuple[str, str]:
        """chat.postMessage exactly once, even if the last attempt died before we heard back."""
        marker = {"id": row.id, **({"tag": tag} if tag else {})}
        if row.status == "sending":
            found = await self._find(client, channel, marker, row.created_at)
            if found:
                return channel, found
        await self._mark_sending(row, channel)
        resp = await client.chat_postMessage(
            channel=channel,
            **payload,
            metadata={"event_type": METADATA_TYPE, "event_payload": marker},
        )
        return resp["channel"], resp["ts"]

    async def _find(self, client: AsyncWebClient, channel: str, marker: dict, since: datetime) -> str | None:
        oldest = f"{(since - timedelta(minutes=5)).timestamp():.6f}"
        cursor = None
        while True:
            resp = await client.conversations_history(
                channel=channel, oldest=oldest, include_all_metadata=True, limit=200, cursor=cursor
            )
            msg: dict[str, Any]
            for msg in resp.get("messages", []):
                meta: dict[str, Any] = msg.get("metadata") or {}
                if meta.get("event_type") == METADATA_TYPE and meta.get("event_payload") == marker:
                    return msg["ts"]
            cursor = (resp.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None

    async def _summary(self, client: AsyncWebClient, row: OutboxRow) -> None:
        meeting_id = int(row.payload["meeting_id"])
        rendered = await self.render_summary(meeting_id)
        if rendered is None:
            return
        channels, message = rendered
        async with self.db.read() as repo:
            known = await repo.summary_messages(meeting_id)
        for channel in channels:
            target = channel
            if channel.startswith("U") or channel.startswith("W"):
                target = await self._dm_channel(client, channel)
            if target in known:
                # attachments=[] clears a red warning that no longer applies (chat.update keeps old ones).
                await client.chat_update(channel=target, ts=known[target], **{"attachments": [], **message.payload()})
                continue
            _, ts = await self._post_once(client, row, target, message.payload(), tag=target)
            async with self.db.transaction() as repo:
                await repo.save_summary_message(meeting_id, target, ts)

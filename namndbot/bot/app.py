"""Assembling the bot: services, the slack-bolt AsyncApp, its listeners and the background jobs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from ..blocks import messages
from ..domain.errors import NamndbotError
from ..domain.kommando import Kommando
from ..domain.model import Member
from ..mail.smtp import Mailer
from ..services.core import NamndService, utcnow
from ..services.directory import CommitteeInfo, DirectoryCache
from ..services.feeds import FeedService
from ..services.gallring import GALLRING, GallringService
from ..services.intake import Intake
from ..services.justering import JusteringService
from ..services.scheduler import Scheduler
from ..services.skrivelse import SkrivelseService
from ..services.stadning import Stadning
from ..services.svar_epost import SvarEpost
from ..settings import Settings
from ..storage import Database, shared
from ..storage import workspaces as workspace_store
from .documents import Documents
from .epost import Epost
from .installations import InstallationStore
from .metrics import CountedRateLimitHandler, CountedWebClient, Metrics
from .notifier import Notifier
from .outbox import Outbox, Sender, slack_error
from .reminders import Reminders
from .sendfel import Failures
from .workspaces import NoWorkspace, Workspaces

log = logging.getLogger(__name__)
# users.lookupByEmail's answers that the member has no account on the workspace (any other error is
# a failure to ask, and the lookup is tried again: the member is not sent to e-mail for it).
NOT_IN_WORKSPACE = frozenset({"users_not_found", "user_not_found", "account_inactive", "user_disabled"})


def _not_the_token_warning(record: logging.LogRecord) -> bool:
    """slack-bolt reads SLACK_BOT_TOKEN from the environment itself and, given our client as well,
    warns at every start in English that the token "will be unused": it is the client's token."""
    return "will be unused" not in str(record.msg)


def web_client(settings: Settings, metrics: Metrics | None = None, *, token: str | None = None) -> AsyncWebClient:
    """The Web API client: slack_sdk's retries for connection errors and 429s (counted, with ``metrics``);
    with ``token``, that workspace's token instead of ``SLACK_BOT_TOKEN``."""
    base_url = settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
    token = token or settings.slack_bot_token
    if metrics is not None:
        return CountedWebClient(
            metrics,
            token=token,
            base_url=base_url,
            retry_handlers=[
                AsyncConnectionErrorRetryHandler(max_retry_count=2),
                CountedRateLimitHandler(metrics, max_retry_count=5),
            ],
            timeout=15,
        )
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=5),
        ],
        timeout=15,
    )


@dataclass
class Bot:
    settings: Settings
    db: Database
    clock: Callable[[], datetime] = utcnow
    client: AsyncWebClient | None = None
    http_mode: bool = True
    # Many workspaces: slack-bolt's OAuth flow and installation store instead of one bot token.
    many_workspaces: bool = False
    app: AsyncApp = field(init=False)

    def __post_init__(self) -> None:
        self.metrics = Metrics()
        self.namnd = NamndService(self.db, self.clock, self.settings.timezone)
        self.feeds = FeedService(self.namnd)
        self.intake = Intake(self.namnd)
        self.intake.observe = self.metrics.report
        self.directory = DirectoryCache(self.db, strict=self.many_workspaces)
        self.outbox = Outbox(self.db, self.clock)
        self.base_url = self.settings.public_base_url
        self.scheduler = Scheduler(self.namnd)
        self.justering = JusteringService(self.namnd)
        self.skrivelser = SkrivelseService(self.namnd)
        self.epost = Epost(self.base_url, self.settings.mail_from)
        self.mailer = Mailer(self.settings.smtp_url, self.settings.mail_from)
        self.svar_epost = SvarEpost(self.namnd, self.intake)
        self.notifier = Notifier(
            self.namnd, self.base_url, self.clock, self.scheduler, self.justering, epost=self.epost
        )
        self.gallring = GallringService(self.db, self.clock, self.settings.timezone, self.settings.gallring_manader)
        self.stadning = Stadning(self.db, self.clock)
        self.reminders = Reminders(
            self.db, self.scheduler, self.clock, jobs={GALLRING: self.gallring.job_in}, epost=self.epost
        )
        self.client = self.client or web_client(self.settings, self.metrics)
        self.installations: InstallationStore | None = None
        if self.many_workspaces:
            self.installations = InstallationStore(self.db, self.clock)
            self.workspaces = Workspaces(
                self.db,
                self.directory,
                installations=self.installations,
                make_client=lambda token: web_client(self.settings, self.metrics, token=token),
            )
        else:
            self.workspaces = Workspaces(self.db, self.directory, single=self.client)
        self.documents = Documents(self.db, self.skrivelser, self.client, self.clock, self.settings.inbox)
        self.sender = Sender(
            self.db,
            self.client,
            self.clock,
            self.notifier.render_summary,
            self._render_home,
            self.link_members,
            self._fetch_file,
            Failures(self.db, self.clock).row_failed,
            mailer=self.mailer,
        )
        self.sender.observe = self.metrics.message
        self.sender.workspaces = self.workspaces
        self.sender.wake = self.poke
        self.wake = asyncio.Event()
        self.db.on_change.append(self.poke)  # PostgreSQL: another process committed (LISTEN/NOTIFY)
        self.in_flight = 0  # Slack requests being answered right now (acks come first)
        self.quiet = asyncio.Event()  # set when none are
        self.quiet.set()
        self._after_ack_tasks: set[asyncio.Task] = set()
        slack_log = logging.getLogger("namndbot.slack")
        slack_log.addFilter(_not_the_token_warning)
        self.app = AsyncApp(
            client=self.client,
            signing_secret=self.settings.slack_signing_secret or "socket-mode-has-no-signing-secret",
            request_verification_enabled=self.http_mode,
            # Our listeners ack within milliseconds and return: answer the moment they do
            # (bolt otherwise polls for the ack every 10 ms).
            process_before_response=True,
            logger=slack_log,
            **self._oauth(),
        )
        if self.installations is not None:
            # app_uninstalled / tokens_revoked: bolt's own listeners delete the workspace's tokens
            # through the installation store (which drops the clients built with them).
            self.app.enable_token_revocation_listeners()
        else:
            self.app.event("app_uninstalled")(self._removed)
            self.app.event("tokens_revoked")(self._removed)
        self.app.middleware(self._dedupe_events)
        self.app.error(self._on_error)
        from ..handlers import register_all

        register_all(self.app, self)
        self.extra_commands: dict[str, Any] = {}

    def _oauth(self) -> dict[str, Any]:
        """AsyncApp's arguments for many workspaces: the OAuth flow, the installation store, and an
        authorize step that reads each request's workspace token from it."""
        if self.installations is None:
            return {}
        from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize

        from .installations import StateStore
        from .oauth import oauth_flow

        assert self.client is not None  # set in __post_init__
        return {
            "oauth_flow": oauth_flow(self.settings, self.client, self.installations, StateStore(self.db, self.clock)),
            "installation_store": self.installations,
            "installation_store_bot_only": True,
            "authorize": AsyncInstallationStoreAuthorize(
                installation_store=self.installations,
                client_id=self.settings.slack_client_id,
                client_secret=self.settings.slack_client_secret,
                logger=logging.getLogger("namndbot.slack"),
                bot_only=True,
                cache_enabled=True,  # auth.test once per token, not once per request
                client=self.client,
            ),
            "user_facing_authorize_error_message": (
                "namndbot är inte installerad i den här arbetsytan längre. "
                "Be en administratör lägga till den igen (”Lägg till i Slack”)."
            ),
        }

    async def _removed(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        """With one bot token, Slack telling us the app was removed: nothing to delete, only to say."""
        log.warning(
            "Slack: %s i arbetsytan %s; SLACK_BOT_TOKEN gäller inte längre", event.get("type"), body.get("team_id")
        )

    def poke(self) -> None:
        """Wake the background jobs now (new reports, new messages)."""
        self.wake.set()

    # -- listeners' helpers ----------------------------------------------------------------
    def after_ack(self, work: Awaitable[Any], user: str, what: str) -> None:
        """Slack calls a listener ``work`` may only start after its ack, such as opening a form: with
        process_before_response the HTTP answer would otherwise wait for Slack's answer to it (and a
        slow or rate-limited views.open would cost the ack its 3 seconds). If it fails, the user is
        told by DM."""

        async def run() -> None:
            try:
                await work
            except Exception:
                log.exception("%s for %s failed after the ack", what, user)
                async with self.db.transaction() as repo:
                    await repo.enqueue(
                        self.clock(),
                        "dm",
                        user,
                        messages.plain(f"Det gick inte att {what} just nu. Försök igen om en stund.").payload(),
                    )
                self.poke()

        task = asyncio.create_task(run())
        self._after_ack_tasks.add(task)
        task.add_done_callback(self._after_ack_tasks.discard)

    async def forhinder_modal(self, user: str, selected: tuple[str, date] | None, team: str | None = None) -> dict:
        """The förhinder form for ``user``: the coming meetings of each of their committees (in the
        request's workspace ``team``)."""
        directory = await self.directory.seen_from(team)
        mine = directory.committees_of(user)
        if not mine:
            raise NamndbotError(messages.not_on_roster().text)
        choices = []
        members: list[Member] = []
        for short in mine:
            info: CommitteeInfo = directory.committees[short]
            today = self.clock().astimezone(ZoneInfo(info.committee.timezone)).date()
            choices.append((info.committee, [m for m in info.open_meetings() if m.date >= today]))
            if user in info.secretaries or any(user in s for s in info.party_contacts.values()):
                # Those who may report for others choose whom (themselves included, if members).
                members.extend(m for m in info.roster.members if info.may_act_for(user, m))
        return messages.forhinder_modal(choices, selected, members or None, {"user": user})

    async def extra_command(self, ack, body: dict[str, Any], cmd: Kommando, info: CommitteeInfo, client) -> None:
        handler = self.extra_commands.get(cmd.verb)
        if handler is None:
            raise NamndbotError(f"”{cmd.verb}” finns inte än.", hint="Skriv /namnd hjälp.")
        await handler(ack, body, cmd, info, client)

    async def link_members(self) -> None:
        """Members with an email and no Slack id: find them with users.lookupByEmail."""
        async with self.db.read() as repo:
            todo = await workspace_store.members_to_link(repo)
        failed: Exception | None = None
        for member_id, email, team in todo:
            try:  # each in the workspace of the member's committee
                client = await self.workspaces.client(team)
            except NoWorkspace as exc:
                log.info("no Slack lookup for %s: %s", email, exc.reason)
                continue
            try:
                resp = await client.users_lookupByEmail(email=email)
            except SlackApiError as exc:
                if (error := slack_error(exc)) in NOT_IN_WORKSPACE:  # not on this workspace: e-mail it is
                    log.info("no Slack user for %s: %s", email, error)
                else:
                    failed = exc
                continue
            except Exception as exc:  # the network, Slack down: not an answer about the member
                failed = exc
                continue
            async with self.db.transaction() as repo:
                await repo.link_slack(member_id, resp["user"]["id"])
        if failed is not None:  # the "link" row is tried again later (those linked stay linked)
            raise failed

    async def _fetch_file(self, payload: dict[str, Any]) -> None:
        client = await self.workspaces.for_committee(payload["committee"])
        await self.documents.fetch_shared_file(payload["file_id"], payload["committee"], client)

    # -- middleware ---------------------------------------------------------------------------
    async def _dedupe_events(self, body: dict[str, Any], response, next) -> Any:
        """Slack retries an event it thinks we missed (X-Slack-Retry-Num): handle each event_id once,
        whichever process of the bot gets it (the ids seen are in the database, ``slack_event``).

        Reports that arrive as events are also deduplicated durably by the intake's key."""
        from slack_bolt.response import BoltResponse

        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id:
            async with self.db.statement() as repo:
                first = await repo.first_sight(str(event_id), self.clock())
            if not first:
                return BoltResponse(status=200, body="")  # not calling next(): the listeners don't run
        await next()
        return response

    async def _render_home(self, user: str, team: str | None) -> dict:
        """A Home tab shows the committees of its workspace only (as every request from there sees)."""
        shown = (await self.directory.seen_from(team)).committees.keys()
        return await self.notifier.render_home(user, shown)

    async def _on_error(self, error: Exception, body: dict[str, Any]) -> None:
        log.exception("unhandled error in a listener", exc_info=error)
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id:  # not handled after all: Slack's retry of it is (the dedupe must not drop it)
            try:
                async with self.db.statement() as repo:
                    await repo.forget_event(str(event_id))
            except Exception:
                log.exception("could not forget event %s; Slack's retry of it will be dropped", event_id)

    # -- the background jobs ------------------------------------------------------------------
    async def run_jobs(
        self, external_check: float = 10.0, inbox_every: float = 30.0, stada_every: float = 3600.0
    ) -> None:
        """Apply reports, turn events into messages, send what is due; then sleep until the next
        job or retry is due, or something new arrives in this process (wake). Commits by another
        process (the CLI) are noticed within ``external_check`` seconds; the inbox folder, if any,
        is looked at every ``inbox_every`` seconds."""
        self.intake_waiter = asyncio.create_task(self._forward_intake())
        renewer = asyncio.create_task(self._renew_leases()) if self.db.shared else None
        loop = asyncio.get_running_loop()
        next_inbox = loop.time()
        next_stada = loop.time()  # at start, then every stada_every seconds
        try:
            try:
                await self.scheduler.reconcile(self.clock(), pause=self._after_acks)
            except Exception:
                log.exception("could not bring the reminders up to date at start")
            try:
                await self.gallring.plan(self.clock())
            except Exception:
                log.exception("could not plan the daily gallring")
            while True:
                self.wake.clear()
                try:
                    if self.documents.inbox is not None and loop.time() >= next_inbox:
                        next_inbox = loop.time() + inbox_every
                        await self.documents.scan_inbox()
                    next_due = await self.run_once()
                    if loop.time() >= next_stada:
                        next_stada = loop.time() + stada_every
                        await self.stadning.run()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("background jobs failed; trying again shortly")
                    next_due = self.clock()
                    await asyncio.sleep(1.0)
                seen = await self.db.generation()
                while True:  # sleep until woken, something is due, or another process committed
                    timeout = external_check
                    if self.documents.inbox is not None:
                        timeout = min(timeout, max(0.0, next_inbox - loop.time()))
                    if next_due is not None:
                        timeout = max(0.0, min(timeout, (next_due - self.clock()).total_seconds()))
                    if timeout == 0.0:
                        break
                    try:
                        # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow the
                        # cancellation that stops the bot when the wake-up comes at the same moment.
                        async with asyncio.timeout(timeout):
                            await self.wake.wait()
                        break
                    except TimeoutError:
                        pass
                    if (
                        self.db.shared  # another process may have died holding work: look again
                        or (next_due is not None and self.clock() >= next_due)
                        or (self.documents.inbox is not None and loop.time() >= next_inbox)
                        or await self.db.generation() != seen
                    ):
                        break
        finally:
            self.intake_waiter.cancel()
            if renewer is not None:
                renewer.cancel()
            await self.sender.close()

    async def _renew_leases(self) -> None:
        """Keep the claims on shared work (storage/shared.py) while this process lives."""
        while True:
            await asyncio.sleep(shared.RENEW_EVERY)
            try:
                await shared.renew(self.db)
            except Exception:
                log.exception("could not renew the leases on claimed work")

    def request_started(self) -> None:
        self.in_flight += 1
        self.quiet.clear()

    def request_finished(self) -> None:
        self.in_flight -= 1
        if self.in_flight <= 0:
            self.in_flight = 0
            self.quiet.set()

    async def _after_acks(self, longest: float = 1.0) -> None:
        """Let the requests in flight be answered before heavy work (but never wait more than ``longest``)."""
        if not self.quiet.is_set():
            try:
                async with asyncio.timeout(longest):
                    await self.quiet.wait()
            except TimeoutError:
                pass

    async def run_once(self) -> datetime | None:
        """One round of the pipeline; every step first lets the requests in flight be answered.
        Returns when something is due next (a job or an outbox retry)."""
        while True:
            await self._after_acks()
            worked = await self.intake.process(pause=self._after_acks)
            await self._after_acks()
            worked += await self.notifier.process(pause=self._after_acks)
            await self._after_acks()
            worked += await self.reminders.process()
            next_out = await self.sender.process(pause=self._after_acks)
            if not worked:
                times = [t for t in (next_out, await self.scheduler.next_due()) if t is not None]
                return min(times) if times else None

    async def settled(self, timeout: float = 10.0) -> None:
        """Wait until every report is applied and every message sent (for the demo and the tests)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            if self._after_ack_tasks:
                await asyncio.wait(set(self._after_ack_tasks), timeout=timeout)
            self.poke()
            async with self.db.read() as repo:
                if await repo.backlog(self.clock()) == 0 and not self.sender.mailing:  # the lane may be telling
                    return
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("the bot's queues did not empty")
            await asyncio.sleep(0.02)

    async def _forward_intake(self) -> None:
        while True:
            await self.intake.received.wait()
            self.intake.received.clear()
            self.wake.set()

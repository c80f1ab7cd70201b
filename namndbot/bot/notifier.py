"""Turning what happened (events) into what to send (outbox rows), in one transaction per batch.

An event is marked handled in the same transaction that queues its messages,
so each event is told exactly once, whatever crashes when.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta

from ..blocks import messages, views
from ..calendar.web import feed_urls
from ..domain.dates import svensk_datum
from ..domain.meeting import Meeting
from ..domain.model import Committee
from ..domain.svarslank import moment
from ..services.core import NamndService
from ..services.feeds import FeedService, personal_status
from ..services.justering import JusteringService
from ..services.scheduler import Scheduler
from ..storage.repository import EventRow, Repository
from .epost import Epost
from .outbox import DM_FALLBACK
from .reminders import dm, to_secretaries
from .sendfel import failed_event

log = logging.getLogger(__name__)


class Notifier:
    def __init__(
        self,
        namnd: NamndService,
        base_url: str,
        clock: Callable[[], datetime] | None = None,
        scheduler: Scheduler | None = None,
        justering: JusteringService | None = None,
        epost: Epost | None = None,
    ) -> None:
        self.namnd = namnd
        self.epost = epost or Epost(base_url, None)
        self.db = namnd.db
        self.base_url = base_url
        self.clock = clock or namnd.clock
        self.scheduler = scheduler
        self.justering = justering

    async def process(
        self, limit: int = 200, budget: float = 0.05, pause: Callable[[], Awaitable[None]] | None = None
    ) -> int:
        """Turn every new event into outbox rows; returns how many were handled. In transactions of
        about ``budget`` seconds each, ``pause`` awaited between them: a member's ack waits for the
        write lock while one is held (200 events in one held it 300-460 ms on SQLite). All are told
        before anything is sent, so that a member's App Home is published once for a burst."""
        handled = 0
        while True:
            done, more = await self._told(limit, budget)
            handled += done
            if not more or handled >= 20 * limit:  # (the next round takes the rest)
                return handled
            if pause is not None:
                await pause()

    async def _told(self, limit: int, budget: float) -> tuple[int, bool]:
        """One transaction: events told, and whether any are left."""
        now = self.clock()
        loop = asyncio.get_running_loop()
        handled = 0
        async with self.db.transaction() as repo:
            began = loop.time()
            events = await repo.new_events(limit)
            for ev in events:
                if handled and loop.time() - began > budget:
                    break
                handled += 1
                try:
                    async with repo.savepoint("event"):
                        await self.handle(repo, ev, now)
                except Exception:
                    # A bug must not block the queue: what this event queued is undone, the bug logged,
                    # the secretaries told, and the queue goes on; the event stays recorded.
                    log.exception("event %s (%s) could not be turned into messages", ev.id, ev.kind)
                    await self._tell_failed(repo, ev, now)
                await repo.handle_event(ev.id, now)
        return handled, handled < len(events) or len(events) == limit

    async def _tell_failed(self, repo: Repository, ev: EventRow, now: datetime) -> None:
        if ev.committee_id is None:
            return
        try:
            async with repo.savepoint("event_failed"):
                stored = await repo.committee_by_id(ev.committee_id)
                day = svensk_datum((await repo.meeting_by_id(ev.meeting_id)).date) if ev.meeting_id else None
                await to_secretaries(repo, now, stored, failed_event(ev.kind, day))
        except Exception:
            log.exception("the secretaries could not be told that event %s failed", ev.id)

    async def handle(self, repo: Repository, ev: EventRow, now: datetime) -> None:
        kind = ev.kind
        if kind == "intake_klar":
            await self._reply(repo, ev, now)
            return
        if kind == "roster_import":
            await repo.enqueue(now, "link", None, {}, coalesce_key="link")
            return
        if kind == "intake_fel" and ev.committee_id is not None:
            stored = await repo.committee_by_id(ev.committee_id)
            await to_secretaries(
                repo,
                now,
                stored,
                messages.intake_failed(
                    ev.payload.get("intake_kind", ""), ev.payload.get("actor", ""), ev.payload.get("intake_id")
                ),
            )
            return
        if kind in ("skrivelse_ny", "skrivelse_fel") and ev.committee_id is not None:
            await self._skrivelse(repo, ev, now)
            return
        if ev.meeting_id is None or ev.committee_id is None:
            return
        if (
            kind in ("meeting_andrad", "justering_andrad", "justerad", "inkallad", "sammantrade_startat")
            and self.scheduler is not None
        ):
            await self.scheduler.reschedule_in(repo, now, ev.meeting_id)
        stored = await repo.committee_by_id(ev.committee_id)
        committee = stored.committee
        meeting = await repo.meeting_by_id(ev.meeting_id)
        slack_of = await repo.slack_ids(ev.committee_id)
        member = (await repo.member_by_id(ev.member_id)).member if ev.member_id else None
        user = slack_of.get(member.key) if member else None
        held = meeting.date < now.astimezone(_tz(committee)).date()
        if held:
            user = None  # a meeting already held: the record changes, nobody is called in or released
        # A member without Slack (or who asked for e-mail) gets by e-mail what a DM would say.
        mail = member if member is not None and not held and self.epost.to(member, user) else None
        if mail is not None:
            user = None
        if kind in ("narvaro_andrad", "meeting_andrad"):
            if kind == "narvaro_andrad" or await repo.summary_messages(meeting.id):
                await repo.enqueue(
                    now, "summary", None, {"meeting_id": meeting.id}, coalesce_key=f"summary:{meeting.id}"
                )
            if kind == "meeting_andrad":
                if not held:
                    await self.epost.meeting_changed(repo, now, stored, meeting, slack_of)
                for slack in set(slack_of.values()):
                    await repo.enqueue(now, "home", slack, {}, coalesce_key=f"home:{slack}")
        elif kind == "inkallad" and member and ev.payload.get("during"):
            # Rule 6: during the meeting the chair calls in someone present; the secretaries are told.
            await to_secretaries(
                repo,
                now,
                stored,
                messages.chair_instruction(
                    committee,
                    meeting,
                    ev.payload.get("serves", ""),
                    ev.payload.get("from_paragraph"),
                    ev.payload.get("reason", ""),
                ),
            )
            await self._tell_party_contact(repo, now, stored, meeting, ev)
        elif kind == "inkallad" and member and not held:
            if mail is not None and not meeting.cancelled:
                await self.epost.call_in(
                    repo, now, stored, meeting, mail, ev.payload.get("serves", ""), ev.payload.get("reason", "")
                )
            if user and not meeting.cancelled:
                call = (await repo.inkallelser(meeting.id)).get(member.key)
                msg = messages.call_in(
                    committee,
                    meeting,
                    member,
                    ev.payload.get("serves", ""),
                    ev.payload.get("reason", ""),
                    moment(call.called_at) if call is not None else None,
                )
                await dm(repo, now, stored, user, msg)
            if not user and mail is None and not meeting.cancelled:  # nothing reaches them: say so
                await to_secretaries(
                    repo,
                    now,
                    stored,
                    messages.plain(
                        f":warning: {member.label} är inkallad till sammanträdet {svensk_datum(meeting.date)} men "
                        "kan inte nås av namndbot: rostern har inget Slack-id och ingen e-postadress (email) för "
                        "hen som går att använda. Ring hen; ett ja registreras med knappen i närvaromeddelandet."
                    ),
                )
            await self._tell_party_contact(repo, now, stored, meeting, ev)
        elif kind == "vakans" and not held:
            msg = messages.vacancy(committee, meeting, ev.payload["seat"], ev.payload["paragraphs"])
            await to_secretaries(repo, now, stored, msg)
            for k in stored.partikontakter:
                if k.party == ev.payload.get("party"):
                    await dm(repo, now, stored, k.slack, msg)
        elif kind == "inkallelse_andrad" and member and (user or mail):
            msg = messages.call_changed(committee, meeting, member, ev.payload.get("serves", ""))
            if mail is not None:
                await self.epost.said(repo, now, stored, mail, "changed", msg.text, meeting)
            else:
                await dm(repo, now, stored, user, msg)
        elif kind == "justerad" and self.justering is not None:
            view = await self.justering.view_in(repo, stored, meeting)
            if view is not None:
                msg = messages.justerad(committee, meeting, view.as_dict())
                if committee.channel:
                    await repo.enqueue(now, "post", committee.channel, msg.payload())
                await to_secretaries(repo, now, stored, msg)
        elif kind == "justering_andrad" and self.justering is not None:
            view = await self.justering.view_in(repo, stored, meeting)
            for person in view.justerare if view else ():
                if slack_of.get(person.key):
                    await repo.enqueue(
                        now, "home", slack_of[person.key], {}, coalesce_key=f"home:{slack_of[person.key]}"
                    )
        elif kind == "justerare_hindrad":
            await to_secretaries(
                repo,
                now,
                stored,
                messages.justerare_hindrad(
                    committee, meeting, ev.payload.get("justerare", ""), ev.payload.get("reason")
                ),
            )
        elif kind == "justerare_tillbaka":
            await to_secretaries(
                repo, now, stored, messages.justerare_tillbaka(committee, meeting, ev.payload.get("justerare", ""))
            )
        elif kind == "entledigad" and member and (user or mail):
            if ev.payload.get("reason") == "ej_svar":
                msg, what = messages.call_withdrawn(committee, meeting), "withdrawn"
            else:
                msg, what = messages.released(committee, meeting, bool(ev.payload.get("displaced"))), "released"
            if mail is not None:
                await self.epost.said(repo, now, stored, mail, what, msg.text, meeting)
            else:
                await dm(repo, now, stored, user, msg)
        if user:
            await repo.enqueue(now, "home", user, {}, coalesce_key=f"home:{user}")

    async def _skrivelse(self, repo: Repository, ev: EventRow, now: datetime) -> None:
        assert ev.committee_id is not None  # a skrivelse event names its committee
        stored = await repo.committee_by_id(ev.committee_id)
        c = stored.committee
        if ev.kind == "skrivelse_fel":
            await to_secretaries(
                repo, now, stored, messages.skrivelse_failed(ev.payload.get("reason", ""), ev.payload.get("source", ""))
            )
            return
        svar = ev.payload["svar"]
        post = messages.skrivelse_post(c, svar, svar.get("meeting"))
        if c.channel:
            await repo.enqueue(now, "post", c.channel, post.payload())
        else:
            await to_secretaries(repo, now, stored, post)
        slack_of = await repo.slack_ids(stored.id)
        members = {m.name: m for m in (await repo.roster(stored.id)).members}
        for name in ev.payload.get("authors", []):
            member = members.get(name)
            if member is None:
                continue
            msg = messages.skrivelse_author(c, svar, svar.get("meeting"))
            if self.epost.to(member, slack_of.get(member.key)):
                await self.epost.said(repo, now, stored, member, "skrivelse", msg.text)
            elif slack_of.get(member.key):
                await dm(repo, now, stored, slack_of[member.key], msg)

    async def _tell_party_contact(
        self, repo: Repository, now: datetime, stored, meeting: Meeting, ev: EventRow
    ) -> None:
        """Göteborg's model: the party group's contact hears of every call-in for the party's seats."""
        if not stored.partikontakter:
            return
        serves = ev.payload.get("serves", "")
        for k in stored.partikontakter:
            if k.party in ev.payload.get("parties", []):
                text = (
                    f"Till partikontakten för {k.party}: {serves} har kallats in till {stored.committee.name}s "
                    f"sammanträde {svensk_datum(meeting.date)}."
                )
                await dm(repo, now, stored, k.slack, messages.plain(text))

    async def _reply(self, repo: Repository, ev: EventRow, now: datetime) -> None:
        p = ev.payload
        reply = p.get("reply") or {}
        msg = messages.answered(p.get("text", ""), undo=p.get("undo") if p.get("ok") else None)
        if reply.get("response_url"):
            body = {
                **msg.payload(),
                "replace_original": bool(reply.get("replace", True)),
                "response_type": "ephemeral",
                **({DM_FALLBACK: p["actor"]} if p.get("actor") else {}),
            }
            await repo.enqueue(now, "response", reply["response_url"], body)
        elif reply.get("user"):
            await repo.enqueue(now, "dm", reply["user"], msg.payload())

    # -- renderers the sender calls at send time ------------------------------------------
    async def render_summary(self, meeting_id: int) -> tuple[list[str], messages.Message] | None:
        async with self.db.read() as repo:
            meeting = await repo.meeting_by_id(meeting_id)
            stored = await self.namnd.committee_in(repo, meeting.committee)
            c = stored.committee
            targets = [c.secretaries_channel] if c.secretaries_channel else list(c.secretaries)
            if not targets:
                return None
            result = await self.namnd.narvaro_in(repo, stored, meeting)
        return targets, views.summary(result)

    async def render_home(self, user: str) -> dict:
        feeds = FeedService(self.namnd)
        sections: list[views.HomeSection] = []
        async with self.db.read() as repo:
            committees = await repo.committees()
        for stored in committees:
            async with self.db.read() as repo:
                slack_of = await repo.slack_ids(stored.id)
                key = next((k for k, s in slack_of.items() if s == user), None)
                if key is None:
                    continue
                tz_today = self.clock().astimezone(_tz(stored.committee)).date()
                upcoming = [m for m in await repo.meetings(stored.id, start=tz_today) if not m.cancelled][:5]
                rows = []
                for m in upcoming:
                    r = await self.namnd.narvaro_in(repo, stored, m)
                    rows.append((r, personal_status(r, key)))
                duties = await self.duties(repo, stored.id, key, tz_today)
            links = None
            found = await feeds.token_for_slack(stored.committee.short, user, actor=f"slack:{user}")
            if found:
                links = feed_urls(self.base_url, found[1])
            sections.append((None, stored.committee.name, rows, links, duties))
        return views.home(user, sections)

    async def duties(self, repo: Repository, committee_id: int, key: str, today: date) -> list[str]:
        """The member's justering duties that are not done."""
        out = []
        for m, j in await repo.justeringar(committee_id):
            if (
                key in j.justerare
                and j.justerad is None
                and j.date is not None
                and j.date >= today - timedelta(days=14)
            ):
                out.append(
                    f"Du ska justera protokollet från sammanträdet {svensk_datum(m.date)} den {svensk_datum(j.date)}."
                )
        return out


def _tz(committee: Committee):
    from zoneinfo import ZoneInfo

    return ZoneInfo(committee.timezone)

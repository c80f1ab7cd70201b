"""Turning what happened (events) into what to send (outbox rows), in one transaction per batch.

An event is marked handled in the same transaction that queues its messages,
so each event is told exactly once, whatever crashes when.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..blocks import messages, views
from ..calendar.web import feed_urls
from ..domain.dates import svensk_datum
from ..domain.meeting import Meeting
from ..domain.model import Committee, Member
from ..domain.svarslank import moment
from ..services.core import NamndService
from ..services.feeds import FeedService, personal_status
from ..services.justering import JusteringService
from ..services.scheduler import Scheduler
from ..storage.repository import EventRow, Repository, StoredCommittee
from .epost import Epost
from .outbox import DM_FALLBACK
from .reminders import dm, to_secretaries
from .sendfel import failed_event
from .workspaces import home_row

log = logging.getLogger(__name__)


# A meeting's events after which its reminders and justering jobs are planned again.
RESCHEDULES = frozenset({"meeting_andrad", "justering_andrad", "justerad", "inkallad", "sammantrade_startat"})


@dataclass(frozen=True)
class Handelse:
    """A meeting's event, with what telling it needs."""

    ev: EventRow
    now: datetime
    stored: StoredCommittee
    meeting: Meeting
    slack_of: dict[str, str]  # member key -> Slack id
    member: Member | None  # the member the event is about, if any
    user: str | None  # their Slack id, when a DM is how they are told
    mail: Member | None  # the member, when e-mail is how they are told
    held: bool  # the meeting is over: the record changes, nobody is called in or released

    @property
    def committee(self) -> Committee:
        return self.stored.committee


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
        self._general: dict[str, Callable[[Repository, EventRow, datetime], Awaitable[None]]] = {
            "intake_klar": self._reply,
            "roster_import": self._roster_import,
            "intake_fel": self._intake_fel,
            "skrivelse_ny": self._skrivelse,
            "skrivelse_fel": self._skrivelse,
        }
        self._meeting: dict[str, Callable[[Repository, Handelse], Awaitable[None]]] = {
            "narvaro_andrad": self._narvaro_andrad,
            "meeting_andrad": self._meeting_andrad,
            "inkallad": self._inkallad,
            "vakans": self._vakans,
            "inkallelse_andrad": self._inkallelse_andrad,
            "entledigad": self._entledigad,
            "justerad": self._justerad,
            "justering_andrad": self._justering_andrad,
            "justerare_hindrad": self._justerare_hindrad,
            "justerare_tillbaka": self._justerare_tillbaka,
        }

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
        """Queue what ``ev`` should tell, and to whom: by its kind, one method each."""
        general = self._general.get(ev.kind)
        if general is not None:
            await general(repo, ev, now)
            return
        if ev.meeting_id is None or ev.committee_id is None:
            return
        if ev.kind in RESCHEDULES and self.scheduler is not None:
            await self.scheduler.reschedule_in(repo, now, ev.meeting_id)
        h = await self._about(repo, ev, now)
        tell = self._meeting.get(ev.kind)
        if tell is not None:
            await tell(repo, h)
        if h.user:
            await self._home(repo, h, h.user)

    async def _about(self, repo: Repository, ev: EventRow, now: datetime) -> Handelse:
        assert ev.committee_id is not None and ev.meeting_id is not None  # a meeting's event
        stored = await repo.committee_by_id(ev.committee_id)
        meeting = await repo.meeting_by_id(ev.meeting_id)
        slack_of = await repo.slack_ids(ev.committee_id)
        member = (await repo.member_by_id(ev.member_id)).member if ev.member_id else None
        user = slack_of.get(member.key) if member else None
        held = meeting.date < now.astimezone(_tz(stored.committee)).date()
        if held:
            user = None  # a meeting already held: the record changes, nobody is called in or released
        # A member without Slack (or who asked for e-mail) gets by e-mail what a DM would say.
        mail = member if member is not None and not held and self.epost.to(member, user) else None
        if mail is not None:
            user = None
        return Handelse(ev, now, stored, meeting, slack_of, member, user, mail, held)

    async def _home(self, repo: Repository, h: Handelse, user: str) -> None:
        """The member's Home tab, published again (in the committee's workspace)."""
        payload, key = home_row(user, h.committee.workspace)
        await repo.enqueue(h.now, "home", user, payload, coalesce_key=key)

    # -- events of no meeting -------------------------------------------------------------
    async def _roster_import(self, repo: Repository, ev: EventRow, now: datetime) -> None:
        await repo.enqueue(now, "link", None, {}, coalesce_key="link")

    async def _intake_fel(self, repo: Repository, ev: EventRow, now: datetime) -> None:
        if ev.committee_id is None:
            return
        p = ev.payload
        msg = messages.intake_failed(p.get("intake_kind", ""), p.get("actor", ""), p.get("intake_id"))
        await to_secretaries(repo, now, await repo.committee_by_id(ev.committee_id), msg)

    # -- a meeting's events ---------------------------------------------------------------
    async def _narvaro_andrad(self, repo: Repository, h: Handelse) -> None:
        await self._summary(repo, h)

    async def _summary(self, repo: Repository, h: Handelse) -> None:
        key = f"summary:{h.meeting.id}"
        await repo.enqueue(h.now, "summary", None, {"meeting_id": h.meeting.id}, coalesce_key=key)

    async def _meeting_andrad(self, repo: Repository, h: Handelse) -> None:
        if await repo.summary_messages(h.meeting.id):
            await self._summary(repo, h)
        if not h.held:
            await self.epost.meeting_changed(repo, h.now, h.stored, h.meeting, h.slack_of)
        for slack in set(h.slack_of.values()):
            await self._home(repo, h, slack)

    async def _inkallad(self, repo: Repository, h: Handelse) -> None:
        member, meeting, p = h.member, h.meeting, h.ev.payload
        if member is None:
            return
        if p.get("during"):
            # Rule 6: during the meeting the chair calls in someone present; the secretaries are told.
            msg = messages.chair_instruction(
                h.committee, meeting, p.get("serves", ""), p.get("from_paragraph"), p.get("reason", "")
            )
            await to_secretaries(repo, h.now, h.stored, msg)
            await self._tell_party_contact(repo, h.now, h.stored, meeting, h.ev)
            return
        if h.held:
            return
        if h.mail is not None and not meeting.cancelled:
            await self.epost.call_in(repo, h.now, h.stored, meeting, h.mail, p.get("serves", ""), p.get("reason", ""))
        if h.user and not meeting.cancelled:
            call = (await repo.inkallelser(meeting.id)).get(member.key)
            when = moment(call.called_at) if call is not None else None
            msg = messages.call_in(h.committee, meeting, member, p.get("serves", ""), p.get("reason", ""), when)
            await dm(repo, h.now, h.stored, h.user, msg)
        if not h.user and h.mail is None and not meeting.cancelled:  # nothing reaches them: say so
            await to_secretaries(
                repo,
                h.now,
                h.stored,
                messages.plain(
                    f":warning: {member.label} är inkallad till sammanträdet {svensk_datum(meeting.date)} men "
                    "kan inte nås av namndbot: rostern har inget Slack-id och ingen e-postadress (email) för "
                    "hen som går att använda. Ring hen; ett ja registreras med knappen i närvaromeddelandet."
                ),
            )
        await self._tell_party_contact(repo, h.now, h.stored, meeting, h.ev)

    async def _vakans(self, repo: Repository, h: Handelse) -> None:
        if h.held:
            return
        p = h.ev.payload
        msg = messages.vacancy(h.committee, h.meeting, p["seat"], p["paragraphs"])
        await to_secretaries(repo, h.now, h.stored, msg)
        for k in h.stored.partikontakter:
            if k.party == p.get("party"):
                await dm(repo, h.now, h.stored, k.slack, msg)

    async def _inkallelse_andrad(self, repo: Repository, h: Handelse) -> None:
        if h.member is not None:
            msg = messages.call_changed(h.committee, h.meeting, h.member, h.ev.payload.get("serves", ""))
            await self._to_member(repo, h, "changed", msg)

    async def _entledigad(self, repo: Repository, h: Handelse) -> None:
        if h.ev.payload.get("reason") == "ej_svar":
            await self._to_member(repo, h, "withdrawn", messages.call_withdrawn(h.committee, h.meeting))
        else:
            msg = messages.released(h.committee, h.meeting, bool(h.ev.payload.get("displaced")))
            await self._to_member(repo, h, "released", msg)

    async def _to_member(self, repo: Repository, h: Handelse, what: str, msg: messages.Message) -> None:
        """By e-mail to a member without Slack, else a DM; nothing if neither reaches them."""
        if h.mail is not None:
            await self.epost.said(repo, h.now, h.stored, h.mail, what, msg.text, h.meeting)
        elif h.user:
            await dm(repo, h.now, h.stored, h.user, msg)

    async def _justerad(self, repo: Repository, h: Handelse) -> None:
        if self.justering is None:
            return
        view = await self.justering.view_in(repo, h.stored, h.meeting)
        if view is not None:
            msg = messages.justerad(h.committee, h.meeting, view.as_dict())
            if h.committee.channel:
                await repo.enqueue(h.now, "post", h.committee.channel, msg.payload())
            await to_secretaries(repo, h.now, h.stored, msg)

    async def _justering_andrad(self, repo: Repository, h: Handelse) -> None:
        if self.justering is None:
            return
        view = await self.justering.view_in(repo, h.stored, h.meeting)
        for person in view.justerare if view else ():
            if slack := h.slack_of.get(person.key):
                await self._home(repo, h, slack)

    async def _justerare_hindrad(self, repo: Repository, h: Handelse) -> None:
        p = h.ev.payload
        msg = messages.justerare_hindrad(h.committee, h.meeting, p.get("justerare", ""), p.get("reason"))
        await to_secretaries(repo, h.now, h.stored, msg)

    async def _justerare_tillbaka(self, repo: Repository, h: Handelse) -> None:
        msg = messages.justerare_tillbaka(h.committee, h.meeting, h.ev.payload.get("justerare", ""))
        await to_secretaries(repo, h.now, h.stored, msg)

    async def _skrivelse(self, repo: Repository, ev: EventRow, now: datetime) -> None:
        if ev.committee_id is None:
            return
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

    async def render_home(self, user: str, shown: Collection[str] | None = None) -> dict:
        """``user``'s Home tab: their committees, or of those only the ones in ``shown`` (short
        names: what the workspace the tab is in may see)."""
        feeds = FeedService(self.namnd)
        sections: list[views.HomeSection] = []
        async with self.db.read() as repo:
            committees = await repo.committees()
        for stored in committees:
            if shown is not None and stored.committee.short not in shown:
                continue
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

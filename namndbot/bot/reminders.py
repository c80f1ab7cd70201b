"""Sending due jobs: meeting reminders, justering reminders, overdue justering.

Each job is decided, its messages queued in the outbox, and the job marked
done (or dropped, with the reason in the log) in one transaction: a job is
sent once, whenever the bot gets to it, restarts and outages included.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime

from ..blocks import messages
from ..domain import paminnelser as p
from ..domain.svarslank import moment
from ..services.scheduler import Decision, Scheduler
from ..storage import Database, shared
from ..storage.repository import JobRow, Repository, StoredCommittee
from .epost import Epost
from .workspaces import with_team

log = logging.getLogger(__name__)

# A job kind run by its own service inside the job's transaction; returns the note to store.
JobHandler = Callable[[Repository, datetime, JobRow], Awaitable[str]]


async def dm(repo: Repository, now: datetime, stored: StoredCommittee, user: str | None, msg: messages.Message) -> None:
    """A DM about ``stored``'s business, sent in the committee's workspace (a Slack id on rosters
    in two workspaces would otherwise be reached through either)."""
    await repo.enqueue(now, "dm", user, with_team(msg.payload(), stored.committee.workspace))


async def to_secretaries(repo: Repository, now: datetime, stored: StoredCommittee, msg: messages.Message) -> None:
    """The secretaries' channel, or else a DM to each secretary."""
    c = stored.committee
    if c.secretaries_channel:
        await repo.enqueue(now, "post", c.secretaries_channel, msg.payload())
    else:
        for slack in c.secretaries:
            await dm(repo, now, stored, slack, msg)


class Reminders:
    def __init__(
        self,
        db: Database,
        scheduler: Scheduler,
        clock: Callable[[], datetime],
        jobs: dict[str, JobHandler] | None = None,
        epost: Epost | None = None,
    ) -> None:
        self.db = db
        self.scheduler = scheduler
        self.clock = clock
        self.namnd = scheduler.namnd
        self.jobs = jobs or {}  # kinds that are not reminders (gallring)
        self.epost = epost or Epost("http://localhost", None)

    async def process(self, limit: int = 200) -> int:
        now = self.clock()
        due = await shared.claim_jobs(self.db, now, limit)
        for job in due:
            async with self.db.transaction() as repo:
                current = await repo.job(job.key)
                if current is None or current.status != "pending":
                    continue
                handler = self.jobs.get(current.kind)
                if handler is not None:
                    await repo.finish_job(current.id, "done", now, await handler(repo, now, current))
                    continue
                decision = await self.scheduler.decide_in(repo, now, current)
                if decision.send:
                    await self.queue(repo, now, decision)
                    await repo.finish_job(current.id, "done", now, decision.note)
                else:
                    log.info("reminder %s dropped: %s", current.key, decision.note)
                    await repo.finish_job(current.id, "dropped", now, decision.note)
        return len(due)

    async def queue(self, repo: Repository, now: datetime, d: Decision) -> None:
        assert d.committee is not None and d.meeting is not None
        c, m = d.committee.committee, d.meeting
        if d.job.kind == p.SVARSTID:
            # Rule 5: no answer in time. Passed over like a decline; the next is called at once, the
            # first is told the call is withdrawn (the events do the telling).
            await self.namnd.decline_in(
                repo, now, c.short, m.date, d.data["member"], actor="namndbot:svarstid", kind="ej_svar"
            )
            return
        if d.job.kind == p.PAMINNELSE:
            if c.channel:
                await repo.enqueue(
                    now, "post", c.channel, messages.meeting_reminder(c, m, d.data.get("days")).payload()
                )
            by_name = {x.name: x for x in (await repo.roster(d.committee.id)).members}
            for person in d.data.get("unanswered", []):
                member = by_name.get(person["name"])
                if person.get("epost") and member is not None:
                    await self.epost.call_in_reminder(repo, now, d.committee, m, member, person["seats"])
                elif person.get("slack"):
                    call = (await repo.inkallelser(m.id)).get(member.key) if member is not None else None
                    called = moment(call.called_at) if call is not None else None
                    msg = messages.call_in_reminder(c, m, person["name"], person["seats"], called)
                    await dm(repo, now, d.committee, person["slack"], msg)
            for name in d.data.get("epost", []):
                if name in by_name:
                    await self.epost.meeting_reminder(repo, now, d.committee, m, by_name[name], d.data.get("days"))
            return
        day = date.fromisoformat(d.data["date"])
        labels = [j["label"] for j in d.data.get("justerare", [])]
        if d.job.kind == p.JUSTERING:
            by_name = {x.name: x for x in (await repo.roster_for(m, d.committee.id)).members}
            for j in d.data.get("justerare", []):
                others = [x for x in labels if x != j["label"]]
                msg = messages.justering_reminder(c, m, day, others, d.data.get("when"))
                if j.get("epost") and j["name"] in by_name:
                    text = msg.text.replace(
                        "Tryck Justerat när det är klart (eller låt sekreteraren göra det).",
                        "Säg till nämndens sekreterare när det är klart.",
                    )
                    await self.epost.said(repo, now, d.committee, by_name[j["name"]], "justering", text, m)
                elif j.get("slack"):
                    await dm(repo, now, d.committee, j["slack"], msg)
            if d.data.get("when") == "i dag":
                await to_secretaries(repo, now, d.committee, messages.justering_today(c, m, labels))
        elif d.job.kind == p.JUSTERING_FORSENAD:
            limit = date.fromisoformat(d.data["limit"])
            await to_secretaries(repo, now, d.committee, messages.justering_overdue(c, m, day, limit))
        elif d.job.kind == p.JUSTERING_FRIST:
            limit = date.fromisoformat(d.data["limit"])
            await to_secretaries(repo, now, d.committee, messages.justering_limit(c, m, limit))

"""Jobs due at a time, kept in step with the meetings; and whether a due job is still worth sending.

Jobs are (re)computed from the data whenever a meeting or its justering
changes (``reschedule_in``), so moving a meeting moves its reminders. When a
job comes due, ``decide_in`` says whether to send it, or to drop it and why
(the meeting has passed, it was justerat, a later reminder says the same).
Both run inside the caller's transaction: sending and marking done commit
together.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..domain import paminnelser as p
from ..domain.deadlines import justering_senast, next_working_day
from ..domain.meeting import Meeting
from ..storage import shared
from ..storage.repository import JobRow, JusteringRow, Repository, StoredCommittee
from .core import NamndService

log = logging.getLogger(__name__)

KEEP_NAGGING_DAYS = 14  # overdue reminders stop this long after the legal limit
RECONCILE_CHUNK = 10  # meetings planned per transaction at start
REMIND_UNANSWERED_AFTER = timedelta(hours=12)  # a call-in younger than this is not nagged about


@dataclass
class Decision:
    send: bool
    note: str
    job: JobRow
    committee: StoredCommittee | None = None
    meeting: Meeting | None = None
    data: dict[str, Any] = field(default_factory=dict)


class Scheduler:
    def __init__(self, namnd: NamndService) -> None:
        self.namnd = namnd
        self.db = namnd.db

    async def reschedule_in(self, repo: Repository, now: datetime, meeting_id: int) -> None:
        meeting = await repo.meeting_by_id(meeting_id)
        stored = await self.namnd.committee_in(repo, meeting.committee)
        if meeting.cancelled:
            dropped = await repo.drop_jobs(meeting.id, now, "sammanträdet är inställt")
            if dropped:
                log.info("dropped %s reminders of cancelled meeting %s", dropped, meeting.date)
            return
        desired = p.meeting_reminders(stored.committee, meeting)
        j = await repo.justering(meeting.id)
        if j is not None and j.date is not None and j.justerad is None:
            desired += p.justering_reminders(stored.committee, meeting, j.date)
        if not meeting.started:
            for member_id, _key, called_at in await repo.open_calls(meeting.id):
                desired.append(p.answer_job(stored.committee, meeting, member_id, called_at))
        existing = {x.key: x for x in await repo.jobs_for_meeting(meeting.id)}
        keys = set()
        for d in desired:
            known = existing.get(d.key)
            if d.kind in (p.PAMINNELSE, p.JUSTERING) and d.at <= now and (known is None or known.due_at != d.at):
                # A reminder whose time had passed before it was planned is noise, not news (and one
                # planned for the old date of a moved meeting is dropped below).
                continue
            keys.add(d.key)
            await repo.put_job(d.key, d.kind, d.at, committee_id=stored.id, meeting_id=meeting.id, payload=d.payload)
        # Anything planned before that the data no longer asks for (a moved justering date, one done).
        stale = [
            x
            for x in await repo.jobs_for_meeting(meeting.id)
            if x.status == "pending"
            and x.key not in keys
            and not (x.kind == p.JUSTERING_FORSENAD and j is not None and j.justerad is None)
            and x.kind != p.SVARSTID
        ]  # decided when due: answered, released or passed over
        for x in stale:
            await repo.finish_job(x.id, "dropped", now, "ändrat: inte längre aktuellt")

    async def reconcile(self, now: datetime, pause: Callable[[], Awaitable[None]] | None = None) -> None:
        """At start: every meeting not yet long past has its jobs (also one made before this version).
        A few meetings per transaction, ``pause`` awaited between them: the requests that arrive
        meanwhile (acks, feeds) are answered at once, not after thousands of meetings."""
        async with self.db.read() as repo:
            ids = []
            for stored in await repo.committees():
                today = now.astimezone(ZoneInfo(stored.committee.timezone)).date()
                ids += [m.id for m in await repo.meetings(stored.id, start=today - timedelta(days=31))]
        for i in range(0, len(ids), RECONCILE_CHUNK):
            if pause is not None:
                await pause()
            async with self.db.transaction() as repo:
                for meeting_id in ids[i : i + RECONCILE_CHUNK]:  # (meetings are never deleted)
                    await self.reschedule_in(repo, now, meeting_id)
            await asyncio.sleep(0)  # let whoever waits for the lock have it

    async def decide_in(self, repo: Repository, now: datetime, job: JobRow) -> Decision:
        if job.meeting_id is None:
            return Decision(False, "inget sammanträde", job)
        meeting = await repo.meeting_by_id(job.meeting_id)
        stored = await self.namnd.committee_in(repo, meeting.committee)
        tz = stored.committee.timezone
        start = meeting.starts_at(tz).astimezone(UTC)

        def decided(send: bool, note: str, data: dict[str, Any] | None = None) -> Decision:
            return Decision(send, note, job, stored, meeting, data or {})

        if job.kind == p.PAMINNELSE:
            if meeting.cancelled:
                return decided(False, "sammanträdet är inställt")
            if now >= start:
                return decided(False, "sammanträdet har redan börjat")
            later = [
                x
                for x in await repo.jobs_for_meeting(meeting.id)
                if x.kind == p.PAMINNELSE and x.status == "pending" and x.due_at <= now and x.due_at > job.due_at
            ]
            if later:
                return decided(False, "en senare påminnelse om samma sammanträde går ut i stället")
            r = await self.namnd.narvaro_in(repo, stored, meeting)
            slack_of = await repo.slack_ids(stored.id)
            members = r.roster.by_key()
            calls = await repo.inkallelser(meeting.id)
            unanswered: dict[str, dict[str, Any]] = {}
            for a in r.plan.assignments:
                call = calls.get(a.ersattare)
                recent = call is not None and now - call.called_at < REMIND_UNANSWERED_AFTER
                person = members[a.ersattare]
                by_mail = person.by_mail(slack_of.get(a.ersattare))
                if r.calls.get(a.ersattare) != "kommer" and (a.ersattare in slack_of or by_mail) and not recent:
                    unanswered.setdefault(
                        a.ersattare,
                        {
                            "slack": None if by_mail else slack_of[a.ersattare],
                            "epost": by_mail,
                            "name": person.name,
                            "seats": [],
                        },
                    )["seats"].append(members[a.seat].label)
            # Members without Slack don't see the channel: the reminder comes by e-mail to the ledamöter
            # and the ersättare called in (one who has not answered gets the call-in reminder instead).
            serving = {a.ersattare for a in r.plan.assignments}
            by_mail_members = [
                m.name
                for m in r.roster.members
                if (m.is_ledamot or m.key in serving) and m.key not in unanswered and m.by_mail(slack_of.get(m.key))
            ]
            days = (meeting.date - now.astimezone(ZoneInfo(tz)).date()).days  # as it is when sent
            return decided(
                True,
                "skickad",
                {"days": days, "unanswered": list(unanswered.values()), "epost": by_mail_members},
            )
        if job.kind == p.SVARSTID:
            if meeting.cancelled or meeting.started:
                return decided(False, "sammanträdet är inställt eller har börjat")
            open_calls = {mid: at for mid, _k, at in await repo.open_calls(meeting.id)}
            member_id = int(job.payload.get("member_id") or 0)
            if open_calls.get(member_id) is None or open_calls[member_id].isoformat() != job.payload.get("called_at"):
                return decided(False, "inkallelsen är besvarad eller återkallad")
            member = (await repo.member_by_id(member_id)).member
            return decided(True, "ej svar i tid: nästa kallas in", {"member": member.name})
        j = await repo.justering(meeting.id)
        if j is None or j.date is None:
            return decided(False, "ingen justering planerad")
        if j.justerad is not None:
            return decided(False, f"protokollet justerades {j.justerad.isoformat()}")
        today = now.astimezone(ZoneInfo(tz)).date()
        data = await self._justering_data(repo, stored, meeting, j)
        if job.kind == p.JUSTERING:
            if today > j.date:
                return decided(False, "justeringsdagen har passerat (sekreteraren påminns i stället)")
            if today == j.date and job.payload.get("when") != "i dag":
                return decided(False, "justeringsdagen har kommit (dagens påminnelse går ut i stället)")
            return decided(True, "skickad", {**data, "when": job.payload.get("when")})
        if job.kind == p.JUSTERING_FORSENAD:
            if today <= j.date:
                return decided(False, "justeringsdagen har inte passerat (den har flyttats)")
            limit = justering_senast(meeting.date)
            if today > limit + timedelta(days=KEEP_NAGGING_DAYS):
                return decided(False, "långt efter lagens gräns; påminnelserna upphör")
            nxt = p.overdue(stored.committee, meeting, next_working_day(today + timedelta(days=1)))
            await repo.put_job(
                nxt.key, nxt.kind, nxt.at, committee_id=stored.id, meeting_id=meeting.id, payload=nxt.payload
            )
            return decided(True, "skickad", {**data, "limit": limit.isoformat()})
        if job.kind == p.JUSTERING_FRIST:
            return decided(True, "skickad", {**data, "limit": job.payload.get("limit")})
        return decided(False, f"okänd sorts jobb {job.kind}")

    async def _justering_data(
        self, repo: Repository, stored: StoredCommittee, meeting: Meeting, j: JusteringRow
    ) -> dict[str, Any]:
        # The roster the meeting was held with: a justerare who has left since still signs its protocol.
        members = (await repo.roster_for(meeting, stored.id)).by_key()
        slack_of = await repo.slack_ids(stored.id)
        return {
            "date": j.date.isoformat() if j.date else None,
            "justerare": [
                {
                    "name": members[k].name,
                    "label": members[k].label,
                    "slack": slack_of.get(k) or members[k].slack,
                    "epost": members[k].by_mail(slack_of.get(k) or members[k].slack),
                }
                for k in j.justerare
                if k in members
            ],
            "secretaries": list(stored.committee.secretaries),
        }

    async def next_due(self) -> datetime | None:
        return await shared.next_job_time(self.db)

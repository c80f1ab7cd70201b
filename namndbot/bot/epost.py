"""Members without Slack: what a Slack member gets by DM, queued as e-mail in the same outbox.

Used by the notifier and the reminders inside their transactions: a mail is queued in the
same commit as the event or job that asked for it, so it is queued once. Each mail gets its
Message-ID here, once; the sender (``bot/outbox.py``) sends the stored message as it is.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from ..calendar.feeds import invitation
from ..domain.meeting import Meeting
from ..domain.model import Member
from ..domain.svarslank import Svarslank, moment
from ..mail import compose
from ..services.svar_epost import link_key
from ..storage.repository import Repository, StoredCommittee


class Epost:
    def __init__(self, base_url: str, mail_from: str | None) -> None:
        self.base_url = base_url.rstrip("/")
        host = urlsplit(self.base_url).hostname or "localhost"
        self.mail_from = mail_from or f"namndbot@{host}"

    def to(self, member: Member, slack: str | None) -> bool:
        """Whether ``member`` (with the Slack id ``slack``, if any) is reached by e-mail."""
        return member.by_mail(slack)

    async def queue(
        self, repo: Repository, now: datetime, stored: StoredCommittee, member: Member, brev: compose.Brev
    ) -> None:
        assert member.email
        payload = brev.payload(
            to=member.email,
            name=member.name,
            committee=stored.committee.short,
            message_id=compose.new_message_id(self.mail_from),
        )
        await repo.enqueue(now, "mail", member.email, payload)

    async def links(self, repo: Repository, meeting: Meeting, member: Member) -> tuple[str, str] | None:
        """The "Jag kommer" and "Jag kan inte" links of the member's open call-in (None: none open)."""
        call = (await repo.inkallelser(meeting.id)).get(member.key)
        if call is None or call.status != "kallad":
            return None
        stored = await repo.committee(meeting.committee)
        assert stored is not None
        member_id = (await repo.member_ids(stored.id))[member.key]
        key = await link_key(repo, create=True)
        assert key is not None
        token = Svarslank(member_id, meeting.id, moment(call.called_at)).token(key)
        url = f"{self.base_url}/svar/{token}"
        return f"{url}?svar=kommer", f"{url}?svar=kan_inte"

    async def invitation(
        self, repo: Repository, now: datetime, stored: StoredCommittee, meeting: Meeting, member: Member
    ) -> str:
        _, served = await repo.feed_history(f"c:{stored.id}")
        assert member.email
        ics = invitation(
            stored.committee,
            meeting,
            served.get(meeting.uid),
            now=now,
            organizer=self.mail_from,
            attendee=member.email,
            attendee_name=member.name,
        )
        return ics.decode("utf-8")

    # -- the mails -----------------------------------------------------------------------------
    async def call_in(
        self,
        repo: Repository,
        now: datetime,
        stored: StoredCommittee,
        meeting: Meeting,
        member: Member,
        serves: str,
        reason: str,
    ) -> bool:
        links = await self.links(repo, meeting, member)
        if links is None:
            return False  # answered, released or passed over before this was sent: nothing to ask
        seat = serves.removeprefix(member.label + " ")
        ics = await self.invitation(repo, now, stored, meeting, member)
        await self.queue(
            repo, now, stored, member, compose.call_in(stored.committee, meeting, seat, reason, *links, ics)
        )
        return True

    async def call_in_reminder(
        self, repo: Repository, now: datetime, stored: StoredCommittee, meeting: Meeting, member: Member, seats: list
    ) -> None:
        links = await self.links(repo, meeting, member)
        ics = await self.invitation(repo, now, stored, meeting, member)
        kommer, kan_inte = links if links else (None, None)
        await self.queue(
            repo,
            now,
            stored,
            member,
            compose.call_in_reminder(stored.committee, meeting, seats, kommer, kan_inte, ics),
        )

    async def meeting_reminder(
        self,
        repo: Repository,
        now: datetime,
        stored: StoredCommittee,
        meeting: Meeting,
        member: Member,
        days: int | None,
    ) -> None:
        ics = await self.invitation(repo, now, stored, meeting, member)
        await self.queue(repo, now, stored, member, compose.meeting_reminder(stored.committee, meeting, days, ics))

    async def said(
        self,
        repo: Repository,
        now: datetime,
        stored: StoredCommittee,
        member: Member,
        kind: str,
        text: str,
        meeting: Meeting | None = None,
    ) -> None:
        """A mail saying what the Slack DM of the same ``kind`` says (``text``)."""
        subject = compose.subject_for(kind, stored.committee, meeting)
        await self.queue(repo, now, stored, member, compose.plain(subject, text))

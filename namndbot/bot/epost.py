"""Members without Slack: what a Slack member gets by DM, queued as e-mail in the same outbox.

Used by the notifier and the reminders inside their transactions: a mail is queued in the
same commit as the event or job that asked for it, so it is queued once. Each mail gets its
Message-ID here, once; the sender (``bot/outbox.py``) sends the stored message as it is.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from urllib.parse import urlsplit

from ..calendar.feeds import event_digest, invitation_event, render_invitation
from ..domain.meeting import Meeting
from ..domain.model import Member
from ..domain.svarslank import Svarslank, moment
from ..mail import compose
from ..services.svar_epost import link_key
from ..storage.repository import Repository, StoredCommittee

# The mark of an invitation taken back (METHOD:CANCEL): kept, not deleted, so that a later
# invitation to the same meeting (a new call-in) has a higher SEQUENCE than the cancellation, or
# the member's calendar would take it for an old one and leave the meeting out.
CANCELLED = "återkallad"


async def _open(repo: Repository, meeting_id: int) -> dict[int, tuple[str, int, datetime]]:
    """The invitations mailed for the meeting and not taken back: member id -> mark."""
    return {k: v for k, v in (await repo.inbjudningar(meeting_id)).items() if v[0] != CANCELLED}


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
        self,
        repo: Repository,
        now: datetime,
        stored: StoredCommittee,
        meeting: Meeting,
        member: Member,
        *,
        cancel: bool = False,
    ) -> tuple[str, str]:
        """The meeting as a calendar invitation for ``member``: ``(ics, method)``. REQUEST puts it in
        their calendar (or moves it there), with the committee feed's UID and a SEQUENCE at least
        the feed's and above the last one mailed to them if it changed since; CANCEL (``cancel``, or
        a cancelled meeting) takes it out again. What was mailed is remembered (table inbjudan)."""
        assert member.email
        member_id = (await repo.member_ids(stored.id))[member.key]
        _, served = await repo.feed_history(f"c:{stored.id}")
        mailed = (await repo.inbjudningar(meeting.id)).get(member_id)
        marks = [mark for mark in (served.get(meeting.uid), mailed) if mark is not None]
        event = invitation_event(stored.committee, meeting, marks, now=now)
        method = "CANCEL" if cancel or meeting.cancelled else "REQUEST"
        if method == "CANCEL":
            event = replace(event, sequence=event.sequence + 1, stamp=max(event.stamp, now))
            await repo.save_inbjudan(meeting.id, member_id, CANCELLED, event.sequence, event.stamp)
        else:
            await repo.save_inbjudan(meeting.id, member_id, event_digest(event), event.sequence, event.stamp)
        ics = render_invitation(
            stored.committee,
            event,
            method=method,
            organizer=self.mail_from,
            attendee=member.email,
            attendee_name=member.name,
        )
        return ics.decode("utf-8"), method

    async def meeting_changed(
        self, repo: Repository, now: datetime, stored: StoredCommittee, meeting: Meeting, slack_of: dict[str, str]
    ) -> None:
        """A meeting whose time, place or main business changed (or that was cancelled): each member
        who got its invitation by mail gets the update, so it moves in their calendar."""
        mailed = await _open(repo, meeting.id)
        if not mailed:
            return
        current = event_digest(invitation_event(stored.committee, meeting, (), now=now))
        for member_id, (digest, _seq, _stamp) in mailed.items():
            if digest == current and not meeting.cancelled:
                continue
            stored_member = await repo.member_by_id(member_id)
            member = stored_member.member
            if stored_member.retired_at is not None or not member.by_mail(slack_of.get(member.key)):
                continue
            ics, method = await self.invitation(repo, now, stored, meeting, member)
            await self.queue(repo, now, stored, member, compose.meeting_changed(stored.committee, meeting, ics, method))

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
        ics, _ = await self.invitation(repo, now, stored, meeting, member)
        await self.queue(
            repo, now, stored, member, compose.call_in(stored.committee, meeting, seat, reason, *links, ics)
        )
        return True

    async def call_in_reminder(
        self, repo: Repository, now: datetime, stored: StoredCommittee, meeting: Meeting, member: Member, seats: list
    ) -> None:
        links = await self.links(repo, meeting, member)
        ics, _ = await self.invitation(repo, now, stored, meeting, member)
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
        ics, _ = await self.invitation(repo, now, stored, meeting, member)
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
        """A mail saying what the Slack DM of the same ``kind`` says (``text``). A call withdrawn or a
        release also takes the meeting out of the member's calendar, if a call-in put it there."""
        subject = compose.subject_for(kind, stored.committee, meeting)
        brev = compose.plain(subject, text)
        if kind in ("withdrawn", "released") and meeting is not None and not member.is_ledamot:
            member_id = (await repo.member_ids(stored.id))[member.key]
            if member_id not in await _open(repo, meeting.id):
                return  # no call-in mail went out (answered or released before it was sent): nothing to undo
            ics, method = await self.invitation(repo, now, stored, meeting, member, cancel=True)
            brev = replace(brev, ics=ics, ics_method=method)
        await self.queue(repo, now, stored, member, brev)

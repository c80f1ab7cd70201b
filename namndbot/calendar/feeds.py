"""Assembling the committee's and the members' feeds from the service's data."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..domain.meeting import DEFAULT_DURATION, Meeting
from ..domain.model import Committee
from ..services.feeds import PersonalAgenda
from .feed import FeedEvent, render

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Feed:
    body: bytes
    last_modified: datetime

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'


def _title(committee: Committee) -> str:
    return f"Sammanträde {committee.name}"


def _meeting_event(committee: Committee, m: Meeting, *, uid: str | None = None, summary: str | None = None,
                   description: str | None = None, sequence: int | None = None,
                   stamp: datetime | None = None) -> FeedEvent:
    start = m.starts_at(committee.timezone)
    return FeedEvent(
        uid=uid or m.uid,
        start=start,
        end=start + DEFAULT_DURATION,
        summary=summary or _title(committee),
        stamp=stamp or m.updated_at or EPOCH,
        sequence=m.sequence if sequence is None else sequence,
        description=description if description is not None else m.note,
        location=m.location,
        cancelled=m.cancelled,
    )


def committee_feed(committee: Committee, meetings: list[Meeting]) -> Feed:
    """The public feed: meetings only (time, place, main business). No personal data."""
    events = [_meeting_event(committee, m) for m in meetings]
    body = render(committee.name, f"Sammanträden för {committee.name} ({committee.short})",
                  committee.timezone, events)
    return Feed(body, max((e.stamp for e in events), default=EPOCH))


def personal_feed(agenda: PersonalAgenda) -> Feed:
    """A member's own feed: the meetings, each marked with the member's own status."""
    c, member = agenda.committee, agenda.member
    salt = hashlib.sha256(f"{c.short}/{member.key}".encode()).hexdigest()[:12]
    events = []
    for item in agenda.items:
        m = item.meeting
        summary = _title(c) + (f" – {item.status}" if item.status else "")
        lines = [f"Din status: {item.status}."] if item.status else []
        if m.note:
            lines.append(m.note)
        events.append(_meeting_event(
            c, m, uid=f"{salt}-{m.uid}", summary=summary, description="\n\n".join(lines) or None,
            sequence=item.sequence, stamp=item.stamp,
        ))
    for duty in agenda.duties:
        events.append(FeedEvent(
            uid=f"{salt}-justering-{duty.meeting.uid}", start=duty.day, end=duty.day + timedelta(days=1),
            summary=f"Justera protokollet: {c.name} {duty.meeting.date.isoformat()}" + (" (justerat)" if duty.done else ""),
            stamp=duty.stamp or EPOCH, sequence=duty.sequence,
            description=f"Du är justerare för protokollet från sammanträdet {duty.meeting.date.isoformat()}.",
        ))
    body = render(f"{c.name} – {member.name}", f"Sammanträden för {c.name}, med din egen status",
                  c.timezone, events)
    return Feed(body, max((e.stamp for e in events), default=EPOCH))

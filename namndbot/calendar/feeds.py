"""Assembling the committee's and the members' feeds from the service's data.

With a :class:`FeedHistory` (what the feed looked like when last served), an
event's SEQUENCE and DTSTAMP are raised whenever its content changes, however
it changed (a new status, a renamed committee …), and the feed's
Last-Modified is the time its bytes last changed: it moves with every change
and never goes backwards. The caller records the new history
(``Feed.update``, ``FeedService.record``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from ..domain.meeting import DEFAULT_DURATION, Meeting
from ..domain.model import Committee
from ..services.feeds import EventMark, FeedHistory, FeedUpdate, PersonalAgenda
from .feed import FeedEvent, render

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class Feed:
    body: bytes
    last_modified: datetime
    update: FeedUpdate | None = None  # the history to record, if it changed

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'


def _when(t: datetime | date) -> str:
    return f"{t.isoformat()} {t.tzinfo}" if isinstance(t, datetime) else t.isoformat()


def _digest(e: FeedEvent) -> str:
    """The event's content as rendered, SEQUENCE and DTSTAMP left out."""
    text = "\x1f".join(
        (
            e.uid,
            _when(e.start),
            _when(e.end),
            e.summary,
            e.description or "",
            e.location or "",
            "1" if e.cancelled else "0",
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _whole_second(t: datetime) -> datetime:
    return t.astimezone(UTC).replace(microsecond=0)


def _build(
    name: str, description: str, timezone: str, events: Iterable[FeedEvent], history: FeedHistory | None
) -> Feed:
    events = list(events)
    if history is None:  # no history at hand: the stamps the data gives
        body = render(name, description, timezone, events)
        return Feed(body, max((e.stamp for e in events), default=EPOCH))
    now = history.now
    served, changed = [], []
    for e in events:
        digest = _digest(e)
        before = history.events.get(e.uid)
        if before is None:  # new to this feed
            mark = EventMark(digest, e.sequence, e.stamp)
        elif before.digest == digest:  # unchanged: as it was served
            mark = before
        else:  # changed: a higher SEQUENCE, a later DTSTAMP
            mark = EventMark(digest, max(e.sequence, before.sequence + 1), max(e.stamp, now, before.stamp + SECOND))
        if mark != before:
            changed.append((e.uid, mark))
        served.append(replace(e, sequence=mark.sequence, stamp=mark.stamp))
    body = render(name, description, timezone, served)
    digest = hashlib.sha256(body).hexdigest()
    newest = max((e.stamp for e in served), default=EPOCH)
    if history.digest == digest and history.last_modified is not None:
        last_modified = history.last_modified
    elif history.last_modified is None:  # never served before: from now on
        last_modified = _whole_second(max(newest, now))
    else:  # the bytes changed: later than any time served before
        last_modified = _whole_second(max(newest, now, history.last_modified + SECOND))
    update = None
    if changed or history.digest != digest:
        update = FeedUpdate(history.key, history.digest, digest, last_modified, tuple(changed))
    return Feed(body, last_modified, update)


def _title(committee: Committee) -> str:
    return f"Sammanträde {committee.name}"


def _meeting_event(
    committee: Committee,
    m: Meeting,
    *,
    uid: str | None = None,
    summary: str | None = None,
    description: str | None = None,
    sequence: int | None = None,
    stamp: datetime | None = None,
) -> FeedEvent:
    start = m.starts_at(committee.timezone)
    return FeedEvent(
        uid=uid or m.uid,
        start=start,
        end=start + DEFAULT_DURATION,
        summary=summary or _title(committee),
        stamp=stamp or m.updated_at or EPOCH,
        sequence=m.sequence if sequence is None else sequence,
        description=description if description is not None else m.note,
        location=m.location or committee.settings.plats,  # the meeting's own place, else the usual one
        cancelled=m.cancelled,
    )


def committee_feed(committee: Committee, meetings: list[Meeting], history: FeedHistory | None = None) -> Feed:
    """The public feed: meetings only (time, place, main business). No personal data."""
    events = [_meeting_event(committee, m) for m in meetings]
    return _build(
        committee.name, f"Sammanträden för {committee.name} ({committee.short})", committee.timezone, events, history
    )


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
        events.append(
            _meeting_event(
                c,
                m,
                uid=f"{salt}-{m.uid}",
                summary=summary,
                description="\n\n".join(lines) or None,
                sequence=item.sequence,
                stamp=item.stamp,
            )
        )
    for duty in agenda.duties:
        events.append(
            FeedEvent(
                uid=f"{salt}-justering-{duty.meeting.uid}",
                start=duty.day,
                end=duty.day + timedelta(days=1),
                summary=f"Justera protokollet: {c.name} {duty.meeting.date.isoformat()}"
                + (" (justerat)" if duty.done else ""),
                stamp=duty.stamp or EPOCH,
                sequence=duty.sequence,
                description=f"Du är justerare för protokollet från sammanträdet {duty.meeting.date.isoformat()}.",
            )
        )
    return _build(
        f"{c.name} – {member.name}",
        f"Sammanträden för {c.name}, med din egen status",
        c.timezone,
        events,
        agenda.history,
    )


def event_digest(e: FeedEvent) -> str:
    """An event's content as rendered (SEQUENCE and DTSTAMP left out): what tells a change."""
    return _digest(e)


def invitation_event(
    committee: Committee, m: Meeting, marks: Iterable[tuple[str, int, datetime]], *, now: datetime
) -> FeedEvent:
    """The meeting as the committee feed has it (its UID), with a SEQUENCE and DTSTAMP no lower than
    any in ``marks`` (``(digest, sequence, stamp)``: how the feed served it, how it was last mailed),
    one higher than a mark whose content differs, as the feed itself does on a change."""
    e = _meeting_event(committee, m)
    digest = _digest(e)
    for before_digest, before_seq, before_stamp in marks:
        if before_digest == digest:
            e = replace(e, sequence=max(e.sequence, before_seq), stamp=max(e.stamp, before_stamp))
        else:
            e = replace(e, sequence=max(e.sequence, before_seq + 1), stamp=max(e.stamp, now, before_stamp + SECOND))
    return e


def render_invitation(
    committee: Committee, e: FeedEvent, *, method: str, organizer: str, attendee: str, attendee_name: str
) -> bytes:
    """One event as an iCalendar invitation for one member's mail: METHOD:REQUEST (into their
    calendar, or moved there), or METHOD:CANCEL (out of it again)."""
    from icalendar import Calendar, vCalAddress, vText

    from .feed import PRODID, _event, vtimezone

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add_component(vtimezone(committee.timezone))
    ev = _event(e)
    if method == "CANCEL":
        ev.pop("STATUS", None)
        ev.add("status", "CANCELLED")
    org = vCalAddress(f"mailto:{organizer}")
    org.params["cn"] = vText(committee.name)
    ev.add("organizer", org)
    att = vCalAddress(f"mailto:{attendee}")
    att.params["cn"] = vText(attendee_name)
    att.params["role"] = vText("REQ-PARTICIPANT")
    att.params["partstat"] = vText("NEEDS-ACTION")
    att.params["rsvp"] = vText("FALSE")  # the answer is given through the links in the mail
    ev.add("attendee", att)
    cal.add_component(ev)
    return cal.to_ical()

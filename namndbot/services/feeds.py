"""Use cases behind the calendar feeds: which meetings, whose status, and the secret links."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from ..domain.meeting import Meeting
from ..domain.model import Committee, Member
from ..domain.names import match_name
from ..domain.paragraphs import all_of, format_mask
from ..domain.turordning import Plan
from ..storage import feed_version
from .core import NamndService
from .narvaro import NarvaroResult


@dataclass(frozen=True)
class AgendaItem:
    meeting: Meeting
    status: str | None  # the member's own status, e.g. "förhinder anmält"
    sequence: int
    stamp: datetime


@dataclass(frozen=True)
class Duty:
    """A justering the member is to do: a day in their calendar."""

    meeting: Meeting
    day: date
    stamp: datetime
    sequence: int
    done: bool


@dataclass(frozen=True, slots=True)
class EventMark:
    """How an event was last served: a digest of its content, and the SEQUENCE and DTSTAMP it had."""

    digest: str
    sequence: int
    stamp: datetime


@dataclass(frozen=True)
class FeedHistory:
    """What a feed last looked like when served (see ``calendar.feeds``): a change seen now is dated ``now``."""

    key: str  # "c:<committee id>" or "p:<member id>"
    now: datetime
    digest: str | None = None  # of the whole body; None: never served
    last_modified: datetime | None = None
    events: Mapping[str, EventMark] = field(default_factory=dict)


@dataclass(frozen=True)
class FeedUpdate:
    """A feed's history after serving it: to be recorded (``FeedService.record``)."""

    key: str
    based_on: str | None  # the digest it was rendered from
    digest: str
    last_modified: datetime
    events: tuple[tuple[str, EventMark], ...]  # (uid, mark) of the events that changed


@dataclass(frozen=True)
class PersonalAgenda:
    committee: Committee
    member: Member
    items: tuple[AgendaItem, ...]
    duties: tuple[Duty, ...] = ()
    history: FeedHistory | None = None


def personal_status(r: NarvaroResult, key: str) -> str | None:
    """The member's own status at a meeting, in a few Swedish words (None: nothing special)."""
    n = r.plan.paragraphs
    numbered = r.meeting.paragraphs is not None
    own = [a for a in r.anmalningar if a.member == key]
    members = r.roster.by_key()
    serving: dict[str, int] = {}
    for a in r.plan.assignments:
        if a.ersattare == key:
            serving[a.seat] = serving.get(a.seat, 0) | a.mask
    parts = []
    if serving:
        whom = []
        for seat, mask in serving.items():
            text = f"för {members[seat].label}"
            whom.append(
                text
                if mask == all_of(n) or not numbered
                else f"{text} {format_mask(mask, base=r.meeting.first_paragraph)}"
            )
        answered = r.calls.get(key) == "kommer"
        parts.append(f"inkallad att tjänstgöra {' och '.join(whom)}" + ("" if answered else " (inte besvarad)"))
    elif key in r.declined:
        parts.append("du har tackat nej" if r.declined[key] == "avbojt" else "inkallelsen gick vidare (inget svar)")
    for anm in own:
        said = anm.describe(r.meeting.paragraphs, r.meeting.first_paragraph)
        parts.append(
            f"jäv anmält {said.replace(' (jäv)', '')}"
            if anm.jav
            else "förhinder anmält" + ("" if anm.whole else f" {said}")
        )
    return "; ".join(parts) if parts else None


class FeedService:
    def __init__(self, namnd: NamndService) -> None:
        self.namnd = namnd
        self.db = namnd.db

    async def committee_meetings(self, short: str) -> tuple[Committee, list[Meeting], FeedHistory] | None:
        """The committee, its meetings and its public feed's history (``committee_feed(*found)``)."""
        async with self.db.read() as repo:
            stored = await repo.committee(short)
            if stored is None:
                return None
            return stored.committee, await repo.meetings(stored.id), await self._history(repo, f"c:{stored.id}")

    async def _history(self, repo, key: str) -> FeedHistory:
        feed, events = await repo.feed_history(key)
        return FeedHistory(
            key,
            self.namnd.clock(),
            feed[0] if feed else None,
            feed[1] if feed else None,
            {uid: EventMark(*mark) for uid, mark in events.items()},
        )

    async def feed_versions(self) -> dict[str, int]:
        """How often what the feeds show has changed: per committee (by its short name, casefolded),
        and in all (under ``""``)."""
        async with self.db.read() as repo:
            return await feed_version.versions(repo.conn)

    async def record(self, update: FeedUpdate) -> bool:
        """Record a served feed's history; False if another process got there first (render again)."""
        async with self.db.transaction() as repo:
            return await repo.save_feed_history(
                update.key,
                update.based_on,
                update.digest,
                update.last_modified,
                [(uid, m.digest, m.sequence, m.stamp) for uid, m in update.events],
            )

    async def personal(self, token: str) -> PersonalAgenda | None:
        """The agenda behind a personal feed link; None for an unknown or revoked token."""
        async with self.db.read() as repo:
            found = await repo.member_by_feed_token(token)
            if found is None:
                return None
            return await self._agenda(repo, *found)

    async def personal_by_name(self, short: str, name: str) -> PersonalAgenda:
        async with self.db.read() as repo:
            stored = await self.namnd.committee_in(repo, short)
            roster = await repo.roster(stored.id)
            member = match_name(name, roster.members, lambda m: m.name, what="ledamot eller ersättare")
            ids = await repo.member_ids(stored.id)
            return await self._agenda(repo, stored.id, ids[member.key])

    async def _agenda(self, repo, committee_id: int, member_id: int) -> PersonalAgenda:
        stored = await repo.committee_by_id(committee_id)
        member = (await repo.member_by_id(member_id)).member
        changes = await repo.member_changes(member_id)
        items = []
        for meeting in await repo.meetings(committee_id):
            status = None
            if not meeting.cancelled:
                status = personal_status(await self.namnd.narvaro_in(repo, stored, meeting), member.key)
            count, latest = changes.get(meeting.id, (0, meeting.updated_at))
            stamp = max(meeting.updated_at, latest) if meeting.updated_at else latest
            items.append(AgendaItem(meeting, status, meeting.sequence + count, stamp))
        duties = []
        for meeting, j in await repo.justeringar(committee_id):
            if member.key in j.justerare and j.date is not None and not meeting.cancelled:
                changes, latest = await repo.justering_changes(meeting.id)
                stamp = latest or meeting.updated_at
                duties.append(Duty(meeting, j.date, stamp, max(0, changes - 1), j.justerad is not None))
        history = await self._history(repo, f"p:{member_id}")
        return PersonalAgenda(stored.committee, member, tuple(items), tuple(duties), history)

    async def token(self, short: str, name: str, *, rotate: bool = False, actor: str) -> tuple[Member, str, bool]:
        """The member's secret feed token: created on first use, replaced with ``rotate``."""
        now = self.namnd.clock()
        async with self.db.transaction() as repo:
            stored = await self.namnd.committee_in(repo, short)
            roster = await repo.roster(stored.id)
            member = match_name(name, roster.members, lambda m: m.name, what="ledamot eller ersättare")
            ids = await repo.member_ids(stored.id)
            existing = await repo.feed_token(ids[member.key])
            if existing and not rotate:
                return member, existing, False
            token = secrets.token_urlsafe(24)
            await repo.new_feed_token(ids[member.key], token, now)
            await repo.audit(
                now,
                actor,
                "kalenderlank_ny" if not existing else "kalenderlank_bytt",
                committee_id=stored.id,
                member_id=ids[member.key],
                member=member.name,
            )
            return member, token, True

    async def token_for_slack(self, short: str, slack: str, *, actor: str) -> tuple[Member, str] | None:
        """The feed token of the member with this Slack id (the roster's, or one found by email)."""
        async with self.db.read() as repo:
            stored = await repo.committee(short)
            if stored is None:
                return None
            key = next((k for k, s in (await repo.slack_ids(stored.id)).items() if s == slack), None)
            member = (await repo.roster(stored.id)).by_key().get(key) if key else None
        if member is None:
            return None
        member, token, _ = await self.token(short, member.name, actor=actor)
        return member, token


__all__ = [
    "FeedService",
    "PersonalAgenda",
    "AgendaItem",
    "EventMark",
    "FeedHistory",
    "FeedUpdate",
    "personal_status",
    "Plan",
]

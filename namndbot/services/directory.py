"""Who is who: chat users, their committees and roles, and the upcoming meetings.

A snapshot, rebuilt only when something was committed to the database (see
``Database.generation``), so a request can check a user and a date in
microseconds before its report is written.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

from ..domain.meeting import Meeting
from ..domain.model import Committee, Member, Roster
from ..storage import Database


@dataclass(frozen=True)
class Membership:
    committee: str        # short name
    member: Member
    slack: str


@dataclass(frozen=True)
class CommitteeInfo:
    committee: Committee
    roster: Roster
    meetings: tuple[Meeting, ...]            # every meeting, by date
    slack_of: dict[str, str]                 # member key -> Slack id
    secretaries: frozenset[str]
    party_contacts: dict[str, frozenset[str]]  # party -> Slack ids

    def open_meetings(self) -> list[Meeting]:
        return [m for m in self.meetings if not m.cancelled]

    def meeting(self, day: date) -> Meeting | None:
        return next((m for m in self.meetings if m.date == day), None)

    def member_by_slack(self, slack: str) -> Member | None:
        key = next((k for k, s in self.slack_of.items() if s == slack), None)
        return self.roster.by_key().get(key) if key else None

    def may_act_for(self, slack: str, member: Member) -> bool:
        """Oneself, a secretary for anyone, a party contact for the party's members."""
        if self.slack_of.get(member.key) == slack or slack in self.secretaries:
            return True
        return slack in self.party_contacts.get(member.party, frozenset())


@dataclass(frozen=True)
class Directory:
    committees: dict[str, CommitteeInfo] = field(default_factory=dict)
    by_slack: dict[str, list[Membership]] = field(default_factory=dict)
    by_channel: dict[str, str] = field(default_factory=dict)   # channel id -> committee short

    def committees_of(self, slack: str) -> list[str]:
        """Committees where ``slack`` is a member, a secretary or a party contact."""
        out = [m.committee for m in self.by_slack.get(slack, [])]
        for short, info in self.committees.items():
            if (slack in info.secretaries or any(slack in c for c in info.party_contacts.values())) \
                    and short not in out:
                out.append(short)
        return out


class DirectoryCache:
    def __init__(self, db: Database, recheck: float = 0.05) -> None:
        self.db = db
        self.recheck = recheck
        self._dir: Directory | None = None
        self._generation: tuple[int, int] | None = None
        self._checked = 0.0

    async def get(self) -> Directory:
        now = time.monotonic()
        if self._dir is not None and self._generation is not None and self._generation[0] == self.db.commits \
                and now - self._checked < self.recheck:
            return self._dir
        generation = await self.db.generation()
        self._checked = now
        if self._dir is None or generation != self._generation:
            self._dir = await self._build()
            self._generation = generation
        return self._dir

    async def _build(self) -> Directory:
        committees: dict[str, CommitteeInfo] = {}
        by_slack: dict[str, list[Membership]] = {}
        by_channel: dict[str, str] = {}
        async with self.db.read() as repo:
            for stored in await repo.committees():
                c = stored.committee
                roster = await repo.roster(stored.id)
                slack_of = await repo.slack_ids(stored.id)
                contacts: dict[str, set[str]] = {}
                for k in stored.partikontakter:
                    contacts.setdefault(k.party, set()).add(k.slack)
                committees[c.short] = CommitteeInfo(
                    committee=c, roster=roster, meetings=tuple(await repo.meetings(stored.id)),
                    slack_of=slack_of, secretaries=frozenset(c.secretaries),
                    party_contacts={p: frozenset(s) for p, s in contacts.items()},
                )
                members = roster.by_key()
                for key, slack in slack_of.items():
                    by_slack.setdefault(slack, []).append(Membership(c.short, members[key], slack))
                for channel in (c.channel, c.secretaries_channel):
                    if channel:
                        by_channel[channel] = c.short
        return Directory(committees, by_slack, by_channel)

"""Who is who: chat users, their committees and roles, and the upcoming meetings.

A snapshot, rebuilt only when something was committed to the database (see
``Database.generation``), so a request can check a user and a date in
microseconds before its report is written.
"""

from __future__ import annotations

import asyncio
import functools
import time
from dataclasses import dataclass, field
from datetime import date

from ..domain.meeting import Meeting
from ..domain.model import Committee, Member, Roster
from ..storage import Database


@dataclass(frozen=True)
class Membership:
    committee: str  # short name
    member: Member
    slack: str


@dataclass(frozen=True, eq=False)
class CommitteeInfo:
    committee: Committee
    roster: Roster
    meetings: tuple[Meeting, ...]  # every meeting, by date
    slack_of: dict[str, str]  # member key -> Slack id
    secretaries: frozenset[str]
    party_contacts: dict[str, frozenset[str]]  # party -> Slack ids

    def open_meetings(self) -> list[Meeting]:
        return [m for m in self.meetings if not m.cancelled]

    def meeting(self, day: date) -> Meeting | None:
        return next((m for m in self.meetings if m.date == day), None)

    def member_by_slack(self, slack: str) -> Member | None:
        return self.by_slack_id.get(slack)

    @functools.cached_property
    def by_slack_id(self) -> dict[str, Member]:
        members = self.roster.by_key()
        return {s: members[k] for k, s in self.slack_of.items() if k in members}

    def may_act_for(self, slack: str, member: Member) -> bool:
        return self.roster.may_act_for(slack, member, self.member_by_slack(slack))


@dataclass(frozen=True, eq=False)
class Directory:
    committees: dict[str, CommitteeInfo] = field(default_factory=dict)
    by_slack: dict[str, list[Membership]] = field(default_factory=dict)
    by_channel: dict[str, str] = field(default_factory=dict)  # channel id -> committee short
    _views: dict[tuple[str | None, bool], Directory] = field(default_factory=dict, compare=False, repr=False)

    def for_team(self, team: str | None, *, strict: bool = False) -> Directory:
        """What a request from workspace ``team`` may see: the committees of that workspace, and
        (unless ``strict``, as with a single bot token) those that name no workspace. Without a
        team: everything with one workspace, nothing with many (``strict``)."""
        if team is None and not strict:
            return self
        key = (team, strict)
        cached = self._views.get(key)
        if cached is not None:
            return cached
        keep = {
            short: info
            for short, info in self.committees.items()
            if (team is not None and info.committee.workspace == team)
            or (info.committee.workspace is None and not strict)
        }
        view = Directory(
            keep,
            {
                slack: kept
                for slack, memberships in self.by_slack.items()
                if (kept := [m for m in memberships if m.committee in keep])
            },
            {channel: short for channel, short in self.by_channel.items() if short in keep},
        )
        self._views[key] = view
        return view

    def workspace_of(self, short: str) -> str | None:
        info = self.committees.get(short)
        return info.committee.workspace if info else None

    def workspaces_of_target(self, target: str) -> list[str | None]:
        """The workspaces of the committees whose channel, secretary, party contact or member
        ``target`` (a channel or user id) is; in a stable order."""
        found: list[str | None] = []
        short = self.by_channel.get(target)
        if short is not None:
            found.append(self.committees[short].committee.workspace)
        for short in self.committees_of(target):
            ws = self.committees[short].committee.workspace
            if ws not in found:
                found.append(ws)
        return found

    def committee_of_meeting(self, meeting_id: int) -> str | None:
        return self._meeting_committee.get(meeting_id)

    @functools.cached_property
    def _meeting_committee(self) -> dict[int, str]:
        return {m.id: short for short, info in self.committees.items() for m in info.meetings}

    def committees_of(self, slack: str) -> list[str]:
        """Committees where ``slack`` is a member, a secretary or a party contact."""
        out = [m.committee for m in self.by_slack.get(slack, [])]
        for short, info in self.committees.items():
            if (
                slack in info.secretaries or any(slack in c for c in info.party_contacts.values())
            ) and short not in out:
                out.append(short)
        return out


class DirectoryCache:
    """The directory, rebuilt when the catalog changes.

    Changes made through this process's Database are seen at once (it counts
    them); another process's commits (the CLI, another bot on PostgreSQL) are noticed through
    ``PRAGMA data_version`` (PostgreSQL: NOTIFY), checked at most every ``recheck`` seconds, so a
    burst of requests costs no database round trip here.
    """

    def __init__(self, db: Database, recheck: float = 0.5, *, strict: bool = False) -> None:
        self.db = db
        self.recheck = recheck
        # Many workspaces (OAuth): a request sees only its own workspace's committees; a committee
        # that names no workspace is nobody's. With one bot token it is everybody's.
        self.strict = strict
        self._dir: Directory | None = None
        self._built_for: tuple[int, int] | None = None  # (catalog changes, data_version)
        self._checked = 0.0
        self._refresh: asyncio.Future | None = None

    async def get(self) -> Directory:
        now = time.monotonic()
        if (
            self._dir is not None
            and self._built_for is not None
            and self._built_for[0] == self.db.catalog_changes
            and now - self._checked < self.recheck
        ):
            return self._dir
        # One check at a time: a burst of requests shares it instead of queueing a database
        # round trip each.
        if self._refresh is None or self._refresh.done():
            self._refresh = asyncio.ensure_future(self._check())
        return await asyncio.shield(self._refresh)

    async def seen_from(self, team: str | None) -> Directory:
        """The directory as a request from workspace ``team`` may see it (see ``Directory.for_team``)."""
        return (await self.get()).for_team(team, strict=self.strict)

    async def _check(self) -> Directory:
        data_version = await self.db.catalog_version()  # moves only with other connections' commits
        key = (self.db.catalog_changes, data_version)
        if self._dir is None or key != self._built_for:
            self._dir = await self._build()
            self._built_for = key
        self._checked = time.monotonic()
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
                    committee=c,
                    roster=roster,
                    meetings=tuple(await repo.meetings(stored.id)),
                    slack_of=slack_of,
                    secretaries=frozenset(c.secretaries),
                    party_contacts={p: frozenset(s) for p, s in contacts.items()},
                )
                members = roster.by_key()
                for key, slack in slack_of.items():
                    by_slack.setdefault(slack, []).append(Membership(c.short, members[key], slack))
                for channel in (c.channel, c.secretaries_channel):
                    if channel:
                        by_channel[channel] = c.short
        return Directory(committees, by_slack, by_channel)

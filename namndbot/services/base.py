"""What every use case stands on: the database, the clock, one transaction, and finding the committee,
the meeting and the person a name means (with a Swedish message when there is none).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from ..domain.errors import NamndbotError, NotFound, RuleError
from ..domain.meeting import Meeting
from ..domain.model import Member, Roster
from ..domain.names import join_names, match_name
from ..storage import Database
from ..storage.repository import Repository, StoredCommittee

Clock = Callable[[], datetime]
T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


class GrundTjanst:
    """The service's state and the lookups all use cases share."""

    def __init__(self, db: Database, clock: Clock = utcnow, default_timezone: str = "Europe/Stockholm") -> None:
        self.db = db
        self.clock = clock
        self.default_timezone = default_timezone

    async def _tx(self, fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        async with self.db.transaction() as repo:
            return await fn(repo, self.clock(), *args, **kwargs)

    async def committee_in(self, repo: Repository, short: str) -> StoredCommittee:
        stored = await repo.committee(short)
        if stored is None:
            known = [c.committee.short for c in await repo.committees()]
            hint = (
                f"Kända nämnder: {join_names(known)}."
                if known
                else "Importera en roster först: ”namndbot roster import FIL.toml”."
            )
            raise NotFound(f"Nämnden ”{short}” finns inte.", hint=hint)
        return stored

    async def meeting_in(self, repo: Repository, stored: StoredCommittee, day: date) -> Meeting:
        meeting = await repo.meeting(stored.id, day)
        if meeting is None:
            upcoming = [m.date.isoformat() for m in await repo.meetings(stored.id) if not m.cancelled]
            nearest = sorted(upcoming, key=lambda d: abs((date.fromisoformat(d) - day).days))[:3]
            hint = (
                f"Närmaste sammanträden: {join_names(sorted(nearest))}."
                if nearest
                else ("Lägg till det med ”namndbot meeting add”.")
            )
            raise NotFound(f"{stored.committee.short} har inget sammanträde {day.isoformat()}.", hint=hint)
        return meeting

    async def _open_meeting(self, repo: Repository, stored: StoredCommittee, day: date) -> Meeting:
        meeting = await self.meeting_in(repo, stored, day)
        if meeting.cancelled:
            raise RuleError(f"Sammanträdet {day.isoformat()} är inställt.")
        return meeting

    async def _who(
        self, repo: Repository, short: str, day: date, name: str, *, ersattare_only: bool = False
    ) -> tuple[StoredCommittee, Meeting, Roster, Member, dict[str, int]]:
        """The committee, its open meeting that day, the roster, the person ``name`` means, and member ids."""
        stored = await self.committee_in(repo, short)
        meeting = await self._open_meeting(repo, stored, day)
        roster = await repo.roster_for(meeting, stored.id)
        if ersattare_only:
            member = self._ersattare(roster, name)
        else:
            member = match_name(name, roster.members, lambda m: m.name, what="ledamot eller ersättare")
        return stored, meeting, roster, member, await repo.member_ids(stored.id)

    def _ersattare(self, roster: Roster, name: str) -> Member:
        try:
            return match_name(name, roster.ersattare, lambda m: m.name, what="ersättare")
        except NamndbotError:
            ledamot = [m for m in roster.ledamoter if _loose_match(name, m)]
            if ledamot:
                raise RuleError(
                    f"{ledamot[0].label} är ledamot, inte ersättare.",
                    hint="En ledamot som inte kan komma anmäler förhinder: ”forhinder add”.",
                ) from None
            raise


def _loose_match(name: str, m: Member) -> bool:
    try:
        match_name(name, [m], lambda x: x.name)
        return True
    except NamndbotError:
        return False

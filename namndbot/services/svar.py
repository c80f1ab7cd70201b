"""A called-in ersättare's answer: "Jag kommer", or declining (also recorded when no answer came)."""

from __future__ import annotations

from datetime import date, datetime

from ..domain.dates import svensk_datum
from ..domain.errors import RuleError
from ..domain.meeting import Meeting
from ..domain.model import Member, Roster
from ..domain.names import join_names
from ..domain.turordning import Assignment
from ..storage.repository import Repository
from .forhinder import ForhinderResult
from .planering import PlaneringTjanst


class CallNoLongerValid(RuleError):
    """An ersättare answers a call that has been withdrawn or passed on."""

    def __init__(self, member: Member, meeting: Meeting, assignments: tuple[Assignment, ...], roster: Roster) -> None:
        members = roster.by_key()
        serving = [
            f"{members[a.ersattare].label} för {members[a.seat].label}"
            for a in assignments
            if a.ersattare in members and a.seat in members
        ]
        instead = f" I stället tjänstgör {join_names(dict.fromkeys(serving))}." if serving else ""
        super().__init__(
            f"Tack för svaret! Inkallelsen till sammanträdet {svensk_datum(meeting.date)} har dock "
            f"redan gått vidare, så du behövs inte längre.{instead}"
        )


class SvarTjanst(PlaneringTjanst):
    async def decline(self, short: str, day: date, name: str, *, actor: str, kind: str = "avbojt") -> ForhinderResult:
        return await self._tx(self.decline_in, short, day, name, actor=actor, kind=kind)

    async def decline_in(
        self, repo: Repository, now: datetime, short: str, day: date, name: str, *, actor: str, kind: str = "avbojt"
    ) -> ForhinderResult:
        stored, meeting, roster, member, ids = await self._who(repo, short, day, name, ersattare_only=True)
        declined = await repo.declined(meeting.id)
        if member.key in declined:
            return ForhinderResult(member, None, await self._unchanged(repo, stored.id, meeting), already=True)
        await repo.add_decline(meeting.id, ids[member.key], kind, now, actor)
        await repo.audit(
            now,
            actor,
            "ersattare_decline",
            committee_id=stored.id,
            meeting_id=meeting.id,
            member_id=ids[member.key],
            member=member.name,
            kind=kind,
        )
        await repo.add_event(
            now, "narvaro_andrad", committee_id=stored.id, meeting_id=meeting.id, member_id=ids[member.key]
        )
        change = await self.replan_in(
            repo, stored.id, meeting, now, actor, release_reason="ej_svar" if kind == "ej_svar" else None
        )
        said = await self._justerare_hindrad(repo, now, stored, meeting, member, ids[member.key], change)
        return ForhinderResult(member, None, change, warnings=said)

    async def answer(self, short: str, day: date, name: str, *, actor: str) -> ForhinderResult:
        return await self._tx(self.answer_in, short, day, name, actor=actor)

    async def answer_in(
        self, repo: Repository, now: datetime, short: str, day: date, name: str, *, actor: str
    ) -> ForhinderResult:
        """A called-in ersättare says "Jag kommer"."""
        stored, meeting, roster, member, ids = await self._who(repo, short, day, name, ersattare_only=True)
        calls = await repo.inkallelser(meeting.id)
        current = await self._unchanged(repo, stored.id, meeting)
        if member.key not in calls:
            last = await repo.last_call(meeting.id, ids[member.key])
            if last is None:  # never called in (a secretary's `ersattare accept` for the wrong person)
                raise RuleError(
                    f"{member.label} är inte inkallad till sammanträdet {svensk_datum(meeting.date)}; "
                    "ett ja kan bara registreras för den som är inkallad.",
                    hint="Se vilka som är inkallade med namndbot narvaro.",
                )
            serves = last.get("serves", "")
            seats = [m.key for m in roster.ledamoter if f"för {m.label}" in serves]
            serving = [a for a in current.plan.assignments if a.seat in seats]
            raise CallNoLongerValid(member, meeting, tuple(serving), roster)
        if calls[member.key].status == "kommer":
            return ForhinderResult(member, None, current, already=True)
        await repo.answer(meeting.id, ids[member.key], now)
        await repo.audit(
            now,
            actor,
            "inkallelse_besvarad",
            committee_id=stored.id,
            meeting_id=meeting.id,
            member_id=ids[member.key],
            member=member.name,
            svar="kommer",
        )
        await repo.add_event(
            now, "narvaro_andrad", committee_id=stored.id, meeting_id=meeting.id, member_id=ids[member.key]
        )
        return ForhinderResult(member, None, current)

"""Förhinder: a member reports (or withdraws) that they cannot attend, the whole meeting or some
paragraphs; the meeting is re-planned. No reason is ever asked for or stored.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from ..domain.dates import svensk_datum
from ..domain.errors import NotFound, RuleError
from ..domain.meeting import CLI_ORD, Anmalan, Meeting, Ord, absence
from ..domain.model import Member
from ..domain.names import join_names
from ..storage.repository import Repository
from .planering import PlanChange, PlaneringTjanst


@dataclass(frozen=True)
class ForhinderResult:
    member: Member
    anmalan: Anmalan | None
    change: PlanChange
    already: bool = False
    warnings: tuple[str, ...] = ()  # for the one who reported it (a justerare who can no longer justera)


class ForhinderTjanst(PlaneringTjanst):
    async def add_forhinder(
        self,
        short: str,
        day: date,
        name: str,
        *,
        until_paragraph: int | None = None,
        from_paragraph: int | None = None,
        span: tuple[int, int] | None = None,
        jav: bool = False,
        tid: str | None = None,
        actor: str,
    ) -> ForhinderResult:
        return await self._tx(
            self.add_forhinder_in,
            short,
            day,
            name,
            until_paragraph=until_paragraph,
            from_paragraph=from_paragraph,
            span=span,
            jav=jav,
            tid=tid,
            actor=actor,
        )

    async def add_forhinder_in(
        self,
        repo: Repository,
        now: datetime,
        short: str,
        day: date,
        name: str,
        *,
        until_paragraph: int | None = None,
        from_paragraph: int | None = None,
        span: tuple[int, int] | None = None,
        jav: bool = False,
        tid: str | None = None,
        actor: str,
        ord: Ord = CLI_ORD,
    ) -> ForhinderResult:
        stored, meeting, roster, member, ids = await self._who(repo, short, day, name)
        first, last = absence(
            meeting.paragraphs,
            until_paragraph=until_paragraph,
            from_paragraph=from_paragraph,
            span=span,
            jav=jav,
            vaxeltjanstgoring=stored.committee.settings.vaxeltjanstgoring,
            is_ledamot=member.is_ledamot,
            meeting_label=f" {day.isoformat()}",
            ord=ord,
            base=meeting.first_paragraph,
        )
        if tid is not None and (first, last) != (None, None):
            raise RuleError("Ange antingen en tid eller paragrafer, inte båda.")
        if meeting.started and meeting.current_paragraph and first is None and last is None and tid is None:
            # Under way: a change takes effect from the next paragraph.
            if meeting.current_paragraph >= meeting.units:
                raise RuleError("Sammanträdet har redan behandlat sin sista paragraf.")
            first = meeting.current_paragraph + 1
        anmalan = Anmalan(member.key, first, last, jav, tid)
        existing = [a for a in await repo.anmalningar(meeting.id) if a.member == member.key]
        if anmalan in existing:
            return ForhinderResult(member, anmalan, await self._unchanged(repo, stored.id, meeting), already=True)
        if not jav:
            await repo.remove_forhinder(meeting.id, ids[member.key], jav=False)
            # Under way: what was handled stays as it was (the protocol must say so).
            kept_parts = {_handled_part(a, meeting, before=anmalan.first or 1) for a in existing if not a.jav}
            for kept in sorted((k for k in kept_parts if k is not None and k != anmalan), key=lambda k: k.first or 1):
                await repo.add_forhinder(meeting.id, ids[member.key], kept, now, actor)
        await repo.add_forhinder(meeting.id, ids[member.key], anmalan, now, actor)
        await repo.audit(
            now,
            actor,
            "forhinder_add",
            committee_id=stored.id,
            meeting_id=meeting.id,
            member_id=ids[member.key],
            member=member.name,
            paragraphs=anmalan.describe(meeting.paragraphs, meeting.first_paragraph),
            jav=jav,
        )
        await repo.add_event(
            now, "narvaro_andrad", committee_id=stored.id, meeting_id=meeting.id, member_id=ids[member.key]
        )
        change = await self.replan_in(repo, stored.id, meeting, now, actor)
        said = await self._justerare_hindrad(repo, now, stored, meeting, member, ids[member.key], change)
        return ForhinderResult(member, anmalan, change, warnings=said)

    async def remove_forhinder(self, short: str, day: date, name: str, *, actor: str) -> ForhinderResult:
        return await self._tx(self.remove_forhinder_in, short, day, name, actor=actor)

    async def remove_forhinder_in(
        self,
        repo: Repository,
        now: datetime,
        short: str,
        day: date,
        name: str,
        *,
        actor: str,
        only: Anmalan | None = None,
    ) -> ForhinderResult:
        """Withdraw a member's förhinder (all, or ``only`` the one an Ångra button belongs to)."""
        stored, meeting, roster, member, ids = await self._who(repo, short, day, name)
        own = [a for a in await repo.anmalningar(meeting.id) if a.member == member.key]
        if meeting.started and member.is_ledamot and not stored.committee.settings.vaxeltjanstgoring:
            for a in own:
                left_at = a.first or 1
                if not a.jav and left_at > 1 and left_at <= meeting.current_paragraph:
                    raise RuleError(
                        f"{member.label} lämnade sammanträdet vid § {meeting.nr(left_at)} och får inte tjänstgöra "
                        "igen samma dag (växeltjänstgöring är inte tillåten).",
                        hint="Nämnder vars reglemente tillåter det sätter vaxeltjanstgoring = true i rosterfilen.",
                    )
        existing = [a for a in own if only is None or a == replace(only, member=member.key)]
        removed = await repo.remove_forhinder(
            meeting.id, ids[member.key], only=replace(only, member=member.key) if only else None
        )
        if not removed:
            if only is not None and own:  # nothing removed: ``own`` is what is in force now
                raise NotFound(
                    "Det förhindret är redan ändrat eller återkallat. Det som gäller nu för "
                    f"{member.label}: "
                    f"{join_names([a.confirm(meeting.paragraphs, meeting.first_paragraph) for a in own])}.",
                    hint="Återkalla det med /namnd återkalla, eller anmäl ett nytt förhinder.",
                )
            raise NotFound(f"{member.label} har inget förhinder anmält till sammanträdet {svensk_datum(day)}.")
        # Under way: what was handled stays as it was (the protocol must say so); from the next
        # paragraph the member is back.
        for a in existing:
            kept = _handled_part(a, meeting)
            if kept is not None:
                await repo.add_forhinder(meeting.id, ids[member.key], kept, now, actor)
        await repo.audit(
            now,
            actor,
            "forhinder_remove",
            committee_id=stored.id,
            meeting_id=meeting.id,
            member_id=ids[member.key],
            member=member.name,
        )
        await repo.add_event(
            now, "narvaro_andrad", committee_id=stored.id, meeting_id=meeting.id, member_id=ids[member.key]
        )
        change = await self.replan_in(repo, stored.id, meeting, now, actor)
        said: tuple[str, ...] = ()
        if any(a.whole and not a.jav for a in existing):  # it kept them from justera
            said = await self._justerare_hindrad(
                repo, now, stored, meeting, member, ids[member.key], change, withdrawn=True
            )
        return ForhinderResult(member, None, change, warnings=said)


def _handled_part(a: Anmalan, meeting: Meeting, *, before: int | None = None) -> Anmalan | None:
    """The part of ``a`` the meeting has already dealt with (up to its current paragraph, and before
    § ``before``), which a later change leaves as it was; None before the meeting or if nothing was."""
    if not (meeting.started and meeting.current_paragraph) or a.leaves_later:
        return None
    first = a.first or 1
    last = min(a.last or meeting.units, meeting.current_paragraph, (before or meeting.units + 1) - 1)
    if first > last:
        return None
    return Anmalan(a.member, a.first, last, a.jav, None)

"""Re-planning a meeting: run the turordning engine over what is stored, store the new plan, and
audit and record for whom it changed (called in, call changed, released).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain.justerare import hinder
from ..domain.meeting import Anmalan, Meeting
from ..domain.model import Member, Roster
from ..domain.paragraphs import format_mask, span_words
from ..domain.turordning import Assignment, Plan, Situation, plan
from ..storage.repository import Repository, StoredCommittee
from .base import GrundTjanst


# -- results ----------------------------------------------------------------------
@dataclass(frozen=True)
class Call:
    """An ersättare's part of a plan: which seats, which paragraphs."""

    ersattare: Member
    seats: tuple[tuple[Member, int], ...]  # (ledamot, mask)

    def describe(self, paragraphs: int, base: int = 1) -> str:
        everything = (1 << paragraphs) - 1
        parts = []
        for seat, mask in self.seats:
            text = f"för {seat.label}"
            parts.append(text if mask == everything else f"{text} {format_mask(mask, base=base)}")
        return f"{self.ersattare.label} " + " och ".join(parts)


@dataclass(frozen=True)
class PlanChange:
    meeting: Meeting
    plan: Plan
    roster: Roster
    called: tuple[Call, ...] = ()  # newly called in
    changed: tuple[Call, ...] = ()  # still called, for other seats or paragraphs
    released: tuple[Member, ...] = ()  # no longer needed
    displaced: tuple[Member, ...] = ()  # released because an ersättare of the seat's own party took over

    @property
    def empty(self) -> bool:
        return not (self.called or self.changed or self.released)


class PlaneringTjanst(GrundTjanst):
    """The engine's part every use case that changes a meeting ends with."""

    async def _situation(
        self, repo: Repository, roster: Roster, meeting: Meeting
    ) -> tuple[Situation, list[Anmalan], dict[str, str]]:
        anmalningar = await repo.anmalningar(meeting.id)
        declined = await repo.declined(meeting.id)
        previous = await repo.assignments(meeting.id)
        present = None
        arrived: dict[str, int] = {}
        if meeting.started:
            arrived = await repo.present(meeting.id)
            present = frozenset(arrived)
        n = meeting.units
        situation = Situation(
            roster=roster,
            paragraphs=n,
            forhinder=tuple(f for a in anmalningar if (f := a.resolve(n)) is not None),
            declined=frozenset(declined),
            previous=tuple(previous),
            present=present,
            frozen_through=meeting.current_paragraph if meeting.started else 0,
            arrived=arrived,
            base=meeting.first_paragraph,
        )
        return situation, anmalningar, declined

    async def _unchanged(self, repo: Repository, committee_id: int, meeting: Meeting) -> PlanChange:
        roster = await repo.roster_for(meeting, committee_id)
        situation, _, _ = await self._situation(repo, roster, meeting)
        return PlanChange(meeting, plan(situation), roster)

    async def replan_in(
        self,
        repo: Repository,
        committee_id: int,
        meeting: Meeting,
        now: datetime,
        actor: str,
        *,
        old_units: int | None = None,
        release_reason: str | None = None,
    ) -> PlanChange:
        """Run the engine, store its plan, audit, record events and return what changed for whom."""
        roster = await repo.roster_for(meeting, committee_id)
        situation, _, _ = await self._situation(repo, roster, meeting)
        new = Plan(meeting.units, (), (), base=meeting.first_paragraph) if meeting.cancelled else plan(situation)
        old = situation.previous
        ids = await repo.member_ids(committee_id)
        change = diff(meeting, roster, old, new, old_units)
        where = {"committee_id": committee_id, "meeting_id": meeting.id}
        members = roster.by_key()
        handled = meeting.current_paragraph if meeting.started else 0
        for v in new.vacancies:  # rule 7: an open seat is reported, once (not one in paragraphs already handled)
            if v.last > handled and await repo.alert_vacancy(meeting.id, v.seat, v.first, v.last, now):
                label = members[v.seat].label
                where_text = span_words(v.first, v.last, new.paragraphs, base=new.base)
                await repo.add_event(now, "vakans", **where, seat=label, party=v.party, paragraphs=where_text)
        if change.empty and tuple(old) == new.assignments:
            return change
        await repo.replace_assignments(meeting.id, new.assignments, ids)
        n = new.paragraphs
        for call in change.called:
            member_id = ids[call.ersattare.key]
            reasons = [a.explanation for a in new.assignments if a.ersattare == call.ersattare.key]
            first = min(a.first for a in new.assignments if a.ersattare == call.ersattare.key)
            await repo.call_in(meeting.id, member_id, now)
            await repo.audit(
                now,
                actor,
                "inkallad",
                **where,
                member_id=member_id,
                member=call.ersattare.name,
                serves=call.describe(n, new.base),
                reason=reasons,
            )
            await repo.add_event(
                now,
                "inkallad",
                **where,
                member_id=member_id,
                serves=call.describe(n, new.base),
                reason=reasons[0] if reasons else "",
                during=meeting.started,
                from_paragraph=first,
                parties=sorted({s.party for s, _ in call.seats}),
            )
            if meeting.started:  # the chair calls in someone present: no answer to wait for
                await repo.answer(meeting.id, member_id, now)
        for call in change.changed:
            member_id = ids[call.ersattare.key]
            await repo.audit(
                now,
                actor,
                "inkallelse_andrad",
                **where,
                member_id=member_id,
                member=call.ersattare.name,
                serves=call.describe(n, new.base),
            )
            await repo.add_event(
                now, "inkallelse_andrad", **where, member_id=member_id, serves=call.describe(n, new.base)
            )
        for member in change.released:
            member_id = ids[member.key]
            displaced = member in change.displaced
            await repo.release(meeting.id, member_id)
            await repo.audit(
                now, actor, "entledigad", **where, member_id=member_id, member=member.name, took_over=displaced
            )
            await repo.add_event(
                now,
                "entledigad",
                **where,
                member_id=member_id,
                displaced=displaced,
                reason=release_reason if member.key in situation.declined else None,
            )
        await repo.add_event(now, "narvaro_andrad", **where)
        return change

    async def _justerare_hindrad(
        self,
        repo: Repository,
        now: datetime,
        stored: StoredCommittee,
        meeting: Meeting,
        member: Member,
        member_id: int,
        change: PlanChange,
        *,
        withdrawn: bool = False,
    ) -> tuple[str, ...]:
        """A chosen justerare who can no longer justera (förhinder for the whole meeting, or an ersättare
        who no longer serves): the secretaries are told, to choose another (event ``justerare_hindrad``).
        ``withdrawn``: the member took back a förhinder for the whole meeting; if they can justera now,
        the secretaries are told that they need not choose another (event ``justerare_tillbaka``)."""
        row = await repo.justering(meeting.id)
        if row is None or row.justerad is not None or member.key not in row.justerare:
            return ()
        anmalningar = await repo.anmalningar(meeting.id)
        hindrad = hinder(member, anmalningar, {a.ersattare for a in change.plan.assignments}) is not None
        if hindrad == withdrawn:
            return ()
        where = {"committee_id": stored.id, "meeting_id": meeting.id, "member_id": member_id}
        said = f"{member.label} är vald till justerare av protokollet från sammanträdet och kan "
        if withdrawn:
            await repo.add_event(now, "justerare_tillbaka", **where, justerare=member.label)
            return (said + "justera det igen; sekreterarna har fått veta.",)
        whole = any(a.member == member.key and a.whole and not a.jav for a in anmalningar)
        reason = "forhinder" if whole else "tjanstgor_inte"
        await repo.add_event(now, "justerare_hindrad", **where, justerare=member.label, reason=reason)
        return (said + "inte längre justera det; sekreterarna har fått veta och behöver välja en annan.",)


def diff(
    meeting: Meeting, roster: Roster, old: tuple[Assignment, ...], new: Plan, old_units: int | None = None
) -> PlanChange:
    """Who is newly called in, whose call changed, who is released. ``old_units``: the number of
    paragraphs the old plan was made for (a whole-meeting call stays whole when it changes)."""
    members = roster.by_key()
    everything = (1 << new.paragraphs) - 1

    def by_person(assignments: tuple[Assignment, ...], units: int) -> dict[str, dict[str, int]]:
        whole = (1 << units) - 1
        out: dict[str, dict[str, int]] = {}
        for a in assignments:
            if a.ersattare in members and a.seat in members:
                seats = out.setdefault(a.ersattare, {})
                seats[a.seat] = seats.get(a.seat, 0) | a.mask
        for seats in out.values():
            for seat, mask in seats.items():
                if mask == whole:
                    seats[seat] = everything
        return out

    before = by_person(old, old_units or new.paragraphs)
    after = by_person(new.assignments, new.paragraphs)

    def call(key: str, seats: dict[str, int]) -> Call:
        return Call(members[key], tuple((members[s], m) for s, m in seats.items()))

    called = tuple(call(k, v) for k, v in after.items() if k not in before)
    changed = tuple(call(k, v) for k, v in after.items() if k in before and before[k] != v)
    released = tuple(members[k] for k in before if k not in after)
    took_over = {a.seat for a in new.assignments if a.rule.value == "overtog_fran_annat_parti"}
    displaced = tuple(members[k] for k in before if k not in after and any(s in took_over for s in before[k]))
    return PlanChange(meeting, new, roster, called, changed, released, displaced)

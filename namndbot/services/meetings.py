"""Meetings: adding, changing and cancelling them, and the meeting under way (opened, an ersättare
arriving late, the paragraph being dealt with).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from ..domain.dates import svensk_datum
from ..domain.errors import RuleError
from ..domain.meeting import INSTALLD, PLANERAD, Anmalan, Meeting, first_number
from ..domain.names import antal
from ..domain.paragraphs import range_text
from ..storage.repository import Repository, StoredCommittee
from .planering import PlanChange, PlaneringTjanst


@dataclass(frozen=True)
class MeetingResult:
    meeting: Meeting
    created: bool
    changed: bool
    replan: PlanChange | None = None
    warnings: tuple[str, ...] = ()  # what the secretary should look at (numbers shared with another meeting)


class SammantradeTjanst(PlaneringTjanst):
    async def add_meeting(
        self,
        short: str,
        day: date,
        *,
        start: time | None = None,
        paragraphs: int | None = None,
        first_paragraph: int | None = None,
        location: str | None = None,
        note: str | None = None,
        actor: str,
    ) -> MeetingResult:
        return await self._tx(
            self.add_meeting_in,
            short,
            day,
            start=start,
            paragraphs=paragraphs,
            first_paragraph=first_paragraph,
            location=location,
            note=note,
            actor=actor,
        )

    async def add_meeting_in(
        self,
        repo: Repository,
        now: datetime,
        short: str,
        day: date,
        *,
        start: time | None = None,
        paragraphs: int | None = None,
        first_paragraph: int | None = None,
        location: str | None = None,
        note: str | None = None,
        actor: str,
    ) -> MeetingResult:
        """``paragraphs``: how many; ``first_paragraph``: the protocol's number of the first (194 for
        §§ 194–219). Without it the committee's ``paragrafnumrering`` decides (1, or through the year)."""
        if paragraphs is not None and not 1 <= paragraphs <= 999:
            raise RuleError(f"Antalet paragrafer ska vara mellan 1 och 999, inte {paragraphs}.")
        if first_paragraph is not None and not 1 <= first_paragraph <= 9999:
            raise RuleError(f"Paragrafnumret ska vara mellan 1 och 9999, inte {first_paragraph}.")
        stored = await self.committee_in(repo, short)
        existing = await repo.meeting(stored.id, day)
        first = existing.first_paragraph if existing else 1
        if first_paragraph is not None:
            first = first_paragraph
        elif paragraphs is not None and (existing is None or existing.paragraphs is None):
            # Numbers once given stay: only a meeting that has none yet is numbered from the year's
            # earlier meetings (a new count for one that has them keeps its first number).
            year = await repo.meetings(stored.id, start=date(day.year, 1, 1), end=date(day.year, 12, 31))
            first = first_number(year, day, stored.committee.settings.paragrafnumrering)
            if stored.committee.settings.paragrafnumrering == "lopande":
                overlap = _overlap(year, day, first, paragraphs)
                if overlap:
                    raise RuleError(
                        overlap,
                        hint="Ange numren själv med ”meeting add … --paragraphs A-B” (de nummer protokollet får).",
                    )
        if existing is None:
            meeting = Meeting(
                committee=stored.committee.short,
                date=day,
                start=start or stored.committee.default_start,
                paragraphs=paragraphs,
                first_paragraph=first,
                location=_clean(location) or stored.committee.settings.plats,
                note=_clean(note),
                uid=f"{uuid.uuid4()}@namndbot",
                updated_at=now,
            )
            meeting_id = await repo.insert_meeting(stored.id, meeting, now)
            meeting = replace(meeting, id=meeting_id)
            await repo.audit(
                now,
                actor,
                "meeting_add",
                committee_id=stored.id,
                meeting_id=meeting_id,
                date=day,
                start=meeting.start.strftime("%H:%M"),
                paragraphs=paragraphs,
                first_paragraph=meeting.first_paragraph,
            )
            await repo.add_event(now, "meeting_andrad", committee_id=stored.id, meeting_id=meeting_id)
            return MeetingResult(
                meeting, created=True, changed=True, warnings=await self._shared_numbers(repo, stored, meeting)
            )
        updated = replace(
            existing,
            start=start or existing.start,
            paragraphs=paragraphs if paragraphs is not None else existing.paragraphs,
            first_paragraph=first,
            location=_clean(location) if location is not None else existing.location,
            note=_clean(note) if note is not None else existing.note,
            status=PLANERAD,
        )
        if updated == existing:
            return MeetingResult(existing, created=False, changed=False)
        if (updated.paragraphs, updated.first_paragraph) != (existing.paragraphs, existing.first_paragraph):
            if existing.started and (updated.paragraphs or 1) < existing.current_paragraph:
                raise RuleError(
                    f"Sammanträdet är redan vid § {existing.nr(existing.current_paragraph)}; det kan inte ha färre "
                    "paragrafer än så."
                )
            if existing.started and existing.current_paragraph and updated.first_paragraph != existing.first_paragraph:
                raise RuleError(
                    f"Sammanträdet pågår och är vid § {existing.nr(existing.current_paragraph)}; dess paragrafer "
                    "kan inte numreras om nu.",
                    hint=f"Det behåller {existing.range_text}.",
                )
            await self._check_paragraphs_fit(repo, stored, existing, updated)
        visible = (updated.start, updated.location, updated.note, updated.status) != (
            existing.start,
            existing.location,
            existing.note,
            existing.status,
        )
        if visible:  # what the calendar feeds show: a new SEQUENCE and DTSTAMP
            updated = replace(updated, sequence=existing.sequence + 1, updated_at=now)
        await repo.update_meeting(updated)
        await repo.audit(
            now,
            actor,
            "meeting_update",
            committee_id=stored.id,
            meeting_id=existing.id,
            date=day,
            start=updated.start.strftime("%H:%M"),
            paragraphs=updated.paragraphs,
            first_paragraph=updated.first_paragraph,
            reactivated=existing.cancelled,
        )
        await repo.add_event(now, "meeting_andrad", committee_id=stored.id, meeting_id=existing.id)
        change = await self.replan_in(repo, stored.id, updated, now, actor, old_units=existing.units)
        return MeetingResult(
            updated,
            created=False,
            changed=True,
            replan=change,
            warnings=await self._shared_numbers(repo, stored, updated),
        )

    async def _shared_numbers(self, repo: Repository, stored: StoredCommittee, meeting: Meeting) -> tuple[str, ...]:
        """Numbered through the year: a warning when ``meeting`` shares a number with another of the year
        (an earlier meeting that got more paragraphs, numbers given by hand). Nothing is renumbered."""
        if stored.committee.settings.paragrafnumrering != "lopande" or meeting.paragraphs is None:
            return ()
        day = meeting.date
        year = await repo.meetings(stored.id, start=date(day.year, 1, 1), end=date(day.year, 12, 31))
        said = _overlap(year, day, meeting.first_paragraph, meeting.paragraphs)
        if said is None:
            return ()
        return (
            f"{said} Nummer som getts ändras inte av sig själva: numrera om det andra sammanträdet med "
            "”meeting add … --paragraphs A-B” om det behövs.",
        )

    async def cancel_meeting(self, short: str, day: date, *, actor: str) -> MeetingResult:
        return await self._tx(self.cancel_meeting_in, short, day, actor=actor)

    async def cancel_meeting_in(
        self, repo: Repository, now: datetime, short: str, day: date, *, actor: str
    ) -> MeetingResult:
        stored = await self.committee_in(repo, short)
        meeting = await self.meeting_in(repo, stored, day)
        if meeting.cancelled:
            return MeetingResult(meeting, created=False, changed=False)
        cancelled = replace(meeting, status=INSTALLD, sequence=meeting.sequence + 1, updated_at=now)
        await repo.update_meeting(cancelled)
        await repo.audit(now, actor, "meeting_cancel", committee_id=stored.id, meeting_id=meeting.id, date=day)
        await repo.add_event(now, "meeting_andrad", committee_id=stored.id, meeting_id=meeting.id)
        change = await self.replan_in(repo, stored.id, cancelled, now, actor)
        return MeetingResult(cancelled, created=False, changed=True, replan=change)

    async def meetings(self, short: str, *, start: date | None = None, end: date | None = None) -> list[Meeting]:
        async with self.db.read() as repo:
            stored = await self.committee_in(repo, short)
            return await repo.meetings(stored.id, start=start, end=end)

    async def next_forhinder(self, short: str, member_key: str, start: date) -> date | None:
        """The first meeting from ``start`` that the member has a förhinder for."""
        async with self.db.read() as repo:
            stored = await self.committee_in(repo, short)
            for m in await repo.meetings(stored.id, start=start):
                if not m.cancelled and any(a.member == member_key for a in await repo.anmalningar(m.id)):
                    return m.date
        return None

    # the meeting under way --------------------------------------------------------------
    async def start_meeting(self, short: str, day: date, present: list[str], *, actor: str) -> PlanChange:
        return await self._tx(self.start_meeting_in, short, day, present, actor=actor)

    async def start_meeting_in(
        self, repo: Repository, now: datetime, short: str, day: date, present: list[str], *, actor: str
    ) -> PlanChange:
        """The meeting opens with these ersättare present: from now on only they are called, and a
        change takes effect from the next paragraph."""
        stored = await self.committee_in(repo, short)
        meeting = await self._open_meeting(repo, stored, day)
        today = now.astimezone(ZoneInfo(stored.committee.timezone)).date()
        if day != today:
            raise RuleError(
                f"Sammanträdet {svensk_datum(day)} kan inte öppnas i dag ({svensk_datum(today)}): ett sammanträde "
                "öppnas samma dag som det hålls.",
                hint="Kontrollera datumet.",
            )
        if meeting.started:
            raise RuleError(
                f"Sammanträdet {day.isoformat()} är redan öppnat.",
                hint="En ersättare som kommer senare anmäls med ”meeting present”.",
            )
        roster = await repo.roster_for(meeting, stored.id)
        await repo.keep_roster(meeting.id, roster, now)
        ids = await repo.member_ids(stored.id)
        people = [self._ersattare(roster, name) for name in present]
        for person in people:
            await repo.add_present(meeting.id, ids[person.key], 1)
        started = replace(meeting, started_at=now, current_paragraph=0)
        await repo.update_meeting(started)
        await repo.audit(
            now, actor, "meeting_start", committee_id=stored.id, meeting_id=meeting.id, present=[p.name for p in people]
        )
        await repo.add_event(now, "sammantrade_startat", committee_id=stored.id, meeting_id=meeting.id)
        change = await self.replan_in(repo, stored.id, started, now, actor)
        for person in people:  # present and serving: no answer needed
            if person.key in {a.ersattare for a in change.plan.assignments}:
                await repo.answer(meeting.id, ids[person.key], now)
        return change

    async def present(self, short: str, day: date, name: str, *, actor: str) -> PlanChange:
        return await self._tx(self.present_in, short, day, name, actor=actor)

    async def present_in(
        self, repo: Repository, now: datetime, short: str, day: date, name: str, *, actor: str
    ) -> PlanChange:
        """An ersättare arrives after the meeting has begun: present from the next paragraph."""
        stored = await self.committee_in(repo, short)
        meeting = await self._open_meeting(repo, stored, day)
        if not meeting.started:
            raise RuleError(
                f"Sammanträdet {day.isoformat()} har inte börjat.",
                hint="Öppna det med ”meeting start … --present NAMN”.",
            )
        roster = await repo.roster_for(meeting, stored.id)
        person = self._ersattare(roster, name)
        ids = await repo.member_ids(stored.id)
        if person.key in await repo.present(meeting.id):
            return await self._unchanged(repo, stored.id, meeting)
        await repo.add_present(meeting.id, ids[person.key], meeting.current_paragraph + 1)
        await repo.audit(
            now,
            actor,
            "ersattare_narvarande",
            committee_id=stored.id,
            meeting_id=meeting.id,
            member_id=ids[person.key],
            member=person.name,
            from_paragraph=meeting.current_paragraph + 1,
        )
        change = await self.replan_in(repo, stored.id, meeting, now, actor)
        if person.key in {a.ersattare for a in change.plan.assignments}:
            await repo.answer(meeting.id, ids[person.key], now)
        return change

    async def paragraph(self, short: str, day: date, number: int, *, actor: str) -> Meeting:
        return await self._tx(self.paragraph_in, short, day, number, actor=actor)

    async def paragraph_in(
        self, repo: Repository, now: datetime, short: str, day: date, number: int, *, actor: str
    ) -> Meeting:
        """The meeting is now dealing with § ``number``: changes take effect from the one after."""
        stored = await self.committee_in(repo, short)
        meeting = await self._open_meeting(repo, stored, day)
        if not meeting.started:
            raise RuleError(f"Sammanträdet {day.isoformat()} har inte börjat.")
        if meeting.paragraphs is None:
            raise RuleError(
                "Sammanträdet är inte indelat i paragrafer.", hint="Ange antalet med ”meeting add … --paragraphs N”."
            )
        at = meeting.position(number)  # the protocol's § number: a position, or an error naming the range
        if at < meeting.current_paragraph:
            raise RuleError(
                f"Paragrafen ska vara mellan {meeting.nr(max(1, meeting.current_paragraph))} och "
                f"{meeting.last_paragraph} (sammanträdet är vid § {meeting.nr(meeting.current_paragraph)})."
            )
        moved = replace(meeting, current_paragraph=at)
        await repo.update_meeting(moved)
        await repo.audit(now, actor, "paragraf", committee_id=stored.id, meeting_id=meeting.id, paragraph=number)
        await repo.add_event(now, "narvaro_andrad", committee_id=stored.id, meeting_id=meeting.id)
        return moved

    async def _check_paragraphs_fit(
        self, repo: Repository, stored: StoredCommittee, meeting: Meeting, updated: Meeting
    ) -> None:
        """A meeting's paragraphs may be renumbered or counted anew only if no förhinder reported in its
        paragraph numbers would then mean something else: a report is never silently shifted."""
        roster = await repo.roster_for(meeting, stored.id)
        names = roster.by_key()
        renumbered = updated.paragraphs is not None and updated.first_paragraph != meeting.first_paragraph
        hit = [
            a
            for a in await repo.anmalningar(meeting.id)
            if (a.first is not None or a.last is not None) and (renumbered or not _still_means(a, updated.paragraphs))
        ]
        if not hit:
            return
        reports = "; ".join(
            f"{names[a.member].label if a.member in names else a.member}: "
            f"{a.confirm(meeting.paragraphs, meeting.first_paragraph)}"
            for a in hit
        )
        if updated.paragraphs is None:
            change = "ett sammanträde utan paragrafer"
        elif renumbered:
            change = range_text(updated.first_paragraph, updated.paragraphs)
        else:
            change = antal(updated.paragraphs, "paragraf", "paragrafer")
        word = "Förhindret" if len(hit) == 1 else "Förhindren"
        raise RuleError(
            f"Sammanträdet har {meeting.range_text}, och {antal(len(hit), 'förhinder', 'förhinder')} är anmält "
            f"i de numren ({reports}). Med {change} skulle de betyda något annat, så inget har ändrats.",
            hint=f"{word} måste ändras eller återkallas först (”forhinder remove”), eller behåll {meeting.range_text}.",
        )


def _still_means(a: Anmalan, paragraphs: int | None) -> bool:
    """Whether a förhinder given in paragraph positions means the same with ``paragraphs`` paragraphs:
    each paragraph it names is still there, and "kommer till § N" still has a § N to come to."""
    if paragraphs is None:
        return False
    if a.first is not None and a.first > paragraphs:
        return False
    if a.last is not None and (a.last > paragraphs or (a.last == paragraphs and a.first is None and not a.jav)):
        return False
    return True


def _overlap(meetings: list[Meeting], day: date, first: int, count: int) -> str | None:
    """Numbered through the year, two meetings must not share a number: the sentence naming the other
    meeting that already has one of §§ first..first+count-1, or None."""
    last = first + count - 1
    for m in meetings:
        if m.date == day or m.cancelled or m.paragraphs is None or m.last_paragraph is None:
            continue
        if m.first_paragraph <= last and first <= m.last_paragraph:
            return (
                f"Sammanträdet {svensk_datum(m.date)} har redan {m.range_text}, så {range_text(first, count)} "
                "skulle dela nummer med det."
            )
    return None


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split())
    return text or None

"""The service layer: what a secretary or a member can ask namndbot to do.

Each method is one unit of work: it validates, writes, re-plans the meeting
with the turordning engine, stores the plan's changes and audits them, all in
one transaction. The CLI and the Slack handlers are thin layers over this.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from ..domain import narvaro as narvaro_mod
from ..domain.dates import svensk_datum
from ..domain.errors import NamndbotError, NotFound, RuleError
from ..domain.justerare import hinder
from ..domain.meeting import CLI_ORD, INSTALLD, PLANERAD, Anmalan, Meeting, Ord, absence, first_number
from ..domain.model import Member, Roster
from ..domain.names import antal, join_names, match_name
from ..domain.paragraphs import format_mask, range_text, span_words
from ..domain.roster_file import parse_roster
from ..domain.turordning import Assignment, Plan, Situation, plan
from ..storage import Database
from ..storage import workspaces as workspace_store
from ..storage.repository import Repository, StoredCommittee

Clock = Callable[[], datetime]
T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


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


@dataclass(frozen=True)
class ImportReport:
    committee: str
    created: bool
    added: tuple[str, ...]
    updated: tuple[str, ...]
    retired: tuple[str, ...]
    warnings: tuple[str, ...]
    replanned: tuple[PlanChange, ...] = ()
    committee_changed: bool = False  # the [committee] table, turordning or party contacts


async def _workspace_warnings(repo: Repository, workspace: str | None) -> list[str]:
    """With the app installed in workspaces (many workspaces), a roster should name one of them."""
    teams = [team for team, _ in await workspace_store.installed(repo)]
    if not teams:
        return []
    if workspace is None:
        return [
            f"rostern anger ingen arbetsyta (workspace), men appen är installerad i {join_names(teams)}: "
            "när namndbot kör för flera arbetsytor syns nämnden inte i Slack förrän den anges."
        ]
    if workspace not in teams:
        return [f"appen är inte installerad i arbetsytan {workspace} (än): inget skickas dit förrän den är det."]
    return []


@dataclass(frozen=True)
class MeetingResult:
    meeting: Meeting
    created: bool
    changed: bool
    replan: PlanChange | None = None
    warnings: tuple[str, ...] = ()  # what the secretary should look at (numbers shared with another meeting)


@dataclass(frozen=True)
class ForhinderResult:
    member: Member
    anmalan: Anmalan | None
    change: PlanChange
    already: bool = False
    warnings: tuple[str, ...] = ()  # for the one who reported it (a justerare who can no longer justera)


@dataclass(frozen=True)
class NarvaroResult:
    committee: StoredCommittee
    meeting: Meeting
    roster: Roster
    situation: Situation
    plan: Plan
    anmalningar: tuple[Anmalan, ...]
    declined: dict[str, str]
    narvaro: narvaro_mod.Narvaro
    calls: dict[str, str] = field(default_factory=dict)  # key -> 'kallad' | 'kommer'

    def text(self) -> str:
        return narvaro_mod.render_text(self.narvaro)

    def as_dict(self) -> dict:
        return narvaro_dict(self)


# -- the service ------------------------------------------------------------------
class NamndService:
    """Every use case exists twice: ``x(...)`` runs in its own transaction, ``x_in(repo, now, ...)``
    inside the caller's (the Slack intake applies a report and marks it done atomically)."""

    def __init__(self, db: Database, clock: Clock = utcnow, default_timezone: str = "Europe/Stockholm") -> None:
        self.db = db
        self.clock = clock
        self.default_timezone = default_timezone

    async def _tx(self, fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        async with self.db.transaction() as repo:
            return await fn(repo, self.clock(), *args, **kwargs)

    # roster ----------------------------------------------------------------------
    async def import_roster(self, text: str, actor: str) -> ImportReport:
        return await self._tx(self.import_roster_in, text, actor)

    async def import_roster_in(self, repo: Repository, now: datetime, text: str, actor: str) -> ImportReport:
        parsed = parse_roster(text, default_timezone=self.default_timezone)
        roster = parsed.roster
        existing = await repo.committee(roster.committee.short)
        before_ws, after_ws = (existing.committee.workspace if existing else None), roster.committee.workspace
        if before_ws and after_ws and before_ws != after_ws:
            # Hosted for many municipalities, a short name is one committee: another workspace's
            # roster must not replace it.
            raise NamndbotError(
                f"Nämnden {roster.committee.short} finns redan och hör till arbetsytan {before_ws}, "
                f"inte {after_ws}; inget har ändrats.",
                hint="En nämnd i en annan arbetsyta (kommun) behöver en egen förkortning (short).",
            )
        if existing is not None:
            # History stays: a meeting already held keeps the roster it was held with.
            before = await repo.roster(existing.id)
            today = now.astimezone(ZoneInfo(existing.committee.timezone)).date()
            for m in await repo.meetings(existing.id):
                if m.date < today or m.started:
                    await repo.keep_roster(m.id, before, now)
        committee_id = await repo.save_committee(roster, now)
        stored = {m.member.key: m for m in await repo.members(committee_id, include_retired=True)}
        added, updated = [], []
        wanted = set()
        for people in (roster.ledamoter, roster.ersattare):
            for position, member in enumerate(people, start=1):
                wanted.add(member.key)
                old = stored.get(member.key)
                if old is None:
                    added.append(member.label)
                elif old.member != member or old.position != position or old.retired_at is not None:
                    updated.append(member.label)
                await repo.save_member(committee_id, member, position, old.id if old else None)
        retired = []
        for key, old in stored.items():
            if key not in wanted and old.retired_at is None:
                await repo.retire_member(old.id, now)
                retired.append(old.member.label)
        await repo.audit(
            now, actor, "roster_import", committee_id=committee_id, added=added, updated=updated, retired=retired
        )
        await repo.add_event(now, "roster_import", committee_id=committee_id)
        replanned = []
        today = now.astimezone(ZoneInfo(roster.committee.timezone)).date()
        for meeting in await repo.meetings(committee_id, start=today):
            if not meeting.cancelled:
                change = await self.replan_in(repo, committee_id, meeting, now, actor)
                if not change.empty:
                    replanned.append(change)
        return ImportReport(
            committee=roster.committee.short,
            created=existing is None,
            added=tuple(added),
            updated=tuple(updated),
            retired=tuple(retired),
            warnings=tuple(parsed.warnings) + tuple(await _workspace_warnings(repo, roster.committee.workspace)),
            replanned=tuple(replanned),
            committee_changed=existing is not None
            and (existing.committee, existing.turordning, existing.partikontakter)
            != (roster.committee, roster.turordning, roster.partikontakter),
        )

    async def roster(self, short: str) -> Roster:
        async with self.db.read() as repo:
            stored = await self.committee_in(repo, short)
            return await repo.roster(stored.id)

    async def committees(self) -> list[StoredCommittee]:
        async with self.db.read() as repo:
            return await repo.committees()

    # meetings ---------------------------------------------------------------------
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

    # förhinder ----------------------------------------------------------------------
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
        return ForhinderResult(member, None, change)

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

    async def _justerare_hindrad(
        self,
        repo: Repository,
        now: datetime,
        stored: StoredCommittee,
        meeting: Meeting,
        member: Member,
        member_id: int,
        change: PlanChange,
    ) -> tuple[str, ...]:
        """A chosen justerare who can no longer justera (förhinder for the whole meeting, or an ersättare
        who no longer serves): the secretaries are told, to choose another (event ``justerare_hindrad``)."""
        row = await repo.justering(meeting.id)
        if row is None or row.justerad is not None or member.key not in row.justerare:
            return ()
        anmalningar = await repo.anmalningar(meeting.id)
        if hinder(member, anmalningar, {a.ersattare for a in change.plan.assignments}) is None:
            return ()
        whole = any(a.member == member.key and a.whole and not a.jav for a in anmalningar)
        await repo.add_event(
            now,
            "justerare_hindrad",
            committee_id=stored.id,
            meeting_id=meeting.id,
            member_id=member_id,
            justerare=member.label,
            reason="forhinder" if whole else "tjanstgor_inte",
        )
        return (
            f"{member.label} är vald till justerare av protokollet från sammanträdet och kan inte längre justera "
            "det; sekreterarna har fått veta och behöver välja en annan.",
        )

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
            serves = (last or {}).get("serves", "")
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

    # närvaro ------------------------------------------------------------------------------
    async def narvaro(self, short: str, day: date) -> NarvaroResult:
        async with self.db.read() as repo:
            stored = await self.committee_in(repo, short)
            meeting = await self.meeting_in(repo, stored, day)
            return await self.narvaro_in(repo, stored, meeting)

    async def narvaro_in(self, repo: Repository, stored: StoredCommittee, meeting: Meeting) -> NarvaroResult:
        roster = await repo.roster_for(meeting, stored.id)
        situation, anmalningar, declined = await self._situation(repo, roster, meeting)
        result = plan(situation)
        calls = {k: v.status for k, v in (await repo.inkallelser(meeting.id)).items()}
        return NarvaroResult(
            committee=stored,
            meeting=meeting,
            roster=roster,
            situation=situation,
            plan=result,
            anmalningar=tuple(anmalningar),
            declined=declined,
            narvaro=narvaro_mod.build(situation, result),
            calls=calls,
        )

    # internals ---------------------------------------------------------------------------------
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
            f"Tack för svaret! Inkallelsen till sammanträdet {meeting.date.isoformat()} har dock "
            f"redan gått vidare, så du behövs inte längre.{instead}"
        )


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


def narvaro_dict(r: NarvaroResult) -> dict:
    """The JSON form of ``narvaro`` (keys are part of the CLI's contract)."""
    members = r.roster.by_key()
    n = r.meeting.paragraphs

    def rng(first: int, last: int) -> tuple[int | None, int | None]:
        """Positions as the protocol's numbers."""
        return (r.meeting.nr(first), r.meeting.nr(last)) if n else (None, None)

    tjanstgorande = []
    for a in r.plan.assignments:
        e, s = members[a.ersattare], members[a.seat]
        f, t = rng(a.first, a.last)
        tjanstgorande.append(
            {
                "name": e.name,
                "party": e.party,
                "for": s.name,
                "for_party": s.party,
                "from": f,
                "to": t,
                "reason": a.explanation,
                "rule": a.rule.value,
                "status": r.calls.get(a.ersattare, "kallad"),
            }
        )
    seat_order = {m.key: i for i, m in enumerate(r.roster.ledamoter)}
    ers_order = {m.key: i for i, m in enumerate(r.roster.ersattare)}
    forhinder = []
    for anm in sorted(
        r.anmalningar, key=lambda a: (a.member not in seat_order, seat_order.get(a.member, ers_order.get(a.member, 0)))
    ):
        m = members.get(anm.member)
        if m is None:
            continue
        resolved = anm.resolve(r.meeting.units)
        f, t = rng(resolved.first, resolved.last) if resolved else (None, None)
        entry = {
            "name": m.name,
            "party": m.party,
            "role": m.role if m.is_ledamot else "ersättare",
            "from": f,
            "to": t,
            "jav": anm.jav,
        }
        if anm.tid:
            entry["tid"] = anm.describe(r.meeting.paragraphs, r.meeting.first_paragraph)
        forhinder.append(entry)
    avbojt = [
        {"name": members[k].name, "party": members[k].party, "kind": v}
        for k, v in sorted(r.declined.items(), key=lambda kv: ers_order.get(kv[0], 0))
        if k in members
    ]
    vacancies = []
    for v in r.plan.vacancies:
        f, t = rng(v.first, v.last)
        vacancies.append({"seat": members[v.seat].name, "party": v.party, "from": f, "to": t})
    not_quorate = [{"from": rng(a, z)[0], "to": rng(a, z)[1]} for a, z in r.plan.not_quorate]
    attending = narvaro_mod.attendance(r.situation, r.plan)
    return {
        "committee": r.committee.committee.short,
        "committee_name": r.committee.committee.name,
        "meeting": r.meeting.date.isoformat(),
        "start": r.meeting.starts_at(r.committee.committee.timezone).isoformat(),
        "status": r.meeting.status,
        "paragraphs": n,
        "first_paragraph": r.meeting.first_paragraph if n else None,
        "last_paragraph": r.meeting.last_paragraph,
        "tjanstgorande": tjanstgorande,
        "forhinder": forhinder,
        "avbojt": avbojt,
        "ersattare_narvarande": [
            {
                "name": e.name,
                "party": e.party,
                "paragraphs": format_mask(
                    attending[e.key] & ~r.plan.serving_mask(e.key), base=r.meeting.first_paragraph
                )
                if n
                else None,
            }
            for e in r.roster.ersattare
            if attending[e.key] & ~r.plan.serving_mask(e.key)
        ],
        "vacancies": vacancies,
        "beslutfor": r.plan.beslutfor,
        "ej_beslutfor": not_quorate,
        "text": r.text(),
        "warnings": list(r.narvaro.warnings),
    }


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


def _loose_match(name: str, m: Member) -> bool:
    try:
        match_name(name, [m], lambda x: x.name)
        return True
    except NamndbotError:
        return False


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split())
    return text or None


__all__ = [
    "NamndService",
    "PlanChange",
    "Call",
    "ImportReport",
    "MeetingResult",
    "ForhinderResult",
    "NarvaroResult",
    "diff",
    "narvaro_dict",
    "utcnow",
]


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

"""Importing the schedule the nämnd decided: create, move, change and cancel meetings.

Importing the same decision twice changes nothing. A changed decision moves
meetings (the UID stays, so calendars move the event), adds new ones, and
cancels the ones that were dropped: never deleted.

An import changes only the period its text covers (``Schedule.first`` ..
``Schedule.last``: the half-years it names, else its first to its last date);
meetings outside it belong to other decisions and are left alone. A text
whose heading names another committee is refused. ``dry_run`` works out the
same report and rolls everything back.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date
from zoneinfo import ZoneInfo

from ..calendar.schedule import Schedule, ScheduledMeeting, parse_schedule
from ..calendar.schedule_heading import same_committee
from ..domain.errors import NamndbotError
from ..domain.meeting import INSTALLD, PLANERAD, Meeting
from .core import NamndService

MOVE_WINDOW_DAYS = 31


@dataclass(frozen=True)
class ScheduleReport:
    committee: str
    years: tuple[int, ...]
    first: date
    last: date
    added: tuple[Meeting, ...] = ()
    moved: tuple[tuple[date, Meeting], ...] = ()
    changed: tuple[Meeting, ...] = ()
    cancelled: tuple[Meeting, ...] = ()
    unchanged: tuple[Meeting, ...] = ()
    forhinder_on_moved: int = 0
    dry_run: bool = False

    @property
    def nothing_changed(self) -> bool:
        return not (self.added or self.moved or self.changed or self.cancelled)


class OtherCommittee(NamndbotError):
    """The schedule's heading names another committee than the one imported into."""


class _DryRun(Exception):
    """Raised to roll back a dry run's transaction, carrying its report."""

    def __init__(self, report: ScheduleReport) -> None:
        super().__init__("dry run")
        self.report = report


async def import_schedule(
    namnd: NamndService, short: str, text: str, *, year: int | None = None, actor: str, dry_run: bool = False
) -> ScheduleReport:
    schedule = parse_schedule(text, year=year)
    try:
        return await _apply(namnd, short, schedule, actor=actor, dry_run=dry_run)
    except _DryRun as rolled_back:
        return rolled_back.report


async def _apply(namnd: NamndService, short: str, schedule: Schedule, *, actor: str, dry_run: bool) -> ScheduleReport:
    now = namnd.clock()
    async with namnd.db.transaction() as repo:
        stored = await namnd.committee_in(repo, short)
        named = schedule.committee
        if named is not None and not same_committee(named, stored.committee.name, stored.committee.short):
            raise OtherCommittee(
                f"Texten gäller {named}, inte {stored.committee.name} ({stored.committee.short});"
                " inget har importerats.",
                hint="Importera den med --committee för den nämnden, eller kontrollera att det är rätt fil.",
            )
        default = schedule.default_start or stored.committee.default_start
        years = tuple(sorted({m.date.year for m in schedule.meetings} | {schedule.year}))
        # What the decision covers: the half-years it names, else its first to its last date.
        # Meetings outside belong to other decisions and are left alone.
        existing = await repo.meetings(stored.id, start=schedule.first, end=schedule.last)
        today = now.astimezone(ZoneInfo(stored.committee.timezone)).date()

        def held(m: Meeting) -> bool:
            """Already held (or under way): a new decision does not move or cancel it."""
            return m.date < today or m.started

        by_date = {m.date: m for m in existing}
        wanted = {s.date: s for s in schedule.meetings}

        added: list[Meeting] = []
        moved: list[tuple[date, Meeting]] = []
        changed: list[Meeting] = []
        cancelled: list[Meeting] = []
        unchanged: list[Meeting] = []
        touched: set[int] = set()

        def desired(m: Meeting, s: ScheduledMeeting, day: date) -> Meeting:
            return replace(
                m,
                date=day,
                start=s.start or default,
                note=s.note if s.note is not None else m.note,
                location=s.location or m.location or stored.committee.settings.plats,
                status=INSTALLD if s.cancelled else PLANERAD,
            )

        async def save(old: Meeting, new: Meeting, action: str) -> Meeting:
            new = replace(new, sequence=old.sequence + 1, updated_at=now)
            await repo.update_meeting(new)
            await repo.audit(
                now,
                actor,
                action,
                committee_id=stored.id,
                meeting_id=old.id,
                date=new.date,
                was=old.date,
                start=new.start.strftime("%H:%M"),
                status=new.status,
            )
            await repo.add_event(now, "meeting_andrad", committee_id=stored.id, meeting_id=old.id)
            return new

        # Same date: update what differs.
        for day, s in wanted.items():
            old = by_date.get(day)
            if old is None:
                continue
            touched.add(old.id)
            new = desired(old, s, day)
            if new == old or held(old):
                unchanged.append(old)
            else:
                new = await save(old, new, "schedule_update")
                (cancelled if new.cancelled and not old.cancelled else changed).append(new)

        # A date that disappeared and a new one near it: the meeting moved.
        gone = [m for m in existing if m.id not in touched and not m.cancelled and not held(m)]
        new_days = [d for d in sorted(wanted) if d not in by_date and not wanted[d].cancelled]
        pairs = sorted(
            (
                (abs((d - m.date).days), d, m)
                for d in new_days
                for m in gone
                if abs((d - m.date).days) <= MOVE_WINDOW_DAYS
            ),
            key=lambda t: (t[0], t[1]),
        )
        forhinder_on_moved = 0
        for _, day, old in pairs:
            if old.id in touched or day not in new_days:
                continue
            touched.add(old.id)
            new_days.remove(day)
            new = await save(old, desired(old, wanted[day], day), "schedule_move")
            moved.append((old.date, new))
            forhinder_on_moved += len(await repo.anmalningar(old.id))

        # New dates: new meetings (a cancelled one is recorded as cancelled).
        for day, s in sorted(wanted.items()):
            if day in by_date or (not s.cancelled and day not in new_days):
                continue  # updated above, or the new date of a moved meeting
            meeting = Meeting(
                committee=stored.committee.short,
                date=day,
                start=s.start or default,
                note=s.note,
                location=s.location or stored.committee.settings.plats,
                status=INSTALLD if s.cancelled else PLANERAD,
                uid=f"{uuid.uuid4()}@namndbot",
                updated_at=now,
            )
            meeting = await namnd.insert_meeting_in(
                repo, now, stored, meeting, actor, "schedule_add", status=meeting.status
            )
            added.append(meeting)

        # Dropped from the decision: cancelled, never deleted (and never one already held).
        for old in existing:
            if old.id in touched or old.cancelled or held(old):
                continue
            new = await save(old, replace(old, status=INSTALLD), "schedule_cancel")
            cancelled.append(new)

        for m in cancelled:
            await namnd.replan_in(repo, stored.id, m, now, actor)

        report = ScheduleReport(
            committee=stored.committee.short,
            years=years,
            first=schedule.first,
            last=schedule.last,
            added=tuple(added),
            moved=tuple(moved),
            changed=tuple(changed),
            cancelled=tuple(cancelled),
            unchanged=tuple(unchanged),
            forhinder_on_moved=forhinder_on_moved,
            dry_run=dry_run,
        )
        if dry_run:
            raise _DryRun(report)  # rolls the transaction back
    return report


__all__ = ["import_schedule", "ScheduleReport", "Schedule", "OtherCommittee"]

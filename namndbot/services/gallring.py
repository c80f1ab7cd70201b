"""Gallring: personal data of meetings older than ``NAMNDBOT_GALLRING_MANADER`` months is deleted.

The meeting stays (its date, place, paragraphs and justering: the protocol is
a public record); förhinder, call-ins and answers, the reports and messages
about it, and audit rows naming a person go. The bot does it once a day as a
durable job (``gallring:<date>``, at 03:30 local time, run late if the bot was
down); ``namndbot gallra`` does it on demand. What counts as personal data,
column by column, is in ``storage/gallring.py``.
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..storage import Database
from ..storage import gallring as sql
from ..storage.repository import JobRow, Repository, iso

log = logging.getLogger(__name__)

GALLRING = "gallring"  # the job's kind
RUN_AT = time(3, 30)  # local time, when nobody is reporting anything
DEFAULT_MONTHS = 24


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the month's last day if it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class GallringResult:
    months: int
    before: date  # meetings dated before this day are old
    dry_run: bool
    counts: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    def as_dict(self) -> dict:
        return {
            "manader": self.months,
            "fore": self.before.isoformat(),
            "provkorning": self.dry_run,
            "antal": dict(self.counts),
        }


class GallringService:
    def __init__(
        self, db: Database, clock: Callable[[], datetime], timezone: str, months: int = DEFAULT_MONTHS
    ) -> None:
        self.db = db
        self.clock = clock
        self.tz = ZoneInfo(timezone)
        self.months = months

    def cutoff(self, now: datetime, months: int) -> tuple[date, datetime]:
        """The first day that is not old, and its local midnight in UTC."""
        day = months_before(now.astimezone(self.tz).date(), months)
        return day, datetime.combine(day, time(0, 0), tzinfo=self.tz).astimezone(UTC)

    async def run(self, months: int | None = None, *, dry_run: bool = False, actor: str = "cli") -> GallringResult:
        """On demand (``namndbot gallra``): one transaction, or a read only for a dry run."""
        now = self.clock()
        if dry_run:
            async with self.db.read() as repo:
                return await self.gallra_in(repo, now, months, dry_run=True)
        async with self.db.transaction() as repo:
            return await self.gallra_in(repo, now, months, actor=actor)

    async def gallra_in(
        self,
        repo: Repository,
        now: datetime,
        months: int | None = None,
        *,
        dry_run: bool = False,
        actor: str = "namndbot:gallring",
    ) -> GallringResult:
        months = self.months if months is None else months
        day, at = self.cutoff(now, months)
        counts = await sql.gallra(repo.conn, day.isoformat(), iso(at), dry_run=dry_run)
        result = GallringResult(months, day, dry_run, tuple(counts))
        if not dry_run and result.total:  # accountability (art. 5.2): what was gallrat, when, by whom
            await repo.audit(now, actor, sql.GALLRING_ACTION, **result.as_dict())
        return result

    # -- once a day, as a durable job ------------------------------------------------------
    def next_run(self, now: datetime) -> datetime:
        local = now.astimezone(self.tz)
        at = datetime.combine(local.date(), RUN_AT, tzinfo=self.tz)
        if at <= local:
            at = datetime.combine(local.date() + timedelta(days=1), RUN_AT, tzinfo=self.tz)
        return at.astimezone(UTC)

    async def _plan_in(self, repo: Repository, now: datetime) -> None:
        at = self.next_run(now)
        key = f"{GALLRING}:{at.astimezone(self.tz).date().isoformat()}"
        await repo.put_job(key, GALLRING, at, committee_id=None, meeting_id=None)

    async def plan(self, now: datetime) -> None:
        """At start: the next gallring is planned unless one is (an overdue one runs at once)."""
        async with self.db.transaction() as repo:
            if await sql.pending_job(repo.conn, GALLRING) is None:
                await self._plan_in(repo, now)

    async def job_in(self, repo: Repository, now: datetime, job: JobRow) -> str:
        """The daily job, inside the job loop's transaction: gallra, and plan tomorrow's."""
        result = await self.gallra_in(repo, now)
        await self._plan_in(repo, now)
        done = [f"{label}: {n}" for label, n in result.counts if n]
        note = f"gallrat före {result.before.isoformat()}: " + (", ".join(done) if done else "inget")
        log.info("%s", note)
        return note

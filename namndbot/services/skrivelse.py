"""New svar på skrivelse: read once, posted once, their authors told; failures go to the secretaries."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from ..domain.errors import NamndbotError, NotFound
from ..domain.meeting import Meeting
from ..domain.names import fold, join_names
from ..domain.skrivelse import SkrivelseError, SvarPaSkrivelse, parse_svar
from .core import NamndService


@dataclass(frozen=True)
class SkrivelseResult:
    committee: str | None
    svar: SvarPaSkrivelse | None
    meeting: Meeting | None = None
    authors_on_roster: tuple[str, ...] = ()
    duplicate: bool = False
    error: str | None = None


def content_hash(text: str) -> str:
    """The same document, however it was saved: whitespace does not count."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


class SkrivelseService:
    def __init__(self, namnd: NamndService) -> None:
        self.namnd = namnd
        self.db = namnd.db

    async def post(
        self, text: str, *, committee: str | None, source: str, actor: str, tell_secretaries_on_failure: bool = True
    ) -> SkrivelseResult:
        """Record a svar and what to tell. Seen before (same content): nothing happens.

        A document that can't be read is recorded with the reason and, unless the person who
        handed it over is told directly (the CLI), the secretaries get the reason.
        """
        digest = content_hash(text)
        now = self.namnd.clock()
        async with self.db.transaction() as repo:
            seen = await repo.skrivelse_seen(digest)
            if seen is not None:
                return SkrivelseResult(committee, None, duplicate=True)
            stored = await self._committee(repo, committee)
            try:
                svar = parse_svar(text)
            except SkrivelseError as exc:
                if tell_secretaries_on_failure:
                    await repo.add_skrivelse(digest, stored.id, None, None, source, "fel", now, {"reason": exc.full()})
                    await repo.add_event(now, "skrivelse_fel", committee_id=stored.id, reason=exc.full(), source=source)
                    await repo.audit(
                        now, actor, "skrivelse_fel", committee_id=stored.id, source=source, reason=exc.full()
                    )
                return SkrivelseResult(stored.committee.short, None, error=exc.full())
            today = now.astimezone(ZoneInfo(stored.committee.timezone)).date()
            after = max(today, svar.signed_date or today)
            meeting = next((m for m in await repo.meetings(stored.id, start=after) if not m.cancelled), None)
            roster = await repo.roster(stored.id)
            by_name = {fold(m.name): m for m in roster.members}
            on_roster = tuple(by_name[fold(a.name)].name for a in svar.authors if fold(a.name) in by_name)
            detail = {**svar.as_dict(), "meeting": meeting.date.isoformat() if meeting else None}
            await repo.add_skrivelse(digest, stored.id, svar.title, svar.dnr, source, "postad", now, detail)
            await repo.add_event(
                now,
                "skrivelse_ny",
                committee_id=stored.id,
                meeting_id=meeting.id if meeting else None,
                svar=detail,
                authors=list(on_roster),
                source=source,
            )
            await repo.audit(
                now, actor, "skrivelse_postad", committee_id=stored.id, title=svar.title, dnr=svar.dnr, source=source
            )
            return SkrivelseResult(stored.committee.short, svar, meeting, on_roster)

    async def failed(self, reason: str, *, committee: str | None, source: str, actor: str) -> None:
        """A document that could not even be read as text: the secretaries are told why."""
        now = self.namnd.clock()
        async with self.db.transaction() as repo:
            stored = await self._committee(repo, committee)
            await repo.add_event(now, "skrivelse_fel", committee_id=stored.id, reason=reason, source=source)
            await repo.audit(now, actor, "skrivelse_fel", committee_id=stored.id, source=source, reason=reason)

    async def _committee(self, repo, short: str | None):
        if short:
            return await self.namnd.committee_in(repo, short)
        committees = await repo.committees()
        if len(committees) == 1:
            return committees[0]
        if not committees:
            raise NotFound("Det finns ingen nämnd än.", hint="Importera en roster först.")
        raise NamndbotError(
            f"Vilken nämnd gäller svaret? Ange den med --committee "
            f"({join_names([c.committee.short for c in committees], 'eller')})."
        )

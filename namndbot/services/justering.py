"""Justering: who verifies the protocol and when, reading § 2, marking it done, and the legal dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ..domain import paminnelser
from ..domain.dates import check_year
from ..domain.deadlines import Frister, anslag_senast, frister, justering_senast, last_day_to_appeal
from ..domain.errors import RuleError
from ..domain.justerare import dag_varning, hinder
from ..domain.justering import parse_justering
from ..domain.meeting import Meeting
from ..domain.model import Member
from ..domain.names import match_name
from ..storage.repository import JusteringRow, Repository, StoredCommittee
from .core import NamndService


@dataclass(frozen=True)
class JusteringView:
    committee: StoredCommittee
    meeting: Meeting
    row: JusteringRow
    justerare: tuple[Member, ...]
    frister: Frister

    @property
    def warnings(self) -> list[str]:
        """What the secretary should look at again: a justering day on a weekend or holiday."""
        said = dag_varning(self.row.date) if not self.row.justerad else None
        return [said] if said else []

    @property
    def late(self) -> bool:
        """The planned justering is later than the law allows (14 days after the meeting)."""
        return self.row.date is not None and self.row.date > justering_senast(self.meeting.date)

    def as_dict(self) -> dict:
        """The JSON of ``justering show`` (keys are a contract)."""
        f = self.frister
        omedelbart = None
        if self.row.omedelbart:
            announced = anslag_senast(self.meeting.date)
            omedelbart = {
                "paragraphs": list(self.row.omedelbart),
                "anslag_senast": announced.isoformat(),
                "overklagande_sista_dag": last_day_to_appeal(announced).isoformat(),
            }
        return {
            "committee": self.committee.committee.short,
            "meeting": self.meeting.date.isoformat(),
            "justering": f.justering.isoformat() if f.justering else None,
            "justerare": [{"name": m.name, "party": m.party} for m in self.justerare],
            "justerad": self.row.justerad.isoformat() if self.row.justerad else None,
            "anslag": self.row.anslag.isoformat() if self.row.anslag else None,
            "anslag_senast": f.anslag_senast.isoformat() if f.anslag_senast else None,
            "overklagande_sista_dag": f.overklagande_sista_dag.isoformat() if f.overklagande_sista_dag else None,
            "anslag_ned_tidigast": f.anslag_ned_tidigast.isoformat() if f.anslag_ned_tidigast else None,
            "berakning": "anslag" if self.row.anslag else "anslag_senast",
            "justering_senast_enligt_lag": justering_senast(self.meeting.date).isoformat(),
            "omedelbart_justerade": list(self.row.omedelbart),
            "omedelbart": omedelbart,
        }


class JusteringService:
    def __init__(self, namnd: NamndService) -> None:
        self.namnd = namnd
        self.db = namnd.db

    async def set(
        self,
        short: str,
        day: date,
        justerare: list[str],
        when: date | None,
        *,
        actor: str,
        omedelbart: tuple[int, ...] | None = None,
    ) -> JusteringView:
        async with self.db.transaction() as repo:
            return await self.set_in(
                repo, self.namnd.clock(), short, day, justerare, when, actor=actor, omedelbart=omedelbart
            )

    async def set_in(
        self,
        repo: Repository,
        now: datetime,
        short: str,
        day: date,
        justerare: list[str],
        when: date | None,
        *,
        actor: str,
        omedelbart: tuple[int, ...] | None = None,
    ) -> JusteringView:
        stored = await self.namnd.committee_in(repo, short)
        meeting = await self.namnd.meeting_in(repo, stored, day)
        if meeting.cancelled:
            raise RuleError(f"Sammanträdet {day.isoformat()} är inställt; det har inget protokoll att justera.")
        roster = await repo.roster_for(meeting, stored.id)  # a meeting held: the roster it was held with
        people = [match_name(n, roster.members, lambda m: m.name, what="ledamot eller ersättare") for n in justerare]
        if not people and when is None:
            raise RuleError("Ange justerarna (--justerare NAMN, oftast två) och justeringsdagen (--date).")
        if len({p.key for p in people}) != len(people):
            raise RuleError("Samma person står två gånger bland justerarna.")
        if len(people) > 3:
            raise RuleError("Ett protokoll justeras av ordföranden och en eller två justerare, inte fler.")
        if people:
            held = await self.namnd.narvaro_in(repo, stored, meeting)
            serving = {a.ersattare for a in held.plan.assignments}
            for p in people:
                why = hinder(p, held.anmalningar, serving)
                if why:
                    raise RuleError(why, hint="Välj en ledamot eller en tjänstgörande ersättare som var med.")
        if omedelbart and meeting.paragraphs is not None:
            for n in omedelbart:
                try:
                    meeting.position(n)
                except RuleError as exc:
                    raise RuleError(
                        f"Omedelbart justerad {exc.message}",
                        hint="Stämmer sammanträdets paragrafer? De ändras med meeting add --paragraphs A-B.",
                    ) from None
        if when is not None:
            check_year(when.year, "Justeringsdagen")
        if when is not None and when < meeting.date:
            raise RuleError(f"Protokollet kan inte justeras före sammanträdet ({day.isoformat()}).")
        old = await repo.justering(meeting.id)
        row = JusteringRow(
            meeting.id,
            when if when is not None else (old.date if old else None),
            tuple(p.key for p in people) if people else (old.justerare if old else ()),
            omedelbart if omedelbart is not None else (old.omedelbart if old else ()),
            old.justerad if old else None,
            old.anslag if old else None,
        )
        await repo.save_justering(row, now)
        await repo.audit(
            now,
            actor,
            "justering_set",
            committee_id=stored.id,
            meeting_id=meeting.id,
            justerare=[p.name for p in people],
            date=row.date,
        )
        await repo.add_event(now, "justering_andrad", committee_id=stored.id, meeting_id=meeting.id)
        return await self._view(repo, stored, meeting, row)

    async def import_protocol(self, short: str, text: str, *, meeting_day: date | None, actor: str) -> JusteringView:
        info = parse_justering(text)
        day = meeting_day or info.meeting_date
        if day is None:
            raise RuleError(
                "Protokollet säger inte vilket sammanträde det gäller.", hint="Ange det med --meeting ÅÅÅÅ-MM-DD."
            )
        async with self.db.transaction() as repo:
            return await self.set_in(
                repo,
                self.namnd.clock(),
                short,
                day,
                [j.name for j in info.justerare],
                info.date,
                actor=actor,
                omedelbart=info.omedelbart_justerade,
            )

    async def done(
        self, short: str, day: date, *, on: date | None = None, anslag: date | None = None, actor: str
    ) -> JusteringView:
        async with self.db.transaction() as repo:
            return await self.done_in(repo, self.namnd.clock(), short, day, on=on, anslag=anslag, actor=actor)

    async def done_in(
        self,
        repo: Repository,
        now: datetime,
        short: str,
        day: date,
        *,
        on: date | None = None,
        anslag: date | None = None,
        actor: str,
    ) -> JusteringView:
        stored = await self.namnd.committee_in(repo, short)
        meeting = await self.namnd.meeting_in(repo, stored, day)
        if meeting.cancelled:
            raise RuleError(f"Sammanträdet {day.isoformat()} är inställt; det har inget protokoll att justera.")
        today = now.astimezone(ZoneInfo(stored.committee.timezone)).date()
        old = await repo.justering(meeting.id) or JusteringRow(meeting.id, None, (), (), None, None)
        justerad = on or old.justerad or today
        if justerad < meeting.date:
            raise RuleError("Protokollet kan inte ha justerats före sammanträdet.")
        if justerad > today:
            raise RuleError(
                f"Protokollet kan inte redan ha justerats {justerad.isoformat()}: det är i framtiden.",
                hint="Den planerade justeringsdagen anges med ”justering set … --date”.",
            )
        if anslag is not None and anslag > today:
            raise RuleError(f"Anslaget kan inte ha satts upp {anslag.isoformat()}: det är i framtiden.")
        if anslag is not None and anslag < justerad:
            raise RuleError("Anslaget kan inte ha satts upp innan protokollet justerades.")
        already = old.justerad is not None and (on is None or on == old.justerad) and anslag in (None, old.anslag)
        row = JusteringRow(
            meeting.id, old.date or justerad, old.justerare, old.omedelbart, justerad, anslag or old.anslag
        )
        if not already:
            await repo.save_justering(row, now)
            await repo.audit(
                now,
                actor,
                "justerad",
                committee_id=stored.id,
                meeting_id=meeting.id,
                justerad=justerad,
                anslag=row.anslag,
            )
            await repo.add_event(now, "justerad", committee_id=stored.id, meeting_id=meeting.id)
            await repo.drop_jobs(
                meeting.id,
                now,
                "protokollet är justerat",
                kinds=(paminnelser.JUSTERING, paminnelser.JUSTERING_FORSENAD, paminnelser.JUSTERING_FRIST),
            )
        return await self._view(repo, stored, meeting, row)

    async def show(self, short: str, day: date) -> JusteringView:
        async with self.db.read() as repo:
            stored = await self.namnd.committee_in(repo, short)
            meeting = await self.namnd.meeting_in(repo, stored, day)
            row = await repo.justering(meeting.id) or JusteringRow(meeting.id, None, (), (), None, None)
            return await self._view(repo, stored, meeting, row)

    async def view_in(self, repo: Repository, stored: StoredCommittee, meeting: Meeting) -> JusteringView | None:
        row = await repo.justering(meeting.id)
        return await self._view(repo, stored, meeting, row) if row else None

    async def _view(
        self, repo: Repository, stored: StoredCommittee, meeting: Meeting, row: JusteringRow
    ) -> JusteringView:
        members = {m.member.key: m.member for m in await repo.members(stored.id, include_retired=True)}
        people = tuple(members[k] for k in row.justerare if k in members)
        basis = row.justerad or row.date
        return JusteringView(stored, meeting, row, people, frister(meeting.date, basis, row.anslag))

"""The protocol's "Närvarande": who serves for whom in which paragraphs, as text and as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..domain import narvaro as narvaro_mod
from ..domain.meeting import Anmalan, Meeting
from ..domain.model import Roster
from ..domain.paragraphs import format_mask
from ..domain.turordning import Plan, Situation, plan
from ..storage.repository import Repository, StoredCommittee
from .planering import PlaneringTjanst


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


class NarvaroTjanst(PlaneringTjanst):
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

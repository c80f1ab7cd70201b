"""Who served, when: the secretary's monthly list for the payroll (arvode)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from zoneinfo import ZoneInfo

from ..domain import narvaro
from ..domain.paragraphs import all_of, format_mask, runs
from .core import NamndService
from .narvaro import NarvaroResult


@dataclass(frozen=True)
class Tjanstgoring:
    meeting: str  # ISO date
    committee: str
    name: str
    party: str
    role: str  # ledamot | ersättare
    served: bool  # False: an ersättare present without serving
    for_name: str | None  # whose seat, for an ersättare who served
    for_party: str | None
    paragraphs: str | None  # "§§ 1–10" or "§§ 1–6, §§ 8–16"; None for a meeting without paragraphs
    ranges: tuple[tuple[int, int], ...]
    rule: str | None

    def as_dict(self) -> dict:
        d = asdict(self)
        d["for"] = d.pop("for_name")
        d["ranges"] = [{"from": a, "to": z} for a, z in self.ranges]
        return d


def rows_for(r: NarvaroResult) -> list[Tjanstgoring]:
    n = r.plan.paragraphs
    numbered = r.meeting.paragraphs is not None
    everything = all_of(n)
    nonjav, jav = narvaro.masks(r.situation, n)
    members = r.roster.by_key()
    out: list[Tjanstgoring] = []

    def row(m, served, mask, for_member=None, rule=None) -> Tjanstgoring:
        return Tjanstgoring(
            meeting=r.meeting.date.isoformat(),
            committee=r.committee.committee.short,
            name=m.name,
            party=m.party,
            role="ledamot" if m.is_ledamot else "ersättare",
            served=served,
            for_name=for_member.name if for_member else None,
            for_party=for_member.party if for_member else None,
            paragraphs=format_mask(mask, base=r.meeting.first_paragraph) if numbered else None,
            ranges=tuple((r.meeting.nr(a), r.meeting.nr(z)) for a, z in runs(mask)) if numbered else (),
            rule=rule,
        )

    for m in r.roster.ledamoter:
        mask = everything & ~nonjav.get(m.key, 0) & ~jav.get(m.key, 0)
        if mask:
            out.append(row(m, True, mask))
    by_pair: dict[tuple[str, str], tuple[int, str]] = {}
    for a in r.plan.assignments:
        mask, rule = by_pair.get((a.ersattare, a.seat), (0, a.rule.value))
        by_pair[(a.ersattare, a.seat)] = (mask | a.mask, rule)
    for (ers, seat), (mask, rule) in by_pair.items():
        out.append(row(members[ers], True, mask, members[seat], rule))
    if r.situation.present is not None:
        # Present without serving, as the meeting's present list has it. Without one (the meeting was
        # not opened in namndbot) nobody is counted as present by presumption: arvode is paid on facts.
        here = narvaro.attendance(r.situation, r.plan)
        for e in r.roster.ersattare:
            rest = here[e.key] & ~r.plan.serving_mask(e.key)
            if rest:
                out.append(row(e, False, rest))
    return out


async def tjanstgoring(namnd: NamndService, short: str, start: date, end: date) -> list[Tjanstgoring]:
    """Every meeting held from ``start`` to ``end`` (not cancelled, not still to come): who served,
    for whom, which paragraphs, and every ersättare who attended without serving."""
    async with namnd.db.read() as repo:
        stored = await namnd.committee_in(repo, short)
        today = namnd.clock().astimezone(ZoneInfo(stored.committee.timezone)).date()
        out: list[Tjanstgoring] = []
        for meeting in await repo.meetings(stored.id, start=start, end=end):
            # A meeting not yet held never counts as served (arvode is paid on facts): a later day, or
            # today before it has been opened.
            held = meeting.date < today or (meeting.date == today and meeting.started)
            if held and not meeting.cancelled:
                out.extend(rows_for(await namnd.narvaro_in(repo, stored, meeting)))
        return out

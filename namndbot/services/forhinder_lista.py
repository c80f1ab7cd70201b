"""``forhinder list``: who reported förhinder for a meeting, for which paragraphs, when and by whom.

Absences are personal data: the list is for the secretaries (the command line), carries no reason
(none is asked for or stored), and names the reporter as the roster does, or the Slack id of a
secretary who is not on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ..storage.forhinder_lista import AnmaldRad, anmalda
from .core import NamndService


@dataclass(frozen=True)
class Anmalt:
    name: str
    party: str
    role: str  # ledamot | ersättare
    whole: bool
    first: int | None  # the protocol's paragraph numbers; None: from the start / to the end
    last: int | None
    jav: bool
    tid: str | None  # "kommer 17:30" / "går 19:00"
    paragraphs: str  # as the confirmations say it: "hela sammanträdet", "från § 11", "§§ 1–4 (jäv)"
    reported_at: datetime  # in the committee's timezone
    reported_by: str
    by_self: bool

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "party": self.party,
            "role": self.role,
            "whole": self.whole,
            "from": self.first,
            "to": self.last,
            "jav": self.jav,
            "tid": self.tid,
            "paragraphs": self.paragraphs,
            "reported_at": self.reported_at.isoformat(timespec="seconds"),
            "reported_by": self.reported_by,
            "by_self": self.by_self,
        }


def _reporter(actor: str, row: AnmaldRad, slack_names: dict[str, str], secretaries: tuple[str, ...]) -> str:
    kind, _, who = actor.partition(":")
    if kind == "slack" and who:
        if who == row.slack:
            return f"{row.name} själv (Slack)"
        if who in slack_names:
            return f"{slack_names[who]} (Slack)"
        return f"{'sekreteraren ' if who in secretaries else ''}<@{who}> (Slack)"
    if kind == "cli":
        return f"kommandoraden ({actor})"
    return actor


async def forhinder_list(namnd: NamndService, short: str, day: date) -> tuple[str, date, list[Anmalt]]:
    async with namnd.db.read() as repo:
        stored = await namnd.committee_in(repo, short)
        meeting = await namnd.meeting_in(repo, stored, day)
        rows = await anmalda(repo, meeting.id)
        roster = await repo.roster(stored.id)
        slack_of = await repo.slack_ids(stored.id)
    names = {m.key: m.name for m in roster.members}
    slack_names = {slack: names[key] for key, slack in slack_of.items() if key in names}
    tz = ZoneInfo(stored.committee.timezone)
    out = []
    for row in rows:
        a = row.anmalan
        numbered = meeting.paragraphs is not None and not a.whole and not a.tid
        out.append(
            Anmalt(
                name=row.name,
                party=row.party,
                role="ledamot" if row.ledamot else "ersättare",
                whole=a.whole,
                first=meeting.nr(a.first or 1) if numbered else None,
                last=meeting.nr(a.last or meeting.units) if numbered else None,
                jav=a.jav,
                tid=a.tid,
                paragraphs=a.describe(meeting.paragraphs, meeting.first_paragraph),
                reported_at=row.created_at.astimezone(tz),
                reported_by=_reporter(row.created_by, row, slack_names, stored.committee.secretaries),
                by_self=row.created_by == f"slack:{row.slack}" if row.slack else False,
            )
        )
    return stored.committee.short, meeting.date, out

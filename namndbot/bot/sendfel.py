"""When a message cannot be built or Slack refuses it for good, the secretaries are told.

Nothing the bot should have said is dropped silently: a bug while turning an
event into messages, a Home tab or summary that cannot be built, or a message
Slack refuses for good (``invalid_blocks``, ``msg_too_long``, no such user…)
becomes a message to the secretaries of the committees it concerns, saying
what went wrong and to whom. A notice that itself fails is only logged (no
loop).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from ..blocks import messages
from ..blocks.limits import cut
from ..storage import Database
from ..storage.repository import OutboxRow, Repository, StoredCommittee
from .reminders import to_secretaries

log = logging.getLogger(__name__)

NOTICE = ":warning: namndbot kunde inte"  # every notice starts so; one that fails is not noticed again

KINDS = {
    "dm": "ett direktmeddelande till {who}",
    "post": "ett meddelande i {who}",
    "update": "en uppdatering av ett meddelande i {who}",
    "summary": "sekreterarnas närvaromeddelande",
    "home": "fliken Hem för {who}",
    "response": "ett svar",
    "mail": "e-post till {who}",
}


def _who(target: str | None) -> str:
    if not target:
        return "någon"
    if target[:1] in ("U", "W"):
        return f"<@{target}>"
    if target[:1] in ("C", "G"):
        return f"<#{target}>"
    return "en mottagare"


def is_notice(payload: dict) -> bool:
    return str(payload.get("text", "")).startswith(NOTICE)


def failed_event(kind: str, meeting: str | None) -> messages.Message:
    where = f" om sammanträdet {meeting}" if meeting else ""
    return messages.plain(
        f"{NOTICE} skicka det som hör till händelsen ”{kind}”{where}: ett fel i namndbot stoppade det. "
        "Kontrollera läget med `/namnd närvaro` och i kommandoraden; felet finns i loggen."
    )


def failed_row(row: OutboxRow, reason: str) -> messages.Message:
    who = _who(row.target)
    if row.kind == "mail":  # the member by name: the secretary must reach them some other way
        who = f"{row.payload.get('namn') or 'en ledamot'} ({row.target})"
    what = KINDS.get(row.kind, "ett meddelande").format(who=who)
    said = str(row.payload.get("text", "")).strip()
    if row.kind == "mail":
        said = str(row.payload.get("subject", "")).strip()
    text = f"{NOTICE} skicka {what} ({reason}; utkorg nr {row.id})."
    if said:
        text += f"\nDet som skulle ha sagts: ”{cut(said, 600)}”"
    if row.kind == "mail":
        text += "\nNå personen på annat sätt, t.ex. per telefon; ett ja registreras med knappen i närvaromeddelandet."
    return messages.plain(text)


async def _concerned(repo: Repository, row: OutboxRow) -> list[StoredCommittee]:
    """The committees a failed row is about: the summary's meeting, or those whose channel,
    secretaries or members the row was for."""
    committees = await repo.committees()
    if row.kind == "mail":
        return [s for s in committees if s.committee.short == row.payload.get("committee")]
    if row.kind == "summary" and "meeting_id" in row.payload:
        meeting = await repo.meeting_by_id(int(row.payload["meeting_id"]))
        return [s for s in committees if s.committee.short == meeting.committee]
    found = []
    for stored in committees:
        c = stored.committee
        if row.target and (
            row.target in (c.channel, c.secretaries_channel)
            or row.target in c.secretaries
            or row.target in (await repo.slack_ids(stored.id)).values()
        ):
            found.append(stored)
    return found


class Failures:
    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.clock = clock

    async def row_failed(self, row: OutboxRow, reason: str) -> None:
        """Tell the secretaries concerned that ``row`` will never reach Slack."""
        if is_notice(row.payload):
            log.error("a notice to the secretaries could not be sent either (outbox %s): %s", row.id, reason)
            return
        async with self.db.transaction() as repo:
            for stored in await _concerned(repo, row):
                await to_secretaries(repo, self.clock(), stored, failed_row(row, reason))

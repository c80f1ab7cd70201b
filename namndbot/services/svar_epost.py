"""The answer page behind an e-mailed call-in: what a signed link shows, and the answer it records.

Opening a link (GET) only reads: mail scanners that follow links must not answer for the member.
Pressing a button (POST) puts the answer in the same intake as a Slack button, with one dedupe
key per call-in (``Svarslank.dedupe_key``), so it counts once however often it is pressed, and is
applied by the same service code. The page then waits a moment for it to be applied, to say
what was recorded.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from ..domain.dates import klockslag, svensk_datum
from ..domain.meeting import Meeting
from ..domain.model import Member
from ..domain.svarslank import Svarslank, las, moment
from ..storage.repository import Repository, StoredCommittee
from .core import NamndService
from .intake import EPOST_ACTOR, Intake

NYCKEL = "svarslank"  # the name of the link-signing key in the table hemlighet
KINDS = {"kommer": "svar_kommer", "kan_inte": "svar_kan_inte"}
WORDS = {"kommer": "Jag kommer", "kan_inte": "Jag kan inte"}


async def link_key(repo: Repository, *, create: bool = False) -> bytes | None:
    """The key that signs answer links (made, in a write transaction, the first time one is made)."""
    value = await repo.hemlighet(NYCKEL, secrets.token_hex(32) if create else None)
    return bytes.fromhex(value) if value else None


@dataclass(frozen=True)
class Svarssida:
    """What the page says. ``fraga``: show the two buttons; ``ok``: a confirmation (True), a
    refusal or an expired link (False), or neither (None)."""

    status: int
    rubrik: str
    text: str
    detaljer: tuple[str, ...] = ()
    fraga: bool = False
    vald: str | None = None
    ok: bool | None = None


@dataclass(frozen=True)
class _Link:
    link: Svarslank
    stored: StoredCommittee
    meeting: Meeting
    member: Member


INVALID = Svarssida(
    404,
    "Länken fungerar inte",
    "Länken är ofullständig eller felaktig. Kontrollera att hela adressen från e-postmeddelandet kom med, "
    "eller hör av dig till nämndens sekreterare.",
    ok=False,
)


class SvarEpost:
    def __init__(self, namnd: NamndService, intake: Intake, *, wait: float = 5.0) -> None:
        self.namnd = namnd
        self.db = namnd.db
        self.intake = intake
        self.wait = wait

    async def visa(self, token: str, vald: str | None = None) -> Svarssida:
        """The page for a GET: reads only."""
        async with self.db.read() as repo:
            found = await self._link(repo, token)
            if found is None:
                return INVALID
            page = await self._state(repo, found)
        if page.fraga and vald in KINDS:
            page = replace(page, vald=vald)
        return page

    async def svara(self, token: str, svar: str) -> Svarssida:
        """The page for a POST: records the answer (once) through the intake."""
        if svar not in KINDS:
            return Svarssida(400, "Välj ett svar", "Tryck på ”Jag kommer” eller ”Jag kan inte”.", ok=False)
        async with self.db.read() as repo:
            found = await self._link(repo, token)
            if found is None:
                return INVALID
            page = await self._state(repo, found)
        if not page.fraga:
            return page  # answered already, withdrawn or expired: said as it is
        submitted = await self.intake.submit(
            found.link.dedupe_key,
            KINDS[svar],
            f"{EPOST_ACTOR}{found.link.member_id}",
            {
                "committee": found.stored.committee.short,
                "date": found.meeting.date.isoformat(),
                "member": found.member.name,
                "reply": None,
                "self": True,
                "via": "epost",
                "called": found.link.called,  # the call-in the link was for (checked when applied)
            },
        )
        if submitted.duplicate:
            async with self.db.read() as repo:
                return await self._state(repo, found)
        return await self._result(found, submitted.id, svar, page.detaljer)

    # -- reading -------------------------------------------------------------------------------------
    async def _link(self, repo: Repository, token: str) -> _Link | None:
        key = await link_key(repo)
        link = las(token, key) if key else None
        if link is None:
            return None
        try:
            meeting = await repo.meeting_by_id(link.meeting_id)
            member = (await repo.member_by_id(link.member_id)).member
        except Exception:  # gone (gallrad): the link is no more
            return None
        stored = await repo.committee(meeting.committee)
        if stored is None:
            return None
        return _Link(link, stored, meeting, member)

    async def _state(self, repo: Repository, f: _Link) -> Svarssida:
        c, m, member = f.stored.committee, f.meeting, f.member
        detaljer = [f"{c.name}", f"{svensk_datum(m.date).capitalize()} {klockslag(m.start)}"]
        if m.location or c.settings.plats:
            detaljer.append(f"Plats: {m.location or c.settings.plats}")
        last = await repo.last_call(m.id, f.link.member_id)
        seat = str((last or {}).get("serves", "")).removeprefix(member.label + " ")
        call = (await repo.inkallelser(m.id)).get(member.key)
        current = call is not None and moment(call.called_at) == f.link.called
        if seat:  # what the link's call is for; once withdrawn or passed on, what it was for
            detaljer.append(f"{member.name} tjänstgör {seat}" if current else f"Inkallelsen gällde: {seat}")
        details = tuple(detaljer)
        answered = await repo.intake_by_key(f.link.dedupe_key)
        if answered is not None and answered.status != "ny" and answered.result:
            said = str(answered.result.get("text", ""))
            if answered.status == "klar":
                later = " Har något ändrats? Hör av dig till nämndens sekreterare."
                return Svarssida(200, "Ditt svar är redan registrerat", said + later, details, ok=True)
            return Svarssida(200, "Svaret kunde inte registreras", said, details, ok=False)
        if answered is not None:
            return Svarssida(
                200, "Ditt svar är mottaget", "Svaret registreras nu; ladda om sidan om en stund.", details, ok=True
            )
        if m.cancelled:
            return Svarssida(410, "Sammanträdet är inställt", "Du behöver inte svara.", details, ok=False)
        now = self.namnd.clock()
        if m.started or now >= m.starts_at(c.timezone):
            return Svarssida(
                410,
                "Länken har gått ut",
                "Sammanträdet har redan börjat. Hör av dig till nämndens sekreterare.",
                details,
                ok=False,
            )
        if call is not None and current:
            if call.status == "kommer":
                return Svarssida(
                    200,
                    "Ditt svar är redan registrerat",
                    f"Du är anmäld att tjänstgöra vid sammanträdet {svensk_datum(m.date)}. "
                    "Kan du inte komma ändå? Hör av dig till nämndens sekreterare.",
                    details,
                    ok=True,
                )
            return Svarssida(200, "Du är inkallad att tjänstgöra", _ask(m, now, c.timezone), details, fraga=True)
        declined = (await repo.declined(m.id)).get(member.key)
        if declined == "ej_svar":
            return Svarssida(
                410,
                "Länken har gått ut",
                "Vi fick inget svar i tid, så nästa ersättare i turordningen har kallats in. Tack ändå!",
                details,
                ok=False,
            )
        if declined is not None:
            return Svarssida(
                200,
                "Ditt svar är redan registrerat",
                f"Du har svarat att du inte kan komma till sammanträdet {svensk_datum(m.date)}.",
                details,
                ok=True,
            )
        if call is not None:
            return Svarssida(
                410,
                "Länken gäller en tidigare inkallelse",
                "Du har kallats in på nytt; använd länkarna i det senaste e-postmeddelandet.",
                details,
                ok=False,
            )
        return Svarssida(
            410,
            "Inkallelsen är återkallad",
            "Du behövs inte längre vid sammanträdet: den du skulle ersätta kan komma, eller sammanträdet är ändrat. "
            "Tack ändå!",
            details,
            ok=False,
        )

    async def _result(self, f: _Link, intake_id: int | None, svar: str, details: tuple[str, ...]) -> Svarssida:
        """Wait (a little) for the bot to apply the answer, and say what it recorded."""
        deadline = asyncio.get_running_loop().time() + self.wait
        while intake_id is not None and asyncio.get_running_loop().time() < deadline:
            async with self.db.read() as repo:
                row = await repo.intake(intake_id)
            if row is not None and row.status != "ny":
                said = str((row.result or {}).get("text", ""))
                if row.status == "klar":
                    return Svarssida(200, "Tack! Ditt svar är registrerat", said, details, ok=True)
                return Svarssida(200, "Svaret kunde inte registreras", said, details, ok=False)
            await asyncio.sleep(0.05)
        return Svarssida(
            202,
            "Ditt svar är mottaget",
            f"Du svarade ”{WORDS[svar]}”. Svaret registreras strax; ladda om sidan för att se det.",
            details,
            ok=True,
        )


def _ask(m: Meeting, now: datetime, tz: str) -> str:
    today = now.astimezone(ZoneInfo(tz)).date()
    days = (m.date - today).days
    when = "i dag" if days == 0 else ("i morgon" if days == 1 else f"om {days} dagar")
    return f"Sammanträdet är {when}. Kan du komma? Tryck på ett av svaren nedan."

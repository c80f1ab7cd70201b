"""Registerutdrag (GDPR art. 15): everything namndbot holds about one person.

The name is matched as everywhere else (case and diacritics aside, words may
be shortened), across every committee and past members too. Secrets are
masked: a feed token shows its first characters only, a Slack response_url
only its host.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..domain.errors import NotFound, RuleError
from ..domain.names import match_name
from ..storage import Database
from ..storage import utdrag as sql

SECTIONS = {  # key -> heading, in the order printed
    "roster": "Rosterposter",
    "uppdrag": "Uppdrag i nämnden (Slack)",
    "forhinder": "Förhinder",
    "inkallelser": "Inkallelser och svar",
    "avbojt": "Avböjda eller obesvarade inkallelser",
    "tjanstgoring": "Tjänstgöring (som ersättare, eller ersättare för personen)",
    "narvarande": "Närvaro som ersättare",
    "vakanser": "Larm om vakant plats",
    "kalenderinbjudningar": "Kalenderinbjudningar per e-post",
    "justerare": "Justerare",
    "anmalningar": "Anmälningar från Slack",
    "meddelanden": "Meddelanden till personen (Slack och e-post)",
    "handelser": "Händelser",
    "granskningslogg": "Granskningslogg",
    "kalenderlankar": "Kalenderlänkar (maskerade)",
    "slack": "Slack-kanaler för direktmeddelanden",
    "installationer": "Installationer av appen i en arbetsyta",
    "sammantradesroster": "Sammanträden vars roster nämner personen",
    "skrivelser": "Svar på skrivelser som nämner personen",
}
JSON_FIELDS = ("payload", "resultat", "detaljer", "personliga_ersattare")


def mask_token(token: str) -> str:
    return f"{token[:4]}…({len(token)} tecken)"


def _mask_url(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}/…" if rest else "…"


_FEED_LINK = re.compile(r"(/kalender/p/|/svar/)([A-Za-z0-9_.-]{8,})")  # feed links, e-mailed answer links


def _masked(value: Any) -> Any:
    """Response URLs cut to their host, and feed tokens inside texts (a calendar link sent by DM) masked."""
    if isinstance(value, str):
        return _FEED_LINK.sub(lambda m: m.group(1) + mask_token(m.group(2)), value)
    if isinstance(value, dict):
        return {k: _mask_url(v) if k == "response_url" and isinstance(v, str) else _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


@dataclass(frozen=True)
class Utdrag:
    name: str
    made_at: datetime
    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"namn": self.name, "utdrag_gjort": self.made_at.isoformat(), **self.sections}


def _one_person(name: str, members: list[dict[str, Any]], committees: Collection[str]) -> list[dict[str, Any]]:
    """The member rows of the one person the extract is for: of ``committees`` (short names) when
    given; without them, refused when the rows look like several people (other parties, or
    committees of different workspaces: municipalities), since an extract shows them all."""
    if committees:
        wanted = {c.casefold() for c in committees}
        chosen = [m for m in members if m["namnd"].casefold() in wanted]
        if not chosen:
            raise NotFound(
                f"{name} finns inte i rostern för {', '.join(committees)}; "
                f"namnet finns i {', '.join(m['namnd'] for m in members)}."
            )
        return chosen
    if len({m["parti"] for m in members}) > 1 or len({m["arbetsyta"] for m in members}) > 1:
        raise RuleError(
            f"Namnet {name} står i flera nämnders roster, som kan vara olika personer: "
            + ", ".join(f"{m['namn']} ({m['parti']}) i {m['namnd']}" for m in members)
            + ".",
            hint="Ange vems utdrag det är med --committee KORTNAMN, en gång för varje nämnd personen sitter i.",
        )
    return members


async def utdrag(db: Database, query: str, clock: Callable[[], datetime], committees: Collection[str] = ()) -> Utdrag:
    async with db.read() as repo:
        names = await sql.people(repo.conn)
        if not names:
            raise NotFound("Det finns ingen roster än, så inga personer.")
        name = match_name(query, names, lambda n: n)
        members = _one_person(name, await sql.member_rows(repo.conn, name), committees)
        ids = [m["id"] for m in members]
        keys = sorted({m.pop("key") for m in members})
        slack = sorted({s for m in members for s in (m["slack"], m["slack_via_epost"]) if s})
        found = await sql.sections(repo.conn, ids, keys, slack, name, sorted({m.pop("committee_id") for m in members}))
    for m in members:
        m.pop("id")
        m.pop("arbetsyta")
    sections: dict[str, list[dict[str, Any]]] = {"roster": members, **found}
    for row in sections["kalenderlankar"]:
        row["token"] = mask_token(row["token"])
    for row in sections["meddelanden"]:
        if row["sort"] == "response" and row["till"]:
            row["till"] = _mask_url(row["till"])
    for rows in sections.values():
        for row in rows:
            for key in JSON_FIELDS:
                if isinstance(row.get(key), str):
                    try:
                        row[key] = json.loads(row[key])
                    except ValueError:
                        pass
            row.update({k: _masked(v) for k, v in row.items()})
    return Utdrag(name, clock(), {k: sections.get(k, []) for k in SECTIONS})

"""Svar på skrivelse: the post in the committee's channel, the note to its authors, and a document that
could not be read.
"""

from __future__ import annotations

from slack_sdk.models.blocks import HeaderBlock, PlainTextObject

from ..domain.model import Committee
from .limits import cut, section, text_sections
from .meddelande import Message, dag, plain


def skrivelse_post(committee: Committee, svar: dict, meeting_day: str | None) -> Message:
    """A new svar på skrivelse in the committee's channel."""
    authors = ", ".join(f"{a['name']}{' m.fl.' if a.get('others') else ''} ({a['party']})" for a in svar["authors"])
    facts = []
    if authors:
        facts.append(f"*Skrivelse från:* {authors}")
    if svar.get("skrivelse_date"):
        facts.append(f"*Skrivelsen daterad:* {dag(svar['skrivelse_date'])}")
    if svar.get("dnr"):
        facts.append(f"*Dnr:* {svar['dnr']}")
    facts.append(f"*Behandlas:* {('sammanträdet ' + dag(meeting_day)) if meeting_day else 'ej bestämt'}")
    blocks = [HeaderBlock(text=PlainTextObject(text=cut(svar["title"], 150))), section("\n".join(facts))]
    if svar.get("summary"):
        blocks.append(section(f"*Sammanfattning*\n{cut(svar['summary'], 700, '…')}"))
    if svar.get("proposal"):
        # A proposal of any length: split across sections, and past what a message holds cut with a pointer.
        rest = "… (förslaget fortsätter i ärendets handlingar" + (f", dnr {svar['dnr']})" if svar.get("dnr") else ")")
        used = sum(len(str(b.to_dict())) for b in blocks)
        blocks += text_sections(
            f"*Förvaltningens förslag till beslut*\n{svar['proposal']}", budget=9000 - used, more=rest, max_blocks=4
        )
    return Message(f"Nytt svar på skrivelse: {svar['title']}", [b.to_dict() for b in blocks])


def skrivelse_author(committee: Committee, svar: dict, meeting_day: str | None) -> Message:
    text = f"Förvaltningen har svarat på din skrivelse: {svar['title']}."
    if meeting_day:
        text += f" Svaret behandlas vid {committee.name}s sammanträde {dag(meeting_day)}."
    return plain(text)


def skrivelse_failed(reason: str, source: str) -> Message:
    return plain(
        f"Ett dokument kunde inte läsas som ett svar på skrivelse ({source}): {reason} "
        "Det har inte publicerats; lägg ut det för hand eller rätta filen och lägg in den igen."
    )

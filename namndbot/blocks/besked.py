"""Short answers and notices: a report registered (with Ångra), the receipt, help, calendar links, and
to the secretaries a report that met a bug.
"""

from __future__ import annotations

import json

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from ..domain.model import Committee
from ..domain.names import obs
from .limits import text_sections
from .meddelande import Message, plain


def answered(text: str, *, undo: dict | None = None) -> Message:
    """The answer to a report: what was registered, with "Ångra" where it can be undone."""
    blocks = [b.to_dict() for b in text_sections(text, max_blocks=4)]
    if undo:
        value = json.dumps(
            {
                "c": undo["committee"],
                "d": undo["date"],
                "m": undo["member"],
                **({"o": undo["only"]} if undo.get("only") else {}),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(text="Ångra", action_id="forhinder_angra", value=value),
                ]
            ).to_dict()
        )
    return Message(text, blocks)


def received(what: str) -> Message:
    """The receipt in the ack: built as plain dicts, it is on every request's path."""
    text = f":inbox_tray: {what} är mottaget och registreras nu."
    return Message(text, [{"type": "section", "text": {"type": "mrkdwn", "text": text}}])


HELP = """*Så här använder du /namnd*
• `/namnd förhinder 17 mars` anmäler förhinder till hela sammanträdet (även `tisdag`, `17/3`, `nästa`).
• `/namnd förhinder 17 mars till § 10` eller `från § 5`: bara en del; `kommer 17.30` / `går 19.00` med klockslag.
• `/namnd förhinder` utan datum öppnar ett formulär.
• `/namnd återkalla 17 mars` tar tillbaka ett förhinder.
• `/namnd närvaro [datum]` ger protokollets avsnitt Närvarande (för sekreterare).
• `/namnd kalender` ger dina kalenderlänkar.
• Sekreterare kan anmäla för andra: `/namnd förhinder 17 mars för Martin Westmont`; \
en partikontakt för partiets ledamöter och ersättare.
• Sekreterare: `/namnd justering` anger justerare och justeringsdag; `/namnd paragraf 5` under sammanträdet.
Är du med i flera nämnder, skriv nämndens förkortning först: `/namnd förhinder AMN 17 mars`."""


def help_message() -> Message:
    return plain(HELP)


def not_on_roster() -> Message:
    return plain(
        "Hej! Du finns inte med i någon nämnds ledamots- eller ersättarlista här, så du kan inte "
        "anmäla förhinder. Tycker du att du borde finnas med, hör av dig till nämndens sekreterare."
    )


def feed_links(committee: Committee, https: str, webcal: str, public: str) -> Message:
    text = (
        f"*Dina kalenderlänkar för {committee.name}*\n"
        f"• Prenumerera (Apple, Outlook): <{webcal}|webcal-länk>\n"
        f"• Google Kalender och andra: `{https}`\n"
        f"Länken är personlig: den visar din egen status. Nämndens öppna kalender: `{public}`"
    )
    return plain(text)


INTAKE_WORDS = {
    "forhinder_add": "en förhinderanmälan",
    "forhinder_remove": "ett återkallat förhinder",
    "svar_kommer": 'ett "Jag kommer"',
    "svar_kan_inte": 'ett "Jag kan inte"',
    "justering_set": "justerare och justeringsdag",
    "justering_klar": "en anmälan om justering",
}


def intake_failed(kind: str, actor: str, intake_id: object) -> Message:
    """To the secretaries: a member's report met a bug in namndbot (not bad input)."""
    who = f"<@{actor}>" if actor and not actor.startswith(("cli", "test")) else (actor or "någon")
    what = INTAKE_WORDS.get(kind, "ett besked")
    return plain(
        obs(f"{what} från {who}") + " kunde inte registreras på grund av ett fel i namndbot (besked nr "
        f"{intake_id}). Personen har fått veta och ombetts försöka igen; felet finns i loggen."
    )

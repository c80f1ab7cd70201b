"""The secretaries' live summary and each member's App Home, rendered from the services' data."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from ..domain.dates import klockslag, svensk_datum
from ..domain.paragraphs import span_words
from ..services.core import NarvaroResult
from .messages import Message, ref

RED = "#E01E5A"


def _md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


def summary(r: NarvaroResult) -> Message:
    """One message per meeting, edited in place: the protocol's Närvarande section and what is open."""
    c, m = r.committee.committee, r.meeting
    members = r.roster.by_key()
    title = f"Närvaro: {c.name} {svensk_datum(m.date)} {klockslag(m.start)}"
    if m.cancelled:
        return Message(
            f"{title} – inställt",
            [
                HeaderBlock(text=PlainTextObject(text=title[:150])).to_dict(),
                SectionBlock(text=_md("Sammanträdet är *inställt*.")).to_dict(),
            ],
        )
    blocks = [
        HeaderBlock(text=PlainTextObject(text=title[:150])),
        SectionBlock(text=_md(f"```{r.text().rstrip()}```")),
    ]
    n = r.plan.paragraphs
    unanswered = []
    seen = set()
    for a in r.plan.assignments:
        if a.ersattare in seen:
            continue
        seen.add(a.ersattare)
        if r.calls.get(a.ersattare) != "kommer":
            unanswered.append(members[a.ersattare].label)
    if unanswered:
        blocks.append(SectionBlock(text=_md("*Inkallade som inte har svarat:* " + ", ".join(unanswered))))
    if r.plan.vacancies:
        lines = []
        for v in r.plan.vacancies:
            where = span_words(v.first, v.last, n, base=m.first_paragraph)
            lines.append(f"• {members[v.seat].label}: {where}")
        blocks.append(SectionBlock(text=_md("*Vakanta platser (ingen ersättare kan kallas in):*\n" + "\n".join(lines))))
    timed = [a for a in r.anmalningar if a.tid]
    if timed:
        blocks.append(
            SectionBlock(
                text=_md(
                    "*Anmält med klockslag:* "
                    + ", ".join(
                        f"{members[a.member].label} {a.describe(m.paragraphs, m.first_paragraph)}"
                        for a in timed
                        if a.member in members
                    )
                )
            )
        )
    value = ref(c.short, m.date, "")
    if m.started:
        at = f"§ {m.nr(m.current_paragraph)}" if m.current_paragraph else "början"
        blocks.append(
            SectionBlock(
                text=_md(
                    f":large_green_circle: *Sammanträdet pågår* (nu: {at}). "
                    "Ändringar gäller från nästa paragraf; bara närvarande ersättare kallas."
                )
            )
        )
        buttons = [ButtonElement(text="Ersättare anländer", action_id="ersattare_anlander", value=value)]
        if m.paragraphs and m.current_paragraph < m.paragraphs:
            # The paragraph is in the value: two clicks on the same button move one paragraph, not two.
            nxt = json.dumps(
                {**json.loads(value), "p": m.nr(m.current_paragraph + 1)}, ensure_ascii=False, separators=(",", ":")
            )
            buttons.insert(
                0,
                ButtonElement(text=f"Nästa § ({m.nr(m.current_paragraph + 1)})", action_id="nasta_paragraf", value=nxt),
            )
        blocks.append(ActionsBlock(elements=buttons))
    else:
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="Starta sammanträdet", action_id="starta_sammantrade", value=value, style="primary"
                    )
                ]
            )
        )
    blocks.append(
        ContextBlock(
            elements=[
                _md(
                    "Uppdateras automatiskt när något ändras. `/namnd närvaro` ger texten att klistra in i protokollet."
                )
            ]
        )
    )
    attachments = None
    if not r.plan.beslutfor:
        ranges = ", ".join(span_words(a, z, n) for a, z in r.plan.not_quorate)
        warn = f":warning: *Nämnden är inte beslutför* ({ranges}): högst hälften av platserna är besatta."
        attachments = [{"color": RED, "blocks": [SectionBlock(text=_md(warn)).to_dict()], "fallback": warn}]
    text = f"{title}: {len(r.plan.assignments)} tjänstgörande ersättare"
    if not r.plan.beslutfor:
        text += ", EJ BESLUTFÖR"
    return Message(text, [b.to_dict() for b in blocks], attachments)


# One committee on the Home tab (see home()).
HomeSection = tuple[
    NarvaroResult | None, str, list[tuple[NarvaroResult, str | None]], tuple[str, str] | None, list[str]
]


def home(
    user: str,
    sections: list[HomeSection],
) -> dict:
    """App Home: for each committee, the next meetings with the member's status, duties and links.

    ``sections``: (any result for the committee or None, committee name,
    [(result, status)], (https, webcal) or None, duties).
    """
    blocks: list = [HeaderBlock(text=PlainTextObject(text="Dina sammanträden"))]
    if not sections:
        blocks.append(
            SectionBlock(
                text=_md(
                    "Du finns inte med i någon nämnds roster här. "
                    "Hör av dig till nämndens sekreterare om du borde finnas med."
                )
            )
        )
    for _, name, meetings, links, duties in sections:
        blocks.append(DividerBlock())
        blocks.append(SectionBlock(text=_md(f"*{name}*")))
        if not meetings:
            blocks.append(ContextBlock(elements=[_md("Inga kommande sammanträden.")]))
        for r, status in meetings:
            m = r.meeting
            line = f"{svensk_datum(m.date)} {klockslag(m.start)}"
            if m.note:
                line += f" – {m.note}"
            line += f"\n_{status[0].upper() + status[1:]}_" if status else ""
            blocks.append(
                SectionBlock(
                    text=_md(line),
                    accessory=ButtonElement(
                        text="Anmäl förhinder",
                        action_id="oppna_forhinder",
                        value=ref(r.committee.committee.short, m.date, ""),
                    ),
                )
            )
        for duty in duties:
            blocks.append(SectionBlock(text=_md(f":pencil: {duty}")))
        if links:
            https, webcal = links
            blocks.append(
                ContextBlock(elements=[_md(f"Din kalender: <{webcal}|prenumerera (webcal)> · <{https}|https-länk>")])
            )
    return View(type="home", blocks=blocks).to_dict()

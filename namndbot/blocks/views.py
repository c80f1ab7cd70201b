"""The secretaries' live summary and each member's App Home, rendered from the services' data."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
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
from ..services.narvaro import NarvaroResult
from .limits import (
    HEADER_TEXT,
    MESSAGE_BLOCK_CHARS,
    VIEW_BLOCKS,
    block_chars,
    context,
    cut,
    section,
    text_sections,
)
from .meddelande import Message, ref

RED = "#E01E5A"


def _md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=cut(text, 3000))


def summary(r: NarvaroResult) -> Message:
    """One message per meeting, edited in place: the protocol's Närvarande section and what is open."""
    c, m = r.committee.committee, r.meeting
    members = r.roster.by_key()
    title = f"Närvaro: {c.name} {svensk_datum(m.date)} {klockslag(m.start)}"
    if m.cancelled:
        return Message(
            f"{title} – inställt",
            [
                HeaderBlock(text=PlainTextObject(text=cut(title, HEADER_TEXT))).to_dict(),
                SectionBlock(text=_md("Sammanträdet är *inställt*.")).to_dict(),
            ],
        )
    # The protocol's text in as many sections as it needs (a section holds 3,000 characters; 101 seats and
    # 60 ersättare make about 8,000); past what a message holds, cut with a pointer to the whole text.
    whole = f"Hela texten: `/namnd närvaro {m.date.isoformat()}`"
    unanswered = []
    unanswered_keys: list[str] = []
    seen = set()
    for a in r.plan.assignments:
        if a.ersattare in seen:
            continue
        seen.add(a.ersattare)
        if r.calls.get(a.ersattare) != "kommer":
            unanswered.append(members[a.ersattare].label)
            unanswered_keys.append(a.ersattare)
    phoned = _phoned_buttons(c.short, m, [members[k] for k in unanswered_keys]) if unanswered and not m.started else []
    budget = MESSAGE_BLOCK_CHARS - 2500 - block_chars([b.to_dict() for b in phoned])
    blocks: list = [
        HeaderBlock(text=PlainTextObject(text=cut(title, HEADER_TEXT))),
        *text_sections(r.text().rstrip(), code=True, budget=budget, more=f"… {whole}"),
    ]
    n = r.plan.paragraphs
    if unanswered:
        blocks.append(section("*Inkallade som inte har svarat:* " + ", ".join(unanswered)))
        blocks.extend(phoned)
    if r.plan.vacancies:
        lines = []
        for v in r.plan.vacancies:
            where = span_words(v.first, v.last, n, base=m.first_paragraph)
            lines.append(f"• {members[v.seat].label}: {where}")
        blocks.append(section("*Vakanta platser (ingen ersättare kan kallas in):*\n" + "\n".join(lines), f"… {whole}"))
    timed = [a for a in r.anmalningar if a.tid]
    if timed:
        blocks.append(
            section(
                "*Anmält med klockslag:* "
                + ", ".join(
                    f"{members[a.member].label} {a.describe(m.paragraphs, m.first_paragraph)}"
                    for a in timed
                    if a.member in members
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
        ranges = ", ".join(span_words(a, z, n, base=r.plan.base) for a, z in r.plan.not_quorate)
        warn = cut(f":warning: *Nämnden är inte beslutför* ({ranges}): högst hälften av platserna är besatta.", 2900)
        attachments = [{"color": RED, "blocks": [SectionBlock(text=_md(warn)).to_dict()], "fallback": warn}]
    text = f"{title}: {len(r.plan.assignments)} tjänstgörande ersättare"
    if not r.plan.beslutfor:
        text += ", EJ BESLUTFÖR"
    return Message(text, [b.to_dict() for b in blocks], attachments)


PHONED_BUTTONS = 10  # more than that is rare; the rest by `namndbot ersattare accept`
PHONED_ACTION = "svar_kommer_sekr_"  # + a number: action ids are unique within a block


def _phoned_buttons(short: str, m, people: list) -> list:
    """A button per unanswered ersättare: the secretary records a yes given by phone or mail."""
    shown = people[:PHONED_BUTTONS]
    buttons = [
        ButtonElement(
            text=cut(f"{p.name} kommer", 75),
            action_id=f"{PHONED_ACTION}{i}",
            value=ref(short, m.date, p.name),
            confirm=ConfirmObject(  # kept short: it counts against the message's text
                title="Registrera ja?", text=cut(f"{p.name} kommer.", 300), confirm="Ja", deny="Avbryt"
            ),
        )
        for i, p in enumerate(shown)
    ]
    blocks: list = [
        ContextBlock(elements=[_md("Ja per telefon eller e-post? Registrera det:")]),
        *[ActionsBlock(elements=buttons[i : i + 5]) for i in range(0, len(buttons), 5)],
    ]
    if len(people) > len(shown):
        blocks.append(
            ContextBlock(elements=[_md("Övriga: `namndbot ersattare accept --committee … --meeting … NAMN`.")])
        )
    return blocks


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
    shown = _home_budget(sections, VIEW_BLOCKS - 1)
    if not sections:
        blocks.append(
            SectionBlock(
                text=_md(
                    "Du finns inte med i någon nämnds roster här. "
                    "Hör av dig till nämndens sekreterare om du borde finnas med."
                )
            )
        )
    for k, (_, name, meetings, links, duties) in enumerate(sections):
        if k not in shown:
            continue
        blocks.append(DividerBlock())
        blocks.append(section(f"*{name}*"))
        if not meetings:
            blocks.append(ContextBlock(elements=[_md("Inga kommande sammanträden.")]))
        for r, status in meetings[: shown[k][0]]:
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
        if len(meetings) > shown[k][0]:
            later = len(meetings) - shown[k][0]
            blocks.append(context(f"… och {later} sammanträden till. Alla finns i din kalender (`/namnd kalender`)."))
        for duty in duties[: shown[k][1]]:
            blocks.append(section(f":pencil: {duty}"))
        if len(duties) > shown[k][1]:
            blocks.append(context(f"… och {len(duties) - shown[k][1]} justeringar till."))
        if links:
            https, webcal = links
            blocks.append(
                ContextBlock(elements=[_md(f"Din kalender: <{webcal}|prenumerera (webcal)> · <{https}|https-länk>")])
            )
    if len(shown) < len(sections):
        blocks.append(context(f"… och {len(sections) - len(shown)} nämnder till, som inte ryms här."))
    return View(type="home", blocks=blocks).to_dict()


def _home_budget(sections: list[HomeSection], room: int) -> dict[int, tuple[int, int]]:
    """How many meetings and duties of each committee the Home tab shows: every committee's nearest
    meetings and its duties first, one at a time, until the blocks a view holds are used up."""
    fixed = [2 + (1 if s[3] else 0) + (0 if s[2] else 1) for s in sections]  # divider, name, links, "inga"
    shown: dict[int, list[int]] = {}
    room -= 1  # for a last "… och N nämnder till"
    for k, cost in enumerate(fixed):
        if cost + 2 > room:  # the committee and its "… och N till"
            break
        shown[k] = [0, 0]
        room -= cost + 2  # the two "… och N till" lines, if they are needed
    for rank in range(max((len(s[2]) + len(s[4]) for s in sections), default=0)):
        for k in shown:
            meetings, duties = sections[k][2], sections[k][4]
            i = 0 if rank < len(meetings) else 1
            n = shown[k][i]
            if (i == 0 and n < len(meetings)) or (i == 1 and n < len(duties)):
                if room <= 0:
                    break
                shown[k][i] += 1
                room -= 1
    return {k: (v[0], v[1]) for k, v in shown.items()}

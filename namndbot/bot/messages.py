"""What the bot says, as Block Kit (slack_sdk's models). Every message has a plain-text fallback."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from ..domain.dates import klockslag, svensk_datum
from ..domain.meeting import Meeting
from ..domain.model import Committee, Member

FORHINDER_MODAL = "forhinder_modal"


@dataclass(frozen=True)
class Message:
    text: str
    blocks: list[dict]
    attachments: list[dict] | None = None

    def payload(self) -> dict:
        out: dict = {"text": self.text, "blocks": self.blocks}
        if self.attachments:
            out["attachments"] = self.attachments
        return out


def _md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


def when(committee: Committee, m: Meeting) -> str:
    return f"{svensk_datum(m.date)} {klockslag(m.start)}"


def ref(short: str, day: date, member: str) -> str:
    """A button's value: which committee, meeting and member it is about."""
    return json.dumps({"c": short, "d": day.isoformat(), "m": member}, ensure_ascii=False, separators=(",", ":"))


def unref(value: str) -> tuple[str, date, str]:
    data = json.loads(value)
    return data["c"], date.fromisoformat(data["d"]), data.get("m", "")


def plain(text: str) -> Message:
    return Message(text, [SectionBlock(text=_md(text)).to_dict()])


def call_in(committee: Committee, m: Meeting, member: Member, serves: str, reason: str) -> Message:
    """The DM to a newly called-in ersättare, with "Jag kommer" / "Jag kan inte"."""
    seat = serves.removeprefix(member.label + " ")
    text = f"Du är inkallad att tjänstgöra {seat} vid {committee.name}s sammanträde {when(committee, m)}."
    details = [f"*{committee.name}*, {when(committee, m)}"]
    if m.location:
        details.append(m.location)
    blocks = [
        HeaderBlock(text=PlainTextObject(text="Du är inkallad att tjänstgöra")),
        SectionBlock(text=_md("\n".join(details) + f"\nDu tjänstgör *{seat}*.")),
    ]
    if m.note:
        blocks.append(ContextBlock(elements=[_md(f"Huvudärende: {m.note}")]))
    blocks.append(ContextBlock(elements=[_md(f"Varför du: {reason}")]))
    value = ref(committee.short, m.date, member.name)
    blocks.append(ActionsBlock(block_id="svar", elements=[
        ButtonElement(text="Jag kommer", action_id="svar_kommer", value=value, style="primary"),
        ButtonElement(text="Jag kan inte", action_id="svar_kan_inte", value=value, style="danger"),
    ]))
    return Message(text, [b.to_dict() for b in blocks])


def call_changed(committee: Committee, m: Meeting, member: Member, serves: str) -> Message:
    return plain(f"Din inkallelse till {committee.name}s sammanträde {when(committee, m)} har ändrats: "
                 f"du tjänstgör nu {serves.removeprefix(member.label + ' ')}.")


def released(committee: Committee, m: Meeting, displaced: bool) -> Message:
    if displaced:
        return plain(f"Du behövs inte längre vid {committee.name}s sammanträde {when(committee, m)}: "
                     "en ersättare från platsens eget parti har blivit ledig och tar över platsen, "
                     "som turordningen säger. Tack för att du ställde upp!")
    return plain(f"Du behövs inte längre vid {committee.name}s sammanträde {when(committee, m)}; "
                 "den du skulle ersätta kan komma, eller sammanträdet är ändrat. Tack ändå!")


def answered(text: str, *, undo: dict | None = None) -> Message:
    """The answer to a report: what was registered, with "Ångra" where it can be undone."""
    blocks = [SectionBlock(text=_md(text)).to_dict()]
    if undo:
        value = json.dumps({"c": undo["committee"], "d": undo["date"], "m": undo["member"]},
                           ensure_ascii=False, separators=(",", ":"))
        blocks.append(ActionsBlock(elements=[
            ButtonElement(text="Ångra", action_id="forhinder_angra", value=value),
        ]).to_dict())
    return Message(text, blocks)


def received(what: str) -> Message:
    """The receipt in the ack: built as plain dicts, it is on every request's path."""
    text = f":inbox_tray: {what} är mottaget och registreras nu."
    return Message(text, [{"type": "section", "text": {"type": "mrkdwn", "text": text}}])


def meeting_options(committee: Committee, meetings: list[Meeting]) -> list[Option]:
    return [Option(value=f"{committee.short}|{m.date.isoformat()}",
                   text=f"{committee.short} {svensk_datum(m.date)} {klockslag(m.start)}"[:75])
            for m in meetings[:100]]


def forhinder_modal(choices: list[tuple[Committee, list[Meeting]]], selected: tuple[str, date] | None,
                    members: list[Member] | None, private: dict) -> dict:
    """``/namnd förhinder`` without a date: which meeting, whole or part, and (secretaries) for whom."""
    options = [o for committee, meetings in choices for o in meeting_options(committee, meetings)]
    initial = options[0] if options else None
    if selected:
        wanted = f"{selected[0]}|{selected[1].isoformat()}"
        initial = next((o for o in options if o.value == wanted), initial)
    blocks = []
    if members:
        member_options = [Option(value=m.name, text=m.label[:75]) for m in members[:100]]
        blocks.append(InputBlock(
            block_id="vem", label="För vem", optional=True,
            element=StaticSelectElement(action_id="v", options=member_options,
                                        placeholder="Dig själv, om du inte väljer någon"),
        ))
    blocks.append(InputBlock(
        block_id="mote", label="Sammanträde",
        element=StaticSelectElement(action_id="v", options=options, initial_option=initial),
    ))
    whole = Option(value="hela", text="Hela sammanträdet")
    blocks.append(InputBlock(
        block_id="del", label="Hela eller en del",
        element=RadioButtonsElement(action_id="v", initial_option=whole, options=[
            whole,
            Option(value="kommer", text="Jag kommer senare"),
            Option(value="gar", text="Jag går tidigare"),
        ]),
    ))
    blocks.append(InputBlock(
        block_id="nar", label="Från eller till", optional=True,
        hint="Paragraf (§ 5) eller klockslag (17.30), om du kommer senare eller går tidigare.",
        element=PlainTextInputElement(action_id="v", placeholder="§ 5 eller 17.30"),
    ))
    view = View(
        type="modal", callback_id=FORHINDER_MODAL, title="Anmäl förhinder", submit="Anmäl", close="Avbryt",
        blocks=blocks, private_metadata=json.dumps(private, separators=(",", ":")),
    )
    return view.to_dict()


HELP = """*Så här använder du /namnd*
• `/namnd förhinder 17 mars` anmäler förhinder till hela sammanträdet (även `tisdag`, `17/3`, `nästa`).
• `/namnd förhinder 17 mars till §10` eller `från §5`: bara en del; `kommer 17.30` / `går 19.00` med klockslag.
• `/namnd förhinder` utan datum öppnar ett formulär.
• `/namnd återkalla 17 mars` tar tillbaka ett förhinder.
• `/namnd närvaro [datum]` ger protokollets avsnitt Närvarande (för sekreterare).
• `/namnd kalender` ger dina kalenderlänkar.
• Sekreterare kan anmäla för andra: `/namnd förhinder 17 mars för Martin Westmont`.
Är du med i flera nämnder, skriv nämndens förkortning först: `/namnd förhinder AMN 17 mars`."""


def help_message() -> Message:
    return plain(HELP)


def not_on_roster() -> Message:
    return plain("Hej! Du finns inte med i någon nämnds ledamots- eller ersättarlista här, så du kan inte "
                 "anmäla förhinder. Tycker du att du borde finnas med, hör av dig till nämndens sekreterare.")


def feed_links(committee: Committee, https: str, webcal: str, public: str) -> Message:
    text = (f"*Dina kalenderlänkar för {committee.name}*\n"
            f"• Prenumerera (Apple, Outlook): <{webcal}|webcal-länk>\n"
            f"• Google Kalender och andra: `{https}`\n"
            f"Länken är personlig: den visar din egen status. Nämndens öppna kalender: `{public}`")
    return plain(text)


def divider() -> dict:
    return DividerBlock().to_dict()

"""What the bot says, as Block Kit (slack_sdk's models). Every message has a plain-text fallback."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    InputInteractiveElement,
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
from ..domain.errors import NamndbotError
from ..domain.meeting import Meeting
from ..domain.model import Committee, Member
from ..domain.names import obs
from ..domain.paragraphs import format_numbers
from .limits import MESSAGE_TEXT, OPTION_TEXT, OPTIONS, cut, section, text_sections

FORHINDER_MODAL = "forhinder_modal"
JUSTERING_MODAL = "justering_modal"
START_MODAL = "start_modal"
ANLANDER_MODAL = "anlander_modal"


@dataclass(frozen=True)
class Message:
    text: str
    blocks: list[dict]
    attachments: list[dict] | None = None

    def payload(self) -> dict:
        out: dict = {"text": cut(self.text, MESSAGE_TEXT), "blocks": self.blocks}
        if self.attachments:
            out["attachments"] = self.attachments
        return out


def _md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=cut(text, 3000))


def when(committee: Committee, m: Meeting) -> str:
    return f"{svensk_datum(m.date)} {klockslag(m.start)}"


def ref(short: str, day: date, member: str) -> str:
    """A button's value: which committee, meeting and member it is about."""
    return json.dumps({"c": short, "d": day.isoformat(), "m": member}, ensure_ascii=False, separators=(",", ":"))


def unref(value: str) -> tuple[str, date, str]:
    """The committee, meeting date and member a button is about."""
    try:
        data = json.loads(value)
        return str(data["c"]), date.fromisoformat(data["d"]), str(data.get("m", ""))
    except (ValueError, TypeError, KeyError) as exc:
        raise NamndbotError(
            "Knappen går inte att läsa (den kan vara från en äldre version av namndbot). Använd /namnd i stället."
        ) from exc


def plain(text: str) -> Message:
    """A text of any length: split across section blocks, and cut if it is longer than a message holds."""
    return Message(text, [b.to_dict() for b in text_sections(text)])


def call_in(committee: Committee, m: Meeting, member: Member, serves: str, reason: str) -> Message:
    """The DM to a newly called-in ersättare, with "Jag kommer" / "Jag kan inte"."""
    seat = serves.removeprefix(member.label + " ")
    text = f"Du är inkallad att tjänstgöra {seat} vid {committee.name}s sammanträde {when(committee, m)}."
    details = [f"*{committee.name}*, {when(committee, m)}"]
    if m.location or committee.settings.plats:
        details.append(m.location or committee.settings.plats or "")
    blocks = [
        HeaderBlock(text=PlainTextObject(text="Du är inkallad att tjänstgöra")),
        section("\n".join(details) + f"\nDu tjänstgör *{seat}*."),
    ]
    if m.note:
        blocks.append(ContextBlock(elements=[_md(f"Huvudärende: {m.note}")]))
    blocks.append(ContextBlock(elements=[_md(f"Varför du: {reason}")]))
    value = ref(committee.short, m.date, member.name)
    blocks.append(
        ActionsBlock(
            block_id="svar",
            elements=[
                ButtonElement(text="Jag kommer", action_id="svar_kommer", value=value, style="primary"),
                ButtonElement(text="Jag kan inte", action_id="svar_kan_inte", value=value, style="danger"),
            ],
        )
    )
    return Message(text, [b.to_dict() for b in blocks])


def call_changed(committee: Committee, m: Meeting, member: Member, serves: str) -> Message:
    return plain(
        f"Din inkallelse till {committee.name}s sammanträde {when(committee, m)} har ändrats: "
        f"du tjänstgör nu {serves.removeprefix(member.label + ' ')}."
    )


def released(committee: Committee, m: Meeting, displaced: bool) -> Message:
    if displaced:
        return plain(
            f"Du behövs inte längre vid {committee.name}s sammanträde {when(committee, m)}: "
            "en ersättare från platsens eget parti har blivit ledig och tar över platsen, "
            "som turordningen säger. Tack för att du ställde upp!"
        )
    return plain(
        f"Du behövs inte längre vid {committee.name}s sammanträde {when(committee, m)}; "
        "den du skulle ersätta kan komma, eller sammanträdet är ändrat. Tack ändå!"
    )


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


def meeting_options(
    committee: Committee, meetings: list[Meeting], *, around: date | None = None, keep: date | None = None
) -> list[Option]:
    """The meetings as options, in date order; when there are more than a menu holds, the
    nearest to ``around`` (default: the first) and always ``keep``."""
    chosen = nearest(meetings, around, keep)
    return [
        Option(
            value=f"{committee.short}|{m.date.isoformat()}",
            text=f"{committee.short} {svensk_datum(m.date)} {klockslag(m.start)}"[:OPTION_TEXT],
        )
        for m in chosen
    ]


def nearest(meetings: list[Meeting], around: date | None, keep: date | None = None, limit: int = OPTIONS) -> list:
    """At most ``limit`` meetings, the nearest to ``around`` (the earliest, without it) and ``keep``, in date order."""
    if len(meetings) <= limit:
        return list(meetings)
    pivot = around or min(m.date for m in meetings)
    ranked = sorted(meetings, key=lambda m: (m.date != keep, abs((m.date - pivot).days), m.date))
    return sorted(ranked[:limit], key=lambda m: m.date)


def member_field(block_id: str, label: str, members: list[Member], *, optional: bool, placeholder: str, chosen=None):
    """A menu of people, or (more than a menu holds: 101 seats and 60 ersättare) a text field
    where a name is typed, matched as everywhere (``westm``)."""
    if len(members) <= OPTIONS:
        options = [Option(value=m.name, text=m.label[:OPTION_TEXT]) for m in members]
        initial = next((o for o in options if o.value == chosen), None)
        element: InputInteractiveElement = StaticSelectElement(
            action_id="v", options=options, placeholder=placeholder, initial_option=initial
        )
        return InputBlock(block_id=block_id, label=label, optional=optional, element=element)
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=f"Skriv namnet (eller början av det, t.ex. ”westm”); {len(members)} personer är för många för en lista.",
        element=PlainTextInputElement(action_id="v", placeholder=placeholder, initial_value=chosen),
    )


def forhinder_modal(
    choices: list[tuple[Committee, list[Meeting]]],
    selected: tuple[str, date] | None,
    members: list[Member] | None,
    private: dict,
) -> dict:
    """``/namnd förhinder`` without a date: which meeting, whole or part, and (secretaries) for whom."""
    # Every committee's coming meetings in one menu: the nearest first, as many as a menu holds
    # (and the one asked for, if any).
    every = [(m.date, i, m) for i, (_, meetings) in enumerate(choices) for m in meetings]
    every.sort(key=lambda t: (t[0] != (selected[1] if selected else None), t[0], t[1]))
    kept = sorted(every[:OPTIONS], key=lambda t: (t[0], t[1]))
    options = [meeting_options(choices[i][0], [m])[0] for _, i, m in kept]
    initial = options[0] if options else None
    if selected:
        wanted = f"{selected[0]}|{selected[1].isoformat()}"
        initial = next((o for o in options if o.value == wanted), initial)
    blocks = []
    if members:
        blocks.append(
            member_field("vem", "För vem", members, optional=True, placeholder="Dig själv, om du inte väljer någon")
        )
    blocks.append(
        InputBlock(
            block_id="mote",
            label="Sammanträde",
            element=StaticSelectElement(action_id="v", options=options, initial_option=initial),
        )
    )
    whole = Option(value="hela", text="Hela sammanträdet")
    blocks.append(
        InputBlock(
            block_id="del",
            label="Hela eller en del",
            element=RadioButtonsElement(
                action_id="v",
                initial_option=whole,
                options=[
                    whole,
                    Option(value="kommer", text="Jag kommer senare"),
                    Option(value="gar", text="Jag går tidigare"),
                ],
            ),
        )
    )
    blocks.append(
        InputBlock(
            block_id="nar",
            label="Från eller till",
            optional=True,
            hint="Paragraf (§ 5) eller klockslag (17.30), om du kommer senare eller går tidigare.",
            element=PlainTextInputElement(action_id="v", placeholder="§ 5 eller 17.30"),
        )
    )
    view = View(
        type="modal",
        callback_id=FORHINDER_MODAL,
        title="Anmäl förhinder",
        submit="Anmäl",
        close="Avbryt",
        blocks=blocks,
        private_metadata=json.dumps(private, separators=(",", ":")),
    )
    return view.to_dict()


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


# -- reminders, justering, svar på skrivelse ------------------------------------------------
def _in_days(days: int | None) -> str:
    return {0: "i dag", 1: "i morgon"}.get(days or 0, f"om {days} dagar") if days is not None else ""


def meeting_reminder(committee: Committee, m: Meeting, days: int | None) -> Message:
    """The reminder in the committee's channel, with "Anmäl förhinder"."""
    head = f"Påminnelse: {committee.name} sammanträder {when(committee, m)}"
    if days is not None:
        head += f" ({_in_days(days)})"
    lines = [f"*{head}.*"]
    if m.location or committee.settings.plats:
        lines.append(f"Plats: {m.location or committee.settings.plats}")
    if m.note:
        lines.append(f"Huvudärende: {m.note}")
    lines.append("Kan du inte komma, hela eller en del av sammanträdet? Anmäl förhinder så kallas en ersättare in.")
    blocks = [
        section("\n".join(lines)),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Anmäl förhinder", action_id="oppna_forhinder", value=ref(committee.short, m.date, "")
                )
            ]
        ),
    ]
    return Message(head + ".", [b.to_dict() for b in blocks])


def call_in_reminder(committee: Committee, m: Meeting, name: str, seats: list[str]) -> Message:
    text = (
        f"Påminnelse: du är inkallad att tjänstgöra för {', '.join(seats)} vid {committee.name}s sammanträde "
        f"{when(committee, m)}, men har inte svarat."
    )
    value = ref(committee.short, m.date, name)
    blocks = [
        section(text),
        ActionsBlock(
            block_id="svar",
            elements=[
                ButtonElement(text="Jag kommer", action_id="svar_kommer", value=value, style="primary"),
                ButtonElement(text="Jag kan inte", action_id="svar_kan_inte", value=value, style="danger"),
            ],
        ),
    ]
    return Message(text, [b.to_dict() for b in blocks])


def _justerat_button(committee: Committee, m: Meeting) -> dict:
    return ActionsBlock(
        elements=[
            ButtonElement(
                text="Justerat", action_id="justering_klar", style="primary", value=ref(committee.short, m.date, "")
            )
        ]
    ).to_dict()


def justering_reminder(committee: Committee, m: Meeting, day: date, whom: list[str], when_word: str | None) -> Message:
    others = f" Justerare: {', '.join(whom)}." if whom else ""
    text = (
        f"Påminnelse: du ska justera protokollet från {committee.name}s sammanträde {svensk_datum(m.date)}"
        f" {'i dag' if when_word == 'i dag' else 'på ' + svensk_datum(day)}.{others}"
    )
    if when_word != "i dag":
        return plain(text)
    text += " Tryck Justerat när det är klart (eller låt sekreteraren göra det)."
    return Message(text, [section(text).to_dict(), _justerat_button(committee, m)])


def justering_today(committee: Committee, m: Meeting, whom: list[str]) -> Message:
    text = (
        f"Protokollet från {committee.name}s sammanträde {svensk_datum(m.date)} justeras i dag"
        + (f" av {', '.join(whom)}" if whom else "")
        + ". Tryck Justerat när det är klart."
    )
    return Message(text, [section(text).to_dict(), _justerat_button(committee, m)])


def justering_overdue(committee: Committee, m: Meeting, day: date, limit: date) -> Message:
    text = (
        f"Protokollet från {committee.name}s sammanträde {svensk_datum(m.date)} skulle ha justerats "
        f"{svensk_datum(day)} men är inte markerat som justerat. Enligt kommunallagen ska det vara justerat "
        f"senast {svensk_datum(limit)}."
    )
    return Message(text, [section(text).to_dict(), _justerat_button(committee, m)])


def justering_limit(committee: Committee, m: Meeting, limit: date) -> Message:
    text = (
        f":warning: Lagens gräns närmar sig: protokollet från {committee.name}s sammanträde "
        f"{svensk_datum(m.date)} ska vara justerat senast {svensk_datum(limit)} (14 dagar efter sammanträdet, "
        "KL 6 kap. 35 §)."
    )
    return Message(text, [section(text).to_dict(), _justerat_button(committee, m)])


def justerare_hindrad(committee: Committee, m: Meeting, justerare: str, reason: str | None) -> Message:
    """To the secretaries: a justerare chosen for the meeting has since reported förhinder."""
    what = "tjänstgör inte längre vid" if reason == "tjanstgor_inte" else "har anmält förhinder till"
    text = (
        f":warning: Justeraren {justerare} {what} {committee.name}s sammanträde {svensk_datum(m.date)} "
        "och kan därför inte justera protokollet. Välj en annan justerare med `/namnd justering`."
    )
    return plain(text)


def justerad(committee: Committee, m: Meeting, facts: dict) -> Message:
    """The post in the channel when the protocol is justerat: anslag, appeal and take-down dates."""
    lines = [
        f"*Protokollet från {committee.name}s sammanträde {svensk_datum(m.date)} är justerat* "
        f"({svensk_datum(date.fromisoformat(facts['justerad']))})."
    ]
    lines.append(f"• Justeringen ska tillkännages på anslagstavlan senast {_d(facts['anslag_senast'])}.")
    basis = ("anslaget " + _d(facts["anslag"])) if facts.get("anslag") else f"ett anslag {_d(facts['anslag_senast'])}"
    lines.append(f"• Sista dag att överklaga: {_d(facts['overklagande_sista_dag'])} (tre veckor från {basis}).")
    lines.append(f"• Anslaget får tas ned tidigast {_d(facts['anslag_ned_tidigast'])}.")
    if facts.get("omedelbart_justerade"):
        paragraphs = format_numbers(facts["omedelbart_justerade"])
        lines.append(f"• Omedelbart justerade vid sammanträdet: {paragraphs}.")
    text = "\n".join(lines)
    return Message(text.replace("*", ""), [b.to_dict() for b in text_sections(text)])


def _d(iso: str | None) -> str:
    return svensk_datum(date.fromisoformat(iso)) if iso else "(okänt)"


def skrivelse_post(committee: Committee, svar: dict, meeting_day: str | None) -> Message:
    """A new svar på skrivelse in the committee's channel."""
    authors = ", ".join(f"{a['name']}{' m.fl.' if a.get('others') else ''} ({a['party']})" for a in svar["authors"])
    facts = []
    if authors:
        facts.append(f"*Skrivelse från:* {authors}")
    if svar.get("skrivelse_date"):
        facts.append(f"*Skrivelsen daterad:* {_d(svar['skrivelse_date'])}")
    if svar.get("dnr"):
        facts.append(f"*Dnr:* {svar['dnr']}")
    facts.append(f"*Behandlas:* {('sammanträdet ' + _d(meeting_day)) if meeting_day else 'ej bestämt'}")
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
        text += f" Svaret behandlas vid {committee.name}s sammanträde {_d(meeting_day)}."
    return plain(text)


def skrivelse_failed(reason: str, source: str) -> Message:
    return plain(
        f"Ett dokument kunde inte läsas som ett svar på skrivelse ({source}): {reason} "
        "Det har inte publicerats; lägg ut det för hand eller rätta filen och lägg in den igen."
    )


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


def justering_modal(
    committee: Committee,
    meetings: list[Meeting],
    members: list[Member],
    selected: date | None,
    justerare: tuple[str, ...] = (),
    when: date | None = None,
) -> dict:
    """The secretary's form: which meeting, the two justerare, the justering date."""
    from slack_sdk.models.blocks import DatePickerElement

    # The latest meetings matter here (a protocol is justerat after its meeting): the nearest to the one
    # chosen, else to the last one.
    around = selected or (meetings[-1].date if meetings else None)
    options = meeting_options(committee, meetings, around=around, keep=selected)
    initial = options[-1] if options else None
    if selected:
        initial = next((o for o in options if o.value.endswith(selected.isoformat())), initial)
    blocks = [
        InputBlock(
            block_id="mote",
            label="Sammanträde",
            element=StaticSelectElement(action_id="v", options=options, initial_option=initial),
        )
    ]
    for i, label in enumerate(("Justerare", "Justerare")):
        blocks.append(
            member_field(
                f"justerare{i + 1}",
                label,
                members,
                optional=i > 0,
                placeholder="Välj justerare",
                chosen=justerare[i] if len(justerare) > i else None,
            )
        )
    blocks.append(
        InputBlock(
            block_id="dag",
            label="Justeringsdag",
            element=DatePickerElement(action_id="v", initial_date=when.isoformat() if when else None),
        )
    )
    return View(
        type="modal",
        callback_id=JUSTERING_MODAL,
        title="Justering",
        submit="Spara",
        close="Avbryt",
        blocks=blocks,
        private_metadata=committee.short,
    ).to_dict()


def call_withdrawn(committee: Committee, m: Meeting) -> Message:
    return plain(
        f"Din inkallelse till {committee.name}s sammanträde {when(committee, m)} är återkallad: vi fick "
        "inget svar i tid, så nästa ersättare i turordningen har kallats in. Tack ändå!"
    )


def vacancy(committee: Committee, m: Meeting, seat: str, paragraphs: str) -> Message:
    text = (
        f":warning: Ingen ersättare kan kallas in för {seat} vid {committee.name}s sammanträde "
        f"{when(committee, m)} ({paragraphs}): alla i turordningen har förhinder, har tackat nej eller "
        "tjänstgör redan. Platsen står tom om ingen hittas."
    )
    return plain(text)


def chair_instruction(
    committee: Committee, m: Meeting, serves: str, from_paragraph: int | None, reason: str
) -> Message:
    start = f" från § {m.nr(from_paragraph)}" if from_paragraph else ""  # the event holds a position
    text = f":bell: Till ordföranden: kalla in {serves}{start}. ({reason})"
    return plain(text)


def start_modal(committee: Committee, m: Meeting, ersattare: list[Member], expected: list[str]) -> dict:
    """Open the meeting: which ersättare are here (those called in are ticked)."""
    from slack_sdk.models.blocks import StaticMultiSelectElement

    # Those called in first, so that they are always among the options a menu holds.
    ordered = sorted(ersattare, key=lambda e: e.name not in expected)[:OPTIONS]
    options = [Option(value=e.name, text=e.label[:OPTION_TEXT]) for e in ordered]
    initial = [o for o in options if o.value in expected] or None
    blocks = [
        SectionBlock(
            text=_md(
                f"*{committee.name}*, {when(committee, m)}\nFrån och med nu gäller ändringar från "
                "nästa paragraf, och bara närvarande ersättare kallas in."
            )
        ),
        InputBlock(
            block_id="narvarande",
            label="Närvarande ersättare",
            optional=True,
            element=StaticMultiSelectElement(action_id="v", options=options, initial_options=initial),
        ),
    ]
    return View(
        type="modal",
        callback_id=START_MODAL,
        title="Starta sammanträdet",
        submit="Starta",
        close="Avbryt",
        blocks=blocks,
        private_metadata=ref(committee.short, m.date, ""),
    ).to_dict()


def anlander_modal(committee: Committee, m: Meeting, ersattare: list[Member]) -> dict:
    blocks = [member_field("vem", "Ersättaren som kommer", ersattare, optional=False, placeholder="Välj ersättare")]
    return View(
        type="modal",
        callback_id=ANLANDER_MODAL,
        title="Ersättare anländer",
        submit="Spara",
        close="Avbryt",
        blocks=blocks,
        private_metadata=ref(committee.short, m.date, ""),
    ).to_dict()

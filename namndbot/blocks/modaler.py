"""The modals (förhinder, justering, opening the meeting, an ersättare arriving) and their menus."""

from __future__ import annotations

import json
from datetime import date

from slack_sdk.models.blocks import (
    InputBlock,
    InputInteractiveElement,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from ..domain.dates import klockslag, svensk_datum
from ..domain.meeting import Meeting
from ..domain.model import Committee, Member
from .limits import OPTION_TEXT, OPTIONS
from .meddelande import md, ref, when

FORHINDER_MODAL = "forhinder_modal"
JUSTERING_MODAL = "justering_modal"
START_MODAL = "start_modal"
ANLANDER_MODAL = "anlander_modal"


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


def start_modal(committee: Committee, m: Meeting, ersattare: list[Member], expected: list[str]) -> dict:
    """Open the meeting: which ersättare are here (those called in are ticked)."""
    from slack_sdk.models.blocks import StaticMultiSelectElement

    # Those called in first, so that they are always among the options a menu holds.
    ordered = sorted(ersattare, key=lambda e: e.name not in expected)[:OPTIONS]
    options = [Option(value=e.name, text=e.label[:OPTION_TEXT]) for e in ordered]
    initial = [o for o in options if o.value in expected] or None
    blocks = [
        SectionBlock(
            text=md(
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

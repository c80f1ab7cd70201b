"""To an ersättare called in, whose call changed, was released or withdrawn; to the chair and the
secretaries when a call-in is needed during the meeting or a seat stays empty.
"""

from __future__ import annotations

import json

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, HeaderBlock, PlainTextObject

from ..domain.meeting import Meeting
from ..domain.model import Committee, Member
from .limits import section
from .meddelande import Message, md, plain, ref, when


def call_in(
    committee: Committee, m: Meeting, member: Member, serves: str, reason: str, called: int | None = None
) -> Message:
    """The DM to a newly called-in ersättare, with "Jag kommer" / "Jag kan inte" (``called``: the
    call-in's moment, which the buttons carry so that they answer only that call-in)."""
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
        blocks.append(ContextBlock(elements=[md(f"Huvudärende: {m.note}")]))
    blocks.append(ContextBlock(elements=[md(f"Varför du: {reason}")]))
    blocks.append(svar_buttons(committee, m, member.name, called))
    return Message(text, [b.to_dict() for b in blocks])


def svar_buttons(committee: Committee, m: Meeting, name: str, called: int | None = None) -> ActionsBlock:
    """ "Jag kommer" / "Jag kan inte": the answer to a call-in (in it, and in its reminder). ``called``
    is the call-in's moment (as an answer link carries it, ``domain.svarslank.moment``): a button of a
    call that was withdrawn and made anew then answers nothing. Buttons sent without it answer the
    member's current call-in, as they always did."""
    value = ref(committee.short, m.date, name)
    if called is not None:
        value = json.dumps({**json.loads(value), "k": called}, ensure_ascii=False, separators=(",", ":"))
    return ActionsBlock(
        block_id="svar",
        elements=[
            ButtonElement(text="Jag kommer", action_id="svar_kommer", value=value, style="primary"),
            ButtonElement(text="Jag kan inte", action_id="svar_kan_inte", value=value, style="danger"),
        ],
    )


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

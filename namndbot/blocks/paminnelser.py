"""Reminders before a meeting: in the committee's channel, and to a called-in ersättare who has not answered."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from ..domain.meeting import Meeting
from ..domain.model import Committee
from .inkallelse import svar_buttons
from .limits import section
from .meddelande import Message, ref, when


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


def call_in_reminder(
    committee: Committee, m: Meeting, name: str, seats: list[str], called: int | None = None
) -> Message:
    text = (
        f"Påminnelse: du är inkallad att tjänstgöra för {', '.join(seats)} vid {committee.name}s sammanträde "
        f"{when(committee, m)}, men har inte svarat."
    )
    blocks = [section(text), svar_buttons(committee, m, name, called)]
    return Message(text, [b.to_dict() for b in blocks])

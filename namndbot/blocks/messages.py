"""What the bot says, as Block Kit (slack_sdk's models). Every message has a plain-text fallback.

The messages live by kind: ``inkallelse`` (calls to ersättare), ``paminnelser``, ``justering``,
``skrivelse``, ``besked`` (answers, help, notices) and ``modaler``; ``meddelande`` holds what they
are built from. Callers use them through this module (``messages.call_in(...)``).
"""

from __future__ import annotations

from .besked import HELP, INTAKE_WORDS, answered, feed_links, help_message, intake_failed, not_on_roster, received
from .inkallelse import call_changed, call_in, call_withdrawn, chair_instruction, released, vacancy
from .justering import (
    justerad,
    justerare_hindrad,
    justerare_tillbaka,
    justering_limit,
    justering_overdue,
    justering_reminder,
    justering_today,
)
from .meddelande import Message, plain, ref, unref, when
from .modaler import (
    ANLANDER_MODAL,
    FORHINDER_MODAL,
    JUSTERING_MODAL,
    START_MODAL,
    anlander_modal,
    forhinder_modal,
    justering_modal,
    meeting_options,
    member_field,
    nearest,
    start_modal,
)
from .paminnelser import call_in_reminder, meeting_reminder
from .skrivelse import skrivelse_author, skrivelse_failed, skrivelse_post

__all__ = [
    "ANLANDER_MODAL",
    "FORHINDER_MODAL",
    "HELP",
    "INTAKE_WORDS",
    "JUSTERING_MODAL",
    "START_MODAL",
    "Message",
    "anlander_modal",
    "answered",
    "call_changed",
    "call_in",
    "call_in_reminder",
    "call_withdrawn",
    "chair_instruction",
    "feed_links",
    "forhinder_modal",
    "help_message",
    "intake_failed",
    "justerad",
    "justerare_hindrad",
    "justerare_tillbaka",
    "justering_limit",
    "justering_modal",
    "justering_overdue",
    "justering_reminder",
    "justering_today",
    "meeting_options",
    "meeting_reminder",
    "member_field",
    "nearest",
    "not_on_roster",
    "plain",
    "received",
    "ref",
    "released",
    "skrivelse_author",
    "skrivelse_failed",
    "skrivelse_post",
    "start_modal",
    "unref",
    "vacancy",
    "when",
]

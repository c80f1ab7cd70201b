"""A message as the bot sends it (text, blocks), and what every kind of message is built from."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from slack_sdk.models.blocks import MarkdownTextObject

from ..domain.dates import klockslag, svensk_datum
from ..domain.errors import NamndbotError
from ..domain.meeting import Meeting
from ..domain.model import Committee
from .limits import MESSAGE_TEXT, cut, text_sections


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


def md(text: str) -> MarkdownTextObject:
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


def dag(iso: str | None) -> str:
    """A date given as ISO text, in Swedish words (for facts stored as JSON)."""
    return svensk_datum(date.fromisoformat(iso)) if iso else "(okänt)"

"""Slack's limits, and the means to stay within them whatever the size.

The figures are Slack's documented ones (Block Kit reference: blocks, block
elements, composition objects, views; ``chat.postMessage``), except
``MESSAGE_BLOCK_CHARS``: Slack answers ``msg_blocks_too_long`` somewhere above
13,000 characters of block text in one message (slackapi/bolt-js#2509), a
limit it does not document, so a message keeps its blocks' text below 12,000.

slack_sdk's models check the per-object limits when a block or view is turned
into a dict (``SlackObjectFormationError``); :func:`check_message` and
:func:`check_view` also check what the models do not (blocks per message,
text per message) and are what the tests run on every message and view.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from ..domain.errors import NamndbotError

MESSAGE_BLOCKS = 50  # blocks in a message
VIEW_BLOCKS = 100  # blocks in a modal or the Home tab
SECTION_TEXT = 3000  # a section's text (and any text object's)
HEADER_TEXT = 150  # a header's text
CONTEXT_ELEMENTS = 10  # elements in a context block
ACTIONS_ELEMENTS = 25  # elements in an actions block
OPTIONS = 100  # options in a select menu
OPTION_TEXT = 75  # an option's text
OPTION_VALUE = 150  # an option's value
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
VIEW_TITLE = 24  # a modal's title, submit and close
PRIVATE_METADATA = 3000
MESSAGE_TEXT = 4000  # the top-level text: Slack truncates at 40,000 and recommends at most 4,000
MESSAGE_BLOCK_CHARS = 12000  # block text in one message (see the module's docstring)

MORE = "…"


class TooLarge(NamndbotError):
    """A message or view that Slack would refuse."""


def cut(text: str, limit: int, more: str = MORE) -> str:
    """``text`` within ``limit`` characters: cut at a word, with ``more`` (a pointer to the rest) at the end."""
    if len(text) <= limit:
        return text
    room = max(0, limit - len(more) - 1)
    head = text[:room]
    if " " in head[room // 2 :]:
        head = head.rsplit(" ", 1)[0]
    return (head.rstrip(" ,;:\n") + " " + more)[:limit]


def chunks(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, split between lines where it can be
    (within a long line, between words; within a long word, anywhere)."""
    out: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            at = line.rfind(" ", 0, limit + 1)
            at = at if at > limit // 2 else limit
            piece, line = line[:at], line[at:].lstrip(" ")
            if current:
                out.append(current)
                current = ""
            out.append(piece)
        candidate = f"{current}\n{line}" if current else line
        if current and len(candidate) > limit:
            out.append(current)
            current = line
        else:
            current = candidate
    if current or not out:
        out.append(current)
    return out


def text_sections(
    text: str, *, code: bool = False, budget: int = MESSAGE_BLOCK_CHARS, more: str = MORE, max_blocks: int = 5
) -> list[SectionBlock]:
    """``text`` as as many section blocks as it needs (at most ``max_blocks``, and at most
    ``budget`` characters in all); whatever does not fit is cut, ending with ``more``.
    ``code`` sets each piece as preformatted text (``` … ```)."""
    fence = "```" if code else ""
    room = SECTION_TEXT - 2 * len(fence)
    if len(text) > budget - 2 * len(fence) * max_blocks:
        text = cut(text, max(room, budget - 2 * len(fence) * max_blocks), "\n" + more if code else more)
    pieces = chunks(text, room)
    if len(pieces) > max_blocks:
        pieces = pieces[:max_blocks]
        pieces[-1] = cut(pieces[-1] + "\n" + MORE * 2, room, more)
    return [SectionBlock(text=MarkdownTextObject(text=f"{fence}{p}{fence}" if p else " ")) for p in pieces]


def section(text: str, more: str = MORE) -> SectionBlock:
    """One section block, its text cut (with ``more``) if it is too long."""
    return SectionBlock(text=MarkdownTextObject(text=cut(text, SECTION_TEXT, more) or " "))


def context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=cut(text, SECTION_TEXT) or " ")])


# -- checking ---------------------------------------------------------------------------------


def _texts(value: Any) -> int:
    """The characters of every ``text`` string in a block (what Slack counts for msg_blocks_too_long)."""
    if isinstance(value, dict):
        own = len(value["text"]) if isinstance(value.get("text"), str) else 0
        return own + sum(_texts(v) for k, v in value.items() if k != "text" or not isinstance(v, str))
    if isinstance(value, list):
        return sum(_texts(v) for v in value)
    return 0


def block_chars(blocks: list[dict]) -> int:
    """The block text of ``blocks`` as Slack counts it against a message's limit."""
    return _texts(blocks)


def _blocks(blocks: list[dict], what: str) -> list[str]:
    problems = []
    for i, raw in enumerate(blocks):
        try:
            block = Block.parse(raw)
            if block is None:
                raise ValueError(f"unknown block {raw.get('type')!r}")
            block.validate_json()
            block.to_dict()
        except Exception as exc:
            problems.append(f"{what}, block {i + 1} ({raw.get('type')}): {exc}")
    return problems


def message_problems(payload: dict) -> list[str]:
    """What in a ``chat.postMessage`` payload breaks Slack's limits (empty when nothing does)."""
    problems = []
    blocks = payload.get("blocks") or []
    if len(blocks) > MESSAGE_BLOCKS:
        problems.append(f"{len(blocks)} block, högst {MESSAGE_BLOCKS}")
    text = payload.get("text") or ""
    if len(text) > MESSAGE_TEXT:
        problems.append(f"texten har {len(text)} tecken, högst {MESSAGE_TEXT}")
    chars = _texts(blocks)
    if chars > MESSAGE_BLOCK_CHARS:
        problems.append(f"blocken har {chars} tecken text, högst {MESSAGE_BLOCK_CHARS}")
    problems += _blocks(blocks, "meddelandet")
    for a in payload.get("attachments") or []:
        problems += _blocks(a.get("blocks") or [], "bilagan")
    return problems


def view_problems(view: dict) -> list[str]:
    """What in a modal or Home tab breaks Slack's limits."""
    blocks = view.get("blocks") or []
    problems = []
    if len(blocks) > VIEW_BLOCKS:
        problems.append(f"{len(blocks)} block, högst {VIEW_BLOCKS}")
    problems += _blocks(blocks, "vyn")
    try:
        View(**view).validate_json()
    except Exception as exc:
        problems.append(f"vyn: {exc}")
    return problems


def check_message(payload: dict) -> dict:
    if problems := message_problems(payload):
        raise TooLarge("Meddelandet ryms inte i Slack: " + "; ".join(problems) + ".")
    return payload


def check_view(view: dict) -> dict:
    if problems := view_problems(view):
        raise TooLarge("Vyn ryms inte i Slack: " + "; ".join(problems) + ".")
    return view

"""The PDF's text mended: symbol-font bullets, hyphenation at line ends, wrapped paragraphs, double spacing."""

from __future__ import annotations

import re

# Symbol-font bullets arrive as private-use characters (U+F0B7 and friends).
_CHARS = {cp: "•" for cp in range(0xF000, 0xF100)} | {
    0x09: " ",
    0xA0: " ",
    0x2007: " ",
    0x202F: " ",
    0x2010: "-",
    0x2011: "-",
    0x200B: None,
    0x200C: None,
    0x200D: None,
    0xFEFF: None,
}
_MARKER = re.compile(r"(?:[•·▪◦●○■□►▸➢✓*]|[-–](?=\s)|\d{1,2}[.)](?=\s))\s*")
_KEEP_HYPHEN = re.compile(r"(?:och|eller|samt|respektive|resp\.|som|till|men)\b")
_SENTENCE_END = tuple(".!?:;")


def _norm(text: str) -> str:
    """Collapse whitespace (newlines too) and drop soft hyphens."""
    return " ".join(text.replace("\u00ad", "").split())


def _ends_sentence(text: str) -> bool:
    return text.rstrip().rstrip(")”\"'’»").endswith(_SENTENCE_END)


def _glue(left: str, right: str) -> tuple[bool, str]:
    """How to join a line and the next one: (drop the hyphen?, separator).

    A hyphen after a word is dropped when the next line goes on in lowercase
    ("under-" + "lätta"), unless the word is an acronym, has a digit, is a
    single letter or "icke" ("APL-platser"), or the next word is a conjunction
    ("utvecklings- och").  Before a capital or a digit the hyphen is real and
    stays ("Eriksson-Bech", "2020-2023").
    """
    if left.endswith("\u00ad"):
        return True, ""
    if len(left) > 1 and left.endswith("-") and left[-2].isalnum():
        if _KEEP_HYPHEN.match(right):
            return False, " "
        word = re.split(r"\W", left[-80:-1])[-1]
        real = (
            any(c.isdigit() for c in word)
            or len(word) < 2
            or word.lower() == "icke"
            or (word.isupper() and len(word) > 1)
        )
        return (True, "") if right[:1].islower() and not real else (False, "")
    return False, " "


def _join_lines(lines: list[str]) -> str:
    """One paragraph's lines as one line; bullet items keep a line each."""
    parts = [lines[0]]
    for line in lines[1:]:
        if _MARKER.match(line):
            parts += ["\n", line]
            continue
        drop, sep = _glue(parts[-1], line)
        if drop:
            parts[-1] = parts[-1][:-1]
        parts += [sep, line]
    return "\n".join(_norm(part) for part in "".join(parts).split("\n"))


def dehyphenate(text: str) -> str:
    """Undo PDF line-break hyphenation and join wrapped lines.

    Paragraphs are separated by blank lines (whitespace-only lines count as
    blank) and come back separated by one blank line ("\\n\\n").  Inside a
    paragraph lines are joined with a space, or without the hyphen where a
    word was split ("Integrations-\\npakten" -> "Integrationspakten"); real
    hyphens stay ("Eriksson-\\nBech", "APL-\\nplatser").  A bullet line (``-``,
    ``•``, a symbol glyph or ``1.``) keeps its own line.  A "paragraph" that
    continues an unfinished sentence in lowercase is a broken line and is
    joined to the one before.
    """
    groups: list[list[str]] = [[]]
    for raw in text.translate(_CHARS).splitlines():
        line = raw.strip()
        if line:
            groups[-1].append(line)
        elif groups[-1]:
            groups.append([])
    groups = [g for g in groups if g]
    merged: list[list[str]] = []
    for group in groups:
        if merged and not _ends_sentence(merged[-1][-1]) and group[0][:1].islower():
            merged[-1] += group
        else:
            merged.append(group)
    return "\n\n".join(_join_lines(g) for g in merged)


def _undouble(raw: list[str]) -> list[str]:
    """Drop the empty line a double-spaced PDF puts after every line.

    In such a text the real paragraph breaks are the whitespace-only lines; a
    text without any is left alone (its empty lines are all it has).
    """
    content = [i for i, line in enumerate(raw[:-1]) if line]
    followed = sum(1 for i in content if not raw[i + 1])
    spaces = any(line and not line.strip() for line in raw)
    if len(content) < 6 or followed < 0.75 * len(content) or not spaces:
        return raw
    return [line for i, line in enumerate(raw) if line or i == 0 or not raw[i - 1]]


def _lines(text: str) -> list[str]:
    """The document as stripped lines; "" marks a paragraph break."""
    raw = text.translate(_CHARS).splitlines()
    return [line.strip() for line in _undouble(raw)]


def _text(lines: list[str]) -> str:
    return dehyphenate("\n".join(lines))

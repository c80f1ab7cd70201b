"""The document's structure: the title and the sections under their headings."""

from __future__ import annotations

import re

from .dnr import _DNR_BARE
from .text import _ends_sentence, _join_lines, _norm

_TITLE = re.compile(r"S(?i:var på skrivelse)")
_PROTOCOL = re.compile(
    r"§\s*\d|(?:Protokoll|Protokollsutdrag|Justerat|Justeras|Justerare"
    r"|Vid protokollet|Sammanträdesdatum|Närvarande)\b"
)
_HEADINGS = [
    ("proposal", r".{0,60}\bförslag till beslut"),
    ("summary", r"sammanfattning"),
    ("background", r"bakgrund"),
    ("beredning", r"ärendets beredning"),
    ("arendet", r"ärendet|skrivelsen|skrivelsens innehåll"),
    ("svar", r"\S*förvaltningens (?:svar|synpunkter|bedömning|kommentarer|yttrande)\b.{0,40}"),
    ("bilaga", r"bilagor?"),
    ("attest", r"attesterat av|godkänt av|signerat av"),
    ("signature", r"_{3,}"),
]
_HEADING = [(kind, re.compile(pattern, re.I)) for kind, pattern in _HEADINGS]


def _heading(line: str) -> str | None:
    """The kind of section this line is the heading of, if it is one."""
    line = line.rstrip(":").strip()
    if len(line) <= 80:
        for kind, pattern in _HEADING:
            if pattern.fullmatch(line):
                return kind
    return None


def _title(lines: list[str], start: int) -> tuple[str, int]:
    """The title beginning at ``lines[start]`` (up to 3 lines) and the index after it."""
    end = start + 1
    while (
        end < len(lines)
        and end - start < 3
        and lines[end]
        and not _heading(lines[end])
        and not _DNR_BARE.match(lines[end])
        and not _ends_sentence(lines[end - 1])
    ):
        end += 1
    return _norm(_join_lines(lines[start:end])), end


def _sections(lines: list[str], start: int) -> list[tuple[str, list[str]]]:
    """``(kind, lines)`` for each section from ``start`` on; "head" before the first heading."""
    sections: list[tuple[str, list[str]]] = [("head", [])]
    for line in lines[start:]:
        kind = _heading(line) if line else None
        if kind:
            sections.append((kind, []))
        else:
            sections[-1][1].append(line)
    return sections

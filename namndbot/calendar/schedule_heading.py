"""Reading a schedule's headings: where a list of meetings is announced, the
year it gives, the committee it names and the half-year ("våren", "hösten")
it covers."""

from __future__ import annotations

import re

from .schedule_lines import _ITEM_SRC, _NOT_LETTER, _WORD, _YEAR

_HEADING = re.compile(
    rf"""
      sammantr[äa]des(?:tider|dagar|datum|plan|kalender|lista){_NOT_LETTER}
    | sammantr[äa]den\s+(?:(?:under|för|år|i|våren|hösten|läsåret|verksamhetsåret)\s+)*
      {_YEAR}(?![0-9])
    | sammantr[äa]der\b[^\n]{{0,80}}?\b(?:följande|nedanstående|dessa)\b
    | mötes(?:tider|dagar|datum|plan){_NOT_LETTER}
    | (?:nämndm|m)öten\s+(?:(?:under|för|år|våren|hösten)\s+)*{_YEAR}(?![0-9])
    | (?:datum|tider|dagar)\s+för\s+(?:[^\W\d_]+\s+){{0,2}}(?:sammanträden|möten){_NOT_LETTER}
""",
    re.I | re.X,
)
_HEADING_YEAR = re.compile(rf"(?<![0-9-])({_YEAR})(?:\s*[/–—-]\s*(?:{_YEAR}|[0-9]{{2}}))?(?![0-9-])")
_YEAR_BEFORE = re.compile(rf"({_YEAR})\s+års\s+$", re.I)
_HEADING_LIST = re.compile(rf":\s*(?={_ITEM_SRC})", re.I | re.X)  # "Sammanträden 2021: 8 februari"


def _is_prose(text: str) -> bool:
    """A line that shows the text has moved on from the schedule: a sentence,
    a § line or a heading."""
    text = text.strip()
    return len(re.findall(_WORD, text)) >= 4 or text.startswith("§") or _HEADING.search(text) is not None


def _headings(lines: list[str], meeting_lines: set[int]) -> list[tuple[int, int | None, int | None]]:
    """``(index, year, colon)`` for each heading line; ``colon`` is where a list
    of dates starts on the heading line itself, if it does."""
    found = []
    nonblank = [i for i, raw in enumerate(lines) if raw.strip()]
    for k, i in enumerate(nonblank):
        if i in meeting_lines:
            continue
        own = lines[i].rstrip()
        nxt = lines[nonblank[k + 1]].strip() if k + 1 < len(nonblank) else ""
        if own.endswith("-") and len(own) > 1 and own[-2].isalpha() and nxt[:1].islower():
            text = own[:-1] + nxt
        else:
            text = f"{own} {nxt}"
        h = _HEADING.search(text)
        if h is None or h.start() >= len(own):
            continue
        before = _YEAR_BEFORE.search(text, 0, h.start())
        after = _HEADING_YEAR.search(text, h.start(), h.end() + 60)
        year = int(before[1]) if before else int(after[1]) if after else None
        colon = _HEADING_LIST.search(own, h.end())
        found.append((i, year, colon.start() + 1 if colon else None))
    return found

"""Reading a schedule's headings: where a list of meetings is announced, the
year it gives, the committee it names and the half-year ("våren", "hösten")
it covers."""

from __future__ import annotations

import re
from dataclasses import dataclass

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


# A committee's name: "Arbetsmarknadsnämndens", "Barn- och utbildningsnämnden", "Tekniska nämnden",
# "Kommunfullmäktige", "Kommunstyrelsens arbetsutskott"; a bare "nämnden" names none.
_KIND = r"(?:nämnd|styrelse|fullmäktige|utskott|beredning|direktion)"
_SUFFIX = r"(?:ens|ets|en|et|ns|n|s)?"
_WORD_OF_NAME = rf"""
    (?:[^\W\d_]+-\s*(?:och|eller|samt)\s+)?
    (?:[^\W\d_]+{_KIND}|(?-i:[A-ZÅÄÖ])[^\W\d_]*a\s+{_KIND}|(?<=för\s)[^\W\d_]+a\s+{_KIND}){_SUFFIX}{_NOT_LETTER}
"""
_COMMITTEE = re.compile(rf"(?<![^\W\d_-])(?:{_WORD_OF_NAME})(?:\s+(?:{_WORD_OF_NAME}))*", re.I | re.X)
_STEM = re.compile(rf"({_KIND}){_SUFFIX}{_NOT_LETTER}", re.I)
_SEASON = re.compile(rf"\b(?P<season>vår|höst)(?:en|terminen)?{_NOT_LETTER}(?:\s+(?P<y>{_YEAR})(?![0-9]))?", re.I)
# A line that is a committee's name and a year: "Kommunfullmäktige 2022", "Kommunstyrelsen – våren 2023:".
_COMMITTEE_YEAR = re.compile(
    rf"""(?:{_WORD_OF_NAME})(?:\s+(?:{_WORD_OF_NAME}))*\s*[,:–—-]?\s*
    (?:(?:sammanträden|möten|vår(?:en|terminen)?|höst(?:en|terminen)?)\s+)?
    (?P<y>{_YEAR})(?:\s*[/–—-]\s*(?:{_YEAR}|[0-9]{{2}}))?\s*:?""",
    re.I | re.X,
)

SPRING, AUTUMN = "vår", "höst"


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading line (0-based ``index``): the year it gives, where a list of dates
    starts on the line itself (``colon``), the committee it names and the
    half-years it names (``"vår"``/``"höst"``, and the year if written)."""

    index: int
    year: int | None
    colon: int | None
    committee: str | None
    seasons: tuple[tuple[str, int | None], ...]


def committee_name(text: str) -> str | None:
    """The first committee named in ``text``, as written (``None`` for none)."""
    m = _COMMITTEE.search(text)
    return " ".join(m.group().split()) if m else None


def committee_key(name: str) -> str:
    """A committee's name folded for comparison: case, the definite and genitive
    endings and spacing do not count (``Arbetsmarknadsnämndens`` is
    ``Arbetsmarknadsnämnden``)."""
    named = committee_name(name) or name
    return " ".join(_STEM.sub(r"\1", named.casefold()).replace("- ", "-").split())


def same_committee(named: str, name: str, short: str) -> bool:
    """Whether ``named`` (from a heading) is the committee called ``name`` (short ``short``)."""
    return committee_key(named) == committee_key(name) or named.casefold() == short.casefold()


def seasons_in(text: str) -> tuple[tuple[str, int | None], ...]:
    """The half-years a text names: "hösten 2026 och våren 2027" → ``(("höst", 2026), ("vår", 2027))``."""
    return tuple((m["season"].lower(), int(m["y"]) if m["y"] else None) for m in _SEASON.finditer(text))


def _is_prose(text: str) -> bool:
    """A line that shows the text has moved on from the schedule: a sentence,
    a § line or a heading."""
    text = text.strip()
    return (
        len(re.findall(_WORD, text)) >= 4
        or text.startswith("§")
        or _HEADING.search(text) is not None
        or _COMMITTEE_YEAR.fullmatch(text) is not None
    )


def _headings(lines: list[str], meeting_lines: set[int]) -> list[Heading]:
    """Each heading line, in line order."""
    found = []
    nonblank = [i for i, raw in enumerate(lines) if raw.strip()]
    for k, i in enumerate(nonblank):
        if i in meeting_lines:
            continue
        own = lines[i].rstrip()
        if named := _COMMITTEE_YEAR.fullmatch(own.strip()):  # "Kommunfullmäktige 2022"
            found.append(Heading(i, int(named["y"]), None, committee_name(own), seasons_in(own)))
            continue
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
        words = text[: len(own) + 1 + len(nxt)] if colon is None else own[: colon.start()]
        committee = committee_name(words)
        if committee is None and k > 0 and nonblank[k - 1] not in meeting_lines:
            above = lines[nonblank[k - 1]].strip()  # "Socialnämnden" on its own line, the heading below it
            if len(re.findall(_WORD, above)) <= 6 and not _HEADING.search(above):
                committee = committee_name(above)
        found.append(Heading(i, year, colon.start() + 1 if colon else None, committee, seasons_in(words)))
    return found

"""Reading the justerare and the justering date from a protocol's text.

The text is typically extracted from a PDF: words hyphenated across lines
("Ras-\\nhid"), blank lines between lines, page headers, and paragraphs that
start with a line "§ 4" (or "§4", "  § 4 Rubrik").

Where it looks, in this order: § 2 (where Swedish protocols choose the
justerare), any paragraph whose heading speaks of justering, and the text
before the first paragraph (a front page with "Justerare: ..."). A text with
no paragraph marks at all is read as a whole. Other paragraphs are not read
for justerare or date, since they often mention other protocols' justering
("Protokoll ... justeras den 11 december 2019").

Decisions:

* A justerare is a "Förnamn Efternamn (Parti)" in the run of names nearest
  (within 60 characters) to "justera"/"justerare" in the same sentence, or
  after a label "Justerare:"/"Justerare"; a front page's attendance list is
  thus left out. The role is what is written before the name ("ordföranden",
  "vice ordföranden", "ledamoten", ...), lowercased, or None. People followed
  by "som ersättare"/"som reserv" are back-ups and left out.
* "Att jämte ordföranden justera ... utses Anna Andersson (S)": the chair is
  not named there, so only the named justerare are returned (the chair signs
  the protocol anyway).
* A justering date without a year ("fredagen den 6 mars") gets the year that
  puts it on or after the meeting date, when that is known; otherwise None.
* Paragraphs justerade omedelbart: a paragraph whose text says so ("justera
  paragrafen omedelbart", "förklaras omedelbart justerad", "omedelbar
  justering"), unless negated ("inte"/"ej"); and lists on the front page
  ("Omedelbart justerade paragrafer: §§ 4-5", "§ 4 justerades omedelbart").
* The meeting date comes from "Sammanträdesdatum ...", a page header
  "Protokoll AMN 2019-11-26", or, before the first paragraph, a
  "sammanträde ... den 26 november 2019" or a line "Datum 2019-11-26".
  Nothing else is guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

from .dates import MANADER, DateError, check_year
from .errors import NamndbotError


@dataclass(frozen=True)
class Justerare:
    name: str
    party: str
    role: str | None


@dataclass(frozen=True)
class JusteringInfo:
    justerare: tuple[Justerare, ...]
    date: dt.date | None  # (a field named date: the type is spelt dt.date here)
    omedelbart_justerade: tuple[int, ...]
    meeting_date: dt.date | None


class JusteringError(NamndbotError):
    """The protocol text doesn't say who justerar it."""


# --- text clean-up and paragraphs -------------------------------------------

_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])-[ \t]*\n(?:[ \t]*\n)*[ \t]*(?=[a-zåäöéü])")
_MARKER = re.compile(r"^[ \t]*§[ \t]*(\d{1,4})(?![\d-])[ \t]*(?=$|[A-ZÅÄÖ])", re.M)


def _clean(text: str) -> str:
    """Unify line ends and join words hyphenated across lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00ad", "")
    return _HYPHEN_BREAK.sub("", text)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _sections(text: str) -> tuple[str, list[tuple[int, str]]]:
    """The text before the first paragraph, and ``(number, text)`` per paragraph.

    A line "§ N" starts a paragraph only when N is larger than the last one,
    so a repeated "§ 4" in a page header or a quoted "§ 3" stays inside.
    """
    cuts: list[tuple[int, int]] = []
    for m in _MARKER.finditer(text):
        n = int(m.group(1))
        if not cuts or n > cuts[-1][1]:
            cuts.append((m.start(), n))
    if not cuts:
        return text, []
    bounds = [c[0] for c in cuts] + [len(text)]
    sections = [
        (n, re.sub(r"^[ \t]*§[ \t]*\d+", "", text[bounds[i] : bounds[i + 1]], count=1)) for i, (_, n) in enumerate(cuts)
    ]
    return text[: cuts[0][0]], sections


# --- dates --------------------------------------------------------------------

_MONTH = "|".join(MANADER) + r"|jan|feb|mar|apr|jun|jul|aug|sept?|okt|nov|dec"
_DATE = (
    rf"(?:(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}})"
    rf"|(?P<dd>\d{{1,2}})\s+(?P<mon>(?i:{_MONTH}))\.?(?:\s+(?P<yy>\d{{4}}))?)"
)


def _year(year: int) -> int:
    try:
        return check_year(year, "Ett datum i protokollet")
    except DateError as exc:
        raise JusteringError(exc.message) from None


def _to_date(m: re.Match, after: date | None = None) -> date | None:
    """The date a ``_DATE`` match names, or None if it isn't one."""
    try:
        if m.group("y"):
            year = _year(int(m.group("y")))
            return date(year, int(m.group("m")), int(m.group("d")))
        month = next((i for i, name in enumerate(MANADER, 1) if name.startswith(m.group("mon").casefold()[:3])), None)
        if month is None:
            return None
        day = int(m.group("dd"))
        if m.group("yy"):
            return date(_year(int(m.group("yy"))), month, day)
        if after is None:
            return None
        found = date(after.year, month, day)
        return found if found >= after else date(after.year + 1, month, day)
    except ValueError:
        return None


_NO_STOP = r"(?:(?!\.\s+[A-ZÅÄÖ])[^§])"  # anything but a sentence end or a §
_JUSTERING_DATE = re.compile(  # "justeras måndagen den 2 december 2019", "Justeringens tid: 2020-03-06"
    rf"\b(?i:juster(?:a|as|ing|ingen|ingens|ingsdag|ingsdagen|ingsdatum))\b{_NO_STOP}{{0,80}}?{_DATE}"
)

_MEETING_PATTERNS = (
    re.compile(rf"(?i:sammanträdesdatum)\s*:?\s*(?:den\s+)?{_DATE}"),
    re.compile(
        rf"^[ \t]*(?:Sammanträdes)?(?i:protokoll)(?:[ \t]+[A-ZÅÄÖ]{{2,12}})?[ \t]+"
        rf"(?:den[ \t]+)?{_DATE}[ \t]*$",
        re.M,
    ),
)
_MEETING_IN_HEADER = (
    re.compile(rf"(?i:sammanträde(?:t|sdag|sdagen)?|mötesdatum)\b[^.§\n]{{0,60}}?{_DATE}"),
    re.compile(rf"^[ \t]*(?i:datum)[ \t]*:?[ \t]*{_DATE}[ \t]*$", re.M),
)


def _meeting_date(text: str, header: str) -> date | None:
    """The first meeting date stated, anywhere by label or page header, or in the header."""
    for pattern, where in [(p, text) for p in _MEETING_PATTERNS] + [(p, header) for p in _MEETING_IN_HEADER]:
        for m in pattern.finditer(where):
            if found := _to_date(m):
                return found
    return None


# --- justerare ------------------------------------------------------------------

_ROLE = (
    r"(?i:(?:(?:förste|första|andre|andra|tredje|[123]:e)\s+)?vice\s+ordförande(?:n)?"
    r"|ordförande(?:n)?|ledamot(?:en)?|ledamöterna|tjänstgörande\s+ersättare(?:n)?"
    r"|ersättare(?:n)?)"
)
_NOT_A_NAME = (
    r"(?!(?:Justerare|Justerande|Justering\w*|Beslutande|Närvarande|Sekreterare|Ordförande|"
    r"Ordföranden|Ledamöter|Ledamöterna|Ersättare|Ersättarna|Utses|Till|Att|Och|Med)\b)"
)
_WORD = _NOT_A_NAME + r"[A-ZÅÄÖÉÜ][^\W\d_]*(?:[-'’][A-ZÅÄÖÉÜa-zåäöéü][^\W\d_]*)*"
_NAME = rf"{_WORD}(?:\s+(?:(?:von|van|af|de|der|da|del|la|bin|al)\s+)?{_WORD}){{0,4}}"
_PERSON = re.compile(
    rf"(?:(?P<role>{_ROLE})\s+)?(?P<name>{_NAME})\s*\(\s*(?P<party>[A-ZÅÄÖ][\wÅÄÖåäö]{{0,9}})\s*\)"
    r"(?P<backup>\s*,?\s*som\s+(?:ersättare|reserv))?"
)
_SENTENCE_END = re.compile(r"(?<!\bkl)(?<!\bt\.ex)\.\s+(?=[A-ZÅÄÖ])")
_ABOUT_JUSTERARE = re.compile(r"(?i)\bjuster(?:a|ar|(?P<noun>are|aren|arna))\b(?P<colon>\s*:)?")
_ABOUT_JUSTERING = re.compile(r"(?i)juster(?:are|ing)")  # in a paragraph's heading
_JOINER = re.compile(r"\s*(?:,|och|samt|&)\s*")
_NEAR = 60  # characters between the word "justera(re)" and the names


def _person(m: re.Match) -> Justerare:
    role = m.group("role")
    return Justerare(m.group("name"), m.group("party"), role.lower() if role else None)


def _chains(sentence: str) -> list[list[re.Match]]:
    """Runs of people written one after another ("A (S), B (M) och C (V)").

    People joined by only a line break (a list on a front page) make a run too,
    unless the next has a role ("... Bo Berg (M) Ordförande Cecilia Ceder (V)").
    Back-ups ("B (M) som ersättare") are no justerare and break a run.
    """
    chains: list[list[re.Match]] = []
    for m in _PERSON.finditer(sentence):
        prev = chains[-1][-1].end() if chains and chains[-1] else None
        if m.group("backup"):
            chains.append([])
        elif prev is not None and (
            _JOINER.fullmatch(sentence, prev, m.start())
            or (not m.group("role") and not sentence[prev : m.start()].strip())
        ):
            chains[-1].append(m)
        else:
            chains.append([m])
    return chains


def _triggers(sentence: str) -> list[tuple[int, int, bool]]:
    """``(start, end, names_follow)`` for each "justera"/"justerare" in a sentence.

    A label ("Justerare: ...", "Justerare Anna ...") is only ever followed by
    the names; "... fick i uppdrag att justera" and "utses till justerare" may
    have them before.
    """
    return [
        (t.start(), t.end(), bool(t.group("noun") and (t.group(0)[0] == "J" or t.group("colon"))))
        for t in _ABOUT_JUSTERARE.finditer(sentence)
    ]


def _justerare(region: str) -> tuple[list[Justerare], int]:
    """The justerare named in a (flattened) region, and where their sentence starts.

    In each sentence about justerare, the run of names nearest the word
    "justera"/"justerare" (within ``_NEAR`` characters) is taken; so a front
    page where the attendance list runs on into "Justerare: ..." still
    gives only the justerare.
    """
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(region)]
    for start, end in zip(starts, starts[1:] + [len(region)], strict=True):
        sentence = region[start:end]
        triggers = _triggers(sentence)
        best = None
        for chain in filter(None, _chains(sentence) if triggers else ()):
            lo, hi = chain[0].start(), chain[-1].end()
            i = bisect_left(triggers, (hi,))  # triggers[i:] start after the names
            gaps = [lo - triggers[i - 1][1]] if i and triggers[i - 1][1] <= lo else []
            if i < len(triggers) and not triggers[i][2]:
                gaps.append(triggers[i][0] - hi)
            gap = min(gaps, default=_NEAR + 1)
            if gap <= _NEAR and (best is None or gap < best[0]):
                best = (gap, chain)
        if best:
            return [_person(m) for m in best[1]], start
    return [], 0


# --- omedelbar justering ----------------------------------------------------------

_OMEDELBART = re.compile(r"(?i)\bomedelbar(?:t)?\s+juster|\bjuster\w*\s+(?:[^\W\d]+\s+){0,3}?omedelbart\b")
_NEGATED = re.compile(r"(?i)\b(?:inte|ej|icke)\s+(?:\w+\s+){0,3}$")
_NUMS = r"\d{1,4}(?:\s*(?:[-–,]|och|samt)\s*\d{1,4})*"
_OMEDELBART_LIST = (
    re.compile(rf"(?i)omedelbart\s+justerade?\s+(?:paragrafer|paragraf|§§?)\s*:?\s*(?:§§?\s*)?({_NUMS})"),
    re.compile(
        rf"(?i)(?:§§?|paragraf(?:erna|en)?)\s*({_NUMS})\s+(?:[^\W\d]+\s+){{0,2}}?"
        r"(?:omedelbart\s+juster|juster\w*\s+omedelbart)"
    ),
)


def _numbers(text: str) -> set[int]:
    """``4-6, 9`` -> {4, 5, 6, 9}."""
    found: set[int] = set()
    for part in re.split(r"\s*(?:,|och|samt)\s*", text):
        ends = [int(x) for x in re.findall(r"\d+", part)]
        if len(ends) == 2 and 0 < ends[1] - ends[0] < 1000:
            found.update(range(ends[0], ends[1] + 1))
        else:
            found.update(ends)
    return found


def _omedelbart(header: str, sections: list[tuple[int, str]]) -> tuple[int, ...]:
    """Numbers listed before the first paragraph, and paragraphs that say so themselves."""
    found = {n for pattern in _OMEDELBART_LIST for m in pattern.finditer(header) for n in _numbers(m.group(1))}
    for n, text in sections:
        if any(not _NEGATED.search(text[max(0, m.start() - 40) : m.start()]) for m in _OMEDELBART.finditer(text)):
            found.add(n)
    return tuple(sorted(found))


# --- the whole ----------------------------------------------------------------------


def parse_justering(text: str) -> JusteringInfo:
    """Justerare, justering date, paragraphs justerade at once, and meeting date.

    Raises ``JusteringError`` when no justerare can be found.
    """
    text = _clean(text or "")
    header, sections = _sections(text)
    flat_sections = [(n, _flat(t)) for n, t in sections]
    meeting = _meeting_date(text, header)

    regions = [t for n, t in flat_sections if n == 2]
    regions += [t for n, t in flat_sections if n != 2 and _ABOUT_JUSTERING.search(t[:80])]
    regions.append(_flat(header))

    justerare: list[Justerare] = []
    for i, region in enumerate(regions):
        justerare, at = _justerare(region)
        if justerare:
            # the date is looked for where the justerare were found, then elsewhere
            regions = [region[at:], region] + regions[:i] + regions[i + 1 :]
            break
    if not justerare:
        raise JusteringError(
            "Protokollet nämner inga justerare (§ 2 saknas eller går inte att läsa).",
            hint="Ange justerarna och justeringsdagen själv.",
        )
    when = next(
        (d for region in regions for m in _JUSTERING_DATE.finditer(region) if (d := _to_date(m, meeting))), None
    )
    return JusteringInfo(
        justerare=tuple(dict.fromkeys(justerare)),
        date=when,
        omedelbart_justerade=_omedelbart(_flat(header), flat_sections),
        meeting_date=meeting,
    )

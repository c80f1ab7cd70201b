"""Read a *svar på skrivelse* from the text of its PDF.

Members of a nämnd write a *skrivelse* (a question or a proposal); förvaltningen
answers with a tjänsteutlåtande titled "Svar på skrivelse …".  This module turns
that answer's text, as extracted from the PDF, into a :class:`SvarPaSkrivelse`.

Pure code: text in, dataclass out, no I/O.  The text is expected to carry the
usual PDF artefacts: words hyphenated at line ends, paragraphs wrapped line by
line, sometimes double line spacing (every line followed by an empty one),
bullets drawn with symbol-font glyphs (private-use characters) or lost
altogether, and the signature block in odd places.  Any text either parses or
raises :class:`SkrivelseError`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date

from .dates import MANADER
from .errors import NamndbotError

__all__ = ["Author", "SkrivelseError", "SvarPaSkrivelse", "dehyphenate", "parse_svar"]


@dataclass(frozen=True)
class Author:
    """One author of the skrivelse: ``Salar Rashid m.fl. (S)``."""

    name: str
    party: str
    others: bool = False  # "m.fl.": written with others of the party


@dataclass(frozen=True)
class SvarPaSkrivelse:
    """The fields of förvaltningens answer to a skrivelse."""

    title: str
    dnr: str | None
    skrivelse_date: date | None
    authors: tuple[Author, ...]
    questions: tuple[str, ...]
    summary: str | None
    proposal: str | None
    signed_by: tuple[str, ...]
    signed_date: date | None

    def as_dict(self) -> dict:
        """JSON-ready: dates as ISO strings, tuples as lists."""
        return {
            "title": self.title,
            "dnr": self.dnr,
            "skrivelse_date": self.skrivelse_date.isoformat() if self.skrivelse_date else None,
            "authors": [asdict(a) for a in self.authors],
            "questions": list(self.questions),
            "summary": self.summary,
            "proposal": self.proposal,
            "signed_by": list(self.signed_by),
            "signed_date": self.signed_date.isoformat() if self.signed_date else None,
        }


class SkrivelseError(NamndbotError):
    """The text is empty, or is not a svar på skrivelse."""


# --------------------------------------------------------------------------
# Characters, lines and paragraphs

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


# --------------------------------------------------------------------------
# Document structure

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


# --------------------------------------------------------------------------
# Dates and dnr

_SV_DATE = re.compile(r"\b(\d{1,2})\s+(" + "|".join(MANADER) + r")\s+(\d{4})\b", re.I | re.A)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b", re.A)


def _first_date(text: str) -> date | None:
    """The first valid date in ``text``, Swedish ("8 december 2020") or ISO."""
    found = [(m.start(), (int(m[3]), MANADER.index(m[2].lower()) + 1, int(m[1]))) for m in _SV_DATE.finditer(text)]
    found += [(m.start(), (int(m[1]), int(m[2]), int(m[3]))) for m in _ISO_DATE.finditer(text)]
    for _, (y, mo, d) in sorted(found):
        try:
            return date(y, mo, d)
        except ValueError:
            continue
    return None


_DNR_BODY = r"[A-ZÅÄÖ]{1,6}(?:[ -][A-ZÅÄÖ]{1,6})?\s+\d{4}[-/]\d{1,5}(?:-\d+(?:\.\d+)*)?"
_DNR = re.compile(r"\b(?i:dnr|diarienummer|diarienr)\.?:?\s*(" + _DNR_BODY + ")")
_DNR_BARE = re.compile(r"([A-ZÅÄÖ]{2,6}\s+\d{4}-\d{3,5}(?:-\d+(?:\.\d+)*)?)(?:\s|$)")


def _dnr(lines: list[str]) -> str | None:
    """ "Dnr AMN 2021-0123-1.6" anywhere, or a bare "AMN 2021-0123" line near the top."""
    for line in lines:
        if m := _DNR.search(line):
            return _norm(m[1])
    for line in lines[:25]:
        if m := _DNR_BARE.match(line):
            return _norm(m[1])
    return None


# --------------------------------------------------------------------------
# Authors

_PARTY = re.compile(r"\(\s*(?:(?:båda|bägge|samtliga|alla)\s+)?([A-ZÅÄÖ]{1,4}|[A-ZÅÄÖ][a-zåäö])\s*\)")
_OTHERS = re.compile(r",?\s*(?:m\.\s?fl\.?|med flera)\s*$")
_ALL_OF = re.compile(r",?\s*\b(?:båda|bägge|samtliga|alla)\s*$")
_NAME_TOKEN = re.compile(r"[A-ZÅÄÖÉÜ][^\W\d_]*(?:[-'’][A-ZÅÄÖÉÜa-zåäöéü][^\W\d_]*)*")
_PARTICLES = {"af", "av", "von", "van", "de", "der", "du", "la", "di", "da"}
_NOT_NAMES = {
    "i",
    "en",
    "ett",
    "enligt",
    "från",
    "till",
    "den",
    "det",
    "de",
    "har",
    "som",
    "att",
    "skrivelse",
    "skrivelsen",
    "ledamoten",
    "ledamöterna",
    "ledamot",
    "ersättaren",
    "ersättarna",
    "ordföranden",
    "ordförande",
    "vice",
    "gruppledaren",
    "kommunalrådet",
    "borgarrådet",
    "oppositionsrådet",
    "nämnden",
    "även",
    "dessutom",
    "därför",
}
_AUTHOR_SENTENCE = re.compile(r"skrivelse|efterfråg|inkommit|ställ|frågar|undrar|föreslår|yrkar", re.I)


def _names_before(segment: str) -> tuple[list[str], bool, bool]:
    """Names at the end of ``segment`` (the text just before a party).

    Returns ``(names, others, complete)``: ``others`` for a trailing "m.fl.",
    ``complete`` when the whole segment was names and separators.
    """
    others = bool(m := _OTHERS.search(segment))
    if m:
        segment = segment[: m.start()]
    segment = _ALL_OF.sub("", segment)
    tokens = re.findall(r",|[^\s,]+", segment)
    names: list[str] = []  # collected backwards, as is each name's words
    current: list[str] = []
    complete = True
    for i in range(len(tokens) - 1, -1, -1):
        tok = tokens[i]
        if tok in {",", "och", "samt", "&"}:
            if current:
                names.append(" ".join(reversed(current)))
            current = []
        elif (_NAME_TOKEN.fullmatch(tok) and tok.lower() not in _NOT_NAMES and len(current) < 4) or (
            tok in _PARTICLES and current and i > 0 and _NAME_TOKEN.fullmatch(tokens[i - 1])
        ):
            current.append(tok)
        else:
            complete = False
            break
    if current:
        names.append(" ".join(reversed(current)))
    return [n for n in reversed(names) if " " in n], others, complete


def _authors_in(sentence: str) -> list[Author]:
    """The authors named in one sentence: consecutive "Names (Party)" groups."""
    authors: list[Author] = []
    pos = 0
    for m in _PARTY.finditer(sentence):
        names, others, complete = _names_before(sentence[pos : m.start()])
        if authors and (not complete or not names):
            break
        authors += [Author(n, m[1], others and n == names[-1]) for n in names]
        pos = m.end()
    return authors


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])", _norm(text))


# --------------------------------------------------------------------------
# Questions, proposal, signatures

_INTRO = re.compile(r"fråg|föresl|besluta|yrka|önska|ombeds|undrar|vill att|hemställ", re.I)
_ATT = re.compile(r"att\s", re.I)


def _items(lines: list[str], ends: list[int], start: int) -> tuple[list[str], int]:
    """The list that starts at ``lines[start]`` (just after its intro): its items
    and the index where it stops.  ``ends[i]`` is where line i's paragraph ends.

    Marked lists ("- ", a glyph, "1.") run while items follow; an item may wrap
    over lines, even over a blank line.  Where the PDF lost the glyphs, each
    line or paragraph that starts with "att", and each paragraph that ends in
    "?", is an item.
    """
    items: list[list[str]] = []
    marked = None
    i = start
    while i < len(lines):
        if not lines[i]:
            i += 1
            continue
        end, first = ends[i], lines[i]
        if marked is None:
            marked = bool(_MARKER.match(first))
        tail = first[:1].islower() or (end - i == 1 and len(first.split()) <= 3 and _ends_sentence(first))
        if items and tail and not _ends_sentence(items[-1][-1]) and not _MARKER.match(first):
            items[-1] += lines[i:end]  # an item broken by a blank line
        elif marked and _MARKER.match(first):
            for line in lines[i:end]:
                if m := _MARKER.match(line):
                    items.append([line[m.end() :]])
                else:
                    items[-1].append(line)
        elif not marked and (_ATT.match(first) or lines[end - 1].endswith("?")):
            for j in range(i, end):
                if j == i or _ATT.match(lines[j]):
                    items.append([lines[j]])
                else:
                    items[-1].append(lines[j])
        else:
            break
        i = end
    return [_norm(_join_lines(item)) for item in items], i


def _questions(lines: list[str]) -> list[str]:
    """Items of every list introduced by "… följande frågor:" and the like."""
    ends = [0] * len(lines)
    end = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        end = i if not lines[i] else end
        ends[i] = end
    found: list[str] = []
    recent: list[str] = []  # the intro's last lines
    i = 0
    while i < len(lines):
        line = lines[i]
        recent = recent[-2:] + [line] if line else []
        i += 1
        if line.endswith(":") and _INTRO.search(" ".join(recent)):
            items, i = _items(lines, ends, i)
            found += items
            recent = []
    return [q for q in found if q]


def _proposal(lines: list[str]) -> tuple[str | None, list[str]]:
    """Förvaltningens förslag: its points joined by "\\n", and the lines after it."""
    points: list[list[str]] = []
    blank = False
    for i, line in enumerate(lines):
        if not line:
            blank = True
            continue
        if m := _MARKER.match(line):
            points.append([line[m.end() :]])
        elif not points:
            points.append([line])
        elif blank and _ends_sentence(points[-1][-1]):
            return _points(points), lines[i:]
        else:
            points[-1].append(line)
        blank = False
    return _points(points), []


def _points(points: list[list[str]]) -> str | None:
    text = "\n".join(_norm(_join_lines(p)) for p in points if any(p))
    return text or None


_TITLE_WORD = re.compile(r"[a-zåäöéü][\w./-]*")


def _signers(lines: list[str]) -> list[str]:
    """Names in a signature block: name and title words, in any layout.

    "Arjun Bakshi / arbetsmarknadsdirektör Karin Eriksson Bech / utvecklingschef"
    gives two names.  Two names on one line ("Karina Uddén Karin Eriksson-Bech")
    are split in two when the block has more titles than names.
    """
    runs: list[list[str]] = []
    titles = 0
    for line in lines:
        if not line or re.fullmatch(r"_+", line):
            continue
        tokens = line.split()
        if len(tokens) > 10 or not all(_NAME_TOKEN.fullmatch(t) or _TITLE_WORD.fullmatch(t) for t in tokens):
            break
        run: list[str] = []
        padded = [*tokens, "", ""]
        for i, tok in enumerate(padded[:-1]):
            particle = bool(run) and tok in _PARTICLES and bool(_NAME_TOKEN.fullmatch(padded[i + 1]))
            if tok and (_NAME_TOKEN.fullmatch(tok) or particle):
                run.append(tok)
                continue
            if 2 <= len(run) <= 6:
                runs.append(run)
            run = []
            titles += bool(tok)
    names: list[str] = []
    for run in runs:
        if len(run) == 4 and titles > len(runs):
            names += [" ".join(run[:2]), " ".join(run[2:])]
        elif len(run) <= 4:
            names.append(" ".join(run))
    return names


def _attest(lines: list[str]) -> tuple[list[str], list[date]]:
    """Names and dates from an "Attesterat av" table: "Karina Uddén, direktör 2021-03-24"."""
    names: list[str] = []
    dates: list[date] = []
    for line in lines:
        m = _ISO_DATE.search(line)
        day = _first_date(m[0]) if m else None
        if m is None or not day:
            continue
        dates.append(day)
        who = line[: m.start()].split(",")[0]
        tokens: list[str] = []
        for tok in who.split():
            if not (_NAME_TOKEN.fullmatch(tok) or (tokens and tok in _PARTICLES)):
                break
            tokens.append(tok)
        if 2 <= len(tokens) <= 5:
            names.append(" ".join(tokens))
    return names, dates


# --------------------------------------------------------------------------
# The parser


def _unique(items: list) -> tuple:
    seen: set = set()
    out = []
    for item in items:
        key = item.casefold() if isinstance(item, str) else item
        if key not in seen:
            seen.add(key)
            out.append(item)
    return tuple(out)


def parse_svar(text: str) -> SvarPaSkrivelse:
    """Parse the text of a svar på skrivelse; :class:`SkrivelseError` if it isn't one."""
    lines = _lines(text)
    if not any(lines):
        raise SkrivelseError("Texten är tom, så det finns inget svar på skrivelse att läsa.")
    start = next((i for i, line in enumerate(lines) if _TITLE.match(line)), None)
    if start is None:
        raise SkrivelseError(
            "Texten är inte ett svar på skrivelse: rubriken ”Svar på skrivelse …” saknas.",
            hint="Använd förvaltningens tjänsteutlåtande, inte protokollet eller själva skrivelsen.",
        )
    if any(_PROTOCOL.match(line) for line in lines[: start + 4]):
        raise SkrivelseError(
            "Texten ser ut att vara ett protokoll (den har paragrafer och närvaro), "
            "inte förvaltningens svar på skrivelse.",
            hint="Använd tjänsteutlåtandet med svaret på skrivelsen.",
        )
    title, after = _title(lines, start)
    sections = _sections(lines, after)
    if not {kind for kind, _ in sections} & {"proposal", "summary", "arendet", "svar"}:
        raise SkrivelseError(
            f"Texten har rubriken ”{title}” men saknar förslag till beslut, sammanfattning "
            "och ärendebeskrivning, så den går inte att läsa som ett svar på skrivelse."
        )

    def first(kind: str) -> list[str] | None:
        return next((body for k, body in sections if k == kind), None)

    about = [body for kind, body in sections if kind in {"summary", "arendet", "background"}]
    sentences = [s for body in about for s in _sentences(_text(body))] + [title]
    authors: list[Author] = next(
        (found for s in sentences if _AUTHOR_SENTENCE.search(s) and (found := _authors_in(s))), []
    )
    written = [s for s in sentences if re.search(r"daterad", s, re.I)]
    written += [s for s in sentences if re.search(r"skrivelse", s, re.I)]
    skrivelse_date = next((d for s in written if (d := _first_date(s))), None)

    proposal, rest = _proposal(first("proposal") or [])
    summary = _text(first("summary") or [])
    names: list[str] = []
    dates: list[date] = []
    for body in [b for k, b in sections if k == "attest"]:
        found_names, found_dates = _attest(body)
        names += found_names
        dates += found_dates
    if not names:
        blocks = [b for k, b in sections if k == "signature"] + [rest]
        names = next((signers for block in blocks if (signers := _signers(block))), [])

    return SvarPaSkrivelse(
        title=title,
        dnr=_dnr(lines),
        skrivelse_date=skrivelse_date,
        authors=_unique(authors),
        questions=_unique([q for body in about for q in _questions(body)]),
        summary=summary or None,
        proposal=proposal,
        signed_by=_unique(names),
        signed_date=max(dates) if dates else None,
    )

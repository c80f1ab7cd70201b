"""The skrivelse's authors: ``Salar Rashid m.fl. (S)``, named in the answer's sentences."""

from __future__ import annotations

import re

from .model import Author
from .text import _norm

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

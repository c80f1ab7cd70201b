"""Matching people's names the way a person types them in chat.

``Mårdenfjord``, ``mardenfjord`` and ``MÅRDENFJORD`` are the same name;
``Johan`` is ambiguous in the AMN roster (Johan Paccamonti, Johan Hjelm).
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from .errors import NameLookupError

T = TypeVar("T")


def antal(n: int, en: str, flera: str) -> str:
    """``1 paragraf``, ``16 paragrafer``."""
    return f"{n} {en if n == 1 else flera}"


def fold(text: str) -> str:
    """Lower case, no diacritics, single spaces: the key names are compared by."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


# Letters Unicode does not decompose into a base letter and a mark: typed without them, the name
# should still be found ("soren" finds "Søren Østergård", "lukasz" finds "Łukasz").
_PLAIN = str.maketrans({"ø": "o", "æ": "ae", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "œ": "oe", "ı": "i"})


def typed(text: str) -> str:
    """:func:`fold`, and the letters without a decomposition written as people type them without
    those keys. For matching what is typed only; a member's key stays :func:`fold` (stored)."""
    return fold(text).translate(_PLAIN)


def _tokens(folded: str) -> list[str]:
    return folded.replace("-", " ").split()


def match_name(query: str, people: Sequence[T], name_of: Callable[[T], str], *, what: str = "person") -> T:
    """The one person in ``people`` that ``query`` names.

    A full name matches exactly (case and diacritics aside); otherwise every
    word of the query must begin a word of the name ("westm", "mattias m").
    Raises :class:`NameLookupError` listing the candidates when nobody or
    more than one person matches.
    """
    q = typed(query)
    if not q:
        raise NameLookupError(f"Ange ett namn på en {what}.", [])
    exact = [p for p in people if typed(name_of(p)) == q]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        names = [name_of(p) for p in exact]
        raise NameLookupError(
            f"Namnet ”{query}” passar flera: {join_names(names)}.",
            names,
            hint="Skriv ut hela namnet och partiet i rostern för att skilja dem åt.",
        )
    qt = _tokens(q)
    hits = [p for p in people if _prefix_match(qt, _tokens(typed(name_of(p))))]
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        names = [name_of(p) for p in hits]
        raise NameLookupError(
            f"Namnet ”{query}” passar flera: {join_names(names)}.",
            names,
            hint="Skriv hela namnet.",
        )
    all_names = [name_of(p) for p in people]
    by_fold = {typed(n): n for n in all_names}
    close = difflib.get_close_matches(q, list(by_fold), n=3, cutoff=0.75)
    if not close:  # a surname alone, misspelt
        surnames = {typed(n).split()[-1]: typed(n) for n in all_names}
        close = [surnames[s] for s in difflib.get_close_matches(q, list(surnames), n=3, cutoff=0.75)]
    suggestions = [by_fold[c] for c in close]
    if suggestions:
        raise NameLookupError(
            f"Ingen {what} heter ”{query}”. Menade du {join_names(suggestions, 'eller')}?",
            suggestions,
        )
    raise NameLookupError(
        f"Ingen {what} heter ”{query}”.",
        all_names,
        hint=f"Namnen i rostern: {join_names(all_names)}." if all_names else None,
    )


def _prefix_match(query_tokens: list[str], name_tokens: list[str]) -> bool:
    """Every query word begins a distinct name word, in the name's order."""
    i = 0
    for qt in query_tokens:
        while i < len(name_tokens) and not name_tokens[i].startswith(qt):
            i += 1
        if i == len(name_tokens):
            return False
        i += 1
    return True


def join_names(items: Iterable[str], last_word: str = "och") -> str:
    """``A``, ``A och B``, ``A, B och C``: a Swedish enumeration."""
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {last_word} {items[-1]}"


def obs(sentence: str) -> str:
    """``Obs: Platsen för … är vakant.``: the one way a warning is written, the sentence after the colon
    beginning with a capital letter (it is a whole sentence)."""
    text = sentence.strip()
    if text.lower().startswith("obs:"):
        text = text[4:].strip()
    return f"Obs: {text[:1].upper()}{text[1:]}"

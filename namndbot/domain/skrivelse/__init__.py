"""Read a *svar på skrivelse* from the text of its PDF.

Members of a nämnd write a *skrivelse* (a question or a proposal); förvaltningen
answers with a tjänsteutlåtande titled "Svar på skrivelse …".  This package turns
that answer's text, as extracted from the PDF, into a :class:`SvarPaSkrivelse`.

Pure code: text in, dataclass out, no I/O.  The text is expected to carry the
usual PDF artefacts: words hyphenated at line ends, paragraphs wrapped line by
line, sometimes double line spacing (every line followed by an empty one),
bullets drawn with symbol-font glyphs (private-use characters) or lost
altogether, and the signature block in odd places.  Any text either parses or
raises :class:`SkrivelseError`.

One module per step: text.py mends the PDF's text, structure.py finds the title and the
sections, dnr.py the dates and the dnr, authors.py the authors, contents.py the questions, the
proposal and the signers; model.py holds the result. :func:`parse_svar` (here) puts them together.
"""

from __future__ import annotations

import re
from datetime import date

from .authors import _AUTHOR_SENTENCE, _authors_in, _sentences
from .contents import _attest, _proposal, _questions, _signers
from .dnr import _dnr, _first_date
from .model import Author, SkrivelseError, SvarPaSkrivelse
from .structure import _PROTOCOL, _TITLE, _sections, _title
from .text import _lines, _text, dehyphenate

__all__ = ["Author", "SkrivelseError", "SvarPaSkrivelse", "dehyphenate", "parse_svar"]


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

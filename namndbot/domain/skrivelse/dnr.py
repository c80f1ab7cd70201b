"""Dates and the diarienummer (dnr)."""

from __future__ import annotations

import re
from datetime import date

from ..dates import MANADER
from .text import _norm

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

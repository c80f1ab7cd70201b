"""What a svar på skrivelse is read into, and the error when a text isn't one."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from ..errors import NamndbotError


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

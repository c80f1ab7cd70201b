"""A sammanträde and the förhinder reported for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .errors import RuleError
from .names import antal
from .paragraphs import format_span
from .turordning import Forhinder

PLANERAD = "planerad"
INSTALLD = "installd"

DEFAULT_DURATION = timedelta(hours=2)


@dataclass(frozen=True, slots=True)
class Meeting:
    committee: str  # the committee's short name
    date: date
    start: time
    paragraphs: int | None = None  # None: the meeting is one unit
    location: str | None = None
    note: str | None = None  # main business
    status: str = PLANERAD
    uid: str = ""
    sequence: int = 0
    updated_at: datetime | None = None
    started_at: datetime | None = None
    current_paragraph: int = 0
    id: int = 0

    @property
    def cancelled(self) -> bool:
        return self.status == INSTALLD

    @property
    def started(self) -> bool:
        return self.started_at is not None

    @property
    def units(self) -> int:
        """Paragraphs the engine plans over: one when the meeting is one unit."""
        return self.paragraphs or 1

    def starts_at(self, timezone: str) -> datetime:
        return datetime.combine(self.date, self.start, tzinfo=ZoneInfo(timezone))


@dataclass(frozen=True, slots=True)
class Anmalan:
    """A förhinder as reported: ``first``/``last`` None mean the start/end of the meeting."""

    member: str
    first: int | None = None
    last: int | None = None
    jav: bool = False
    tid: str | None = None  # "kommer 17:30" or "går 17:30": a time, not yet a paragraph

    @property
    def whole(self) -> bool:
        return self.first is None and self.last is None and self.tid is None

    @property
    def leaves_later(self) -> bool:
        """Leaves at a time: present from the start, so nobody is called in before the meeting."""
        return bool(self.tid and self.tid.startswith("går"))

    def resolve(self, paragraphs: int) -> Forhinder | None:
        """The paragraphs the engine plans for. Arriving at a time counts as away until the
        secretary records the paragraph; leaving at a time, as present until then."""
        if self.leaves_later:
            return None
        return Forhinder(self.member, self.first or 1, self.last or paragraphs, self.jav)

    def describe(self, paragraphs: int | None) -> str:
        """``hela sammanträdet``, ``från §11``, ``§1-4``, ``§7 (jäv)``, ``kommer kl. 17.30``."""
        if self.tid:
            verb, _, hhmm = self.tid.partition(" ")
            text = f"{verb} kl. {hhmm.replace(':', '.')}"
        elif self.whole:
            text = "hela sammanträdet"
        elif self.first is None:
            text = f"§1-{self.last}" if self.last and self.last > 1 else "§1"
        elif self.last is None:
            text = f"från §{self.first}"
        else:
            text = format_span(self.first, self.last)
        return f"{text} (jäv)" if self.jav else text


@dataclass(frozen=True)
class Ord:
    """How the person asking says "until", "from", a span and jäv: a message answers in their words."""

    until: str
    from_: str
    span: str
    jav: str
    no_paragraphs: str


CLI_ORD = Ord(
    "--until-paragraph",
    "--from-paragraph",
    "--paragraphs",
    "--paragraphs 7-7 --jav",
    "Ange antalet paragrafer först med ”meeting add … --paragraphs N”",
)
CHAT_ORD = Ord("”till § N”", "”från § N”", "”§ A-B”", "”§ 7 jäv”", "Sekreteraren kan ange antalet paragrafer")


def absence(
    paragraphs: int | None,
    *,
    until_paragraph: int | None = None,
    from_paragraph: int | None = None,
    span: tuple[int, int] | None = None,
    jav: bool = False,
    vaxeltjanstgoring: bool = False,
    is_ledamot: bool = True,
    meeting_label: str = "",
    ord: Ord = CLI_ORD,
) -> tuple[int | None, int | None]:
    """Check a partial förhinder against the meeting and the rules; return ``(first, last)``.

    ``until_paragraph=10``: present for §1-10, absent from §11.
    ``from_paragraph=5``: absent §1-4, present from §5.
    ``span=(7, 7)`` with ``jav``: absent only for §7.
    """
    given = [x is not None for x in (until_paragraph, from_paragraph, span)]
    if sum(given) > 1:
        raise RuleError(f"Ange bara ett av {ord.until}, {ord.from_} och {ord.span}.")
    if jav and span is None:
        raise RuleError(f"Jäv gäller enskilda paragrafer: ange dem, t.ex. {ord.jav}.")
    if not any(given):
        return None, None
    if paragraphs is None:
        raise RuleError(
            f"Sammanträdet{meeting_label} är inte indelat i paragrafer, så förhinder gäller hela sammanträdet.",
            hint=f"{ord.no_paragraphs}, eller anmäl förhinder utan paragrafer.",
        )
    n = paragraphs
    if until_paragraph is not None:
        if not 1 <= until_paragraph < n:
            raise RuleError(
                f"I {ord.until} ska N vara mellan 1 och {n - 1}: sammanträdet har "
                f"{antal(n, 'paragraf', 'paragrafer')}, och närvaro till och med §{n} är inget förhinder."
            )
        return until_paragraph + 1, None
    if from_paragraph is not None:
        if not 2 <= from_paragraph <= n:
            raise RuleError(
                f"I {ord.from_} ska N vara mellan 2 och {n}: sammanträdet har "
                f"{antal(n, 'paragraf', 'paragrafer')} (från §1 betyder inget förhinder)."
            )
        return None, from_paragraph - 1
    assert span is not None
    a, b = span
    if not (1 <= a <= b <= n):
        raise RuleError(f"Paragraferna {a}-{b} finns inte: sammanträdet har §1-{n}.")
    middle = a > 1 and b < n
    if middle and not jav and not vaxeltjanstgoring and is_ledamot:
        raise RuleError(
            f"Förhinder mitt i sammanträdet (§{a}-{b}) går inte: en ledamot som lämnat sammanträdet av annat skäl "
            "än jäv får inte tjänstgöra igen samma dag (växeltjänstgöring).",
            hint=f"Gäller det jäv, ange det, t.ex. {ord.jav}. Nämnder vars reglemente tillåter växeltjänstgöring "
            "sätter vaxeltjanstgoring = true under [committee] i rosterfilen.",
        )
    if jav:
        return a, b  # jäv concerns these matters, whatever else is added to the agenda
    return (None if a == 1 else a), (None if b == n else b)

"""A sammanträde and the förhinder reported for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .errors import RuleError
from .paragraphs import format_span, number, position, range_text
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
    current_paragraph: int = 0  # a position (1..paragraphs), like everything the engine sees
    id: int = 0
    first_paragraph: int = 1  # the protocol's number of the first paragraph (194 in §§ 194–219)

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

    @property
    def last_paragraph(self) -> int | None:
        return None if self.paragraphs is None else self.first_paragraph + self.paragraphs - 1

    @property
    def range_text(self) -> str:
        """``§§ 194–219``; empty for a meeting without paragraphs."""
        return "" if self.paragraphs is None else range_text(self.first_paragraph, self.paragraphs)

    def nr(self, p: int) -> int:
        """The protocol's number of position ``p``."""
        return number(p, self.first_paragraph)

    def position(self, value: int) -> int:
        """The position of the protocol's § ``value`` (a Swedish error naming the range if outside)."""
        return position(value, self.first_paragraph, self.units)

    def starts_at(self, timezone: str) -> datetime:
        return datetime.combine(self.date, self.start, tzinfo=ZoneInfo(timezone))


def first_number(meetings: list[Meeting], day: date, numrering: str) -> int:
    """The protocol's number of the first paragraph of a meeting on ``day`` given only its count:
    1 per meeting, or (``lopande``) one more than the last number of the year's previous meeting
    with paragraphs (the first of the year starts at 1)."""
    if numrering != "lopande":
        return 1
    before = [
        m for m in meetings if m.date.year == day.year and m.date < day and not m.cancelled and m.paragraphs is not None
    ]
    if not before:
        return 1
    last = max(before, key=lambda m: m.date).last_paragraph
    return (last or 0) + 1


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

    def describe(self, paragraphs: int | None, base: int = 1) -> str:
        """``hela sammanträdet``, ``från § 11``, ``§§ 1–4``, ``§ 7 (jäv)``, ``kommer kl. 17.30``.
        ``base``: the protocol's number of the meeting's first paragraph."""
        if self.tid:
            verb, _, hhmm = self.tid.partition(" ")
            text = f"{verb} kl. {hhmm.replace(':', '.')}"
        elif self.whole:
            text = "hela sammanträdet"
        elif self.first is None:
            text = format_span(1, self.last or 1, base=base)
        elif self.last is None:
            text = f"från § {number(self.first, base)}"
        else:
            text = format_span(self.first, self.last, base=base)
        return f"{text} (jäv)" if self.jav else text

    def confirm(self, paragraphs: int | None, base: int = 1) -> str:
        """Both sides of a partial absence, in words that cannot be misread: ``närvarande t.o.m. § 10,
        förhinder från § 11``, ``förhinder §§ 1–7, kommer till § 8``."""
        if self.tid or self.whole or self.jav or paragraphs is None:
            return self.describe(paragraphs, base)
        first, last = self.first or 1, self.last or paragraphs
        away = range_text(number(first, base), last - first + 1)
        parts = []
        if first > 1:
            parts.append(f"närvarande t.o.m. § {number(first - 1, base)}")
        if first > 1 and last == paragraphs:
            parts.append(f"förhinder från § {number(first, base)}")
        else:
            parts.append(f"förhinder {away}")
        if last < paragraphs:
            parts.append(f"kommer till § {number(last + 1, base)}")
        return ", ".join(parts)


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
    base: int = 1,
) -> tuple[int | None, int | None]:
    """Check a partial förhinder against the meeting and the rules; return ``(first, last)`` as
    positions (1..paragraphs). The paragraphs given are the protocol's numbers: ``base`` is the
    number of the meeting's first paragraph.

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
    lo, hi = base, base + n - 1
    has = f"sammanträdet har {range_text(lo, n)}"
    if until_paragraph is not None:
        if not lo <= until_paragraph < hi:
            raise RuleError(
                f"I {ord.until} ska N vara mellan {lo} och {hi - 1}: {has}, "
                f"och närvaro till och med § {hi} är inget förhinder."
            )
        return until_paragraph - base + 2, None
    if from_paragraph is not None:
        if not lo < from_paragraph <= hi:
            raise RuleError(
                f"I {ord.from_} ska N vara mellan {lo + 1} och {hi}: {has} (från § {lo} betyder inget förhinder)."
            )
        return None, from_paragraph - base
    assert span is not None
    a, b = span
    if not (lo <= a <= b <= hi):
        raise RuleError(f"{range_text(a, b - a + 1)} finns inte: {has}.")
    a, b = a - base + 1, b - base + 1
    middle = a > 1 and b < n
    if middle and not jav and not vaxeltjanstgoring and is_ledamot:
        raise RuleError(
            f"Förhinder mitt i sammanträdet ({format_span(a, b, base=base)}) går inte: en ledamot som lämnat "
            "sammanträdet av annat skäl än jäv får inte tjänstgöra igen samma dag (växeltjänstgöring).",
            hint=f"Gäller det jäv, ange det, t.ex. {ord.jav}. Nämnder vars reglemente tillåter växeltjänstgöring "
            "sätter vaxeltjanstgoring = true under [committee] i rosterfilen.",
        )
    if jav:
        return a, b  # jäv concerns these matters, whatever else is added to the agenda
    return (None if a == 1 else a), (None if b == n else b)

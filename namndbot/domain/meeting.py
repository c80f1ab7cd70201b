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
    committee: str            # the committee's short name
    date: date
    start: time
    paragraphs: int | None = None   # None: the meeting is one unit
    location: str | None = None
    note: str | None = None         # main business
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
    tid: str | None = None    # "kommer 17:30" or "går 17:30": a time, not yet a paragraph

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
) -> tuple[int | None, int | None]:
    """Check a partial förhinder against the meeting and the rules; return ``(first, last)``.

    ``until_paragraph=10``: present for §1-10, absent from §11.
    ``from_paragraph=5``: absent §1-4, present from §5.
    ``span=(7, 7)`` with ``jav``: absent only for §7.
    """
    given = [x is not None for x in (until_paragraph, from_paragraph, span)]
    if sum(given) > 1:
        raise RuleError("Ange bara ett av --until-paragraph, --from-paragraph och --paragraphs.")
    if jav and span is None:
        raise RuleError("Jäv gäller enskilda paragrafer: ange dem med --paragraphs, t.ex. --paragraphs 7-7 --jav.")
    if not any(given):
        return None, None
    if paragraphs is None:
        raise RuleError(
            f"Sammanträdet{meeting_label} är inte indelat i paragrafer, så förhinder gäller hela sammanträdet.",
            hint="Ange antalet paragrafer först med ”meeting add … --paragraphs N”, eller anmäl förhinder utan paragrafer.",
        )
    n = paragraphs
    if until_paragraph is not None:
        if not 1 <= until_paragraph < n:
            raise RuleError(
                f"--until-paragraph ska vara mellan 1 och {n - 1}: sammanträdet har {antal(n, 'paragraf', 'paragrafer')} "
                f"och närvaro till och med §{n} är ingen förhinder."
            )
        return until_paragraph + 1, None
    if from_paragraph is not None:
        if not 2 <= from_paragraph <= n:
            raise RuleError(
                f"--from-paragraph ska vara mellan 2 och {n}: sammanträdet har {antal(n, 'paragraf', 'paragrafer')} "
                "(från §1 betyder ingen förhinder)."
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
            hint="Gäller det jäv, lägg till --jav. Nämnder vars reglemente tillåter växeltjänstgöring "
                 "sätter vaxeltjanstgoring = true under [committee] i rosterfilen.",
        )
    if jav:
        return a, b  # jäv concerns these matters, whatever else is added to the agenda
    return (None if a == 1 else a), (None if b == n else b)

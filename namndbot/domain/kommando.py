"""What a member types after ``/namnd``, read into a request. Pure: text in, dataclass out.

/namnd förhinder 17 mars
/namnd förhinder nästa till §10
/namnd förhinder tisdag för Martin Westmont
/namnd förhinder AMN 2020-03-17 kommer 17.30
/namnd återkalla 17/3
/namnd närvaro
/namnd kalender
/namnd hjälp
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .dates import MANADER, VECKODAGAR
from .errors import NamndbotError
from .names import fold

VERBS = {
    "forhinder": "forhinder",
    "franvaro": "forhinder",
    "anmal": "forhinder",
    "aterkalla": "aterkalla",
    "angra": "aterkalla",
    "narvaro": "narvaro",
    "sammanfattning": "narvaro",
    "kalender": "kalender",
    "lank": "kalender",
    "hjalp": "hjalp",
    "help": "hjalp",
    "": "hjalp",
    "justering": "justering",
    "justera": "justering",
    "start": "start",
    "starta": "start",
    "paragraf": "paragraf",
}

_WEEKDAYS = {fold(d): i for i, d in enumerate(VECKODAGAR)} | {
    "man": 0,
    "tis": 1,
    "ons": 2,
    "tor": 3,
    "tors": 3,
    "fre": 4,
    "lor": 5,
    "son": 6,
}
_MONTHS = (
    {fold(m): i + 1 for i, m in enumerate(MANADER)}
    | {fold(m[:3]): i + 1 for i, m in enumerate(MANADER)}
    | {"sept": 9, "febr": 2}
)


class CommandError(NamndbotError):
    pass


@dataclass(frozen=True)
class Kommando:
    verb: str  # forhinder, aterkalla, narvaro, kalender, hjalp, …
    committee: str | None = None  # a committee's short name, when given
    when: str | None = None  # the date words as typed, resolved later against the meetings
    for_name: str | None = None  # "för Martin Westmont": a secretary acting for someone
    until_paragraph: int | None = None
    from_paragraph: int | None = None
    span: tuple[int, int] | None = None
    jav: bool = False
    tid: str | None = None  # "kommer 17:30" / "går 19:00"
    rest: str = ""


_PARTIAL = [
    # "kommer till § 8" is an arrival (absent before § 8), never "till § 8": it is read first.
    (re.compile(r"\bkommer\s+(?:till\s+|vid\s+|från\s+)?§\s*(\d{1,4})\b"), "from"),
    # "går efter § 7": present through § 7.
    (re.compile(r"\b(?:går|gar)\s+efter\s+§\s*(\d{1,4})\b"), "until"),
    (re.compile(r"(?:\btill\s+(?:och\s+med\s+)?|\bt\.\s?o\.\s?m\.?\s*)§\s*(\d{1,4})\b"), "until"),
    (re.compile(r"\bfrån\s+§\s*(\d{1,4})\b"), "from"),
    # Jäv in §§ A–B, written as the bot confirms it ("§§ 200–203 (jäv)") or with jäv first ("jäv § 7").
    (re.compile(r"§§?\s*(\d{1,4})\s*(?:[-–]\s*(\d{1,4}))?\s*\(?\s*j[äa]v\b\s*\)?"), "jav"),
    (re.compile(r"\(?\bj[äa]v\s*\)?\s*(?:i\s+|för\s+)?§§?\s*(\d{1,4})\s*(?:[-–]\s*(\d{1,4}))?"), "jav"),
    (re.compile(r"\b(kommer|går|gar)\s+(?:kl\.?\s*)?(\d{1,2})[.:](\d{2})\b"), "tid"),
]


def parse_command(text: str, committees: set[str] | frozenset[str] = frozenset()) -> Kommando:
    """Read ``/namnd`` text. ``committees`` are the known short names (``AMN``)."""
    raw = " ".join((text or "").split())
    words = raw.split(" ", 1)
    verb_word = fold(words[0]) if words and words[0] else ""
    verb = VERBS.get(verb_word)
    if verb is None:
        raise CommandError(f"Jag förstår inte ”{words[0]}”.", hint="Skriv /namnd hjälp för att se vad jag kan.")
    rest = words[1] if len(words) > 1 else ""
    masked = rest  # the text with every recognised part blanked out, same length
    low = rest.lower()
    fields: dict = {}
    for rx, kind in _PARTIAL:
        m = rx.search(low)
        if not m:
            continue
        if kind == "until":
            fields["until_paragraph"] = int(m.group(1))
        elif kind == "from":
            fields["from_paragraph"] = int(m.group(1))
        elif kind == "jav":
            a = int(m.group(1))
            fields["span"] = (a, int(m.group(2) or a))
            fields["jav"] = True
        else:
            verb_t = "går" if m.group(1) in ("går", "gar") else "kommer"
            hh, mm = int(m.group(2)), int(m.group(3))
            if hh > 23 or mm > 59:
                raise CommandError(f"”{m.group(0)}” är ingen tid; skriv t.ex. kommer 17.30.")
            fields["tid"] = f"{verb_t} {hh:02d}:{mm:02d}"
        blank = " " * (m.end() - m.start())
        low = low[: m.start()] + blank + low[m.end() :]
        masked = masked[: m.start()] + blank + masked[m.end() :]
    if sum(k in fields for k in ("until_paragraph", "from_paragraph", "span", "tid")) > 1:
        raise CommandError("Ange bara en av ”till §N”, ”från §N”, ”§N jäv” och ”kommer/går kl.”.")
    for_name = None
    m = re.search(r"\bför\s+(.+)$", low)
    if m:
        for_name = " ".join(masked[m.start(1) : m.end(1)].split()) or None
        low = low[: m.start()]
        masked = masked[: m.start()]
    tokens = low.split()
    committee = None
    if tokens:
        upper = {c.upper(): c for c in committees}
        first_original = masked.split()[0] if masked.split() else ""
        if tokens[0].upper() in upper:
            committee = upper[tokens[0].upper()]
            tokens = tokens[1:]
        elif first_original.isupper() and len(first_original) >= 2 and not re.match(r"^\d", first_original):
            committee = first_original
            tokens = tokens[1:]
    when = " ".join(tokens).strip(" ,.") or None
    return Kommando(verb=verb, committee=committee, when=when, for_name=for_name, rest=rest, **fields)


def resolve_date(when: str | None, today: date, meetings: list[date]) -> date:
    """The meeting a member means: ``nästa``/nothing, ``tisdag``, ``17/3``, ``17 mars``, ``2020-03-17``,
    ``idag``, ``imorgon``. ``meetings`` are the committee's (not cancelled) meeting dates."""
    upcoming = sorted(d for d in meetings if d >= today)
    text = fold(when or "")
    text = re.sub(r"\b(den|pa|på)\b", " ", text)
    text = " ".join(text.split())

    def need(day: date, said: str) -> date:
        if day in meetings:
            return day
        hint = _upcoming_hint(upcoming)
        raise CommandError(f"Det finns inget sammanträde {said} ({day.isoformat()}).", hint=hint)

    if text in ("", "nasta", "nasta sammantrade", "nasta mote"):
        if not upcoming:
            raise CommandError("Det finns inga kommande sammanträden.")
        return upcoming[0]
    if text in ("idag", "i dag"):
        return need(today, "i dag")
    if text in ("imorgon", "i morgon"):
        return need(today + timedelta(days=1), "i morgon")
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if m:
        try:
            return need(date(int(m.group(1)), int(m.group(2)), int(m.group(3))), when or "")
        except ValueError:
            raise CommandError(f"”{when}” är inget giltigt datum.") from None
    m = re.fullmatch(r"(?:nasta\s+)?([a-z]+)(?:en)?", text)
    wd = _WEEKDAYS.get(m.group(1), _WEEKDAYS.get(m.group(1).rstrip("en"))) if m else None
    if wd is not None:
        for d in upcoming:
            if d.weekday() == wd:
                return d
        raise CommandError(f"Det finns inget kommande sammanträde en {VECKODAGAR[wd]}.", hint=_upcoming_hint(upcoming))
    m = re.fullmatch(r"(?:[a-z]+\s+)?(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/?\s*(\d{2,4}))?", text) or re.fullmatch(
        r"(?:[a-z]+\s+)?(\d{1,2})(?::[ae])?\s+([a-z]+)\.?(?:\s+(\d{4}))?", text
    )
    if m:
        day_no = int(m.group(1))
        month_word = m.group(2)
        month = int(month_word) if month_word.isdigit() else _MONTHS.get(month_word)
        if month is None or not 1 <= month <= 12:
            raise CommandError(f"Jag förstår inte datumet ”{when}”.", hint="Skriv t.ex. 17 mars, 17/3 eller nästa.")
        year = int(m.group(3)) if m.group(3) else None
        if year is not None and year < 100:
            year += 2000
        candidates = [d for d in meetings if d.day == day_no and d.month == month and (year is None or d.year == year)]
        future = [d for d in candidates if d >= today]
        if future:
            return min(future)
        if candidates:
            return max(candidates)
        try:
            said = date(year or today.year, month, day_no)
        except ValueError:
            raise CommandError(f"”{when}” är inget giltigt datum.") from None
        return need(said, when or "")
    raise CommandError(f"Jag förstår inte datumet ”{when}”.", hint="Skriv t.ex. 17 mars, 17/3, tisdag eller nästa.")


def _upcoming_hint(upcoming: list[date]) -> str | None:
    if not upcoming:
        return None
    from .dates import svensk_datum

    return "Kommande sammanträden: " + ", ".join(svensk_datum(d, weekday=False) for d in upcoming[:4]) + "."

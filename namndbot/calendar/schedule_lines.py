"""Reading one line of a schedule: the vocabulary (months, weekdays, times,
cancellation words), the meetings on a line, and lines meant as meetings that
cannot be read.  See :mod:`namndbot.calendar.schedule` for the whole text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time

from namndbot.domain.dates import MANADER, VECKODAGAR
from namndbot.domain.errors import NamndbotError


class ScheduleError(NamndbotError):
    """The schedule text can't be read.

    ``line`` is the 1-based line the error is about, or ``None`` when it is
    about the whole text.  Messages about a line start with ``Rad N:``.
    """

    def __init__(self, message: str, line: int | None = None, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.line = line


# --------------------------------------------------------------------------
# Vocabulary


_MONTHS = {name: i for i, name in enumerate(MANADER, 1)} | {
    "jan": 1,
    "feb": 2,
    "febr": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "okt": 10,
    "nov": 11,
    "dec": 12,
}
_WEEKDAYS = {name: i for i, name in enumerate(VECKODAGAR)} | {
    "mandag": 0,
    "lordag": 5,
    "sondag": 6,  # written without diacritics
    "mån": 0,
    "må": 0,
    "tis": 1,
    "ti": 1,
    "ons": 2,
    "on": 2,
    "tors": 3,
    "tor": 3,
    "to": 3,
    "fre": 4,
    "fr": 4,
    "lör": 5,
    "lö": 5,
    "sön": 6,
    "sö": 6,
}


def _alternation(words) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


def _lookup(token: str, table: dict[str, int]) -> int:
    """Map a matched month/weekday token to its number (case-insensitively,
    the same way ``re.IGNORECASE`` matched it)."""
    word = token.rstrip(".").lower()
    if word.endswith("dagen"):  # "tisdagen"
        word = word[:-2]
    if word in table:
        return table[word]
    for key, value in table.items():  # e.g. "ſept", matched by IGNORECASE
        if re.fullmatch(re.escape(key) + "(?:en)?", token.rstrip("."), re.I):
            return value
    raise KeyError(token)  # pragma: no cover - the regex only matches table words


_NOT_LETTER = r"(?![^\W\d_])"
_FULL_WEEKDAYS = [w for w in _WEEKDAYS if w.endswith("dag")]
_WD = (
    rf"(?:(?:{_alternation(_FULL_WEEKDAYS)})(?:en)?"
    rf"|{_alternation(w for w in _WEEKDAYS if w not in _FULL_WEEKDAYS)}){_NOT_LETTER}"
)
_MON = rf"(?:{_alternation(_MONTHS)}){_NOT_LETTER}"
_YEAR = r"(?:19|20|21)[0-9]{2}"

_BULLETS = "-–—•·*▪◦‣○●■□►▶➤➢→|\uf0b7"
_PREFIX = re.compile(rf"[ \t]*(?:[{re.escape(_BULLETS)}][ \t]*)*(?P<strike>~~[ \t]*)?")


def _after_prefix(text: str) -> int:
    """Where a line's text begins after its bullets (the prefix always matches, if only empty)."""
    m = _PREFIX.match(text)
    return m.end() if m else 0


# One date, optionally with weekday and "den".  Groups: wd, iso y/m/d, d+mon, sd/sm, y.
_ITEM_SRC = rf"""
    (?:(?P<wd>{_WD})\.?,?\s+)?
    (?:den\s+)?
    (?:
        (?P<iy>[0-9]{{4}})-(?P<im>[0-9]{{1,2}})-(?P<id>[0-9]{{1,2}})(?![0-9]|-[0-9])
      | (?:
            (?P<d>[0-9]{{1,2}})(?::?e|:a)?\s*(?P<mon>{_MON})\.?
          | (?P<sd>[0-9]{{1,2}})/(?P<sm>[0-9]{{1,2}})(?![0-9/])
        )
        (?:,?\s+(?P<y>{_YEAR})(?![0-9])(?!\s+års{_NOT_LETTER}))?
        (?(sd)(?(wd)|(?=\s*(?:$|[,;.(–—-]|kl|klockan|[0-9]{{1,2}}[.:][0-9]{{2}}))))
    )
"""
_ITEM = re.compile(_ITEM_SRC, re.I | re.X)
# Another date on the same line: "8 februari, 15 mars och 26 april".
_CHAIN = re.compile(rf"(?:[,;]|\s(?:och|samt)\b)\s*(?={_ITEM_SRC})", re.I | re.X)
# A weekday and a day number, but no readable date: "Tisdag den 11 febuari".
_BROKEN = re.compile(rf"{_WD}\.?,?\s+(?:den\s+)?[0-9]{{1,2}}(?::?e|:a)?(?=\s+[^\W\d_]|\s*$)", re.I)

# "kl. 18.30", "kl 18:30", "kl. 18,30" (a comma separates minutes too), "klockan 9", "kl. 13-16".
_KL_TIME = re.compile(
    r"\b(?:kl|klockan)\b\.?\s*(?P<h>[0-9]+)(?:[.:,](?P<m>[0-9]+))?"
    r"(?:\s*(?:[-–—]|till)\s*[0-9]{1,2}(?:[.:,][0-9]{2})?(?![0-9]))?",
    re.I,
)
_BARE_TIME = re.compile(
    r"[\s,:|–—-]*(?P<h>[0-9]{1,2})(?:[.:,](?P<m>[0-9]{2})(?![0-9]))?"
    r"(?(m)(?:\s*[-–—]\s*[0-9]{1,2}(?:[.:,][0-9]{2})?(?![0-9]))?"
    r"|\s*[-–—]\s*[0-9]{1,2}(?:[.:,][0-9]{2})?(?![0-9]))"
)
# A line that starts with a time of its own: "kl. 18.30", "Klockan 9 Budget".
_KL_START = re.compile(r"(?:kl|klockan)\b\.?\s*[0-9]", re.I)
_CANCEL = re.compile(
    r"[(\[]?\s*(?:(?:mötet|sammanträdet|nämndmötet)\s+"
    r"(?:är\s+|har\s+)?(?:blivit\s+)?)?"
    r"\b(?:inställ[td]|inställs|installt|installd|ställ(?:s|ts|t)\s+in)\b"
    r"(?:\s+(?:nämnd)?(?:sammanträde|möte)[nt]?\b)?"  # "Inställt sammanträde"
    r"\s*[)\]]?",
    re.I,
)

# Lines that may stand inside a block: "Februari", "Hösten 2021:", "2021".
_NEUTRAL = re.compile(
    rf"(?:(?:{_MON}|vår(?:en|terminen)?|höst(?:en|terminen)?)\.?\s*)?"
    rf"(?P<y>{_YEAR})?\s*:?",
    re.I,
)  # matched against the stripped line

# --------------------------------------------------------------------------
# Line-level reading


@dataclass(slots=True)
class _Item:
    """A meeting as read from its line, before its year is settled."""

    line: int
    quoted: str  # the date as written, for error messages
    day: int
    month: int
    year: int | None
    weekday: int | None
    start: time | None = None
    parts: list[str] = field(default_factory=list)
    cancelled: bool = False
    year_hint: int | None = None  # set by a preceding "Hösten 2021" line


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "…"


def _time(h: str, m: str | None, quoted: str, line: int) -> time:
    if len(h) <= 2 and (m is None or len(m) == 2):
        hour, minute = int(h), int(m or 0)
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise ScheduleError(
        f"Rad {line}: ”{_quote(quoted)}” är ingen giltig tid.", line, hint="Skriv tiden som t.ex. kl. 16.00."
    )


def _read_line(text: str, line: int, pos: int = 0) -> list[_Item] | None:
    """The meetings on one line, or ``None`` when it is no meeting line.

    Raises :class:`ScheduleError` for a line that is meant as a meeting but
    cannot be read (impossible day, bad time, unreadable date after a weekday).
    """
    prefix = _PREFIX.match(text, pos)
    assert prefix is not None  # every part of it is optional
    pos = prefix.end()
    m = _ITEM.match(text, pos)
    if m is None:
        if _BROKEN.match(text, pos):
            raise ScheduleError(
                f"Rad {line}: ”{_quote(text)}” ser ut som ett sammanträde, men datumet går inte att läsa.",
                line,
                hint="Skriv datumet som t.ex. ”tisdag den 11 februari” eller 2020-02-11.",
            )
        return None
    items = []
    while m is not None:
        g = m.groupdict()
        quoted = text[m.start() : m.end()].strip()
        year: int | None
        if g["iy"]:
            day, month, year = int(g["id"]), int(g["im"]), int(g["iy"])
        else:
            day = int(g["d"] or g["sd"])
            month = _lookup(g["mon"], _MONTHS) if g["mon"] else int(g["sm"])
            year = int(g["y"]) if g["y"] else None
        try:  # reject impossible days at once; 29 February waits for the year
            date(year or 2000, month, day)
        except ValueError:
            raise ScheduleError(
                f"Rad {line}: ”{_quote(quoted)}” är inget giltigt datum.", line, hint="Kontrollera dag och månad."
            ) from None
        weekday = _lookup(g["wd"], _WEEKDAYS) if g["wd"] else None
        item = _Item(line, quoted, day, month, year, weekday, cancelled=bool(prefix["strike"]))

        nxt = _CHAIN.search(text, m.end())
        rest = text[m.end() : nxt.start() if nxt else len(text)]
        bare = _BARE_TIME.match(rest)
        if bare:
            item.start = _time(bare["h"], bare["m"], bare.group().strip(" ,:|–—-"), line)
            rest = rest[bare.end() :]
        elif kl := _KL_TIME.search(rest):
            item.start = _time(kl["h"], kl["m"], kl.group(), line)
            rest = f"{rest[: kl.start()]} {rest[kl.end() :]}"
        item.parts.append(rest)
        items.append(item)
        m = _ITEM.match(text, nxt.end()) if nxt else None
    return items


def _balanced(note: str) -> str:
    """``note`` without brackets left unmatched, e.g. by taking out a cancellation:
    ``(Inställt, ersätts av 10 februari)`` leaves ``, ersätts av 10 februari)``."""
    pairs, stack, unmatched = {")": "(", "]": "["}, [], set()
    for i, ch in enumerate(note):
        if ch in "([":
            stack.append(i)
        elif ch in pairs:
            if stack and note[stack[-1]] == pairs[ch]:
                stack.pop()
            else:
                unmatched.add(i)
    unmatched.update(stack)
    return "".join(" " if i in unmatched else ch for i, ch in enumerate(note))


def _finish_note(item: _Item) -> str | None:
    """Join the note's parts; take out cancellation words, stray brackets and punctuation."""
    note = ""
    for part in item.parts:
        part = " ".join(part.replace("~~", " ").replace("|", " ").split())
        if (
            note.endswith("-")
            and len(note) > 1
            and note[-2].isalpha()
            and part[:1].islower()
            and not re.match(r"(?:och|eller|samt)\b", part)
        ):
            note = note[:-1] + part  # "bud-" + "get" (but not "barn-" + "och")
        else:
            note = f"{note} {part}"
    note, n = _CANCEL.subn(" ", note.strip())
    item.cancelled = item.cancelled or n > 0
    note = _balanced(re.sub(r"\(\s*\)|\[\s*\]", " ", note))
    note = re.sub(r"\(\s*\)|\[\s*\]", " ", note)
    note = " ".join(note.split()).strip(" ,;:.–—-*_")
    if note.startswith("(") and note.endswith(")") and note.count("(") == 1 and note.count(")") == 1:
        note = note[1:-1].strip()
    return note or None


def _is_continuation(raw: str) -> bool:
    """An indented line, or one starting with a lower-case letter."""
    stripped = raw.lstrip()
    first = stripped[:1]
    return bool(first) and (first.islower() or (raw[0].isspace() and (first.isalpha() or first == "(")))


# --------------------------------------------------------------------------
# Lines meant as meetings that can't be read


def _distance(a: str, b: str) -> int:
    """Edit distance, a swap of two neighbouring letters counting as one edit."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def _month_like(word: str) -> bool:
    """A month as written, or misspelt: ``augsti``, ``febuari``, ``marsch``."""
    word = word.lower().rstrip(".")
    if word in _MONTHS:
        return True
    if len(word) < 4:
        return False
    return any(_distance(word, month) <= (1 if len(word) <= 5 else 2) for month in MANADER)


def _weekday_like(word: str) -> bool:
    """A weekday as written, or misspelt: ``Tidsag``, ``onsdgen``."""
    word = word.lower().rstrip(".")
    if word in _WEEKDAYS or (word.endswith("dagen") and word[:-2] in _WEEKDAYS):
        return True
    return len(word) >= 5 and any(
        _distance(word, name) <= 1 or _distance(word, name + "en") <= 1 for name in VECKODAGAR
    )


_WORD = r"[^\W\d_]+"
_FIRST_WORD = re.compile(rf"({_WORD})\.?,?(?=\s|$)")
# "25 augsti", "1S mars", "15. marsch", "den 25augsti": a day number (perhaps mistyped) and a word.
_DAY_WORD = re.compile(rf"(?:den\s+)?(?P<day>[^\W_]{{1,3}})(?::?e|:a)?\.?\s*(?P<word>{_WORD})", re.I)
_GLUED = re.compile(rf"(?:den\s+)?[0-9]{{1,2}}(?P<word>{_WORD})", re.I)
# "Augusti 25"
_WORD_DAY = re.compile(rf"(?P<word>{_WORD})\.?\s+(?:den\s+)?[0-9]{{1,2}}(?![0-9])", re.I)
# "Extra möte 22 september", "Extrainsatt sammanträde: 22 sept"
_MEETING_WORDS = re.compile(
    r"(?:(?:extra|extrainsatt|extrainsatta|ordinarie|nytt|ytterligare)\s+)?"
    r"[^\W\d_]*(?:sammanträde|möte)[nt]?\s*[:,–—-]?\s*",
    re.I,
)
_DAY_KL = re.compile(r"[0-9]\S*\s+(?:\S+\s+)?(?:kl|klockan)\b\.?\s*[0-9]", re.I)  # "25.8 kl. 18"
_DOTTED_DATE = re.compile(r"[0-9]{1,2}\.[0-9]{1,2}\.(?:[0-9]{2}|[0-9]{4})(?![0-9])")


def _day_and_month(text: str, pos: int) -> bool:
    """A day number next to a month-like word at ``pos``."""
    if (m := _DAY_WORD.match(text, pos)) and re.search("[0-9]", m["day"]) and _month_like(m["word"]):
        return True
    if (m := _GLUED.match(text, pos)) and _month_like(m["word"]):
        return True
    return bool((m := _WORD_DAY.match(text, pos)) and _month_like(m["word"]))


def _meeting_like(raw: str, *, clock: bool = True) -> bool:
    """Whether a line that :func:`_read_line` could not read looks meant as a meeting:
    a day number next to a (perhaps misspelt) month, a weekday with a number or a
    month after it, a meeting word with a date, or (``clock``) a ``kl.`` time."""
    pos = _after_prefix(raw)
    text = raw[pos:].rstrip()
    if not text:
        return False
    if _day_and_month(text, 0) or _DOTTED_DATE.match(text):
        return True
    if (first := _FIRST_WORD.match(text)) and _weekday_like(first[1]):
        rest = text[first.end() :]
        return bool(re.search("[0-9]", rest)) or any(_month_like(w) for w in re.findall(_WORD, rest))
    if (words := _MEETING_WORDS.match(text)) and words.end() < len(text) and _day_and_month(text, words.end()):
        return True
    if clock:  # "kl. 18.30" alone, "25.8 kl. 18"
        return bool(_KL_START.match(text) or _DAY_KL.match(text))
    return False


def _unreadable(raw: str, line: int) -> ScheduleError:
    text = raw[_after_prefix(raw) :]
    return ScheduleError(
        f"Rad {line}: ”{_quote(text)}” går inte att läsa som ett datum.",
        line,
        hint="Skriv datumet som t.ex. ”tisdag den 11 februari” eller 2020-02-11.",
    )

"""Reading a committee's meeting schedule ("sammanträdestider") from plain text.

Text in, dataclasses out: no I/O, no database.  :func:`parse_schedule` takes a
protocol (e.g. extracted from PDF) or a web page saved as text and returns the
meetings the committee decided.

How the schedule is found
-------------------------
* **Heading mode.**  A heading such as ``Sammanträdestider 2020``,
  ``Sammanträdesdagar 2021``, ``Sammanträden under 2022``, ``2021 års
  sammanträden``, ``Mötesdatum``, ``Datum för nämndens sammanträden`` or a
  sentence ``… sammanträder (klockan 18.30) följande datum:`` starts a search
  for the block: up to eight non-blank prose lines may lie between the
  heading and the first meeting line (a ``§`` line stops the search).  The
  block then runs over meeting lines, blank lines, bare month/season lines
  (``Februari``, ``Hösten 2021``) and continuation lines, and ends at the
  first line that is none of these.  Only such blocks are read, so other
  dates in a protocol are never taken for meetings.  A line in a block that
  looks meant as a meeting but can't be read (``25 augsti``, ``1S mars``,
  ``15 marsch``, ``Extra möte 22 september``, ``Tidsag den 25 augusti``,
  ``25.8 kl. 16``) is an error, not the block's end: the meetings below it
  would be lost, and an import would cancel them.  So is such a line just
  above the block, and a block cut short: when the line that ended it is no
  prose (fewer than four words, no heading, no ``§``) and the next line
  (month and season lines aside) is a meeting line again, e.g.
  ``Sommaruppehåll`` between June and August.
* **List mode.**  When no heading leads to a block, every run of meeting
  lines in the text is read (a web page copied as text); a meeting line
  after an interruption starts a list of its own, but an unreadable one is
  an error here too.

A *meeting line* starts (after bullets ``• - – — * · `` etc., and an
optional ``~~`` strike-through) with an optional weekday, an optional
``den`` and a date, e.g. ``Tisdag den 11 februari``, ``mån 13 jan.``,
``8 FEBRUARI 2021``, ``den 2:a mars``, ``2021-03-02`` or ``2/3``.  Weekdays
may be written in full, definite (``tisdagen``), without diacritics
(``mandag``) or abbreviated (``tis``, ``tors``, ``ti``); months in full or
abbreviated (``feb``, ``febr.``, ``sept.``), in any letter case.  Numeric
``dag/månad`` is read only when a weekday precedes it or a time, punctuation
or the end of the line follows it (so ``3/4 av ledamöterna`` is no date);
``dd.mm`` is never read (it would clash with times) and ``2019-0583`` or
``AMN 2019-0583-1.1.1`` are no dates.  Several dates on one line separated
by commas, semicolons, ``och`` or ``samt`` are several meetings; so are the
dates after the colon of a heading line (``Sammanträden 2021: 8 februari,
15 mars``).

After the date come an optional year, an optional time (``kl. 16:00``,
``kl 9``, ``klockan 18.30``, ``kl. 18,30``, ``18.30``, ``13-15`` - a range
gives its start; a ``kl.`` time may also stand later in the line, or start
the next line when the meeting line has none), the business or a
note (``Verksamhetsberättelse 2019``, ``(val)``) and cancellation words
(``– mötet är inställt``, ``, inställt``, ``(INSTÄLLT)``; a struck-through
``~~2 mars~~`` is cancelled too; ``Inställt sammanträde`` leaves no note,
and brackets a cancellation leaves unmatched are dropped).  A line right
after a meeting line that is indented, or starts with a lower-case letter,
continues that meeting's note.

Years
-----
The ``year`` argument wins; otherwise the year of the block's heading, of
any heading in the text, or the first year written in a date.  Dates without
a year take the running year; a date whose month lies six or more months
*before* the previous one (December followed by January, as in
``Sammanträdestider 2020/2021``) moves to the next year, and a line such as
``Våren 2021`` sets the year (unless ``year`` is given).  Dates written
with a year keep it.

A default time is read from the lines between the heading and the block
(``Samtliga sammanträden är, där inget annat anges, kl. 16:00``), or in list
mode from the three lines before the list, when a ``kl.``/``klockan`` time
there stands near the word *sammanträde* or *möte*.  It applies to the
meetings of its block that state no time of their own;
``Schedule.default_start`` is that time when the text states one (``None``
when blocks state different ones).

Line numbers are 1-based and count ``\\n``, ``\\r\\n`` and ``\\r`` as line
breaks (not form feeds).  Any unreadable meeting line, impossible date,
wrong weekday, impossible time or duplicated date raises
:class:`ScheduleError` naming its line, and nothing is returned.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, time

from namndbot.domain.dates import FIRST_YEAR, LAST_YEAR, MANADER, VECKODAGAR, svensk_datum
from namndbot.domain.errors import NamndbotError

__all__ = ["ScheduleError", "ScheduledMeeting", "Schedule", "parse_schedule"]


class ScheduleError(NamndbotError):
    """The schedule text can't be read.

    ``line`` is the 1-based line the error is about, or ``None`` when it is
    about the whole text.  Messages about a line start with ``Rad N:``.
    """

    def __init__(self, message: str, line: int | None = None, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.line = line


@dataclass(frozen=True, slots=True)
class ScheduledMeeting:
    date: date
    start: time | None
    note: str | None
    cancelled: bool
    line: int
    location: str | None = None  # "i Sessionssalen, Stadshuset" written on the meeting's line


# A place at the start of the note or after a separator: "i Sessionssalen, Stadshuset",
# "Budget – i Kommunhuset". The place is a name: it starts with a capital letter.
_PLACE = re.compile(r"(?:^|[,;–—-]\s*|\s[–—-]\s*)\bi\s+(?P<plats>[A-ZÅÄÖ][^()\[\];]*)$")


def split_place(note: str | None) -> tuple[str | None, str | None]:
    """``(note, place)``: a note's place taken out (``"Budget, i Sessionssalen"`` → ``("Budget",
    "Sessionssalen")``)."""
    if not note:
        return note, None
    m = _PLACE.search(note)
    if not m:
        return note, None
    place = m.group("plats").strip(" ,.;")
    rest = note[: m.start()].strip(" ,;:.–—-")
    return rest or None, place or None


@dataclass(frozen=True, slots=True)
class Schedule:
    year: int
    default_start: time | None
    meetings: tuple[ScheduledMeeting, ...]


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

_HEADING = re.compile(
    rf"""
      sammantr[äa]des(?:tider|dagar|datum|plan|kalender|lista){_NOT_LETTER}
    | sammantr[äa]den\s+(?:(?:under|för|år|i|våren|hösten|läsåret|verksamhetsåret)\s+)*
      {_YEAR}(?![0-9])
    | sammantr[äa]der\b[^\n]{{0,80}}?\b(?:följande|nedanstående|dessa)\b
    | mötes(?:tider|dagar|datum|plan){_NOT_LETTER}
    | (?:nämndm|m)öten\s+(?:(?:under|för|år|våren|hösten)\s+)*{_YEAR}(?![0-9])
    | (?:datum|tider|dagar)\s+för\s+(?:[^\W\d_]+\s+){{0,2}}(?:sammanträden|möten){_NOT_LETTER}
""",
    re.I | re.X,
)
_HEADING_YEAR = re.compile(rf"(?<![0-9-])({_YEAR})(?:\s*[/–—-]\s*(?:{_YEAR}|[0-9]{{2}}))?(?![0-9-])")
_YEAR_BEFORE = re.compile(rf"({_YEAR})\s+års\s+$", re.I)
_HEADING_LIST = re.compile(rf":\s*(?={_ITEM_SRC})", re.I | re.X)  # "Sammanträden 2021: 8 februari"
_DEFAULT_CONTEXT = re.compile(r"sammantr[äa]d|möte", re.I)

_BLANKISH = re.compile(r"[\t\x0b\x0c\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")

_MAX_PREAMBLE = 8  # non-blank prose lines allowed between a heading and its list
_LIST_PREAMBLE = 3  # lines before a heading-less list searched for a default time


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


def _is_prose(text: str) -> bool:
    """A line that shows the text has moved on from the schedule: a sentence,
    a § line or a heading."""
    text = text.strip()
    return len(re.findall(_WORD, text)) >= 4 or text.startswith("§") or _HEADING.search(text) is not None


# --------------------------------------------------------------------------
# Blocks


@dataclass(slots=True)
class _Block:
    start: int  # 0-based index of the first meeting line
    end: int  # index of the first line after the block
    items: list[_Item]
    year: int | None = None
    default: time | None = None


def _read_block(lines: list[str], start: int, first: list[_Item], *, list_mode: bool = False) -> _Block:
    """The block of meeting lines from line ``start`` (whose meetings are ``first``).

    A line inside the block that looks meant as a meeting but can't be read
    raises rather than ending the block: the meetings after it would be lost
    (and an import would cancel them).
    """
    items = list(first)
    j, can_continue, year_hint = start + 1, True, None
    while j < len(lines):
        raw = lines[j]
        if raw.strip():
            if (got := _read_line(raw, j + 1)) is not None:
                if year_hint is not None:
                    got[0].year_hint, year_hint = year_hint, None
                items += got
                can_continue = True
            elif neutral := _NEUTRAL.fullmatch(raw.strip()):
                if neutral["y"]:
                    year_hint = int(neutral["y"])
                can_continue = False
            elif can_continue and _KL_START.match(raw, _after_prefix(raw)):
                _continued_time(items[-1], raw, j + 1)  # "8 februari" / "kl. 18.30"
            elif _meeting_like(raw):
                raise _unreadable(raw, j + 1)
            elif can_continue and _is_continuation(raw):
                items[-1].parts.append(raw)
            else:
                break
        j += 1
    _check_after(lines, j, list_mode=list_mode)
    return _Block(start, j, items)


def _continued_time(item: _Item, raw: str, line: int) -> None:
    """A line starting with a time continues the meeting above: its time, if it has none yet."""
    kl = _KL_TIME.search(raw)
    if item.start is not None or kl is None:
        item.parts.append(raw)
        return
    item.start = _time(kl["h"], kl["m"], kl.group(), line)
    item.parts.append(raw[kl.end() :])


def _check_after(lines: list[str], end: int, *, list_mode: bool) -> None:
    """Raise if the line that ended a block (``end``) only interrupts it.

    Unless that line is prose (the text has clearly moved on), the next non-blank
    line (month and season lines aside) must not look like a meeting: an unreadable
    one is named; a readable one means the block was cut short, and names the line
    that cut it (in list mode it starts a block of its own instead).
    """
    if end >= len(lines) or _is_prose(lines[end]):
        return
    for j in range(end + 1, len(lines)):
        raw = lines[j]
        if not raw.strip() or _NEUTRAL.fullmatch(raw.strip()):
            continue
        if _read_line(raw, j + 1) is not None:
            if list_mode:
                return
            text = lines[end][_after_prefix(lines[end]) :]
            raise ScheduleError(
                f"Rad {end + 1}: ”{_quote(text)}” står mitt i listan med sammanträden,"
                f" men fler datum följer på rad {j + 1}.",
                end + 1,
                hint="Ta bort raden, eller skriv den inom parentes efter ett datum.",
            )
        if _meeting_like(raw):
            raise _unreadable(raw, j + 1)
        return


def _check_before(lines: list[str], lo: int, start: int) -> None:
    """Raise if the last non-blank line in ``lo..start-1`` (just above a block) is a
    meeting line that can't be read: otherwise its meeting would be lost."""
    for i in range(start - 1, lo - 1, -1):
        if lines[i].strip():
            if _meeting_like(lines[i], clock=False):
                raise _unreadable(lines[i], i + 1)
            return


def _preceding_year(lines: list[str], lo: int, start: int) -> int | None:
    """The year of the last ``Våren 2021``-style line in lines ``lo..start-1``."""
    for i in range(start - 1, lo - 1, -1):
        if lines[i].strip() and (neutral := _NEUTRAL.fullmatch(lines[i].strip())) and neutral["y"]:
            return int(neutral["y"])
    return None


def _joined(lines: list[str], lo: int, hi: int, cut: int | None = None) -> tuple[str, list[tuple[int, int]]]:
    """Lines ``lo..hi-1`` as one text, hyphenated words mended, with (offset, line) marks.

    ``cut`` keeps only the first characters of line ``lo``.
    """
    text, marks = "", []
    for i in range(lo, hi):
        part = (lines[i][:cut] if i == lo and cut is not None else lines[i]).strip()
        if not part:
            continue
        if (
            text.endswith("-")
            and len(text) > 1
            and text[-2].isalpha()
            and part[:1].islower()
            and not re.match(r"(?:och|eller|samt)\b", part)
        ):
            text = text[:-1]
        elif text:
            text += " "
        marks.append((len(text), i + 1))
        text += part
    return text, marks


def _default_time(lines: list[str], lo: int, hi: int, cut: int | None = None) -> time | None:
    """A ``kl.`` time stated near the word sammanträde/möte in lines ``lo..hi-1``
    (of line ``lo`` only the first ``cut`` characters, if given)."""
    text, marks = _joined(lines, lo, hi, cut)
    for kl in _KL_TIME.finditer(text):
        if _DEFAULT_CONTEXT.search(text, max(0, kl.start() - 120), kl.start()):
            line = max(ln for off, ln in marks if off <= kl.start())
            return _time(kl["h"], kl["m"], kl.group(), line)
    return None


def _headings(lines: list[str], meeting_lines: set[int]) -> list[tuple[int, int | None, int | None]]:
    """``(index, year, colon)`` for each heading line; ``colon`` is where a list
    of dates starts on the heading line itself, if it does."""
    found = []
    nonblank = [i for i, raw in enumerate(lines) if raw.strip()]
    for k, i in enumerate(nonblank):
        if i in meeting_lines:
            continue
        own = lines[i].rstrip()
        nxt = lines[nonblank[k + 1]].strip() if k + 1 < len(nonblank) else ""
        if own.endswith("-") and len(own) > 1 and own[-2].isalpha() and nxt[:1].islower():
            text = own[:-1] + nxt
        else:
            text = f"{own} {nxt}"
        h = _HEADING.search(text)
        if h is None or h.start() >= len(own):
            continue
        before = _YEAR_BEFORE.search(text, 0, h.start())
        after = _HEADING_YEAR.search(text, h.start(), h.end() + 60)
        year = int(before[1]) if before else int(after[1]) if after else None
        colon = _HEADING_LIST.search(own, h.end())
        found.append((i, year, colon.start() + 1 if colon else None))
    return found


def _find_blocks(lines: list[str]) -> tuple[list[_Block], int | None]:
    """The schedule blocks, and the year of the first heading in the text."""
    first_items: dict[int, list[_Item] | None] = {}

    def items_at(i: int) -> list[_Item] | None:
        if i not in first_items:
            first_items[i] = _read_line(lines[i], i + 1) if lines[i].strip() else None
        return first_items[i]

    # Headings are prose lines: find them without raising on broken meeting lines.
    meeting_lines = {i for i, raw in enumerate(lines) if _ITEM.match(raw, _after_prefix(raw))}
    headings = _headings(lines, meeting_lines)
    any_year = next((y for _, y, _ in headings if y is not None), None)

    blocks: list[_Block] = []
    covered = 0
    for k, (h, _, colon) in enumerate(headings):
        if h < covered:
            continue
        if colon is not None:  # "Sammanträden 2021: 8 februari, 15 mars"
            start, first = h, _read_line(lines[h], h + 1, colon)
            if not first:
                continue
            block = _read_block(lines, start, first)
        else:
            start, prose = h + 1, 0
            while start < len(lines) and prose < _MAX_PREAMBLE:
                if lines[start].strip():
                    if items_at(start):
                        break
                    if lines[start].lstrip().startswith("§"):
                        start = len(lines)
                        break
                    prose += 1
                start += 1
            if start >= len(lines) or prose >= _MAX_PREAMBLE or not items_at(start):
                continue
            _check_before(lines, h + 1, start)
            first = items_at(start)
            assert first is not None  # checked just above
            block = _read_block(lines, start, first)
        # the year of the heading nearest the list (headings in its preamble included)
        years = [y for i, y, _ in headings[k:] if i <= start and y]  # headings are in line order
        block.year = years[-1] if years else None
        # a heading with its own list of dates: only its words before the list
        block.default = _default_time(lines, h, max(start, h + 1), colon)
        if block.items[0].year_hint is None:
            block.items[0].year_hint = _preceding_year(lines, h + 1, start)
        blocks.append(block)
        covered = block.end

    if not blocks:  # no heading leads to a list: read every list of meeting lines
        i = 0
        while i < len(lines):
            got = items_at(i)
            if got:
                lo, seen = i, 0
                while lo > covered and seen < _LIST_PREAMBLE:
                    lo -= 1
                    seen += bool(lines[lo].strip())
                _check_before(lines, covered, i)
                block = _read_block(lines, i, got, list_mode=True)
                block.default = _default_time(lines, lo, i)
                block.items[0].year_hint = _preceding_year(lines, lo, i)
                blocks.append(block)
                covered = i = block.end
            else:
                i += 1
    return blocks, any_year


# --------------------------------------------------------------------------
# The whole text


def _split_lines(text: str) -> list[str]:
    lines = re.split(r"\r\n|\r|\n", text)
    return [_INVISIBLE.sub("", _BLANKISH.sub(" ", unicodedata.normalize("NFC", ln))) for ln in lines]


def parse_schedule(text: str, *, year: int | None = None) -> Schedule:
    """Read the meetings of a committee's schedule from ``text``.

    ``year`` (if given) is the year of dates written without one, and wins
    over a year in the heading.  Raises :class:`ScheduleError` (with
    ``.line`` set when one line is to blame) if the text holds no schedule,
    if its year can't be told, or if any meeting line can't be read.
    """
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise ScheduleError(f"Året {year} går inte att använda.", hint="Ange ett år som 2020.")
    lines = _split_lines(text)
    blocks, any_year = _find_blocks(lines)
    if not any(block.items for block in blocks):
        raise ScheduleError(
            "Texten innehåller inga sammanträdestider.",
            hint="Klistra in listan med datum, t.ex. ”Tisdag den 11 februari kl. 16.00”.",
        )

    meetings: list[ScheduledMeeting] = []
    schedule_year = year
    for block in blocks:
        explicit = next((it.year for it in block.items if it.year is not None), None)
        current = year or block.year or any_year or explicit
        schedule_year = schedule_year or current
        previous_month = None
        for item in block.items:
            if item.year_hint is not None and year is None:
                current, previous_month = item.year_hint, None
            if item.year is not None:
                current = item.year
            elif current is None:
                raise ScheduleError(
                    "Året framgår inte av texten; ange det med --year.",
                    hint="Eller skriv året i rubriken, t.ex. ”Sammanträdestider 2020”.",
                )
            elif previous_month is not None and previous_month - item.month >= 6:
                current += 1  # December followed by January
            previous_month = item.month
            schedule_year = schedule_year or current  # only a "Våren 2021" line told the year
            try:
                if not FIRST_YEAR <= current <= LAST_YEAR:
                    raise ValueError(current)
                day = date(current, item.month, item.day)
            except ValueError:
                raise ScheduleError(
                    f"Rad {item.line}: ”{_quote(item.quoted)}” är inget giltigt datum år {current}.", item.line
                ) from None
            if item.weekday is not None and item.weekday != day.weekday():
                raise ScheduleError(
                    f"Rad {item.line}: {svensk_datum(day, weekday=False)} är en {VECKODAGAR[day.weekday()]},"
                    f" inte en {VECKODAGAR[item.weekday]}.",
                    item.line,
                    hint="Kontrollera datumet och veckodagen.",
                )
            start = block.default if item.start is None else item.start
            note, place = split_place(_finish_note(item))
            meetings.append(ScheduledMeeting(day, start, note, item.cancelled, item.line, place))

    first_line: dict[date, int] = {}
    for meeting in sorted(meetings, key=lambda mt: mt.line):
        if meeting.date in first_line:
            raise ScheduleError(
                f"Rad {meeting.line}: {svensk_datum(meeting.date, weekday=False)} står redan på"
                f" rad {first_line[meeting.date]}.",
                meeting.line,
                hint="Ta bort den ena raden.",
            )
        first_line[meeting.date] = meeting.line

    defaults = {block.default for block in blocks if block.default is not None}
    assert schedule_year is not None  # every block has a meeting, whose year was found (or raised)
    return Schedule(
        schedule_year, defaults.pop() if len(defaults) == 1 else None, tuple(sorted(meetings, key=lambda mt: mt.date))
    )

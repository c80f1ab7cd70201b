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

from namndbot.domain.dates import FIRST_YEAR, LAST_YEAR, VECKODAGAR, svensk_datum

from .schedule_heading import SPRING, _headings, _is_prose, seasons_in
from .schedule_lines import (
    _ITEM,
    _KL_START,
    _KL_TIME,
    _NEUTRAL,
    ScheduleError,
    _after_prefix,
    _finish_note,
    _is_continuation,
    _Item,
    _meeting_like,
    _quote,
    _read_line,
    _time,
    _unreadable,
)

__all__ = ["ScheduleError", "ScheduledMeeting", "Schedule", "parse_schedule"]


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
    """``first``..``last`` is the period the text covers: the half-years it names
    ("våren 2027", a "Hösten 2021" line), widened to its first and last dates;
    ``committee`` is the committee its heading names, as written, if any."""

    year: int
    default_start: time | None
    meetings: tuple[ScheduledMeeting, ...]
    first: date
    last: date
    committee: str | None = None


_DEFAULT_CONTEXT = re.compile(r"sammantr[äa]d|möte", re.I)

_BLANKISH = re.compile(r"[\t\x0b\x0c\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")

_MAX_PREAMBLE = 8  # non-blank prose lines allowed between a heading and its list
_LIST_PREAMBLE = 3  # lines before a heading-less list searched for a default time

# --------------------------------------------------------------------------
# Blocks


@dataclass(slots=True)
class _Block:
    start: int  # 0-based index of the first meeting line
    end: int  # index of the first line after the block
    items: list[_Item]
    year: int | None = None
    default: time | None = None
    seasons: list[tuple[int, str, int | None]] = field(default_factory=list)  # (line, "vår"/"höst", year)
    committees: list[str] = field(default_factory=list)  # named by its headings


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


def _season_lines(lines: list[str], lo: int, block: _Block) -> None:
    """Add the half-years named by lines such as ``Våren 2021`` or ``Hösten`` in
    lines ``lo..block.end-1`` to ``block.seasons``."""
    for i in range(lo, block.end):
        text = lines[i].strip()
        if text and _NEUTRAL.fullmatch(text):
            block.seasons += [(i + 1, season, y) for season, y in seasons_in(text)]


def _period(block: _Block, meetings: list[ScheduledMeeting]) -> list[date]:
    """The first and last days of the half-years a block names (a half-year
    without a year takes that of the first meeting below its line)."""
    days = []
    for line, season, year in block.seasons:
        if year is None:
            below = [m.date.year for m in meetings if m.line > line]
            year = below[0] if below else meetings[-1].date.year
        if FIRST_YEAR <= year <= LAST_YEAR:
            days += (
                [date(year, 1, 1), date(year, 6, 30)] if season == SPRING else [date(year, 7, 1), date(year, 12, 31)]
            )
    return days


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
    any_year = next((hd.year for hd in headings if hd.year is not None), None)

    blocks: list[_Block] = []
    covered = 0
    for k, heading in enumerate(headings):
        h, colon = heading.index, heading.colon
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
        own = [hd for hd in headings[k:] if hd.index <= start]  # headings are in line order
        years = [hd.year for hd in own if hd.year]
        block.committees = [hd.committee for hd in own if hd.committee]
        block.seasons = [(hd.index + 1, season, y) for hd in own for season, y in hd.seasons]
        _season_lines(lines, h + 1, block)
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
                _season_lines(lines, lo, block)
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
    covered: list[date] = []
    schedule_year = year
    for block in blocks:
        first_of_block = len(meetings)
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
        covered += _period(block, meetings[first_of_block:])

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

    # A text that names its half-years ("Sammanträdestider våren 2027") covers those: a date outside
    # them is a mistake (it would stretch the period and cancel the meetings in between), not news.
    halves = list(zip(covered[::2], covered[1::2], strict=True))
    for meeting in sorted(meetings, key=lambda mt: mt.line) if halves else ():
        if not any(a <= meeting.date <= b for a, b in halves):
            periods = " och ".join(
                f"{svensk_datum(a, weekday=False)}–{svensk_datum(b, weekday=False)}" for a, b in halves
            )
            raise ScheduleError(
                f"Rad {meeting.line}: {svensk_datum(meeting.date, weekday=False)} ligger utanför det halvår texten "
                f"gäller ({periods}).",
                meeting.line,
                hint="Rätta datumet, eller rubriken (”Sammanträdestider 2027”) om texten gäller hela året.",
            )

    defaults = {block.default for block in blocks if block.default is not None}
    assert schedule_year is not None  # every block has a meeting, whose year was found (or raised)
    covered += [m.date for m in meetings]
    named = [name for block in blocks for name in block.committees]
    return Schedule(
        schedule_year,
        defaults.pop() if len(defaults) == 1 else None,
        tuple(sorted(meetings, key=lambda mt: mt.date)),
        first=min(covered),
        last=max(covered),
        committee=named[0] if named else None,
    )

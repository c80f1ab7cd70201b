"""Questions, the proposal, and who signed (or attested) the answer."""

from __future__ import annotations

import re
from datetime import date

from .authors import _NAME_TOKEN, _PARTICLES
from .dnr import _ISO_DATE, _first_date
from .text import _MARKER, _ends_sentence, _join_lines, _norm

_INTRO = re.compile(r"fråg|föresl|besluta|yrka|önska|ombeds|undrar|vill att|hemställ", re.I)
_ATT = re.compile(r"att\s", re.I)


def _items(lines: list[str], ends: list[int], start: int) -> tuple[list[str], int]:
    """The list that starts at ``lines[start]`` (just after its intro): its items
    and the index where it stops.  ``ends[i]`` is where line i's paragraph ends.

    Marked lists ("- ", a glyph, "1.") run while items follow; an item may wrap
    over lines, even over a blank line.  Where the PDF lost the glyphs, each
    line or paragraph that starts with "att", and each paragraph that ends in
    "?", is an item.
    """
    items: list[list[str]] = []
    marked = None
    i = start
    while i < len(lines):
        if not lines[i]:
            i += 1
            continue
        end, first = ends[i], lines[i]
        if marked is None:
            marked = bool(_MARKER.match(first))
        tail = first[:1].islower() or (end - i == 1 and len(first.split()) <= 3 and _ends_sentence(first))
        if items and tail and not _ends_sentence(items[-1][-1]) and not _MARKER.match(first):
            items[-1] += lines[i:end]  # an item broken by a blank line
        elif marked and _MARKER.match(first):
            for line in lines[i:end]:
                if m := _MARKER.match(line):
                    items.append([line[m.end() :]])
                else:
                    items[-1].append(line)
        elif not marked and (_ATT.match(first) or lines[end - 1].endswith("?")):
            for j in range(i, end):
                if j == i or _ATT.match(lines[j]):
                    items.append([lines[j]])
                else:
                    items[-1].append(lines[j])
        else:
            break
        i = end
    return [_norm(_join_lines(item)) for item in items], i


def _questions(lines: list[str]) -> list[str]:
    """Items of every list introduced by "… följande frågor:" and the like."""
    ends = [0] * len(lines)
    end = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        end = i if not lines[i] else end
        ends[i] = end
    found: list[str] = []
    recent: list[str] = []  # the intro's last lines
    i = 0
    while i < len(lines):
        line = lines[i]
        recent = recent[-2:] + [line] if line else []
        i += 1
        if line.endswith(":") and _INTRO.search(" ".join(recent)):
            items, i = _items(lines, ends, i)
            found += items
            recent = []
    return [q for q in found if q]


def _proposal(lines: list[str]) -> tuple[str | None, list[str]]:
    """Förvaltningens förslag: its points joined by "\\n", and the lines after it."""
    points: list[list[str]] = []
    blank = False
    for i, line in enumerate(lines):
        if not line:
            blank = True
            continue
        if m := _MARKER.match(line):
            points.append([line[m.end() :]])
        elif not points:
            points.append([line])
        elif blank and _ends_sentence(points[-1][-1]):
            return _points(points), lines[i:]
        else:
            points[-1].append(line)
        blank = False
    return _points(points), []


def _points(points: list[list[str]]) -> str | None:
    text = "\n".join(_norm(_join_lines(p)) for p in points if any(p))
    return text or None


_TITLE_WORD = re.compile(r"[a-zåäöéü][\w./-]*")


def _signers(lines: list[str]) -> list[str]:
    """Names in a signature block: name and title words, in any layout.

    "Arjun Bakshi / arbetsmarknadsdirektör Karin Eriksson Bech / utvecklingschef"
    gives two names.  Two names on one line ("Karina Uddén Karin Eriksson-Bech")
    are split in two when the block has more titles than names.
    """
    runs: list[list[str]] = []
    titles = 0
    for line in lines:
        if not line or re.fullmatch(r"_+", line):
            continue
        tokens = line.split()
        if len(tokens) > 10 or not all(_NAME_TOKEN.fullmatch(t) or _TITLE_WORD.fullmatch(t) for t in tokens):
            break
        run: list[str] = []
        padded = [*tokens, "", ""]
        for i, tok in enumerate(padded[:-1]):
            particle = bool(run) and tok in _PARTICLES and bool(_NAME_TOKEN.fullmatch(padded[i + 1]))
            if tok and (_NAME_TOKEN.fullmatch(tok) or particle):
                run.append(tok)
                continue
            if 2 <= len(run) <= 6:
                runs.append(run)
            run = []
            titles += bool(tok)
    names: list[str] = []
    for run in runs:
        if len(run) == 4 and titles > len(runs):
            names += [" ".join(run[:2]), " ".join(run[2:])]
        elif len(run) <= 4:
            names.append(" ".join(run))
    return names


def _attest(lines: list[str]) -> tuple[list[str], list[date]]:
    """Names and dates from an "Attesterat av" table: "Karina Uddén, direktör 2021-03-24"."""
    names: list[str] = []
    dates: list[date] = []
    for line in lines:
        m = _ISO_DATE.search(line)
        day = _first_date(m[0]) if m else None
        if m is None or not day:
            continue
        dates.append(day)
        who = line[: m.start()].split(",")[0]
        tokens: list[str] = []
        for tok in who.split():
            if not (_NAME_TOKEN.fullmatch(tok) or (tokens and tok in _PARTICLES)):
                break
            tokens.append(tok)
        if 2 <= len(tokens) <= 5:
            names.append(" ".join(tokens))
    return names, dates

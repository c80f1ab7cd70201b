"""Paragraph ranges as bit masks, and the protocol's own paragraph numbers.

Paragraph ``p`` (1-based) is bit ``p - 1``. A meeting without numbered
paragraphs is one unit: one paragraph. Python's integers make masks of any
length cheap, which is what keeps the turordning engine fast.

The engine counts a meeting's paragraphs from 1 (positions). The protocol
numbers them as the municipality does: from 1 at every meeting, or through
the year (Höör's kommunstyrelse 2018-10-16: §§ 194–219). ``first`` is the
protocol's number of position 1; every function that writes a paragraph takes
it, and :func:`position` is the one way a number typed by a person becomes a
position (an error naming the meeting's range if it is outside).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .errors import RuleError


def span(first: int, last: int) -> int:
    """Mask of paragraphs ``first..last`` inclusive (empty when last < first)."""
    if last < first:
        return 0
    return ((1 << (last - first + 1)) - 1) << (first - 1)


def all_of(paragraphs: int) -> int:
    return (1 << paragraphs) - 1


def bit(p: int) -> int:
    return 1 << (p - 1)


def lowest(mask: int) -> int:
    """The lowest paragraph in a non-empty mask."""
    return (mask & -mask).bit_length()


def run_from(mask: int, p: int) -> int:
    """The contiguous run of ``mask`` that starts at paragraph ``p`` (which must be set)."""
    shifted = mask >> (p - 1)
    length = ((shifted ^ (shifted + 1)).bit_length()) - 1
    return span(p, p + length - 1)


def runs(mask: int) -> Iterator[tuple[int, int]]:
    """The maximal ranges ``(first, last)`` of a mask, in order."""
    while mask:
        p = lowest(mask)
        r = run_from(mask, p)
        yield p, r.bit_length()
        mask &= ~r


def number(p: int, first: int = 1) -> int:
    """The protocol's number of position ``p``."""
    return p + first - 1


def range_text(first: int, count: int) -> str:
    """``§§ 194–219`` (or ``§ 194`` for one paragraph): the house form of a range of the protocol's
    numbers, an en dash between them. Every range namndbot writes is written by this function (the
    Stockholm layout alone writes Stockholm's own ``§11-14``, see :func:`format_mask_stockholm`)."""
    return f"§ {first}" if count == 1 else f"§§ {first}–{first + count - 1}"


def position(value: int, first: int, count: int) -> int:
    """The position of the protocol's § ``value``; a Swedish error naming the range if it is not there."""
    if not first <= value < first + count:
        raise RuleError(f"§ {value} finns inte: sammanträdet har {range_text(first, count)}.")
    return value - first + 1


def format_span(first: int, last: int, *, base: int = 1) -> str:
    """``§ 7`` or ``§§ 11–14``: positions ``first..last`` in the protocol's numbers (``base``: the
    protocol's number of position 1)."""
    return range_text(number(first, base), last - first + 1)


def span_words(first: int, last: int, paragraphs: int | None, *, base: int = 1) -> str:
    """``hela sammanträdet`` when the span is the whole meeting, else ``§ 7`` or ``§§ 11–14``."""
    return "hela sammanträdet" if (first, last) == (1, paragraphs or 1) else format_span(first, last, base=base)


def format_mask(mask: int, *, base: int = 1) -> str:
    """``§§ 1–4, §§ 9–14``: the ranges of a mask, in the protocol's numbers."""
    return ", ".join(format_span(a, b, base=base) for a, b in runs(mask))


def format_numbers(numbers: Iterable[int]) -> str:
    """``§§ 4–5, § 9``: paragraph numbers (the protocol's own), consecutive ones as a range."""
    mask = 0
    for n in numbers:
        mask |= bit(n)
    return format_mask(mask)


def format_mask_stockholm(mask: int, *, base: int = 1) -> str:
    """``§1-4, §9-14``: as Stockholm's protocols write ranges, for the "stockholm" layout only."""
    parts = []
    for a, b in runs(mask):
        x, y = number(a, base), number(b, base)
        parts.append(f"§{x}" if x == y else f"§{x}-{y}")
    return ", ".join(parts)

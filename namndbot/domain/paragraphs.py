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

from collections.abc import Iterator

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
    """``§§ 194–219`` (or ``§ 194`` for a meeting of one paragraph): a meeting's paragraphs."""
    return f"§ {first}" if count == 1 else f"§§ {first}–{first + count - 1}"


def position(value: int, first: int, count: int) -> int:
    """The position of the protocol's § ``value``; a Swedish error naming the range if it is not there."""
    if not first <= value < first + count:
        raise RuleError(f"§ {value} finns inte: sammanträdet har {range_text(first, count)}.")
    return value - first + 1


def format_span(first: int, last: int, *, space: bool = False, base: int = 1) -> str:
    """``§7`` or ``§11-14`` (``§ 7`` with ``space``, as sentences in protocols write it). ``base``: the
    protocol's number of position 1."""
    sign = "§ " if space else "§"
    a, z = number(first, base), number(last, base)
    return f"{sign}{a}" if a == z else f"{sign}{a}-{z}"


def span_words(first: int, last: int, paragraphs: int | None, *, base: int = 1) -> str:
    """``hela sammanträdet`` when the span is the whole meeting, else ``§7`` or ``§11-14``."""
    return "hela sammanträdet" if (first, last) == (1, paragraphs or 1) else format_span(first, last, base=base)


def format_mask(mask: int, *, space: bool = False, base: int = 1) -> str:
    """``§1-4, §9-14``: the ranges of a mask as a protocol writes them."""
    return ", ".join(format_span(a, b, space=space, base=base) for a, b in runs(mask))


def format_mask_dash(mask: int, *, base: int = 1) -> str:
    """``§§ 57–60, § 63``: the ranges of a mask with an en dash, as the "beslutande" layout writes them."""
    return ", ".join(range_text(number(a, base), b - a + 1) for a, b in runs(mask))

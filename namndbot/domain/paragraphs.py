"""Paragraph ranges as bit masks.

Paragraph ``p`` (1-based) is bit ``p - 1``. A meeting without numbered
paragraphs is one unit: one paragraph. Python's integers make masks of any
length cheap, which is what keeps the turordning engine fast.
"""

from __future__ import annotations

from collections.abc import Iterator


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


def format_span(first: int, last: int, *, space: bool = False) -> str:
    """``§7`` or ``§11-14`` (``§ 7`` with ``space``, as sentences in protocols write it)."""
    sign = "§ " if space else "§"
    return f"{sign}{first}" if first == last else f"{sign}{first}-{last}"


def span_words(first: int, last: int, paragraphs: int | None) -> str:
    """``hela sammanträdet`` when the span is the whole meeting, else ``§7`` or ``§11-14``."""
    return "hela sammanträdet" if (first, last) == (1, paragraphs or 1) else format_span(first, last)


def format_mask(mask: int, *, space: bool = False) -> str:
    """``§1-4, §9-14``: the ranges of a mask as a protocol writes them."""
    return ", ".join(format_span(a, b, space=space) for a, b in runs(mask))

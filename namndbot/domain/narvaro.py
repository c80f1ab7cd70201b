"""The protocol's attendance section ("Närvarande" / "Beslutande"), in the committee's layout.

What the section says is worked out once (:mod:`.narvaro_fakta`); each layout is a module that
writes it (:mod:`.narvaro_stockholm`, :mod:`.narvaro_beslutande`), picked by the committee's
``narvaro_layout`` from :data:`LAYOUTS`.
"""

from __future__ import annotations

from collections.abc import Callable

from . import narvaro_beslutande, narvaro_stockholm
from .model import NARVARO_LAYOUTS
from .narvaro_fakta import Fakta, Narvaro, attendance, fakta, forhinder_sentence, jav_sentences, masks
from .turordning import Plan, Situation

LAYOUTS: dict[str, Callable[[Fakta], Narvaro]] = {
    "stockholm": narvaro_stockholm.write,
    "beslutande": narvaro_beslutande.write,
}
assert tuple(LAYOUTS) == NARVARO_LAYOUTS  # the roster file accepts exactly these


def build(situation: Situation, plan: Plan, layout: str | None = None) -> Narvaro:
    """The section for ``plan``, in ``layout`` (default: the committee's own)."""
    chosen = layout or situation.roster.committee.settings.narvaro_layout
    return LAYOUTS[chosen](fakta(situation, plan))


def render_text(narvaro: Narvaro) -> str:
    """The section as plain text: its lines, a blank line, its sentences."""
    lines = list(narvaro.lines)
    if narvaro.sentences:
        lines.append("")
        lines.extend(narvaro.sentences)
    return "\n".join(lines) + "\n"


__all__ = [
    "LAYOUTS",
    "Fakta",
    "Narvaro",
    "attendance",
    "build",
    "fakta",
    "forhinder_sentence",
    "jav_sentences",
    "masks",
    "render_text",
]

"""The "beslutande" layout of the attendance section, as many municipalities write it (Höör,
Hörby, Mark, Mölndal)::

    Beslutande
    Ledamöter
    Stefan Lissmark (M), ordförande
    Karin Lundkvist (S) §§ 194–200
    …
    Tjänstgörande ersättare
    Royne Borgvall (S) ersätter Lennart Wallensäter (S)
    Astrid Lofs (SD) ersätter Mona Olin (SD) §§ 57–60

    Ej tjänstgörande ersättare
    Eva Johansson (S)
    Jenny Ahlberg (S) §§ 57–65

A range is ``§§ A–B`` (an en dash), a single paragraph ``§ A``; someone present for the whole
meeting has no paragraphs after the name.
"""

from __future__ import annotations

from .model import LEDAMOT
from .narvaro_fakta import Fakta, Narvaro
from .paragraphs import format_mask


def write(f: Fakta) -> Narvaro:
    def where(mask: int) -> str:
        return "" if mask == f.everything else f" {format_mask(mask, base=f.base)}"

    lines = ["Beslutande", "Ledamöter"]
    for m, here in f.ledamoter:
        role = f", {m.role}" if m.role != LEDAMOT else ""
        lines.append(f"{m.label}{role}{where(here)}")
    if f.serving:
        lines.append("Tjänstgörande ersättare")
        lines.extend(f"{ers.label} ersätter {seat.label}{where(mask)}" for ers, seat, mask in f.serving)
    if f.ersattare:
        lines.extend(["", "Ej tjänstgörande ersättare"])
        lines.extend(f"{e.label}{where(listed)}" for e, listed in f.ersattare)
    return Narvaro(tuple(lines), f.sentences, f.warnings)

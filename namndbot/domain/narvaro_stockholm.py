"""The "stockholm" layout of the Närvarande section, as Stockholm's protocols write it.

From seed 002 (Arbetsmarknadsnämnden 2019-11-26)::

    Ordförande Fredrik Lindstål (C)
    Vice ordf. Salar Rashid (S)
    Ledamöterna Andrea Ström (M)
    ...
    Tjänstg. ers. Mattias Mårdenfjord (SD) för Martin Westmont (SD)
    Ersättarna Börje Häggman (M)
    ...
    Förhinder hade anmälts av ledamoten Martin Westmont (SD).

Partial presence: ``Stefan Hansson (S) närvarande till §10``, ``Barni Noor
(S) för Stefan Hansson (S) §11-14``, and under Ersättarna a present
ersättare who did not serve the whole meeting: ``Barni Noor (S) §1-10``.
"""

from __future__ import annotations

from .model import ANDRE_VICE_ORDFORANDE, FORSTE_VICE_ORDFORANDE, ORDFORANDE, VICE_ORDFORANDE
from .narvaro_fakta import Fakta, Narvaro
from .paragraphs import format_mask_stockholm, number, runs

ROLE_LABELS = {
    ORDFORANDE: "Ordförande",
    VICE_ORDFORANDE: "Vice ordf.",
    FORSTE_VICE_ORDFORANDE: "1:e vice ordf.",
    ANDRE_VICE_ORDFORANDE: "2:e vice ordf.",
}


def present_suffix(mask: int, n: int, base: int = 1) -> str:
    """``närvarande till §10``, ``närvarande från §5`` or ``närvarande §1-4, §9-14``."""
    spans = list(runs(mask))
    if len(spans) == 1:
        a, z = spans[0]
        if a == 1:
            return f"närvarande till §{number(z, base)}"
        if z == n:
            return f"närvarande från §{number(a, base)}"
    return f"närvarande {format_mask_stockholm(mask, base=base)}"


def write(f: Fakta) -> Narvaro:
    role_lines: list[tuple[str, tuple[str, ...]]] = []
    ledamoter: list[str] = []
    for m, here in f.ledamoter:
        text = m.label if here == f.everything else f"{m.label} {present_suffix(here, f.n, f.base)}"
        if m.role in ROLE_LABELS:
            role_lines.append((ROLE_LABELS[m.role], (text,)))
        else:
            ledamoter.append(text)
    role_lines.sort(key=lambda g: list(ROLE_LABELS.values()).index(g[0]))

    serving = []
    for ers, seat, mask in f.serving:
        text = f"{ers.label} för {seat.label}"
        serving.append(text if mask == f.everything else f"{text} {format_mask_stockholm(mask, base=f.base)}")
    ersattare = [
        e.label if listed == f.everything else f"{e.label} {format_mask_stockholm(listed, base=f.base)}"
        for e, listed in f.ersattare
    ]

    groups = list(role_lines)
    if ledamoter:
        groups.append(("Ledamöterna", tuple(ledamoter)))
    if serving:
        groups.append(("Tjänstg. ers.", tuple(serving)))
    if ersattare:
        groups.append(("Ersättarna", tuple(ersattare)))

    lines = ["Närvarande", ""]
    for label, entries in groups:
        indent = " " * (len(label) + 1)
        for i, entry in enumerate(entries):
            lines.append(f"{label} {entry}" if i == 0 else f"{indent}{entry}")
    return Narvaro(tuple(lines), f.sentences, f.warnings)

"""The protocol's "Närvarande" section, written as Stockholm's protocols write it.

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

from dataclasses import dataclass

from .model import ANDRE_VICE_ORDFORANDE, ORDFORANDE, VICE_ORDFORANDE, Member
from .names import join_names
from .paragraphs import all_of, format_mask, number, runs, span, span_words
from .turordning import Plan, Situation

ROLE_LABELS = {ORDFORANDE: "Ordförande", VICE_ORDFORANDE: "Vice ordf.", ANDRE_VICE_ORDFORANDE: "2:e vice ordf."}


@dataclass(frozen=True)
class Narvaro:
    """The section as groups of lines plus the sentences under them."""

    groups: tuple[tuple[str, tuple[str, ...]], ...]
    sentences: tuple[str, ...]
    warnings: tuple[str, ...]


def masks(situation: Situation, n: int) -> tuple[dict[str, int], dict[str, int]]:
    """Each member's non-jäv and jäv förhinder as paragraph masks."""
    nonjav: dict[str, int] = {}
    jav: dict[str, int] = {}
    for f in situation.forhinder:
        m = span(max(1, f.first), min(n, f.last))
        target = jav if f.jav else nonjav
        target[f.member] = target.get(f.member, 0) | m
    return nonjav, jav


def present_suffix(mask: int, n: int, base: int = 1) -> str:
    """``närvarande till §10``, ``närvarande från §5`` or ``närvarande §1-4, §9-14``."""
    spans = list(runs(mask))
    if len(spans) == 1:
        a, z = spans[0]
        if a == 1:
            return f"närvarande till §{number(z, base)}"
        if z == n:
            return f"närvarande från §{number(a, base)}"
    return f"närvarande {format_mask(mask, base=base)}"


def attendance(situation: Situation, plan: Plan) -> dict[str, int]:
    """Paragraphs each ersättare attends (serving or not), by key."""
    n = plan.paragraphs
    everything = all_of(n)
    nonjav, _ = masks(situation, n)
    out = {}
    for e in situation.roster.ersattare:
        serving = plan.serving_mask(e.key)
        if e.key in situation.declined:
            here = 0
        elif situation.present is not None and e.key not in situation.present:
            here = 0
        else:
            here = everything & ~nonjav.get(e.key, 0)
            since = situation.arrived.get(e.key, 1)
            if since > 1:
                here &= ~span(1, since - 1)
        out[e.key] = here | serving
    return out


def build(situation: Situation, plan: Plan) -> Narvaro:
    roster = situation.roster
    n = plan.paragraphs
    everything = all_of(n)
    nonjav, jav = masks(situation, n)
    members = roster.by_key()

    role_lines: list[tuple[str, tuple[str, ...]]] = []
    ledamoter: list[str] = []
    absent_ledamoter: list[Member] = []
    for m in roster.ledamoter:
        here = everything & ~nonjav.get(m.key, 0)
        if not here:
            absent_ledamoter.append(m)
            continue
        text = m.label if here == everything else f"{m.label} {present_suffix(here, n, plan.base)}"
        if m.role in ROLE_LABELS:
            role_lines.append((ROLE_LABELS[m.role], (text,)))
        else:
            ledamoter.append(text)
    role_lines.sort(key=lambda g: list(ROLE_LABELS.values()).index(g[0]))

    serving: list[str] = []
    by_pair: dict[tuple[str, str], int] = {}
    for a in plan.assignments:
        by_pair[(a.seat, a.ersattare)] = by_pair.get((a.seat, a.ersattare), 0) | a.mask
    for (seat, ers), mask in by_pair.items():
        text = f"{members[ers].label} för {members[seat].label}"
        serving.append(text if mask == everything else f"{text} {format_mask(mask, base=plan.base)}")

    attending = attendance(situation, plan)
    ersattare: list[str] = []
    absent_ersattare: list[Member] = []
    for e in roster.ersattare:
        listed = attending[e.key] & ~plan.serving_mask(e.key)
        if listed:
            ersattare.append(e.label if listed == everything else f"{e.label} {format_mask(listed, base=plan.base)}")
        elif not attending[e.key] and (nonjav.get(e.key, 0) == everything or e.key in situation.declined):
            absent_ersattare.append(e)

    groups = list(role_lines)
    if ledamoter:
        groups.append(("Ledamöterna", tuple(ledamoter)))
    if serving:
        groups.append(("Tjänstg. ers.", tuple(serving)))
    if ersattare:
        groups.append(("Ersättarna", tuple(ersattare)))

    sentences: list[str] = []
    forhinder = forhinder_sentence(absent_ledamoter, absent_ersattare)
    if forhinder:
        sentences.append(forhinder)
    sentences.extend(jav_sentences(situation, plan, jav, nonjav))
    warnings = tuple(_warnings(situation, plan))
    return Narvaro(tuple(groups), tuple(sentences), warnings)


def forhinder_sentence(ledamoter: list[Member], ersattare: list[Member]) -> str | None:
    """``Förhinder hade anmälts av ledamöterna A (M) och B (M) samt ersättaren D (L).``"""
    parts = []
    if ledamoter:
        word = "ledamoten" if len(ledamoter) == 1 else "ledamöterna"
        parts.append(f"{word} {join_names(m.label for m in ledamoter)}")
    if ersattare:
        word = "ersättaren" if len(ersattare) == 1 else "ersättarna"
        parts.append(f"{word} {join_names(m.label for m in ersattare)}")
    if not parts:
        return None
    return f"Förhinder hade anmälts av {' samt '.join(parts)}."


def jav_sentences(situation: Situation, plan: Plan, jav: dict[str, int], nonjav: dict[str, int]) -> list[str]:
    """Who did not take part in which paragraphs because of jäv, and who served instead."""
    members = situation.roster.by_key()
    out = []
    seats = {m.key for m in situation.roster.ledamoter}
    for m in situation.roster.members:
        own = jav.get(m.key, 0) & ~nonjav.get(m.key, 0)
        if m.key in seats:
            affected = own
            seat = m.key
            word = "Ledamoten"
        else:
            # An ersättare with jäv matters to the protocol only where they were serving.
            holding = [a for a in plan.assignments if a.ersattare == m.key]
            if not holding:
                continue
            seat = holding[0].seat
            affected = own & _seat_span(plan, seat, m.key)
            word = "Ersättaren"
        if not affected:
            continue
        instead = [a for a in plan.assignments if a.seat == seat and a.mask & affected and a.ersattare != m.key]
        where = format_mask(affected, space=True, base=plan.base)
        sentence = f"{word} {m.label} deltog på grund av jäv inte i handläggningen av {where}"
        if instead:
            names = join_names(dict.fromkeys(members[a.ersattare].label for a in instead))
            word2 = "ersättaren" if len({a.ersattare for a in instead}) == 1 else "ersättarna"
            sentence += f"; {word2} {names} tjänstgjorde i stället."
        else:
            sentence += "; ingen ersättare tjänstgjorde i stället."
        out.append(sentence)
    return out


def _seat_span(plan: Plan, seat: str, ersattare: str) -> int:
    """From the first to the last paragraph ``ersattare`` holds ``seat``: gaps are jäv holes."""
    masks = [a.mask for a in plan.assignments if a.seat == seat and a.ersattare == ersattare]
    lo = min(m & -m for m in masks).bit_length()
    hi = max(m.bit_length() for m in masks)
    return span(lo, hi)


def _warnings(situation: Situation, plan: Plan) -> list[str]:
    members = situation.roster.by_key()
    out = []
    for v in plan.vacancies:
        where = span_words(v.first, v.last, plan.paragraphs, base=plan.base)
        out.append(f"Platsen för {members[v.seat].label} är vakant ({where}): ingen ersättare kan kallas in.")
    for a, z in plan.not_quorate:
        where = span_words(a, z, plan.paragraphs, base=plan.base)
        out.append(f"Nämnden är inte beslutför ({where}): högst hälften av platserna är besatta.")
    return out


def render_text(narvaro: Narvaro) -> str:
    """The section as plain text: each group's label, then its names one per line."""
    lines = ["Närvarande", ""]
    for label, entries in narvaro.groups:
        indent = " " * (len(label) + 1)
        for i, entry in enumerate(entries):
            lines.append(f"{label} {entry}" if i == 0 else f"{indent}{entry}")
    if narvaro.sentences:
        lines.append("")
        lines.extend(narvaro.sentences)
    return "\n".join(lines) + "\n"

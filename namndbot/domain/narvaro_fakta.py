"""What the protocol's attendance section says, whatever its layout: who was present in which
paragraphs, who served for whom, who was absent, the sentences about förhinder and jäv, and the
warnings. The layouts (``narvaro_stockholm``, ``narvaro_beslutande``) only write it.

Jäv is absence (KL 6 kap. 30 §): whoever has jäv in a paragraph may neither take part nor be
present, so they are not listed as present in it; the sentence about the jäv stays.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Member
from .names import join_names
from .paragraphs import all_of, format_mask, span, span_words
from .turordning import Plan, Situation


@dataclass(frozen=True)
class Narvaro:
    """The section as written: its lines, then the sentences under them."""

    lines: tuple[str, ...]
    sentences: tuple[str, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Fakta:
    """Everything a layout writes. Masks are positions; ``base`` is the number of position 1."""

    n: int
    base: int
    everything: int
    ledamoter: tuple[tuple[Member, int], ...]  # present at least once, in seat order, with where
    serving: tuple[tuple[Member, Member, int], ...]  # (ersättare, for ledamot, where)
    ersattare: tuple[tuple[Member, int], ...]  # present but not serving, with where
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


def attendance(situation: Situation, plan: Plan) -> dict[str, int]:
    """Paragraphs each ersättare attends (serving or not), by key; not those where they have jäv."""
    _, jav = masks(situation, plan.paragraphs)
    return {key: here & ~jav.get(key, 0) for key, here in _would_attend(situation, plan).items()}


def _would_attend(situation: Situation, plan: Plan) -> dict[str, int]:
    """Paragraphs each ersättare would attend (serving or not) but for jäv, by key."""
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


def fakta(situation: Situation, plan: Plan) -> Fakta:
    roster = situation.roster
    n = plan.paragraphs
    everything = all_of(n)
    nonjav, jav = masks(situation, n)
    members = roster.by_key()

    ledamoter: list[tuple[Member, int]] = []
    absent_ledamoter: list[Member] = []
    for m in roster.ledamoter:
        here = everything & ~nonjav.get(m.key, 0) & ~jav.get(m.key, 0)
        if here:
            ledamoter.append((m, here))
        elif nonjav.get(m.key, 0) == everything:
            absent_ledamoter.append(m)

    by_pair: dict[tuple[str, str], int] = {}
    for a in plan.assignments:
        by_pair[(a.seat, a.ersattare)] = by_pair.get((a.seat, a.ersattare), 0) | a.mask
    serving = tuple((members[ers], members[seat], mask) for (seat, ers), mask in by_pair.items())

    attending = attendance(situation, plan)
    ersattare: list[tuple[Member, int]] = []
    absent_ersattare: list[Member] = []
    for e in roster.ersattare:
        listed = attending[e.key] & ~plan.serving_mask(e.key)
        if listed:
            ersattare.append((e, listed))
        elif not attending[e.key] and (nonjav.get(e.key, 0) == everything or e.key in situation.declined):
            absent_ersattare.append(e)

    sentences: list[str] = []
    forhinder = forhinder_sentence(absent_ledamoter, absent_ersattare)
    if forhinder:
        sentences.append(forhinder)
    sentences.extend(jav_sentences(situation, plan, jav, nonjav))
    return Fakta(
        n,
        plan.base,
        everything,
        tuple(ledamoter),
        serving,
        tuple(ersattare),
        tuple(sentences),
        tuple(_warnings(situation, plan)),
    )


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
    """Who did not take part in which paragraphs because of jäv, and who served instead: for a ledamot,
    and for an ersättare whether serving or not (one who was not there anyway has nothing to say)."""
    members = situation.roster.by_key()
    would_attend = _would_attend(situation, plan)
    out = []
    seats = {m.key for m in situation.roster.ledamoter}
    for m in situation.roster.members:
        own = jav.get(m.key, 0) & ~nonjav.get(m.key, 0)
        if not own:
            continue
        if m.key in seats:
            held = {m.key: own}
            affected = own
            word = "Ledamoten"
        else:
            # Of the ersättare's paragraphs of jäv where they were there, those where they held, or
            # were about to hold, a seat: then the sentence says who served instead.
            held = {}
            for seat in dict.fromkeys(a.seat for a in plan.assignments if a.ersattare == m.key):
                mask = own & _held_span(plan, seat, m.key, own)
                if mask:
                    held[seat] = mask
            affected = (own & (would_attend.get(m.key, 0) | _jav_holes(plan, m.key))) | _union(held.values())
            word = "Ersättaren"
        if not affected:
            continue
        sentence = (
            f"{word} {m.label} deltog på grund av jäv inte i handläggningen av {format_mask(affected, base=plan.base)}"
        )
        if not held:
            out.append(sentence + ".")
            continue
        in_seat = _union(held.values())
        instead = [a for a in plan.assignments if a.seat in held and a.mask & held[a.seat] and a.ersattare != m.key]
        where = "" if in_seat == affected else f" i {format_mask(in_seat, base=plan.base)}"
        if instead:
            names = join_names(dict.fromkeys(members[a.ersattare].label for a in instead))
            word2 = "ersättaren" if len({a.ersattare for a in instead}) == 1 else "ersättarna"
            sentence += f"; {word2} {names} tjänstgjorde i stället{where}."
        else:
            sentence += f"; ingen ersättare tjänstgjorde i stället{where}."
        out.append(sentence)
    return out


def _union(masks) -> int:
    out = 0
    for mask in masks:
        out |= mask
    return out


def _held_span(plan: Plan, seat: str, ersattare: str, jav: int) -> int:
    """Where ``ersattare`` held ``seat`` or would have but for jäv: the span they hold it over, widened by
    the paragraphs of jäv right before and after it."""
    held = _seat_span(plan, seat, ersattare)
    while True:
        wider = held | ((held << 1) & jav) | ((held >> 1) & jav)
        if wider == held:
            return held
        held = wider


def _jav_holes(plan: Plan, ersattare: str) -> int:
    """The gaps inside the span where ``ersattare`` holds a seat (left for jäv)."""
    holes = 0
    for seat in {a.seat for a in plan.assignments if a.ersattare == ersattare}:
        holes |= _seat_span(plan, seat, ersattare) & ~plan.serving_mask(ersattare)
    return holes


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

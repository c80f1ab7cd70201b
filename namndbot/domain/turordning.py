"""The turordning engine: who serves in which seat, for which paragraphs, and why.

Pure code. Input is a :class:`Situation` (the roster, the meeting's number
of paragraphs, förhinder, declines, the plan as it stood before the change,
and once the meeting is under way: who is present and which paragraphs are
done). Output is a :class:`Plan`.

The rules (Kommunallagen 2017:725 and the common reglemente, see
``reference/rules.md``):

1. A ledamot with förhinder for some paragraphs leaves a vacancy for
   exactly those paragraphs.
2. Personal ersättare of the seat first, then the seat's party's own
   ersättare in their order; all parties' own vacancies (in seat order) are
   filled before any ersättare serves for another party.
3. Remaining vacancies are filled from the seat's party's turordning list,
   party by party, each party's free ersättare in their order.
4. An ersättare serves at most one seat at any paragraph; förhinder,
   declines and (during the meeting) absence keep them from being called.
5. Stability: an ersättare already called in keeps the seat while it is
   vacant ("har alltid företräde"), with one exception: an ersättare of the
   seat's own party (or a personal one) who is free takes the seat over from
   an ersättare of another party. A serving ersättare is never replaced by
   another of the same party. A ledamot who comes back takes the seat back.
6. Beslutförhet: more than half of the seats must be filled.
7. A seat nobody can fill stays vacant and is reported.

Jäv is a förhinder in one matter: an ersättare who serves and has jäv in a
paragraph steps out for it and returns for the next one (the seat is kept
for them), while someone else fills the gap. Without
``vaxeltjanstgoring`` an ersättare who left for any other reason doesn't
serve again at the meeting once they have served.

Paragraphs are bits of an int (see :mod:`.paragraphs`): this is what lets a
re-plan of a 61-seat nämnd over 60 paragraphs take well under a millisecond.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from .model import Member, Roster
from .paragraphs import all_of, bit, format_mask, lowest, run_from, runs, span


class Rule(StrEnum):
    """Why an ersättare was placed in a seat."""

    PERSONLIG = "personlig_ersattare"
    EGET_PARTI = "eget_parti"
    PARTILISTA = "partilistan"
    OVERTOG = "overtog_fran_annat_parti"
    ATER_EFTER_JAV = "ater_efter_jav"
    UNDER_SAMMANTRADET = "inkallad_under_sammantradet"


@dataclass(frozen=True, slots=True)
class Forhinder:
    """``member`` (a key) can't take part in paragraphs ``first..last``."""

    member: str
    first: int
    last: int
    jav: bool = False


@dataclass(frozen=True, slots=True)
class Assignment:
    """``ersattare`` serves in ``seat`` (the ledamot's key) for ``first..last``."""

    ersattare: str
    seat: str
    first: int
    last: int
    rule: Rule
    explanation: str

    @property
    def mask(self) -> int:
        return span(self.first, self.last)


@dataclass(frozen=True, slots=True)
class Vacancy:
    seat: str
    party: str
    first: int
    last: int


@dataclass(frozen=True)
class Situation:
    """Everything the engine looks at. ``present`` is None until the meeting starts."""

    roster: Roster
    paragraphs: int = 1
    forhinder: tuple[Forhinder, ...] = ()
    declined: frozenset[str] = frozenset()
    previous: tuple[Assignment, ...] = ()
    present: frozenset[str] | None = None
    frozen_through: int = 0
    arrived: dict[str, int] = field(default_factory=dict)  # ersättare present from a later paragraph
    base: int = 1  # the protocol's number of paragraph 1 (the engine counts positions; texts show numbers)


@dataclass(frozen=True)
class Plan:
    paragraphs: int
    assignments: tuple[Assignment, ...]
    vacancies: tuple[Vacancy, ...]
    not_quorate: tuple[tuple[int, int], ...] = field(default=())
    base: int = 1  # the protocol's number of paragraph 1

    @property
    def beslutfor(self) -> bool:
        return not self.not_quorate

    def serving_mask(self, ersattare: str) -> int:
        m = 0
        for a in self.assignments:
            if a.ersattare == ersattare:
                m |= a.mask
        return m


def plan(situation: Situation) -> Plan:
    """The plan for ``situation``: see the module's docstring for the rules."""
    return _Planner(situation).run()


@dataclass(slots=True)
class _Hold:
    """One ersättare's hold on one seat while planning (a mask, not yet runs)."""

    ersattare: str
    mask: int
    rule: Rule
    explanation: str


@dataclass(frozen=True, slots=True)
class _Candidate:
    ersattare: str
    rule: Rule
    explanation: str


class _Planner:
    def __init__(self, s: Situation) -> None:
        roster = s.roster
        self.s = s
        self.n = max(1, s.paragraphs)
        self.all = all_of(self.n)
        self.frozen = span(1, min(max(0, s.frozen_through), self.n))
        self.open = self.all & ~self.frozen
        self.started = s.present is not None
        vaxel = roster.committee.settings.vaxeltjanstgoring

        self.seats: tuple[Member, ...] = roster.ledamoter
        self.seat_of = {m.key: m for m in self.seats}
        self.seat_pos = {m.key: i for i, m in enumerate(self.seats)}
        self.ers: dict[str, Member] = {e.key: e for e in roster.ersattare}
        self.by_party: dict[str, list[Member]] = {}
        for e in roster.ersattare:
            self.by_party.setdefault(e.party, []).append(e)
        self.turordning = roster.turordning

        nonjav: dict[str, int] = {}
        jav: dict[str, int] = {}
        for f in s.forhinder:
            first, last = max(1, f.first), min(self.n, f.last)
            if first > last:
                continue
            target = jav if f.jav else nonjav
            target[f.member] = target.get(f.member, 0) | span(first, last)
        self.vacant = {m.key: (nonjav.get(m.key, 0) | jav.get(m.key, 0)) & self.all for m in self.seats}
        self.vacant_seats = tuple(m for m in self.seats if self.vacant[m.key] & self.open)

        # ``block``: never callable there. ``jav``: callable to hold the seat, not to serve.
        self.block: dict[str, int] = {}
        self.jav: dict[str, int] = {}
        self.segments: dict[str, list[int]] = {}
        for e in roster.ersattare:
            b = nonjav.get(e.key, 0) & self.all
            if not vaxel and b:  # (without förhinder: one stretch, nothing to keep)
                segs = [span(a, z) for a, z in runs(self.all & ~b)]
                if len(segs) > 1:
                    self.segments[e.key] = segs
            if e.key in s.declined:
                b |= self.open
            if self.started and e.key not in (s.present or ()):
                b |= self.open
            self.block[e.key] = b
            self.jav[e.key] = jav.get(e.key, 0) & self.all

        self._candidates: dict[str, tuple[list[_Candidate], ...]] = {}
        self._party_candidates: dict[str, tuple[list[_Candidate], list[_Candidate]]] = {}
        self._spare: dict[bool, int] = {}
        self.busy: dict[str, int] = {e.key: 0 for e in roster.ersattare}
        self.holds: dict[str, list[_Hold]] = {m.key: [] for m in self.seats}

    # -- helpers -------------------------------------------------------------
    def own(self, e: str, seat: Member) -> bool:
        return self.ers[e].party == seat.party or e in seat.personliga_ersattare

    def free(self, e: str, within: int, use_jav: bool) -> int:
        f = within & ~self.busy[e] & ~self.block[e]
        if use_jav:
            f &= ~self.jav[e]
        segs = self.segments.get(e)
        if segs and self.busy[e]:
            for seg in segs:
                if self.busy[e] & seg:
                    f &= seg
                    break
        return f

    def held(self, seat: str, *, own_only: bool = False) -> int:
        m = 0
        seat_m = self.seat_of[seat]
        for h in self.holds[seat]:
            if not own_only or self.own(h.ersattare, seat_m):
                m |= h.mask
        return m

    def held_both(self, seat: Member) -> tuple[int, int]:
        """What of ``seat`` is held by anyone, and by its own side (its party, its personal ersättare)."""
        every = own = 0
        for h in self.holds[seat.key]:
            every |= h.mask
            if self.own(h.ersattare, seat):
                own |= h.mask
        return every, own

    def holder_at(self, seat: str, p: int) -> _Hold | None:
        if p < 1:
            return None
        b = bit(p)
        for h in self.holds[seat]:
            if h.mask & b:
                return h
        return None

    def take(self, seat: str, e: str, mask: int, rule: Rule, explanation: str) -> None:
        """Give ``mask`` of ``seat`` to ``e``, displacing whoever held it."""
        for h in self.holds[seat]:
            if h.mask & mask and h.ersattare != e:
                self.busy[h.ersattare] &= ~(h.mask & mask)
                h.mask &= ~mask
        self.holds[seat] = [h for h in self.holds[seat] if h.mask]
        for h in self.holds[seat]:
            if h.ersattare == e and h.rule == rule and h.explanation == explanation:
                h.mask |= mask
                break
        else:
            self.holds[seat].append(_Hold(e, mask, rule, explanation))
        self.busy[e] |= mask
        self._spare.clear()

    def spare(self, use_jav: bool) -> int:
        """Paragraphs at which any ersättare at all is still free (recomputed after a change):
        once the ersättare have run out, the seats still vacant are passed over at once."""
        m = self._spare.get(use_jav)
        if m is None:
            m = 0
            for e in self.busy:
                m |= self.free(e, self.open, use_jav)
            self._spare[use_jav] = m
        return m

    # -- the phases ---------------------------------------------------------------
    def run(self) -> Plan:
        self.keep_previous()
        for use_jav in (False, True):
            if use_jav:
                self.punch_jav_holes()
            # Only seats with a vacancy (in seat order): the others have nothing to fill.
            for seat in self.vacant_seats:
                self.fill(seat, 0, own_only=True, use_jav=use_jav)
            for seat in self.vacant_seats:
                self.fill(seat, 1, own_only=True, use_jav=use_jav)
            # Last, everyone in order: also reaches an own-party ersättare freed by a takeover above.
            for seat in self.vacant_seats:
                self.fill(seat, 2, own_only=False, use_jav=use_jav)
        return self.result()

    def keep_previous(self) -> None:
        """Rule 5: what was planned before stays, where it still may."""
        # In time order: what someone served first is what växeltjänstgöring anchors to.
        for a in sorted(self.s.previous, key=lambda a: (a.first, self.seat_pos.get(a.seat, -1))):
            if a.seat not in self.seat_of or a.ersattare not in self.ers:
                continue
            m = span(max(1, a.first), min(self.n, a.last))
            keep = m & self.frozen
            keep |= m & self.open & self.vacant[a.seat] & self.free(a.ersattare, self.open, use_jav=False)
            keep &= ~self.held(a.seat)
            segs = self.segments.get(a.ersattare)
            if segs and keep & self.open:
                # Without växeltjänstgöring: one stretch of presence only (the one already served in).
                anchor = self.busy[a.ersattare] or (keep & -keep)
                seg = next((g for g in segs if g & anchor), 0)
                keep = (keep & self.frozen) | (keep & seg)
            if keep:
                self.take(a.seat, a.ersattare, keep, a.rule, a.explanation)

    def punch_jav_holes(self) -> None:
        """An ersättare with jäv steps out for those paragraphs and keeps the seat around them."""
        for seat in self.seats:
            for h in self.holds[seat.key]:
                hole = h.mask & self.jav[h.ersattare] & self.open
                if hole:
                    h.mask &= ~hole
                    self.busy[h.ersattare] &= ~hole
                    self._spare.clear()
            self.holds[seat.key] = [h for h in self.holds[seat.key] if h.mask]

    def candidates(self, seat: Member, phase: int) -> list[_Candidate]:
        """Phase 0: personal ersättare; 1: the party's own; 2: everyone, in the rules' order."""
        lists = self._candidates.get(seat.key)
        if lists is None:
            # The party's lists are the same for each of its seats: made once per party.
            party = self._party_candidates.get(seat.party)
            if party is None:
                party = self._party_candidates[seat.party] = (
                    self.own_party_candidates(seat),
                    self.party_list_candidates(seat),
                )
            own, others = party
            personal = self.personal_candidates(seat)
            lists = (personal, own, personal + own + others)
            self._candidates[seat.key] = lists
        return lists[phase]

    def fill(self, seat: Member, phase: int, *, own_only: bool, use_jav: bool) -> None:
        vacant = self.vacant[seat.key] & self.open
        if not vacant:
            return
        held_all, held_own = self.held_both(seat)
        # Own-side phases may take cells from an ersättare of another party (rule 5's exception),
        # but only cells the newcomer can really serve: never by a claim across their own jäv.
        rem = vacant & ~(held_own if own_only else held_all)
        if not rem or not rem & self.spare(use_jav):
            return  # all held, or nobody is free there (nothing changes: see the skip below)
        others = held_all & ~held_own if own_only else 0
        candidates = self.candidates(seat, phase)

        def avail(e: str) -> int:
            return self.free(e, rem, use_jav) & ~(others & self.jav[e])

        while rem:
            p = lowest(rem)
            prev = self.holder_at(seat.key, p - 1)
            chosen: _Candidate | None = None
            if prev is not None and (not own_only or self.own(prev.ersattare, seat)):
                if avail(prev.ersattare) & bit(p):
                    # Whoever serves keeps serving ("har alltid företräde").
                    chosen = _Candidate(prev.ersattare, prev.rule, prev.explanation)
            if chosen is None and own_only and self.blocked_start(seat, p, use_jav):
                rem &= ~bit(p)  # filled from the paragraph before, by whoever serves it
                continue
            if chosen is None:
                chosen = next((c for c in candidates if avail(c.ersattare) & bit(p)), None)
                if chosen is not None:
                    chosen = self.label(seat, chosen, run_from(avail(chosen.ersattare), p))
            if chosen is None:
                # Nothing changes until someone is placed: every paragraph that no candidate can
                # serve and no holder can carry on into stays empty too (one pass, not one per §).
                rem &= ~bit(p) & (self.anyone(candidates, avail) | self.carried_on(seat, own_only, avail))
                continue
            run = run_from(avail(chosen.ersattare), p)
            self.take(seat.key, chosen.ersattare, run, chosen.rule, chosen.explanation)
            rem &= ~run

    @staticmethod
    def anyone(candidates: list[_Candidate], avail: Callable[[str], int]) -> int:
        """The paragraphs at which at least one of ``candidates`` is available."""
        m = 0
        for c in candidates:
            m |= avail(c.ersattare)
        return m

    def carried_on(self, seat: Member, own_only: bool, avail: Callable[[str], int]) -> int:
        """The paragraphs right after a hold whose holder may and can keep serving there."""
        m = 0
        for h in self.holds[seat.key]:
            if not own_only or self.own(h.ersattare, seat):
                m |= (h.mask << 1) & avail(h.ersattare)
        return m

    def blocked_start(self, seat: Member, p: int, use_jav: bool) -> bool:
        """May a newcomer of the seat's own side not begin at ``p``?

        Not while the paragraph before is vacant, still empty, and an ersättare of the seat's own
        side could serve it: that one is called from there and then keeps the seat (a serving
        ersättare is never replaced by another of the same party). A newcomer may begin where the
        vacancy begins, after another party's ersättare (a takeover), or after someone who had to
        leave (förhinder, jäv).
        """
        if p == 1 or not self.vacant[seat.key] & bit(p - 1) or self.holder_at(seat.key, p - 1) is not None:
            return False
        before = bit(p - 1)
        return any(self.free(c.ersattare, before, use_jav) for c in self.candidates(seat, 0) + self.candidates(seat, 1))

    def label(self, seat: Member, c: _Candidate, run: int) -> _Candidate:
        """A newly placed ersättare's rule: a takeover, a call during the meeting, or the list's own."""
        displaced = [h for h in self.holds[seat.key] if h.mask & run and h.ersattare != c.ersattare]
        if displaced:
            other = self.ers[displaced[0].ersattare]
            return _Candidate(
                c.ersattare,
                Rule.OVERTOG,
                f"{c.explanation}; tar över platsen från {other.label}, ersättare för ett annat parti",
            )
        if self.started:
            return _Candidate(
                c.ersattare,
                Rule.UNDER_SAMMANTRADET,
                f"Inkallad under sammanträdet bland de närvarande: {_lower_first(c.explanation)}",
            )
        return c

    # -- candidate lists, in the order the rules give -------------------------
    def personal_candidates(self, seat: Member) -> list[_Candidate]:
        return [
            _Candidate(e, Rule.PERSONLIG, f"Personlig ersättare nr {i} för {seat.name}")
            for i, e in enumerate(seat.personliga_ersattare, start=1)
            if e in self.ers
        ]

    def own_party_candidates(self, seat: Member) -> list[_Candidate]:
        return [
            _Candidate(e.key, Rule.EGET_PARTI, f"{seat.party}:s egen ersättare, nr {i} i partiets ordning")
            for i, e in enumerate(self.by_party.get(seat.party, ()), start=1)
        ]

    def party_list_candidates(self, seat: Member) -> list[_Candidate]:
        out = []
        for j, party in enumerate(self.turordning.get(seat.party, ()), start=1):
            if party == seat.party:
                continue
            for i, e in enumerate(self.by_party.get(party, ()), start=1):
                out.append(
                    _Candidate(
                        e.key,
                        Rule.PARTILISTA,
                        f"Turordningen för {seat.party}: {party} är parti nr {j}; ersättare nr {i} för {party}",
                    )
                )
        return out

    # -- the result ---------------------------------------------------------------
    def result(self) -> Plan:
        assignments: list[Assignment] = []
        vacancies: list[Vacancy] = []
        unfilled: list[int] = []
        for seat in self.seats:
            if not self.vacant[seat.key] and not self.holds[seat.key]:
                continue
            per_e: dict[str, list[_Hold]] = {}
            filled = 0
            for h in self.holds[seat.key]:
                per_e.setdefault(h.ersattare, []).append(h)
                filled |= h.mask
            for e, holds in per_e.items():
                union = 0
                for h in holds:
                    union |= h.mask
                prev_end = 0
                for a, z in runs(union):
                    source = next(h for h in holds if h.mask & bit(a))
                    rule, explanation = source.rule, source.explanation
                    gap = span(prev_end + 1, a - 1)
                    if prev_end and gap & ~self.jav[e] == 0 and rule is not Rule.ATER_EFTER_JAV:
                        where = format_mask(gap, base=self.s.base)
                        explanation = f"Åter efter jäv i {where}; {_lower_first(explanation)}"
                        rule = Rule.ATER_EFTER_JAV
                    assignments.append(Assignment(e, seat.key, a, z, rule, explanation))
                    prev_end = z
            open_seat = self.vacant[seat.key] & ~filled
            for a, z in runs(open_seat):
                vacancies.append(Vacancy(seat.key, seat.party, a, z))
            if open_seat:
                unfilled.append(open_seat)
        assignments.sort(key=lambda a: (self.seat_pos[a.seat], a.first, a.ersattare))
        return Plan(
            paragraphs=self.n,
            assignments=tuple(assignments),
            vacancies=tuple(vacancies),
            not_quorate=tuple(self.not_quorate(unfilled)),
            base=self.s.base,
        )

    def not_quorate(self, unfilled: list[int]) -> Iterable[tuple[int, int]]:
        seats = len(self.seats)
        if not unfilled:
            return ()
        bad = 0
        any_open = 0
        for u in unfilled:
            any_open |= u
        p_mask = any_open
        while p_mask:
            p = lowest(p_mask)
            b = bit(p)
            empty = sum(1 for u in unfilled if u & b)
            if 2 * (seats - empty) <= seats:
                bad |= b
            p_mask &= ~b
        return list(runs(bad))


def _lower_first(text: str) -> str:
    """Lower-case the first letter of a sentence being continued, but not a party's
    abbreviation or a name ("M:s egen ersättare", "Personlig ersättare …")."""
    first = text.split(" ", 1)[0]
    if first[:2].isupper() or ":" in first or (len(first) > 1 and first[1:2].isupper()) or first.isupper():
        return text
    return text[:1].lower() + text[1:]

"""The turordning engine on a large synthetic nämnd: re-planning after one change.

61 seats, 40 ersättare (some of them personal ersättare), 30 förhinder with
partial ranges and jäv, 60 paragraphs. Every measured change is one event
(a new förhinder, a withdrawal or a decline) applied to the plan the first 30
left, as the service does it: the previous plan goes in, the new one comes out.

    .venv/bin/python -m bench.engine

Target (issue 2): under 5 ms per re-plan.
"""

from __future__ import annotations

import random
import statistics
import time

from namndbot.domain.model import Committee, Member, Roster
from namndbot.domain.turordning import Forhinder, Situation, plan

TARGET_MS = 5.0
PARTIES = {"S": 18, "M": 13, "V": 9, "SD": 6, "L": 5, "C": 4, "MP": 4, "KD": 2}
ERSATTARE = {"S": 10, "M": 9, "V": 6, "SD": 4, "L": 4, "C": 3, "MP": 3, "KD": 1}
TURORDNING = {
    "S": ("V", "MP"),
    "V": ("S", "MP"),
    "MP": ("S", "V"),
    "M": ("KD", "L", "C"),
    "KD": ("M", "L", "C"),
    "L": ("M", "C", "KD"),
    "C": ("M", "L", "KD"),
    "SD": (),
}
PARAGRAPHS = 60


def synthetic(rng: random.Random) -> tuple[Roster, list[Forhinder]]:
    ersattare = [Member(f"Ers {p}{i}", p, "ersattare") for p, k in ERSATTARE.items() for i in range(k)]
    by_party = {p: [e for e in ersattare if e.party == p] for p in ERSATTARE}
    seats = []
    for p, k in PARTIES.items():
        for i in range(k):
            personal: tuple[str, ...] = ()
            if i < 3 and by_party[p]:
                personal = (by_party[p][i % len(by_party[p])].key,)
            seats.append(Member(f"Led {p}{i}", p, "ledamot", personliga_ersattare=personal))
    assert len(seats) == 61 and len(ersattare) == 40
    roster = Roster(Committee("BIG", "Stora nämnden"), tuple(seats), tuple(ersattare), TURORDNING)
    return roster, [random_forhinder(rng, roster) for _ in range(30)]


def random_forhinder(rng: random.Random, roster: Roster) -> Forhinder:
    who = rng.choice(roster.ledamoter if rng.random() < 0.7 else roster.ersattare)
    shape = rng.random()
    if shape < 0.3:
        return Forhinder(who.key, 1, PARAGRAPHS)
    if shape < 0.55:
        return Forhinder(who.key, rng.randint(2, PARAGRAPHS), PARAGRAPHS)  # leaves early
    if shape < 0.8:
        return Forhinder(who.key, 1, rng.randint(1, PARAGRAPHS - 1))  # arrives late
    a = rng.randint(1, PARAGRAPHS)
    return Forhinder(who.key, a, min(PARAGRAPHS, a + rng.randint(0, 3)), jav=True)


def main(rounds: int = 400) -> dict[str, float]:
    rng = random.Random(2019_11_26)
    roster, forhinder = synthetic(rng)
    previous: tuple = ()
    declined: frozenset[str] = frozenset()
    for i in range(len(forhinder)):  # the first thirty, one by one, as they came in
        previous = plan(Situation(roster, PARAGRAPHS, tuple(forhinder[: i + 1]), declined, previous)).assignments
    base = tuple(forhinder)

    changes = []
    for _ in range(rounds):
        kind = rng.random()
        if kind < 0.6:
            changes.append((base + (random_forhinder(rng, roster),), declined))
        elif kind < 0.8:
            drop = rng.randrange(len(base))
            changes.append((base[:drop] + base[drop + 1 :], declined))
        else:
            changes.append((base, declined | {rng.choice(roster.ersattare).key}))

    times = []
    for fh, dec in changes:
        s = Situation(roster, PARAGRAPHS, fh, dec, previous)
        t0 = time.perf_counter()
        plan(s)
        times.append((time.perf_counter() - t0) * 1000)
    scratch = []
    for fh, dec in changes[:100]:
        s = Situation(roster, PARAGRAPHS, fh, dec, ())
        t0 = time.perf_counter()
        plan(s)
        scratch.append((time.perf_counter() - t0) * 1000)

    times.sort()
    median = statistics.median(times)
    p99 = times[int(len(times) * 0.99) - 1]
    result = {"median_ms": median, "p99_ms": p99, "max_ms": times[-1], "scratch_median_ms": statistics.median(scratch)}
    print(f"engine re-plan after one change (61 seats, 40 ersättare, 30 förhinder, {PARAGRAPHS} §§, {rounds} changes)")
    print(f"  median {median:.3f} ms, p99 {p99:.3f} ms, max {times[-1]:.3f} ms")
    print(
        f"  target {TARGET_MS:.1f} ms: ratio median/target {median / TARGET_MS:.3f}, "
        f"p99/target {p99 / TARGET_MS:.3f}  -> {'OK' if p99 < TARGET_MS else 'OVER TARGET'}"
    )
    print(f"  (planning from scratch, no previous plan: median {result['scratch_median_ms']:.3f} ms)")
    return result


# -- a kommunfullmäktige of 101 seats (issue 11) -----------------------------------------------
KF_PARTIES = {"S": 34, "M": 25, "SD": 17, "V": 9, "C": 6, "L": 4, "KD": 3, "MP": 3}
KF_ERSATTARE = {"S": 18, "M": 14, "SD": 10, "V": 6, "C": 4, "L": 3, "KD": 3, "MP": 2}
KF_PARAGRAPHS = 80
KF_FORHINDER = 50


def kommunfullmaktige_case(rounds: int = 400) -> dict[str, float]:
    """101 seats, 60 ersättare, 80 paragraphs, 50 förhinder: the same measurement as :func:`main`."""
    rng = random.Random(2018_10_16)
    n = KF_PARAGRAPHS
    ersattare = [Member(f"Ers {p}{i}", p, "ersattare") for p, k in KF_ERSATTARE.items() for i in range(k)]
    seats = [Member(f"Led {p}{i}", p, "ledamot") for p, k in KF_PARTIES.items() for i in range(k)]
    assert len(seats) == 101 and len(ersattare) == 60
    roster = Roster(Committee("KF", "Kommunfullmäktige"), tuple(seats), tuple(ersattare), TURORDNING)

    def one() -> Forhinder:
        who = rng.choice(roster.ledamoter if rng.random() < 0.7 else roster.ersattare)
        shape = rng.random()
        if shape < 0.3:
            return Forhinder(who.key, 1, n)
        if shape < 0.55:
            return Forhinder(who.key, rng.randint(2, n), n)
        if shape < 0.8:
            return Forhinder(who.key, 1, rng.randint(1, n - 1))
        a = rng.randint(1, n)
        return Forhinder(who.key, a, min(n, a + rng.randint(0, 3)), jav=True)

    base = tuple(one() for _ in range(KF_FORHINDER))
    previous: tuple = ()
    for i in range(len(base)):
        previous = plan(Situation(roster, n, base[: i + 1], frozenset(), previous)).assignments
    changes: list[tuple[tuple[Forhinder, ...], frozenset[str]]] = []
    for _ in range(rounds):
        kind = rng.random()
        if kind < 0.6:
            changes.append((base + (one(),), frozenset()))
        elif kind < 0.8:
            drop = rng.randrange(len(base))
            changes.append((base[:drop] + base[drop + 1 :], frozenset()))
        else:
            changes.append((base, frozenset({rng.choice(roster.ersattare).key})))
    times = []
    for fh, dec in changes:
        s = Situation(roster, n, fh, dec, previous)
        t0 = time.perf_counter()
        plan(s)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    median = statistics.median(times)
    p99 = times[int(len(times) * 0.99) - 1]
    print(
        f"engine re-plan after one change (101 seats, 60 ersättare, {KF_FORHINDER} förhinder, {n} §§, {rounds} changes)"
    )
    print(f"  median {median:.3f} ms, p99 {p99:.3f} ms, max {times[-1]:.3f} ms")
    print(
        f"  target {TARGET_MS:.1f} ms: p99/target {p99 / TARGET_MS:.3f}"
        f"  -> {'OK' if p99 < TARGET_MS else 'OVER TARGET'}"
    )
    return {"median_ms": median, "p99_ms": p99, "max_ms": times[-1]}


# -- issue 15: a large council, and growth with the number of förhinder -----------------------


def scaled(seats: int, ersattare: int) -> Roster:
    """A nämnd of ``seats`` seats and ``ersattare`` ersättare, the parties in the proportions above."""
    total_seats, total_ers = sum(PARTIES.values()), sum(ERSATTARE.values())
    seat_n = {p: max(1, round(k * seats / total_seats)) for p, k in PARTIES.items()}
    seat_n["S"] += seats - sum(seat_n.values())
    ers_n = {p: max(1, round(k * ersattare / total_ers)) for p, k in ERSATTARE.items()}
    ers_n["S"] += ersattare - sum(ers_n.values())
    ers = [Member(f"Ers {p}{i}", p, "ersattare") for p, k in ers_n.items() for i in range(k)]
    by_party = {p: [e for e in ers if e.party == p] for p in ers_n}
    led = []
    for p, k in seat_n.items():
        for i in range(k):
            personal = (by_party[p][i % len(by_party[p])].key,) if i < 3 else ()
            led.append(Member(f"Led {p}{i}", p, "ledamot", personliga_ersattare=personal))
    assert len(led) == seats and len(ers) == ersattare
    return Roster(Committee("BIG", "Stora nämnden"), tuple(led), tuple(ers), TURORDNING)


def replan_times(roster: Roster, n_forhinder: int, rounds: int, seed: int = 15) -> list[float]:
    """CPU milliseconds per re-plan after one change, with ``n_forhinder`` förhinder standing."""
    rng = random.Random(seed)
    base = tuple(random_forhinder(rng, roster) for _ in range(n_forhinder))
    previous = plan(Situation(roster, PARAGRAPHS, base)).assignments
    times = []
    for _ in range(rounds):
        fh = base + (random_forhinder(rng, roster),) if rng.random() < 0.7 else base[1:]
        s = Situation(roster, PARAGRAPHS, fh, frozenset(), previous)
        t0 = time.process_time()  # CPU time: the engine is pure CPU, and the machine is shared
        plan(s)
        times.append((time.process_time() - t0) * 1000)
    times.sort()
    return times


def council(rounds: int = 200) -> dict[str, float]:
    """349 seats, 207 ersättare, 173 förhinder (a kommunfullmäktige-sized body): p99 under 5 ms."""
    times = replan_times(scaled(349, 207), 173, rounds)
    median, p99 = statistics.median(times), times[int(len(times) * 0.99) - 1]
    print(f"engine re-plan, 349 seats, 207 ersättare, 173 förhinder, {PARAGRAPHS} §§, {rounds} changes (CPU time)")
    print(
        f"  median {median:.3f} ms, p99 {p99:.3f} ms; p99/target {p99 / TARGET_MS:.3f}"
        f"  -> {'OK' if p99 < TARGET_MS else 'OVER TARGET'}"
    )
    return {"council_median_ms": median, "council_p99_ms": p99}


def growth(rounds: int = 60) -> dict[str, float]:
    """101 seats, 40 ersättare: the ersättare run out. Time per förhinder must not grow."""
    roster = scaled(101, 40)
    medians = {n: statistics.median(replan_times(roster, n, rounds)) for n in (25, 50, 100, 200)}
    print("engine growth with förhinder, 101 seats, 40 ersättare (they run out; CPU time)")
    for n, m in medians.items():
        print(f"  {n:>3} förhinder: median {m:.3f} ms ({1000 * m / n:.1f} µs per förhinder)")
    ratio = (medians[200] / 200) / (medians[25] / 25)
    print(
        f"  time per förhinder at 200 / at 25: {ratio:.2f} (linear: at most 1; "
        f"N^1.7 would be {8**0.7:.1f})  -> {'OK' if ratio <= 1.5 else 'GROWS FASTER THAN LINEAR'}"
    )
    return {f"growth_{n}_ms": m for n, m in medians.items()} | {"growth_ratio": ratio}


if __name__ == "__main__":
    r61 = main()
    r101 = kommunfullmaktige_case()
    print(
        f"re-plan median: 61 seats {r61['median_ms']:.3f} ms, 101 seats {r101['median_ms']:.3f} ms "
        f"(ratio {r101['median_ms'] / r61['median_ms']:.2f}); p99: {r61['p99_ms']:.3f} ms, {r101['p99_ms']:.3f} ms"
    )
    council()
    growth()

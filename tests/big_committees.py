"""Committees as large as Sweden's: a kommunfullmäktige of 101 seats and 60 ersättare, and a
member who sits in three committees of 40 meetings each (issue 11, point 6)."""

from __future__ import annotations

from datetime import date, timedelta

PARTIES = ["S", "M", "SD", "C", "V", "KD", "L", "MP"]
FIRST = ["Anna", "Bengt", "Cecilia", "Dragan", "Eva-Lena", "Fredrik", "Gunnel", "Hassan", "Ingrid", "Johan-Erik"]
LAST = [
    "Andersson",
    "Bergström",
    "Carlsson",
    "Davidsson",
    "Eriksson",
    "Fransson",
    "Gustafsson",
    "Hansson",
    "Isaksson",
    "Johansson",
    "Karlsson",
    "Lindqvist",
    "Mattsson",
    "Nilsson",
    "Olsson",
    "Persson",
    "Quist",
    "Rashid",
    "Svensson",
    "Törnqvist",
]
SECRETARY = "U0SEKR0001"
SECRETARIES_CHANNEL = "C0SEKRETER"
MEMBER = "U0MEDLEM01"  # the member of all three committees: the first ledamot of each
FIRST_MEETING = date(2020, 1, 14)


def person(i: int, kind: str) -> str:
    """Everyone has a name of their own (ledamöter and ersättare from different ends of the lists)."""
    k = i if kind == "L" else 199 - i
    return f"{FIRST[k % len(FIRST)]} {LAST[(k // len(FIRST)) % len(LAST)]}"


def slack_of(short: str, i: int, kind: str) -> str:
    return MEMBER if (i, kind) == (0, "L") else f"U{short[:3]}{kind}{i:04d}"


def roster(short: str, name: str, seats: int = 101, ersattare: int = 60) -> str:
    lines = [
        "[committee]",
        f'name = "{name}"',
        f'short = "{short}"',
        'default_start = "18:00"',
        f'channel = "C0{short}KANAL"',
        f'secretaries = ["{SECRETARY}"]',
        f'secretaries_channel = "{SECRETARIES_CHANNEL}"',
        "",
    ]
    for i in range(seats):
        role = "ordförande" if i == 0 else "ledamot"
        party = PARTIES[i % len(PARTIES)]
        lines += ["[[ledamot]]", f'name = "{person(i, "L")}"', f'party = "{party}"', f'role = "{role}"']
        lines += [f'slack = "{slack_of(short, i, "L")}"', ""]
    for i in range(ersattare):
        party = PARTIES[i % len(PARTIES)]
        lines += ["[[ersattare]]", f'name = "{person(i, "E")}"', f'party = "{party}"']
        lines += [f'slack = "{slack_of(short, i, "E")}"', ""]
    lines += ["[turordning]"] + [f"{p} = {[q for q in PARTIES if q != p]}".replace("'", '"') for p in PARTIES]
    return "\n".join(lines) + "\n"


COMMITTEES = [("KF", "Kommunfullmäktige"), ("KS", "Kommunstyrelsen"), ("BUN", "Barn- och utbildningsnämnden")]


def meeting_days(n: int = 40, start: date = FIRST_MEETING) -> list[date]:
    return [start + timedelta(weeks=k) for k in range(n)]


async def fill(service, *, meetings: int = 40, paragraphs: int = 80, forhinder: int = 50) -> date:
    """Three committees of 101 seats and 60 ersättare, 40 meetings each; at the first meeting of KF
    (80 paragraphs) 50 förhinder, ten of them for part of it. Returns that meeting's date."""
    for short, name in COMMITTEES:
        await service.import_roster(roster(short, name), "test")
        for k, day in enumerate(meeting_days(meetings)):
            note = "Budget och verksamhetsplan för kommande år med långsiktig inriktning" if k % 5 == 0 else None
            await service.add_meeting(short, day, paragraphs=paragraphs, note=note, actor="test")
    day = FIRST_MEETING
    for i in range(1, forhinder + 1):
        if i % 5 == 0:
            await service.add_forhinder("KF", day, person(i, "L"), until_paragraph=40, actor="test")
        else:
            await service.add_forhinder("KF", day, person(i, "L"), actor="test")
    return day

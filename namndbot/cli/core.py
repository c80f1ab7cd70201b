"""What the commands share: argument types, the clock, the service over the command's database, and
how a change of plan is printed. Each command group has its module (roster, sammantrade, tjanstgoring,
forhinder, ersattare, narvaro, kalender, justering ...).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from ..domain.dates import DateError, klockslag, parse_iso_date, parse_time, svensk_datum
from ..domain.names import obs
from ..domain.paragraphs import span_words
from ..services import NamndService, PlanChange, utcnow
from ..storage import open_database
from . import Context, Parser


def iso_date(text: str):
    try:
        return parse_iso_date(text)
    except DateError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def clock_time(text: str):
    try:
        return parse_time(text)
    except DateError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def positive(text: str) -> int:
    if not re.fullmatch(r"\s*\d{1,4}\s*", text or "") or int(text) < 1:
        raise argparse.ArgumentTypeError(f"”{text}” ska vara ett positivt heltal (högst 9999)")
    return int(text)


def paragraph_range(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*§?\s*(\d{1,4})\s*(?:[-–]\s*(\d{1,4}))?\s*", text or "")
    if not m:
        raise argparse.ArgumentTypeError(f"”{text}” är inget paragrafintervall; skriv t.ex. 7-7 eller 11-14")
    a, b = int(m.group(1)), int(m.group(2) or m.group(1))
    if a < 1 or b < a:
        raise argparse.ArgumentTypeError(f"”{text}”: intervallet ska gå från en lägre till en högre paragraf")
    return a, b


def paragraph_count(text: str) -> tuple[int | None, int]:
    """``--paragraphs 26`` (§§ 1–26, or through the year) or ``--paragraphs 194-219`` (the protocol's own
    numbers): ``(first or None, count)``."""
    if re.fullmatch(r"\s*\d{1,4}\s*", text or ""):
        return None, positive(text)
    try:
        a, b = paragraph_range(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"”{text}” ska vara ett positivt heltal (antalet paragrafer, t.ex. 26) eller protokollets "
            "paragrafnummer (t.ex. 194-219)"
        ) from None
    return a, b - a + 1


def now() -> datetime:
    """The commands' clock (the tests move it to a meeting's day)."""
    return utcnow()


@asynccontextmanager
async def service_for(ctx: Context) -> AsyncIterator[NamndService]:
    """The service over the database the command names, closed when the command is done."""
    db = await open_database(ctx.db_path).connect()
    try:
        yield NamndService(db, lambda: now(), default_timezone=ctx.settings.timezone)
    finally:
        await db.close()


def meeting_date(p: argparse.ArgumentParser) -> None:
    """``DATE`` or ``--meeting DATE``: the meeting subcommands take the date either way (the other
    commands name the meeting with ``--meeting DATE``), into ``args.date``."""
    p.add_argument(
        "date", nargs="?", type=iso_date, metavar="DATE", help="sammanträdets datum, ÅÅÅÅ-MM-DD (eller --meeting DATE)"
    )
    p.add_argument("--meeting", dest="meeting_flag", type=iso_date, metavar="DATE", help="samma som DATE")

    def check(args: argparse.Namespace) -> str | None:
        positional, flag = args.date, args.meeting_flag
        if positional and flag and positional != flag:
            return f"två olika datum: {positional.isoformat()} och --meeting {flag.isoformat()}; ange ett"
        if not (positional or flag):
            return "följande saknas: DATE (sammanträdets datum, t.ex. 2019-11-26 eller --meeting 2019-11-26)"
        args.date = positional or flag
        return None

    if isinstance(p, Parser):
        p.checks.append(check)


def meeting_words(m) -> str:
    return f"{svensk_datum(m.date)} {klockslag(m.start)}"


def print_change(ctx: Context, change: PlanChange) -> None:
    n = change.plan.paragraphs
    reasons: dict[str, str] = {}
    for a in change.plan.assignments:
        reasons.setdefault(a.ersattare, a.explanation)
    for call in change.called:
        ctx.out(f"Inkallas: {call.describe(n, change.plan.base)} ({reasons.get(call.ersattare.key, '')}).")
    for call in change.changed:
        ctx.out(f"Ändrad inkallelse: {call.describe(n, change.plan.base)}.")
    for member in change.released:
        why = " (en ersättare för platsens eget parti tar över)" if member in change.displaced else ""
        ctx.out(f"Behövs inte längre: {member.label}{why}.")
    for v in change.plan.vacancies:
        where = span_words(v.first, v.last, n, base=change.plan.base)
        seat = change.roster.by_key()[v.seat]
        ctx.warn(obs(f"Platsen för {seat.label} är vakant ({where}): ingen ersättare kan kallas in."))
    for first, last in change.plan.not_quorate:
        where = span_words(first, last, n, base=change.plan.base)
        ctx.warn(obs(f"Nämnden är inte beslutför ({where}): högst hälften av platserna är besatta."))


__all__ = [
    "clock_time",
    "iso_date",
    "meeting_date",
    "meeting_words",
    "now",
    "paragraph_count",
    "paragraph_range",
    "positive",
    "print_change",
    "service_for",
]

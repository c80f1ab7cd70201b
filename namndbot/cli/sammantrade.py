"""``meeting add|cancel|list`` and the meeting under way: ``meeting start|present|paragraph``."""

from __future__ import annotations

import argparse

from ..domain.dates import klockslag
from ..domain.names import antal, join_names, match_name, obs
from ..services import PlanChange
from . import Context
from .core import clock_time, meeting_date, meeting_words, paragraph_count, positive, print_change, service_for


def register(sub: argparse._SubParsersAction) -> None:
    meeting = sub.add_parser("meeting", help="sammanträden")
    msub = meeting.add_subparsers(dest="action", metavar="ÅTGÄRD", required=True)
    p = msub.add_parser("add", help="lägg till ett sammanträde, eller ändra det som finns det datumet")
    p.add_argument(
        "--committee", required=True, metavar="SHORT", help="nämndens förkortning (short i rostern), t.ex. AMN"
    )
    meeting_date(p)
    p.add_argument(
        "--time", type=clock_time, metavar="HH:MM", help="starttid, t.ex. 16:00 (annars nämndens default_start)"
    )
    p.add_argument(
        "--paragraphs",
        type=paragraph_count,
        metavar="N|A-B",
        help="antal paragrafer (N), eller protokollets paragrafnummer (A-B, t.ex. 194-219)",
    )
    p.add_argument("--location", metavar="TEXT", help="plats, t.ex. Sessionssalen, Stadshuset")
    p.add_argument("--note", metavar="TEXT", help="huvudärende eller anteckning")
    p.set_defaults(handler=meeting_add)
    p = msub.add_parser("cancel", help="ställ in ett sammanträde")
    p.add_argument(
        "--committee", required=True, metavar="SHORT", help="nämndens förkortning (short i rostern), t.ex. AMN"
    )
    meeting_date(p)
    p.set_defaults(handler=meeting_cancel)
    p = msub.add_parser("list", help="lista en nämnds sammanträden")
    p.add_argument(
        "--committee", required=True, metavar="SHORT", help="nämndens förkortning (short i rostern), t.ex. AMN"
    )
    p.add_argument("--year", type=positive, metavar="YYYY", help="bara sammanträden detta år")
    p.set_defaults(handler=meeting_list)

    p = msub.add_parser("start", help="öppna sammanträdet med de ersättare som är närvarande")
    p.add_argument(
        "--committee", required=True, metavar="SHORT", help="nämndens förkortning (short i rostern), t.ex. AMN"
    )
    meeting_date(p)
    p.add_argument("--present", action="append", default=[], metavar="NAME", help="en närvarande ersättare (upprepa)")
    p.set_defaults(handler=meeting_start)
    p = msub.add_parser("present", help="en ersättare som kommer efter att sammanträdet har börjat")
    p.add_argument(
        "--committee", required=True, metavar="SHORT", help="nämndens förkortning (short i rostern), t.ex. AMN"
    )
    meeting_date(p)
    p.add_argument(
        "name",
        metavar="NAME",
        help="personens namn; skiftläge och diakritiska tecken spelar ingen roll, och ord får kortas (westm)",
    )
    p.set_defaults(handler=meeting_present)
    p = msub.add_parser("paragraph", help="nu behandlas § N: ändringar gäller från nästa paragraf")
    p.add_argument(
        "--committee", required=True, metavar="SHORT", help="nämndens förkortning (short i rostern), t.ex. AMN"
    )
    meeting_date(p)
    p.add_argument("number", type=positive, metavar="N", help="paragrafen som behandlas nu (protokollets nummer)")
    p.set_defaults(handler=meeting_paragraph)


async def meeting_add(args: argparse.Namespace, ctx: Context) -> int:
    async with service_for(ctx) as service:
        result = await service.add_meeting(
            args.committee,
            args.date,
            start=args.time,
            paragraphs=args.paragraphs[1] if args.paragraphs else None,
            first_paragraph=args.paragraphs[0] if args.paragraphs else None,
            location=args.location,
            note=args.note,
            actor=ctx.actor,
        )
    m = result.meeting
    extra = f", {antal(m.paragraphs, 'paragraf', 'paragrafer')}" if m.paragraphs else ""
    if m.paragraphs and m.first_paragraph != 1:
        extra += f" ({m.range_text})"
    if result.created:
        ctx.out(f"Sammanträdet {meeting_words(m)} är tillagt{extra}.")
    elif result.changed:
        ctx.out(f"Sammanträdet {meeting_words(m)} är ändrat{extra}.")
    else:
        ctx.out(f"Sammanträdet {meeting_words(m)} finns redan så; inget har ändrats.")
    if result.replan:
        print_change(ctx, result.replan)
    for w in result.warnings:
        ctx.warn(obs(w))
    return 0


async def meeting_cancel(args: argparse.Namespace, ctx: Context) -> int:
    async with service_for(ctx) as service:
        result = await service.cancel_meeting(args.committee, args.date, actor=ctx.actor)
    if result.changed:
        ctx.out(f"Sammanträdet {meeting_words(result.meeting)} är inställt.")
    else:
        ctx.out(f"Sammanträdet {meeting_words(result.meeting)} var redan inställt.")
    if result.replan:
        print_change(ctx, result.replan)
    return 0


async def meeting_list(args: argparse.Namespace, ctx: Context) -> int:
    from datetime import date

    async with service_for(ctx) as service:
        start = date(args.year, 1, 1) if args.year else None
        end = date(args.year, 12, 31) if args.year else None
        meetings = await service.meetings(args.committee, start=start, end=end)
    if not meetings:
        ctx.out("Inga sammanträden.")
    for m in meetings:
        status = " (inställt)" if m.cancelled else ""
        note = f": {m.note}" if m.note else ""
        where = f", {m.location}" if m.location else ""
        ctx.out(f"{m.date.isoformat()} {klockslag(m.start)}{where}{note}{status}")
    return 0


async def meeting_start(args: argparse.Namespace, ctx: Context) -> int:
    async with service_for(ctx) as service:
        change = await service.start_meeting(args.committee, args.date, args.present, actor=ctx.actor)
    present = join_names(_ersattare(change, args.present)) if args.present else "inga ersättare"
    ctx.out(f"Sammanträdet {meeting_words(change.meeting)} är öppnat; närvarande ersättare: {present}.")
    print_change(ctx, change)
    return 0


async def meeting_present(args: argparse.Namespace, ctx: Context) -> int:
    async with service_for(ctx) as service:
        change = await service.present(args.committee, args.date, args.name, actor=ctx.actor)
    m = change.meeting
    ctx.out(f"Närvarande från § {m.nr(m.current_paragraph + 1)}: {_ersattare(change, [args.name])[0]}.")
    print_change(ctx, change)
    return 0


def _ersattare(change: PlanChange, typed: list[str]) -> list[str]:
    """The names as the roster spells them (the service has already accepted what was typed)."""
    return [match_name(t, change.roster.ersattare, lambda m: m.name, what="ersättare").label for t in typed]


async def meeting_paragraph(args: argparse.Namespace, ctx: Context) -> int:
    async with service_for(ctx) as service:
        meeting = await service.paragraph(args.committee, args.date, args.number, actor=ctx.actor)
    now_at = meeting.nr(meeting.current_paragraph)
    ctx.out(f"Nu behandlas § {now_at}; ändringar gäller från § {now_at + 1}.")
    return 0

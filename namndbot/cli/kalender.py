"""``kalender import``, ``kalender ics`` and ``kalender token``."""

from __future__ import annotations

import argparse
import sys

from ..domain.dates import klockslag, svensk_datum
from ..domain.names import obs
from ..services.documents import read_document
from ..services.feeds import FeedService
from . import Context
from .core import committee_arg, name_arg, positive, service_for


def register(sub: argparse._SubParsersAction) -> None:
    kal = sub.add_parser("kalender", help="sammanträdestider och kalenderflöden")
    ksub = kal.add_subparsers(dest="action", metavar="ÅTGÄRD", required=True)
    p = ksub.add_parser("import", help="läs in nämndens beslut om sammanträdestider (text eller PDF)")
    p.add_argument("--committee", required=True, metavar="SHORT", help="nämndens förkortning, t.ex. AMN")
    p.add_argument("file", metavar="FILE", help="beslutet som text (.txt) eller PDF")
    p.add_argument("--year", type=positive, metavar="YYYY", help="året, om det inte står i texten")
    p.add_argument("--dry-run", action="store_true", help="visa vad som skulle ändras, utan att spara något")
    p.set_defaults(handler=kalender_import)
    p = ksub.add_parser("ics", help="skriv ett kalenderflöde (iCalendar) till stdout")
    committee_arg(p)
    p.add_argument("--member", metavar="NAME", help="en ledamots eller ersättares eget flöde")
    p.set_defaults(handler=kalender_ics)
    p = ksub.add_parser("token", help="visa (eller byt) en ledamots hemliga kalenderlänk")
    committee_arg(p)
    name_arg(p)
    p.add_argument("--rotate", action="store_true", help="gör en ny länk; den gamla slutar fungera")
    p.set_defaults(handler=kalender_token)


def _when(m) -> str:
    text = f"{svensk_datum(m.date)} {klockslag(m.start)}"
    return f"{text} – {m.note}" if m.note else text


async def kalender_import(args: argparse.Namespace, ctx: Context) -> int:
    from ..services.schedule import import_schedule

    text = read_document(args.file)
    async with service_for(ctx) as service:
        report = await import_schedule(
            service, args.committee, text, year=args.year, actor=ctx.actor, dry_run=args.dry_run
        )
    years = "/".join(str(y) for y in report.years)
    if report.dry_run:
        ctx.out("Provkörning (--dry-run): inget sparas.")
    ctx.out(
        f"Sammanträdestider {years} för {report.committee}: {len(report.added)} nya, "
        f"{len(report.moved)} flyttade, {len(report.changed)} ändrade, {len(report.cancelled)} inställda, "
        f"{len(report.unchanged)} oförändrade."
    )
    ctx.out(
        f"Beslutet gäller {svensk_datum(report.first, weekday=False)}–{svensk_datum(report.last, weekday=False)};"
        " sammanträden före och efter lämnas orörda."
    )
    for m in report.added:
        ctx.out(f"  Nytt: {_when(m)}" + (" (inställt)" if m.cancelled else ""))
    for old, m in report.moved:
        ctx.out(f"  Flyttat från {svensk_datum(old)} till {_when(m)}")
    for m in report.changed:
        ctx.out(f"  Ändrat: {_when(m)}")
    for m in report.cancelled:
        ctx.out(f"  Inställt: {_when(m)}")
    if report.forhinder_on_moved:
        ctx.warn(
            obs(
                f"{report.forhinder_on_moved} anmälda förhinder gäller flyttade sammanträden; "
                "kontrollera att de fortfarande stämmer."
            )
        )
    if report.nothing_changed:
        ctx.out("Inget har ändrats." if not report.dry_run else "Inget skulle ändras.")
    return 0


async def kalender_ics(args: argparse.Namespace, ctx: Context) -> int:
    from ..calendar.feeds import committee_feed, personal_feed
    from ..domain.errors import NotFound

    async with service_for(ctx) as service:
        feeds = FeedService(service)
        if args.member:
            body = personal_feed(await feeds.personal_by_name(args.committee, args.member)).body
        else:
            found = await feeds.committee_meetings(args.committee)
            if found is None:
                await service.roster(args.committee)  # raises the Swedish "finns inte"
                raise NotFound(f"Nämnden ”{args.committee}” finns inte.")
            body = committee_feed(*found).body
    sys.stdout.flush()
    sys.stdout.buffer.write(body)
    sys.stdout.buffer.flush()
    return 0


async def kalender_token(args: argparse.Namespace, ctx: Context) -> int:
    from ..calendar.web import feed_urls

    async with service_for(ctx) as service:
        member, token, created = await FeedService(service).token(
            args.committee, args.name, rotate=args.rotate, actor=ctx.actor
        )
    https, webcal = feed_urls(ctx.settings.public_base_url, token)
    if args.rotate:
        ctx.out(f"Ny kalenderlänk för {member.label} (den gamla fungerar inte längre):")
    else:
        ctx.out(f"Kalenderlänk för {member.label}:")
    ctx.out(https)
    ctx.out(webcal)
    return 0

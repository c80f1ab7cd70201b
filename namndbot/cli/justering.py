"""``justering set | import | show | done`` and ``skrivelse parse | post``."""

from __future__ import annotations

import argparse
import json

from ..domain.dates import svensk_datum
from ..domain.errors import NamndbotError
from ..domain.names import join_names, obs
from ..domain.paragraphs import format_numbers
from ..domain.skrivelse import parse_svar
from ..services.documents import read_document
from ..services.justering import JusteringService, JusteringView
from ..services.skrivelse import SkrivelseService
from . import Context
from .core import committee_arg, iso_date, meeting_arg, service_for


def register(sub: argparse._SubParsersAction) -> None:
    jus = sub.add_parser("justering", help="justerare, justeringsdag och lagens frister")
    jsub = jus.add_subparsers(dest="action", metavar="ÅTGÄRD", required=True)
    p = jsub.add_parser("set", help="ange justerare och justeringsdag")
    committee_arg(p)
    meeting_arg(p)
    p.add_argument("--justerare", action="append", default=[], metavar="NAME", help="två gånger, en per justerare")
    p.add_argument("--date", required=True, type=iso_date, metavar="DATE", help="justeringsdagen")
    p.set_defaults(handler=justering_set)
    p = jsub.add_parser("import", help="läs justerare, justeringsdag och omedelbart justerade § ur protokollet")
    committee_arg(p)
    p.add_argument("file", metavar="FILE", help="protokollet (text eller PDF) med justeringsparagrafen")
    p.add_argument("--meeting", type=iso_date, metavar="DATE", help="om protokollet inte säger vilket sammanträde")
    p.set_defaults(handler=justering_import)
    p = jsub.add_parser("show", help="visa justeringen och datumen för anslag och överklagande")
    committee_arg(p)
    meeting_arg(p)
    p.add_argument("--format", choices=("text", "json"), default="text", help="utdata: text (läsbar) eller json")
    p.set_defaults(handler=justering_show)
    p = jsub.add_parser("done", help="protokollet är justerat")
    committee_arg(p)
    meeting_arg(p)
    p.add_argument("--date", type=iso_date, metavar="DATE", help="dagen det justerades (annars i dag)")
    p.add_argument("--anslag", type=iso_date, metavar="DATE", help="dagen anslaget sattes upp")
    p.set_defaults(handler=justering_done)

    skr = sub.add_parser("skrivelse", help="svar på skrivelser")
    ssub = skr.add_subparsers(dest="action", metavar="ÅTGÄRD", required=True)
    p = ssub.add_parser("parse", help="läs ett svar på skrivelse (text eller PDF) och visa fälten")
    p.add_argument("file", metavar="FILE", help="svaret på skrivelsen (text eller PDF)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="utdata: text (läsbar) eller json")
    p.set_defaults(handler=skrivelse_parse, uses_db=False)
    p = ssub.add_parser("post", help="publicera ett nytt svar på skrivelse i nämndens kanal (en gång)")
    p.add_argument("file", metavar="FILE", help="svaret på skrivelsen (text eller PDF)")
    p.add_argument("--committee", metavar="SHORT", help="behövs om det finns flera nämnder")
    p.set_defaults(handler=skrivelse_post)


def _print_view(ctx: Context, view: JusteringView) -> None:
    d = view.as_dict()
    m = view.meeting
    ctx.out(f"Protokollet från {view.committee.committee.name}s sammanträde {svensk_datum(m.date)}")

    def day(key: str) -> str:
        from datetime import date

        return svensk_datum(date.fromisoformat(d[key])) if d.get(key) else "–"

    names = join_names(f"{p['name']} ({p['party']})" for p in d["justerare"]) or "–"
    ctx.out(f"  Justerare:               {names}")
    ctx.out(
        f"  Justering:               {day('justering')}" + (f" (justerat {day('justerad')})" if d["justerad"] else "")
    )
    ctx.out(f"  Anslag senast:           {day('anslag_senast')}")
    basis = f"räknat från anslaget {day('anslag')}" if d["anslag"] else "räknat från anslag senast"
    ctx.out(f"  Sista dag att överklaga: {day('overklagande_sista_dag')} ({basis})")
    ctx.out(f"  Anslaget ned tidigast:   {day('anslag_ned_tidigast')}")
    ctx.out(f"  Justerat senast (lag):   {day('justering_senast_enligt_lag')}")
    if d["omedelbart_justerade"]:
        ctx.out(f"  Omedelbart justerade:    {format_numbers(d['omedelbart_justerade'])}")
    if view.late and not view.row.justerad:
        ctx.warn(
            obs(
                f"Justeringsdagen {day('justering')} är senare än lagens gräns, {day('justering_senast_enligt_lag')} "
                "(14 dagar efter sammanträdet, KL 6 kap. 35 §)."
            )
        )
    for w in view.warnings:
        ctx.warn(obs(w))


async def justering_set(args: argparse.Namespace, ctx: Context) -> int:
    async with service_for(ctx) as service:
        view = await JusteringService(service).set(
            args.committee, args.meeting, args.justerare, args.date, actor=ctx.actor
        )
    _print_view(ctx, view)
    return 0


async def justering_import(args: argparse.Namespace, ctx: Context) -> int:
    text = read_document(args.file)
    async with service_for(ctx) as service:
        view = await JusteringService(service).import_protocol(
            args.committee, text, meeting_day=args.meeting, actor=ctx.actor
        )
    _print_view(ctx, view)
    return 0


async def justering_show(args: argparse.Namespace, ctx: Context) -> int:
    async with service_for(ctx) as service:
        view = await JusteringService(service).show(args.committee, args.meeting)
    if args.format == "json":
        ctx.out(json.dumps(view.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print_view(ctx, view)
    return 0


async def justering_done(args: argparse.Namespace, ctx: Context) -> int:
    async with service_for(ctx) as service:
        view = await JusteringService(service).done(
            args.committee, args.meeting, on=args.date, anslag=args.anslag, actor=ctx.actor
        )
    _print_view(ctx, view)
    return 0


async def skrivelse_parse(args: argparse.Namespace, ctx: Context) -> int:
    svar = parse_svar(read_document(args.file))
    data = svar.as_dict()
    if args.format == "json":
        ctx.out(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    ctx.out(data["title"])
    if data["dnr"]:
        ctx.out(f"Dnr: {data['dnr']}")
    if data["skrivelse_date"]:
        ctx.out(f"Skrivelsen daterad: {data['skrivelse_date']}")
    ctx.out(
        "Från: " + ", ".join(f"{a['name']}{' m.fl.' if a['others'] else ''} ({a['party']})" for a in data["authors"])
    )
    for q in data["questions"]:
        ctx.out(f"  • {q}")
    if data["proposal"]:
        ctx.out(f"Förslag till beslut: {data['proposal']}")
    if data["signed_by"]:
        ctx.out(
            f"Undertecknat av: {join_names(data['signed_by'])}"
            + (f", {data['signed_date']}" if data["signed_date"] else "")
        )
    return 0


async def skrivelse_post(args: argparse.Namespace, ctx: Context) -> int:
    text = read_document(args.file)
    async with service_for(ctx) as service:
        result = await SkrivelseService(service).post(
            text,
            committee=args.committee,
            source=f"cli: {args.file}",
            actor=ctx.actor,
            tell_secretaries_on_failure=False,
        )
    if result.error:
        raise NamndbotError(f"Dokumentet kunde inte läsas som ett svar på skrivelse: {result.error}")
    if result.duplicate:
        ctx.out("Det här svaret har redan publicerats; det publiceras inte igen.")
        return 0
    assert result.svar is not None
    where = f" till sammanträdet {svensk_datum(result.meeting.date)}" if result.meeting else ""
    ctx.out(f"Publiceras i {result.committee}:s kanal{where}: {result.svar.title}.")
    if result.authors_on_roster:
        ctx.out(f"Författarna får ett meddelande: {join_names(result.authors_on_roster)}.")
    ctx.out("(Boten skickar det när den kör: namndbot run.)")
    return 0

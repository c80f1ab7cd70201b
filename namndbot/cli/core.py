"""``roster``, ``meeting``, ``forhinder``, ``ersattare`` and ``narvaro``."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from ..domain.dates import DateError, klockslag, parse_iso_date, parse_time, svensk_datum
from ..domain.errors import NamndbotError
from ..domain.model import CHAIR_ROLES
from ..domain.names import antal, join_names, match_name, obs
from ..domain.paragraphs import span_words
from ..services import ForhinderResult, NamndService, PlanChange
from ..services.core import utcnow
from ..services.documents import file_bytes
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


def read_text(path: str) -> str:
    """A roster file: TOML is UTF-8 by definition, so no guessing here (unlike read_document)."""
    data = file_bytes(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NamndbotError(f"Filen {path} är inte text i UTF-8.") from None


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


def register(sub: argparse._SubParsersAction) -> None:
    # roster
    roster = sub.add_parser("roster", help="rostern: ledamöter, ersättare och turordning")
    rsub = roster.add_subparsers(dest="action", metavar="ÅTGÄRD", required=True)
    p = rsub.add_parser("import", help="importera eller uppdatera en nämnds roster från en TOML-fil")
    p.add_argument("file", metavar="FILE.toml", help="rosterfilen (TOML)")
    p.set_defaults(handler=roster_import, creates_db=True)
    p = rsub.add_parser("show", help="visa en nämnds roster")
    p.add_argument(
        "--committee", required=True, metavar="SHORT", help="nämndens förkortning (short i rostern), t.ex. AMN"
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="utdata: text (läsbar) eller json")
    p.set_defaults(handler=roster_show)

    # meeting
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

    # tjänstgöring (arvode)
    tj = sub.add_parser("tjanstgoring", help="vem som tjänstgjorde, för arvodena")
    tsub = tj.add_subparsers(dest="action", metavar="ÅTGÄRD", required=True)
    p = tsub.add_parser("export", help="alla som tjänstgjort eller varit närvarande, per sammanträde")
    p.add_argument(
        "--committee", required=True, metavar="SHORT", help="nämndens förkortning (short i rostern), t.ex. AMN"
    )
    p.add_argument("--from", dest="start", required=True, type=iso_date, metavar="DATE", help="första dag, ÅÅÅÅ-MM-DD")
    p.add_argument("--to", dest="end", required=True, type=iso_date, metavar="DATE", help="sista dag, ÅÅÅÅ-MM-DD")
    p.add_argument("--format", choices=("csv", "json"), default="csv", help="utdata: csv (för Excel) eller json")
    p.set_defaults(handler=tjanstgoring_export)

    # förhinder
    forhinder = sub.add_parser("forhinder", help="anmäl eller återkalla förhinder")
    fsub = forhinder.add_subparsers(dest="action", metavar="ÅTGÄRD", required=True)
    p = fsub.add_parser("add", help="anmäl förhinder för en ledamot eller ersättare")
    p.add_argument(
        "--committee", required=True, metavar="SHORT", help="nämndens förkortning (short i rostern), t.ex. AMN"
    )
    p.add_argument("--meeting", required=True, type=iso_date, metavar="DATE", help="sammanträdets datum, ÅÅÅÅ-MM-DD")
    p.add_argument(
        "name",
        metavar="NAME",
        help="personens namn; skiftläge och diakritiska tecken spelar ingen roll, och ord får kortas (westm)",
    )
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--until-paragraph", type=positive, metavar="N", help="närvarande t.o.m. § N, förhinder därefter"
    )
    group.add_argument("--from-paragraph", type=positive, metavar="N", help="förhinder före § N, kommer till § N")
    group.add_argument(
        "--paragraphs", type=paragraph_range, metavar="A-B", help="förhinder bara §§ A–B (t.ex. 7-7 eller 11-14)"
    )
    p.add_argument("--jav", action="store_true", help="förhindret är jäv (med --paragraphs)")
    p.set_defaults(handler=forhinder_add)
    p = fsub.add_parser("remove", help="återkalla en förhinder")
    p.add_argument(
        "--committee", required=True, metavar="SHORT", help="nämndens förkortning (short i rostern), t.ex. AMN"
    )
    p.add_argument("--meeting", required=True, type=iso_date, metavar="DATE", help="sammanträdets datum, ÅÅÅÅ-MM-DD")
    p.add_argument(
        "name",
        metavar="NAME",
        help="personens namn; skiftläge och diakritiska tecken spelar ingen roll, och ord får kortas (westm)",
    )
    p.set_defaults(handler=forhinder_remove)
    from .forhinder_lista import register_list

    register_list(fsub)

    # ersättare
    ers = sub.add_parser("ersattare", help="ersättarnas svar på inkallelser")
    esub = ers.add_subparsers(dest="action", metavar="ÅTGÄRD", required=True)
    p = esub.add_parser("decline", help="en ersättare kan inte tjänstgöra: kalla nästa i turordningen")
    p.add_argument(
        "--committee", required=True, metavar="SHORT", help="nämndens förkortning (short i rostern), t.ex. AMN"
    )
    p.add_argument("--meeting", required=True, type=iso_date, metavar="DATE", help="sammanträdets datum, ÅÅÅÅ-MM-DD")
    p.add_argument(
        "name",
        metavar="NAME",
        help="personens namn; skiftläge och diakritiska tecken spelar ingen roll, och ord får kortas (westm)",
    )
    p.set_defaults(handler=ersattare_decline)
    p = esub.add_parser(
        "accept", help="en inkallad ersättare har svarat ja utanför boten (per telefon, e-post): registrera det"
    )
    p.add_argument(
        "--committee", required=True, metavar="SHORT", help="nämndens förkortning (short i rostern), t.ex. AMN"
    )
    p.add_argument("--meeting", required=True, type=iso_date, metavar="DATE", help="sammanträdets datum, ÅÅÅÅ-MM-DD")
    p.add_argument(
        "name",
        metavar="NAME",
        help="personens namn; skiftläge och diakritiska tecken spelar ingen roll, och ord får kortas (westm)",
    )
    p.set_defaults(handler=ersattare_accept)

    # närvaro
    p = sub.add_parser("narvaro", help="protokollets avsnitt Närvarande")
    p.add_argument(
        "--committee", required=True, metavar="SHORT", help="nämndens förkortning (short i rostern), t.ex. AMN"
    )
    p.add_argument("--meeting", required=True, type=iso_date, metavar="DATE", help="sammanträdets datum, ÅÅÅÅ-MM-DD")
    p.add_argument("--format", choices=("text", "json"), default="text", help="utdata: text (läsbar) eller json")
    p.set_defaults(handler=narvaro)


# -- handlers --------------------------------------------------------------------
async def roster_import(args: argparse.Namespace, ctx: Context) -> int:
    text = read_text(args.file)
    async with service_for(ctx) as service:
        report = await service.import_roster(text, ctx.actor)
        roster = await service.roster(report.committee)
    c = roster.committee
    verb = "importerad" if report.created else "uppdaterad"
    ctx.out(
        f"Rostern för {c.name} ({c.short}) är {verb}: "
        f"{antal(len(roster.ledamoter), 'ledamot', 'ledamöter')} och {len(roster.ersattare)} ersättare."
    )
    if not report.created:
        if report.added:
            ctx.out(f"Nya: {join_names(report.added)}.")
        if report.updated:
            ctx.out(f"Ändrade: {join_names(report.updated)}.")
        if report.retired:
            ctx.out(f"Har lämnat nämnden (historiken finns kvar): {join_names(report.retired)}.")
        if report.committee_changed:
            ctx.out(
                "Nämndens inställningar är ändrade; de gäller sammanträden som inte har hållits "
                "(ett hållet sammanträde behåller dem det hölls med)."
            )
        if not (report.added or report.updated or report.retired or report.committee_changed):
            ctx.out("Inget har ändrats.")
    for change in report.replanned:
        print_change(ctx, change)
    for w in report.warnings:
        ctx.warn(f"Varning: {w}")
    return 0


async def roster_show(args: argparse.Namespace, ctx: Context) -> int:
    async with service_for(ctx) as service:
        roster = await service.roster(args.committee)
    c = roster.committee
    if args.format == "json":

        def person(m):
            d = {"name": m.name, "party": m.party}
            if m.is_ledamot:
                d["role"] = m.role
                if m.personliga_ersattare:
                    by_key = roster.by_key()
                    d["personliga_ersattare"] = [by_key[k].name for k in m.personliga_ersattare]
            if m.slack:
                d["slack"] = m.slack
            if m.email:
                d["email"] = m.email
            if m.kontakt:
                d["kontakt"] = m.kontakt
            return d

        ctx.out(
            json.dumps(
                {
                    "committee": {
                        "name": c.name,
                        "short": c.short,
                        "timezone": c.timezone,
                        "default_start": c.default_start.strftime("%H:%M"),
                    },
                    "ledamot": [person(m) for m in roster.ledamoter],
                    "ersattare": [person(m) for m in roster.ersattare],
                    "turordning": {k: list(v) for k, v in roster.turordning.items()},
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    ctx.out(f"{c.name} ({c.short}), sammanträden {klockslag(c.default_start)} ({c.timezone})")
    ctx.out("")
    ctx.out("Ledamöter, i platsordning")
    by_key = roster.by_key()
    for i, m in enumerate(roster.ledamoter, start=1):
        extra = f", {m.role}" if m.role in CHAIR_ROLES else ""
        personal = ""
        if m.personliga_ersattare:
            personal = f"; personliga ersättare: {join_names(by_key[k].name for k in m.personliga_ersattare)}"
        ctx.out(f"{i:>3}. {m.label}{extra}{personal}")
    ctx.out("")
    ctx.out("Ersättare, i fullmäktiges ordning")
    for i, m in enumerate(roster.ersattare, start=1):
        ctx.out(f"{i:>3}. {m.label}")
    ctx.out("")
    ctx.out("Turordning när partiets egna ersättare inte räcker")
    for party in roster.parties():
        others = roster.turordning.get(party)
        if others is None:
            text = "(inget beslut: bara partiets egna ersättare)"
        else:
            text = ", ".join(others) if others else "(inga andra partier)"
        ctx.out(f"  {party}: {text}")
    return 0


def meeting_words(m) -> str:
    return f"{svensk_datum(m.date)} {klockslag(m.start)}"


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


async def tjanstgoring_export(args: argparse.Namespace, ctx: Context) -> int:
    import csv
    import io

    from ..services.export import tjanstgoring

    if args.end < args.start:
        raise NamndbotError("--to ska vara samma dag som eller efter --from.")
    async with service_for(ctx) as service:
        rows = await tjanstgoring(service, args.committee, args.start, args.end)
    if args.format == "json":
        ctx.out(
            json.dumps(
                {
                    "committee": args.committee,
                    "from": args.start.isoformat(),
                    "to": args.end.isoformat(),
                    "rows": [r.as_dict() for r in rows],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    # As a Swedish Excel opens it by double-click: semicolons (the comma is the decimal sign there),
    # UTF-8 with a byte order mark (else å, ä and ö come out wrong), Swedish column names, CRLF.
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow(
            [
                r.meeting,
                r.committee,
                r.name,
                r.party,
                r.role,
                "ja" if r.served else "nej",
                r.for_name or "",
                r.for_party or "",
                r.paragraphs or "",
                r.rule or "",
            ]
        )
    sys.stdout.flush()
    sys.stdout.buffer.write(("\ufeff" + buf.getvalue()).encode("utf-8"))
    sys.stdout.buffer.flush()
    return 0


CSV_COLUMNS = [
    "Sammanträde",
    "Nämnd",
    "Namn",
    "Parti",
    "Roll",
    "Tjänstgjorde",
    "För",
    "För parti",
    "Paragrafer",
    "Regel",
]


async def forhinder_add(args: argparse.Namespace, ctx: Context) -> int:
    async with service_for(ctx) as service:
        result = await service.add_forhinder(
            args.committee,
            args.meeting,
            args.name,
            until_paragraph=args.until_paragraph,
            from_paragraph=args.from_paragraph,
            span=args.paragraphs,
            jav=args.jav,
            actor=ctx.actor,
        )
    m = result.change.meeting
    what = result.anmalan.confirm(m.paragraphs, m.first_paragraph) if result.anmalan else ""
    if result.already:
        ctx.out(f"Förhindret för {result.member.label} ({what}) var redan anmält; inget har ändrats.")
    else:
        ctx.out(f"Förhinder anmält: {result.member.label}, {what}, sammanträdet {meeting_words(m)}.")
    print_change(ctx, result.change)
    for w in result.warnings:
        ctx.warn(obs(w))
    return 0


async def forhinder_remove(args: argparse.Namespace, ctx: Context) -> int:
    async with service_for(ctx) as service:
        result = await service.remove_forhinder(args.committee, args.meeting, args.name, actor=ctx.actor)
    ctx.out(f"Förhindret för {result.member.label} är återkallat, sammanträdet {meeting_words(result.change.meeting)}.")
    print_change(ctx, result.change)
    return 0


async def ersattare_decline(args: argparse.Namespace, ctx: Context) -> int:
    async with service_for(ctx) as service:
        result = await service.decline(args.committee, args.meeting, args.name, actor=ctx.actor)
    if result.already:
        ctx.out(f"{result.member.label} har redan tackat nej till sammanträdet; inget har ändrats.")
    else:
        ctx.out(
            f"{result.member.label} kan inte tjänstgöra {meeting_words(result.change.meeting)} "
            "och kallas inte igen till det sammanträdet."
        )
    print_change(ctx, result.change)
    for w in result.warnings:
        ctx.warn(obs(w))
    return 0


async def ersattare_accept(args: argparse.Namespace, ctx: Context) -> int:
    async with service_for(ctx) as service:
        result = await service.answer(args.committee, args.meeting, args.name, actor=ctx.actor)
    if result.already:
        ctx.out(f"{result.member.label} har redan svarat ja till sammanträdet; inget har ändrats.")
    else:
        ctx.out(
            f"{result.member.label} kommer till sammanträdet {meeting_words(result.change.meeting)}: "
            "svaret är registrerat."
        )
    return 0


async def narvaro(args: argparse.Namespace, ctx: Context) -> int:
    async with service_for(ctx) as service:
        result = await service.narvaro(args.committee, args.meeting)
    if args.format == "json":
        ctx.out(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return 0
    print(result.text(), end="")
    for w in result.narvaro.warnings:
        ctx.warn(obs(w))
    return 0


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


__all__ = ["register", "ForhinderResult"]

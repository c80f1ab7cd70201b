"""``roster import`` and ``roster show``: a committee's members, turordning and settings."""

from __future__ import annotations

import argparse
import json

from ..domain.dates import klockslag
from ..domain.errors import NamndbotError
from ..domain.model import CHAIR_ROLES
from ..domain.names import antal, join_names, obs
from ..services.documents import file_bytes
from . import Context
from .core import committee_arg, print_change, service_for


def register(sub: argparse._SubParsersAction) -> None:
    roster = sub.add_parser("roster", help="rostern: ledamöter, ersättare och turordning")
    rsub = roster.add_subparsers(dest="action", metavar="ÅTGÄRD", required=True)
    p = rsub.add_parser("import", help="importera eller uppdatera en nämnds roster från en TOML-fil")
    p.add_argument("file", metavar="FILE.toml", help="rosterfilen (TOML)")
    p.set_defaults(handler=roster_import, creates_db=True)
    p = rsub.add_parser("show", help="visa en nämnds roster")
    committee_arg(p)
    p.add_argument("--format", choices=("text", "json"), default="text", help="utdata: text (läsbar) eller json")
    p.set_defaults(handler=roster_show)


def read_text(path: str) -> str:
    """A roster file: TOML is UTF-8 by definition, so no guessing here (unlike read_document)."""
    data = file_bytes(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NamndbotError(f"Filen {path} är inte text i UTF-8.") from None


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
        ctx.warn(obs(w))
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

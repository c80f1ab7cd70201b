"""``gallra`` and ``utdrag``: deleting old personal data, and showing one person what is held."""

from __future__ import annotations

import argparse
import json

from ..services.base import utcnow
from ..services.gallring import GallringService
from ..services.utdrag import SECTIONS, utdrag
from ..storage import open_database
from . import Context
from .core import positive


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "gallra", help="radera personuppgifter om sammanträden äldre än NAMNDBOT_GALLRING_MANADER månader"
    )
    p.add_argument("--manader", type=positive, metavar="N", help="i stället för NAMNDBOT_GALLRING_MANADER (24)")
    p.add_argument("--dry-run", action="store_true", help="visa bara vad som skulle raderas")
    p.set_defaults(handler=gallra)
    p = sub.add_parser("utdrag", help="registerutdrag: allt som finns lagrat om en person")
    p.add_argument("name", metavar="NAME", help="personens namn, som i rostern")
    p.add_argument(
        "--committee",
        action="append",
        default=[],
        metavar="SHORT",
        help="bara personen i den här nämnden (en gång per nämnd); krävs när namnet kan vara flera personer",
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="utdata: text (läsbar) eller json")
    p.set_defaults(handler=utdrag_cmd)


async def gallra(args: argparse.Namespace, ctx: Context) -> int:
    async with open_database(ctx.db_path) as db:
        service = GallringService(db, utcnow, ctx.settings.timezone, ctx.settings.gallring_manader)
        result = await service.run(args.manader, dry_run=args.dry_run, actor=ctx.actor)
    verb = "Skulle gallras" if result.dry_run else "Gallrat"
    ctx.out(
        f"Gallring av personuppgifter om sammanträden före {result.before.isoformat()} "
        f"({result.months} månader){' – provkörning, inget ändrat' if result.dry_run else ''}:"
    )
    for label, n in result.counts:
        ctx.out(f"  {label}: {n}")
    ctx.out(
        f"{verb}: {result.total} rader (raderade, eller avidentifierade där raden står kvar). "
        "Sammanträdena själva (datum, plats, paragrafer) finns kvar."
    )
    return 0


def _value(v: object) -> str:
    if isinstance(v, dict | list):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


async def utdrag_cmd(args: argparse.Namespace, ctx: Context) -> int:
    async with open_database(ctx.db_path) as db:
        found = await utdrag(db, args.name, utcnow, args.committee)
    if args.format == "json":
        ctx.out(json.dumps(found.as_dict(), ensure_ascii=False, indent=2))
        return 0
    ctx.out(f"Registerutdrag för {found.name}, {found.made_at.strftime('%Y-%m-%d %H:%M')} UTC")
    for key, heading in SECTIONS.items():
        rows = found.sections.get(key, [])
        ctx.out("")
        ctx.out(f"{heading} ({len(rows)})")
        for row in rows:
            ctx.out("  - " + "; ".join(f"{k}: {_value(v)}" for k, v in row.items() if v not in (None, "", [], {})))
    return 0

"""``forhinder list``: the förhinder reported for one meeting (who, which paragraphs, when, by whom)."""

from __future__ import annotations

import argparse
import json

from ..domain.dates import svensk_datum
from . import Context


def register_list(fsub: argparse._SubParsersAction) -> None:
    from .core import committee_arg, meeting_arg

    p = fsub.add_parser("list", help="lista anmälda förhinder till ett sammanträde: vem, vilka §, när och av vem")
    committee_arg(p)
    meeting_arg(p)
    p.add_argument("--format", choices=("text", "json"), default="text", help="utdata: text (läsbar) eller json")
    p.set_defaults(handler=forhinder_list_cmd)


async def forhinder_list_cmd(args: argparse.Namespace, ctx: Context) -> int:
    from ..services.forhinder_lista import forhinder_list
    from .core import service_for

    async with service_for(ctx) as service:
        short, day, rows = await forhinder_list(service, args.committee, args.meeting)
    if args.format == "json":
        data = {"committee": short, "meeting": day.isoformat(), "forhinder": [r.as_dict() for r in rows]}
        ctx.out(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    ctx.out(f"Förhinder till {short}:s sammanträde {svensk_datum(day)} ({len(rows)}):")
    if not rows:
        ctx.out("  Inga förhinder är anmälda.")
    for r in rows:
        when = f"{svensk_datum(r.reported_at.date(), weekday=False)} kl. {r.reported_at:%H.%M}"
        ctx.out(f"  {r.name} ({r.party}), {r.role}: {r.paragraphs} – anmält {when} av {r.reported_by}")
    return 0

"""``tjanstgoring export``: who served or was present, per meeting, for the fees (arvoden)."""

from __future__ import annotations

import argparse
import json
import sys

from ..domain.errors import NamndbotError
from . import Context
from .core import iso_date, service_for


def register(sub: argparse._SubParsersAction) -> None:
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

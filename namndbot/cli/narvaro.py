"""``narvaro``: the protocol's section Närvarande, as text or JSON."""

from __future__ import annotations

import argparse
import json

from ..domain.names import obs
from . import Context
from .core import iso_date, service_for


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("narvaro", help="protokollets avsnitt Närvarande")
    p.add_argument(
        "--committee", required=True, metavar="SHORT", help="nämndens förkortning (short i rostern), t.ex. AMN"
    )
    p.add_argument("--meeting", required=True, type=iso_date, metavar="DATE", help="sammanträdets datum, ÅÅÅÅ-MM-DD")
    p.add_argument("--format", choices=("text", "json"), default="text", help="utdata: text (läsbar) eller json")
    p.set_defaults(handler=narvaro)


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

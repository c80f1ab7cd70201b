"""``ersattare decline|accept``: an ersättare's answer to a call-in, given outside the bot."""

from __future__ import annotations

import argparse

from ..domain.names import obs
from . import Context
from .core import iso_date, meeting_words, print_change, service_for


def register(sub: argparse._SubParsersAction) -> None:
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

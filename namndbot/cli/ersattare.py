"""``ersattare decline|accept``: an ersättare's answer to a call-in, given outside the bot."""

from __future__ import annotations

import argparse

from ..domain.names import obs
from . import Context
from .core import committee_arg, meeting_arg, meeting_words, name_arg, print_change, service_for


def register(sub: argparse._SubParsersAction) -> None:
    ers = sub.add_parser("ersattare", help="ersättarnas svar på inkallelser")
    esub = ers.add_subparsers(dest="action", metavar="ÅTGÄRD", required=True)
    p = esub.add_parser("decline", help="en ersättare kan inte tjänstgöra: kalla nästa i turordningen")
    committee_arg(p)
    meeting_arg(p)
    name_arg(p)
    p.set_defaults(handler=ersattare_decline)
    p = esub.add_parser(
        "accept", help="en inkallad ersättare har svarat ja utanför boten (per telefon, e-post): registrera det"
    )
    committee_arg(p)
    meeting_arg(p)
    name_arg(p)
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

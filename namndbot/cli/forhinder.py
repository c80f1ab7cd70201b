"""``forhinder add|remove|list``: absences reported for a member (never a reason)."""

from __future__ import annotations

import argparse

from ..domain.names import obs
from . import Context
from .core import (
    committee_arg,
    meeting_arg,
    meeting_words,
    name_arg,
    paragraph_range,
    positive,
    print_change,
    service_for,
)


def register(sub: argparse._SubParsersAction) -> None:
    forhinder = sub.add_parser("forhinder", help="anmäl eller återkalla förhinder")
    fsub = forhinder.add_subparsers(dest="action", metavar="ÅTGÄRD", required=True)
    p = fsub.add_parser("add", help="anmäl förhinder för en ledamot eller ersättare")
    committee_arg(p)
    meeting_arg(p)
    name_arg(p)
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
    committee_arg(p)
    meeting_arg(p)
    name_arg(p)
    p.set_defaults(handler=forhinder_remove)
    from .forhinder_lista import register_list

    register_list(fsub)


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
    for w in result.warnings:
        ctx.warn(obs(w))
    return 0

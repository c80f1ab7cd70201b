"""``namndbot run`` and ``namndbot demo``."""

from __future__ import annotations

import argparse

from . import Context


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="kör boten: Slack (Socket Mode eller HTTP), webbservern och bakgrundsjobben")
    p.add_argument("--verbose", action="store_true", help="skriv mer i loggen")
    p.set_defaults(handler=run, creates_db=True)
    p = sub.add_parser("demo", help="kör boten mot en lokal Slack-ersättare och spela upp en sammanträdesvecka")
    p.add_argument("--serve", action="store_true", help="fortsätt köra efteråt (flöden och låtsas-Slack)")
    p.set_defaults(handler=demo, creates_db=True)


async def run(args: argparse.Namespace, ctx: Context) -> int:
    from ..bot.metrics import setup_logging
    from ..bot.server import check_settings, serve_forever

    setup_logging(ctx.settings.log_format, verbose=args.verbose)
    settings = ctx.settings.model_copy(update={"database": ctx.db_path})
    check_settings(settings)
    return await serve_forever(settings)


async def demo(args: argparse.Namespace, ctx: Context) -> int:
    from ..bot.demo import run_demo

    return await run_demo(ctx, serve=args.serve)

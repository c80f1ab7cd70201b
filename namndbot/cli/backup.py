"""``backup`` and ``restore``."""

from __future__ import annotations

import argparse

from ..domain.errors import NamndbotError
from ..storage.backup import backup, restore
from ..storage.postgresql import is_url
from . import Context


def _sqlite_only(ctx: Context) -> None:
    if is_url(ctx.db_path):
        raise NamndbotError(
            "backup och restore gäller en SQLite-fil. En PostgreSQL-databas säkerhetskopieras med "
            "PostgreSQL:s egna verktyg (pg_dump och pg_restore, eller serverns kontinuerliga arkivering)."
        )


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="skriv en kontrollerad säkerhetskopia av databasen (även medan boten kör)")
    p.add_argument("file", metavar="FILE", help="filen säkerhetskopian skrivs till")
    p.set_defaults(handler=backup_cmd)
    p = sub.add_parser("restore", help="återställ databasen från en säkerhetskopia (boten måste vara stoppad)")
    p.add_argument("file", metavar="FILE", help="säkerhetskopian att återställa från")
    p.set_defaults(handler=restore_cmd, creates_db=True)


async def backup_cmd(args: argparse.Namespace, ctx: Context) -> int:
    _sqlite_only(ctx)
    copy = await backup(ctx.db_path, args.file)
    ctx.out(
        f"Säkerhetskopian {copy.path} är skriven ({copy.size // 1024} kB, schema {copy.schema}) "
        f"och kontrollerad: integrity_check {copy.check}."
    )
    return 0


async def restore_cmd(args: argparse.Namespace, ctx: Context) -> int:
    _sqlite_only(ctx)
    done = await restore(args.file, ctx.db_path)
    ctx.out(f"Databasen {ctx.db_path} är återställd från {done.source} (schema {done.schema}).")
    if done.kept is not None:
        ctx.out(f"Databasen som den var före återställningen finns kvar i {done.kept}.")
    return 0

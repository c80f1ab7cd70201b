"""The ``namndbot`` command line.

Every command's words are a contract (see the README). Errors are Swedish
sentences on stderr with exit code 2; nothing is half-written.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import getpass
import os
import re
import sys
import traceback
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from pydantic import ValidationError

from ..domain.errors import NamndbotError
from ..settings import Settings
from ..storage.health import STORAGE_ERRORS, explain

Handler = Callable[[argparse.Namespace, "Context"], Coroutine[Any, Any, int]]


@dataclass
class Context:
    settings: Settings
    db_path: str
    actor: str

    def out(self, text: str = "") -> None:
        print(text)

    def warn(self, text: str) -> None:
        print(text, file=sys.stderr)


_TRANSLATIONS = [
    (r"^the following arguments are required: (.*)$", r"följande saknas: \1"),
    (r"^one of the arguments (.*) is required$", r"ett av argumenten \1 krävs"),
    (r"^unrecognized arguments: (.*)$", r"okända argument: \1"),
    (r"^argument (\S+): invalid choice: (.*) \(choose from (.*)\)$", r"\1: ogiltigt val \2 (välj bland \3)"),
    (r"^argument (\S+): expected one argument$", r"\1 behöver ett värde"),
    (r"^argument (\S+): expected at least one argument$", r"\1 behöver minst ett värde"),
    (r"^argument (\S+): not allowed with argument (\S+)$", r"\1 kan inte kombineras med \2"),
    (r"^argument (\S+): invalid int value: (.*)$", r"\1 ska vara ett heltal, inte \2"),
    (r"^argument (\S+): ignored explicit argument (.*)$", r"\1 tar inget värde (fick \2)"),
    (r"^ambiguous option: (\S+) could match (.*)$", r"flaggan \1 är tvetydig: den kan vara \2"),
    (r"^argument (\S+): (.*)$", r"\1: \2"),
]


def swedish(message: str) -> str:
    for pattern, repl in _TRANSLATIONS:
        if re.match(pattern, message):
            return re.sub(pattern, repl, message)
    return message


_HINTS = [
    (
        "--meeting",
        "Här anges sammanträdets datum med --meeting ÅÅÅÅ-MM-DD, t.ex. --meeting 2019-11-26 "
        "(under ”namndbot meeting …” går det både med och utan --meeting).",
    ),
]


class Parser(argparse.ArgumentParser):
    """argparse, speaking Swedish and exiting 2 with a hint on every usage error. A subcommand's own
    parser reports what it does not know itself, with its own usage (not the top level's); ``checks``
    run on what it parsed (a Swedish sentence for what is wrong, or None)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="visa den här hjälpen")
        self.checks: list[Callable[[argparse.Namespace], str | None]] = []

    def parse_known_args(self, args=None, namespace=None):
        parsed, extras = super().parse_known_args(args, namespace)
        if self.prog != ROOT:  # a subcommand: its own usage for what it does not know
            if extras:
                self.error(f"unrecognized arguments: {' '.join(extras)}")
            for check in self.checks:
                said = check(parsed)
                if said:
                    self.error(said)
        return parsed, extras

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        text = swedish(message).rstrip(".")
        missing = message.startswith("the following arguments are required:")
        hints = "".join(f"{hint}\n" for word, hint in _HINTS if missing and word in message)
        self.exit(2, f"Fel: {text}.\n{hints}Se ”{self.prog} --help”.\n")

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "användning:", 1)

    def format_help(self) -> str:
        text = super().format_help().replace("usage:", "användning:", 1)
        return text.replace("\noptions:\n", "\nflaggor:\n").replace("positional arguments:", "argument:")


def actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:
        return "cli"


ROOT = "namndbot"


def build_parser() -> Parser:
    from . import (
        backup,
        bot,
        dataskydd,
        ersattare,
        forhinder,
        justering,
        kalender,
        narvaro,
        roster,
        sammantrade,
        tjanstgoring,
    )

    parser = Parser(prog=ROOT, description="Sammanträdeslogistik för kommunala nämnder.")
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="databasfil eller postgresql://-adress (annars NAMNDBOT_DATABASE, ./namndbot.sqlite3)",
    )
    parser.add_argument(
        "--version", action="version", version=f"namndbot {version()}", help="visa namndbots version och avsluta"
    )
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", parser_class=Parser)
    sub.required = True
    for module in (
        roster,
        sammantrade,
        tjanstgoring,
        forhinder,
        ersattare,
        narvaro,
        kalender,
        justering,
        dataskydd,
        backup,
        bot,
    ):
        module.register(sub)
    return parser


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("namndbot")
    except PackageNotFoundError:  # run from a checkout without installing
        return "0+okänd"


def missing_database(path: str) -> str | None:
    """The error for a command that reads a database file that is not there (instead of making an
    empty one, in which every committee would seem not to exist)."""
    if path == ":memory:" or path.startswith(("postgresql://", "postgres://")) or os.path.exists(path):
        return None
    return (
        f"Fel: Databasfilen {path} finns inte.\n"
        "Ange rätt fil med --db eller NAMNDBOT_DATABASE, eller skapa en ny med ”namndbot roster import FIL.toml”."
    )


def _settings_error(exc: ValidationError) -> str:
    names = []
    for err in exc.errors():
        loc = err.get("loc") or ()
        names.append(str(loc[0]) if loc else "?")
    return f"Fel: ogiltigt värde i miljövariabeln {', '.join(names)}."


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(_settings_error(exc), file=sys.stderr)
        return 2
    ctx = Context(settings=settings, db_path=args.db or settings.database, actor=actor())
    reads_db = getattr(args, "uses_db", True) and not getattr(args, "creates_db", False)
    if reads_db and (error := missing_database(ctx.db_path)):
        print(error, file=sys.stderr)
        return 2
    handler: Handler = args.handler
    try:
        return asyncio.run(handler(args, ctx))
    except NamndbotError as exc:
        print(f"Fel: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(exc.hint, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``namndbot … | head``): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except STORAGE_ERRORS as exc:  # read-only, full, damaged, locked: the database, not the command
        from ..storage.postgresql import shown  # a PostgreSQL URL without its password

        print(f"Fel: {explain(exc, shown(ctx.db_path))} Inget har sparats halvvägs.", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"Fel: {os_error(exc)}", file=sys.stderr)
        return 2
    except (RecursionError, MemoryError):
        print("Fel: indata är för stort eller för djupt nästlat för att läsas. Inget har sparats.", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug: say so briefly, details only on request
        if os.environ.get("NAMNDBOT_DEBUG"):
            traceback.print_exc()
        print(
            f"Ett oväntat fel inträffade ({type(exc).__name__}). Inget har sparats halvvägs; "
            "kör igen med NAMNDBOT_DEBUG=1 för detaljer och rapportera felet.",
            file=sys.stderr,
        )
        return 2


_ERRNO = {
    errno.ENOSPC: "disken är full",
    errno.EDQUOT: "diskkvoten är slut",
    errno.EROFS: "filsystemet är skrivskyddat",
    errno.EACCES: "behörighet saknas",
    errno.EPERM: "åtgärden är inte tillåten",
    errno.ENOENT: "filen eller mappen finns inte",
    errno.EISDIR: "det är en mapp",
    errno.ENOTDIR: "en del av sökvägen är ingen mapp",
    errno.EMFILE: "processen har för många öppna filer",
    errno.EIO: "disken svarar med ett fel (I/O)",
    errno.EFBIG: "filen har nått sin största tillåtna storlek",
}


def os_error(exc: OSError) -> str:
    """An operating system's error as a Swedish sentence."""
    what = _ERRNO.get(exc.errno or 0, f"systemfel {exc.errno}" if exc.errno else "systemfel")
    where = f" ({exc.filename})" if exc.filename else ""
    return f"Operativsystemet svarade: {what}{where}. Inget har sparats halvvägs."


def run() -> None:
    sys.exit(main())

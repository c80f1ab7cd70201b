"""A throwaway PostgreSQL server for the tests (and the benchmark): Debian's binaries, ``initdb`` and
``pg_ctl`` in a temporary folder, on a free port of 127.0.0.1.

With ``NAMNDBOT_TEST_POSTGRESQL=1`` the ``db`` fixture and the bots of the tests use it (``make
test-postgresql``): one server per test session, one fresh database per test, copied from a
template that is migrated once. As root the server runs as the user ``postgres`` (PostgreSQL
refuses to run as root). Without the binaries the tests that need the server are skipped, unless
``NAMNDBOT_TEST_REQUIRE`` names ``postgresql`` (CI), when they fail.
"""

from __future__ import annotations

import asyncio
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

TEMPLATE = "namndbot_template"
USER = "namndbot"


def enabled() -> bool:
    return os.environ.get("NAMNDBOT_TEST_POSTGRESQL", "") not in ("", "0")


def required() -> bool:
    return "postgresql" in os.environ.get("NAMNDBOT_TEST_REQUIRE", "")


def binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    which = shutil.which("pg_ctl")
    return Path(which).parent if which else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One PostgreSQL server in a temporary folder, stopped by :meth:`stop`."""

    def __init__(self, *, durable: bool = False) -> None:
        bin_dir = binaries()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL's binaries (initdb, pg_ctl) are not installed")
        self.bin = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="namndbot-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self._as: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL won't run as root
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise RuntimeError("running as root and there is no user postgres to run the server as") from exc
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
        try:
            self._start(durable)
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        self._names = itertools.count(1)

    def _start(self, durable: bool) -> None:
        self._run("initdb", "-D", str(self.data), "-U", USER, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        # A test server: nothing to keep after a crash of the machine. The benchmark keeps fsync (durable).
        settings = [
            "-c",
            f"port={self.port}",
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"unix_socket_directories={self.folder}",
            "-c",
            "max_connections=200",
            "-c",
            "synchronous_commit=off",
        ]
        if not durable:
            settings += ["-c", "fsync=off", "-c", "full_page_writes=off"]
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "-o", " ".join(settings), "start"
        )

    def _run(self, tool: str, *args: str) -> None:
        result = subprocess.run(
            [*self._as, str(self.bin / tool), *args], capture_output=True, text=True, cwd=self.folder, timeout=120
        )
        if result.returncode != 0:
            raise RuntimeError(f"{tool} failed: {result.stdout}{result.stderr}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    async def _admin(self, *statements: str) -> None:
        import asyncpg

        conn = await asyncpg.connect(self.url())
        try:
            for s in statements:
                await conn.execute(s)
        finally:
            await conn.close()

    async def new_database(self, template: str | None = TEMPLATE) -> str:
        """A fresh database (a copy of the migrated template); its URL."""
        name = f"t{os.getpid()}_{next(self._names)}"
        clause = f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""
        await self._admin(f"CREATE DATABASE {name}{clause}")
        return self.url(name)

    async def make_template(self) -> None:
        from namndbot.storage import open_database

        await self._admin(f"CREATE DATABASE {TEMPLATE}")
        db = await open_database(self.url(TEMPLATE)).connect()
        await db.close()

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except Exception:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


_server: Server | None = None
_failure: str | None = None


def server() -> Server:
    """The session's server, started on first use (skips, or fails under NAMNDBOT_TEST_REQUIRE)."""
    global _server, _failure
    if _server is None and _failure is None:
        started: Server | None = None
        try:
            started = Server()
            # (called from inside the tests' event loop: the template is made on a loop of its own)
            with ThreadPoolExecutor(1) as pool:
                pool.submit(asyncio.run, started.make_template()).result()
            _server = started
        except Exception as exc:
            _failure = str(exc)
            if started is not None:
                started.stop()  # no server left running behind a failed start
    if _server is None:
        if required():
            pytest.fail(f"PostgreSQL is required here (NAMNDBOT_TEST_REQUIRE) but could not start: {_failure}")
        pytest.skip(f"no PostgreSQL server for the tests: {_failure}")
    return _server


def stop() -> None:
    global _server
    if _server is not None:
        _server.stop()
        _server = None


_targets: dict[Path, str] = {}


async def target_for(folder: Path, name: str = "bot.sqlite3") -> str:
    """The database of a test that opens it more than once (restarts): ``folder / name``, or in the
    PostgreSQL half one fresh database per ``folder``, the same each time it is asked."""
    if not enabled():
        return str(folder / name)
    if folder not in _targets:
        _targets[folder] = await server().new_database()
    return _targets[folder]

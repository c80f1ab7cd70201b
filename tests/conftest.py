"""Fixtures that make the tests read like the committee's own papers."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from namndbot.cli import main
from namndbot.domain.roster_file import parse_roster
from namndbot.services import NamndService
from namndbot.storage import open_database

from . import postgresql

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"  # real documents, copied into the clone (see data/README.md)
AMN_TOML = DATA / "amn-2019-11.toml"
PROTOCOL_2019_11_26 = DATA / "amn-protokoll-2019-11-26.txt"
SVAR_ASPIRANTER = DATA / "svar-aspiranter-2019.txt"
SVAR_STOCKHOLMSJOBB = DATA / "svar-stockholmsjobb-2019.txt"


@pytest.fixture(scope="session")
def amn_text() -> str:
    return AMN_TOML.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def amn(amn_text):
    """The Arbetsmarknadsnämnd as its protocol of 2019-11-26 lists it."""
    return parse_roster(amn_text).roster


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2019, 11, 20, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        from datetime import timedelta

        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def db_target(tmp_path) -> str:
    """Where a test's database lives: a SQLite file in ``tmp_path``, or with NAMNDBOT_TEST_POSTGRESQL=1
    the URL of a fresh database on the session's PostgreSQL server (tests/postgresql.py)."""
    if postgresql.enabled():
        return await postgresql.server().new_database()
    return str(tmp_path / "namndbot.sqlite3")


@pytest.fixture
async def db(db_target):
    database = await open_database(db_target).connect()
    yield database
    await database.close()


@pytest.fixture
async def fake():
    """The local Slack (namndbot/bot/fake_slack.py), started, for a test that makes its own bot."""
    from namndbot.bot.fake_slack import FakeSlack

    slack = FakeSlack()
    await slack.start()
    yield slack
    await slack.stop()


def sqlite_only(reason: str):
    """A test of SQLite itself (its file, its pragmas, its errors): skipped in the PostgreSQL half."""
    return pytest.mark.skipif(postgresql.enabled(), reason=f"SQLite's own: {reason}")


def pytest_sessionfinish(session, exitstatus) -> None:
    postgresql.stop()


_ON_THE_DATABASE = {"db", "db_target", "service", "amn_service"}


def pytest_collection_modifyitems(config, items) -> None:
    """The PostgreSQL half (NAMNDBOT_TEST_POSTGRESQL=1) runs the tests that use the store the
    fixtures give (the ``db`` fixtures, the bots of slack_support) and those marked ``postgresql``;
    the rest never touch it and have run in the SQLite half already."""
    if not postgresql.enabled():
        return
    keep: list = []
    drop: list = []
    for item in items:
        module = getattr(item, "module", None)
        uses = (
            _ON_THE_DATABASE & set(getattr(item, "fixturenames", ()))
            or (module is not None and hasattr(module, "running_bot"))
            or item.get_closest_marker("postgresql") is not None
        )
        (keep if uses else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "postgresql: runs in the PostgreSQL half of the suite too")


@pytest.fixture
async def service(db, clock) -> NamndService:
    return NamndService(db, clock)


@pytest.fixture
async def amn_service(service, amn_text) -> NamndService:
    """The AMN roster imported, and the meeting of 2019-11-26 with its 16 paragraphs."""
    from datetime import date

    await service.import_roster(amn_text, "test")
    await service.add_meeting("AMN", date(2019, 11, 26), paragraphs=16, actor="test")
    return service


class Cli:
    """Runs ``namndbot`` in-process against one database file."""

    def __init__(self, db_path: Path, capsys) -> None:
        self.db_path = db_path
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        try:
            code = main(["--db", str(self.db_path), *args])
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *args: str) -> str:
        code, out, err = self(*args)
        assert code == 0, f"exit {code}: {err}"
        return out

    def dump(self) -> list[str]:
        """Every row of the database, to show that a failed command changed nothing."""
        if not self.db_path.exists():
            return []
        conn = sqlite3.connect(self.db_path)
        try:
            return list(conn.iterdump())
        finally:
            conn.close()


@pytest.fixture
def cli(tmp_path, capsys) -> Cli:
    return Cli(tmp_path / "cli.sqlite3", capsys)


@pytest.fixture
def amn_cli(cli) -> Cli:
    cli.ok("roster", "import", str(AMN_TOML))
    cli.ok("meeting", "add", "--committee", "AMN", "2019-11-26", "--paragraphs", "16")
    return cli


@pytest.fixture
def cli_on(monkeypatch):
    """Sets the ``namndbot`` commands' clock: ``cli_on("2019-11-26")`` is that day at 13:00 UTC."""

    def at(day: str, hhmm: str = "13:00") -> None:
        moment = datetime.fromisoformat(f"{day}T{hhmm}:00+00:00")
        monkeypatch.setattr("namndbot.cli.core.now", lambda: moment)

    return at


def require_tool(name: str, available: bool, why: str = "") -> None:
    """Skip a test whose tool (``chromium``, ``postgresql``) is missing on a developer's machine; fail it
    where the environment says the tool must be there (CI sets NAMNDBOT_TEST_REQUIRE="chromium postgresql")."""
    import os

    if available:
        return
    message = f"{name} saknas{': ' + why if why else ''}"
    if name in os.environ.get("NAMNDBOT_TEST_REQUIRE", "").split():
        pytest.fail(f"{message} (NAMNDBOT_TEST_REQUIRE kräver den)")
    pytest.skip(message)

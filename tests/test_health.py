"""Honest health: a real corrupt page, a real read-only file, a real full disk, a stuck outbox.

- A damaged database (garbage over a b-tree page) is refused by the CLI and by
  ``namndbot run`` with a Swedish sentence and exit 2.
- A read-only database file (permissions; as root the command runs without
  the capabilities that let root write anything) is refused by the bot at start and by a CLI
  command that writes.
- A running bot whose writes fail (its file size limit lowered with prlimit:
  the "disk full" SQLite then sees) answers ``/healthz`` 503 with the reason,
  and 200 again when writes work.
- A message that could not be sent for more than ten minutes makes ``/healthz``
  answer 503, and the reason says so.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import re
import resource
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from aiohttp import ClientSession

from namndbot.blocks.messages import plain
from namndbot.bot.fake_slack import FakeSlack
from namndbot.services import NamndService
from namndbot.storage import Database
from namndbot.storage.db import _statements

from .bot_process import bot_env, free_port, start_bot, stop, wait_healthy
from .conftest import AMN_TOML, ROOT, sqlite_only
from .slack_support import running_bot, slack_id


def namndbot(*args: str, env: dict[str, str] | None = None, read_only: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "namndbot", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_without_root_powers if read_only and os.geteuid() == 0 else None,
    )


def _without_root_powers() -> None:
    """Root may write any file: drop the capabilities that allow it (from the bounding set, so that
    the exec'd interpreter never has them), and a file's permission bits hold as for anyone."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER = 24, 1, 2, 3


async def filled(path: Path) -> Path:
    async with Database(path) as db:
        await NamndService(db).import_roster(AMN_TOML.read_text(encoding="utf-8"), "test")
    return path


def corrupt(path: Path, table: str = "member") -> None:
    """Garbage over the first bytes of ``table``'s root page: a real damaged page."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    finally:
        conn.close()
    with open(path, "r+b") as f:
        f.seek(page * (root - 1))
        f.write(b"\xff" * 64)


@sqlite_only("a damaged file (quick_check)")
async def test_a_damaged_database_is_refused_by_the_cli_and_the_bot(tmp_path):
    db_path = await filled(tmp_path / "bot.sqlite3")
    corrupt(db_path)
    shown = namndbot("--db", str(db_path), "roster", "show", "--committee", "AMN")
    assert shown.returncode == 2
    assert shown.stderr.startswith(f"Fel: Databasen {db_path} är skadad")
    assert "namndbot restore" in shown.stderr and "Traceback" not in shown.stderr

    env = bot_env(db_path, "http://127.0.0.1:9/api/", free_port())
    run = namndbot("run", env=env)
    assert run.returncode == 2
    assert f"Databasen {db_path} är skadad" in run.stderr and "Traceback" not in run.stderr + run.stdout


@sqlite_only("quick_check")
async def test_quick_check_finds_a_damaged_index(tmp_path):
    # A broken index is found by quick_check itself (the tables still read).
    db_path = await filled(tmp_path / "bot.sqlite3")
    conn = sqlite3.connect(db_path)
    index = conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'member'").fetchone()[0]
    conn.close()
    corrupt(db_path, index)
    shown = namndbot("--db", str(db_path), "roster", "show", "--committee", "AMN")
    assert shown.returncode == 2 and f"Databasen {db_path} är skadad" in shown.stderr, shown.stderr


@sqlite_only("a read-only file")
async def test_a_read_only_database_is_refused_with_a_swedish_sentence(tmp_path):
    db_path = await filled(tmp_path / "bot.sqlite3")
    db_path.chmod(0o444)
    written = namndbot("--db", str(db_path), "meeting", "add", "--committee", "AMN", "2019-12-17", read_only=True)
    assert written.returncode == 2, written.stderr
    assert f"Databasen {db_path} är skrivskyddad" in written.stderr and "Traceback" not in written.stderr

    shown = namndbot("--db", str(db_path), "roster", "show", "--committee", "AMN", read_only=True)
    assert shown.returncode == 0 and "Arbetsmarknadsnämnden" in shown.stdout  # reading it still works

    env = bot_env(db_path, "http://127.0.0.1:9/api/", free_port())
    run = namndbot("run", env=env, read_only=True)
    assert run.returncode == 2
    assert f"Databasen {db_path} är skrivskyddad" in run.stderr and "Traceback" not in run.stderr + run.stdout


@dataclass
class BotProcess:
    db_path: Path
    port: int
    proc: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/healthz"


@asynccontextmanager
async def bot_process(tmp_path: Path) -> AsyncIterator[BotProcess]:
    """A real ``namndbot run`` on a filled SQLite file, healthy, against a fake Slack."""
    db_path = await filled(tmp_path / "bot.sqlite3")
    fake = FakeSlack()
    await fake.start()
    port = free_port()
    log = open(tmp_path / "bot.log", "w")  # noqa: SIM115 - closed below
    proc = start_bot(bot_env(db_path, fake.api_url, port), log)
    try:
        await wait_healthy(port, proc)
        yield BotProcess(db_path, port, proc)
    finally:
        stop(proc)
        log.close()
        await fake.stop()


@sqlite_only("a file that can't grow (a full disk)")
async def test_healthz_is_503_while_writes_fail_and_200_again_after(tmp_path):
    async with bot_process(tmp_path) as running:
        db_path, bot, url = running.db_path, running.proc, running.url
        async with ClientSession() as http:
            async with http.get(url) as r:
                body = await r.json()
            assert r.status == 200 and body["ok"] is True and body["database"] == {"writable": True}
            assert body["outbox"]["stuck"] == 0

            # The disk is full, for this process: no file may grow past what the WAL is now.
            wal = Path(f"{db_path}-wal").stat().st_size
            _, hard = resource.prlimit(bot.pid, resource.RLIMIT_FSIZE)
            resource.prlimit(bot.pid, resource.RLIMIT_FSIZE, (wal, hard))
            status, body = await _until(http, url, lambda s: s == 503)
            assert body["ok"] is False and body["database"] == {"writable": False}
            # SQLite calls a write past the limit an I/O error (EFBIG), a full disk "disk is full" (ENOSPC).
            assert body["reason"] in (
                f"Databasen {db_path} kan inte läsas eller skrivas: disken svarar med ett fel (I/O).",
                f"Databasen {db_path} kan inte skrivas: disken är full, eller filen har nått sin största storlek.",
            )

            resource.prlimit(bot.pid, resource.RLIMIT_FSIZE, (hard, hard))
            status, body = await _until(http, url, lambda s: s == 200)
            assert body["ok"] is True and "reason" not in body
        assert bot.poll() is None
    assert "Traceback" not in (tmp_path / "bot.log").read_text()


@sqlite_only("a damaged page of the SQLite file")
async def test_healthz_is_503_while_a_damaged_intake_table_fails_every_report(tmp_path):
    """Everything else still writes (the feeds' history, the dedupe), so only a probe that writes
    where a report goes shows it: 503, and it stays 503 while the damage is there."""
    async with bot_process(tmp_path) as running:
        db_path, port, url = running.db_path, running.port, running.url
        conn = sqlite3.connect(db_path, timeout=10)
        root, page = conn.execute(
            "SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master WHERE name = 'intake'"
        ).fetchone()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        with open(db_path, "r+b") as f:  # the intake table's root page: not a b-tree page any more
            f.seek((root - 1) * page)
            f.write(b"\xff" * page)
        async with ClientSession() as http:
            status, body = await _until(http, url, lambda s: s == 503)
            assert body["database"] == {"writable": False}, body
            async with http.get(f"http://127.0.0.1:{port}/kalender/AMN.ics") as r:  # a write that works
                assert r.status in (200, 404)
            await asyncio.sleep(6)  # past the next probe
            async with http.get(url) as r:
                assert r.status == 503


async def _until(http: ClientSession, url: str, wanted, timeout: float = 20.0) -> tuple[int, dict]:
    import asyncio

    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        async with http.get(url) as r:
            status, body = r.status, await r.json()
        if wanted(status):
            return status, body
        assert asyncio.get_running_loop().time() < deadline, f"/healthz stayed {status}: {body}"
        await asyncio.sleep(0.5)


async def test_healthz_is_503_when_a_message_could_not_be_sent_for_ten_minutes(tmp_path, clock):
    async with running_bot(tmp_path, clock) as r:
        url = f"http://127.0.0.1:{r.port}/healthz"
        r.fake.fail("chat.postMessage", status=200, error="channel_is_archived_or_whatever", times=1)
        r.fake.fail("chat.postMessage", status=500, times=10_000)
        async with r.bot.db.transaction() as repo:
            await repo.enqueue(clock(), "dm", slack_id("Andrea Ström"), plain("Hej").payload())
        r.bot.poke()
        async with ClientSession() as http:
            await r.fake.wait_for(lambda: len(r.fake.called("chat.postMessage")) >= 1)
            async with http.get(url) as resp:
                body = await resp.json()
            assert resp.status == 200 and body["outbox"]["waiting"] >= 1 and body["outbox"]["stuck"] == 0

            clock.advance(minutes=11)
            async with http.get(url) as resp:
                body = await resp.json()
            assert resp.status == 503 and body["ok"] is False
            stuck = body["outbox"]["stuck"]
            assert stuck >= 1 and body["outbox"]["oldest_waiting_seconds"] == 660
            assert re.fullmatch(
                rf"{stuck} meddelanden har inte kunnat skickas på över 10 minuter \(det äldsta har väntat i 11 "
                r"minuter\)\. Senaste fel: .+\.",
                body["reason"],
            ), body["reason"]
            assert "Andrea" not in str(body)  # no personal data in the health report

            r.fake.failures.clear()  # Slack is back
            clock.advance(minutes=10)
            r.bot.poke()
            await r.fake.wait_for(lambda: any(c["text"] == "Hej" for c in r.fake.called("chat.postMessage")))
            status, body = await _until(http, url, lambda s: s == 200)
            assert body["outbox"] == {"waiting": 0, "oldest_waiting_seconds": 0, "stuck": 0, "failed": 0}


def test_migrations_split_like_sqlite_a_trigger_stays_whole():
    sql = """-- a comment; with a semicolon
CREATE TABLE a (x TEXT DEFAULT 'a;b');  CREATE TABLE b (y);
/* a block; comment */
CREATE TRIGGER t AFTER INSERT ON a BEGIN
  INSERT INTO b VALUES (1);
  UPDATE b SET y = y + 1; -- inside
END;
-- the end
"""
    statements = _statements(sql)
    assert len(statements) == 3 and statements[2].endswith("END;") and "UPDATE b" in statements[2]
    conn = sqlite3.connect(":memory:")
    for statement in statements:
        conn.execute(statement)
    conn.execute("INSERT INTO a VALUES ('x')")
    assert conn.execute("SELECT y FROM b").fetchall() == [(2,)]
    assert conn.execute("SELECT dflt_value FROM pragma_table_info('a')").fetchone() == ("'a;b'",)


@sqlite_only("errors of a database file")
async def test_cli_errors_are_swedish_sentences_with_exit_2(tmp_path):
    db_path = await filled(tmp_path / "bot.sqlite3")
    deep = tmp_path / "djup.toml"
    deep.write_text("a = " + "[" * 600 + "]" * 600 + "\n", encoding="utf-8")
    junk = tmp_path / "skräp.sqlite3"
    junk.write_bytes(os.urandom(8192))
    cases = [
        (("--db", str(db_path), "roster", "import", str(deep)), "listor eller tabeller ligger för djupt"),
        (("--db", str(db_path), "roster", "import", "/dev/zero"), "/dev/zero är ingen vanlig fil"),
        (("--db", str(db_path), "kalender", "import", "--committee", "AMN", "/dev/zero"), "ingen vanlig fil"),
        (("--db", "/dev/zero", "roster", "show", "--committee", "AMN"), "/dev/zero är ingen vanlig fil"),
        (("--db", str(junk), "roster", "show", "--committee", "AMN"), f"Filen {junk} är ingen SQLite-databas"),
        (("--db", str(tmp_path), "roster", "show", "--committee", "AMN"), "är ingen vanlig fil"),
    ]
    for args, expected in cases:
        done = namndbot(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.startswith("Fel: ") and expected in done.stderr, (args, done.stderr)
        assert "oväntat" not in done.stderr and "Traceback" not in done.stderr

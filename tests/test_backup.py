"""``namndbot backup`` while the real bot takes a burst of reports, and ``namndbot restore``.

The bot runs as a real process (HTTP mode) against the fake Slack in this
process; reports are real signed requests. The backup is taken by a real
``namndbot backup`` process in the middle of the burst; every report that
was acknowledged before it began must be in the copy, and, once restored
and the bot restarted, applied.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from aiohttp import ClientSession

from namndbot.bot.fake_slack import FakeSlack
from namndbot.bot.fake_slack_user import SlackUser
from namndbot.domain.dates import MANADER
from namndbot.services import NamndService
from namndbot.storage import Database

from .conftest import ROOT
from .slack_support import amn_with_slack, slack_id
from .test_kill9 import LEDAMOTER, backlog, free_port, start_bot, wait_healthy


def cli(*args: str, db) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NAMNDBOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "namndbot", "--db", str(db), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def stored_keys(path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0]: r[1] for r in conn.execute("SELECT dedupe_key, status FROM intake")}
    finally:
        conn.close()


async def test_backup_in_the_middle_of_a_burst_then_restore(tmp_path):
    db_path = tmp_path / "bot.sqlite3"
    copy = tmp_path / "kopia.sqlite3"
    day = (datetime.now(UTC) + timedelta(days=8)).date()
    async with Database(db_path) as db:
        service = NamndService(db)
        await service.import_roster(amn_with_slack(), "test")
        await service.add_meeting("AMN", day, paragraphs=16, actor="test")

    fake = FakeSlack(latency=0.01)
    await fake.start()
    secret = secrets.token_hex(16)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NAMNDBOT_"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-backup",
        SLACK_SIGNING_SECRET=secret,
        NAMNDBOT_SLACK_API_URL=fake.api_url,
        NAMNDBOT_HOST="127.0.0.1",
        NAMNDBOT_PORT=str(port),
        NAMNDBOT_DATABASE=str(db_path),
    )
    log = open(tmp_path / "bot.log", "w")
    proc = start_bot(env, log)
    acked: list[str] = []
    try:
        await wait_healthy(port, proc)
        url = f"http://127.0.0.1:{port}/slack/events"
        texts = [f"förhinder {day.day} {MANADER[day.month - 1]}", f"återkalla {day.day} {MANADER[day.month - 1]}"]
        stop = asyncio.Event()
        async with ClientSession() as http:

            async def reporter(worker: int) -> None:
                i = worker
                while not stop.is_set():
                    name = LEDAMOTER[i % len(LEDAMOTER)]
                    u = SlackUser(url, secret, fake, slack_id(name), session=http)
                    trigger = f"{i}.backup"
                    body = u.slash_body(texts[(i // len(LEDAMOTER)) % 2], trigger=trigger)
                    try:
                        status, _ = await u.post(body, "application/x-www-form-urlencoded")
                    except Exception:  # a slow machine: not acknowledged, so nothing is promised
                        status = 0
                    if status == 200:
                        acked.append(f"cmd:{trigger}")
                    i += 8
                    await asyncio.sleep(0.01)

            burst = [asyncio.create_task(reporter(w)) for w in range(8)]
            while len(acked) < 60:
                await asyncio.sleep(0.005)
            before = list(acked)  # acknowledged before the backup began
            made = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "namndbot",
                "--db",
                str(db_path),
                "backup",
                str(copy),
                cwd=ROOT,
                env=env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            out, err = await made.communicate()
            assert made.returncode == 0, err.decode()
            assert "integrity_check ok" in out.decode()
            during = len(acked)
            while len(acked) < during + 40:  # the burst goes on after the backup
                await asyncio.sleep(0.01)
            stop.set()
            await asyncio.gather(*burst)
        total = len(acked)
        assert len(before) < during < total

        in_copy = stored_keys(copy)
        missing = [k for k in before if k not in in_copy]
        assert missing == []
        assert any(k not in in_copy for k in acked)  # a moment in the middle, not the end
        conn = sqlite3.connect(copy)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
        conn.close()
        assert not list(tmp_path.glob(".kopia*"))  # no temporary file left

        # The running bot holds the database: restore refuses, and changes nothing. (First the bot
        # applies what the burst left: reports are applied after the acks, so it may lag behind.)
        for _ in range(600):
            if "ny" not in stored_keys(db_path).values():
                break
            await asyncio.sleep(0.1)
        live = stored_keys(db_path)
        refused = cli("restore", str(copy), db=db_path)
        assert refused.returncode == 2
        assert f"En bot använder databasen {db_path} (process {proc.pid})" in refused.stderr
        assert set(stored_keys(db_path)) == set(live)  # not the copy (the bot goes on applying them)
        assert not list(tmp_path.glob("bot.sqlite3.fore-aterstallning-*"))

        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        done = cli("restore", str(copy), db=db_path)
        assert done.returncode == 0, done.stderr
        assert "återställd" in done.stdout
        kept = list(tmp_path.glob("bot.sqlite3.fore-aterstallning-*"))
        assert len(kept) == 1 and set(acked) <= set(stored_keys(kept[0]))  # the database as it was is kept
        restored = stored_keys(db_path)
        assert set(restored) == set(in_copy)

        proc = start_bot(env, log)  # the restored database, applied to the end
        await wait_healthy(port, proc)
        for _ in range(900):
            if backlog(db_path) == 0:
                break
            await asyncio.sleep(0.1)
        assert backlog(db_path) == 0
        final = stored_keys(db_path)
        assert all(final[k] == "klar" for k in before)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=20)
        log.close()
        await fake.stop()


async def test_restore_refuses_while_the_database_is_locked(tmp_path):
    db_path = tmp_path / "bot.sqlite3"
    async with Database(db_path) as db:
        await NamndService(db).import_roster(amn_with_slack(), "test")
    copy = tmp_path / "kopia.sqlite3"
    assert cli("backup", str(copy), db=db_path).returncode == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            f"fd = os.open({str(db_path) + '.lock'!r}, os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "os.write(fd, str(os.getpid()).encode())\n"
            "print('ok', flush=True)\n"
            "time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        before = db_path.read_bytes()
        refused = cli("restore", str(copy), db=db_path)
        assert refused.returncode == 2
        assert f"En bot använder databasen {db_path} (process {holder.pid})" in refused.stderr
        assert db_path.read_bytes() == before
    finally:
        holder.kill()
        holder.wait()
    assert cli("restore", str(copy), db=db_path).returncode == 0


def test_backup_and_restore_errors(tmp_path, cli):
    cli.ok("roster", "import", str(ROOT / "tests" / "data" / "amn-2019-11.toml"))
    code, _, err = cli("backup", str(tmp_path / "ingen" / "x.sqlite3"))
    assert code == 2 and "Mappen" in err
    code, _, err = cli("backup", str(cli.db_path))
    assert code == 2 and "själva databasen" in err
    dump = cli.dump()
    garbage = tmp_path / "skrap.sqlite3"
    garbage.write_bytes(b"inte en databas" * 100)
    code, _, err = cli("restore", str(garbage))
    assert code == 2 and "ingen läsbar SQLite-databas" in err
    other = tmp_path / "annan.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    code, _, err = cli("restore", str(other))
    assert code == 2 and "ingen namndbot-databas" in err
    code, _, err = cli("restore", str(tmp_path / "saknas.sqlite3"))
    assert code == 2 and "finns inte" in err
    code, _, err = cli("restore", "/dev/zero")
    assert code == 2 and "ingen vanlig fil" in err, err
    # A copy with a damaged page is refused.
    good = tmp_path / "bra.sqlite3"
    assert cli("backup", str(good))[0] == 0
    conn = sqlite3.connect(good)
    root, page = conn.execute(
        "SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master WHERE name = 'member'"
    ).fetchone()
    conn.close()
    data = bytearray(good.read_bytes())
    start = (root - 1) * page
    data[start : start + 16] = b"\xff" * 16  # the member table's root page: not a b-tree page any more
    bad = tmp_path / "skadad.sqlite3"
    bad.write_bytes(bytes(data))
    code, _, err = cli("restore", str(bad))
    assert code == 2 and ("skadad" in err or "läsbar" in err)
    assert cli.dump() == dump
    code, _, err = cli("--db", str(tmp_path / "finns-inte.sqlite3"), "backup", str(tmp_path / "y.sqlite3"))
    assert code == 2


def test_a_backup_never_replaces_a_device_or_a_fifo_and_is_for_its_owner_only(tmp_path, cli):
    cli.ok("roster", "import", str(ROOT / "tests" / "data" / "amn-2019-11.toml"))
    fifo = tmp_path / "ror"
    os.mkfifo(fifo)
    code, _, err = cli("backup", str(fifo))
    assert code == 2 and "ingen vanlig fil" in err, err
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a FIFO, not the database
    copy = tmp_path / "kopia.sqlite3"
    cli.ok("backup", str(copy))
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600


def test_restore_over_a_damaged_database_keeps_it_and_mends_it(tmp_path, cli):
    """Every command on a damaged database says: restore the latest backup. That must work."""
    cli.ok("roster", "import", str(ROOT / "tests" / "data" / "amn-2019-11.toml"))
    good = tmp_path / "bra.sqlite3"
    cli.ok("backup", str(good))
    dump = cli.dump()
    conn = sqlite3.connect(cli.db_path)
    root, page = conn.execute(
        "SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master WHERE name = 'member'"
    ).fetchone()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with open(cli.db_path, "r+b") as f:  # the member table's root page: not a b-tree page any more
        f.seek((root - 1) * page)
        f.write(b"\xff" * 16)
    code, _, err = cli("roster", "show", "--committee", "AMN")
    assert code == 2 and "restore" in err, err
    code, _, err = cli("backup", str(tmp_path / "av-skadad.sqlite3"))
    assert code == 2 and f"Databasen {cli.db_path} går inte att säkerhetskopiera" in err, err
    assert not (tmp_path / "av-skadad.sqlite3").exists()
    out = cli.ok("restore", str(good))
    assert f"Databasen {cli.db_path} är återställd från {good}" in out, out
    assert cli.dump() == dump
    (kept,) = [p for p in tmp_path.glob(f"{cli.db_path.name}.fore-aterstallning-*") if not p.name.endswith("-wal")]
    assert bytes.fromhex("ff" * 16) in kept.read_bytes()  # the damaged one, as it was

"""One bot per database: real processes, a second ``namndbot run``, and a kill -9."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from namndbot.bot.fake_slack import FakeSlack
from namndbot.storage.backup import bot_using
from namndbot.storage.lock import LockError, holder, lock_path, take

from .bot_process import bot_env, free_port, start_bot, stop, wait_healthy


async def test_a_second_bot_on_the_same_database_exits_2_and_a_killed_one_blocks_nothing(tmp_path):
    db_path = tmp_path / "bot.sqlite3"
    fake = FakeSlack()
    await fake.start()
    port = free_port()
    log = open(tmp_path / "first.log", "w")  # noqa: SIM115 - closed below
    first = start_bot(bot_env(db_path, fake.api_url, port), log)
    try:
        await wait_healthy(port, first)
        assert holder(db_path) == first.pid
        assert bot_using(db_path) == first.pid

        began = time.monotonic()
        second = subprocess.run(
            [sys.executable, "-m", "namndbot", "run"],
            env=bot_env(db_path, fake.api_url, free_port()),
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert second.returncode == 2
        assert time.monotonic() - began < 10  # at once: it does not wait for the lock
        assert f"En annan bot använder redan databasen {db_path} (process {first.pid})." in second.stderr
        assert "Traceback" not in second.stderr + second.stdout
        assert first.poll() is None  # the first goes on

        first.send_signal(signal.SIGKILL)
        first.wait()
        assert holder(db_path) is None  # the kernel dropped the flock; the stale pid does not count

        port = free_port()
        third = start_bot(bot_env(db_path, fake.api_url, port), log)
        try:
            await wait_healthy(port, third)
            assert holder(db_path) == third.pid
        finally:
            stop(third)
        assert third.returncode == 0
        assert holder(db_path) is None
        assert lock_path(db_path).read_text() == ""  # an orderly stop leaves no pid
    finally:
        stop(first)
        log.close()
        await fake.stop()


def test_take_and_release_in_one_process(tmp_path):
    db_path = tmp_path / "x.sqlite3"
    assert holder(db_path) is None  # no lock file yet
    with take(db_path) as lock:
        assert lock.held
        assert holder(db_path) is not None
        try:
            take(db_path)
        except LockError as exc:
            assert "använder redan databasen" in exc.message
        else:
            raise AssertionError("a second take succeeded")
    assert holder(db_path) is None
    with take(db_path):  # free again
        pass


def test_lock_in_a_missing_folder_is_a_swedish_error(tmp_path):
    try:
        take(tmp_path / "saknas" / "x.sqlite3")
    except LockError as exc:
        assert exc.message.startswith("Mappen för databasen finns inte")
    else:
        raise AssertionError("no error")


def test_a_symbolic_link_to_the_database_names_the_same_lock(tmp_path):
    db_path = tmp_path / "x.sqlite3"
    db_path.touch()
    link = tmp_path / "lank.sqlite3"
    link.symlink_to(db_path)
    with take(db_path):
        assert holder(link) is not None
        with pytest.raises(LockError, match="använder redan databasen"):  # a second bot, through the link
            take(link)

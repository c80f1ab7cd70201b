"""kill -9 while a mail is between the outbox and the mail server: after a restart it is sent once.

The bot runs as a real process (``namndbot run``) against the fake Slack and a real SMTP server
(aiosmtpd) in this process. The server holds the first delivery at RCPT, so the mail is queued,
marked ``sending`` and not yet accepted when the bot is killed; after the restart the mail
arrives, once, and its outbox row is ``sent``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
from datetime import UTC, datetime, timedelta

from namndbot.bot.fake_slack import FakeSlack
from namndbot.mail.local import LocalMail
from namndbot.services import NamndService
from namndbot.storage import Database

from .bot_process import bot_env, free_port, start_bot, stop, wait_healthy
from .slack_support import amn_with_slack

HAGGMAN = "borje@example.se"


def mail_rows(db_path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT status, target FROM outbox WHERE kind = 'mail' ORDER BY id").fetchall()
    finally:
        conn.close()


async def test_kill9_between_queueing_and_sending_sends_the_mail_once(tmp_path):
    db_path = tmp_path / "bot.sqlite3"
    day = (datetime.now(UTC) + timedelta(days=10)).date()
    db = await Database(db_path).connect()
    service = NamndService(db)
    await service.import_roster(amn_with_slack(emails_only=("Börje Häggman",)).replace("börje@", "borje@"), "t")
    await service.add_meeting("AMN", day, paragraphs=16, actor="t")
    await service.add_forhinder("AMN", day, "Andrea Ström", actor="t")  # Häggman is called in
    await db.close()

    fake = FakeSlack()
    await fake.start()
    async with LocalMail() as mail:
        mail.hold = asyncio.Event()
        port = free_port()
        env = bot_env(db_path, fake.api_url, port, NAMNDBOT_SMTP_URL=mail.url, NAMNDBOT_MAIL_FROM="amn@example.se")
        log = open(tmp_path / "bot.log", "w")  # noqa: SIM115 - closed below
        proc = start_bot(env, log)
        try:
            await wait_healthy(port, proc)
            async with asyncio.timeout(20):
                while not mail.held or mail_rows(db_path) != [("sending", HAGGMAN)]:
                    await asyncio.sleep(0.05)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            mail.hold.set()  # the stalled session goes on, but its client is gone: nothing is accepted
            await asyncio.sleep(0.2)
            assert mail.received == []

            proc = start_bot(env, log)
            await wait_healthy(port, proc)
            await mail.wait_for(HAGGMAN, timeout=20)
            async with asyncio.timeout(10):
                while mail_rows(db_path) != [("sent", HAGGMAN)]:
                    await asyncio.sleep(0.05)
            await asyncio.sleep(1.0)  # time for a second copy, if one were coming
        finally:
            stop(proc)
            log.close()
            await fake.stop()
    # The restarted bot knew the mail was in doubt, and sent it with the same Message-ID.
    assert "may already have been sent is sent again (same Message-ID)" in (tmp_path / "bot.log").read_text()
    (msg,) = mail.to(HAGGMAN)
    assert msg["Subject"].startswith("Inkallelse: Arbetsmarknadsnämnden")

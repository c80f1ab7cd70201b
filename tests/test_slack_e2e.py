"""A full meeting week through Slack, then the protocol text: the CLI's equals the secretaries' message."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from namndbot.bot.fake_slack_user import select, text_input

from .conftest import ROOT
from .slack_support import SECRETARIES_CHANNEL, SECRETARY, amn_with_slack, buttons, running_bot, slack_id, user

DAY = date(2019, 11, 26)


async def test_a_meeting_week_then_narvaro_equals_the_secretaries_message(tmp_path, clock):
    # The ersättare answer at the end of the week: this committee gives them four days (svarstid_timmar).
    async with running_bot(tmp_path, clock, roster=amn_with_slack(extra="\nsvarstid_timmar = 96")) as r:
        fake, bot = r.fake, r.bot
        await bot.namnd.add_meeting("AMN", DAY, paragraphs=16, actor="sekreteraren")
        # Monday: two förhinder.
        await user(r, "Martin Westmont").slash("förhinder tisdag")
        await user(r, "Andrea Ström").slash("förhinder 26/11")
        await bot.settled()
        clock.advance(days=1)
        # Tuesday: Häggman can't, Bicen is called.
        dm = fake.dms_to(slack_id("Börje Häggman"))[-1]
        await user(r, "Börje Häggman").click("svar_kan_inte", buttons(dm)["svar_kan_inte"], message=dm)
        await bot.settled()
        # Wednesday: Hansson leaves after §10 (the modal); Janlöv arrives at §5 (the secretary reports it).
        clock.advance(days=1)
        hansson = user(r, "Stefan Hansson")
        await hansson.slash("förhinder")
        await bot.settled()
        view = fake.called("views.open")[-1]["view"]
        await hansson.submit(view, {"mote": select("AMN|2019-11-26"), "del": select("gar"), "nar": text_input("§ 11")})
        _, ack = await user(r, SECRETARY).slash("förhinder 26 november för Åsa Janlöv från §5")
        assert ack["text"].startswith(":inbox_tray: Förhindret för Åsa Janlöv (S)"), ack
        await bot.settled()
        # Thursday: Westmont can come after all, then can't again; the call goes back out.
        clock.advance(days=1)
        reply = next(x for x in reversed(fake.responses) if "Martin Westmont" in x["text"] and "anmält" in x["text"])
        await user(r, "Martin Westmont").click("forhinder_angra", buttons(reply)["forhinder_angra"])
        await bot.settled()
        await user(r, "Martin Westmont").slash("förhinder nästa")
        await bot.settled()
        # Friday: the called-in answer.
        for name in ("Mattias Mårdenfjord", "Arslan Bicen", "Erik Persson"):
            msg = [m for m in fake.dms_to(slack_id(name)) if "svar_kommer" in buttons(m)][-1]
            await user(r, name).click("svar_kommer", buttons(msg)["svar_kommer"], message=msg)
        await bot.settled()

        (summary,) = [
            m for m in fake.channels[SECRETARIES_CHANNEL] if m["text"].startswith("Närvaro:")
        ]  # edited in place
        assert summary["edited"] >= 5
        shown = summary["blocks"][1]["text"]["text"].strip("`")
        db_path = bot.settings.database  # a file, or a PostgreSQL URL in that half of the suite

    done = subprocess.run(
        [sys.executable, "-m", "namndbot", "--db", db_path, "narvaro", "--committee", "AMN", "--meeting", "2019-11-26"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    printed = done.stdout
    assert printed.rstrip() == shown.rstrip()
    lines = [line.strip() for line in printed.splitlines()]
    assert "Tjänstg. ers. Arslan Bicen (M) för Andrea Ström (M)" in lines
    assert "Erik Persson (S) för Åsa Janlöv (S) §1-4" in lines
    assert "Erik Persson (S) för Stefan Hansson (S) §11-16" in lines
    assert "Mattias Mårdenfjord (SD) för Martin Westmont (SD)" in lines
    assert (
        "Förhinder hade anmälts av ledamöterna Andrea Ström (M) och Martin Westmont (SD) "
        "samt ersättaren Börje Häggman (M)."
    ) in lines
    assert "Inkallade som inte har svarat" not in str(summary["blocks"])


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "SLACK_BOT_TOKEN saknas"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN ser inte ut som en bot-token"),
        ({"SLACK_BOT_TOKEN": "xoxb-abc-123"}, "SLACK_SIGNING_SECRET saknas"),
        (
            {"SLACK_BOT_TOKEN": "xoxb-abc-123", "SLACK_SIGNING_SECRET": "inte en hemlighet!"},
            "SLACK_SIGNING_SECRET ser inte ut",
        ),
        (
            {"SLACK_BOT_TOKEN": "xoxb-abc-123", "SLACK_APP_TOKEN": "xoxb-wrong"},
            "SLACK_APP_TOKEN ser inte ut som en app-token",
        ),
        (
            {"SLACK_BOT_TOKEN": "xoxb-abc-123", "SLACK_APP_TOKEN": "xapp-1-abc", "NAMNDBOT_PORT": "många"},
            "ogiltigt värde i miljövariabeln NAMNDBOT_PORT",
        ),
        (
            {"SLACK_BOT_TOKEN": "xoxb-abc-123", "SLACK_APP_TOKEN": "xapp-1-abc", "NAMNDBOT_SLACK_API_URL": "ftp://x"},
            "NAMNDBOT_SLACK_API_URL ska vara en http(s)-adress",
        ),
    ],
)
def test_run_refuses_missing_or_malformed_settings(tmp_path, env, message):
    clean = {k: v for k, v in __import__("os").environ.items() if not k.startswith(("SLACK_", "NAMNDBOT_"))}
    done = subprocess.run(
        [sys.executable, "-m", "namndbot", "--db", str(tmp_path / "x.sqlite3"), "run"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert ROOT.exists()

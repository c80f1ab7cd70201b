"""The "Jag kommer" / "Jag kan inte" buttons answer the call-in they were sent for: a button of a call
that was withdrawn and made anew answers nothing (as an old answer link does), and says so in Swedish.
Through the real bolt app, with signed requests."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from .slack_support import amn_with_slack, buttons, running_bot, slack_id, user

DAY = date(2019, 11, 26)
HAGGMAN = "Börje Häggman"


@pytest.fixture
async def bot(tmp_path, clock):
    clock.now = datetime(2019, 11, 20, 9, tzinfo=UTC)
    async with running_bot(tmp_path, clock, roster=amn_with_slack()) as running:
        await running.bot.namnd.add_meeting("AMN", DAY, paragraphs=16, actor="t")
        await running.bot.settled()
        yield running


async def report(running, who: str, text: str, clock) -> None:
    status, body = await user(running, who).slash(text)
    assert status == 200, body
    await running.bot.settled()
    clock.advance(minutes=5)


async def called_twice(bot, clock) -> tuple[dict, dict]:
    """Häggman called in, released, called in again: the two call-in DMs."""
    await report(bot, "Andrea Ström", "förhinder 26 november", clock)
    await report(bot, "Andrea Ström", "återkalla 26 november", clock)
    await report(bot, "Andrea Ström", "förhinder 26 november", clock)
    old, new = [m for m in bot.fake.dms_to(slack_id(HAGGMAN)) if m["text"].startswith("Du är inkallad")]
    assert (await bot.bot.namnd.narvaro("AMN", DAY)).calls.get("borje haggman") == "kallad"
    return old, new


async def test_an_old_button_does_not_answer_a_call_made_anew(bot, clock):
    old, new = await called_twice(bot, clock)
    status, _ = await user(bot, HAGGMAN).click("svar_kan_inte", buttons(old)["svar_kan_inte"], message=old)
    assert status == 200
    await bot.bot.settled()
    said = bot.fake.responses[-1]
    assert said["response_type"] == "ephemeral"
    assert said["text"].startswith("Knappen hör till en tidigare inkallelse, som har återkallats eller ersatts")
    assert "inget har ändrats" in said["text"]
    after = await bot.bot.namnd.narvaro("AMN", DAY)
    assert after.calls.get("borje haggman") == "kallad" and after.declined == {}
    assert bot.fake.dms_to(slack_id("Arslan Bicen")) == []  # nobody else is called in
    # The old "Jag kommer" neither.
    await user(bot, HAGGMAN).click("svar_kommer", buttons(old)["svar_kommer"], message=old)
    await bot.bot.settled()
    assert bot.fake.responses[-1]["text"].startswith("Knappen hör till en tidigare inkallelse")
    assert (await bot.bot.namnd.narvaro("AMN", DAY)).calls.get("borje haggman") == "kallad"

    # The new message's button answers the new call-in.
    await user(bot, HAGGMAN).click("svar_kan_inte", buttons(new)["svar_kan_inte"], message=new)
    await bot.bot.settled()
    assert bot.fake.responses[-1]["text"].startswith("Tack för beskedet. Du kallas inte till sammanträdet")
    after = await bot.bot.namnd.narvaro("AMN", DAY)
    assert "borje haggman" in after.declined
    assert len(bot.fake.dms_to(slack_id("Arslan Bicen"))) == 1


async def test_a_button_sent_before_buttons_named_their_call_answers_the_current_call(bot, clock):
    old, _new = await called_twice(bot, clock)
    legacy = json.loads(buttons(old)["svar_kommer"])
    assert "k" in legacy
    del legacy["k"]  # as the buttons were before this change
    await user(bot, HAGGMAN).click("svar_kommer", json.dumps(legacy, ensure_ascii=False), message=old)
    await bot.bot.settled()
    assert bot.fake.responses[-1]["text"].startswith("Tack! Du är anmäld att tjänstgöra")
    assert (await bot.bot.namnd.narvaro("AMN", DAY)).calls.get("borje haggman") == "kommer"


async def test_the_reminder_buttons_name_the_call_too(bot, clock):
    clock.now = datetime(2019, 11, 24, 12, tzinfo=UTC)  # unanswered 12 hours at the reminder the day before
    await report(bot, "Andrea Ström", "förhinder 26 november", clock)
    (dm,) = bot.fake.dms_to(slack_id(HAGGMAN))
    k = json.loads(buttons(dm)["svar_kommer"])["k"]
    clock.now = datetime(2019, 11, 25, 8, 30, tzinfo=UTC)  # 09:30 in Stockholm
    await bot.bot.settled()
    reminders = [m for m in bot.fake.dms_to(slack_id(HAGGMAN)) if m["text"].startswith("Påminnelse")]
    assert reminders
    for m in reminders:
        assert json.loads(buttons(m)["svar_kommer"])["k"] == k

"""The answer page of an e-mailed call-in, driven in a real browser (Debian's headless Chromium,
through Playwright): open the link from the mail received by the SMTP server, see the meeting,
press "Jag kommer", see the confirmation; press again, see that it was already recorded. The
page works without JavaScript, and the test writes the screenshot the README shows."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime

import pytest

from namndbot.mail.local import LocalMail

from .bot_process import free_port
from .conftest import ROOT, require_tool
from .slack_support import amn_with_slack, running_bot, user

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DAY = date(2019, 11, 26)
HAGGMAN = "borje@example.se"
SCREENSHOT = ROOT / "docs" / "svarssida.png"


@pytest.fixture
async def browser():
    require_tool("chromium", os.access(CHROMIUM, os.X_OK), f"ingen webbläsare i {CHROMIUM}")
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            await b.close()


async def test_the_answer_page_in_a_real_browser(tmp_path, clock, browser):
    clock.now = datetime(2019, 11, 20, 9, tzinfo=UTC)
    port = free_port()
    async with (
        LocalMail() as mail,
        running_bot(
            tmp_path,
            clock,
            roster=amn_with_slack(emails_only=("Börje Häggman",)).replace("börje@", "borje@"),
            NAMNDBOT_PORT=port,
            NAMNDBOT_BASE_URL=f"http://127.0.0.1:{port}",
            NAMNDBOT_SMTP_URL=mail.url,
            NAMNDBOT_MAIL_FROM="amn@example.se",
        ) as bot,
    ):
        await bot.bot.namnd.add_meeting("AMN", DAY, paragraphs=16, actor="t", location="Tekniska nämndhuset")
        await user(bot, "Andrea Ström").slash("förhinder 26 november")
        await bot.bot.settled()
        (msg,) = await mail.wait_for(HAGGMAN)
        text = next(p.get_content() for p in msg.walk() if p.get_content_type() == "text/plain").replace("\r\n", "\n")
        found = re.search(r"^Jag kommer:\n(\S+)$", text, flags=re.M)
        assert found is not None
        url = found.group(1)

        # A phone-sized window, no JavaScript at all: the page must work as plain HTML.
        context = await browser.new_context(
            viewport={"width": 390, "height": 760}, java_script_enabled=False, locale="sv-SE"
        )
        first, second = await context.new_page(), await context.new_page()
        await first.goto(url)
        await second.goto(url)  # the same link open in another tab
        assert await first.title() == "Du är inkallad att tjänstgöra – namndbot"
        meeting = await first.get_by_role("region", name="Sammanträdet").inner_text()
        assert "Arbetsmarknadsnämnden" in meeting and "Tisdag 26 november 2019 kl. 16.00" in meeting
        assert "Plats: Tekniska nämndhuset" in meeting and "för Andrea Ström (M)" in meeting
        kommer = first.get_by_role("button", name="Jag kommer")
        assert await kommer.is_visible() and await first.get_by_role("button", name="Jag kan inte").is_visible()
        box = await kommer.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] <= 390  # a finger's size, within the phone
        SCREENSHOT.parent.mkdir(exist_ok=True)
        await first.screenshot(path=str(SCREENSHOT), full_page=True)
        # Opening it twice recorded nothing.
        assert (await bot.bot.namnd.narvaro("AMN", DAY)).calls.get("borje haggman") == "kallad"

        await kommer.click()
        await first.wait_for_load_state()
        assert await first.get_by_role("heading").inner_text() == "Tack! Ditt svar är registrerat"
        assert (
            "Du är anmäld att tjänstgöra vid sammanträdet tisdag 26 november 2019"
            in await first.get_by_role("status").inner_text()
        )
        assert await first.get_by_role("button").count() == 0

        # Pressed again, from the other tab: it was already recorded, and nothing changes.
        await second.get_by_role("button", name="Jag kommer").click()
        await second.wait_for_load_state()
        assert await second.get_by_role("heading").inner_text() == "Ditt svar är redan registrerat"
        await bot.bot.settled()
        result = await bot.bot.namnd.narvaro("AMN", DAY)
        assert result.calls.get("borje haggman") == "kommer"
        async with bot.bot.db.read() as repo:
            answers = [r for r in await repo.audit_log() if r.action == "inkallelse_besvarad"]
        assert len(answers) == 1 and answers[0].actor.startswith("epost:")
        await context.close()

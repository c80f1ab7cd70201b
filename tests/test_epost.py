"""Members without Slack (issue 14): call-ins by e-mail through a real SMTP server (aiosmtpd in this
process), the answer page behind the mail's links, permanent and temporary SMTP failures."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, date, datetime
from email.message import EmailMessage

import pytest
from aiohttp import ClientSession
from icalendar import Calendar

from namndbot.mail.local import LocalMail

from .bot_process import free_port
from .slack_support import SECRETARIES_CHANNEL, SECRETARY, amn_with_slack, running_bot, slack_id, user

DAY = date(2019, 11, 26)
HAGGMAN = "borje@example.se"  # Börje Häggman (M), first ersättare for M, has no Slack


def parts(msg: EmailMessage) -> dict[str, str]:
    return {p.get_content_type(): p.get_content() for p in msg.walk() if not p.is_multipart()}


def links(msg: EmailMessage) -> dict[str, str]:
    text = parts(msg)["text/plain"].replace("\r\n", "\n")
    return dict(re.findall(r"^(Jag kommer|Jag kan inte):\n(\S+)$", text, flags=re.M))


def summary_text(fake) -> str:
    (summary,) = fake.channels[SECRETARIES_CHANNEL][:1]
    return json.dumps(summary["blocks"], ensure_ascii=False)


@pytest.fixture
async def mail():
    async with LocalMail() as server:
        yield server


@pytest.fixture
async def bot(tmp_path, clock, mail):
    clock.now = datetime(2019, 11, 20, 9, tzinfo=UTC)
    port = free_port()
    async with running_bot(
        tmp_path,
        clock,
        roster=amn_with_slack(emails_only=("Börje Häggman",)).replace("börje@", "borje@"),
        NAMNDBOT_PORT=port,
        NAMNDBOT_BASE_URL=f"http://127.0.0.1:{port}",
        NAMNDBOT_SMTP_URL=mail.url,
        NAMNDBOT_MAIL_FROM="amn@example.se",
    ) as running:
        await running.bot.namnd.add_meeting("AMN", DAY, paragraphs=16, actor="t")
        await running.bot.settled()
        yield running


async def call_haggman(bot, mail) -> EmailMessage:
    status, _ = await user(bot, "Andrea Ström").slash("förhinder 26 november")
    assert status == 200
    await bot.bot.settled()
    (msg,) = await mail.wait_for(HAGGMAN)
    return msg


async def test_a_call_in_by_mail_is_answered_through_its_link(bot, mail):
    msg = await call_haggman(bot, mail)
    assert msg["Subject"] == "Inkallelse: Arbetsmarknadsnämnden tisdag 26 november 2019 kl. 16.00"
    assert msg["To"] == "Börje Häggman <borje@example.se>"
    assert msg["Message-ID"].endswith("@example.se>")
    body = parts(msg)
    assert "Du är inkallad att tjänstgöra för Andrea Ström (M)" in body["text/plain"]
    assert 'lang="sv"' in body["text/html"] and "Jag kommer</a>" in body["text/html"]
    # The invitation: the feed's UID, METHOD:REQUEST, the member as attendee.
    (cal_part,) = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    assert cal_part.get_param("method") == "REQUEST"
    cal = Calendar.from_ical(cal_part.get_content())
    (event,) = cal.walk("VEVENT")
    meeting = (await bot.bot.namnd.narvaro("AMN", DAY)).meeting
    assert str(event["UID"]) == meeting.uid and int(event["SEQUENCE"]) == meeting.sequence
    assert str(event["ATTENDEE"]) == "mailto:borje@example.se"
    assert not [c for c in bot.fake.calls if c.method == "conversations.open" and "HAGGM" in str(c.args)]

    url = links(msg)["Jag kommer"]
    assert "Börje Häggman (M)" in summary_text(bot.fake)  # among those who have not answered
    async with ClientSession() as http:
        # Opening the link (a mail scanner does) changes nothing.
        async with http.get(url) as r:
            page = await r.text()
            assert r.status == 200 and r.headers["Cache-Control"] == "no-store"
        assert "Tisdag 26 november 2019 kl. 16.00" in page and "för Andrea Ström (M)" in page
        assert 'value="kommer"' in page and 'value="kan_inte"' in page
        await bot.bot.settled()
        result = await bot.bot.namnd.narvaro("AMN", DAY)
        assert result.calls.get("borje haggman") == "kallad"

        async with http.post(url.split("?")[0], data={"svar": "kommer"}) as r:
            page = await r.text()
            assert r.status == 200
        assert "Tack! Ditt svar är registrerat" in page
        assert "Du är anmäld att tjänstgöra vid sammanträdet tisdag 26 november 2019" in page
        await bot.bot.settled()
        result = await bot.bot.namnd.narvaro("AMN", DAY)
        assert result.calls.get("borje haggman") == "kommer"
        assert "Inkallade som inte har svarat" not in summary_text(bot.fake)

        # Pressed again (another tab, the back button): once is enough, and it says so.
        async with http.post(url.split("?")[0], data={"svar": "kan_inte"}) as r:
            page = await r.text()
        assert "Ditt svar är redan registrerat" in page and 'value="kommer"' not in page
        result = await bot.bot.namnd.narvaro("AMN", DAY)
        assert result.calls.get("borje haggman") == "kommer" and result.declined == {}

        # A forged or damaged link changes nothing and says so.
        forged = url.split("?")[0][:-3] + "AAA"
        async with http.post(forged, data={"svar": "kan_inte"}) as r:
            assert r.status == 404 and "Länken fungerar inte" in await r.text()


async def test_the_registerutdrag_shows_the_mails_and_hides_the_links(bot, mail):
    from namndbot.services.utdrag import utdrag

    msg = await call_haggman(bot, mail)
    token = links(msg)["Jag kommer"].split("/svar/")[1].split("?")[0]
    found = (await utdrag(bot.bot.db, "häggman", bot.bot.clock)).as_dict()
    (sent,) = [m for m in found["meddelanden"] if m["sort"] == "mail"]
    assert sent["till"] == HAGGMAN and sent["status"] == "sent"
    assert "Du är inkallad att tjänstgöra" in sent["text"] and token not in json.dumps(found, ensure_ascii=False)
    assert [i["sammantrade"] for i in found["kalenderinbjudningar"]] == ["AMN 2019-11-26"]


async def test_a_decline_by_mail_calls_the_next_and_a_used_link_says_so(bot, mail):
    msg = await call_haggman(bot, mail)
    url = links(msg)["Jag kan inte"].split("?")[0]
    async with ClientSession() as http:
        async with http.post(url, data={"svar": "kan_inte"}) as r:
            assert "Du kallas inte till sammanträdet" in await r.text()
        await bot.bot.settled()
        async with http.get(url) as r:
            page = await r.text()
        assert "Ditt svar är redan registrerat" in page and "<form" not in page
    result = await bot.bot.namnd.narvaro("AMN", DAY)
    assert result.declined == {"borje haggman": "avbojt"}
    released = mail.to(HAGGMAN)[-1]  # and the meeting leaves his calendar
    assert released["Subject"] == "Du behövs inte längre: Arbetsmarknadsnämnden tisdag 26 november 2019"
    (cancel,) = [p for p in released.walk() if p.get_content_type() == "text/calendar"]
    assert cancel.get_param("method") == "CANCEL"
    (called,) = bot.fake.dms_to(slack_id("Arslan Bicen"))  # the next in turordning, at once
    assert called["text"].startswith("Du är inkallad att tjänstgöra för Andrea Ström (M)")


async def test_an_address_the_server_refuses_alerts_the_secretaries_by_name(bot, mail):
    mail.refuse[HAGGMAN] = "550 5.1.1 Mottagaren finns inte"
    status, _ = await user(bot, "Andrea Ström").slash("förhinder 26 november")
    assert status == 200
    await bot.bot.settled()
    assert mail.to(HAGGMAN) == []
    notices = [m["text"] for m in bot.fake.channels[SECRETARIES_CHANNEL] if m["text"].startswith(":warning:")]
    (notice,) = notices
    assert "kunde inte skicka e-post till Börje Häggman (borje@example.se)" in notice
    assert "550 5.1.1 Mottagaren finns inte" in notice
    assert "Inkallelse: Arbetsmarknadsnämnden tisdag 26 november 2019" in notice
    async with bot.bot.db.read() as repo:
        (row,) = [r for r in await repo.outbox_all() if r.kind == "mail"]
    assert row.status == "failed"


async def test_a_temporary_refusal_is_tried_again_and_sent_once(bot, mail, clock):
    mail.refuse[HAGGMAN] = "451 4.3.0 Try again later"
    status, _ = await user(bot, "Andrea Ström").slash("förhinder 26 november")
    assert status == 200
    for _ in range(200):
        async with bot.bot.db.read() as repo:
            rows = [r for r in await repo.outbox_all() if r.kind == "mail"]
        if rows and rows[0].attempts >= 1 and rows[0].status == "pending":
            break
        await asyncio.sleep(0.05)
    assert rows[0].status == "pending" and mail.to(HAGGMAN) == []
    del mail.refuse[HAGGMAN]
    clock.advance(minutes=5)  # the retry is due
    await bot.bot.settled()
    assert len(await mail.wait_for(HAGGMAN)) == 1
    assert not [m for m in bot.fake.channels.get(SECRETARIES_CHANNEL, []) if m["text"].startswith(":warning:")]


async def test_kontakt_epost_wins_over_slack(tmp_path, clock, mail):
    roster = amn_with_slack().replace(
        'name = "Börje Häggman"\n', 'name = "Börje Häggman"\nemail = "borje@example.se"\nkontakt = "epost"\n'
    )
    assert 'kontakt = "epost"' in roster
    async with running_bot(
        tmp_path, clock, roster=roster, NAMNDBOT_SMTP_URL=mail.url, NAMNDBOT_MAIL_FROM="amn@example.se"
    ) as running:
        await running.bot.namnd.add_meeting("AMN", DAY, paragraphs=16, actor="t")
        await call_haggman(running, mail)
        assert running.fake.dms_to(slack_id("Börje Häggman")) == []


def phoned_buttons(message: dict) -> dict[str, tuple[str, str]]:
    """The summary's "… kommer" buttons: text -> (action_id, value)."""
    return {
        e["text"]["text"]: (e["action_id"], e["value"])
        for b in message.get("blocks") or []
        if b.get("type") == "actions"
        for e in b["elements"]
        if e["action_id"].startswith("svar_kommer_sekr_")
    }


async def test_a_yes_given_by_phone_is_recorded_from_the_secretaries_summary(bot, mail):
    await call_haggman(bot, mail)
    (summary,) = bot.fake.channels[SECRETARIES_CHANNEL][:1]
    action_id, value = phoned_buttons(summary)["Börje Häggman kommer"]
    secretary = user(bot, SECRETARY)
    status, _ = await secretary.click(action_id, value, message=summary)
    assert status == 200
    await bot.bot.settled()
    result = await bot.bot.namnd.narvaro("AMN", DAY)
    assert result.calls.get("borje haggman") == "kommer"
    assert bot.fake.responses[-1]["text"] == (
        "Börje Häggman (M) är anmäld att tjänstgöra vid sammanträdet tisdag 26 november 2019."
    )
    assert bot.fake.responses[-1]["replace_original"] is False  # the summary stays
    (summary,) = bot.fake.channels[SECRETARIES_CHANNEL][:1]
    assert "Börje Häggman kommer" not in phoned_buttons(summary)
    # The member's own link now says it is recorded.
    url = links(mail.to(HAGGMAN)[0])["Jag kommer"]
    async with ClientSession() as http, http.get(url) as r:
        assert "Ditt svar är redan registrerat" in await r.text()


async def test_a_member_may_not_press_the_summary_button(bot, mail):
    await call_haggman(bot, mail)
    (summary,) = bot.fake.channels[SECRETARIES_CHANNEL][:1]
    action_id, value = phoned_buttons(summary)["Börje Häggman kommer"]
    await user(bot, "Martin Westmont").click(action_id, value, message=summary)
    await bot.bot.settled()
    assert (await bot.bot.namnd.narvaro("AMN", DAY)).calls.get("borje haggman") == "kallad"


def test_ersattare_accept_records_a_yes_given_outside_the_bot(amn_cli, cli_on):
    cli_on("2019-11-20")
    base = ("--committee", "AMN", "--meeting", "2019-11-26")
    amn_cli.ok("forhinder", "add", *base, "Andrea Ström")
    out = amn_cli.ok("ersattare", "accept", *base, "häggman")
    assert out == (
        "Börje Häggman (M) kommer till sammanträdet tisdag 26 november 2019 kl. 16.00: svaret är registrerat.\n"
    )
    assert "har redan svarat ja" in amn_cli.ok("ersattare", "accept", *base, "häggman")
    before = amn_cli.dump()
    code, _, err = amn_cli("ersattare", "accept", *base, "Arslan Bicen")  # not called in
    assert code == 2 and amn_cli.dump() == before
    assert "Arslan Bicen (M) är inte inkallad till sammanträdet tisdag 26 november 2019" in err, err


async def test_a_mail_server_that_is_down_is_tried_again(bot, mail, clock):
    port = mail.port
    await mail.stop()  # connection refused
    status, _ = await user(bot, "Andrea Ström").slash("förhinder 26 november")
    assert status == 200
    for _ in range(200):
        async with bot.bot.db.read() as repo:
            rows = [r for r in await repo.outbox_all() if r.kind == "mail"]
        if rows and rows[0].attempts >= 1 and rows[0].status == "pending":
            break
        await asyncio.sleep(0.05)
    assert rows[0].status == "pending"
    mail.port = port
    await mail.start()
    clock.advance(minutes=5)
    await bot.bot.settled()
    (msg,) = await mail.wait_for(HAGGMAN)
    assert msg["Subject"].startswith("Inkallelse:")
    assert not [m for m in bot.fake.channels.get(SECRETARIES_CHANNEL, []) if m["text"].startswith(":warning:")]

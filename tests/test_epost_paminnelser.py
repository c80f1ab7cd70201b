"""What a member without Slack gets by e-mail besides the call-in: meeting reminders (with the
invitation), the reminder to answer, a call withdrawn for want of an answer (and its dead link),
justering reminders and the notice of a svar på skrivelse."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from email.message import EmailMessage

import pytest
from aiohttp import ClientSession
from icalendar import Calendar

from namndbot.mail.local import LocalMail
from namndbot.services.justering import JusteringService
from namndbot.services.skrivelse import SkrivelseService

from .bot_process import free_port
from .conftest import SVAR_ASPIRANTER
from .slack_support import COMMITTEE_CHANNEL, amn_with_slack, running_bot, slack_id, user

DAY = date(2019, 11, 26)
FREDRIK = "fredrik@example.se"  # Fredrik Lindstål (C), ordförande, no Slack
HAGGMAN = "borje@example.se"  # Börje Häggman (M), ersättare, no Slack
SALAR = "salar@example.se"  # Salar Rashid (S): on Slack, but kontakt = "epost"


def utc(y, mo, d, h, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def roster(extra: str = "") -> str:
    text = amn_with_slack(emails_only=("Fredrik Lindstål", "Börje Häggman"), extra=extra)
    text = text.replace("fredrik@", "fredrik@").replace("börje@", "borje@")
    return text.replace('name = "Salar Rashid"\n', f'name = "Salar Rashid"\nemail = "{SALAR}"\nkontakt = "epost"\n')


def plain(msg: EmailMessage) -> str:
    part = next(p for p in msg.walk() if p.get_content_type() == "text/plain")
    return part.get_content().replace("\r\n", "\n")


def invitation(msg: EmailMessage):
    (part,) = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    (event,) = Calendar.from_ical(part.get_content()).walk("VEVENT")
    return event


@pytest.fixture
async def mail():
    async with LocalMail() as server:
        yield server


def bot(tmp_path, clock, mail, text: str):
    port = free_port()
    return running_bot(
        tmp_path,
        clock,
        roster=text,
        NAMNDBOT_PORT=port,
        NAMNDBOT_BASE_URL=f"http://127.0.0.1:{port}",
        NAMNDBOT_SMTP_URL=mail.url,
        NAMNDBOT_MAIL_FROM="amn@example.se",
    )


async def tick(running, clock, to: datetime) -> None:
    clock.now = to
    await running.bot.settled()


async def test_meeting_reminders_and_the_reminder_to_answer_come_by_mail(tmp_path, clock, mail):
    clock.now = utc(2019, 11, 15, 10)
    async with bot(tmp_path, clock, mail, roster("\nsvarstid_timmar = 300")) as r:
        await r.bot.namnd.add_meeting("AMN", DAY, paragraphs=16, actor="t")
        await r.bot.settled()
        await tick(r, clock, utc(2019, 11, 19, 8, 1))  # 7 days before
        (reminder,) = mail.to(FREDRIK)
        assert reminder["Subject"] == "Påminnelse: Arbetsmarknadsnämnden tisdag 26 november 2019 kl. 16.00"
        assert plain(reminder).startswith(
            "Påminnelse: Arbetsmarknadsnämnden sammanträder tisdag 26 november 2019 kl. 16.00 (om 7 dagar)."
        )
        meeting = (await r.bot.namnd.narvaro("AMN", DAY)).meeting
        event = invitation(reminder)
        assert str(event["UID"]) == meeting.uid and str(event["ORGANIZER"]) == "mailto:amn@example.se"
        assert [m["text"] for m in r.fake.channels[COMMITTEE_CHANNEL] if m["text"].startswith("Påminnelse")]
        assert mail.to(HAGGMAN) == []  # not called in: no reminder

        clock.now = utc(2019, 11, 20, 9)
        await user(r, "Andrea Ström").slash("förhinder 26 november")
        await r.bot.settled()
        (call,) = mail.to(HAGGMAN)
        assert call["Subject"].startswith("Inkallelse:")

        # The meeting moves an hour: whoever got its invitation by mail gets the update at once (same
        # UID, a higher SEQUENCE), so it moves in their calendar; a change of the paragraphs is no news.
        await r.bot.namnd.add_meeting("AMN", DAY, start=time(17, 0), paragraphs=16, actor="t")
        await r.bot.settled()
        await r.bot.namnd.add_meeting("AMN", DAY, start=time(17, 0), paragraphs=18, actor="t")
        await r.bot.settled()
        for address in (FREDRIK, HAGGMAN):
            changed = mail.to(address)[-1]
            assert changed["Subject"] == "Ändrat sammanträde: Arbetsmarknadsnämnden tisdag 26 november 2019 kl. 17.00"
            moved = invitation(changed)
            assert str(moved["UID"]) == meeting.uid and int(moved["SEQUENCE"]) > int(event["SEQUENCE"])
            assert moved.decoded("DTSTART").hour == 17
        assert len(mail.to(FREDRIK)) == 2 and len(mail.to(HAGGMAN)) == 2

        await tick(r, clock, utc(2019, 11, 25, 8, 1))  # 1 day before
        fredrik = mail.to(FREDRIK)
        assert len(fredrik) == 3 and "(i morgon)" in plain(fredrik[-1])
        later = invitation(fredrik[-1])
        assert str(later["UID"]) == meeting.uid and int(later["SEQUENCE"]) == int(moved["SEQUENCE"])
        haggman = mail.to(HAGGMAN)
        assert len(haggman) == 3  # the call-in reminder, not the general one
        assert (
            haggman[-1]["Subject"]
            == "Påminnelse: svara på inkallelsen till Arbetsmarknadsnämnden tisdag 26 november 2019"
        )
        assert "men har inte svarat" in plain(haggman[-1]) and "Jag kommer:\nhttp://127.0.0.1" in plain(haggman[-1])


async def test_a_call_not_answered_in_time_is_withdrawn_by_mail_and_its_link_says_so(tmp_path, clock, mail):
    clock.now = utc(2019, 11, 20, 9)
    async with bot(tmp_path, clock, mail, roster()) as r:
        await r.bot.namnd.add_meeting("AMN", DAY, paragraphs=16, actor="t")
        await user(r, "Andrea Ström").slash("förhinder 26 november")
        await r.bot.settled()
        (call,) = mail.to(HAGGMAN)
        link = next(line for line in plain(call).splitlines() if "/svar/" in line)
        await tick(r, clock, utc(2019, 11, 21, 10))  # 25 hours later
        withdrawn = mail.to(HAGGMAN)[-1]
        assert withdrawn["Subject"] == "Inkallelsen är återkallad: Arbetsmarknadsnämnden tisdag 26 november 2019"
        assert "vi fick inget svar i tid" in plain(withdrawn)
        (cancel,) = [p for p in withdrawn.walk() if p.get_content_type() == "text/calendar"]
        assert cancel.get_param("method") == "CANCEL"  # out of the calendar the call-in put it in
        assert int(invitation(withdrawn)["SEQUENCE"]) > int(invitation(call)["SEQUENCE"])
        assert r.fake.dms_to(slack_id("Arslan Bicen"))  # the next one, on Slack
        async with ClientSession() as http, http.get(link) as resp:
            page = await resp.text()
        assert resp.status == 410 and "Länken har gått ut" in page and "<form" not in page


async def test_justering_reminders_and_a_svar_by_mail(tmp_path, clock, mail):
    clock.now = utc(2019, 11, 26, 17)  # the meeting has been held
    async with bot(tmp_path, clock, mail, roster()) as r:
        await r.bot.namnd.add_meeting("AMN", DAY, paragraphs=16, actor="t")
        await JusteringService(r.bot.namnd).set(
            "AMN", DAY, ["Fredrik Lindstål", "Andrea Ström"], date(2019, 12, 2), actor="t"
        )
        await r.bot.settled()
        await tick(r, clock, utc(2019, 11, 29, 8, 1))  # the working day before
        (before,) = mail.to(FREDRIK)
        assert before["Subject"] == (
            "Påminnelse: justering av protokollet från Arbetsmarknadsnämnden tisdag 26 november 2019"
        )
        assert plain(before).startswith(
            "Påminnelse: du ska justera protokollet från Arbetsmarknadsnämndens sammanträde tisdag 26 november "
            "2019 på måndag 2 december 2019. Justerare: Andrea Ström (M)."
        )
        await tick(r, clock, utc(2019, 12, 2, 7, 1))  # the morning
        today = mail.to(FREDRIK)[-1]
        assert "i dag" in plain(today) and "Säg till nämndens sekreterare när det är klart." in plain(today)
        assert "Tryck Justerat" not in plain(today)
        assert r.fake.dms_to(slack_id("Andrea Ström"))  # the other justerare, on Slack

        await r.bot.namnd.add_meeting("AMN", date(2021, 4, 13), actor="t")
        await SkrivelseService(r.bot.namnd).post(
            SVAR_ASPIRANTER.read_text(encoding="utf-8"), committee=None, source="test", actor="t"
        )
        await r.bot.settled()
        (svar,) = mail.to(SALAR)
        assert svar["Subject"] == "Svar på din skrivelse (Arbetsmarknadsnämnden)"
        assert plain(svar).startswith("Förvaltningen har svarat på din skrivelse: Svar på skrivelse om trygga")
        assert r.fake.dms_to(slack_id("Salar Rashid")) == []  # kontakt = "epost": no DM

"""Reminders that survive restarts, justering with its legal dates, new svar på skrivelse.

A controllable clock drives the real bot against the fake Slack: the test
moves time, pokes the bot, and looks at what Slack received.
"""

from __future__ import annotations

import json
import secrets
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, time

import pytest

from namndbot.bot.fake_slack_user import select
from namndbot.bot.server import Mode, start
from namndbot.domain import paminnelser
from namndbot.services.justering import JusteringService
from namndbot.services.schedule import import_schedule
from namndbot.services.skrivelse import SkrivelseService
from namndbot.settings import Settings

from . import postgresql
from .conftest import SVAR_ASPIRANTER, SVAR_STOCKHOLMSJOBB, Clock
from .slack_support import COMMITTEE_CHANNEL, SECRETARIES_CHANNEL, SECRETARY, amn_with_slack, slack_id, user

pytestmark = pytest.mark.postgresql  # the reminders' jobs are claimed on PostgreSQL: run them there too

DAY = date(2019, 11, 26)  # a Tuesday; 16:00 in Stockholm is 15:00Z


def utc(y, mo, d, h, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


@asynccontextmanager
async def bot_on(tmp_path, clock, fake, *, first: bool = False, inbox=None):
    """The bot on a database that outlives it (restarts), against a fake Slack that does too."""
    settings = Settings(
        NAMNDBOT_DATABASE=await postgresql.target_for(tmp_path),
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=secrets.token_hex(16),
        NAMNDBOT_SLACK_API_URL=fake.api_url,
        NAMNDBOT_HOST="127.0.0.1",
        NAMNDBOT_PORT=0,
        NAMNDBOT_BASE_URL="https://namnd.example.se",
        NAMNDBOT_INBOX=str(inbox) if inbox else None,
    )
    running = await start(settings, clock=clock, mode=Mode(socket=False), poll=0.2)
    running.events_url = f"http://127.0.0.1:{running.port}/slack/events"
    running.secret = settings.slack_signing_secret
    running.fake = fake
    if first:
        await running.bot.namnd.import_roster(amn_with_slack(), "test")
        await running.bot.namnd.add_meeting("AMN", DAY, paragraphs=16, actor="test")
    await running.bot.settled()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
def early() -> Clock:
    return Clock(utc(2019, 11, 15, 10))


def reminders_in(fake) -> list[dict]:
    return [m for m in fake.channels.get(COMMITTEE_CHANNEL, []) if m["text"].startswith("Påminnelse")]


async def tick(running, clock, to: datetime) -> None:
    clock.now = to
    await running.bot.settled()


def test_when_reminders_are_due(amn):
    from namndbot.domain.meeting import Meeting

    m = Meeting("AMN", DAY, time(16), id=7)
    due = paminnelser.meeting_reminders(amn.committee, m)
    assert [(d.key, d.at) for d in due] == [
        ("paminnelse:7:7", utc(2019, 11, 19, 8)),
        ("paminnelse:7:1", utc(2019, 11, 25, 8)),
    ]
    j = paminnelser.justering_reminders(amn.committee, m, date(2019, 12, 2))  # a Monday
    assert [(d.kind, d.at) for d in j] == [
        ("justering_paminnelse", utc(2019, 11, 29, 8)),  # Friday before, 09:00
        ("justering_paminnelse", utc(2019, 12, 2, 7)),  # the morning, 08:00
        ("justering_forsenad", utc(2019, 12, 3, 8)),  # the next working day
        ("justering_frist", utc(2019, 12, 8, 8)),  # two days before the limit (10 December)
    ]


async def test_reminders_fire_at_their_time_once(tmp_path, early, fake):
    async with bot_on(tmp_path, early, fake, first=True) as r:
        assert reminders_in(fake) == []
        await tick(r, early, utc(2019, 11, 19, 7, 59))
        assert reminders_in(fake) == []
        await tick(r, early, utc(2019, 11, 19, 8, 0))
        (first,) = reminders_in(fake)
        assert first["text"] == (
            "Påminnelse: Arbetsmarknadsnämnden sammanträder tisdag 26 november 2019 kl. 16.00 (om 7 dagar)."
        )
        assert "oppna_forhinder" in json.dumps(first["blocks"])
        await tick(r, early, utc(2019, 11, 22, 12))
        assert len(reminders_in(fake)) == 1
        await tick(r, early, utc(2019, 11, 25, 8, 1))
        assert [m["text"].rsplit("(", 1)[1] for m in reminders_in(fake)] == ["om 7 dagar).", "i morgon)."]
        await tick(r, early, utc(2019, 11, 27, 8))
        assert len(reminders_in(fake)) == 2


async def test_unanswered_ersattare_get_a_dm_with_the_reminder(tmp_path, early, fake):
    async with bot_on(tmp_path, early, fake, first=True) as r:
        early.now = utc(2019, 11, 18, 12)  # called 20 hours before the reminder, within the 24 h to answer
        await user(r, "Martin Westmont").slash("förhinder 26 november")
        await r.bot.settled()
        await tick(r, early, utc(2019, 11, 19, 8))
        dms = fake.dms_to(slack_id("Mattias Mårdenfjord"))
        assert len(dms) == 2
        assert dms[0]["text"].startswith("Du är inkallad att tjänstgöra för Martin Westmont (SD)")
        assert dms[1]["text"].startswith("Påminnelse: du är inkallad att tjänstgöra för Martin Westmont (SD)")
        # Having answered, he is not reminded again.
        dm = dms[0]
        value = next(
            e["value"]
            for b in dm["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"] == "svar_kommer"
        )
        await user(r, "Mattias Mårdenfjord").click("svar_kommer", value, message=dm)
        await r.bot.settled()
        await tick(r, early, utc(2019, 11, 25, 8))
        assert len(fake.dms_to(slack_id("Mattias Mårdenfjord"))) == 2


async def test_a_restart_between_due_time_and_send_sends_once(tmp_path, early, fake):
    async with bot_on(tmp_path, early, fake, first=True):
        pass
    early.now = utc(2019, 11, 19, 9)  # due while the bot was down
    async with bot_on(tmp_path, early, fake):
        assert len(reminders_in(fake)) == 1
    async with bot_on(tmp_path, early, fake):  # and again: nothing new
        assert len(reminders_in(fake)) == 1


async def test_an_outage_sends_each_useful_overdue_job_once(tmp_path, early, fake, caplog):
    async with bot_on(tmp_path, early, fake, first=True):
        pass
    early.now = utc(2019, 11, 25, 12)  # down for six days: both reminders are overdue
    caplog.set_level("INFO")
    async with bot_on(tmp_path, early, fake) as r:
        (only,) = reminders_in(fake)
        assert only["text"].endswith("(i morgon).")
        assert "en senare påminnelse om samma sammanträde går ut i stället" in caplog.text
        async with r.bot.db.read() as repo:
            jobs = {j.key: j.status for j in await repo.jobs_for_meeting(1)}
        assert jobs == {"paminnelse:1:7": "dropped", "paminnelse:1:1": "done"}
    early.now = utc(2019, 11, 27, 12)
    async with bot_on(tmp_path, early, fake):
        assert len(reminders_in(fake)) == 1


async def test_after_the_meeting_a_reminder_is_dropped_with_the_reason(tmp_path, early, fake, caplog):
    async with bot_on(tmp_path, early, fake, first=True):
        pass
    caplog.set_level("INFO")
    early.now = utc(2019, 11, 28, 12)
    async with bot_on(tmp_path, early, fake):
        assert reminders_in(fake) == []
    assert "sammanträdet har redan börjat" in caplog.text


async def test_a_moved_meeting_moves_its_reminders(tmp_path, early, fake):
    async with bot_on(tmp_path, early, fake, first=True) as r:
        await import_schedule(r.bot.namnd, "AMN", "Sammanträdestider 2019\nTisdag den 26 november\n", actor="t")
        await r.bot.settled()
        await import_schedule(r.bot.namnd, "AMN", "Sammanträdestider hösten 2019\nTisdag den 3 december\n", actor="t")
        await r.bot.settled()
        async with r.bot.db.read() as repo:
            jobs = {j.key: (j.due_at, j.status) for j in await repo.jobs_for_meeting(1)}
        assert jobs["paminnelse:1:7"] == (utc(2019, 11, 26, 8), "pending")
        assert jobs["paminnelse:1:1"] == (utc(2019, 12, 2, 8), "pending")
        await tick(r, early, utc(2019, 11, 19, 9))  # the old time: nothing
        assert reminders_in(fake) == []
        await tick(r, early, utc(2019, 11, 26, 8, 5))
        assert reminders_in(fake)[0]["text"].startswith(
            "Påminnelse: Arbetsmarknadsnämnden sammanträder tisdag 3 december 2019"
        )


async def test_a_meeting_moved_closer_drops_the_reminder_whose_time_has_passed(tmp_path, early, fake):
    async with bot_on(tmp_path, early, fake, first=True) as r:
        await import_schedule(r.bot.namnd, "AMN", "Sammanträdestider 2019\nTisdag den 26 november\n", actor="t")
        await r.bot.settled()
        early.now = utc(2019, 11, 16, 10)
        # Moved to Thursday 21 November: "7 days before" was the 14th, already past; it is not sent at all,
        # neither now nor at the old time (the 19th).
        await import_schedule(r.bot.namnd, "AMN", "Sammanträdestider hösten 2019\nTorsdag den 21 november\n", actor="t")
        await r.bot.settled()
        async with r.bot.db.read() as repo:
            jobs = {j.key: (j.due_at, j.status) for j in await repo.jobs_for_meeting(1)}
        assert jobs["paminnelse:1:7"][1] == "dropped"
        assert jobs["paminnelse:1:1"] == (utc(2019, 11, 20, 8), "pending")
        await tick(r, early, utc(2019, 11, 19, 8, 5))
        assert reminders_in(fake) == []
        await tick(r, early, utc(2019, 11, 20, 8, 5))
        assert [m["text"] for m in reminders_in(fake)] == [
            "Påminnelse: Arbetsmarknadsnämnden sammanträder torsdag 21 november 2019 kl. 16.00 (i morgon)."
        ]


async def test_a_reminder_sent_late_counts_the_days_from_when_it_is_sent(tmp_path, early, fake):
    async with bot_on(tmp_path, early, fake, first=True):
        pass
    early.now = utc(2019, 11, 21, 12)  # down over the 7-days-before morning; it goes out now, late
    async with bot_on(tmp_path, early, fake):
        (late,) = reminders_in(fake)
        assert late["text"].endswith("(om 5 dagar).")


async def test_a_moved_justering_date_stops_the_overdue_reminders_until_it_passes(tmp_path, early, fake):
    early.now = utc(2019, 11, 26, 17)
    async with bot_on(tmp_path, early, fake, first=True) as r:
        justering = JusteringService(r.bot.namnd)
        await justering.set("AMN", DAY, ["Fredrik Lindstål"], date(2019, 12, 2), actor="t")
        await r.bot.settled()
        await tick(r, early, utc(2019, 12, 3, 8, 30))
        overdue = lambda: [m for m in fake.channels[SECRETARIES_CHANNEL] if "skulle ha justerats" in m["text"]]
        assert len(overdue()) == 1
        await justering.set("AMN", DAY, [], date(2019, 12, 5), actor="t")  # the secretary moves the date
        await r.bot.settled()
        await tick(r, early, utc(2019, 12, 4, 8, 30))
        await tick(r, early, utc(2019, 12, 5, 8, 30))
        assert len(overdue()) == 1  # nothing while the new date has not passed
        await tick(r, early, utc(2019, 12, 6, 8, 30))
        assert len(overdue()) == 2


async def test_a_cancelled_meeting_has_no_reminders(tmp_path, early, fake):
    async with bot_on(tmp_path, early, fake, first=True) as r:
        await r.bot.namnd.cancel_meeting("AMN", DAY, actor="t")
        await tick(r, early, utc(2019, 11, 25, 9))
        assert reminders_in(fake) == []


# -- justering --------------------------------------------------------------------------------
async def test_justering_reminders_and_the_justerat_button(tmp_path, early, fake):
    early.now = utc(2019, 11, 26, 17)  # the meeting has been held
    async with bot_on(tmp_path, early, fake, first=True) as r:
        await JusteringService(r.bot.namnd).set(
            "AMN", DAY, ["Fredrik Lindstål", "Salar Rashid"], date(2019, 12, 2), actor="t"
        )
        await r.bot.settled()
        lindstal, rashid = slack_id("Fredrik Lindstål"), slack_id("Salar Rashid")
        await tick(r, early, utc(2019, 11, 29, 8, 1))  # the working day before (a Friday)
        assert fake.dms_to(lindstal)[-1]["text"] == (
            "Påminnelse: du ska justera protokollet från Arbetsmarknadsnämndens sammanträde tisdag 26 november 2019 "
            "på måndag 2 december 2019. Justerare: Salar Rashid (S)."
        )
        await tick(r, early, utc(2019, 12, 2, 7, 1))  # the morning
        assert fake.dms_to(rashid)[-1]["text"].startswith(
            "Påminnelse: du ska justera protokollet från "
            "Arbetsmarknadsnämndens sammanträde tisdag 26 november 2019 i dag."
        )
        today = fake.channels[SECRETARIES_CHANNEL][-1]
        assert today["text"].startswith(
            "Protokollet från Arbetsmarknadsnämndens sammanträde tisdag 26 november 2019 "
            "justeras i dag av Fredrik Lindstål (C), Salar Rashid (S)."
        )
        value = next(e["value"] for b in today["blocks"] if b["type"] == "actions" for e in b["elements"])
        # A member who is not a justerare cannot mark it; the secretary can.
        await user(r, "Andrea Ström").click("justering_klar", value, message=today)
        await r.bot.settled()
        assert fake.responses[-1]["text"].startswith("Bara nämndens sekreterare och justerarna")
        await user(r, SECRETARY).click("justering_klar", value, message=today)
        await r.bot.settled()
        post = fake.channels[COMMITTEE_CHANNEL][-1]
        assert post["text"].splitlines() == [
            "Protokollet från Arbetsmarknadsnämndens sammanträde tisdag 26 november 2019 är justerat "
            "(måndag 2 december 2019).",
            "• Justeringen ska tillkännages på anslagstavlan senast onsdag 4 december 2019.",
            "• Sista dag att överklaga: fredag 27 december 2019 (tre veckor från ett anslag onsdag 4 december 2019).",
            "• Anslaget får tas ned tidigast lördag 28 december 2019.",
        ]
        before = len(fake.calls)
        await tick(r, early, utc(2019, 12, 9, 12))  # no overdue reminders once it is justerat
        assert not [c for c in fake.calls[before:] if c.method == "chat.postMessage"]


async def test_overdue_justering_reminds_the_secretary_every_working_day(tmp_path, early, fake):
    early.now = utc(2019, 11, 26, 17)
    async with bot_on(tmp_path, early, fake, first=True) as r:
        await JusteringService(r.bot.namnd).set("AMN", DAY, ["Fredrik Lindstål"], date(2019, 12, 2), actor="t")
        await r.bot.settled()
        for day in (3, 4, 5, 6, 7, 8, 9):  # Tue … Mon (7-8 December is a weekend)
            await tick(r, early, utc(2019, 12, day, 8, 30))
        texts = [m["text"] for m in fake.channels[SECRETARIES_CHANNEL]]
        overdue = [t for t in texts if "skulle ha justerats" in t]
        assert len(overdue) == 5  # Tue, Wed, Thu, Fri, Mon
        assert any(t.startswith(":warning: Lagens gräns närmar sig") and "tisdag 10 december 2019" in t for t in texts)


async def test_justering_modal_for_the_secretary(tmp_path, early, fake):
    early.now = utc(2019, 11, 26, 17)
    async with bot_on(tmp_path, early, fake, first=True) as r:
        status, body = await user(r, "Andrea Ström").slash("justering")
        assert body["text"] == "Det är nämndens sekreterare som anger justerare och justeringsdag."
        await user(r, SECRETARY).slash("justering")
        await r.bot.settled()
        view = fake.called("views.open")[-1]["view"]
        assert view["callback_id"] == "justering_modal"
        status, _ = await user(r, SECRETARY).submit(
            view,
            {
                "mote": select("AMN|2019-11-26"),
                "justerare1": select("Fredrik Lindstål"),
                "justerare2": select("Salar Rashid"),
                "dag": {"v": {"type": "datepicker", "selected_date": "2019-12-02"}},
            },
        )
        assert status == 200
        await r.bot.settled()
        shown = await JusteringService(r.bot.namnd).show("AMN", DAY)
        assert [m.name for m in shown.justerare] == ["Fredrik Lindstål", "Salar Rashid"]
        assert shown.row.date == date(2019, 12, 2)
        assert fake.dms_to(SECRETARY)[-1]["text"].startswith(
            "Protokollet från sammanträdet tisdag 26 november 2019 justeras måndag 2 december 2019 av"
        )


# -- svar på skrivelse ----------------------------------------------------------------------------
async def test_a_new_svar_is_posted_once_and_its_author_told(tmp_path, early, fake):
    async with bot_on(tmp_path, early, fake, first=True) as r:
        await r.bot.namnd.add_meeting("AMN", date(2021, 4, 13), actor="t")  # after the svar was signed
        skrivelser = SkrivelseService(r.bot.namnd)
        text = SVAR_ASPIRANTER.read_text(encoding="utf-8")
        result = await skrivelser.post(text, committee=None, source="test", actor="t")
        assert result.authors_on_roster == ("Salar Rashid",)
        await r.bot.settled()
        (post,) = [m for m in fake.channels[COMMITTEE_CHANNEL] if m["text"].startswith("Nytt svar")]
        assert post["text"] == "Nytt svar på skrivelse: Svar på skrivelse om trygga arbetsvillkor för aspiranter"
        body = json.dumps(post["blocks"], ensure_ascii=False)
        assert "Salar Rashid m.fl. (S)" in body and "Behandlas:* sammanträdet tisdag 13 april 2021" in body
        assert "hänvisa till förvaltningens tjänsteutlåtande" in body
        (dm,) = fake.dms_to(slack_id("Salar Rashid"))
        assert dm["text"].startswith("Förvaltningen har svarat på din skrivelse: Svar på skrivelse om trygga")
        # The same document again (saved differently): not posted again.
        again = await skrivelser.post(text.replace("\n", "\r\n  "), committee="AMN", source="test", actor="t")
        assert again.duplicate
        await r.bot.settled()
        assert len([m for m in fake.channels[COMMITTEE_CHANNEL] if m["text"].startswith("Nytt svar")]) == 1


async def test_inbox_folder_posts_new_documents_and_reports_bad_ones(tmp_path, early, fake):
    inbox = tmp_path / "inkorg"
    (inbox / "AMN").mkdir(parents=True)
    (inbox / "AMN" / "stockholmsjobb.txt").write_text(SVAR_STOCKHOLMSJOBB.read_text(encoding="utf-8"), encoding="utf-8")
    (inbox / "AMN" / "trasig.pdf").write_bytes(b"%PDF-1.4 broken")
    import os

    old = 1_500_000_000
    for f in (inbox / "AMN").iterdir():
        os.utime(f, (old, old))
    async with bot_on(tmp_path, early, fake, first=True, inbox=inbox) as r:
        await r.bot.documents.scan_inbox()
        await r.bot.settled()
        posts = [m for m in fake.channels[COMMITTEE_CHANNEL] if m["text"].startswith("Nytt svar")]
        assert [p["text"] for p in posts] == [
            "Nytt svar på skrivelse: Svar på skrivelse från Johanna Sjö (M) angående Stockholmsjobb"
        ]
        failed = [m for m in fake.channels[SECRETARIES_CHANNEL] if "kunde inte läsas" in m["text"]]
        assert len(failed) == 1 and "inkorgen: AMN/trasig.pdf" in failed[0]["text"]
        assert await r.bot.documents.scan_inbox() == 0  # seen: not again


async def test_a_file_shared_in_the_secretaries_channel(tmp_path, early, fake):
    fake.files["F0SVAR"] = ("svar.txt", SVAR_ASPIRANTER.read_bytes())
    async with bot_on(tmp_path, early, fake, first=True) as r:
        status, _ = await user(r, SECRETARY).event(
            {"type": "file_shared", "file_id": "F0SVAR", "channel_id": SECRETARIES_CHANNEL}
        )
        assert status == 200
        await r.bot.settled()
        assert fake.called("files.info")
        assert [m for m in fake.channels[COMMITTEE_CHANNEL] if m["text"].startswith("Nytt svar")]


async def test_a_bad_loose_file_with_two_committees_is_logged_once_and_the_scan_goes_on(
    tmp_path, early, fake, amn_text, caplog
):
    import os

    inbox = tmp_path / "inkorg"
    (inbox / "AMN").mkdir(parents=True)
    async with bot_on(tmp_path, early, fake, first=True, inbox=inbox) as r:
        await r.bot.namnd.import_roster(amn_text.replace('short = "AMN"', 'short = "KFN"'), "test")
        # A loose file can't say which of the two committees it is for, and it can't be read either.
        (inbox / "trasig.pdf").write_bytes(b"%PDF-1.4 broken")
        (inbox / "AMN" / "stockholmsjobb.txt").write_text(
            SVAR_STOCKHOLMSJOBB.read_text(encoding="utf-8"), encoding="utf-8"
        )
        for f in (inbox / "trasig.pdf", inbox / "AMN" / "stockholmsjobb.txt"):
            os.utime(f, (1_500_000_000, 1_500_000_000))
        await r.bot.documents.scan_inbox()
        await r.bot.settled()
        assert "inkorgen: trasig.pdf could not be read" in caplog.text and "Vilken nämnd" in caplog.text
        assert [m for m in fake.channels[COMMITTEE_CHANNEL] if m["text"].startswith("Nytt svar")]
        assert await r.bot.documents.scan_inbox() == 0  # both seen: not again


async def test_after_an_outage_the_justerare_get_only_the_same_day_reminder(tmp_path, early, fake):
    early.now = utc(2019, 11, 26, 17)
    async with bot_on(tmp_path, early, fake, first=True) as r:
        await JusteringService(r.bot.namnd).set("AMN", DAY, ["Fredrik Lindstål"], date(2019, 12, 2), actor="t")
        await r.bot.settled()
    early.now = utc(2019, 12, 2, 7, 30)  # down over Friday; back on the justering morning
    async with bot_on(tmp_path, early, fake):
        texts = [m["text"] for m in fake.dms_to(slack_id("Fredrik Lindstål")) if m["text"].startswith("Påminnelse")]
        assert len(texts) == 1 and " i dag." in texts[0]

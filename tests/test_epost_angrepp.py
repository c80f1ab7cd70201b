"""The answer page against what an attacker (or a broken mail program) sends: damaged and foreign
tokens, odd methods, bodies that are not UTF-8, not a form or far too large. Each gets a Swedish
page, never a traceback, and the call-in stays as it was."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiohttp import ClientSession

from .test_epost import DAY, bot, call_haggman, links, mail  # noqa: F401  (fixtures)

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


async def test_bad_requests_get_a_swedish_page_and_change_nothing(bot, mail):  # noqa: F811
    msg = await call_haggman(bot, mail)
    url = links(msg)["Jag kan inte"].split("?")[0]
    base, token = url.split("/svar/")
    member, meeting, at, sig = token.split(".")
    async with ClientSession() as http:

        async def page(method: str, address: str, status: int, heading: str, **kw) -> None:
            async with http.request(method, address, **kw) as r:
                text = await r.text()
                assert r.status == status, (method, address, r.status, text[:300])
                assert r.content_type == "text/html" and f"<h1>{heading}</h1>" in text, text[:300]
                assert "Traceback" not in text

        for forged in (f"\u00b2.{meeting}.{at}.{sig}", f"\u0661.{meeting}.{at}.{sig}", f"{member}.{meeting}.{at}.åäö"):
            await page("GET", f"{base}/svar/{forged}", 404, "Länken fungerar inte")
            await page("POST", f"{base}/svar/{forged}", 404, "Länken fungerar inte", data={"svar": "kan_inte"})
        for cut in ("/svar", "/svar/", f"/svar/{token}/", f"/svar/{token}/extra", "/svar//x"):
            await page("GET", base + cut, 404, "Länken fungerar inte")
            await page("POST", base + cut, 404, "Länken fungerar inte", data={"svar": "kan_inte"})
        for method in ("PUT", "DELETE", "PATCH"):
            await page(method, url, 405, "Det går inte att göra så här", data={"svar": "kan_inte"})
        await page("POST", url, 400, "Välj ett svar", data=b"svar=\xff\xfe", headers=FORM)
        await page(
            "POST",
            url,
            400,
            "Välj ett svar",
            data=b"\xff" * 100,
            headers={"Content-Type": "multipart/form-data; boundary=x"},
        )
        await page("POST", url, 413, "Svaret är för stort", data=b"svar=kan_inte&x=" + b"x" * 3_000_000, headers=FORM)

        async def chunks():
            yield b"svar=kan_inte&x="
            for _ in range(3):
                yield b"x" * 1_000_000

        await page("POST", url, 413, "Svaret är för stort", data=chunks(), headers=FORM)
        async with http.head(url) as r:
            assert r.status == 200
    await bot.bot.settled()
    result = await bot.bot.namnd.narvaro("AMN", DAY)
    assert result.calls.get("borje haggman") == "kallad" and result.declined == {}


async def test_an_old_link_says_what_became_of_the_call_and_changes_nothing(bot, mail, clock):  # noqa: F811
    from .slack_support import user

    first = links(await call_haggman(bot, mail))["Jag kommer"].split("?")[0]
    namnd = bot.bot.namnd

    async def page(address: str, method: str = "GET") -> tuple[int, str]:
        async with ClientSession() as http:
            async with http.request(method, address, data={"svar": "kommer"} if method == "POST" else None) as r:
                return r.status, await r.text()

    # Andrea Ström can come after all: Häggman is released, and his link says so.
    await namnd.remove_forhinder("AMN", DAY, "Andrea Ström", actor="t")
    await bot.bot.settled()
    for method in ("GET", "POST"):
        status, text = await page(first, method)
        assert status == 410 and "Inkallelsen är återkallad" in text and "<form" not in text
        # What the call was for, not that he serves (he no longer does).
        assert "Inkallelsen gällde: för Andrea Ström (M)" in text and "Börje Häggman tjänstgör" not in text, text
    assert "borje haggman" not in (await namnd.narvaro("AMN", DAY)).calls

    # She can't after all: he is called in again, with a new link; the old one points to it.
    clock.now += timedelta(minutes=5)
    await user(bot, "Andrea Ström").slash("förhinder 26 november")
    await bot.bot.settled()
    msgs = await mail.wait_for("borje@example.se", 3)  # call-in, release, call-in again
    second = links(msgs[-1])["Jag kommer"].split("?")[0]
    assert second != first
    for method in ("GET", "POST"):
        status, text = await page(first, method)
        assert status == 410 and "Länken gäller en tidigare inkallelse" in text
    assert (await namnd.narvaro("AMN", DAY)).calls.get("borje haggman") == "kallad"

    # The meeting is cancelled: the new link says so, and answers nothing.
    await namnd.cancel_meeting("AMN", DAY, actor="t")
    await bot.bot.settled()
    for method in ("GET", "POST"):
        status, text = await page(second, method)
        assert status == 410 and "Sammanträdet är inställt" in text and "<form" not in text


WEIRD = 'Börje "Bö" <Häggman> & Söner'
COMMITTEE = 'Arbetsmarknads- & <integrations>nämnden "AMN"'


async def test_names_with_html_and_quotes_are_escaped_in_the_mail_and_survive_the_invitation(tmp_path, clock):
    """The roster allows any printable name: <, & and " reach the mail's HTML part escaped, the To header
    as one quoted address, and the invitation's CN and summary unchanged through icalendar."""
    import html
    from datetime import UTC, datetime
    from email.headerregistry import Address
    from html.parser import HTMLParser

    from icalendar import Calendar

    from namndbot.mail.local import LocalMail

    from .bot_process import free_port
    from .slack_support import amn_with_slack, running_bot, user
    from .test_epost import parts

    toml_name = WEIRD.replace('"', '\\"')
    roster = amn_with_slack(emails_only=("Börje Häggman",)).replace("börje@", "borje@")
    roster = roster.replace("Börje Häggman", toml_name).replace(
        'name = "Arbetsmarknadsnämnden"', f'name = "{COMMITTEE.replace(chr(34), chr(92) + chr(34))}"'
    )
    clock.now = datetime(2019, 11, 20, 9, tzinfo=UTC)
    port = free_port()
    async with LocalMail() as server:
        async with running_bot(
            tmp_path,
            clock,
            roster=roster,
            NAMNDBOT_PORT=port,
            NAMNDBOT_BASE_URL=f"http://127.0.0.1:{port}",
            NAMNDBOT_SMTP_URL=server.url,
            NAMNDBOT_MAIL_FROM="amn@example.se",
        ) as running:
            await running.bot.namnd.add_meeting(
                "AMN", DAY, paragraphs=16, location='Sal <B> & "C"', note="Budget <2020> & mål", actor="t"
            )
            await running.bot.settled()
            await user(running, "Andrea Ström").slash("förhinder 26 november")
            await running.bot.settled()
            (msg,) = await server.wait_for("borje@example.se")

            (to,) = msg["To"].addresses
            assert (to.display_name, to.addr_spec) == (WEIRD, "borje@example.se")
            assert isinstance(to, Address) and len(msg["To"].addresses) == 1
            assert COMMITTEE in msg["Subject"]

            body = parts(msg)
            page = body["text/html"]
            tags: list[str] = []

            class Tags(HTMLParser):
                def handle_starttag(self, tag, attrs):
                    tags.append(tag)

            Tags().feed(page)
            assert set(tags) <= {"html", "head", "meta", "title", "body", "p", "br", "a"}, tags
            assert html.escape(COMMITTEE) in page and html.escape('Sal <B> & "C"') in page
            assert "Budget &lt;2020&gt; &amp; mål" in page
            assert COMMITTEE in body["text/plain"] and 'Sal <B> & "C"' in body["text/plain"]

            (event,) = Calendar.from_ical(body["text/calendar"]).walk("VEVENT")
            assert str(event["ATTENDEE"].params["CN"]) == WEIRD
            assert str(event["ORGANIZER"].params["CN"]) == COMMITTEE
            assert str(event["LOCATION"]) == 'Sal <B> & "C"'
            assert COMMITTEE in str(event["SUMMARY"])

            # The answer page escapes them too.
            url = [line for line in body["text/plain"].splitlines() if "/svar/" in line][0]
            async with ClientSession() as http, http.get(url) as r:
                answer = await r.text()
            assert html.escape(COMMITTEE) in answer and COMMITTEE not in answer


async def test_a_mail_the_server_keeps_deferring_is_told_to_the_secretaries_once(bot, mail, clock):  # noqa: F811
    """4xx for half an hour: the secretaries hear of it once (to phone), and it is still tried and sent once."""
    import asyncio

    from namndbot.bot.outbox import MAIL_DELAYED_AFTER

    from .slack_support import SECRETARIES_CHANNEL, user

    def notices() -> list[str]:
        return [m["text"] for m in bot.fake.channels.get(SECRETARIES_CHANNEL, []) if m["text"].startswith(":warning:")]

    async def attempts() -> int:
        """Attempts made and recorded (a row being sent counts its attempt before it is answered)."""
        async with bot.bot.db.read() as repo:
            (row,) = [r for r in await repo.outbox_all() if r.kind == "mail"]
        return row.attempts if row.status == "pending" else -1

    async def until(check) -> None:
        for _ in range(300):
            if await check():
                return
            await asyncio.sleep(0.02)
        async with bot.bot.db.read() as repo:
            rows = [
                (r.kind, r.status, r.attempts, str(r.next_attempt_at))
                for r in await repo.outbox_all()
                if r.kind != "home"
            ]
        raise AssertionError(f"not in time: {clock.now} {rows}")

    async def tried() -> bool:
        async with bot.bot.db.read() as repo:
            return any(r.kind == "mail" and r.attempts > 0 and r.status == "pending" for r in await repo.outbox_all())

    mail.refuse["borje@example.se"] = "451 4.3.0 Try again later"
    await user(bot, "Andrea Ström").slash("förhinder 26 november")
    await until(tried)
    for _ in range(MAIL_DELAYED_AFTER + 2):
        before = await attempts()
        clock.advance(minutes=11)  # the next retry is due
        bot.bot.poke()

        async def again(before: int = before) -> bool:
            return await attempts() > before

        await until(again)
        if await attempts() == MAIL_DELAYED_AFTER:

            async def told() -> bool:
                return bool(notices())

            await until(told)
        await asyncio.sleep(0.05)
        assert len(notices()) == (1 if await attempts() >= MAIL_DELAYED_AFTER else 0)
    (notice,) = notices()
    assert "kunde inte skicka e-post till Börje Häggman (borje@example.se)" in notice
    assert "e-postservern har inte tagit emot det på" in notice and "451 4.3.0 Try again later" in notice
    assert "namndbot försöker igen" in notice and "per telefon" in notice
    del mail.refuse["borje@example.se"]
    clock.advance(minutes=11)
    bot.bot.poke()
    assert len(await mail.wait_for("borje@example.se")) == 1
    assert len(notices()) == 1


async def test_an_answer_applied_after_the_call_was_made_again_answers_nothing(tmp_path):
    """The page checks the link, then queues the answer; the bot applies it a moment later. If the
    secretary withdrew and remade the call in between (here from the command line, while the bot's
    queue waits), the old link's "Jag kan inte" must not decline the new call."""
    from datetime import UTC, datetime, timedelta

    from namndbot.bot.epost import Epost
    from namndbot.services import NamndService
    from namndbot.services.intake import Intake
    from namndbot.services.svar_epost import SvarEpost
    from namndbot.storage import Database

    from .slack_support import amn_with_slack

    now = [datetime(2019, 11, 20, 9, tzinfo=UTC)]
    db = await Database(tmp_path / "bot.sqlite3").connect()
    try:
        namnd = NamndService(db, clock=lambda: now[0])
        await namnd.import_roster(amn_with_slack(emails_only=("Börje Häggman",)).replace("börje@", "borje@"), "t")
        await namnd.add_meeting("AMN", DAY, paragraphs=16, actor="t")
        await namnd.add_forhinder("AMN", DAY, "Andrea Ström", actor="t")  # Häggman is called in
        result = await namnd.narvaro("AMN", DAY)
        haggman = next(m for m in result.roster.members if m.name == "Börje Häggman")
        async with db.transaction() as repo:
            found = await Epost("http://namndbot.test", "amn@example.se").links(repo, result.meeting, haggman)
        assert found is not None
        token = found[1].split("/svar/")[1].split("?")[0]

        intake = Intake(namnd)
        page = await SvarEpost(namnd, intake, wait=0).svara(token, "kan_inte")
        assert page.status == 202  # queued; the bot has not applied it yet

        now[0] += timedelta(minutes=5)
        await namnd.remove_forhinder("AMN", DAY, "Andrea Ström", actor="cli:sekreteraren")
        now[0] += timedelta(minutes=5)
        await namnd.add_forhinder("AMN", DAY, "Andrea Ström", actor="cli:sekreteraren")  # called in anew
        assert (await namnd.narvaro("AMN", DAY)).calls.get("borje haggman") == "kallad"

        assert await intake.process() == 1
        after = await namnd.narvaro("AMN", DAY)
        assert after.calls.get("borje haggman") == "kallad" and after.declined == {}
        async with db.read() as repo:
            (row,) = [r for r in [await repo.intake(i) for i in range(1, 10)] if r is not None]
        assert row.status != "klar" and "Länken gäller en tidigare inkallelse" in str(row.result)
        # The old link says so, too.
        page = await SvarEpost(namnd, intake, wait=0).visa(token)
        assert page.rubrik in ("Svaret kunde inte registreras", "Länken gäller en tidigare inkallelse")
    finally:
        await db.close()


def invitation(msg) -> tuple[str, int, datetime]:
    from icalendar import Calendar

    (part,) = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    (event,) = Calendar.from_ical(part.get_content()).walk("VEVENT")
    return part.get_param("method"), int(event["SEQUENCE"]), event["DTSTAMP"].dt


async def test_called_in_again_after_a_release_the_invitation_outranks_the_cancellation(bot, mail, clock):  # noqa: F811
    """RFC 5546: a calendar keeps the highest SEQUENCE it has seen. The release's METHOD:CANCEL raised
    it; the new call-in's REQUEST must be higher still, or the meeting stays out of his calendar."""
    from .slack_support import user

    await call_haggman(bot, mail)
    clock.advance(minutes=5)
    await bot.bot.namnd.remove_forhinder("AMN", DAY, "Andrea Ström", actor="t")  # released: CANCEL
    await bot.bot.settled()
    clock.advance(minutes=5)
    await user(bot, "Andrea Ström").slash("förhinder 26 november")  # called in again: REQUEST
    await bot.bot.settled()
    first, cancel, again = await mail.wait_for("borje@example.se", 3)
    assert [invitation(m)[0] for m in (first, cancel, again)] == ["REQUEST", "CANCEL", "REQUEST"]
    assert invitation(cancel)[1] > invitation(first)[1]
    assert invitation(again)[1] > invitation(cancel)[1] and invitation(again)[2] > invitation(cancel)[2]

    # Released again, and then the meeting moves: the move is not mailed to him (he was let go).
    clock.advance(minutes=5)
    await bot.bot.namnd.remove_forhinder("AMN", DAY, "Andrea Ström", actor="t")
    await bot.bot.settled()
    released = await mail.wait_for("borje@example.se", 4)
    assert invitation(released[-1])[0] == "CANCEL" and invitation(released[-1])[1] > invitation(again)[1]
    await bot.bot.namnd.add_meeting("AMN", DAY, location="Stora salen", actor="t")
    await bot.bot.settled()
    assert len(mail.to("borje@example.se")) == 4


async def test_a_connection_lost_mid_data_is_tried_again_and_the_mail_arrives_once(bot, mail, clock):  # noqa: F811
    import asyncio

    from .slack_support import SECRETARIES_CHANNEL, user

    mail.cut_data = 1
    await user(bot, "Andrea Ström").slash("förhinder 26 november")
    for _ in range(300):
        async with bot.bot.db.read() as repo:
            rows = [r for r in await repo.outbox_all() if r.kind == "mail"]
        if rows and rows[0].attempts >= 1 and rows[0].status == "pending":
            break
        await asyncio.sleep(0.02)
    assert rows[0].status == "pending" and mail.received == [] and mail.cut_data == 0
    clock.advance(minutes=1)
    bot.bot.poke()
    (msg,) = await mail.wait_for("borje@example.se")
    assert msg["Subject"].startswith("Inkallelse:")
    await asyncio.sleep(0.2)
    assert len(mail.to("borje@example.se")) == 1
    assert not [m for m in bot.fake.channels.get(SECRETARIES_CHANNEL, []) if m["text"].startswith(":warning:")]


async def test_a_called_in_member_nobody_can_reach_is_told_to_the_secretaries(tmp_path, clock):
    """Neither a Slack id nor an e-mail address (or kontakt = "slack" and no id): the call-in would go
    nowhere; the secretaries hear of it at once, by name, so they can phone."""
    from datetime import UTC, datetime

    from .slack_support import SECRETARIES_CHANNEL, amn_with_slack, running_bot, slack_id, user

    clock.now = datetime(2019, 11, 20, 9, tzinfo=UTC)
    roster = amn_with_slack().replace(f'slack = "{slack_id("Börje Häggman")}"\n', "")
    assert slack_id("Börje Häggman") not in roster
    async with running_bot(tmp_path, clock, roster=roster) as running:
        await running.bot.namnd.add_meeting("AMN", DAY, paragraphs=16, actor="t")
        await running.bot.settled()
        await user(running, "Andrea Ström").slash("förhinder 26 november")
        await running.bot.settled()
        assert (await running.bot.namnd.narvaro("AMN", DAY)).calls.get("borje haggman") == "kallad"
        notices = [m["text"] for m in running.fake.channels[SECRETARIES_CHANNEL] if m["text"].startswith(":warning:")]
        (notice,) = notices
        assert notice.startswith(
            ":warning: Börje Häggman (M) är inkallad till sammanträdet tisdag 26 november 2019 men kan inte nås"
        )


async def test_a_link_after_the_meeting_moved_shows_and_answers_the_new_date(tmp_path, clock):
    """The decision moves the meeting from 17 to 18 March after the call-in mail: the update is mailed
    (same UID, higher SEQUENCE), and the old link shows and answers the meeting on its new date."""
    import re
    from datetime import UTC, date, datetime

    from namndbot.mail.local import LocalMail
    from namndbot.services.schedule import import_schedule

    from .bot_process import free_port
    from .conftest import PROTOCOL_2019_11_26
    from .slack_support import amn_with_slack, running_bot, user

    clock.now = datetime(2020, 3, 10, 9, tzinfo=UTC)
    port = free_port()
    roster = amn_with_slack(emails_only=("Börje Häggman",)).replace("börje@", "borje@")
    async with LocalMail() as server:
        async with running_bot(
            tmp_path,
            clock,
            roster=roster,
            NAMNDBOT_PORT=port,
            NAMNDBOT_BASE_URL=f"http://127.0.0.1:{port}",
            NAMNDBOT_SMTP_URL=server.url,
            NAMNDBOT_MAIL_FROM="amn@example.se",
        ) as running:
            text = PROTOCOL_2019_11_26.read_text(encoding="utf-8")
            await import_schedule(running.bot.namnd, "AMN", text, actor="t")
            await user(running, "Andrea Ström").slash("förhinder 17 mars")
            await running.bot.settled()
            (called,) = await server.wait_for("borje@example.se")
            url = links(called)["Jag kommer"].split("?")[0]
            clock.advance(hours=1)
            moved = text.replace("Tisdag den 17 mars", "Onsdag den 18 mars")
            report = await import_schedule(running.bot.namnd, "AMN", moved, actor="t")
            assert [(old, m.date) for old, m in report.moved] == [(date(2020, 3, 17), date(2020, 3, 18))]
            await running.bot.settled()
            _, update = await server.wait_for("borje@example.se", 2)
            assert update["Subject"] == "Ändrat sammanträde: Arbetsmarknadsnämnden onsdag 18 mars 2020 kl. 16.00"
            assert invitation(update)[0] == "REQUEST" and invitation(update)[1] > invitation(called)[1]
            async with ClientSession() as http:
                async with http.get(url) as r:
                    page = await r.text()
                assert r.status == 200 and "<li>Onsdag 18 mars 2020 kl. 16.00</li>" in page
                async with http.post(url, data={"svar": "kommer"}) as r:
                    page = await r.text()
                assert re.search(r"<h1>Tack! Ditt svar är registrerat</h1>", page)
                assert "anmäld att tjänstgöra vid sammanträdet onsdag 18 mars 2020" in page
            after = await running.bot.namnd.narvaro("AMN", date(2020, 3, 18))
            assert after.calls.get("borje haggman") == "kommer"


async def test_a_mail_server_that_stalls_holds_up_no_slack_message(bot, mail):  # noqa: F811
    """Mails go in their own lane: while the mail server hangs (up to its timeout per mail), the
    call-in of the next ersättare on Slack still goes out at once; the mail arrives when it wakes."""
    import asyncio

    from .slack_support import user

    mail.hold = asyncio.Event()  # the server stalls at RCPT
    await user(bot, "Andrea Ström").slash("förhinder 26 november")  # Häggman, by mail
    async with asyncio.timeout(5):
        while not mail.held:
            await asyncio.sleep(0.02)
    start = len(bot.fake.calls)
    await user(bot, "Martin Westmont").slash("förhinder 26 november")  # his ersättare is on Slack
    async with asyncio.timeout(3):
        while not [
            c
            for c in bot.fake.calls[start:]
            if c.method == "chat.postMessage" and "inkallad" in str(c.args.get("text"))
        ]:
            await asyncio.sleep(0.02)
    assert mail.received == []  # still held
    mail.hold.set()
    (msg,) = await mail.wait_for("borje@example.se")
    assert msg["Subject"].startswith("Inkallelse:")
    await bot.bot.settled()
    subjects = [m["Subject"] for m in mail.to("borje@example.se")]
    assert subjects == ["Inkallelse: Arbetsmarknadsnämnden tisdag 26 november 2019 kl. 16.00"]  # once

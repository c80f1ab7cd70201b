"""The Slack bot: the real slack-bolt AsyncApp, real signed HTTP requests, a fake Web API."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import date

import pytest
from aiohttp import ClientSession

from namndbot.blocks import messages
from namndbot.bot.fake_slack_user import select, text_input

from .slack_support import (
    COMMITTEE_CHANNEL,
    SECRETARIES_CHANNEL,
    SECRETARY,
    amn_with_slack,
    buttons,
    running_bot,
    slack_id,
    user,
)

DAY = date(2019, 11, 26)


@pytest.fixture
async def bot(tmp_path, clock):
    async with running_bot(tmp_path, clock) as running:
        await running.bot.namnd.add_meeting("AMN", DAY, paragraphs=16, actor="t")
        await running.bot.namnd.add_meeting("AMN", date(2019, 12, 17), actor="t")
        await running.bot.settled()
        yield running


async def forhinder(running, who: str, text: str) -> dict:
    status, body = await user(running, who).slash(text)
    assert status == 200, body
    await running.bot.settled()
    return body


async def test_forhinder_by_slash_command(bot):
    body = await forhinder(bot, "Martin Westmont", "förhinder 26 november")
    assert body["response_type"] == "ephemeral"
    assert "Ditt förhinder till sammanträdet tisdag 26 november 2019 är mottaget" in body["text"]
    # The answer replaces the receipt, with an Ångra button.
    reply = bot.fake.responses[-1]
    assert reply["replace_original"] is True
    assert reply["text"] == (
        "Förhinder anmält för Martin Westmont (SD): hela sammanträdet, sammanträdet tisdag "
        "26 november 2019. Inkallas: Mattias Mårdenfjord (SD) för Martin Westmont (SD)."
    )
    assert "forhinder_angra" in buttons(reply)
    # The called-in ersättare gets a DM with Jag kommer / Jag kan inte.
    (dm,) = bot.fake.dms_to(slack_id("Mattias Mårdenfjord"))
    assert dm["text"].startswith("Du är inkallad att tjänstgöra för Martin Westmont (SD) vid Arbetsmarknadsnämndens")
    assert set(buttons(dm)) == {"svar_kommer", "svar_kan_inte"}
    assert dm["metadata"]["event_type"] == "namndbot_outbox"
    # The secretaries' summary holds the protocol's section.
    (summary,) = bot.fake.channels[SECRETARIES_CHANNEL]
    code = summary["blocks"][1]["text"]["text"]
    assert "Tjänstg. ers. Mattias Mårdenfjord (SD) för Martin Westmont (SD)" in code
    assert "Förhinder hade anmälts av ledamoten Martin Westmont (SD)." in code


async def test_the_report_is_committed_before_the_ack(bot):
    u = user(bot, "Martin Westmont")
    status, body = await u.slash("förhinder 26/11")
    assert status == 200
    # No waiting: the report is in the database the moment the ack came back.
    async with bot.bot.db.read() as repo:
        rows = await repo._all("SELECT kind, actor, payload FROM intake")
    assert [(r["kind"], r["actor"]) for r in rows] == [("forhinder_add", slack_id("Martin Westmont"))]
    assert json.loads(rows[0]["payload"])["date"] == "2019-11-26"


@pytest.mark.parametrize("words", ["26 november", "26/11", "tisdag", "nästa", "2019-11-26", "den 26 nov", "tisdagen"])
async def test_dates_in_swedish(bot, words):
    await forhinder(bot, "Martin Westmont", f"förhinder {words}")
    result = await bot.bot.namnd.narvaro("AMN", DAY)
    assert [a.member for a in result.anmalningar] == ["martin westmont"]


async def test_partial_forhinder_in_the_command(bot):
    await forhinder(bot, "Stefan Hansson", "förhinder 26 november till §10")
    result = await bot.bot.namnd.narvaro("AMN", DAY)
    assert "Stefan Hansson (S) närvarande till §10" in result.text()
    await forhinder(bot, "Åsa Janlöv", "förhinder 26 november kommer 17.30")
    reply = bot.fake.responses[-1]
    assert "kommer kl. 17.30" in reply["text"]


async def test_undo(bot):
    await forhinder(bot, "Martin Westmont", "förhinder 26 november")
    reply = bot.fake.responses[-1]
    status, _ = await user(bot, "Martin Westmont").click("forhinder_angra", buttons(reply)["forhinder_angra"])
    assert status == 200
    await bot.bot.settled()
    assert bot.fake.responses[-1]["text"] == "Ditt förhinder till sammanträdet tisdag 26 november 2019 är återkallat."
    released = bot.fake.dms_to(slack_id("Mattias Mårdenfjord"))[-1]
    assert released["text"].startswith("Du behövs inte längre")
    result = await bot.bot.namnd.narvaro("AMN", DAY)
    assert result.plan.assignments == ()


async def test_decline_calls_the_next_at_once_and_a_double_click_counts_once(bot):
    await forhinder(bot, "Andrea Ström", "förhinder 26 november")
    (dm,) = bot.fake.dms_to(slack_id("Börje Häggman"))
    haggman = user(bot, "Börje Häggman")
    value = buttons(dm)["svar_kan_inte"]
    payload = haggman.action_payload("svar_kan_inte", value, message=dm)
    await haggman.click_payload(payload)
    await haggman.click_payload({**payload, "actions": [{**payload["actions"][0], "action_ts": f"{time.time()}"}]})
    await bot.bot.settled()
    (bicen,) = bot.fake.dms_to(slack_id("Arslan Bicen"))
    assert bicen["text"].startswith("Du är inkallad att tjänstgöra för Andrea Ström (M)")
    answers = [r for r in bot.fake.responses if "Tack för beskedet" in r["text"]]
    assert len(answers) == 1
    async with bot.bot.db.read() as repo:
        log = await repo.audit_log()
    assert [e.action for e in log].count("ersattare_decline") == 1


async def test_jag_kommer_is_recorded_and_the_summary_updated(bot):
    await forhinder(bot, "Martin Westmont", "förhinder 26 november")
    summary = bot.fake.channels[SECRETARIES_CHANNEL][0]
    assert "Inkallade som inte har svarat:* Mattias Mårdenfjord (SD)" in json.dumps(
        summary["blocks"], ensure_ascii=False
    )
    (dm,) = bot.fake.dms_to(slack_id("Mattias Mårdenfjord"))
    await user(bot, "Mattias Mårdenfjord").click("svar_kommer", buttons(dm)["svar_kommer"], message=dm)
    await bot.bot.settled()
    assert (
        bot.fake.responses[-1]["text"] == "Tack! Du är anmäld att tjänstgöra vid sammanträdet tisdag 26 november 2019."
    )
    summary = bot.fake.channels[SECRETARIES_CHANNEL][0]  # the same message, edited in place
    assert summary["edited"] >= 1
    assert "Inkallade som inte har svarat" not in json.dumps(summary["blocks"], ensure_ascii=False)
    result = await bot.bot.namnd.narvaro("AMN", DAY)
    assert result.calls == {"mattias mardenfjord": "kommer"}


async def test_modal_for_part_of_the_meeting(bot):
    u = user(bot, "Stefan Hansson")
    status, _ = await u.slash("förhinder")
    assert status == 200
    await bot.bot.settled()
    (opened,) = bot.fake.called("views.open")
    view = opened["view"]
    assert view["callback_id"] == "forhinder_modal"
    meeting = next(b for b in view["blocks"] if b["block_id"] == "mote")
    assert meeting["element"]["initial_option"]["value"] == "AMN|2019-11-26"  # the next one preselected
    assert "vem" not in [b["block_id"] for b in view["blocks"]]  # not a secretary
    status, text = await u.submit(
        view, {"mote": select("AMN|2019-11-26"), "del": select("gar"), "nar": text_input("§ 11")}
    )
    assert status == 200 and text == ""
    await bot.bot.settled()
    result = await bot.bot.namnd.narvaro("AMN", DAY)
    assert "Stefan Hansson (S) närvarande till §10" in result.text()
    confirmation = bot.fake.dms_to(u.user)[-1]
    assert confirmation["text"].startswith(
        "Förhinder anmält för Stefan Hansson (S): närvarande t.o.m. § 10, förhinder från § 11"
    )


async def test_modal_errors_point_at_the_field(bot):
    u = user(bot, "Stefan Hansson")
    view = {"callback_id": "forhinder_modal", "type": "modal"}
    status, text = await u.submit(
        view, {"mote": select("AMN|2019-11-26"), "del": select("kommer"), "nar": text_input("")}
    )
    assert status == 200
    answer = json.loads(text)
    assert answer["response_action"] == "errors"
    assert "nar" in answer["errors"]
    status, text = await u.submit(
        view, {"mote": select("AMN|2019-11-26"), "del": select("kommer"), "nar": text_input("§ 40")}
    )
    assert json.loads(text)["errors"]["nar"] == "Sammanträdet har §§ 1–16; skriv en paragraf mellan § 2 och § 16."
    async with bot.bot.db.read() as repo:
        assert await repo.new_intake() == []


async def test_a_form_that_cannot_be_stored_stays_open_and_says_so(bot):
    """The database refusing writes for a moment: the form answers in Swedish and stays open (was a
    bare 500, and Slack's own English error); sent again when it can be stored, it is."""
    if bot.bot.db.shared:
        pytest.skip("SQLite's query_only stands in for a database that refuses writes")
    u = user(bot, "Stefan Hansson")
    view = {"callback_id": "forhinder_modal", "type": "modal", "id": "V0FORM", "hash": "1"}
    values = {"mote": select("AMN|2019-11-26"), "del": select("hela"), "nar": text_input("")}
    await bot.bot.db.conn.execute("PRAGMA query_only = 1")
    try:
        status, text = await u.submit(view, values)
    finally:
        await bot.bot.db.conn.execute("PRAGMA query_only = 0")
    assert status == 200
    assert json.loads(text) == {
        "response_action": "errors",
        "errors": {"mote": "Det gick inte att spara just nu. Försök igen om en stund; formuläret är kvar."},
    }
    status, text = await u.submit(view, values)
    assert status == 200 and text == ""
    await bot.bot.settled()
    assert [a.member for a in (await bot.bot.namnd.narvaro("AMN", DAY)).anmalningar] == ["stefan hansson"]


async def test_the_reply_says_which_call_in_changed_as_the_cli_does(bot):
    await forhinder(bot, "Martin Westmont", "förhinder 26 november §§ 3-4 jäv")  # Mårdenfjord §§ 3–4
    await forhinder(bot, "Martin Westmont", "förhinder 26 november från § 10")  # and from § 10 on
    reply = bot.fake.responses[-1]["text"]
    assert " Ändrad inkallelse: Mattias Mårdenfjord (SD) för Martin Westmont (SD)" in reply, reply
    assert "Inkallas:" not in reply


async def test_secretary_reports_for_a_member_others_may_not(bot):
    body = await forhinder(bot, SECRETARY, "förhinder 26 november för Martin Westmont")
    assert "Förhindret för Martin Westmont (SD)" in body["text"]
    result = await bot.bot.namnd.narvaro("AMN", DAY)
    assert [a.member for a in result.anmalningar] == ["martin westmont"]
    status, body = await user(bot, "Salar Rashid").slash("förhinder 26 november för Andrea Ström")
    assert body["text"] == "Du kan bara anmäla för dig själv; sekreteraren kan anmäla för andra."


async def test_a_stranger_gets_a_polite_explanation(bot):
    status, body = await user(bot, "U0STRANGER").slash("förhinder 26 november")
    assert status == 200
    assert body["text"].startswith("Du finns inte med i någon nämnds ledamots- eller ersättarlista")
    async with bot.bot.db.read() as repo:
        assert await repo.new_intake() == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("förhinder 27 november", "Det finns inget sammanträde 27 november (2019-11-27)."),
        ("förhinder 31/2", "inget giltigt datum"),
        ("semester", "Jag förstår inte ”semester”."),
        ("förhinder 26 november till §40", "I ”till § N” ska N vara mellan 1 och 15"),
        ("förhinder 17 december till §3", "är inte indelat i paragrafer"),
        ("närvaro", "Närvarolistan är till för nämndens sekreterare."),
    ],
)
async def test_errors_are_short_swedish_sentences(bot, text, expected):
    status, body = await user(bot, "Martin Westmont").slash(text)
    assert status == 200 and body["response_type"] == "ephemeral"
    assert expected in body["text"], body["text"]
    assert "Traceback" not in body["text"]


async def test_help_kalender_and_narvaro(bot):
    _, body = await user(bot, "Martin Westmont").slash("hjälp")
    assert "/namnd förhinder 17 mars" in body["text"]
    _, body = await user(bot, "Martin Westmont").slash("kalender")
    assert "webcal://namnd.example.se/kalender/p/" in body["text"]
    assert "https://namnd.example.se/kalender/AMN.ics" in body["text"]
    await forhinder(bot, "Martin Westmont", "förhinder 26 november")
    _, body = await user(bot, SECRETARY).slash("närvaro 26 november")
    assert "Tjänstg. ers. Mattias Mårdenfjord (SD) för Martin Westmont (SD)" in body["text"]


async def test_forged_and_replayed_requests_get_401_and_change_nothing(bot):
    u = user(bot, "Martin Westmont")
    body = u.slash_body("förhinder 26 november")
    async with ClientSession() as http:
        forged = {
            **u.signed(body),
            "X-Slack-Signature": "v0=" + "0" * 64,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        async with http.post(bot.events_url, data=body, headers=forged) as r:
            assert r.status == 401
        stale = {
            **u.signed(body, timestamp=int(time.time()) - 600),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        async with http.post(bot.events_url, data=body, headers=stale) as r:
            assert r.status == 401
        async with http.post(
            bot.events_url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        ) as r:
            assert r.status == 401
    async with bot.bot.db.read() as repo:
        assert await repo.new_intake() == []
        assert await repo.backlog() == 0


async def test_a_retried_request_counts_once(bot):
    u = user(bot, "Martin Westmont")
    body = u.slash_body("förhinder 26 november", trigger="12345.retry")
    for _ in range(3):
        status, _ = await u.post(body, "application/x-www-form-urlencoded")
        assert status == 200
    await bot.bot.settled()
    async with bot.bot.db.read() as repo:
        rows = await repo._all("SELECT count(*) AS n FROM intake")
        log = await repo.audit_log()
    assert rows[0]["n"] == 1
    assert [e.action for e in log].count("forhinder_add") == 1
    assert len(bot.fake.dms_to(slack_id("Mattias Mårdenfjord"))) == 1


async def test_event_retries_are_handled_once(bot):
    u = user(bot, "Martin Westmont")
    before = len([c for c in bot.fake.called("views.publish") if c["user_id"] == u.user])
    for retry in (None, 1, 2):
        status, _ = await u.event(
            {"type": "app_home_opened", "tab": "home", "channel": "D1"}, event_id="Ev0SAME", retry=retry
        )
        assert status == 200
    await bot.bot.settled()
    published = [c for c in bot.fake.called("views.publish") if c["user_id"] == u.user]
    assert len(published) == before + 1


async def test_an_event_whose_listener_failed_is_handled_when_slack_retries_it(bot):
    """Seen is not handled: a listener that fails (the database for a moment, say) must not make
    Slack's retry of the event a duplicate to drop."""
    failures = []

    @bot.bot.app.event("reaction_added")
    async def flaky(event) -> None:  # a listener that fails the first time
        failures.append(event["reaction"])
        if len(failures) == 1:
            raise RuntimeError("a moment's failure")

    u = user(bot, "Martin Westmont")
    event = {"type": "reaction_added", "reaction": "tumme", "item": {"type": "message", "channel": "C1", "ts": "1.0"}}
    status, _ = await u.event(event, event_id="Ev0FLAKY")
    assert status == 500
    status, _ = await u.event(event, event_id="Ev0FLAKY", retry=1)
    assert status == 200 and failures == ["tumme", "tumme"]  # the retry ran the listener
    status, _ = await u.event(event, event_id="Ev0FLAKY", retry=2)
    assert status == 200 and len(failures) == 2  # handled once: the next retry is dropped


async def test_app_home(bot):
    await forhinder(bot, "Martin Westmont", "förhinder 26 november")
    u = user(bot, "Mattias Mårdenfjord")
    await u.event({"type": "app_home_opened", "tab": "home", "channel": "D1"})
    await bot.bot.settled()
    home = bot.fake.views[f"home:{u.user}"]
    text = json.dumps(home, ensure_ascii=False)
    assert home["type"] == "home"
    assert "tisdag 26 november 2019 kl. 16.00" in text
    assert "Inkallad att tjänstgöra för Martin Westmont (SD) (inte besvarad)" in text
    assert "webcal://namnd.example.se/kalender/p/" in text
    assert "oppna_forhinder" in text


async def test_rate_limited_messages_are_delayed_not_dropped_or_doubled(bot):
    bot.fake.fail("chat.postMessage", status=429, retry_after=1, times=2)
    await forhinder(bot, "Martin Westmont", "förhinder 26 november")
    dms = bot.fake.dms_to(slack_id("Mattias Mårdenfjord"))
    assert len(dms) == 1
    posts = [p for p in bot.fake.called("chat.postMessage") if p["channel"] != COMMITTEE_CHANNEL]
    assert len(posts) == 2 + len(bot.fake.channels[SECRETARIES_CHANNEL]) + 1  # two 429s, then each once


async def test_slack_down_delays_messages_until_it_is_back(bot, clock):
    bot.fake.fail("chat.postMessage", status=503, times=50)
    status, _ = await user(bot, "Martin Westmont").slash("förhinder 26 november")
    assert status == 200
    async with bot.bot.db.read() as repo:
        for _ in range(100):
            rows = [r for r in await repo.outbox_all() if r.kind == "dm"]
            if rows and rows[0].attempts:
                break
            import asyncio

            await asyncio.sleep(0.05)
    assert bot.fake.dms_to(slack_id("Mattias Mårdenfjord")) == []
    bot.fake.failures.clear()
    clock.advance(minutes=20)  # the retry is due
    await bot.bot.settled()
    assert len(bot.fake.dms_to(slack_id("Mattias Mårdenfjord"))) == 1


async def test_a_failed_lookup_by_email_is_tried_again_and_sends_nobody_to_email(tmp_path, clock):
    """Slack down for a moment is no answer about the member: the lookup is tried again, and he is
    linked then (users_not_found would have been one: e-mail)."""
    from namndbot.bot.fake_slack import FakeSlack

    fake = FakeSlack(users_by_email={"martin@example.se": "U0WESTMONT"})
    fake.fail("users.lookupByEmail", status=503, times=1)
    async with running_bot(tmp_path, clock, roster=amn_with_slack(emails_only=("Martin Westmont",)), fake=fake) as r:
        for _ in range(200):
            if fake.called("users.lookupByEmail"):
                break
            await asyncio.sleep(0.02)
        clock.advance(minutes=5)  # the retry is due
        await r.bot.settled()
        assert len(fake.called("users.lookupByEmail")) == 2
        status, body = await user(r, "U0WESTMONT").slash("förhinder 26 november")
        assert status == 200 and "inte med" not in body.get("text", "")


async def test_members_linked_by_email(tmp_path, clock):
    roster = amn_with_slack(emails_only=("Martin Westmont",))
    from namndbot.bot.fake_slack import FakeSlack

    fake = FakeSlack(users_by_email={"martin@example.se": "U0WESTMONT"})
    async with running_bot(tmp_path, clock, roster=roster, fake=fake) as running:
        await running.bot.namnd.add_meeting("AMN", DAY, actor="t")
        await running.bot.settled()
        assert fake.called("users.lookupByEmail")[0]["email"] == "martin@example.se"
        status, body = await user(running, "U0WESTMONT").slash("förhinder 26 november")
        assert "Ditt förhinder" in body["text"]


async def test_socket_mode(tmp_path, clock):
    async with running_bot(tmp_path, clock, socket=True) as running:
        await running.bot.namnd.add_meeting("AMN", DAY, actor="t")
        u = user(running, "Martin Westmont")
        from urllib.parse import parse_qsl

        payload = dict(parse_qsl(u.slash_body("förhinder 26 november")))
        ack = await running.fake.push("slash_commands", payload)
        assert "Ditt förhinder till sammanträdet tisdag 26 november 2019 är mottaget" in ack["text"]
        await running.bot.settled()
        assert len(running.fake.dms_to(slack_id("Mattias Mårdenfjord"))) == 1
        assert running.fake.called("apps.connections.open")


async def test_an_old_undo_button_does_not_take_back_a_newer_forhinder(bot):
    await forhinder(bot, "Stefan Hansson", "förhinder 26 november till §5")
    first = bot.fake.responses[-1]
    await forhinder(bot, "Stefan Hansson", "förhinder 26 november från §12")  # replaces the first
    await user(bot, "Stefan Hansson").click("forhinder_angra", buttons(first)["forhinder_angra"])
    await bot.bot.settled()
    assert bot.fake.responses[-1]["text"].startswith(
        "Det förhindret är redan ändrat eller återkallat. Det som gäller nu för Stefan Hansson (S): "
        "förhinder §§ 1–11, kommer till § 12."
    )
    result = await bot.bot.namnd.narvaro("AMN", DAY)
    assert [(a.member, a.first, a.last) for a in result.anmalningar] == [("stefan hansson", None, 11)]


async def test_a_report_that_meets_a_bug_is_answered_and_the_secretaries_are_told(bot, caplog):
    westmont = slack_id("Martin Westmont")
    # A report stored without its date (as a broken older version might have left it).
    async with bot.bot.db.transaction() as repo:
        await repo.add_intake(
            [
                (
                    "trasig",
                    "forhinder_add",
                    westmont,
                    {"committee": "AMN", "member": "Martin Westmont", "reply": {"user": westmont}},
                )
            ],
            bot.bot.clock(),
        )
    await bot.bot.settled()
    (answer,) = bot.fake.dms_to(westmont)
    assert answer["text"].startswith("Något gick fel när ditt besked skulle registreras. Sekreterarna har fått veta")
    told = bot.fake.channels[SECRETARIES_CHANNEL][-1]["text"]
    assert told.startswith(f"Obs: En förhinderanmälan från <@{westmont}> kunde inte registreras")
    assert "Traceback" not in answer["text"] + told
    result = await bot.bot.namnd.narvaro("AMN", DAY)
    assert result.anmalningar == ()


@pytest.mark.parametrize(
    "action_id, value, answer",
    [
        ("justering_klar", "not json", "Knappen går inte att läsa"),
        ("nasta_paragraf", '{"c": "AMN"}', "Knappen går inte att läsa"),
        ("starta_sammantrade", '{"c": "AMN", "d": "2019-11-26"}', "Det är nämndens sekreterare som sköter"),
        ("svar_kommer", '{"c": "AMN", "d": "2019-11-26", "m": "Mattias Mårdenfjord"}', "inte till för dig"),
    ],
)
async def test_a_button_that_cant_be_used_is_answered_in_swedish(bot, action_id, value, answer):
    status, _ = await user(bot, "Martin Westmont").click(action_id, value)
    assert status == 200
    await bot.bot.settled()
    assert answer in bot.fake.responses[-1]["text"]
    assert bot.fake.responses[-1]["replace_original"] is False


async def test_a_slow_views_open_does_not_hold_up_the_ack(bot):
    bot.fake.answer_late["views.open"] = 4.0  # Slack slow to open the form
    started = time.monotonic()
    status, _ = await user(bot, "Stefan Hansson").slash("förhinder")
    assert status == 200 and time.monotonic() - started < 1.5
    await bot.bot.settled()
    assert bot.fake.called("views.open")


async def test_the_form_refuses_a_meeting_already_held(bot, clock):
    clock.now = clock.now.replace(month=12, day=5)  # 26 November has been held
    view = {"callback_id": "forhinder_modal", "type": "modal"}
    status, text = await user(bot, "Stefan Hansson").submit(
        view, {"mote": select("AMN|2019-11-26"), "del": select("hela")}
    )
    assert json.loads(text)["errors"]["mote"].startswith("Det sammanträdet har redan hållits")


async def test_a_member_of_two_committees_gets_one_form_for_both(bot):
    from .slack_support import amn_with_slack

    other = (
        amn_with_slack()
        .replace('short = "AMN"', 'short = "KFN"')
        .replace('name = "Arbetsmarknadsnämnden"', 'name = "Kulturnämnden"')
    )
    await bot.bot.namnd.import_roster(other, "t")
    await bot.bot.namnd.add_meeting("KFN", date(2019, 11, 28), actor="t")
    status, _ = await user(bot, "Stefan Hansson").slash("förhinder")  # from a general channel
    assert status == 200
    await bot.bot.settled()
    (opened,) = bot.fake.called("views.open")
    values = json.dumps(opened["view"], ensure_ascii=False)
    assert "AMN|2019-11-26" in values and "KFN|2019-11-28" in values


async def test_an_answer_whose_response_url_has_expired_comes_by_dm(bot):
    bot.fake.response_failures[:] = [404]  # expired (30 minutes, or used up)
    await forhinder(bot, "Martin Westmont", "förhinder 26 november")
    (dm,) = [m for m in bot.fake.dms_to(slack_id("Martin Westmont")) if m["text"].startswith("Förhinder anmält")]
    assert "forhinder_angra" in buttons(dm) and "_namndbot_dm" not in dm


async def test_a_rate_limited_response_url_is_tried_again(bot, clock):
    import asyncio

    bot.fake.response_failures[:] = [429]
    await user(bot, "Martin Westmont").slash("förhinder 26 november")
    for _ in range(100):  # the outbox tries again after a second
        if bot.fake.called("response_url_failed") and len(bot.fake.responses) >= 1:
            break
        clock.advance(seconds=1)
        bot.bot.poke()
        await asyncio.sleep(0.05)
    await bot.bot.settled()
    assert bot.fake.responses[-1]["text"].startswith("Förhinder anmält för Martin Westmont (SD)")
    assert "_namndbot_dm" not in bot.fake.responses[-1]


async def test_the_red_quorum_warning_goes_away_when_quorum_is_back(bot):
    from namndbot.domain.roster_file import parse_roster

    from .slack_support import amn_with_slack

    roster = parse_roster(amn_with_slack()).roster
    away = [m.name for m in roster.ersattare] + [m.name for m in roster.ledamoter[:7]]
    for name in away:
        await bot.bot.namnd.add_forhinder("AMN", DAY, name, actor="t")
    await bot.bot.settled()
    summary = next(
        m for m in bot.fake.channels[SECRETARIES_CHANNEL] if "Närvarande" in json.dumps(m["blocks"], ensure_ascii=False)
    )
    assert summary.get("attachments") and "EJ BESLUTFÖR" in json.dumps(summary, ensure_ascii=False)
    for name in [m.name for m in roster.ersattare]:
        await bot.bot.namnd.remove_forhinder("AMN", DAY, name, actor="t")
    await bot.bot.settled()
    summary = next(
        m for m in bot.fake.channels[SECRETARIES_CHANNEL] if "Närvarande" in json.dumps(m["blocks"], ensure_ascii=False)
    )
    assert summary["attachments"] in ([], "[]") and "EJ BESLUTFÖR" not in json.dumps(summary, ensure_ascii=False)


async def test_aterkalla_without_a_date_takes_back_the_next_forhinder(bot):
    await forhinder(bot, "Martin Westmont", "förhinder 17 december")
    await forhinder(bot, "Martin Westmont", "återkalla")
    assert bot.fake.responses[-1]["text"] == "Ditt förhinder till sammanträdet tisdag 17 december 2019 är återkallat."
    await forhinder(bot, "Martin Westmont", "återkalla")
    status, body = await user(bot, "Martin Westmont").slash("återkalla")
    assert body["text"].startswith("Du har inget förhinder anmält till något kommande sammanträde.")


async def test_a_meeting_already_held_is_named_as_such(bot, clock):
    clock.now = clock.now.replace(month=12, day=5)
    status, body = await user(bot, "Martin Westmont").slash("förhinder 26 november")
    assert body["text"].startswith("Sammanträdet tisdag 26 november 2019 har redan hållits")


async def test_a_report_made_by_another_process_is_noticed_without_a_wake_up(bot, clock):
    import asyncio

    from namndbot.services import NamndService
    from namndbot.storage import open_database

    other = await open_database(bot.bot.settings.database).connect()  # as the CLI would
    try:
        await NamndService(other, clock).add_forhinder("AMN", DAY, "Martin Westmont", actor="cli")
    finally:
        await other.close()
    for _ in range(60):  # the test bot checks every 0.2 s (a real one every 10 s)
        if bot.fake.dms_to(slack_id("Mattias Mårdenfjord")):
            break
        await asyncio.sleep(0.05)
    (dm,) = bot.fake.dms_to(slack_id("Mattias Mårdenfjord"))
    assert dm["text"].startswith("Du är inkallad att tjänstgöra för Martin Westmont (SD)")


async def test_app_home_lists_the_justerares_duty_until_it_is_done(bot, clock):
    from namndbot.services.justering import JusteringService

    clock.now = clock.now.replace(day=27)
    justering = JusteringService(bot.bot.namnd)
    await justering.set("AMN", DAY, ["Fredrik Lindstål", "Salar Rashid"], date(2019, 12, 2), actor="t")
    u = user(bot, "Salar Rashid")
    await u.event({"type": "app_home_opened", "tab": "home", "channel": "D1"})
    await bot.bot.settled()
    text = json.dumps(bot.fake.views[f"home:{u.user}"], ensure_ascii=False)
    assert "Du ska justera protokollet från sammanträdet tisdag 26 november 2019 den måndag 2 december 2019." in text
    await justering.done("AMN", DAY, actor="t")
    await u.event({"type": "app_home_opened", "tab": "home", "channel": "D1"})
    await bot.bot.settled()
    assert "Du ska justera" not in json.dumps(bot.fake.views[f"home:{u.user}"], ensure_ascii=False)


async def test_the_reminders_anmal_forhinder_button_opens_the_form_and_a_stranger_is_told(bot):
    value = messages.ref("AMN", DAY, "")
    status, _ = await user(bot, "Stefan Hansson").click("oppna_forhinder", value)
    assert status == 200
    await bot.bot.settled()
    (opened,) = bot.fake.called("views.open")
    assert opened["view"]["callback_id"] == "forhinder_modal"
    status, _ = await user(bot, "U0FRAMLING").click("oppna_forhinder", value)
    await bot.bot.settled()
    assert bot.fake.responses[-1]["text"].startswith("Hej! Du finns inte med i någon nämnds")
    assert len(bot.fake.called("views.open")) == 1

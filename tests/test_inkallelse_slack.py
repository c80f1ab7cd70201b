"""Inkallelseordning through Slack: no answer in time, a late yes, the list running out, the party
contact, a takeover, personal ersättare, and the meeting day from the secretaries' message."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from .slack_support import SECRETARIES_CHANNEL, SECRETARY, amn_with_slack, buttons, running_bot, slack_id, user

DAY = date(2019, 11, 26)
SD_CONTACT = "U0SDKONTAKT"
M_CONTACT = "U0MKONTAKT"


def roster(**replacements: str) -> str:
    text = amn_with_slack() + (
        f'\n[[partikontakt]]\nparty = "SD"\nslack = "{SD_CONTACT}"\n'
        f'\n[[partikontakt]]\nparty = "M"\nslack = "{M_CONTACT}"\n'
    )
    for old, new in replacements.items():
        text = text.replace(old, new, 1)
    return text


@pytest.fixture
async def bot(tmp_path, clock):
    clock.now = datetime(2019, 11, 20, 9, tzinfo=UTC)
    async with running_bot(tmp_path, clock, roster=roster()) as running:
        await running.bot.namnd.add_meeting("AMN", DAY, paragraphs=16, actor="t")
        await running.bot.settled()
        yield running


async def report(running, who: str, text: str) -> None:
    status, body = await user(running, who).slash(text)
    assert status == 200, body
    await running.bot.settled()


async def test_no_answer_in_time_passes_the_call_on_and_a_late_yes_is_answered_politely(bot, clock):
    await report(bot, "Andrea Ström", "förhinder 26 november")
    (first,) = bot.fake.dms_to(slack_id("Börje Häggman"))
    clock.advance(hours=23)
    await bot.bot.settled()
    assert bot.fake.dms_to(slack_id("Arslan Bicen")) == []  # still within the 24 hours
    clock.advance(hours=2)
    await bot.bot.settled()
    withdrawn = bot.fake.dms_to(slack_id("Börje Häggman"))[-1]
    assert withdrawn["text"].startswith(
        "Din inkallelse till Arbetsmarknadsnämndens sammanträde tisdag 26 november "
        "2019 kl. 16.00 är återkallad: vi fick inget svar i tid"
    )
    (called,) = bot.fake.dms_to(slack_id("Arslan Bicen"))
    assert called["text"].startswith("Du är inkallad att tjänstgöra för Andrea Ström (M)")
    # Häggman answers the old message after all.
    await user(bot, "Börje Häggman").click("svar_kommer", buttons(first)["svar_kommer"], message=first)
    await bot.bot.settled()
    assert bot.fake.responses[-1]["text"] == (
        "Tack för svaret! Inkallelsen till sammanträdet tisdag 26 november 2019 har dock redan gått vidare, "
        "så du behövs inte längre. I stället tjänstgör Arslan Bicen (M) för Andrea Ström (M)."
    )
    result = await bot.bot.namnd.narvaro("AMN", DAY)
    assert result.declined == {"borje haggman": "ej_svar"}


async def test_the_answer_time_is_never_later_than_two_hours_before_the_meeting(bot, clock):
    clock.now = datetime(2019, 11, 26, 5, tzinfo=UTC)  # the morning of the meeting (15:00Z)
    await report(bot, "Andrea Ström", "förhinder 26 november")
    clock.now = datetime(2019, 11, 26, 12, 59, tzinfo=UTC)
    await bot.bot.settled()
    assert bot.fake.dms_to(slack_id("Arslan Bicen")) == []
    clock.now = datetime(2019, 11, 26, 13, 1, tzinfo=UTC)  # two hours before 16:00 Stockholm
    await bot.bot.settled()
    assert len(bot.fake.dms_to(slack_id("Arslan Bicen"))) == 1


async def test_when_the_list_runs_out_the_secretaries_and_the_party_contact_hear_of_the_open_seat(bot, clock):
    await report(bot, "Martin Westmont", "förhinder 26 november")
    assert bot.fake.dms_to(SD_CONTACT)[-1]["text"] == (
        "Till partikontakten för SD: Mattias Mårdenfjord (SD) för Martin Westmont (SD) har kallats in till "
        "Arbetsmarknadsnämndens sammanträde tisdag 26 november 2019."
    )
    dm = bot.fake.dms_to(slack_id("Mattias Mårdenfjord"))[0]
    await user(bot, "Mattias Mårdenfjord").click("svar_kan_inte", buttons(dm)["svar_kan_inte"], message=dm)
    await bot.bot.settled()
    alert = [m for m in bot.fake.channels[SECRETARIES_CHANNEL] if "Ingen ersättare kan kallas in" in m["text"]]
    assert len(alert) == 1 and "Martin Westmont (SD)" in alert[0]["text"]
    assert "Ingen ersättare kan kallas in för Martin Westmont (SD)" in bot.fake.dms_to(SD_CONTACT)[-1]["text"]


async def test_the_party_contact_may_report_for_the_partys_members_and_no_others(bot):
    contact = user(bot, M_CONTACT)
    _, body = await contact.slash("förhinder 26 november för Andrea Ström")
    assert "Förhindret för Andrea Ström (M)" in body["text"]
    _, body = await contact.slash("förhinder 26 november för Salar Rashid")
    assert body["text"] == "Du kan bara anmäla för dig själv; sekreteraren kan anmäla för andra."
    await bot.bot.settled()
    result = await bot.bot.namnd.narvaro("AMN", DAY)
    assert [a.member for a in result.anmalningar] == ["andrea strom"]


async def test_a_displaced_ersattare_is_told_and_thanked(bot):
    await report(bot, "Johan Hjelm", "förhinder 26 november")
    await report(bot, "Jessica Sjönell", "förhinder 26 november")
    (called,) = bot.fake.dms_to(slack_id("Börje Häggman"))
    assert "för Jessica Sjönell (L)" in called["text"]
    await report(bot, "Johan Hjelm", "återkalla 26 november")
    thanks = bot.fake.dms_to(slack_id("Börje Häggman"))[-1]
    assert thanks["text"].startswith("Du behövs inte längre vid Arbetsmarknadsnämndens sammanträde")
    assert "en ersättare från platsens eget parti har blivit ledig och tar över platsen" in thanks["text"]
    assert "Tack för att du ställde upp!" in thanks["text"]
    assert bot.fake.dms_to(slack_id("Johan Hjelm"))[-1]["text"].startswith(
        "Du är inkallad att tjänstgöra för Jessica Sjönell (L)"
    )


async def test_a_personal_ersattare_is_called_first(tmp_path, clock):
    text = roster(
        **{'name = "Stefan Hansson"\n': 'name = "Stefan Hansson"\npersonliga_ersattare = ["Alma Carlsson"]\n'}
    )
    async with running_bot(tmp_path, clock, roster=text) as r:
        await r.bot.namnd.add_meeting("AMN", DAY, actor="t")
        await report(r, "Stefan Hansson", "förhinder 26 november")
        (dm,) = r.fake.dms_to(slack_id("Alma Carlsson"))
        assert "Varför du: Personlig ersättare nr 1 för Stefan Hansson" in json.dumps(dm["blocks"], ensure_ascii=False)
        assert r.fake.dms_to(slack_id("Erik Persson")) == []


async def test_the_meeting_day_from_the_secretaries_message(bot, clock):
    await report(bot, "Andrea Ström", "förhinder 26 november")
    (dm,) = bot.fake.dms_to(slack_id("Börje Häggman"))
    await user(bot, "Börje Häggman").click("svar_kommer", buttons(dm)["svar_kommer"], message=dm)  # says yes …
    await bot.bot.settled()
    clock.now = datetime(2019, 11, 26, 15, tzinfo=UTC)
    summary = [m for m in bot.fake.channels[SECRETARIES_CHANNEL] if m["text"].startswith("Närvaro")][0]
    secretary = user(bot, SECRETARY)
    # Only the secretary may start it.
    await user(bot, "Salar Rashid").click("starta_sammantrade", buttons(summary)["starta_sammantrade"], message=summary)
    await secretary.click("starta_sammantrade", buttons(summary)["starta_sammantrade"], message=summary)
    await bot.bot.settled()
    (opened,) = bot.fake.called("views.open")
    view = opened["view"]
    field = next(b for b in view["blocks"] if b.get("block_id") == "narvarande")
    assert [o["value"] for o in field["element"]["initial_options"]] == ["Börje Häggman"]  # the one called in
    status, _ = await secretary.submit(
        view,
        {
            "narvarande": {
                "v": {
                    "type": "multi_static_select",
                    "selected_options": [{"value": "Arslan Bicen"}, {"value": "Erik Persson"}],
                }
            }
        },
    )
    assert status == 200
    await bot.bot.settled()
    # … but did not come: Bicen, present, is called, and the chair is told.
    instruction = [m for m in bot.fake.channels[SECRETARIES_CHANNEL] if m["text"].startswith(":bell: Till ordföranden")]
    assert instruction and "Arslan Bicen (M) för Andrea Ström (M)" in instruction[-1]["text"]
    summary = [m for m in bot.fake.channels[SECRETARIES_CHANNEL] if m["text"].startswith("Närvaro")][0]
    assert "Sammanträdet pågår" in json.dumps(summary["blocks"], ensure_ascii=False)
    for _ in range(4):
        summary = [m for m in bot.fake.channels[SECRETARIES_CHANNEL] if m["text"].startswith("Närvaro")][0]
        await secretary.click("nasta_paragraf", buttons(summary)["nasta_paragraf"], message=summary)
        await bot.bot.settled()
    meeting = (await bot.bot.namnd.meetings("AMN"))[0]
    assert meeting.current_paragraph == 4
    await report(bot, "Stefan Hansson", "förhinder 26 november")  # leaves now, during § 4
    result = await bot.bot.namnd.narvaro("AMN", DAY)
    assert "Erik Persson (S) för Stefan Hansson (S) §5-16" in result.text()
    assert "Stefan Hansson (S) närvarande till §4" in result.text()
    # A double click on the same "Nästa §" button moves one paragraph, not two.
    summary = [m for m in bot.fake.channels[SECRETARIES_CHANNEL] if m["text"].startswith("Närvaro")][0]
    stale = buttons(summary)["nasta_paragraf"]
    await secretary.click("nasta_paragraf", stale, message=summary)
    await secretary.click("nasta_paragraf", stale, message=summary)
    await bot.bot.settled()
    assert (await bot.bot.namnd.meetings("AMN"))[0].current_paragraph == 5


async def test_correcting_the_record_of_a_meeting_already_held_sends_nobody_anything(bot, clock):
    clock.now = datetime(2019, 12, 2, 9, tzinfo=UTC)  # a week after the meeting
    before = len(bot.fake.calls)
    # The secretary records afterwards that Westmont and Mårdenfjord were both away.
    await bot.bot.namnd.add_forhinder("AMN", DAY, "Mattias Mårdenfjord", actor="t")
    await bot.bot.namnd.add_forhinder("AMN", DAY, "Martin Westmont", actor="t")
    await bot.bot.settled()
    sent = [c.args for c in bot.fake.calls[before:] if c.method == "chat.postMessage"]
    assert [c.get("channel") for c in sent if c.get("channel") != SECRETARIES_CHANNEL] == []
    assert not any("Ingen ersättare kan kallas in" in (c.get("text") or "") for c in sent)

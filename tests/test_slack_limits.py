"""Any size fits Slack (issue 11, point 6): every message, modal and Home tab built at 101 seats and
60 ersättare, three committees of 40 meetings each and documents of any length is checked with
slack_sdk's Block Kit models and Slack's documented limits (``namndbot/blocks/limits.py``); through
Slack, the fake refuses what real Slack would, and what cannot be sent reaches the secretaries."""

from __future__ import annotations

from datetime import date

import pytest

from namndbot.blocks import limits, messages, views
from namndbot.blocks.limits import check_message, check_view, chunks, cut, message_problems, view_problems
from namndbot.bot.fake_slack_user import select, text_input
from namndbot.domain.meeting import Meeting

from .big_committees import COMMITTEES, MEMBER, SECRETARIES_CHANNEL, SECRETARY, fill, person, roster
from .slack_support import running_bot, user

# -- the limits themselves -----------------------------------------------------------------------


def test_cut_and_chunks_keep_within_the_limit_and_lose_nothing_but_what_is_cut():
    text = "\n".join(f"Rad {i} " + "ord " * (i % 40) for i in range(800))
    pieces = chunks(text, 3000)
    assert all(len(p) <= 3000 for p in pieces) and "\n".join(pieces) == text
    one_line = "x" * 7000
    assert [len(p) for p in chunks(one_line, 3000)] == [3000, 3000, 1000]
    assert cut("kort", 10) == "kort"
    long = cut("ett två tre fyra fem sex sju åtta", 20, "… (mer)")
    assert len(long) <= 20 and long.endswith("… (mer)")


def test_the_checks_catch_what_slack_refuses():
    too_many = {"text": "x", "blocks": [{"type": "divider"}] * 51}
    assert any("51 block" in p for p in message_problems(too_many))
    long_section = {"text": "x", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]}
    assert message_problems(long_section)
    with pytest.raises(limits.TooLarge):
        check_message(long_section)
    too_much_text = {
        "text": "x",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 2900}}] * 5,
    }
    assert any("tecken text" in p for p in message_problems(too_much_text))
    options = [{"text": {"type": "plain_text", "text": f"{i}"}, "value": f"{i}"} for i in range(101)]
    modal = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "T"},
        "blocks": [
            {
                "type": "input",
                "block_id": "b",
                "label": {"type": "plain_text", "text": "L"},
                "element": {"type": "static_select", "action_id": "v", "options": options},
            }
        ],
    }
    assert view_problems(modal)


# -- every builder at full size --------------------------------------------------------------------


@pytest.fixture
async def big(service):
    day = await fill(service)
    return service, day


async def test_the_secretaries_summary_of_101_seats_fits_split_across_sections(big):
    service, day = big
    result = await service.narvaro("KF", day)
    text = result.text().rstrip()
    assert len(text) > 3000  # what used to raise and be dropped
    msg = views.summary(result)
    check_message(msg.payload())
    shown = [b["text"]["text"] for b in msg.blocks if b["type"] == "section" and b["text"]["text"].startswith("```")]
    assert len(shown) >= 2
    assert "\n".join(s.strip("`") for s in shown) == text  # nothing lost, split between lines
    if msg.attachments:
        check_message({"text": "x", "blocks": msg.attachments[0]["blocks"]})


async def test_a_protocol_text_beyond_what_a_message_holds_is_cut_with_a_pointer(big, monkeypatch):
    service, day = big
    result = await service.narvaro("KF", day)
    huge = result.text() * 4
    monkeypatch.setattr(type(result), "text", lambda self: huge)
    msg = views.summary(result)
    check_message(msg.payload())
    assert "Hela texten: `/namnd närvaro 2020-01-14`" in str(msg.blocks)


async def test_home_of_a_member_of_three_committees_of_40_meetings(big):
    service, _ = big
    sections = []
    for short, name in COMMITTEES:
        stored = next(s for s in await service.committees() if s.committee.short == short)
        rows = []
        async with service.db.read() as repo:
            for m in await repo.meetings(stored.id):
                rows.append((await service.narvaro_in(repo, stored, m), "du är kallad"))
        duties = [f"Du ska justera protokollet från sammanträdet {k}." for k in range(30)]
        sections.append((None, name, rows, ("https://x/p/t.ics", "webcal://x/p/t.ics"), duties))
    view = views.home(MEMBER, sections)
    check_view(view)
    text = str(view["blocks"])
    assert "tisdag 14 januari 2020" in text  # the nearest meetings first
    assert "sammanträden till" in text  # and a pointer to the rest
    assert all(name in text for _, name in COMMITTEES)


def _meetings(short: str, n: int = 40) -> list[Meeting]:
    from datetime import time, timedelta

    return [
        Meeting(committee=short, date=date(2020, 1, 7) + timedelta(days=7 * k + i), start=time(18), uid=f"{short}{k}")
        for i, short in enumerate([short])
        for k in range(n)
    ]


async def test_the_forhinder_form_of_three_committees_and_161_people(big):
    service, _ = big
    choices = []
    members = []
    for short, _ in COMMITTEES:
        stored = next(s for s in await service.committees() if s.committee.short == short)
        choices.append((stored.committee, await service.meetings(short)))
        members += list((await service.roster(short)).members)
    view = messages.forhinder_modal(choices, None, members, {"user": SECRETARY})
    check_view(view)
    menu = next(b for b in view["blocks"] if b["block_id"] == "mote")["element"]["options"]
    assert len(menu) == 100
    days = [o["value"].split("|")[1] for o in menu]
    assert days == sorted(days) and days[0] == "2020-01-14"  # the nearest first
    vem = next(b for b in view["blocks"] if b["block_id"] == "vem")
    assert vem["element"]["type"] == "plain_text_input"  # 483 people: typed, not listed
    # A meeting asked for is always among the options, however far.
    stored = choices[0][0]
    last = choices[0][1][-1].date
    view = messages.forhinder_modal(choices, ("KF", last), None, {"user": MEMBER})
    check_view(view)
    chosen = next(b for b in view["blocks"] if b["block_id"] == "mote")["element"]["initial_option"]
    assert chosen["value"] == f"{stored.short}|{last.isoformat()}"


async def test_the_secretaries_forms_at_full_size(big):
    service, day = big
    stored = next(s for s in await service.committees() if s.committee.short == "KF")
    meetings = await service.meetings("KF")
    people = list((await service.roster("KF")).members)
    ersattare = [p for p in people if not p.is_ledamot]
    check_view(messages.justering_modal(stored.committee, meetings, people, day))
    check_view(messages.justering_modal(stored.committee, meetings * 3, people, None))
    check_view(messages.start_modal(stored.committee, meetings[0], ersattare, [e.name for e in ersattare[:30]]))
    check_view(messages.anlander_modal(stored.committee, meetings[0], ersattare))
    check_view(messages.anlander_modal(stored.committee, meetings[0], people))


async def test_every_message_with_texts_of_any_length(big):
    service, day = big
    stored = next(s for s in await service.committees() if s.committee.short == "KF")
    c = stored.committee
    m = next(x for x in await service.meetings("KF") if x.note)
    people = list((await service.roster("KF")).members)
    long_name = people[0]
    everything = [
        messages.plain("Lång text. " * 5000),
        messages.answered(
            "Förhinder registrerat. " * 1000, undo={"committee": "KF", "date": "2020-01-14", "member": "x"}
        ),
        messages.call_in(c, m, long_name, f"för {', '.join(p.label for p in people)}", "Skäl. " * 1000),
        messages.call_in_reminder(c, m, long_name.name, [p.label for p in people]),
        messages.meeting_reminder(c, m, 7),
        messages.justering_reminder(c, m, day, [p.label for p in people], "i dag"),
        messages.justering_today(c, m, [p.label for p in people]),
        messages.justering_overdue(c, m, day, day),
        messages.justering_limit(c, m, day),
        messages.justerad(
            c,
            m,
            {
                "justerad": "2020-01-20",
                "anslag_senast": "2020-01-22",
                "anslag": None,
                "overklagande_sista_dag": "2020-02-12",
                "anslag_ned_tidigast": "2020-02-13",
                "omedelbart_justerade": list(range(1, 2000)),
            },
        ),
        messages.skrivelse_post(
            c,
            {
                "title": "Svar på skrivelse " * 40,
                "authors": [{"name": p.name, "party": p.party, "others": True} for p in people],
                "skrivelse_date": "2019-10-01",
                "dnr": "KF 2019/123",
                "summary": "Sammanfattning. " * 2000,
                "proposal": "Förvaltningen föreslår att nämnden beslutar. " * 5000,
            },
            "2020-01-14",
        ),
        messages.skrivelse_author(c, {"title": "Svar " * 2000}, "2020-01-14"),
        messages.skrivelse_failed("Orsak. " * 2000, "fil.pdf"),
        messages.vacancy(c, m, ", ".join(p.label for p in people), "§§ 1–80"),
        messages.justerare_hindrad(c, m, long_name.label * 20, "forhinder"),
        messages.chair_instruction(c, m, ", ".join(p.label for p in people), 5, "Skäl. " * 1000),
        messages.call_changed(c, m, long_name, "för " * 2000),
        messages.released(c, m, True),
        messages.call_withdrawn(c, m),
        messages.intake_failed("forhinder_add", SECRETARY, 7),
        messages.help_message(),
        messages.feed_links(c, "https://x/" + "a" * 500, "webcal://x/" + "a" * 500, "https://x/KF.ics"),
    ]
    for msg in everything:
        check_message(msg.payload())
    post = everything[10]  # the svar på skrivelse
    assert "förslaget fortsätter i ärendets handlingar, dnr KF 2019/123" in str(post.blocks)


# -- through Slack -------------------------------------------------------------------------------------


async def test_through_slack_the_big_committee_is_served_and_nothing_is_refused(tmp_path, clock):
    async with running_bot(tmp_path, clock, roster=roster("KF", "Kommunfullmäktige")) as r:
        fake, bot = r.fake, r.bot
        for short, name in COMMITTEES[1:]:
            await bot.namnd.import_roster(roster(short, name), "test")
        for short, _ in COMMITTEES:
            for k in range(40):
                from datetime import timedelta

                await bot.namnd.add_meeting(short, date(2019, 11, 26) + timedelta(weeks=k), paragraphs=80, actor="t")
        await bot.settled(timeout=180)
        # The member of three committees opens the form: 120 meetings, the 100 nearest.
        await user(r, MEMBER).slash("förhinder")
        await bot.settled()
        view = fake.called("views.open")[-1]["view"]
        menu = next(b for b in view["blocks"] if b["block_id"] == "mote")["element"]["options"]
        assert len(menu) == 100 and menu[0]["value"].endswith("2019-11-26")
        # The secretary reports for 50 members, by chat and by the form (a name typed: 161 people).
        secretary = user(r, SECRETARY)
        for i in range(1, 25):
            await secretary.slash(f"förhinder KF 26 november för {person(i, 'L')}")
        await secretary.slash("förhinder")
        await bot.settled(timeout=180)
        form = fake.called("views.open")[-1]["view"]
        assert next(b for b in form["blocks"] if b["block_id"] == "vem")["element"]["type"] == "plain_text_input"
        await secretary.submit(form, {"vem": text_input(person(50, "L")), "mote": select("KF|2019-11-26")})
        await bot.settled(timeout=180)
        assert fake.refused == []
        summaries = [m for m in fake.channels[SECRETARIES_CHANNEL] if m["text"].startswith("Närvaro:")]
        assert summaries, "the secretaries got no summary"
        code = [b for b in summaries[-1]["blocks"] if b["type"] == "section" and b["text"]["text"].startswith("```")]
        assert len(code) >= 2
        assert f"ledamöterna {person(1, 'L')}" in str(summaries[-1]["blocks"]).replace("\\n", " ")
        # The member's Home tab: three committees.
        await bot.outbox.home(MEMBER)
        await bot.settled()
        assert fake.views.get(f"home:{MEMBER}"), "no Home tab"
        assert fake.refused == []


async def test_a_message_slack_refuses_for_good_reaches_the_secretaries(tmp_path, clock):
    async with running_bot(tmp_path, clock, roster=roster("KF", "Kommunfullmäktige", 11, 6)) as r:
        fake, bot = r.fake, r.bot
        await bot.namnd.add_meeting("KF", date(2019, 11, 26), paragraphs=20, actor="t")
        await bot.settled()
        fake.fail("chat.postMessage", status=200, error="msg_too_long", times=1)
        await user(r, "UKFL0003").slash("förhinder 26 november")
        await bot.settled()
        notices = [
            m for m in fake.channels[SECRETARIES_CHANNEL] if m["text"].startswith(":warning: namndbot kunde inte")
        ]
        assert len(notices) == 1, fake.channels[SECRETARIES_CHANNEL]
        assert "msg_too_long" in notices[0]["text"] and "utkorg nr" in notices[0]["text"]


async def test_an_event_that_cannot_become_messages_reaches_the_secretaries(tmp_path, clock, monkeypatch):
    async with running_bot(tmp_path, clock, roster=roster("KF", "Kommunfullmäktige", 11, 6)) as r:
        fake, bot = r.fake, r.bot
        await bot.namnd.add_meeting("KF", date(2019, 11, 26), paragraphs=20, actor="t")
        await bot.settled()

        def broken(*args, **kwargs):
            raise limits.TooLarge("Meddelandet ryms inte i Slack: för stort.")

        monkeypatch.setattr(messages, "call_in", broken)  # a builder that fails, as an oversized one did
        await user(r, "UKFL0003").slash("förhinder 26 november")
        await bot.settled()
        notices = [
            m for m in fake.channels[SECRETARIES_CHANNEL] if m["text"].startswith(":warning: namndbot kunde inte")
        ]
        assert notices and "inkallad" in notices[0]["text"] and "26 november 2019" in notices[0]["text"]

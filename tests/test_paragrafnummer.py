"""The protocol's own paragraph numbers (issue 11, point 1): §§ 194–219, numbered through the year."""

from __future__ import annotations

import json

import pytest

from .ks_support import BEFORE, DAY, KS_TOML, ks_with_slack
from .slack_support import SECRETARY, running_bot, slack_id, user

M = ("--committee", "KS", "--meeting", DAY.isoformat())


@pytest.fixture
def ks_cli(cli):
    cli.ok("roster", "import", str(KS_TOML))
    out = cli.ok("meeting", "add", "--committee", "KS", BEFORE.isoformat(), "--paragraphs", "170-193")
    assert "24 paragrafer (§§ 170–193)" in out
    # "lopande": a count continues from the year's previous meeting.
    out = cli.ok("meeting", "add", "--committee", "KS", DAY.isoformat(), "--paragraphs", "26")
    assert out.endswith("är tillagt, 26 paragrafer (§§ 194–219).\n"), out
    return cli


def narvaro_json(cli) -> dict:
    return json.loads(cli.ok("narvaro", *M, "--format", "json"))


def test_the_count_continues_through_the_year_and_restarts_in_january(ks_cli):
    data = narvaro_json(ks_cli)
    assert (data["paragraphs"], data["first_paragraph"], data["last_paragraph"]) == (26, 194, 219)
    out = ks_cli.ok("meeting", "add", "--committee", "KS", "2020-01-28", "--paragraphs", "12")
    assert "12 paragrafer." in out  # §§ 1–12: the first of the year starts at 1
    data = json.loads(ks_cli.ok("narvaro", "--committee", "KS", "--meeting", "2020-01-28", "--format", "json"))
    assert (data["first_paragraph"], data["last_paragraph"]) == (1, 12)


def test_per_sammantrade_takes_the_protocols_numbers_when_given(amn_cli):
    out = amn_cli.ok("meeting", "add", "--committee", "AMN", "2019-12-17", "--paragraphs", "194-219")
    assert "(§§ 194–219)" in out
    out = amn_cli.ok("meeting", "add", "--committee", "AMN", "2020-01-21", "--paragraphs", "10")
    data = json.loads(amn_cli.ok("narvaro", "--committee", "AMN", "--meeting", "2020-01-21", "--format", "json"))
    assert (data["first_paragraph"], data["last_paragraph"]) == (1, 10)  # per_sammantrade: from § 1


def test_forhinder_flags_take_the_protocols_numbers(ks_cli):
    out = ks_cli.ok("forhinder", "add", *M, "Karin Lundkvist", "--until-paragraph", "200")
    assert "förhinder från § 201" in out
    assert "Inkallas: Royne Borgvall (S) för Karin Lundkvist (S) §§ 201–219" in out
    data = narvaro_json(ks_cli)
    (serving,) = data["tjanstgorande"]
    assert (serving["from"], serving["to"]) == (201, 219)
    (f,) = data["forhinder"]
    assert (f["from"], f["to"]) == (201, 219)
    assert data["paragraphs"] == 26


@pytest.mark.parametrize(
    "flag, value",
    [("--until-paragraph", "10"), ("--from-paragraph", "194"), ("--until-paragraph", "219"), ("--paragraphs", "7-7")],
)
def test_a_paragraph_outside_the_range_is_refused_naming_it(ks_cli, flag, value):
    before = ks_cli.dump()
    extra = ("--jav",) if flag == "--paragraphs" else ()
    code, _, err = ks_cli("forhinder", "add", *M, "Karin Lundkvist", flag, value, *extra)
    assert code == 2 and "§§ 194–219" in err, err
    assert ks_cli.dump() == before


def test_meeting_paragraph_takes_the_protocols_number(ks_cli, cli_on):
    cli_on(DAY.isoformat())
    ks_cli.ok("meeting", "start", "--committee", "KS", DAY.isoformat(), "--present", "Royne Borgvall")
    out = ks_cli.ok("meeting", "paragraph", "--committee", "KS", DAY.isoformat(), "200")
    assert out == "Nu behandlas § 200; ändringar gäller från § 201.\n"
    code, _, err = ks_cli("meeting", "paragraph", "--committee", "KS", DAY.isoformat(), "5")
    assert code == 2 and "§ 5 finns inte: sammanträdet har §§ 194–219." in err
    out = ks_cli.ok("forhinder", "add", *M, "Karin Lundkvist")  # leaves now: from the next paragraph
    assert "Royne Borgvall (S) för Karin Lundkvist (S) §§ 201–219" in out


def test_export_uses_the_protocols_numbers(ks_cli):
    ks_cli.ok("forhinder", "add", *M, "Karin Lundkvist", "--until-paragraph", "200")
    data = json.loads(
        ks_cli.ok(
            "tjanstgoring",
            "export",
            "--committee",
            "KS",
            "--from",
            "2019-11-01",
            "--to",
            "2019-11-30",
            "--format",
            "json",
        )
    )
    royne = next(r for r in data["rows"] if r["name"] == "Royne Borgvall")
    assert royne["paragraphs"] == "§§ 201–219" and royne["ranges"] == [{"from": 201, "to": 219}]
    karin = next(r for r in data["rows"] if r["name"] == "Karin Lundkvist")
    assert karin["paragraphs"] == "§§ 194–200"


async def test_the_personal_feed_shows_the_protocols_numbers(tmp_path, clock):
    async with running_bot(tmp_path, clock, roster=ks_with_slack()) as running:
        namnd = running.bot.namnd
        await namnd.add_meeting("KS", BEFORE, paragraphs=24, first_paragraph=170, actor="t")
        await namnd.add_meeting("KS", DAY, paragraphs=26, actor="t")
        await namnd.add_forhinder("KS", DAY, "Karin Lundkvist", until_paragraph=200, actor="t")
        from namndbot.services.feeds import personal_status

        result = await namnd.narvaro("KS", DAY)
        assert personal_status(result, "royne borgvall").startswith(
            "inkallad att tjänstgöra för Karin Lundkvist (S) §§ 201–219"
        )
        assert personal_status(result, "karin lundkvist") == "förhinder anmält från § 201"


async def test_chat_says_and_hears_the_protocols_numbers(tmp_path, clock):
    async with running_bot(tmp_path, clock, roster=ks_with_slack()) as running:
        namnd = running.bot.namnd
        await namnd.add_meeting("KS", BEFORE, paragraphs=24, first_paragraph=170, actor="t")
        await namnd.add_meeting("KS", DAY, paragraphs=26, actor="t")
        await running.bot.settled()
        status, _ = await user(running, "Karin Lundkvist").slash("förhinder 26 november till § 200")
        assert status == 200
        await running.bot.settled()
        reply = running.fake.responses[-1]["text"]
        assert "närvarande t.o.m. § 200, förhinder från § 201" in reply, reply
        assert "Royne Borgvall (S) för Karin Lundkvist (S) §§ 201–219" in reply
        status, body = await user(running, "Lennart Wallensäter").slash("förhinder 26 november till § 10")
        assert "§§ 194–219" in body["text"], body
        (dm,) = running.fake.dms_to(slack_id("Royne Borgvall"))
        assert "§§ 201–219" in dm["text"]
        assert SECRETARY  # the secretary's summary is checked with the layout (test_narvaro_layout)


async def test_during_the_meeting_slack_moves_by_the_protocols_numbers(tmp_path, clock):
    from datetime import UTC, datetime

    from namndbot.bot.fake_slack_user import select, text_input

    from .slack_support import SECRETARIES_CHANNEL

    async with running_bot(tmp_path, clock, roster=ks_with_slack()) as running:
        namnd = running.bot.namnd
        await namnd.add_meeting("KS", BEFORE, paragraphs=24, first_paragraph=170, actor="t")
        await namnd.add_meeting("KS", DAY, paragraphs=26, actor="t")
        # The form takes the protocol's numbers too, and refuses one outside the meeting.
        u = user(running, "Anna Berglund")
        await u.slash("förhinder")
        await running.bot.settled()
        view = running.fake.called("views.open")[-1]["view"]
        status, text = await u.submit(
            view, {"mote": select(f"KS|{DAY.isoformat()}"), "del": select("gar"), "nar": text_input("§ 12")}
        )
        assert json.loads(text)["errors"]["nar"].startswith(
            "Sammanträdet har §§ 194–219; skriv en paragraf mellan § 195 och § 219."
        ), text
        status, text = await u.submit(
            view, {"mote": select(f"KS|{DAY.isoformat()}"), "del": select("gar"), "nar": text_input("§ 215")}
        )
        assert status == 200 and text == ""
        await running.bot.settled()
        assert "närvarande t.o.m. § 214, förhinder från § 215" in running.fake.dms_to(u.user)[-1]["text"]

        clock.now = datetime(2019, 11, 26, 12, 30, tzinfo=UTC)
        await namnd.start_meeting("KS", DAY, [], actor="t")
        await running.bot.settled()
        secretary = user(running, SECRETARY)
        status, _ = await secretary.slash("paragraf 200")
        assert status == 200
        await running.bot.settled()
        assert running.fake.responses[-1]["text"] == "Nu behandlas § 200."
        summary = [m for m in running.fake.channels[SECRETARIES_CHANNEL] if m["text"].startswith("Närvaro")][-1]
        (button,) = [
            e
            for b in summary["blocks"]
            if b.get("type") == "actions"
            for e in b["elements"]
            if e["action_id"] == "nasta_paragraf"
        ]
        assert button["text"]["text"] == "Nästa § (201)"
        await secretary.click("nasta_paragraf", button["value"], message=summary)
        await running.bot.settled()
        meeting = (await namnd.narvaro("KS", DAY)).meeting
        assert meeting.nr(meeting.current_paragraph) == 201


def test_renumbering_a_meeting_whose_numbers_reports_use_is_refused_naming_them(ks_cli):
    """A report says "till § 200": renumbering the meeting would silently make it mean § 201 (issue 11
    review, point 2). Refused, naming the reports; nothing changes."""
    ks_cli.ok("forhinder", "add", *M, "Karin Lundkvist", "--until-paragraph", "200")
    ks_cli.ok("forhinder", "add", *M, "Per Holmén", "--paragraphs", "196-196", "--jav")
    before = ks_cli.dump()
    code, _, err = ks_cli("meeting", "add", "--committee", "KS", DAY.isoformat(), "--paragraphs", "195-220")
    assert code == 2, err
    assert "Sammanträdet har §§ 194–219, och 2 förhinder är anmält i de numren" in err, err
    assert "Karin Lundkvist (S): närvarande t.o.m. § 200, förhinder från § 201" in err
    assert "Per Holmén (S)" not in err and "Per Holmén (M): § 196 (jäv)" in err, err
    assert "Med §§ 195–220 skulle de betyda något annat, så inget har ändrats." in err
    assert "”forhinder remove”" in err
    assert ks_cli.dump() == before
    data = json.loads(ks_cli.ok("forhinder", "list", *M, "--format", "json"))
    assert [(f["name"], f["from"], f["to"]) for f in data["forhinder"]] == [
        ("Karin Lundkvist", 201, 219),
        ("Per Holmén", 196, 196),
    ]


def test_a_count_that_keeps_every_report_meaning_the_same_is_accepted(ks_cli):
    ks_cli.ok("forhinder", "add", *M, "Karin Lundkvist", "--until-paragraph", "200")  # från § 201
    ks_cli.ok("forhinder", "add", *M, "Mona Olin", "--from-paragraph", "198")  # kommer till § 198
    out = ks_cli.ok("meeting", "add", "--committee", "KS", DAY.isoformat(), "--paragraphs", "30")
    assert "30 paragrafer (§§ 194–223)" in out  # the first number stays
    data = narvaro_json(ks_cli)
    assert {(f["name"], f["from"], f["to"]) for f in data["forhinder"]} == {
        ("Karin Lundkvist", 201, 223),
        ("Mona Olin", 194, 197),
    }


def test_a_count_that_would_change_what_a_member_reported_is_refused(ks_cli):
    ks_cli.ok("forhinder", "add", *M, "Mona Olin", "--from-paragraph", "219")  # kommer till § 219
    before = ks_cli.dump()
    # With 25 paragraphs (§§ 194–218) there is no § 219 to come to: she would be away the whole meeting.
    code, _, err = ks_cli("meeting", "add", "--committee", "KS", DAY.isoformat(), "--paragraphs", "25")
    assert code == 2 and "Mona Olin (SD): förhinder §§ 194–218, kommer till § 219" in err, err
    assert "Med 25 paragrafer skulle de betyda något annat" in err
    assert ks_cli.dump() == before


def test_numbers_once_given_stay_when_an_earlier_meeting_changes(ks_cli):
    """``lopande``: a new count for the year's earlier meeting keeps its own first number, and never
    renumbers a later one; when they come to share a number the secretary is told (issue 11 review, 3)."""
    code, out, err = ks_cli("meeting", "add", "--committee", "KS", BEFORE.isoformat(), "--paragraphs", "25")
    assert code == 0, err
    assert "25 paragrafer (§§ 170–194)" in out, out
    assert err == (
        "Obs: Sammanträdet tisdag 26 november 2019 har redan §§ 194–219, så §§ 170–194 skulle dela nummer med "
        "det. Nummer som getts ändras inte av sig själva: numrera om det andra sammanträdet med "
        "”meeting add … --paragraphs A-B” om det behövs.\n"
    ), err
    data = narvaro_json(ks_cli)
    assert (data["first_paragraph"], data["last_paragraph"]) == (194, 219)
    out = ks_cli.ok("meeting", "add", "--committee", "KS", DAY.isoformat(), "--paragraphs", "195-220")
    assert "(§§ 195–220)" in out  # renumbered by hand: no report uses its numbers
    code, out, err = ks_cli("meeting", "add", "--committee", "KS", BEFORE.isoformat(), "--paragraphs", "20")
    assert code == 0 and "20 paragrafer (§§ 170–189)" in out and err == "", err


def test_a_meeting_put_between_two_numbered_ones_does_not_take_their_numbers(ks_cli):
    before = ks_cli.dump()
    # After §§ 170–193 would come §§ 194–198, which the meeting of 26 November already has.
    code, _, err = ks_cli("meeting", "add", "--committee", "KS", "2019-11-05", "--paragraphs", "5")
    assert code == 2, err
    assert "Fel: Sammanträdet tisdag 26 november 2019 har redan §§ 194–219, så §§ 194–198 skulle dela nummer" in err
    assert "--paragraphs A-B" in err
    assert ks_cli.dump() == before
    data = narvaro_json(ks_cli)
    assert (data["first_paragraph"], data["last_paragraph"]) == (194, 219)  # untouched
    # The secretary gives the numbers: told that they are shared until the later meeting is renumbered.
    code, out, err = ks_cli("meeting", "add", "--committee", "KS", "2019-11-05", "--paragraphs", "194-198")
    assert code == 0 and "(§§ 194–198)" in out and err.startswith("Obs: Sammanträdet tisdag 26 november"), err
    code, out, err = ks_cli("meeting", "add", "--committee", "KS", DAY.isoformat(), "--paragraphs", "199-224")
    assert code == 0 and "(§§ 199–224)" in out and err == "", err


def test_a_meeting_under_way_is_not_renumbered(ks_cli, cli_on):
    cli_on(DAY.isoformat())
    ks_cli.ok("meeting", "start", "--committee", "KS", DAY.isoformat())
    ks_cli.ok("meeting", "paragraph", "--committee", "KS", DAY.isoformat(), "200")
    before = ks_cli.dump()
    code, _, err = ks_cli("meeting", "add", "--committee", "KS", DAY.isoformat(), "--paragraphs", "195-220")
    assert code == 2 and "Sammanträdet pågår och är vid § 200; dess paragrafer kan inte numreras om nu." in err, err
    assert ks_cli.dump() == before
    out = ks_cli.ok("meeting", "add", "--committee", "KS", DAY.isoformat(), "--paragraphs", "28")
    assert "28 paragrafer (§§ 194–221)" in out  # more paragraphs: the numbers stay


JUSTERING_TEXT = """§ {justering}

Val av protokolljusterare

Ordföranden Stefan Lissmark (M) och Karin Lundkvist (S) fick i uppdrag att justera dagens protokoll.
Protokollet ska justeras måndagen den 2 december 2019.

§ {omedelbart}

Ärende

Paragrafen justeras omedelbart.
"""


def test_a_paragraph_justerad_omedelbart_must_be_one_of_the_meetings(ks_cli, tmp_path):
    path = tmp_path / "protokoll.txt"
    path.write_text(JUSTERING_TEXT.format(justering=2, omedelbart=5), encoding="utf-8")  # numbered from 1, by mistake
    code, _, err = ks_cli("justering", "import", "--committee", "KS", "--meeting", DAY.isoformat(), str(path))
    assert code == 2
    assert "Omedelbart justerad § 5 finns inte: sammanträdet har §§ 194–219." in err, err
    assert json.loads(ks_cli.ok("justering", "show", *M, "--format", "json"))["justerare"] == []  # nothing stored
    path.write_text(JUSTERING_TEXT.format(justering=195, omedelbart=210), encoding="utf-8")
    ks_cli.ok("justering", "import", "--committee", "KS", "--meeting", DAY.isoformat(), str(path))
    assert json.loads(ks_cli.ok("justering", "show", *M, "--format", "json"))["omedelbart_justerade"] == [210]

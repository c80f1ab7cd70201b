"""Words that cannot be misread (issue 11, point 7 of the issue): both sides of a partial absence,
"kommer till § 8", a meeting opened only on its day, justerare who were there, a justering day on a
weekend, the law cited, and names typed without ø, æ, ł or đ."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from namndbot.blocks import messages
from namndbot.bot.fake_slack_user import select
from namndbot.domain.model import Committee

from .ks_support import BEFORE, DAY, KS_TOML, ks_with_slack
from .slack_support import SECRETARY, running_bot, user

AMN = ("--committee", "AMN", "--meeting", "2019-11-26")
KS = ("--committee", "KS", "--meeting", DAY.isoformat())


@pytest.fixture
def ks_cli(cli):
    cli.ok("roster", "import", str(KS_TOML))
    cli.ok("meeting", "add", "--committee", "KS", BEFORE.isoformat(), "--paragraphs", "170-193")
    cli.ok("meeting", "add", "--committee", "KS", DAY.isoformat(), "--paragraphs", "26")
    return cli


@pytest.mark.parametrize(
    "flags, said",
    [
        (("--until-paragraph", "10"), "närvarande t.o.m. § 10, förhinder från § 11"),
        (("--from-paragraph", "8"), "förhinder §§ 1–7, kommer till § 8"),
        (("--from-paragraph", "2"), "förhinder § 1, kommer till § 2"),
    ],
)
def test_confirmations_say_both_sides(amn_cli, flags, said):
    out = amn_cli.ok("forhinder", "add", *AMN, "Stefan Hansson", *flags)
    assert f"Förhinder anmält: Stefan Hansson (S), {said}, sammanträdet" in out


def test_confirmations_in_the_protocols_numbers(ks_cli):
    out = ks_cli.ok("forhinder", "add", *KS, "Karin Lundkvist", "--from-paragraph", "201")
    assert "förhinder §§ 194–200, kommer till § 201" in out


def test_meeting_start_on_another_day_is_refused(amn_cli, cli_on):
    cli_on("2019-11-25")
    before = amn_cli.dump()
    code, _, err = amn_cli("meeting", "start", "--committee", "AMN", "2019-11-26")
    assert code == 2 and "kan inte öppnas i dag (måndag 25 november 2019)" in err, err
    assert amn_cli.dump() == before


def test_a_justerare_with_forhinder_or_who_does_not_serve_is_refused(amn_cli):
    amn_cli.ok("forhinder", "add", *AMN, "Martin Westmont")
    before = amn_cli.dump()
    base = ("justering", "set", *AMN, "--date", "2019-12-02", "--justerare", "Salar Rashid", "--justerare")
    code, _, err = amn_cli(*base, "Martin Westmont")
    assert code == 2 and "Martin Westmont (SD) har anmält förhinder till sammanträdet" in err, err
    code, _, err = amn_cli(*base, "Börje Häggman")
    assert code == 2 and "Börje Häggman (M) är ersättare och tjänstgör inte vid sammanträdet" in err, err
    assert amn_cli.dump() == before
    amn_cli.ok(*base, "Mattias Mårdenfjord")  # serves for Westmont


def test_a_justering_day_on_a_weekend_or_holiday_gets_a_warning(amn_cli):
    code, out, err = amn_cli(
        "justering", "set", *AMN, "--justerare", "Salar Rashid", "--justerare", "Andrea Ström", "--date", "2019-11-30"
    )
    assert code == 0 and "Obs: Justeringsdagen lördag 30 november 2019 är en lördag" in err, err
    _, _, err = amn_cli("justering", "set", *AMN, "--date", "2019-12-24")
    assert "Justeringsdagen tisdag 24 december 2019 är en helgdag" in err  # julafton
    _, _, err = amn_cli("justering", "set", *AMN, "--date", "2019-12-30")
    assert "måndag 30 december 2019 är en" not in err  # a working day: no word
    assert "KL 6 kap. 35 §" in err  # later than 14 days: the law is cited


def test_the_14_day_reminder_cites_the_law():
    from datetime import date

    msg = messages.justering_limit(Committee("KS", "Kommunstyrelsen"), _meeting(), date(2019, 12, 10))
    assert "(14 dagar efter sammanträdet, KL 6 kap. 35 §)" in msg.text


def _meeting():
    from datetime import time

    from namndbot.domain.meeting import Meeting

    return Meeting("KS", DAY, time(13, 0))


@pytest.mark.parametrize("typed", ["soren", "Soren Ostergard", "ostergard", "SØREN"])
def test_names_typed_without_their_letters(ks_cli, typed):
    out = ks_cli.ok("forhinder", "add", *KS, typed)
    assert "Förhinder anmält: Søren Østergård (C)" in out


def test_lukasz_and_dorde(ks_cli):
    ks_cli.ok("forhinder", "add", *KS, "lukasz nowak")
    ks_cli.ok("forhinder", "add", *KS, "dorde")
    names = {f["name"] for f in json.loads(ks_cli.ok("narvaro", *KS, "--format", "json"))["forhinder"]}
    assert names == {"Łukasz Nowak", "Đorđe Petrović"}


async def test_the_same_words_in_slack(tmp_path, clock):
    async with running_bot(tmp_path, clock, roster=ks_with_slack()) as running:
        namnd = running.bot.namnd
        await namnd.add_meeting("KS", BEFORE, paragraphs=24, first_paragraph=170, actor="t")
        await namnd.add_meeting("KS", DAY, paragraphs=26, actor="t")
        await running.bot.settled()

        async def say(who: str, text: str) -> str:
            status, body = await user(running, who).slash(text)
            assert status == 200, body
            await running.bot.settled()
            return running.fake.responses[-1]["text"]

        reply = await say("Karin Lundkvist", "förhinder 26 november går efter § 207")
        assert "närvarande t.o.m. § 207, förhinder från § 208" in reply
        reply = await say("Anna Berglund", "förhinder 26 november kommer till § 196")
        assert "förhinder §§ 194–195, kommer till § 196" in reply
        reply = await say("Erik Dahlgren", "förhinder 26 november till och med § 210")
        assert "närvarande t.o.m. § 210, förhinder från § 211" in reply
        reply = await say(SECRETARY, "förhinder 26 november för soren")  # ø typed as o
        assert "Søren Østergård (C): hela sammanträdet" in reply

        # The meeting is opened on its day only.
        summary = [m for m in running.fake.channels["C0SEKRETER"] if m["text"].startswith("Närvaro")][-1]
        value = next(
            e["value"]
            for b in summary["blocks"]
            if b.get("type") == "actions"
            for e in b["elements"]
            if e["action_id"] == "starta_sammantrade"
        )
        secretary = user(running, SECRETARY)
        await secretary.click("starta_sammantrade", value, message=summary)
        await running.bot.settled()
        view = running.fake.called("views.open")[-1]["view"]
        status, _ = await secretary.submit(view, {})
        assert status == 200
        await running.bot.settled()
        answer = running.fake.dms_to(SECRETARY)[-1]["text"]
        assert "kan inte öppnas i dag (onsdag 20 november 2019)" in answer, answer

        # Justering, the day after: a justerare with förhinder is refused with the reason.
        clock.now = datetime(2019, 11, 27, 9, tzinfo=UTC)
        status, _ = await secretary.slash("justering")
        assert status == 200
        await running.bot.settled()
        view = running.fake.called("views.open")[-1]["view"]
        dag = {"dag": {"v": {"type": "datepicker", "selected_date": "2019-12-07"}}}
        status, _ = await secretary.submit(
            view,
            {
                "mote": select(f"KS|{DAY.isoformat()}"),
                "justerare1": select("Stefan Lissmark"),
                "justerare2": select("Søren Østergård"),
                **dag,
            },
        )
        assert status == 200
        await running.bot.settled()
        answer = running.fake.dms_to(SECRETARY)[-1]["text"]
        assert "Søren Østergård (C) har anmält förhinder till sammanträdet" in answer, answer
        status, _ = await secretary.submit(
            {**view, "id": view.get("id", "") + "2"},
            {
                "mote": select(f"KS|{DAY.isoformat()}"),
                "justerare1": select("Stefan Lissmark"),
                "justerare2": select("Maria Stenholm"),
                **dag,
            },
        )
        await running.bot.settled()
        answer = running.fake.dms_to(SECRETARY)[-1]["text"]
        assert "Obs: Justeringsdagen lördag 7 december 2019 är en lördag" in answer, answer

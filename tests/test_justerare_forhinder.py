"""A justerare who reports förhinder after being chosen: the secretaries are told, through the
notifier and the outbox, naming the justerare and the meeting and asking them to choose another;
and told again, that they need not, when the justerare withdraws it."""

from __future__ import annotations

from datetime import date

from .slack_support import SECRETARIES_CHANNEL, running_bot, user

DAY = date(2019, 11, 26)
M = ("--committee", "AMN", "--meeting", DAY.isoformat())
AGAIN = "Salar Rashid (S) är vald till justerare av protokollet från sammanträdet och kan justera det igen"


def told(running) -> list[str]:
    return [m["text"] for m in running.fake.channels.get(SECRETARIES_CHANNEL, []) if "Justeraren" in m["text"]]


async def test_a_justerare_withdrawing_the_forhinder_is_told_to_the_secretaries(tmp_path, clock):
    async with running_bot(tmp_path, clock) as running:
        bot = running.bot
        await bot.namnd.add_meeting("AMN", DAY, paragraphs=16, actor="t")
        await bot.justering.set("AMN", DAY, ["Salar Rashid", "Andrea Ström"], date(2019, 12, 2), actor="t")
        salar = user(running, "Salar Rashid")
        await salar.slash("förhinder 26 november")
        await bot.settled()
        assert len(told(running)) == 1
        status, _ = await salar.slash("återkalla 26 november")
        assert status == 200
        await bot.settled()
        assert told(running)[1:] == [
            "Justeraren Salar Rashid (S) har återkallat sitt förhinder till Arbetsmarknadsnämndens sammanträde "
            "tisdag 26 november 2019 och kan justera protokollet som planerat: ingen annan justerare behöver väljas."
        ]
        reply = running.fake.responses[-1]["text"]
        assert reply.startswith("Ditt förhinder till sammanträdet tisdag 26 november 2019 är återkallat. Obs: "), reply
        assert f"{AGAIN}; sekreterarna har fått veta." in reply
        # A part of the meeting, reported and withdrawn: it never kept him from justera; nothing.
        await salar.slash("förhinder 26 november till § 10")
        await salar.slash("återkalla 26 november")
        await bot.settled()
        assert len(told(running)) == 2
        # Another justerare chosen meanwhile: Salar is no justerare, his withdrawal tells nobody.
        await salar.slash("förhinder 26 november")
        await bot.settled()
        assert len(told(running)) == 3 and "har anmält förhinder" in told(running)[2]
        await bot.justering.set("AMN", DAY, ["Stefan Hansson", "Andrea Ström"], date(2019, 12, 2), actor="t")
        await salar.slash("återkalla 26 november")
        await bot.settled()
        assert len(told(running)) == 3
        assert running.fake.responses[-1]["text"] == (
            "Ditt förhinder till sammanträdet tisdag 26 november 2019 är återkallat."
        )


def test_a_justerare_withdrawing_the_forhinder_in_the_cli_is_told_so(amn_cli):
    amn_cli.ok("justering", "set", *M, "--justerare", "Salar", "--justerare", "Andrea Ström", "--date", "2019-12-02")
    amn_cli.ok("forhinder", "add", *M, "Salar Rashid")
    code, out, err = amn_cli("forhinder", "remove", *M, "Salar Rashid")
    assert code == 0, err
    assert "Förhindret för Salar Rashid (S) är återkallat" in out
    assert f"Obs: {AGAIN}" in err


async def test_a_justerare_reporting_forhinder_in_slack_is_told_to_the_secretaries(tmp_path, clock):
    async with running_bot(tmp_path, clock) as running:
        bot = running.bot
        await bot.namnd.add_meeting("AMN", DAY, paragraphs=16, actor="t")
        await bot.justering.set("AMN", DAY, ["Salar Rashid", "Andrea Ström"], date(2019, 12, 2), actor="t")
        await bot.settled()
        assert told(running) == []
        # A part of the meeting: still a justerare who was there; nobody is bothered.
        status, _ = await user(running, "Salar Rashid").slash("förhinder 26 november till § 10")
        assert status == 200
        await bot.settled()
        assert told(running) == []
        status, _ = await user(running, "Salar Rashid").slash("förhinder 26 november")
        assert status == 200
        await bot.settled()
        assert told(running) == [
            ":warning: Justeraren Salar Rashid (S) har anmält förhinder till Arbetsmarknadsnämndens sammanträde "
            "tisdag 26 november 2019 och kan därför inte justera protokollet. Välj en annan justerare med "
            "`/namnd justering`."
        ]
        reply = running.fake.responses[-1]["text"]
        assert "Obs: Salar Rashid (S) är vald till justerare" in reply, reply
        # Reported again (a double report): told once.
        await user(running, "Salar Rashid").slash("förhinder 26 november")
        await bot.settled()
        assert len(told(running)) == 1
        # Another who is not a justerare: nothing.
        await user(running, "Martin Westmont").slash("förhinder 26 november")
        await bot.settled()
        assert len(told(running)) == 1


def test_a_serving_ersattare_chosen_as_justerare_who_declines_is_told_by_the_cli(amn_cli):
    amn_cli.ok("forhinder", "add", *M, "Martin Westmont")  # Mattias Mårdenfjord serves
    amn_cli.ok("justering", "set", *M, "--justerare", "Mårdenfjord", "--justerare", "Salar", "--date", "2019-12-02")
    code, out, err = amn_cli("ersattare", "decline", *M, "Mattias Mårdenfjord")
    assert code == 0, err
    assert "\nObs: Mattias Mårdenfjord (SD) är vald till justerare av protokollet" in err, err
    import sqlite3

    conn = sqlite3.connect(amn_cli.db_path)
    try:
        rows = conn.execute("SELECT payload FROM event WHERE kind = 'justerare_hindrad'").fetchall()
    finally:
        conn.close()
    assert len(rows) == 1 and "tjanstgor_inte" in rows[0][0] and "Mattias Mårdenfjord (SD)" in rows[0][0]
    from namndbot.blocks import messages
    from namndbot.domain.meeting import Meeting
    from namndbot.domain.roster_file import parse_roster

    from .conftest import AMN_TOML

    committee = parse_roster(AMN_TOML.read_text(encoding="utf-8")).roster.committee
    meeting = Meeting("AMN", DAY, committee.default_start, 16)
    text = messages.justerare_hindrad(committee, meeting, "Mattias Mårdenfjord (SD)", "tjanstgor_inte").text
    assert text.startswith(":warning: Justeraren Mattias Mårdenfjord (SD) tjänstgör inte längre vid ")

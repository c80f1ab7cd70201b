"""The notifier tells a burst of events in short transactions, so that a member's ack (which needs
the write lock to store the report) never waits long behind it: each event told once, the acks let
through between the transactions, and every message of the burst queued before any is sent, so a
member's App Home is published once (bench.several measured 790 ms at p99 with the burst in one)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from namndbot.bot.notifier import Notifier
from namndbot.services import NamndService

from .slack_support import AMN_LEDAMOTER, amn_with_slack

DAY = date(2019, 11, 26)


async def test_a_burst_is_told_in_short_transactions_each_event_once(db, clock):
    namnd = NamndService(db, clock)
    await namnd.import_roster(amn_with_slack(), "test")
    await namnd.add_meeting("AMN", DAY, paragraphs=16, actor="test")
    for name in AMN_LEDAMOTER[:8]:
        await namnd.add_forhinder("AMN", DAY, name, actor="test")
        await namnd.remove_forhinder("AMN", DAY, name, actor="test")
        await namnd.add_forhinder("AMN", DAY, name, actor="test")
    async with db.read() as repo:
        events = len(await repo.new_events(10_000))
    assert events > 40

    pauses = 0

    async def pause() -> None:  # where the bot lets the requests in flight be answered
        nonlocal pauses
        pauses += 1
        async with db.read() as repo:  # each transaction committed before the pause
            assert len(await repo.new_events(10_000)) == events - told_so_far()

    commits = db.commits
    told_so_far = lambda: db.commits - commits  # noqa: E731 (budget 0: one event a transaction)

    notifier = Notifier(namnd, "https://namnd.example.se")
    assert await notifier.process(limit=5, budget=0.0, pause=pause) == events
    assert pauses == events - 1
    async with db.read() as repo:
        assert await repo.new_events(10_000) == []
        outbox = await repo.outbox_all()
    homes = Counter(row.target for row in outbox if row.kind == "home")
    assert homes and set(homes.values()) == {1}  # one App Home per member for the whole burst
    assert await notifier.process(budget=0.0, pause=pause) == 0  # nothing twice

"""Several processes on one PostgreSQL database when a session drops, not a process: a server
restart, a failover, a connection cut by a firewall. The process lives on; the others see its
claims as free and take its work over. Nothing may then be sent twice: it sends none of what they
took, a message it had already marked ``sending`` is left to it until its lease runs out, and it
listens again with a new session. Also: rows without a target (a meeting's summary) keep their
order across processes, and a unit of work sees the one before it whatever the server's default
isolation level."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from namndbot.bot.fake_slack import FakeSlack
from namndbot.bot.outbox import Sender
from namndbot.storage import open_database, shared

from . import postgresql

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.skipif(not postgresql.enabled(), reason="the PostgreSQL half of the suite (make test-postgresql)"),
]


def now() -> datetime:
    return datetime.now(UTC)


async def cut_session(of, by) -> int:
    """End ``of``'s listening session from ``by`` (as a server restart would); its old pid."""
    old = of.session_pid
    async with by.exclusive() as conn:
        await conn.raw.execute("SELECT pg_terminate_backend($1)", old)
    return old


async def listening_again(db, old: int, timeout: float = 10) -> None:
    async with asyncio.timeout(timeout):
        while db.session_pid in (0, old):
            await asyncio.sleep(0.05)


def sender(db, fake: FakeSlack) -> Sender:
    async def nothing(*args):
        return None

    client = AsyncWebClient(token="xoxb-1-sessions", base_url=fake.api_url)
    return Sender(db, client, now, nothing, nothing, nothing)  # type: ignore[arg-type]


@pytest.fixture
async def two(db_target):
    first = await open_database(db_target).connect()
    second = await open_database(db_target).connect()
    yield first, second
    await first.close()
    await second.close()


async def test_a_process_whose_session_dropped_sends_nothing_the_others_took(two, fake):
    first, second = two
    async with first.transaction() as repo:
        for i in range(5):
            await repo.enqueue(now(), "post", f"C0KANAL{i}", {"text": f"m{i}"})
    claimed = await shared.claim_outbox(first, now())
    assert len(claimed) == 5
    old = await cut_session(first, second)
    await listening_again(first, old)
    taken = await shared.claim_outbox(second, now())  # the first one's claims lapsed with its session
    assert {r.id for r in taken} == {r.id for r in claimed}
    for row in claimed:  # the first process goes on with the rows it had claimed: it sends none
        await sender(first, fake).send(row)
    assert fake.called("chat.postMessage") == []
    await sender(second, fake).process()
    posts = Counter(c["text"] for c in fake.called("chat.postMessage"))
    assert posts == {f"m{i}": 1 for i in range(5)}


async def test_a_message_on_its_way_is_left_to_its_sender_until_the_lease_runs_out(two, fake):
    first, second = two
    async with first.transaction() as repo:
        await repo.enqueue(now(), "post", "C0KANAL", {"text": "på väg"})
        await repo.enqueue(now(), "post", "C0ANNAN", {"text": "väntar"})
    on_its_way, waiting = await shared.claim_outbox(first, now())
    async with first.transaction() as repo:  # marked sending: the first is calling Slack
        assert await repo.outbox_sending(on_its_way.id, now(), "C0KANAL", claimer=first.session_pid)
    old = await cut_session(first, second)
    await listening_again(first, old)
    assert [r.id for r in await shared.claim_outbox(second, now())] == [waiting.id]
    async with second.transaction() as repo:  # its own claim now names another pid: refused
        assert not await repo.outbox_sending(on_its_way.id, now(), None, claimer=second.session_pid)


async def test_it_listens_again_and_hears_the_others(two):
    first, second = two
    old = await cut_session(first, second)
    await listening_again(first, old)
    woken = asyncio.Event()
    first.on_change.append(woken.set)
    async with second.transaction() as repo:
        await repo.enqueue(now(), "dm", "U1", {"text": "hej"})
    async with asyncio.timeout(5):
        await woken.wait()


async def test_a_meetings_summary_is_not_sent_by_two_processes_at_once(two):
    first, second = two
    async with first.transaction() as repo:
        await repo.enqueue(now(), "summary", None, {"meeting_id": 1}, coalesce_key="summary:1")
    (summary,) = await shared.claim_outbox(first, now())
    async with first.transaction() as repo:  # being posted; a change meanwhile queues the next
        assert await repo.outbox_sending(summary.id, now(), None, claimer=first.session_pid)
        await repo.enqueue(now(), "summary", None, {"meeting_id": 1}, coalesce_key="summary:1")
    assert await shared.claim_outbox(second, now()) == []  # it waits for the first to be through
    async with first.transaction() as repo:
        await repo.outbox_sent(summary.id, now(), None, None)
    assert [r.kind for r in await shared.claim_outbox(second, now())] == ["summary"]


async def test_a_unit_of_work_sees_the_one_before_under_repeatable_read_by_default(db_target):
    name = db_target.rsplit("/", 1)[1]
    await postgresql.server()._admin(f"ALTER DATABASE {name} SET default_transaction_isolation = 'repeatable read'")
    first = await open_database(db_target).connect()
    second = await open_database(db_target).connect()
    try:
        async with first.statement() as repo:
            await repo.add_intake([("k1", "forhinder_add", "U1", {})], now())
        inside = asyncio.Event()

        async def one() -> None:
            async with first.transaction() as repo:
                inside.set()
                await asyncio.sleep(0.3)
                await repo._run("UPDATE intake SET status = 'klar' WHERE dedupe_key = 'k1'")

        async def then() -> str:
            await inside.wait()
            async with second.transaction() as repo:  # waits for the first one's lock
                (row,) = await repo._all("SELECT status FROM intake WHERE dedupe_key = 'k1'")
                return str(row["status"])

        _, seen = await asyncio.gather(one(), then())
        assert seen == "klar"
    finally:
        await first.close()
        await second.close()

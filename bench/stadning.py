"""Delivered work leaves: the database after 10,000 reports, and a week later.

The real pipeline in this process (intake, worker, notifier, sender to the
local fake Slack): `/namnd förhinder` reports and withdrawals by the AMN's
members for 20 coming meetings, each answered, with the call-ins, DMs and
summaries they cause. The first 500 go through the pipeline (about 500
statements each, too slow on a shared machine for all 10,000); the rows they
left (reports, events, messages) are then copied until there are as many as
10,000 reports leave. Then the clock moves on a week and a day and the bot's
hourly städning runs.

    .venv/bin/python -m bench.stadning [REPORTS [THROUGH_THE_PIPELINE]]

Targets (issue 15): the file at most 10 MB after 10,000 reports and a week;
the sender's query for due messages no slower at 10,000 reports than at none
(ratio at most 2).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import settings as bench_settings
from namndbot.bot.fake_slack import FakeSlack
from namndbot.bot.server import Mode, start
from tests.slack_support import AMN_LEDAMOTER, amn_with_slack, slack_id

REPORTS = 10_000
MEETINGS = 20
BATCH = 100
SIZE_TARGET_MB = 10.0
DUE_RATIO_TARGET = 2.0
MEMBERS = AMN_LEDAMOTER


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def due_query_ms(bot, rounds: int = 300) -> float:
    """Median time of the sender's query for due messages (a read, as the sender runs it)."""
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        async with bot.db.read() as repo:
            await repo.due_outbox(bot.clock())
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


async def size_mb(bot) -> float:
    async with bot.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cur:
        await cur.fetchall()
    return Path(bot.db.path).stat().st_size / 1e6


async def copy_rows(bot, times: int) -> None:
    """Each row of the work tables ``times`` more times (new ids; keys kept unique)."""
    async with bot.db.transaction() as repo:
        for table, unique in (("intake", "dedupe_key"), ("event", None), ("outbox", None)):
            async with repo.conn.execute(f"PRAGMA table_info({table})") as cur:
                cols = [r[1] for r in await cur.fetchall() if r[1] != "id"]
            async with repo.conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}") as cur:
                (originals,) = await cur.fetchone()
            values = [f"{c} || ':' || ?" if c == unique else c for c in cols]
            for k in range(1, times + 1):
                await repo.conn.execute(
                    f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(values)} FROM {table} WHERE id <= ?",
                    ((k,) if unique else ()) + (originals,),
                )


async def main_async(reports: int = REPORTS, real: int = 500) -> dict[str, float]:
    fake = FakeSlack()
    await fake.start()
    clock = Clock(datetime(2030, 1, 7, 6, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp:
        settings = bench_settings(Path(tmp) / "bench.sqlite3", fake)
        running = await start(settings, clock=clock, mode=Mode(socket=False), poll=3600)
        bot = running.bot
        running.jobs.cancel()  # the pipeline is driven by hand below
        await bot.namnd.import_roster(amn_with_slack(), "bench")
        days = [clock.now.date() + timedelta(days=7 * (i + 1)) for i in range(MEETINGS)]
        for day in days:
            await bot.namnd.add_meeting("AMN", day, paragraphs=20, actor="bench")
        await bot.run_once()
        due_empty = await due_query_ms(bot)
        size_empty = await size_mb(bot)

        real = min(real, reports)
        t0 = time.perf_counter()
        for start_i in range(0, real, BATCH):
            subs = []
            for i in range(start_i, min(real, start_i + BATCH)):
                name = MEMBERS[i % len(MEMBERS)]
                day = days[(i // len(MEMBERS)) % MEETINGS]
                add = (i // (len(MEMBERS) * MEETINGS)) % 2 == 0  # förhinder, then withdrawn, and again
                payload = {"committee": "AMN", "date": day.isoformat(), "member": name, "self": True}
                payload["reply"] = {"response_url": fake.response_url()}
                subs.append(
                    bot.intake.submit(
                        f"bench:{i}", "forhinder_add" if add else "forhinder_remove", slack_id(name), payload
                    )
                )
            await asyncio.gather(*subs)
            while True:
                await bot.run_once()
                async with bot.db.read() as repo:
                    if await repo.backlog(clock.now) == 0:
                        break
            clock.now += timedelta(seconds=30)
        pipeline_s = time.perf_counter() - t0
        await copy_rows(bot, reports // real - 1)
        async with bot.db.read() as repo:
            async with repo.conn.execute(
                "SELECT (SELECT count(*) FROM intake), (SELECT count(*) FROM event), (SELECT count(*) FROM outbox)"
            ) as cur:
                rows = await cur.fetchone()
        assert rows is not None  # aggregates always have their row
        due_full = await due_query_ms(bot)
        size_full = await size_mb(bot)

        clock.now += timedelta(days=8)
        counts = await bot.stadning.run()
        size_week = await size_mb(bot)
        due_week = await due_query_ms(bot)
        await running.stop()
    await fake.stop()

    print(
        f"städning after {reports} reports ({real} through the real pipeline in {pipeline_s:.0f} s, then copied; "
        f"{rows[0]} reports, {rows[1]} events, {rows[2]} messages stored)"
    )
    print(f"  file: empty {size_empty:.1f} MB, after the reports {size_full:.1f} MB, a week later {size_week:.1f} MB")
    print(f"    deleted: {', '.join(f'{k} {n}' for k, n in counts.items())}")
    print(
        f"    target {SIZE_TARGET_MB:.0f} MB: ratio {size_week / SIZE_TARGET_MB:.2f}"
        f"  -> {'OK' if size_week <= SIZE_TARGET_MB else 'OVER TARGET'}"
    )
    ratio = due_full / due_empty
    print(
        f"  sender's due query: {due_empty:.3f} ms with none, {due_full:.3f} ms after {reports} reports "
        f"({due_week:.3f} ms a week later); ratio {ratio:.2f} (target {DUE_RATIO_TARGET:.0f})"
        f"  -> {'OK' if ratio <= DUE_RATIO_TARGET else 'OVER TARGET'}"
    )
    return {"size_full_mb": size_full, "size_week_mb": size_week, "due_ratio": ratio}


def main() -> dict[str, float]:
    args = [int(a) for a in sys.argv[1:3]]
    return asyncio.run(main_async(*args))


if __name__ == "__main__":
    main()

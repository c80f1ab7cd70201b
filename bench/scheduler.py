"""The durable scheduler with 10,000 jobs: finding and sending the due ones, and idle CPU.

1000 meetings, daily from tomorrow, with ten reminders each (``paminnelser_dagar``
1-10): 10,000 jobs, scheduled by the bot's start-up pass. Two days later, those
due (the reminders of those two mornings) are found, decided (a later reminder
of the same meeting supersedes an earlier one), queued and marked; the
sender delivers them to the local fake Slack. Then, with nothing due for an hour, the bot's job loop idles
for 31 seconds (past its 10 s check for other processes' commits): its CPU time and passes are counted, against a naive
scheduler that polls the job table every second.

    .venv/bin/python -m bench.scheduler

Target (issue 5): no polling faster than the next due time.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import count
from bench import settings as bench_settings
from namndbot.bot.fake_slack import FakeSlack
from namndbot.bot.server import Mode, start

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
JOBS_PER_MEETING = 10
MEETINGS = 1000
IDLE_SECONDS = 31.0  # longer than the 10 s check for other processes' commits, so it is counted


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def main_async() -> dict[str, float]:
    fake = FakeSlack()
    await fake.start()
    clock = Clock(datetime(2030, 1, 7, 6, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp:
        settings = bench_settings(Path(tmp) / "bench.sqlite3", fake)
        roster = (
            (DATA / "amn-2019-11.toml")
            .read_text(encoding="utf-8")
            .replace(
                'default_start = "16:00"',
                'default_start = "16:00"\nchannel = "C0AMN"\npaminnelser_dagar = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]',
            )
        )
        running = await start(settings, clock=clock, mode=Mode(socket=False), poll=3600)
        bot = running.bot
        running.jobs.cancel()  # set up without the loop; it is started again for the idle test
        await bot.namnd.import_roster(roster, "bench")
        first = clock.now.date() + timedelta(days=1)
        async with bot.db.transaction() as repo:
            stored = await repo.committee("AMN")
            assert stored is not None
            from namndbot.domain.meeting import Meeting

            for i in range(MEETINGS):
                m = Meeting(
                    "AMN",
                    first + timedelta(days=i),
                    stored.committee.default_start,
                    uid=f"bench-{i}@namndbot",
                    updated_at=clock.now,
                )
                await repo.insert_meeting(stored.id, m, clock.now)
        t0 = time.perf_counter()
        await bot.scheduler.reconcile(clock.now)  # what the bot does at start: every meeting's reminders
        reconcile_s = time.perf_counter() - t0
        async with bot.db.read() as repo:
            pending = await count(repo, "SELECT count(*) AS n FROM job WHERE status = 'pending'")
        # Two days pass (the bot was down, say): the reminders of those mornings are now due.
        clock.now += timedelta(days=2, hours=3)

        t0 = time.perf_counter()
        async with bot.db.read() as repo:
            found = await repo.due_jobs(clock.now, 1000)
        find_ms = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        handled = await bot.reminders.process(limit=1000)
        queue_ms = (time.perf_counter() - t0) * 1000
        async with bot.db.read() as repo:
            done = await count(repo, "SELECT count(*) AS n FROM job WHERE status = 'done'")
            dropped = await count(repo, "SELECT count(*) AS n FROM job WHERE status = 'dropped'")
        t0 = time.perf_counter()
        while await bot.sender.process(limit=500) is not None:
            pass
        send_ms = (time.perf_counter() - t0) * 1000
        sent = len([c for c in fake.called("chat.postMessage") if c.get("channel") == "C0AMN"])

        # Idle: the real job loop, nothing due for an hour.
        passes = 0
        original = bot.run_once

        async def counting() -> datetime | None:
            nonlocal passes
            passes += 1
            return await original()

        bot.run_once = counting  # type: ignore[method-assign]
        loop_task = asyncio.create_task(bot.run_jobs())
        while passes == 0:  # let it start (its reconcile, a first pass) and go to sleep
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
        passes = 0
        cpu0 = time.process_time()
        await asyncio.sleep(IDLE_SECONDS)
        idle_cpu = (time.process_time() - cpu0) * 1000
        idle_passes = passes
        loop_task.cancel()

        # The naive alternative: poll the job table every second.
        async def naive() -> None:
            while True:
                async with bot.db.read() as repo:
                    await repo.due_jobs(clock.now, 1000)
                await asyncio.sleep(1.0)

        naive_task = asyncio.create_task(naive())
        await asyncio.sleep(0.2)
        cpu0 = time.process_time()
        await asyncio.sleep(IDLE_SECONDS)
        naive_cpu = (time.process_time() - cpu0) * 1000
        naive_task.cancel()
        await running.stop()
    await fake.stop()

    print(
        f"scheduler with {pending} pending jobs ({MEETINGS} meetings × {JOBS_PER_MEETING} reminders; "
        f"scheduling them all at start took {reconcile_s:.1f} s)"
    )
    print(f"  find the {len(found)} due jobs: {find_ms:.2f} ms")
    print(
        f"  decide, queue and mark them: {queue_ms:.1f} ms ({queue_ms / max(1, handled):.2f} ms per job; "
        f"{done} sent, {dropped} dropped as superseded by a later reminder of the same meeting)"
    )
    print(f"  send their messages to the local Slack: {send_ms:.1f} ms ({sent} channel posts)")
    print(
        f"  idle {IDLE_SECONDS:.0f} s, next job due in an hour: {idle_cpu:.1f} ms CPU, "
        f"{idle_passes} passes (the loop sleeps until the next due time, waking every 10 s only to notice "
        f"other processes' commits)"
    )
    print(
        f"  naive 1 s poller over the same {IDLE_SECONDS:.0f} s: {naive_cpu:.1f} ms CPU, "
        f"{int(IDLE_SECONDS)} passes; ratio idle CPU {idle_cpu / max(naive_cpu, 0.001):.2f}"
    )
    return {
        "find_ms": find_ms,
        "queue_ms": queue_ms,
        "send_ms": send_ms,
        "idle_cpu_ms": idle_cpu,
        "idle_passes": idle_passes,
        "naive_cpu_ms": naive_cpu,
    }


def main() -> dict[str, float]:
    return asyncio.run(main_async())


if __name__ == "__main__":
    main()

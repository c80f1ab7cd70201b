"""200 concurrent signed /namnd förhinder requests: time to ack, against a bare slack-bolt app.

The real bot (HTTP mode, signature checks, the directory, the Swedish date,
the intake's group commit, the receipt) and a bare slack-bolt AsyncApp whose
/namnd handler only acks run in this process, on the same aiohttp adapter,
against the same local fake Slack. A second process fires 200 requests at
once; five rounds each, alternating, after one warm-up round each.

    .venv/bin/python -m bench.slack_ack

Targets (issue 4): p99 under 100 ms, and at most 1.5x the bare app.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bench import count, percentile
from bench import settings as bench_settings
from namndbot.bot.fake_slack import FakeSlack
from namndbot.bot.server import Mode, start
from namndbot.domain.dates import MANADER

ROOT = Path(__file__).resolve().parents[1]
N = 200
ROUNDS = 5
PARTIES = {"S": 18, "M": 13, "V": 9, "SD": 6, "L": 5, "C": 4, "MP": 4, "KD": 2}


def roster() -> tuple[str, list[str]]:
    lines = ['[committee]\nname = "Kommunstyrelsen"\nshort = "KS"\ndefault_start = "13:00"\n']
    users = []
    for kind, scale in (("ledamot", 1), ("ersattare", 0.66)):
        for party, k in PARTIES.items():
            for i in range(max(1, int(k * scale))):
                uid = f"U{kind[0].upper()}{party}{i:03d}".upper()
                users.append(uid)
                lines.append(f'[[{kind}]]\nname = "{kind.title()} {party} {i}"\nparty = "{party}"\nslack = "{uid}"\n')
    return "\n".join(lines), users


async def fire(url: str, secret: str, text: str, users: list[str], fake: FakeSlack) -> list[float]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.ackload",
        url,
        secret,
        str(N),
        text,
        f"{fake.url}/response",
        *users,
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    result = json.loads(out)
    assert result["statuses"] == {"200": N}, result["statuses"]
    return result["latencies_ms"]


async def bare_app(fake: FakeSlack, secret: str, process_before_response: bool) -> tuple[web.AppRunner, str]:
    app = AsyncApp(
        client=AsyncWebClient(token="xoxb-bench", base_url=fake.api_url),
        signing_secret=secret,
        process_before_response=process_before_response,
    )

    @app.command("/namnd")
    async def only_ack(ack) -> None:
        await ack()

    web_app = web.Application()

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    web_app.router.add_post("/slack/events", events)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"


async def main_async() -> dict[str, float]:
    fake = FakeSlack()
    await fake.start()
    secret = secrets.token_hex(16)
    with tempfile.TemporaryDirectory() as tmp:
        settings = bench_settings(Path(tmp) / "bench.sqlite3", fake, secret)
        running = await start(settings, mode=Mode(socket=False))
        text, users = roster()
        await running.bot.namnd.import_roster(text, "bench")
        day = (datetime.now(UTC) + timedelta(days=10)).date()
        await running.bot.namnd.add_meeting("KS", day, paragraphs=30, actor="bench")
        await running.bot.settled(timeout=60)
        bot_url = f"http://127.0.0.1:{running.port}/slack/events"
        # The bare app with the same bolt setting as namndbot (answer when the listener returns),
        # and with bolt's default (poll for the ack every 10 ms), for comparison.
        bare_runner, bare_url = await bare_app(fake, secret, True)
        default_runner, default_url = await bare_app(fake, secret, False)
        command = f"förhinder {day.day} {MANADER[day.month - 1]}"
        results: dict[str, list[float]] = {"bot": [], "bare": [], "bare_default": []}
        await fire(bot_url, secret, command, users, fake)  # warm-up
        await running.bot.settled(timeout=120)
        await fire(bare_url, secret, command, users, fake)
        await fire(default_url, secret, command, users, fake)
        for _ in range(ROUNDS):
            results["bot"] += await fire(bot_url, secret, command, users, fake)
            await running.bot.settled(timeout=120)
            results["bare"] += await fire(bare_url, secret, command, users, fake)
            results["bare_default"] += await fire(default_url, secret, command, users, fake)
        await default_runner.cleanup()
        async with running.bot.db.read() as repo:
            stored = await count(repo, "SELECT count(*) AS n FROM intake")
        await bare_runner.cleanup()
        await running.stop()
    await fake.stop()
    figures = {}
    for name, values in results.items():
        figures[f"{name}_p50"] = statistics.median(values)
        figures[f"{name}_p99"] = percentile(values, 0.99)
    figures["ratio_p99"] = figures["bot_p99"] / figures["bare_p99"]
    figures["ratio_p50"] = figures["bot_p50"] / figures["bare_p50"]
    print(f"{N} concurrent signed /namnd förhinder requests, {ROUNDS} rounds, load from a second process")
    print(
        f"  namndbot:  p50 {figures['bot_p50']:.1f} ms, p99 {figures['bot_p99']:.1f} ms "
        f"({stored} reports committed before their acks, warm-up included)"
    )
    print(
        f"  bare bolt: p50 {figures['bare_p50']:.1f} ms, p99 {figures['bare_p99']:.1f} ms (only acks, "
        "process_before_response like namndbot)"
    )
    print(
        f"  bare bolt, bolt's defaults: p50 {figures['bare_default_p50']:.1f} ms, "
        f"p99 {figures['bare_default_p99']:.1f} ms (polls for the ack every 10 ms)"
    )
    ok = figures["bot_p99"] < 100 and figures["ratio_p99"] <= 1.5
    print(
        f"  ratio p99 {figures['ratio_p99']:.2f}, p50 {figures['ratio_p50']:.2f} "
        f"(targets: p99 < 100 ms, ratio <= 1.5) -> {'OK' if ok else 'OVER TARGET'}"
    )
    return figures


def main() -> dict[str, float]:
    return asyncio.run(main_async())


if __name__ == "__main__":
    main()

"""Several bot processes on one PostgreSQL database, one killed with SIGKILL mid-burst.

Three real ``namndbot run`` processes (HTTP mode) share a throwaway PostgreSQL server; the fake
Slack runs in this process. 600 signed ``/namnd förhinder`` reports (61 ledamöter of a
kommunstyrelse, ten meetings) come at 50 a second and are spread over the processes round robin,
at most 100 in flight, the way a load balancer would (a request that finds its process gone goes
to the next one). After a third of the reports are acknowledged, one process is killed with
SIGKILL and started again while the rest keep coming. Then:

- acknowledged reports lost: acked, but not stored and applied (must be 0);
- messages posted twice: chat.postMessage calls carrying the same outbox id (must be 0);
- ack p50/p99 against the same burst on SQLite with one process, in the same run.

    .venv/bin/python -m bench.several

The server keeps fsync on (``synchronous_commit=off``, which loses no commit when a process dies,
as SQLite's WAL with ``synchronous=NORMAL``). ``tests/test_several_processes.py`` runs the same
with 150 reports and checks the two zeros.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl

from aiohttp import ClientError, ClientSession, ClientTimeout

from bench import percentile
from bench.slack_ack import roster
from namndbot.bot.fake_slack import FakeSlack
from namndbot.bot.fake_slack_user import SlackUser
from namndbot.domain.dates import MANADER
from namndbot.services import NamndService
from namndbot.storage import open_database

ROOT = Path(__file__).resolve().parents[1]
REPORTS = 600
IN_FLIGHT = 100
RATE = 50.0  # reports a second: the burst lasts 12 s, so the kill and the restart fall inside it
MEETINGS = 10


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Outcome:
    acked: list[str] = field(default_factory=list)  # trigger ids answered 200
    latencies_ms: list[float] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    twice: int = 0
    posted: int = 0
    killed: bool = False
    acked_at_kill: int = 0  # reports acknowledged when the process was killed (the rest came after)
    sent_again: int = 0  # reports that found their process gone and were sent to another
    restarted_acked: int = 0  # acks by the restarted process after its restart
    drained_s: float = 0.0  # from the first report sent to every report applied and message sent
    posted_s: float = 0.0  # from the first report sent to the last message posted (the one in doubt may be later)
    looked_up: int = 0  # conversations.history calls: messages in doubt looked for before posting again

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p99(self) -> float:
        return percentile(self.latencies_ms, 0.99)


class Cluster:
    """``n`` bot processes on ``target`` (a SQLite file or a PostgreSQL URL), one fake Slack."""

    def __init__(self, target: str, n: int, folder: Path, fake: FakeSlack, *, socket: bool = False) -> None:
        self.target = target
        self.fake = fake
        self.socket = socket  # each process in Socket Mode: Slack sends each envelope on one connection
        self.secret = secrets.token_hex(16)
        self.ports = [_free_port() for _ in range(n)]
        self.folder = folder
        self.procs: list[subprocess.Popen] = []
        self.logs = [open(folder / f"bot{i}.log", "a") for i in range(n)]

    def env(self, port: int) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NAMNDBOT_"))}
        env.update(
            SLACK_BOT_TOKEN="xoxb-several",
            SLACK_SIGNING_SECRET=self.secret,
            NAMNDBOT_SLACK_API_URL=self.fake.api_url,
            NAMNDBOT_HOST="127.0.0.1",
            NAMNDBOT_PORT=str(port),
            NAMNDBOT_DATABASE=self.target,
        )
        if self.socket:
            env["SLACK_APP_TOKEN"] = "xapp-1-several"
        return env

    def _start(self, i: int) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "namndbot", "run"],
            env=self.env(self.ports[i]),
            cwd=ROOT,
            stdout=self.logs[i],
            stderr=subprocess.STDOUT,
        )

    async def start(self) -> None:
        self.procs = [self._start(i) for i in range(len(self.ports))]
        await asyncio.gather(*(self.healthy(i) for i in range(len(self.ports))))
        await self.connected()

    async def connected(self, timeout: float = 30) -> None:
        """In Socket Mode: until every process has its connection open to (the fake) Slack."""
        if self.socket:
            await self.fake.wait_for(lambda: self.fake.connections >= len(self.procs), timeout)

    async def healthy(self, i: int, timeout: float = 60) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        async with ClientSession() as http:
            while True:
                if self.procs[i].poll() is not None:
                    raise RuntimeError(f"bot {i} exited: see {self.folder / f'bot{i}.log'}")
                try:
                    async with http.get(f"http://127.0.0.1:{self.ports[i]}/healthz") as r:
                        if r.status == 200:
                            return
                except (OSError, ClientError):
                    pass
                if asyncio.get_running_loop().time() > deadline:
                    raise TimeoutError(f"bot {i} did not start")
                await asyncio.sleep(0.1)

    def kill(self, i: int) -> None:
        self.procs[i].send_signal(signal.SIGKILL)
        self.procs[i].wait(timeout=10)

    async def restart(self, i: int) -> None:
        self.procs[i] = self._start(i)
        await self.healthy(i)
        await self.connected()

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        for log in self.logs:
            log.close()


async def prepare(target: str, users: list[str], text: str) -> list[str]:
    """The kommunstyrelse and its meetings; the commands that report förhinder, one per (ledamot, day)."""
    start = (datetime.now(UTC) + timedelta(days=10)).date()
    days = [start + timedelta(days=7 * i) for i in range(MEETINGS)]
    async with open_database(target) as db:
        service = NamndService(db)
        await service.import_roster(text, "bench")
        for day in days:
            await service.add_meeting("KS", day, paragraphs=30, actor="bench")
    return [f"förhinder {d.day} {MANADER[d.month - 1]}" for d in days]


async def backlog(target: str) -> int:
    async with open_database(target) as db, db.read() as repo:
        row = await repo._one(
            "SELECT (SELECT count(*) FROM intake WHERE status = 'ny')"
            " + (SELECT count(*) FROM event WHERE handled_at IS NULL)"
            " + (SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')) AS n"
        )
    assert row is not None
    return int(row["n"])


SIZED = ("intake", "event", "outbox", "audit", "forhinder", "assignment", "inkallelse", "job", "meeting_roster")


async def row_sizes(url: str) -> dict[str, tuple[int, float]]:
    """PostgreSQL: per table, its rows and bytes per row (table, indexes and TOAST), for the sizing."""
    out = {}
    async with open_database(url) as db, db.read() as repo:
        for table in SIZED:
            row = await repo._one(f"SELECT count(*) AS n, pg_total_relation_size('{table}') AS b FROM {table}")
            assert row is not None
            out[table] = (int(row["n"]), int(row["b"]) / max(1, int(row["n"])))
    return out


async def burst(
    target: str,
    processes: int,
    reports: int,
    *,
    kill: bool,
    folder: Path,
    fake_latency: float = 0.0,
    socket: bool = False,
    rate: float = RATE,
) -> Outcome:
    text, all_users = roster()
    ledamoter = [u for u in all_users if u.startswith("UL")]
    commands = await prepare(target, all_users, text)
    jobs = [(ledamoter[i % len(ledamoter)], commands[i // len(ledamoter)], f"{i}.several") for i in range(reports)]
    fake = FakeSlack(latency=fake_latency)
    await fake.start()
    cluster = Cluster(target, processes, folder, fake, socket=socket)
    outcome = Outcome()
    try:
        await cluster.start()
        limit = asyncio.Semaphore(IN_FLIGHT)
        killed = asyncio.Event()
        restarted = asyncio.Event()
        loop = asyncio.get_running_loop()

        async with ClientSession(timeout=ClientTimeout(total=30)) as http:

            async def report(n: int, user: str, command: str, trigger: str) -> None:
                async with limit:
                    for attempt in range(3 * processes):
                        i = (n + attempt) % processes
                        u = SlackUser(f"http://127.0.0.1:{cluster.ports[i]}/slack/events", cluster.secret, fake, user)
                        u.session = http
                        body = u.slash_body(command, trigger=trigger)
                        began = loop.time()
                        try:
                            if socket:  # Slack sends it on one of the open connections
                                await fake.push("slash_commands", dict(parse_qsl(body)), timeout=30, via=i)
                                status = 200
                            else:
                                status, _ = await u.post(body, "application/x-www-form-urlencoded")
                        except (TimeoutError, OSError, ClientError):
                            # That process is gone: the balancer tries the next; in Socket Mode the
                            # member sees an error and sends it again, on another connection.
                            outcome.sent_again += 1
                            await asyncio.sleep(0.05)
                            continue
                        if status == 200:
                            outcome.acked.append(trigger)
                            outcome.latencies_ms.append((loop.time() - began) * 1000)
                            # (in Socket Mode which connection is process 0's is not known)
                            if not socket and i == 0 and restarted.is_set():
                                outcome.restarted_acked += 1
                        return

            async def killer() -> None:
                while len(outcome.acked) < reports // 3:
                    await asyncio.sleep(0.01)
                # Slack posts the messages but answers late: the process dies knowing only that it asked.
                fake.answer_late["chat.postMessage"] = 1.0
                posted = len(fake.called("chat.postMessage"))
                try:
                    await fake.wait_for(lambda: len(fake.called("chat.postMessage")) > posted + 2, timeout=10)
                except TimeoutError:
                    pass
                outcome.acked_at_kill = len(outcome.acked)
                cluster.kill(0)
                fake.answer_late.clear()
                outcome.killed = True
                killed.set()
                await cluster.restart(0)
                restarted.set()

            began_burst = loop.time()
            began_wall = time.time()
            kill_task = asyncio.create_task(killer()) if kill else None
            tasks = []
            for n, job in enumerate(jobs):  # as members send them, ``rate`` a second
                tasks.append(asyncio.create_task(report(n, *job)))
                await asyncio.sleep(began_burst + (n + 1) / rate - loop.time())
            await asyncio.gather(*tasks)
            if kill_task is not None:
                await kill_task
        for _ in range(2400):
            if await backlog(target) == 0:
                break
            await asyncio.sleep(0.05)
        else:
            raise TimeoutError("the bots did not finish the work within 120 s")
        outcome.drained_s = loop.time() - began_burst
        posts = [c.at for c in fake.calls if c.method == "chat.postMessage"]
        outcome.posted_s = max(posts) - began_wall if posts else 0.0
    finally:
        cluster.stop()
        await fake.stop()

    async with open_database(target) as db, db.read() as repo:
        stored = {r["dedupe_key"]: r["status"] for r in await repo._all("SELECT dedupe_key, status FROM intake")}
    outcome.lost = [t for t in outcome.acked if stored.get(f"cmd:{t}") not in ("klar", "fel")]
    seen: Counter[str] = Counter()
    for call in fake.called("chat.postMessage"):
        meta = call.get("metadata") or {}
        if isinstance(meta, str):
            meta = json.loads(meta)
        if meta.get("event_type") == "namndbot_outbox":
            seen[json.dumps(meta["event_payload"], sort_keys=True)] += 1
    outcome.posted = sum(seen.values())
    outcome.looked_up = len(fake.called("conversations.history"))
    outcome.twice = sum(1 for n in seen.values() if n > 1)
    return outcome


async def main_async() -> dict[str, float]:
    from tests.postgresql import Server

    server = Server(durable=True)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            pg = await server.new_database(template=None)
            several = await burst(pg, 3, REPORTS, kill=True, folder=folder)
            sizes = await row_sizes(pg)
            (folder / "sqlite").mkdir()
            single = await burst(str(folder / "sqlite" / "bench.sqlite3"), 1, REPORTS, kill=False, folder=folder)
    finally:
        server.stop()
    figures = {
        "lost": float(len(several.lost)),
        "twice": float(several.twice),
        "pg_p50": several.p50,
        "pg_p99": several.p99,
        "sqlite_p50": single.p50,
        "sqlite_p99": single.p99,
        "pg_drained_s": several.drained_s,
        "acked_at_kill": float(several.acked_at_kill),
        "sqlite_drained_s": single.drained_s,
    }
    print(f"{REPORTS} signed /namnd förhinder reports, at most {IN_FLIGHT} in flight, spread round robin")
    print(
        f"  PostgreSQL, 3 processes, one killed with SIGKILL at {several.acked_at_kill} of {REPORTS} acks "
        f"and restarted ({several.sent_again} requests found it gone and went to the next): "
        f"{len(several.acked)} acknowledged, lost {len(several.lost)} (must be 0), "
        f"posted twice {several.twice} (must be 0) of {several.posted} messages; "
        f"{several.restarted_acked} acked by the restarted process; "
        f"{several.looked_up} messages in doubt looked up in Slack before posting"
    )
    print(
        f"    ack p50 {several.p50:.1f} ms, p99 {several.p99:.1f} ms; every message posted {several.posted_s:.1f} s"
        f" after the first report, all done in {several.drained_s:.1f} s (the message in doubt at the kill, and"
        " those after it to the same recipient, wait for its lease: 30 s)"
    )
    print(
        f"  SQLite, 1 process, the same burst: {len(single.acked)} acknowledged, lost {len(single.lost)}, "
        f"posted twice {single.twice} of {single.posted}"
    )
    print(
        f"    ack p50 {single.p50:.1f} ms, p99 {single.p99:.1f} ms; all applied and sent in {single.drained_s:.1f} s"
        f" ({len(single.acked) / single.drained_s:.0f} reports/s)"
    )
    print(
        f"  ratio PostgreSQL/SQLite: p50 {several.p50 / single.p50:.2f}, p99 {several.p99 / single.p99:.2f} "
        f"-> {'OK' if not several.lost and not several.twice else 'FAILED'}"
    )
    print(
        "  PostgreSQL rows after the burst (bytes per row, indexes included): "
        + ", ".join(f"{t} {n} ({b:.0f} B)" for t, (n, b) in sizes.items())
    )
    return figures


def main() -> dict[str, float]:
    return asyncio.run(main_async())


if __name__ == "__main__":
    main()

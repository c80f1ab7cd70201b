"""The feed endpoint under concurrent load, against the same bytes as a static file.

One process serves both (the namndbot feed route and aiohttp's static file
handler, same app); a second process on loopback generates the load, with
keep-alive connections. Full responses and 304s (If-None-Match), each for a
fixed time, alternating feed and static, best of three rounds.

    .venv/bin/python -m bench.feeds

Targets (issue 3): feed >= 0.5x static for full responses, >= 1.0x for 304s.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import ClientSession, web

from namndbot.calendar.web import add_routes
from namndbot.services import NamndService
from namndbot.services.feeds import FeedService
from namndbot.storage import Database

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SECONDS = 3.0
CONNECTIONS = 32


async def load(port: int, path: str, headers: list[str]) -> float:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.loadgen",
        "127.0.0.1",
        str(port),
        path,
        str(SECONDS),
        str(CONNECTIONS),
        *headers,
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    result = json.loads(out)
    expected = "304" if headers else "200"
    assert set(result["statuses"]) == {expected}, result
    return result["requests"] / result["seconds"]


async def main_async() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database(Path(tmp) / "bench.sqlite3").connect()
        namnd = NamndService(db, lambda: datetime(2019, 11, 27, 9, tzinfo=UTC))
        await namnd.import_roster((DATA / "amn-2019-11.toml").read_text(encoding="utf-8"), "bench")
        from namndbot.services.schedule import import_schedule

        await import_schedule(
            namnd, "AMN", (DATA / "amn-protokoll-2019-11-26.txt").read_text(encoding="utf-8"), actor="bench"
        )
        app = web.Application()
        add_routes(app, FeedService(namnd))
        static_dir = Path(tmp) / "static"
        static_dir.mkdir()
        runner = web.AppRunner(app, access_log=None)
        # the same bytes, as a file
        app.router.add_static("/static/", static_dir)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        async with ClientSession(headers={"Accept-Encoding": "identity"}) as http:
            async with http.get(f"http://127.0.0.1:{port}/kalender/AMN.ics") as r:
                body = await r.read()
                feed_etag = r.headers["ETag"]
            (static_dir / "AMN.ics").write_bytes(body)
            async with http.get(f"http://127.0.0.1:{port}/static/AMN.ics") as r:
                assert await r.read() == body
                static_etag = r.headers["ETag"]
        best: dict[str, float] = {}
        for _ in range(3):
            for name, path, headers in (
                ("feed_full", "/kalender/AMN.ics", []),
                ("static_full", "/static/AMN.ics", []),
                ("feed_304", "/kalender/AMN.ics", [f"If-None-Match: {feed_etag}"]),
                ("static_304", "/static/AMN.ics", [f"If-None-Match: {static_etag}"]),
            ):
                best[name] = max(best.get(name, 0.0), await load(port, path, headers))
        await runner.cleanup()
        await db.close()
    full = best["feed_full"] / best["static_full"]
    not_modified = best["feed_304"] / best["static_304"]
    print(
        f"feed endpoint vs static file, {len(body)} bytes, {CONNECTIONS} keep-alive connections, "
        f"{SECONDS:.0f} s per run, best of 3 (load from a second process on loopback)"
    )
    print(
        f"  full responses: feed {best['feed_full']:.0f} req/s, static {best['static_full']:.0f} req/s, "
        f"ratio {full:.2f} (target >= 0.50) -> {'OK' if full >= 0.5 else 'BELOW TARGET'}"
    )
    print(
        f"  304 responses:  feed {best['feed_304']:.0f} req/s, static {best['static_304']:.0f} req/s, "
        f"ratio {not_modified:.2f} (target >= 1.00) -> {'OK' if not_modified >= 1.0 else 'BELOW TARGET'}"
    )
    return {**best, "ratio_full": full, "ratio_304": not_modified}


def main() -> dict[str, float]:
    return asyncio.run(main_async())


if __name__ == "__main__":
    main()

"""``/healthz``: 200 with the figures while the bot can do its work, 503 with the reasons when not.

Unhealthy when the database can't be written (a real write is tried, at most
every :data:`PROBE_EVERY` seconds, and the bot's own last write counts too),
or when a message has waited in the outbox longer than ten minutes. The
reasons are Swedish sentences for the operator; the figures carry no
personal data.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..storage import Database
from ..storage.health import explain, outbox, probe_write, stuck_reason

PROBE_EVERY = 5.0  # seconds: a flood of /healthz writes no more than this


class Healthz:
    def __init__(self, db: Database, clock: Callable[[], datetime], mode: str) -> None:
        self.db = db
        self.clock = clock
        self.mode = mode
        self._probed_at = -PROBE_EVERY
        self._probe_error: str | None = None

    async def _writable(self) -> str | None:
        """Why the database can't be written, or None."""
        if time.monotonic() - self._probed_at >= PROBE_EVERY:
            self._probed_at = time.monotonic()
            try:
                await probe_write(self.db)
                self._probe_error = None
            except Exception as exc:
                self._probe_error = explain(exc, self.db.path)
        return self._probe_error or self.db.write_failure

    async def report(self) -> tuple[int, dict[str, Any]]:
        now = self.clock()
        reasons: list[str] = []
        body: dict[str, Any] = {"ok": True, "mode": self.mode}
        problem = await self._writable()
        body["database"] = {"writable": problem is None}
        if problem:
            reasons.append(problem)
        try:
            async with self.db.read() as repo:
                state = await outbox(repo.conn, now)
        except Exception as exc:
            reasons.append(explain(exc, self.db.path))
        else:
            body["outbox"] = {
                "waiting": state.waiting,
                "oldest_waiting_seconds": round(state.age(now)),
                "stuck": state.stuck,
                "failed": state.failed,
            }
            stuck = stuck_reason(state, now)
            if stuck:
                reasons.append(stuck)
        if reasons:
            body["ok"] = False
            body["reason"] = " ".join(reasons)
            body["reasons"] = reasons
        return (503 if reasons else 200), body

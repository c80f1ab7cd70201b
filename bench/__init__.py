"""Benchmarks: each prints its figure and the ratio against its baseline or target."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from namndbot.bot.fake_slack import FakeSlack
    from namndbot.settings import Settings


async def count(repo: Any, sql: str, *args: Any) -> int:
    """The one number a ``SELECT count(*) AS n …`` gives (benchmarks look into the tables directly)."""
    row = await repo._one(sql, *args)
    return int(row["n"]) if row is not None else 0


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def settings(path: Path, fake: FakeSlack, secret: str | None = None) -> Settings:
    """A bot in HTTP mode on a free port of 127.0.0.1, its database at ``path``, against ``fake``."""
    from namndbot.settings import Settings

    return Settings(
        NAMNDBOT_DATABASE=str(path),
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_SIGNING_SECRET=secret or secrets.token_hex(16),
        NAMNDBOT_SLACK_API_URL=fake.api_url,
        NAMNDBOT_HOST="127.0.0.1",
        NAMNDBOT_PORT=0,
    )

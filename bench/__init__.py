"""Benchmarks: each prints its figure and the ratio against its baseline or target."""

from typing import Any


async def count(repo: Any, sql: str, *args: Any) -> int:
    """The one number a ``SELECT count(*) AS n …`` gives (benchmarks look into the tables directly)."""
    row = await repo._one(sql, *args)
    return int(row["n"]) if row is not None else 0

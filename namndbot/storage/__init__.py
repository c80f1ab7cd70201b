"""SQLite storage (aiosqlite). Knows the domain's types; knows nothing of Slack."""

from .db import Database

__all__ = ["Database"]

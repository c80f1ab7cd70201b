"""The store: SQLite through aiosqlite (a file), or PostgreSQL through asyncpg (a postgresql:// URL).
Knows the domain's types; knows nothing of Slack. The services don't know which is used."""

from .db import Database, open_database

__all__ = ["Database", "open_database"]

"""Slack workspaces: the app's installations and bots (their tokens), the OAuth flow's states, and
which workspace a committee, a member or a channel belongs to.

Storage knows nothing of Slack's types: installations and bots come and go as plain dicts (the
JSON of slack_sdk's models, made and read in ``bot/installations.py``).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from .repository import Repository, iso


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, default=lambda v: v.isoformat() if isinstance(v, datetime) else str(v))


async def save_installation(
    repo: Repository, enterprise_id: str, team_id: str, user_id: str, installed_at: datetime, data: dict[str, Any]
) -> None:
    await repo._run(
        "INSERT INTO slack_installation (enterprise_id, team_id, user_id, installed_at, data) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (enterprise_id, team_id, user_id)"
        " DO UPDATE SET installed_at = excluded.installed_at, data = excluded.data",
        enterprise_id,
        team_id,
        user_id,
        iso(installed_at),
        _json(data),
    )


async def save_bot(
    repo: Repository,
    enterprise_id: str,
    team_id: str,
    team_name: str | None,
    bot_token: str,
    bot_user_id: str | None,
    installed_at: datetime,
    data: dict[str, Any],
) -> None:
    await repo._run(
        "INSERT INTO slack_bot (enterprise_id, team_id, team_name, bot_token, bot_user_id, installed_at, data)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (enterprise_id, team_id) DO UPDATE SET team_name = excluded.team_name,"
        " bot_token = excluded.bot_token, bot_user_id = excluded.bot_user_id,"
        " installed_at = excluded.installed_at, data = excluded.data",
        enterprise_id,
        team_id,
        team_name,
        bot_token,
        bot_user_id,
        iso(installed_at),
        _json(data),
    )


async def find_bot(repo: Repository, enterprise_id: str, team_id: str) -> dict[str, Any] | None:
    row = await repo._one("SELECT data FROM slack_bot WHERE enterprise_id = ? AND team_id = ?", enterprise_id, team_id)
    return json.loads(row["data"]) if row else None


async def find_installation(
    repo: Repository, enterprise_id: str, team_id: str, user_id: str | None
) -> dict[str, Any] | None:
    """The installer's own installation, or without ``user_id`` the workspace's latest."""
    if user_id:
        row = await repo._one(
            "SELECT data FROM slack_installation WHERE enterprise_id = ? AND team_id = ? AND user_id = ?",
            enterprise_id,
            team_id,
            user_id,
        )
    else:
        row = await repo._one(
            "SELECT data FROM slack_installation WHERE enterprise_id = ? AND team_id = ?"
            " ORDER BY installed_at DESC LIMIT 1",
            enterprise_id,
            team_id,
        )
    return json.loads(row["data"]) if row else None


async def delete_bot(repo: Repository, enterprise_id: str, team_id: str) -> None:
    await repo._run("DELETE FROM slack_bot WHERE enterprise_id = ? AND team_id = ?", enterprise_id, team_id)


async def delete_installation(repo: Repository, enterprise_id: str, team_id: str, user_id: str | None) -> None:
    if user_id:
        await repo._run(
            "DELETE FROM slack_installation WHERE enterprise_id = ? AND team_id = ? AND user_id = ?",
            enterprise_id,
            team_id,
            user_id,
        )
    else:
        await repo._run(
            "DELETE FROM slack_installation WHERE enterprise_id = ? AND team_id = ?", enterprise_id, team_id
        )


async def installed(repo: Repository) -> list[tuple[str, str | None]]:
    """``(team id, team name)`` of every workspace with a bot token."""
    rows = await repo._all("SELECT team_id, team_name FROM slack_bot ORDER BY team_id")
    return [(r["team_id"], r["team_name"]) for r in rows]


# -- OAuth states ------------------------------------------------------------------------------
async def issue_state(repo: Repository, state: str, expires_at: datetime, now: datetime) -> None:
    """A new state; those expired are cleared out on the way (each visit to /slack/install makes one)."""
    await repo._run("DELETE FROM oauth_state WHERE expires_at < ?", iso(now))
    await repo._run("INSERT INTO oauth_state (state, expires_at) VALUES (?, ?)", state, iso(expires_at))


async def live_states(repo: Repository, now: datetime) -> int:
    """How many states are issued and not yet expired."""
    row = await repo._one("SELECT count(*) AS n FROM oauth_state WHERE expires_at >= ?", iso(now))
    return int(row["n"]) if row else 0


async def consume_state(repo: Repository, state: str, now: datetime) -> bool:
    """True once for a state issued and not expired; expired states are cleared out on the way."""
    row = await repo._one("SELECT expires_at FROM oauth_state WHERE state = ?", state)
    await repo._run("DELETE FROM oauth_state WHERE state = ? OR expires_at < ?", state, iso(now))
    return row is not None and datetime.fromisoformat(row["expires_at"]) >= now


# -- which workspace ---------------------------------------------------------------------------
async def members_to_link(repo: Repository) -> list[tuple[int, str, str | None]]:
    """``(member id, email, the committee's workspace)`` of active members with an email and no Slack
    id yet: each is looked up in its own committee's workspace."""
    rows = await repo._all(
        "SELECT m.id, m.email, c.workspace FROM member m JOIN committee c ON c.id = m.committee_id"
        " WHERE m.retired_at IS NULL AND m.email IS NOT NULL AND m.slack IS NULL AND m.slack_lookup IS NULL"
    )
    return [(r["id"], r["email"], r["workspace"]) for r in rows]


async def user_of_dm_channel(repo: Repository, channel: str) -> str | None:
    # "user" quoted: a reserved word in PostgreSQL.
    row = await repo._one('SELECT "user" AS slack_user FROM dm_channel WHERE channel = ?', channel)
    return row["slack_user"] if row else None

"""Test support for the Slack side: the AMN roster with Slack ids, the fake Slack, the real bot."""

from __future__ import annotations

import re
import secrets
from contextlib import asynccontextmanager
from pathlib import Path

from namndbot.bot.fake_slack import FakeSlack
from namndbot.bot.fake_slack_user import SlackUser
from namndbot.bot.server import Mode, start
from namndbot.domain.roster_file import parse_roster
from namndbot.settings import Settings

from . import postgresql
from .conftest import AMN_TOML

SECRETARY = "U0SEKR0001"
SECRETARIES_CHANNEL = "C0SEKRETER"
COMMITTEE_CHANNEL = "C0AMNKANAL"


def slack_id(name: str) -> str:
    """A stable fake Slack id per person: U + the initials + a number."""
    letters = re.sub(
        r"[^A-Z]", "", name.upper().replace("Å", "A").replace("Ä", "A").replace("Ö", "O").replace("É", "E")
    )[:6]
    return f"U{letters}{sum(map(ord, name)) % 1000:03d}"


def amn_with_slack(*, emails_only: tuple[str, ...] = (), extra: str = "") -> str:
    """The AMN roster with a Slack id for everyone (or an email, for ``emails_only``)."""
    text = AMN_TOML.read_text(encoding="utf-8")

    def add(m: re.Match) -> str:
        name = m.group(1)
        if name == "Arbetsmarknadsnämnden":
            return m.group(0)
        if name in emails_only:
            return f'{m.group(0)}\nemail = "{name.split()[0].lower()}@example.se"'
        return f'{m.group(0)}\nslack = "{slack_id(name)}"'

    text = re.sub(r'^name = "([^"]+)"$', add, text, flags=re.M)
    text = text.replace(
        'default_start = "16:00"',
        f'default_start = "16:00"\nchannel = "{COMMITTEE_CHANNEL}"\n'
        f'secretaries = ["{SECRETARY}"]\nsecretaries_channel = "{SECRETARIES_CHANNEL}"{extra}',
    )
    return text


@asynccontextmanager
async def running_bot(
    tmp_path: Path,
    clock,
    *,
    socket: bool = False,
    roster: str | None = None,
    fake: FakeSlack | None = None,
    poll: float = 0.2,
    **settings_extra,
):
    fake = fake or FakeSlack()
    await fake.start()
    secret = secrets.token_hex(16)
    database = await postgresql.server().new_database() if postgresql.enabled() else str(tmp_path / "bot.sqlite3")
    settings = Settings(
        NAMNDBOT_DATABASE=database,
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=None if socket else secret,
        SLACK_APP_TOKEN="xapp-test-token" if socket else None,
        NAMNDBOT_SLACK_API_URL=fake.api_url,
        NAMNDBOT_HOST="127.0.0.1",
        NAMNDBOT_PORT=settings_extra.pop("NAMNDBOT_PORT", 0),
        **{"NAMNDBOT_BASE_URL": "https://namnd.example.se", **settings_extra},
    )
    running = await start(settings, clock=clock, mode=Mode(socket=socket), poll=poll)
    await running.bot.namnd.import_roster(roster or amn_with_slack(), "test")
    running.events_url = f"http://127.0.0.1:{running.port}/slack/events"  # type: ignore[attr-defined]
    running.secret = secret  # type: ignore[attr-defined]
    running.fake = fake  # type: ignore[attr-defined]
    try:
        yield running
    finally:
        await running.stop()
        await fake.stop()


# The AMN's ledamöter in seat order, as its roster file names them (reports by many members).
AMN_LEDAMOTER = [m.name for m in parse_roster(AMN_TOML.read_text(encoding="utf-8")).roster.ledamoter]


def buttons(message: dict) -> dict[str, str]:
    """A message's buttons: action id -> value."""
    return {
        e["action_id"]: e["value"]
        for b in (message.get("blocks") or [])
        if b.get("type") == "actions"
        for e in b["elements"]
    }


def user(running, name_or_id: str) -> SlackUser:
    uid = name_or_id if name_or_id.startswith("U") and name_or_id.isupper() else slack_id(name_or_id)
    return SlackUser(running.events_url, running.secret, running.fake, uid)

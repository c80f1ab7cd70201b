"""A rendered feed stays cached until something it shows changes.

Triggers count the changes to every table a feed reads, per committee
(``feed_version``). Reports received, messages queued and sent, events, jobs,
the feeds' own history and another committee's changes leave a feed cached; a
förhinder, also one written by another process, makes it render again.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

from namndbot.calendar.web import FeedCache
from namndbot.services.feeds import FeedService
from namndbot.storage import Database

# Every table, by whether a feed shows what is in it (a new table must be added to one of them).
SHOWN = {
    "committee",
    "member",
    "meeting",
    "meeting_roster",
    "forhinder",
    "avbojd",
    "assignment",
    "inkallelse",
    "narvarande",
    "justering",
    "audit",  # the SEQUENCE of an event counts the changes the audit recorded
    "feed_token",
}
NOT_SHOWN = {
    "intake",
    "event",
    "outbox",
    "job",
    "summary_message",
    "dm_channel",
    "skrivelse",
    "inbox_file",
    "vakans_larm",
    "feed_state",
    "feed_event_state",
    "feed_version",
    "hemlighet",  # the key that signs e-mailed answer links
    "inbjudan",  # invitations mailed: the feeds are read to make them, never the other way
    "slack_installation",
    "slack_bot",
    "oauth_state",
    "slack_event",
}
NOW = datetime(2019, 11, 20, 9, 0, tzinfo=UTC)
OTHER = (
    '[committee]\nname = "Kulturnämnden"\nshort = "KUN"\ndefault_start = "17:00"\n\n'
    '[[ledamot]]\nname = "Kim Kultur"\nparty = "S"\n'
)


async def test_every_table_is_classified_and_the_shown_ones_have_triggers(db: Database):
    async with db.read() as repo:
        if db.dialect == "postgresql":  # the same schema; schema_version stands in for PRAGMA user_version
            tables = {
                r[0]
                for r in await repo._all(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                    " AND table_name != 'schema_version'"
                )
            }
            found = "SELECT DISTINCT event_object_table, trigger_name FROM information_schema.triggers"
        else:
            tables = {
                r[0]
                for r in await repo._all(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                )
            }
            found = "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"
        triggers = {(t, n) for t, n in await repo._all(found)}
    assert tables == SHOWN | NOT_SHOWN, "classify the new table here: does a calendar feed show it?"
    for table in SHOWN:
        for op in ("insert", "update", "delete"):
            assert (table, f"feed_{table}_{op}") in triggers
    assert not {t for t, n in triggers if n.startswith("feed_")} & NOT_SHOWN  # (PostgreSQL: intake_arrived NOTIFYs)


async def test_feed_caches_stay_valid_after_unrelated_commits(amn_service):
    db = amn_service.db
    await amn_service.import_roster(OTHER, "test")
    feeds = FeedService(amn_service)
    member, token, _ = await feeds.token("AMN", "Fredrik Lindstål", actor="test")
    cache = FeedCache(feeds, recheck=0.0)
    personal, public = f"p:{token}", "c:AMN"
    first = {k: await cache.get(k) for k in (personal, public)}
    assert cache.renders == 2 and first[personal].feed is not None

    # Unrelated: a report received, an event, messages queued and sent, a job planned and done,
    # another committee's meeting and förhinder, the feeds' own history.
    async with db.transaction() as repo:
        await repo.add_intake([("k1", "forhinder_add", "U1", {"x": 1})], NOW)
        await repo.add_event(NOW, "intake_klar", text="ok")
        out = await repo.enqueue(NOW, "dm", "U1", {"text": "hej"})
        assert out is not None
        await repo.outbox_sent(out, NOW, "D1", "1.1")
        await repo.put_job("test:1", "paminnelse", NOW, committee_id=None, meeting_id=None)
        await repo.finish_job((await repo.job("test:1")).id, "done", NOW)
    await amn_service.add_meeting("KUN", date(2019, 12, 3), actor="test")
    await amn_service.add_forhinder("KUN", date(2019, 12, 3), "Kim Kultur", actor="test")
    again = {k: await cache.get(k) for k in (personal, public)}
    assert cache.renders == 2, "an unrelated commit threw a cached feed away"
    assert all(again[k] is first[k] for k in again)

    # Related: the member's förhinder, through this process.
    await amn_service.add_forhinder("AMN", date(2019, 11, 26), "Fredrik Lindstål", actor="test")
    changed = await cache.get(personal)
    assert cache.renders == 3 and changed.etag != first[personal].etag

    # Related, by another process (the CLI): seen too.
    if db.dialect == "postgresql":
        import asyncpg

        other = await asyncpg.connect(db.url)
        await other.execute("DELETE FROM forhinder")
        await other.close()
    else:
        conn = sqlite3.connect(db.path)
        conn.execute("DELETE FROM forhinder")
        conn.commit()
        conn.close()
    await cache.get(personal)
    assert cache.renders == 4

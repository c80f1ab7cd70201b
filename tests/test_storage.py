"""SQLite done carefully: migrations, pragmas, transactions and the audit log."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from namndbot.domain.errors import NamndbotError
from namndbot.storage import Database
from namndbot.storage.db import DatabaseError, migrations

from .conftest import sqlite_only


async def test_migrations_are_versioned_and_applied_once(tmp_path):
    path = tmp_path / "a.sqlite3"
    async with Database(path) as db:
        assert await db.schema_version() == len(migrations())
    async with Database(path) as db:  # opening again applies nothing new
        assert await db.schema_version() == len(migrations())


@sqlite_only("its pragmas")
async def test_pragmas(db):
    async def pragma(name):
        async with db.conn.execute(f"PRAGMA {name}") as cur:
            return (await cur.fetchone())[0]

    assert await pragma("journal_mode") == "wal"
    assert await pragma("foreign_keys") == 1
    assert await pragma("busy_timeout") == 5000


async def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new.sqlite3"
    async with Database(path) as db:
        await db.conn.execute("PRAGMA user_version = 999")
    with pytest.raises(DatabaseError, match="nyare version"):
        await Database(path).connect()


async def test_a_failed_unit_of_work_leaves_nothing(amn_service, db):
    before = await _dump(db)
    with pytest.raises(RuntimeError):
        async with db.transaction() as repo:
            await repo.audit(amn_service.clock(), "test", "half-done")
            raise RuntimeError("boom")
    assert await _dump(db) == before


async def test_foreign_keys_are_enforced(db):
    import sqlite3

    import asyncpg

    with pytest.raises((sqlite3.IntegrityError, asyncpg.ForeignKeyViolationError)):
        async with db.transaction() as repo:
            await repo._run(
                "INSERT INTO forhinder (meeting_id, member_id, created_at, created_by) VALUES (999, 999, 'x', 'y')"
            )


async def test_every_change_to_forhinder_and_assignments_is_audited(amn_service, db, clock):
    day = date(2019, 11, 26)
    await amn_service.add_forhinder("AMN", day, "Andrea Ström", actor="U-SEKRETERARE")
    clock.advance(minutes=5)
    await amn_service.decline("AMN", day, "Börje Häggman", actor="U-HAGGMAN")
    clock.advance(minutes=5)
    await amn_service.remove_forhinder("AMN", day, "Andrea Ström", actor="U-STROM")
    async with db.read() as repo:
        meeting = await repo.meeting(1, day)
        log = await repo.audit_log(meeting_id=meeting.id)
    got = [(e.actor, e.action, e.detail.get("member")) for e in log if e.action != "meeting_add"]
    assert got == [
        ("U-SEKRETERARE", "forhinder_add", "Andrea Ström"),
        ("U-SEKRETERARE", "inkallad", "Börje Häggman"),
        ("U-HAGGMAN", "ersattare_decline", "Börje Häggman"),
        ("U-HAGGMAN", "inkallad", "Arslan Bicen"),
        ("U-HAGGMAN", "entledigad", "Börje Häggman"),
        ("U-STROM", "forhinder_remove", "Andrea Ström"),
        ("U-STROM", "entledigad", "Arslan Bicen"),
    ]
    assert [e.at for e in log][-1] == clock.now
    # No reason for an absence is asked for or stored anywhere.
    assert all("reason" not in e.detail or e.action == "inkallad" for e in log)


async def test_concurrent_units_of_work_do_not_interleave(amn_service):
    day = date(2019, 11, 26)
    names = ["Andrea Ström", "Johan Paccamonti", "Jennyfer Redin", "Tom Hedrup", "Jessica Sjönell"]
    await asyncio.gather(*(amn_service.add_forhinder("AMN", day, n, actor="t") for n in names))
    result = await amn_service.narvaro("AMN", day)
    assert len(result.plan.assignments) == 5
    served = [a.ersattare for a in result.plan.assignments]
    assert len(set(served)) == 5


async def test_service_errors_are_swedish(amn_service):
    with pytest.raises(NamndbotError, match="Nämnden ”KS” finns inte"):
        await amn_service.narvaro("KS", date(2019, 11, 26))


async def _dump(db) -> list:
    rows = []
    for table in ("committee", "member", "meeting", "forhinder", "avbojd", "assignment", "inkallelse", "audit"):
        async with db.read() as repo:
            rows.append([tuple(r) for r in await repo._all(f"SELECT * FROM {table} ORDER BY 1")])
    return rows

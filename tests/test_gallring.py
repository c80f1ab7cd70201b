"""Gallring (GDPR art. 5.1 e) and registerutdrag (art. 15): through the CLI and the running bot."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, date, datetime, timedelta

from namndbot.services.gallring import GALLRING, months_before
from namndbot.services.utdrag import utdrag
from namndbot.storage import Database
from namndbot.storage.gallring import COLUMNS, GALLRAS, KINDS

from .conftest import Clock
from .slack_support import amn_with_slack, running_bot, user

OLD = "2019-11-26"


async def test_every_column_is_classified(tmp_path):
    """A new table or column must say whether it holds personal data and what gallring does with it."""
    async with Database(tmp_path / "x.sqlite3") as db:
        async with db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cur:
            tables = [r[0] for r in await cur.fetchall() if not r[0].startswith("sqlite_")]
        columns = set()
        for t in tables:
            async with db.conn.execute(f"PRAGMA table_info({t})") as cur:
                columns |= {f"{t}.{r[1]}" for r in await cur.fetchall()}
    assert columns - COLUMNS.keys() == set(), "classify these in storage/gallring.py COLUMNS"
    assert COLUMNS.keys() - columns == set(), "these are no longer in the schema"
    # Every table with a column to be deleted has a kind that deletes from it.
    gallras = {c.split(".")[0] for c, how in COLUMNS.items() if how == GALLRAS}
    assert gallras <= {k.table for k in KINDS}


def test_months_before():
    assert months_before(date(2026, 12, 1), 24) == date(2024, 12, 1)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


async def _count_in(db, sql: str) -> int:
    async with db.read() as repo:
        row = await repo._one(sql)
    return int(row[0])


def _count(db_path, sql: str) -> int:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def test_gallra_and_utdrag_through_the_cli(amn_cli):
    soon = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    amn_cli.ok("meeting", "add", "--committee", "AMN", soon, "--paragraphs", "12", "--location", "Rum 1")
    for day in (OLD, soon):
        amn_cli.ok("forhinder", "add", "--committee", "AMN", "--meeting", day, "Martin Westmont")
    amn_cli.ok("ersattare", "decline", "--committee", "AMN", "--meeting", OLD, "Mattias Mårdenfjord")
    amn_cli.ok("kalender", "token", "--committee", "AMN", "Martin Westmont")
    amn_cli.ok("kalender", "token", "--committee", "AMN", "Martin Westmont", "--rotate")

    out = amn_cli.ok("utdrag", "westmont", "--format", "json")
    before = json.loads(out)
    assert before["namn"] == "Martin Westmont"
    assert {f["sammantrade"] for f in before["forhinder"]} == {f"AMN {OLD}", f"AMN {soon}"}
    assert len(before["kalenderlankar"]) == 2
    for link in before["kalenderlankar"]:
        assert "…" in link["token"] and len(link["token"]) < 20  # masked
    assert any(a["handelse"] == "forhinder_add" for a in before["granskningslogg"])
    assert before["roster"][0]["parti"] == "SD"
    # The call-in of his ersättare names him: it is his data too.
    assert any(e["sort"] == "inkallad" for e in before["handelser"])

    # A member who left the committee long ago, and one who left yesterday.
    conn = sqlite3.connect(amn_cli.db_path)
    conn.execute(
        "UPDATE member SET retired_at = '2019-12-31T12:00:00.000000+00:00', slack = 'U0GAMMAL01',"
        " email = 'gammal@example.se' WHERE name = 'Börje Häggman'"
    )
    yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat(timespec="microseconds")
    conn.execute(
        "UPDATE member SET retired_at = ?, email = 'nyss@example.se' WHERE name = 'Salar Rashid'", (yesterday,)
    )
    conn.commit()
    conn.close()

    dump = amn_cli.dump()
    out = amn_cli.ok("gallra", "--dry-run")
    assert "provkörning" in out and "förhinder: 1" in out
    assert amn_cli.dump() == dump  # a dry run changes nothing

    out = amn_cli.ok("gallra")
    assert "förhinder: 1" in out and "inkallelser och svar: " in out
    assert "avböjda och obesvarade inkallelser: 1" in out
    db = amn_cli.db_path
    of = "SELECT count(*) FROM {} t JOIN meeting m ON m.id = t.meeting_id WHERE m.date = '{}'"
    assert _count(db, of.format("forhinder", OLD)) == 0
    assert _count(db, of.format("forhinder", soon)) == 1
    for table in ("inkallelse", "avbojd", "assignment"):
        assert _count(db, of.format(table, OLD)) == 0
    # Its events too, though no bot ever ran to tell them (the CLI alone was used here).
    assert _count(db, of.format("event", OLD)) == 0
    assert _count(db, of.format("event", soon)) > 0
    conn = sqlite3.connect(db)
    left = dict(conn.execute("SELECT name, coalesce(slack, '') || coalesce(email, '') FROM member").fetchall())
    conn.close()
    assert left["Börje Häggman"] == "" and left["Salar Rashid"] == "nyss@example.se"
    # The meeting itself stays, with its paragraphs.
    assert _count(db, f"SELECT paragraphs FROM meeting WHERE date = '{OLD}'") == 16
    # No audit row of the old meeting names a person or who did it.
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT actor, action, member_id, detail FROM audit"
        f" WHERE meeting_id = (SELECT id FROM meeting WHERE date = '{OLD}')"
    ).fetchall()
    conn.close()
    assert rows and all(r[0] == "gallrad" and r[2] is None and "Westmont" not in r[3] for r in rows)

    after = json.loads(amn_cli.ok("utdrag", "Martin Westmont", "--format", "json"))
    assert [f["sammantrade"] for f in after["forhinder"]] == [f"AMN {soon}"]
    assert len(after["kalenderlankar"]) == 2  # revoked today: not old yet

    conn = sqlite3.connect(db)
    ((actor, detail),) = conn.execute("SELECT actor, detail FROM audit WHERE action = 'gallring'").fetchall()
    conn.close()
    assert actor.startswith("cli") and json.loads(detail)["antal"]["förhinder"] == 1  # the record of it

    again = amn_cli.ok("gallra")
    assert "Gallrat: 0 rader" in again

    text = amn_cli.ok("utdrag", "Martin Westmont")
    assert text.startswith("Registerutdrag för Martin Westmont")
    assert "Förhinder (1)" in text


def test_gallra_and_utdrag_errors(amn_cli):
    code, _, err = amn_cli("utdrag", "Ingen Sådan")
    assert code == 2 and "Ingen Sådan" in err
    code, _, err = amn_cli("gallra", "--manader", "0")
    assert code == 2 and "positivt heltal" in err
    code, _, err = amn_cli("utdrag", "Johan")
    assert code == 2 and "flera" in err


def test_an_extract_is_of_one_person_not_of_everyone_with_the_name(amn_cli, tmp_path):
    """Another committee (another municipality, hosted on the same service) has a Martin Westmont
    of another party: his förhinder is not in the AMN Martin Westmont's extract, and without
    --committee the extract is refused, naming both."""
    other = tmp_path / "solna.toml"
    other.write_text(
        '[committee]\nname = "Solna kommunstyrelse"\nshort = "SOKS"\n\n'
        '[[ledamot]]\nname = "Martin Westmont"\nparty = "M"\n\n[[ledamot]]\nname = "Eva Ek"\nparty = "S"\n\n'
        '[[ersattare]]\nname = "Per Pil"\nparty = "M"\n',
        encoding="utf-8",
    )
    amn_cli.ok("roster", "import", str(other))
    amn_cli.ok("meeting", "add", "--committee", "SOKS", OLD)
    amn_cli.ok("forhinder", "add", "--committee", "SOKS", "--meeting", OLD, "Martin Westmont")
    code, _, err = amn_cli("utdrag", "Martin Westmont")
    assert code == 2, err
    assert "Martin Westmont (SD) i AMN, Martin Westmont (M) i SOKS" in err and "--committee" in err, err
    amn = json.loads(amn_cli.ok("utdrag", "Martin Westmont", "--committee", "AMN", "--format", "json"))
    assert [r["namnd"] for r in amn["roster"]] == ["AMN"]
    assert not [f for f in amn["forhinder"] if f["sammantrade"].startswith("SOKS")]
    assert not [e for e in amn["handelser"] + amn["granskningslogg"] if "SOKS" in json.dumps(e)]
    soks = json.loads(amn_cli.ok("utdrag", "westmont", "--committee", "soks", "--format", "json"))
    assert [f["sammantrade"] for f in soks["forhinder"]] == [f"SOKS {OLD}"]
    code, _, err = amn_cli("utdrag", "Martin Westmont", "--committee", "KS")
    assert code == 2 and "finns inte i rostern för KS" in err, err


async def test_the_bot_gallrar_once_a_day(tmp_path):
    clock = Clock(datetime(2019, 11, 20, 9, 0, tzinfo=UTC))
    async with running_bot(tmp_path, clock, roster=amn_with_slack()) as running:
        bot = running.bot
        await bot.namnd.add_meeting("AMN", date(2019, 11, 26), paragraphs=16, actor="test")
        u = user(running, "Martin Westmont")
        status, _ = await u.post(u.slash_body("förhinder 26 november"), "application/x-www-form-urlencoded")
        assert status == 200
        await bot.settled()
        db = bot.db
        assert await _count_in(db, "SELECT count(*) FROM forhinder") == 1
        assert await _count_in(db, f"SELECT count(*) FROM job WHERE kind = '{GALLRING}' AND status = 'pending'") == 1
        assert await _count_in(db, "SELECT count(*) FROM outbox WHERE status = 'sent'") > 0

        # The extract shows the messages sent to him, and no secret: no feed token, no response_url path.
        found = await utdrag(bot.db, "Martin Westmont", clock)
        shown = json.dumps(found.as_dict(), ensure_ascii=False, default=str)
        async with db.read() as repo:
            tokens = [r[0] for r in await repo._all("SELECT token FROM feed_token")]
        assert found.sections["anmalningar"] and found.sections["meddelanden"] is not None
        assert tokens and not any(t in shown for t in tokens)
        assert "/response/" not in shown

        # Two years and a bit later, in the small hours: the job is due and runs once.
        clock.now = datetime(2022, 1, 10, 3, 0, tzinfo=UTC)
        bot.poke()
        await bot.settled()
        for _ in range(100):
            if await _count_in(db, f"SELECT count(*) FROM job WHERE kind = '{GALLRING}' AND status = 'done'") == 1:
                break
            await asyncio.sleep(0.05)
        assert await _count_in(db, "SELECT count(*) FROM forhinder") == 0
        assert await _count_in(db, "SELECT count(*) FROM inkallelse") == 0
        assert await _count_in(db, "SELECT count(*) FROM intake") == 0
        assert await _count_in(db, "SELECT count(*) FROM outbox WHERE status = 'sent'") == 0
        assert await _count_in(db, "SELECT count(*) FROM meeting WHERE date = '2019-11-26'") == 1
        pending = await _count_in(db, f"SELECT count(*) FROM job WHERE kind = '{GALLRING}' AND status = 'pending'")
        assert pending == 1  # tomorrow's
        async with db.read() as repo:
            note, nxt = await repo._one(
                f"SELECT (SELECT note FROM job WHERE kind = '{GALLRING}' AND status = 'done'),"
                f" (SELECT due_at FROM job WHERE kind = '{GALLRING}' AND status = 'pending')"
            )
        assert "förhinder: 1" in note
        assert nxt.startswith("2022-01-11T02:30")  # 03:30 in Stockholm

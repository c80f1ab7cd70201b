"""All SQL lives here. Methods take and return the domain's types."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from typing import Any

import aiosqlite

from ..domain.meeting import Anmalan, Meeting
from ..domain.model import Committee, CommitteeSettings, Member, PartiKontakt, Roster
from ..domain.turordning import Assignment, Rule


def iso(dt: datetime) -> str:
    return dt.isoformat(timespec="microseconds")


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass(frozen=True, slots=True)
class StoredMember:
    id: int
    member: Member
    position: int
    retired_at: datetime | None


@dataclass(frozen=True, slots=True)
class StoredCommittee:
    id: int
    committee: Committee
    turordning: dict[str, tuple[str, ...]]
    partikontakter: tuple[PartiKontakt, ...]
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    detail: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Inkallelse:
    member: str  # key
    status: str  # 'kallad' | 'kommer'
    called_at: datetime
    answered_at: datetime | None


def _roster_to_json(r: Roster) -> dict[str, Any]:
    def person(m: Member) -> dict[str, Any]:
        return {
            "name": m.name,
            "party": m.party,
            "kind": m.kind,
            "role": m.role,
            "slack": m.slack,
            "email": m.email,
            "kontakt": m.kontakt,
            "personliga": list(m.personliga_ersattare),
        }

    c = r.committee
    return {
        "committee": {
            "short": c.short,
            "name": c.name,
            "timezone": c.timezone,
            "default_start": c.default_start.strftime("%H:%M"),
            "channel": c.channel,
            "secretaries": list(c.secretaries),
            "secretaries_channel": c.secretaries_channel,
            "workspace": c.workspace,
            "settings": {**asdict(c.settings), "paminnelser_dagar": list(c.settings.paminnelser_dagar)},
        },
        "ledamoter": [person(m) for m in r.ledamoter],
        "ersattare": [person(m) for m in r.ersattare],
        "turordning": {k: list(v) for k, v in r.turordning.items()},
        "partikontakter": [asdict(k) for k in r.partikontakter],
    }


def _roster_from_json(d: dict[str, Any]) -> Roster:
    def person(p: dict[str, Any]) -> Member:
        return Member(
            name=p["name"],
            party=p["party"],
            kind=p["kind"],
            role=p["role"],
            slack=p.get("slack"),
            email=p.get("email"),
            kontakt=p.get("kontakt"),
            personliga_ersattare=tuple(p.get("personliga", ())),
        )

    c = d["committee"]
    hh, mm = c["default_start"].split(":")
    settings = {**c["settings"], "paminnelser_dagar": tuple(c["settings"]["paminnelser_dagar"])}
    committee = Committee(
        short=c["short"],
        name=c["name"],
        timezone=c["timezone"],
        default_start=time(int(hh), int(mm)),
        channel=c.get("channel"),
        secretaries=tuple(c.get("secretaries", ())),
        secretaries_channel=c.get("secretaries_channel"),
        settings=CommitteeSettings(**settings),
        workspace=c.get("workspace"),
    )
    return Roster(
        committee,
        tuple(person(p) for p in d["ledamoter"]),
        tuple(person(p) for p in d["ersattare"]),
        {k: tuple(v) for k, v in d["turordning"].items()},
        tuple(PartiKontakt(**k) for k in d.get("partikontakter", ())),
    )


INTAKE_CHUNK = 400  # intake rows per INSERT … RETURNING (the intake relies on one chunk being atomic)


class CoreRepository:
    """Committees, members, meetings, förhinder, the plan and the audit log."""

    def __init__(self, conn: aiosqlite.Connection, marks: Any = None) -> None:
        self.conn = conn
        self.marks = marks  # the Database: told when the catalog (committees, members, meetings) changes

    def _catalog_changed(self) -> None:
        if self.marks is not None:
            self.marks.catalog_changes += 1

    async def _one(self, sql: str, *args: Any) -> aiosqlite.Row | None:
        async with self.conn.execute(sql, args) as cur:
            return await cur.fetchone()

    async def _all(self, sql: str, *args: Any) -> list[aiosqlite.Row]:
        async with self.conn.execute(sql, args) as cur:
            return list(await cur.fetchall())

    async def _run(self, sql: str, *args: Any) -> int:
        async with self.conn.execute(sql, args) as cur:
            return cur.lastrowid or 0

    @asynccontextmanager
    async def savepoint(self, name: str = "op") -> AsyncIterator[None]:
        """A step inside the transaction that is undone whole if it raises (the exception goes on)."""
        await self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            await self.conn.execute(f"ROLLBACK TO {name}")
            await self.conn.execute(f"RELEASE {name}")
            raise
        await self.conn.execute(f"RELEASE {name}")

    # -- committees -------------------------------------------------------------
    def _committee(self, row: aiosqlite.Row) -> StoredCommittee:
        settings = json.loads(row["settings"])
        if "paminnelser_dagar" in settings:
            settings["paminnelser_dagar"] = tuple(settings["paminnelser_dagar"])
        hh, mm = row["default_start"].split(":")
        committee = Committee(
            short=row["short"],
            name=row["name"],
            timezone=row["timezone"],
            default_start=time(int(hh), int(mm)),
            channel=row["channel"],
            secretaries=tuple(json.loads(row["secretaries"])),
            secretaries_channel=row["secretaries_channel"],
            settings=CommitteeSettings(**settings),
            workspace=row["workspace"],
        )
        return StoredCommittee(
            id=row["id"],
            committee=committee,
            turordning={k: tuple(v) for k, v in json.loads(row["turordning"]).items()},
            partikontakter=tuple(PartiKontakt(**k) for k in json.loads(row["partikontakter"])),
            updated_at=datetime.fromisoformat(row["updated_at"]),
        )

    async def committee(self, short: str) -> StoredCommittee | None:
        row = await self._one("SELECT * FROM committee WHERE short = ?", short)
        return self._committee(row) if row else None

    async def committee_by_id(self, committee_id: int) -> StoredCommittee:
        row = await self._one("SELECT * FROM committee WHERE id = ?", committee_id)
        assert row is not None
        return self._committee(row)

    async def committees(self) -> list[StoredCommittee]:
        return [self._committee(r) for r in await self._all("SELECT * FROM committee ORDER BY short")]

    async def save_committee(self, roster: Roster, now: datetime) -> int:
        self._catalog_changed()
        c = roster.committee
        values = (
            c.name,
            c.timezone,
            c.default_start.strftime("%H:%M"),
            c.channel,
            c.secretaries_channel,
            json.dumps(list(c.secretaries)),
            json.dumps(asdict(c.settings), ensure_ascii=False),
            json.dumps({k: list(v) for k, v in roster.turordning.items()}, ensure_ascii=False),
            json.dumps([asdict(k) for k in roster.partikontakter], ensure_ascii=False),
            c.workspace,
        )
        existing = await self.committee(c.short)
        if existing is None:
            return await self._run(
                "INSERT INTO committee (short, name, timezone, default_start, channel, secretaries_channel,"
                " secretaries, settings, turordning, partikontakter, workspace, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                c.short,
                *values,
                iso(now),
                iso(now),
            )
        await self._run(
            "UPDATE committee SET name = ?, timezone = ?, default_start = ?, channel = ?,"
            " secretaries_channel = ?, secretaries = ?, settings = ?, turordning = ?, partikontakter = ?,"
            " workspace = ?, updated_at = ? WHERE id = ?",
            *values,
            iso(now),
            existing.id,
        )
        return existing.id

    # -- members -------------------------------------------------------------------
    def _member(self, row: aiosqlite.Row) -> StoredMember:
        return StoredMember(
            id=row["id"],
            member=Member(
                name=row["name"],
                party=row["party"],
                kind=row["kind"],
                role=row["role"],
                slack=row["slack"],
                email=row["email"],
                kontakt=row["kontakt"],
                personliga_ersattare=tuple(json.loads(row["personliga"])),
            ),
            position=row["position"],
            retired_at=_dt(row["retired_at"]),
        )

    async def members(self, committee_id: int, *, include_retired: bool = False) -> list[StoredMember]:
        where = "" if include_retired else " AND retired_at IS NULL"
        rows = await self._all(
            f"SELECT * FROM member WHERE committee_id = ?{where} ORDER BY kind DESC, position", committee_id
        )
        return [self._member(r) for r in rows]

    async def save_member(self, committee_id: int, member: Member, position: int, existing: int | None) -> int:
        self._catalog_changed()
        values = (
            member.name,
            member.party,
            member.kind,
            member.role,
            position,
            member.slack,
            member.email,
            member.kontakt,
            json.dumps(list(member.personliga_ersattare), ensure_ascii=False),
        )
        if existing is None:
            return await self._run(
                "INSERT INTO member (name, party, kind, role, position, slack, email, kontakt, personliga,"
                " committee_id, key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                *values,
                committee_id,
                member.key,
            )
        await self._run(
            "UPDATE member SET name = ?, party = ?, kind = ?, role = ?, position = ?, slack = ?, email = ?,"
            " kontakt = ?, personliga = ?, retired_at = NULL WHERE id = ?",
            *values,
            existing,
        )
        return existing

    async def retire_member(self, member_id: int, now: datetime) -> None:
        self._catalog_changed()
        await self._run("UPDATE member SET retired_at = ? WHERE id = ? AND retired_at IS NULL", iso(now), member_id)

    async def member_ids(self, committee_id: int) -> dict[str, int]:
        rows = await self._all("SELECT key, id FROM member WHERE committee_id = ?", committee_id)
        return {r["key"]: r["id"] for r in rows}

    async def roster_for(self, meeting: Meeting, committee_id: int) -> Roster:
        """The roster a meeting is planned with: its own snapshot once it has one, else the current."""
        row = await self._one("SELECT roster FROM meeting_roster WHERE meeting_id = ?", meeting.id)
        if row is None:
            return await self.roster(committee_id)
        return _roster_from_json(json.loads(row["roster"]))

    async def keep_roster(self, meeting_id: int, roster: Roster, now: datetime) -> bool:
        """Keep ``roster`` as the meeting's own (once: a snapshot is never replaced)."""
        async with self.conn.execute(
            "INSERT INTO meeting_roster (meeting_id, roster, taken_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (meeting_id, json.dumps(_roster_to_json(roster), ensure_ascii=False), iso(now)),
        ) as cur:
            return bool(cur.rowcount)

    async def roster(self, committee_id: int) -> Roster:
        stored = await self.committee_by_id(committee_id)
        members = await self.members(committee_id)
        return Roster(
            committee=stored.committee,
            ledamoter=tuple(m.member for m in members if m.member.kind == "ledamot"),
            ersattare=tuple(m.member for m in members if m.member.kind == "ersattare"),
            turordning=stored.turordning,
            partikontakter=stored.partikontakter,
        )

    # -- meetings --------------------------------------------------------------------
    def _meeting(self, row: aiosqlite.Row, short: str) -> Meeting:
        hh, mm = row["start"].split(":")
        return Meeting(
            committee=short,
            date=date.fromisoformat(row["date"]),
            start=time(int(hh), int(mm)),
            paragraphs=row["paragraphs"],
            location=row["location"],
            note=row["note"],
            status=row["status"],
            uid=row["uid"],
            sequence=row["sequence"],
            updated_at=_dt(row["updated_at"]),
            started_at=_dt(row["started_at"]),
            current_paragraph=row["current_paragraph"],
            id=row["id"],
            first_paragraph=row["first_paragraph"],
        )

    async def meeting(self, committee_id: int, day: date) -> Meeting | None:
        row = await self._one(
            "SELECT m.*, c.short FROM meeting m JOIN committee c ON c.id = m.committee_id"
            " WHERE m.committee_id = ? AND m.date = ?",
            committee_id,
            day.isoformat(),
        )
        return self._meeting(row, row["short"]) if row else None

    async def meeting_by_id(self, meeting_id: int) -> Meeting:
        row = await self._one(
            "SELECT m.*, c.short FROM meeting m JOIN committee c ON c.id = m.committee_id WHERE m.id = ?",
            meeting_id,
        )
        assert row is not None
        return self._meeting(row, row["short"])

    async def meetings(self, committee_id: int, *, start: date | None = None, end: date | None = None) -> list[Meeting]:
        rows = await self._all(
            "SELECT m.*, c.short FROM meeting m JOIN committee c ON c.id = m.committee_id"
            " WHERE m.committee_id = ? AND m.date >= ? AND m.date <= ? ORDER BY m.date",
            committee_id,
            (start or date.min).isoformat(),
            (end or date.max).isoformat(),
        )
        return [self._meeting(r, r["short"]) for r in rows]

    async def insert_meeting(self, committee_id: int, m: Meeting, now: datetime) -> int:
        self._catalog_changed()
        return await self._run(
            "INSERT INTO meeting (committee_id, uid, date, start, paragraphs, first_paragraph, location, note, status,"
            " sequence, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            committee_id,
            m.uid,
            m.date.isoformat(),
            m.start.strftime("%H:%M"),
            m.paragraphs,
            m.first_paragraph,
            m.location,
            m.note,
            m.status,
            m.sequence,
            iso(now),
            iso(now),
        )

    async def update_meeting(self, m: Meeting) -> None:
        """Store ``m``; its ``updated_at`` is the last change the calendar feeds show."""
        self._catalog_changed()
        assert m.updated_at is not None
        await self._run(
            "UPDATE meeting SET date = ?, start = ?, paragraphs = ?, first_paragraph = ?, location = ?, note = ?,"
            " status = ?, sequence = ?, started_at = ?, current_paragraph = ?, updated_at = ? WHERE id = ?",
            m.date.isoformat(),
            m.start.strftime("%H:%M"),
            m.paragraphs,
            m.first_paragraph,
            m.location,
            m.note,
            m.status,
            m.sequence,
            iso(m.started_at) if m.started_at else None,
            m.current_paragraph,
            iso(m.updated_at),
            m.id,
        )

    # -- förhinder and declines -------------------------------------------------------
    async def anmalningar(self, meeting_id: int) -> list[Anmalan]:
        rows = await self._all(
            "SELECT f.*, m.key FROM forhinder f JOIN member m ON m.id = f.member_id"
            " WHERE f.meeting_id = ? ORDER BY f.id",
            meeting_id,
        )
        return [Anmalan(r["key"], r["first"], r["last"], bool(r["jav"]), r["tid"]) for r in rows]

    async def add_forhinder(self, meeting_id: int, member_id: int, a: Anmalan, now: datetime, by: str) -> None:
        await self._run(
            "INSERT INTO forhinder (meeting_id, member_id, first, last, jav, tid, created_at, created_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            meeting_id,
            member_id,
            a.first,
            a.last,
            int(a.jav),
            a.tid,
            iso(now),
            by,
        )

    async def remove_forhinder(
        self, meeting_id: int, member_id: int, *, jav: bool | None = None, only: Anmalan | None = None
    ) -> int:
        """Remove a member's förhinder (all of them, the non-jäv ones, or ``only`` that one)."""
        sql = "DELETE FROM forhinder WHERE meeting_id = ? AND member_id = ?"
        args: list[Any] = [meeting_id, member_id]
        if jav is not None:
            sql += " AND jav = ?"
            args.append(int(jav))
        if only is not None:
            sql += " AND first IS ? AND last IS ? AND jav = ? AND tid IS ?"
            args += [only.first, only.last, int(only.jav), only.tid]
        async with self.conn.execute(sql, args) as cur:
            return cur.rowcount

    async def declined(self, meeting_id: int) -> dict[str, str]:
        rows = await self._all(
            "SELECT m.key, a.kind FROM avbojd a JOIN member m ON m.id = a.member_id WHERE a.meeting_id = ?",
            meeting_id,
        )
        return {r["key"]: r["kind"] for r in rows}

    async def add_decline(self, meeting_id: int, member_id: int, kind: str, now: datetime, by: str) -> None:
        await self._run(
            "INSERT INTO avbojd (meeting_id, member_id, kind, at, by) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (meeting_id, member_id) DO NOTHING",
            meeting_id,
            member_id,
            kind,
            iso(now),
            by,
        )

    # -- the plan ------------------------------------------------------------------
    async def assignments(self, meeting_id: int) -> list[Assignment]:
        rows = await self._all(
            "SELECT a.*, e.key AS e_key, s.key AS s_key FROM assignment a"
            " JOIN member e ON e.id = a.ersattare_id JOIN member s ON s.id = a.seat_id"
            " WHERE a.meeting_id = ? ORDER BY a.id",
            meeting_id,
        )
        return [
            Assignment(r["e_key"], r["s_key"], r["first"], r["last"], Rule(r["rule"]), r["explanation"]) for r in rows
        ]

    async def replace_assignments(self, meeting_id: int, plan: tuple[Assignment, ...], ids: dict[str, int]) -> None:
        await self._run("DELETE FROM assignment WHERE meeting_id = ?", meeting_id)
        await self.conn.executemany(
            "INSERT INTO assignment (meeting_id, ersattare_id, seat_id, first, last, rule, explanation)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(meeting_id, ids[a.ersattare], ids[a.seat], a.first, a.last, a.rule.value, a.explanation) for a in plan],
        )

    async def open_calls(self, meeting_id: int) -> list[tuple[int, str, datetime]]:
        """``(member id, key, called_at)`` of call-ins not yet answered."""
        rows = await self._all(
            "SELECT i.member_id, m.key, i.called_at FROM inkallelse i JOIN member m ON m.id = i.member_id"
            " WHERE i.meeting_id = ? AND i.status = 'kallad'",
            meeting_id,
        )
        return [(r["member_id"], r["key"], datetime.fromisoformat(r["called_at"])) for r in rows]

    async def inkallelser(self, meeting_id: int) -> dict[str, Inkallelse]:
        rows = await self._all(
            "SELECT i.*, m.key FROM inkallelse i JOIN member m ON m.id = i.member_id WHERE i.meeting_id = ?",
            meeting_id,
        )
        return {
            r["key"]: Inkallelse(r["key"], r["status"], datetime.fromisoformat(r["called_at"]), _dt(r["answered_at"]))
            for r in rows
        }

    async def call_in(self, meeting_id: int, member_id: int, now: datetime) -> None:
        await self._run(
            "INSERT INTO inkallelse (meeting_id, member_id, status, called_at) VALUES (?, ?, 'kallad', ?)"
            " ON CONFLICT (meeting_id, member_id) DO NOTHING",
            meeting_id,
            member_id,
            iso(now),
        )

    async def release(self, meeting_id: int, member_id: int) -> None:
        await self._run("DELETE FROM inkallelse WHERE meeting_id = ? AND member_id = ?", meeting_id, member_id)

    async def answer(self, meeting_id: int, member_id: int, now: datetime) -> None:
        await self._run(
            "UPDATE inkallelse SET status = 'kommer', answered_at = ? WHERE meeting_id = ? AND member_id = ?",
            iso(now),
            meeting_id,
            member_id,
        )

    async def present(self, meeting_id: int) -> dict[str, int]:
        rows = await self._all(
            "SELECT m.key, n.since FROM narvarande n JOIN member m ON m.id = n.member_id WHERE n.meeting_id = ?",
            meeting_id,
        )
        return {r["key"]: r["since"] for r in rows}

    async def add_present(self, meeting_id: int, member_id: int, since: int) -> None:
        await self._run(
            "INSERT INTO narvarande (meeting_id, member_id, since) VALUES (?, ?, ?)"
            " ON CONFLICT (meeting_id, member_id) DO NOTHING",
            meeting_id,
            member_id,
            since,
        )

    # -- audit ------------------------------------------------------------------------
    async def audit(
        self,
        now: datetime,
        actor: str,
        action: str,
        *,
        committee_id: int | None = None,
        meeting_id: int | None = None,
        member_id: int | None = None,
        **detail: Any,
    ) -> None:
        await self._run(
            "INSERT INTO audit (at, actor, action, committee_id, meeting_id, member_id, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            iso(now),
            actor,
            action,
            committee_id,
            meeting_id,
            member_id,
            json.dumps(detail, ensure_ascii=False, default=str),
        )

    async def member_changes(self, member_id: int) -> dict[int, tuple[int, datetime]]:
        """Per meeting: how many audited changes concern this member, and the latest one's time."""
        rows = await self._all(
            "SELECT meeting_id, count(*) AS n, max(at) AS latest FROM audit"
            " WHERE member_id = ? AND meeting_id IS NOT NULL GROUP BY meeting_id",
            member_id,
        )
        return {r["meeting_id"]: (r["n"], datetime.fromisoformat(r["latest"])) for r in rows}

    # -- personal feed tokens --------------------------------------------------------
    async def feed_token(self, member_id: int) -> str | None:
        row = await self._one("SELECT token FROM feed_token WHERE member_id = ? AND revoked_at IS NULL", member_id)
        return row["token"] if row else None

    async def new_feed_token(self, member_id: int, token: str, now: datetime) -> None:
        await self._run(
            "UPDATE feed_token SET revoked_at = ? WHERE member_id = ? AND revoked_at IS NULL", iso(now), member_id
        )
        await self._run(
            "INSERT INTO feed_token (token, member_id, created_at) VALUES (?, ?, ?)", token, member_id, iso(now)
        )

    async def member_by_feed_token(self, token: str) -> tuple[int, int] | None:
        """``(committee_id, member_id)`` for an active token of an active member."""
        row = await self._one(
            "SELECT m.committee_id, m.id FROM feed_token t JOIN member m ON m.id = t.member_id"
            " WHERE t.token = ? AND t.revoked_at IS NULL AND m.retired_at IS NULL",
            token,
        )
        return (row["committee_id"], row["id"]) if row else None

    async def member_by_id(self, member_id: int) -> StoredMember:
        row = await self._one("SELECT * FROM member WHERE id = ?", member_id)
        assert row is not None
        return self._member(row)

    async def audit_log(self, *, meeting_id: int | None = None, committee_id: int | None = None) -> list[AuditEntry]:
        if meeting_id is not None:
            rows = await self._all("SELECT * FROM audit WHERE meeting_id = ? ORDER BY id", meeting_id)
        elif committee_id is not None:
            rows = await self._all("SELECT * FROM audit WHERE committee_id = ? ORDER BY id", committee_id)
        else:
            rows = await self._all("SELECT * FROM audit ORDER BY id")
        return [
            AuditEntry(datetime.fromisoformat(r["at"]), r["actor"], r["action"], json.loads(r["detail"])) for r in rows
        ]


@dataclass(frozen=True, slots=True)
class IntakeRow:
    id: int
    received_at: datetime
    kind: str
    actor: str
    payload: dict[str, Any]
    status: str
    result: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class EventRow:
    id: int
    at: datetime
    kind: str
    committee_id: int | None
    meeting_id: int | None
    member_id: int | None
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    created_at: datetime
    kind: str
    target: str | None
    payload: dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: datetime
    channel: str | None
    ts: str | None


class QueueRepository(CoreRepository):
    """Intake, events and the outbox: the bot's durable queues (payloads are opaque JSON)."""

    # -- intake ----------------------------------------------------------------------
    async def add_intake(self, rows: list[tuple[str, str, str, dict[str, Any]]], now: datetime) -> list[int | None]:
        """Insert ``(dedupe_key, kind, actor, payload)`` rows; None for a key seen before (here or earlier
        in ``rows``). One statement per ``INTAKE_CHUNK`` rows: a burst costs one round trip, not one per report."""
        ids: list[int | None] = []
        first_of: dict[str, int] = {}
        for i, (key, *_rest) in enumerate(rows):
            first_of.setdefault(key, i)
        unique = [rows[i] for i in sorted(first_of.values())]
        got: dict[str, int] = {}
        for start in range(0, len(unique), INTAKE_CHUNK):
            chunk = unique[start : start + INTAKE_CHUNK]
            values = ", ".join(["(?, ?, ?, ?, ?)"] * len(chunk))
            args: list[Any] = []
            for key, kind, actor, payload in chunk:
                args += [iso(now), key, kind, actor, json.dumps(payload, ensure_ascii=False)]
            # execute_fetchall: one round trip to the database thread (execute, fetch, close).
            for r in await self.conn.execute_fetchall(
                f"INSERT INTO intake (received_at, dedupe_key, kind, actor, payload) VALUES {values}"
                " ON CONFLICT (dedupe_key) DO NOTHING RETURNING id, dedupe_key",
                args,
            ):
                got[r[1]] = r[0]
        for i, (key, *_rest) in enumerate(rows):
            ids.append(got.get(key) if first_of[key] == i else None)
        return ids

    def _intake(self, r: aiosqlite.Row) -> IntakeRow:
        return IntakeRow(
            r["id"],
            datetime.fromisoformat(r["received_at"]),
            r["kind"],
            r["actor"],
            json.loads(r["payload"]),
            r["status"],
            json.loads(r["result"]) if r["result"] else None,
        )

    async def new_intake(self, limit: int = 100) -> list[IntakeRow]:
        rows = await self._all("SELECT * FROM intake WHERE status = 'ny' ORDER BY id LIMIT ?", limit)
        return [self._intake(r) for r in rows]

    async def intake_by_key(self, dedupe_key: str) -> IntakeRow | None:
        row = await self._one("SELECT * FROM intake WHERE dedupe_key = ?", dedupe_key)
        return self._intake(row) if row else None

    async def hemlighet(self, namn: str, ny: str | None = None) -> str | None:
        """The bot's secret ``namn``; made from ``ny`` the first time (in a write transaction)."""
        if ny is not None:
            await self._run("INSERT INTO hemlighet (namn, varde) VALUES (?, ?) ON CONFLICT (namn) DO NOTHING", namn, ny)
        row = await self._one("SELECT varde FROM hemlighet WHERE namn = ?", namn)
        return row["varde"] if row else None

    async def inbjudningar(self, meeting_id: int) -> dict[int, tuple[str, int, datetime]]:
        """Member id -> ``(digest, sequence, stamp)`` of the invitation last mailed for the meeting."""
        rows = await self._all("SELECT * FROM inbjudan WHERE meeting_id = ?", meeting_id)
        return {r["member_id"]: (r["digest"], r["sequence"], datetime.fromisoformat(r["stamp"])) for r in rows}

    async def save_inbjudan(self, meeting_id: int, member_id: int, digest: str, sequence: int, stamp: datetime) -> None:
        await self._run(
            "INSERT INTO inbjudan (meeting_id, member_id, digest, sequence, stamp) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (meeting_id, member_id) DO UPDATE SET digest = excluded.digest,"
            " sequence = excluded.sequence, stamp = excluded.stamp",
            meeting_id,
            member_id,
            digest,
            sequence,
            iso(stamp),
        )

    async def drop_inbjudan(self, meeting_id: int, member_id: int) -> None:
        await self._run("DELETE FROM inbjudan WHERE meeting_id = ? AND member_id = ?", meeting_id, member_id)

    async def intake(self, intake_id: int) -> IntakeRow | None:
        row = await self._one("SELECT * FROM intake WHERE id = ?", intake_id)
        return self._intake(row) if row else None

    async def finish_intake(self, intake_id: int, status: str, result: dict[str, Any], now: datetime) -> None:
        await self._run(
            "UPDATE intake SET status = ?, result = ?, processed_at = ? WHERE id = ? AND status = 'ny'",
            status,
            json.dumps(result, ensure_ascii=False, default=str),
            iso(now),
            intake_id,
        )

    # -- events ----------------------------------------------------------------------
    async def add_event(
        self,
        now: datetime,
        kind: str,
        *,
        committee_id: int | None = None,
        meeting_id: int | None = None,
        member_id: int | None = None,
        **payload: Any,
    ) -> None:
        await self._run(
            "INSERT INTO event (at, kind, committee_id, meeting_id, member_id, payload) VALUES (?, ?, ?, ?, ?, ?)",
            iso(now),
            kind,
            committee_id,
            meeting_id,
            member_id,
            json.dumps(payload, ensure_ascii=False, default=str),
        )

    async def new_events(self, limit: int = 200) -> list[EventRow]:
        rows = await self._all("SELECT * FROM event WHERE handled_at IS NULL ORDER BY id LIMIT ?", limit)
        return [
            EventRow(
                r["id"],
                datetime.fromisoformat(r["at"]),
                r["kind"],
                r["committee_id"],
                r["meeting_id"],
                r["member_id"],
                json.loads(r["payload"]),
            )
            for r in rows
        ]

    async def handle_event(self, event_id: int, now: datetime) -> None:
        await self._run("UPDATE event SET handled_at = ? WHERE id = ?", iso(now), event_id)

    # -- outbox ----------------------------------------------------------------------
    async def enqueue(
        self,
        now: datetime,
        kind: str,
        target: str | None,
        payload: dict[str, Any],
        *,
        coalesce_key: str | None = None,
        not_before: datetime | None = None,
    ) -> int | None:
        """Queue a message; with ``coalesce_key``, nothing new if one is already pending."""
        async with self.conn.execute(
            "INSERT INTO outbox (created_at, kind, target, payload, coalesce_key, next_attempt_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                iso(now),
                kind,
                target,
                json.dumps(payload, ensure_ascii=False, default=str),
                coalesce_key,
                iso(not_before or now),
            ),
        ) as cur:
            return cur.lastrowid if cur.rowcount else None

    def _outbox(self, r: aiosqlite.Row) -> OutboxRow:
        return OutboxRow(
            r["id"],
            datetime.fromisoformat(r["created_at"]),
            r["kind"],
            r["target"],
            json.loads(r["payload"]),
            r["status"],
            r["attempts"],
            datetime.fromisoformat(r["next_attempt_at"]),
            r["channel"],
            r["ts"],
        )

    async def due_outbox(self, now: datetime, limit: int = 50) -> list[OutboxRow]:
        rows = await self._all(
            # +id: sorted after the search of outbox_due, not by walking the whole table in id order.
            "SELECT * FROM outbox WHERE status IN ('pending', 'sending') AND next_attempt_at <= ? ORDER BY +id LIMIT ?",
            iso(now),
            limit,
        )
        return [self._outbox(r) for r in rows]

    async def next_outbox_time(self) -> datetime | None:
        row = await self._one("SELECT min(next_attempt_at) AS t FROM outbox WHERE status IN ('pending', 'sending')")
        return datetime.fromisoformat(row["t"]) if row and row["t"] else None

    async def outbox_sending(self, outbox_id: int, now: datetime, channel: str | None) -> None:
        """About to call Slack: from now on a restart must check before sending again."""
        await self._run(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1, channel = coalesce(?, channel),"
            " coalesce_key = NULL WHERE id = ?",
            channel,
            outbox_id,
        )

    async def outbox_sent(self, outbox_id: int, now: datetime, channel: str | None, ts: str | None) -> None:
        await self._run(
            "UPDATE outbox SET status = 'sent', sent_at = ?, channel = coalesce(?, channel), ts = ?,"
            " last_error = NULL, claimed_by = NULL, lease_until = NULL WHERE id = ?",
            iso(now),
            channel,
            ts,
            outbox_id,
        )

    async def outbox_retry(self, outbox_id: int, at: datetime, error: str) -> None:
        await self._run(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ?, claimed_by = NULL,"
            " lease_until = NULL WHERE id = ?",
            iso(at),
            error[:500],
            outbox_id,
        )

    async def outbox_failed(self, outbox_id: int, error: str) -> None:
        await self._run(
            "UPDATE outbox SET status = 'failed', last_error = ?, claimed_by = NULL, lease_until = NULL WHERE id = ?",
            error[:500],
            outbox_id,
        )

    async def backlog(self, now: datetime | None = None) -> int:
        """Reports not yet applied, events not yet told, messages not yet sent (due now or later),
        and jobs already due at ``now``."""
        row = await self._one(
            "SELECT (SELECT count(*) FROM intake WHERE status = 'ny')"
            " + (SELECT count(*) FROM event WHERE handled_at IS NULL)"
            " + (SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending'))"
            " + (SELECT count(*) FROM job WHERE status = 'pending' AND due_at <= ?) AS n",
            iso(now) if now else "",
        )
        assert row is not None  # an aggregate always has its row
        return int(row["n"])

    async def first_sight(self, event_id: str, now: datetime) -> bool:
        """True the first time a Slack event id is seen (by any process on the database)."""
        async with self.conn.execute(
            "INSERT INTO slack_event (event_id, seen_at) VALUES (?, ?) ON CONFLICT (event_id) DO NOTHING",
            (event_id, iso(now)),
        ) as cur:
            return bool(cur.rowcount)

    async def outbox_all(self) -> list[OutboxRow]:
        return [self._outbox(r) for r in await self._all("SELECT * FROM outbox ORDER BY id")]

    # -- Slack bookkeeping (opaque to storage) ---------------------------------------
    async def summary_messages(self, meeting_id: int) -> dict[str, str]:
        rows = await self._all("SELECT channel, ts FROM summary_message WHERE meeting_id = ?", meeting_id)
        return {r["channel"]: r["ts"] for r in rows}

    async def save_summary_message(self, meeting_id: int, channel: str, ts: str) -> None:
        await self._run(
            "INSERT INTO summary_message (meeting_id, channel, ts) VALUES (?, ?, ?)"
            " ON CONFLICT (meeting_id, channel) DO UPDATE SET ts = excluded.ts",
            meeting_id,
            channel,
            ts,
        )

    async def dm_channel(self, user: str) -> str | None:
        row = await self._one("SELECT channel FROM dm_channel WHERE user = ?", user)
        return row["channel"] if row else None

    async def save_dm_channel(self, user: str, channel: str) -> None:
        await self._run(
            "INSERT INTO dm_channel (user, channel) VALUES (?, ?)"
            " ON CONFLICT (user) DO UPDATE SET channel = excluded.channel",
            user,
            channel,
        )

    async def members_to_link(self) -> list[tuple[int, str]]:
        """``(member id, email)`` of active members with an email and no Slack id yet."""
        rows = await self._all(
            "SELECT id, email FROM member WHERE retired_at IS NULL AND email IS NOT NULL"
            " AND slack IS NULL AND slack_lookup IS NULL"
        )
        return [(r["id"], r["email"]) for r in rows]

    async def link_slack(self, member_id: int, slack: str) -> None:
        self._catalog_changed()
        await self._run("UPDATE member SET slack_lookup = ? WHERE id = ?", slack, member_id)

    async def slack_ids(self, committee_id: int) -> dict[str, str]:
        """Member key -> Slack id (the roster's own, else one found by email)."""
        rows = await self._all(
            "SELECT key, coalesce(slack, slack_lookup) AS s FROM member"
            " WHERE committee_id = ? AND retired_at IS NULL AND coalesce(slack, slack_lookup) IS NOT NULL",
            committee_id,
        )
        return {r["key"]: r["s"] for r in rows}


@dataclass(frozen=True, slots=True)
class JobRow:
    id: int
    key: str
    kind: str
    committee_id: int | None
    meeting_id: int | None
    due_at: datetime
    status: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class JusteringRow:
    meeting_id: int
    date: dt.date | None  # (a field named date: the type is spelt dt.date here)
    justerare: tuple[str, ...]
    omedelbart: tuple[int, ...]
    justerad: dt.date | None
    anslag: dt.date | None


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


class Repository(QueueRepository):
    """Jobs, justering and svar på skrivelse."""

    # -- jobs --------------------------------------------------------------------------
    def _job(self, r: aiosqlite.Row) -> JobRow:
        return JobRow(
            r["id"],
            r["key"],
            r["kind"],
            r["committee_id"],
            r["meeting_id"],
            datetime.fromisoformat(r["due_at"]),
            r["status"],
            json.loads(r["payload"]),
        )

    async def jobs_for_meeting(self, meeting_id: int) -> list[JobRow]:
        rows = await self._all("SELECT * FROM job WHERE meeting_id = ? ORDER BY due_at", meeting_id)
        return [self._job(r) for r in rows]

    async def job(self, key: str) -> JobRow | None:
        row = await self._one("SELECT * FROM job WHERE key = ?", key)
        return self._job(row) if row else None

    async def put_job(
        self,
        key: str,
        kind: str,
        due_at: datetime,
        *,
        committee_id: int | None,
        meeting_id: int | None,
        payload: dict[str, Any] | None = None,
    ) -> None:
        """Schedule (or move) a job. A job already done is scheduled again only if moved to a new time."""
        existing = await self.job(key)
        body = json.dumps(payload or {}, ensure_ascii=False, default=str)
        if existing is None:
            await self._run(
                "INSERT INTO job (key, kind, committee_id, meeting_id, due_at, payload) VALUES (?, ?, ?, ?, ?, ?)",
                key,
                kind,
                committee_id,
                meeting_id,
                iso(due_at),
                body,
            )
        elif existing.due_at != due_at:
            await self._run(
                "UPDATE job SET due_at = ?, status = 'pending', done_at = NULL, note = NULL, payload = ? WHERE id = ?",
                iso(due_at),
                body,
                existing.id,
            )

    async def drop_jobs(
        self, meeting_id: int, now: datetime, note: str, *, kinds: tuple[str, ...] | None = None
    ) -> int:
        jobs = [
            j
            for j in await self.jobs_for_meeting(meeting_id)
            if j.status == "pending" and (kinds is None or j.kind in kinds)
        ]
        for j in jobs:
            await self.finish_job(j.id, "dropped", now, note)
        return len(jobs)

    async def due_jobs(self, now: datetime, limit: int = 200) -> list[JobRow]:
        rows = await self._all(
            "SELECT * FROM job WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?", iso(now), limit
        )
        return [self._job(r) for r in rows]

    async def next_job_time(self) -> datetime | None:
        row = await self._one("SELECT min(due_at) AS t FROM job WHERE status = 'pending'")
        return datetime.fromisoformat(row["t"]) if row and row["t"] else None

    async def finish_job(self, job_id: int, status: str, now: datetime, note: str | None = None) -> None:
        await self._run(
            "UPDATE job SET status = ?, done_at = ?, note = ? WHERE id = ? AND status = 'pending'",
            status,
            iso(now),
            note,
            job_id,
        )

    # -- justering ------------------------------------------------------------------------
    async def justering(self, meeting_id: int) -> JusteringRow | None:
        r = await self._one("SELECT * FROM justering WHERE meeting_id = ?", meeting_id)
        if r is None:
            return None
        return JusteringRow(
            r["meeting_id"],
            _date(r["date"]),
            tuple(json.loads(r["justerare"])),
            tuple(json.loads(r["omedelbart"])),
            _date(r["justerad"]),
            _date(r["anslag"]),
        )

    async def save_justering(self, j: JusteringRow, now: datetime) -> None:
        await self._run(
            "INSERT INTO justering (meeting_id, date, justerare, omedelbart, justerad, anslag, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (meeting_id) DO UPDATE SET date = excluded.date,"
            " justerare = excluded.justerare, omedelbart = excluded.omedelbart, justerad = excluded.justerad,"
            " anslag = excluded.anslag, updated_at = excluded.updated_at",
            j.meeting_id,
            j.date.isoformat() if j.date else None,
            json.dumps(list(j.justerare), ensure_ascii=False),
            json.dumps(list(j.omedelbart)),
            j.justerad.isoformat() if j.justerad else None,
            j.anslag.isoformat() if j.anslag else None,
            iso(now),
        )

    async def alert_vacancy(self, meeting_id: int, seat: str, first: int, last: int, now: datetime) -> bool:
        """True the first time this vacancy is seen (then the secretaries are told)."""
        async with self.conn.execute(
            "INSERT INTO vakans_larm (meeting_id, seat, first, last, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (meeting_id, seat, first, last, iso(now)),
        ) as cur:
            return bool(cur.rowcount)

    async def last_call(self, meeting_id: int, member_id: int) -> dict[str, Any] | None:
        """The latest audited call-in of a member to a meeting (what they were called for)."""
        row = await self._one(
            "SELECT detail FROM audit WHERE meeting_id = ? AND member_id = ?"
            " AND action = 'inkallad' ORDER BY id DESC LIMIT 1",
            meeting_id,
            member_id,
        )
        return json.loads(row["detail"]) if row else None

    async def justering_changes(self, meeting_id: int) -> tuple[int, datetime | None]:
        """How often a meeting's justering was set or marked done, and when last."""
        row = await self._one(
            "SELECT count(*) AS n, max(at) AS latest FROM audit WHERE meeting_id = ?"
            " AND action IN ('justering_set', 'justerad')",
            meeting_id,
        )
        assert row is not None  # an aggregate always has its row
        return int(row["n"]), (datetime.fromisoformat(row["latest"]) if row["latest"] else None)

    async def justeringar(self, committee_id: int) -> list[tuple[Meeting, JusteringRow]]:
        out = []
        for m in await self.meetings(committee_id):
            j = await self.justering(m.id)
            if j is not None:
                out.append((m, j))
        return out

    # -- svar på skrivelse ---------------------------------------------------------------------
    async def skrivelse_seen(self, content_hash: str) -> dict[str, Any] | None:
        r = await self._one("SELECT * FROM skrivelse WHERE content_hash = ?", content_hash)
        return dict(r) if r else None

    async def add_skrivelse(
        self,
        content_hash: str,
        committee_id: int | None,
        title: str | None,
        dnr: str | None,
        source: str,
        status: str,
        now: datetime,
        detail: dict[str, Any],
    ) -> int:
        return await self._run(
            "INSERT INTO skrivelse (content_hash, committee_id, title, dnr, source, received_at, status, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            content_hash,
            committee_id,
            title,
            dnr,
            source,
            iso(now),
            status,
            json.dumps(detail, ensure_ascii=False, default=str),
        )

    async def inbox_seen(self, path: str, size: int, mtime: float) -> bool:
        r = await self._one("SELECT 1 FROM inbox_file WHERE path = ? AND size = ? AND mtime = ?", path, size, mtime)
        return r is not None

    async def mark_inbox(self, path: str, size: int, mtime: float, content_hash: str, now: datetime) -> None:
        await self._run(
            "INSERT INTO inbox_file (path, size, mtime, content_hash, seen_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime = excluded.mtime,"
            " content_hash = excluded.content_hash, seen_at = excluded.seen_at",
            path,
            size,
            mtime,
            content_hash,
            iso(now),
        )

    # -- calendar feed history (0007) ----------------------------------------------------------
    async def feed_history(self, feed: str) -> tuple[tuple[str, datetime] | None, dict[str, tuple[str, int, datetime]]]:
        """What the feed ``feed`` last looked like: ``(digest, last_modified)`` of the whole feed
        (None: never served), and per event uid ``(digest, sequence, stamp)``."""
        row = await self._one("SELECT digest, last_modified FROM feed_state WHERE feed = ?", feed)
        if row is None:
            return None, {}
        rows = await self._all("SELECT uid, digest, sequence, stamp FROM feed_event_state WHERE feed = ?", feed)
        return (
            (row["digest"], datetime.fromisoformat(row["last_modified"])),
            {r["uid"]: (r["digest"], r["sequence"], datetime.fromisoformat(r["stamp"])) for r in rows},
        )

    async def save_feed_history(
        self,
        feed: str,
        based_on: str | None,
        digest: str,
        last_modified: datetime,
        events: list[tuple[str, str, int, datetime]],
    ) -> bool:
        """Record a feed as served, if what is stored is still what it was rendered from
        (``based_on``: the stored digest, None if none); False (and nothing written) otherwise.
        ``events``: ``(uid, digest, sequence, stamp)`` of the events that changed."""
        row = await self._one("SELECT digest FROM feed_state WHERE feed = ?", feed)
        if (row["digest"] if row else None) != based_on:
            return False
        await self._run(
            "INSERT INTO feed_state (feed, digest, last_modified) VALUES (?, ?, ?) ON CONFLICT (feed)"
            " DO UPDATE SET digest = excluded.digest, last_modified = excluded.last_modified",
            feed,
            digest,
            iso(last_modified),
        )
        await self.conn.executemany(
            "INSERT INTO feed_event_state (feed, uid, digest, sequence, stamp) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (feed, uid) DO UPDATE SET digest = excluded.digest, sequence = excluded.sequence,"
            " stamp = excluded.stamp",
            [(feed, uid, d, seq, iso(stamp)) for uid, d, seq, stamp in events],
        )
        return True

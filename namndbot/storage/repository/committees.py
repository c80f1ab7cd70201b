"""Committees, their members and the roster (the current one, and each meeting's own snapshot)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, time
from typing import Any

import aiosqlite

from ...domain.meeting import Meeting
from ...domain.model import Committee, CommitteeSettings, Member, PartiKontakt, Roster
from .base import Sql, _dt, iso


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


class CommitteeStore(Sql):
    """Committees, members and rosters."""

    # -- committees ----------------------------------------------------------------------
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

    # -- members -------------------------------------------------------------------------
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

    async def member_by_id(self, member_id: int) -> StoredMember:
        row = await self._one("SELECT * FROM member WHERE id = ?", member_id)
        assert row is not None
        return self._member(row)

    # -- rosters -------------------------------------------------------------------------
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

"""Registerutdrag (GDPR art. 15): every row that concerns one person, as plain dicts.

A person is one or more ``member`` rows (one per committee) with the same
name, and the Slack ids they have; what is found by their name alone is looked
for in those committees only. Each section is one query; the service
puts them together and masks what must not be shown (feed tokens).
"""

from __future__ import annotations

import json
from typing import Any

import aiosqlite

_MEETING = "(SELECT c.short || ' ' || m.date FROM meeting m JOIN committee c ON c.id = m.committee_id WHERE m.id = {})"


# A name inside stored JSON: a whole string ("Martin Westmont") or a label ("… för Martin Westmont (SD)"),
# never a longer name that begins the same ("Anna Lund" is not "Anna Lundgren").
_NAMES = "(instr({0}, ?) > 0 OR instr({0}, ?) > 0)"


def _names(name: str) -> tuple[str, str]:
    return json.dumps(name, ensure_ascii=False), f"{json.dumps(name, ensure_ascii=False)[1:-1]} ("


def _in(values: list[Any]) -> str:
    return ", ".join("?" for _ in values) or "NULL"


async def _rows(conn: aiosqlite.Connection, sql: str, *args: Any) -> list[dict[str, Any]]:
    async with conn.execute(sql, args) as cur:
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in await cur.fetchall()]


async def people(conn: aiosqlite.Connection) -> list[str]:
    """Every name in any roster, past members included."""
    async with conn.execute("SELECT DISTINCT name FROM member ORDER BY name") as cur:
        return [r[0] for r in await cur.fetchall()]


async def member_rows(conn: aiosqlite.Connection, name: str) -> list[dict[str, Any]]:
    return await _rows(
        conn,
        "SELECT m.id, c.short AS namnd, m.name AS namn, m.party AS parti, m.kind AS sort, m.role AS roll,"
        " m.position AS plats_i_ordningen, m.slack, m.slack_lookup AS slack_via_epost, m.email AS epost,"
        " m.personliga AS personliga_ersattare, m.retired_at AS slutade, m.key, m.committee_id,"
        " c.workspace AS arbetsyta"
        " FROM member m JOIN committee c ON c.id = m.committee_id"
        " WHERE m.name = ? ORDER BY c.short",
        name,
    )


async def sections(
    conn: aiosqlite.Connection, ids: list[int], keys: list[str], slack: list[str], name: str, committee_ids: list[int]
) -> dict[str, list[dict[str, Any]]]:
    """Everything stored about the member rows ``ids`` (keys, Slack ids and name used to find the rest).
    What is found by name or key only is looked for in the person's committees only: another
    person of the same name elsewhere is not this one (``committee_ids``: the person's committees)."""
    mid, sid, cid = _in(ids), _in(slack), _in(committee_ids)
    actors = [f"slack:{s}" for s in slack]
    out: dict[str, list[dict[str, Any]]] = {}
    out["forhinder"] = await _rows(
        conn,
        f"SELECT {_MEETING.format('f.meeting_id')} AS sammantrade, f.first AS fran_paragraf, f.last AS till_paragraf,"
        f" f.jav, f.tid, f.created_at AS anmalt, f.created_by AS anmalt_av FROM forhinder f"
        f" WHERE f.member_id IN ({mid}) ORDER BY f.created_at",
        *ids,
    )
    out["inkallelser"] = await _rows(
        conn,
        f"SELECT {_MEETING.format('i.meeting_id')} AS sammantrade, i.status, i.called_at AS kallad,"
        f" i.answered_at AS svarat FROM inkallelse i WHERE i.member_id IN ({mid}) ORDER BY i.called_at",
        *ids,
    )
    out["avbojt"] = await _rows(
        conn,
        f"SELECT {_MEETING.format('a.meeting_id')} AS sammantrade, a.kind AS sort, a.at AS tid, a.by AS av"
        f" FROM avbojd a WHERE a.member_id IN ({mid}) ORDER BY a.at",
        *ids,
    )
    out["tjanstgoring"] = await _rows(
        conn,
        f"SELECT {_MEETING.format('a.meeting_id')} AS sammantrade,"
        f" (SELECT name FROM member WHERE id = a.ersattare_id) AS ersattare,"
        f" (SELECT name FROM member WHERE id = a.seat_id) AS for_ledamot, a.first AS fran_paragraf,"
        f" a.last AS till_paragraf, a.rule AS regel FROM assignment a"
        f" WHERE a.ersattare_id IN ({mid}) OR a.seat_id IN ({mid}) ORDER BY a.meeting_id, a.first",
        *ids,
        *ids,
    )
    out["narvarande"] = await _rows(
        conn,
        f"SELECT {_MEETING.format('n.meeting_id')} AS sammantrade, n.since AS fran_paragraf FROM narvarande n"
        f" WHERE n.member_id IN ({mid})",
        *ids,
    )
    out["vakanser"] = await _rows(
        conn,
        f"SELECT {_MEETING.format('v.meeting_id')} AS sammantrade, v.first AS fran_paragraf, v.last AS till_paragraf,"
        f" v.at AS larmat FROM vakans_larm v JOIN meeting m ON m.id = v.meeting_id JOIN member p"
        f" ON p.committee_id = m.committee_id AND p.key = v.seat WHERE p.id IN ({mid})",
        *ids,
    )
    out["kalenderinbjudningar"] = await _rows(
        conn,
        f"SELECT {_MEETING.format('i.meeting_id')} AS sammantrade, i.sequence AS version, i.stamp AS skickad"
        f" FROM inbjudan i WHERE i.member_id IN ({mid}) ORDER BY i.meeting_id",
        *ids,
    )
    out["justerare"] = [
        r
        for r in await _rows(
            conn,
            f"SELECT {_MEETING.format('j.meeting_id')} AS sammantrade, j.date AS justeringsdag, j.justerad,"
            f" j.justerare FROM justering j JOIN meeting m ON m.id = j.meeting_id WHERE m.committee_id IN ({cid})",
            *committee_ids,
        )
        if set(json.loads(r.pop("justerare"))) & set(keys)
    ]
    out["meddelanden"] = await _rows(
        conn,
        f"SELECT id, created_at AS skapat, kind AS sort, target AS till, channel AS kanal, status,"
        f" sent_at AS skickat, json_extract(payload, '$.text') AS text FROM outbox"
        f" WHERE target IN ({sid}) OR channel IN (SELECT channel FROM dm_channel WHERE user IN ({sid}))"
        f" OR (kind = 'mail' AND target IN (SELECT email FROM member WHERE id IN ({mid})))"
        f" ORDER BY id",
        *slack,
        *slack,
        *ids,
    )
    out["anmalningar"] = await _rows(
        conn,
        f"SELECT id, received_at AS mottagen, kind AS sort, actor AS fran, status, payload, result AS resultat"
        f" FROM intake WHERE actor IN ({sid}) OR (json_extract(payload, '$.member') = ?"
        f" AND json_extract(payload, '$.committee') IN (SELECT short FROM committee WHERE id IN ({cid}))) ORDER BY id",
        *slack,
        name,
        *committee_ids,
    )
    out["handelser"] = await _rows(
        conn,
        f"SELECT id, at AS tid, kind AS sort, {_MEETING.format('e.meeting_id')} AS sammantrade, payload"
        f" FROM event e WHERE e.member_id IN ({mid}) OR ({_NAMES.format('e.payload')} AND e.committee_id IN ({cid}))"
        " ORDER BY id",
        *ids,
        *_names(name),
        *committee_ids,
    )
    out["granskningslogg"] = await _rows(
        conn,
        f"SELECT id, at AS tid, actor AS av, action AS handelse, {_MEETING.format('a.meeting_id')} AS sammantrade,"
        f" detail AS detaljer FROM audit a WHERE a.member_id IN ({mid}) OR a.actor IN ({_in(actors)})"
        f" OR ({_NAMES.format('a.detail')} AND a.committee_id IN ({cid})) ORDER BY id",
        *ids,
        *actors,
        *_names(name),
        *committee_ids,
    )
    out["kalenderlankar"] = await _rows(
        conn,
        f"SELECT token, created_at AS skapad, revoked_at AS aterkallad FROM feed_token"
        f" WHERE member_id IN ({mid}) ORDER BY created_at",
        *ids,
    )
    out["slack"] = await _rows(
        conn, f"SELECT user AS slack_id, channel AS dm_kanal FROM dm_channel WHERE user IN ({sid})", *slack
    )
    out["installationer"] = await _rows(
        conn,
        f"SELECT team_id AS arbetsyta, installed_at AS installerad FROM slack_installation WHERE user_id IN ({sid})",
        *slack,
    )
    committees = await _rows(conn, "SELECT short, secretaries, partikontakter FROM committee ORDER BY short")
    out["uppdrag"] = []
    for c in committees:
        if set(json.loads(c["secretaries"])) & set(slack):
            out["uppdrag"].append({"namnd": c["short"], "uppdrag": "sekreterare"})
        for k in json.loads(c["partikontakter"]):
            if k.get("slack") in slack:
                out["uppdrag"].append({"namnd": c["short"], "uppdrag": f"partikontakt för {k.get('party')}"})
    out["sammantradesroster"] = [
        {"sammantrade": r["sammantrade"]}
        for r in await _rows(
            conn,
            f"SELECT {_MEETING.format('r.meeting_id')} AS sammantrade, r.roster FROM meeting_roster r"
            f" JOIN meeting m ON m.id = r.meeting_id WHERE m.committee_id IN ({cid}) ORDER BY 1",
            *committee_ids,
        )
        if json.dumps(name, ensure_ascii=False) in r["roster"]
    ]
    out["skrivelser"] = await _rows(
        conn,
        f"SELECT received_at AS mottagen, title AS titel, dnr FROM skrivelse WHERE {_NAMES.format('detail')}"
        f" AND committee_id IN ({cid})",
        *_names(name),
        *committee_ids,
    )
    return out

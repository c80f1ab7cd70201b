"""Gallring: the SQL that deletes personal data of old meetings (GDPR art. 5.1 e).

What is personal data, column by column, is written down in :data:`COLUMNS`
(a test compares it with the schema, so a new table or column must be
classified before it lands). What is deleted, and when, is the table of
:data:`KINDS`: each kind is one ``WHERE`` clause, counted for a dry run and
deleted (or, for the audit rows kept, stripped of who did it) for real.

Old means: a meeting dated before ``:day``; rows tied to no meeting count by
their own time, before ``:at`` (the same day's midnight, UTC).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiosqlite

# How each column is treated. ``gallras``: deleted with the old meeting (or when old itself);
# ``avidentifieras``: kept, but what names a person is removed; ``behålls``: kept, and why.
GALLRAS = "gallras"
AVIDENTIFIERAS = "avidentifieras"
ROSTER = "behålls: rostern (så länge personen finns i den)"
OFFENTLIG = "behålls: allmän handling (protokollet, skrivelsen)"
DRIFT = "behålls: driftuppgift utan personuppgift"
SLACK_ID = "behålls: Slack-id som boten behöver för att skicka"
INSTALLATION = "behålls: vem som installerade appen i arbetsytan, tills appen tas bort där"

COLUMNS: dict[str, str] = {
    # 0001 core
    "committee.id": DRIFT,
    "committee.short": DRIFT,
    "committee.name": DRIFT,
    "committee.timezone": DRIFT,
    "committee.default_start": DRIFT,
    "committee.channel": DRIFT,
    "committee.secretaries_channel": DRIFT,
    "committee.secretaries": SLACK_ID,
    "committee.settings": DRIFT,
    "committee.turordning": DRIFT,
    "committee.partikontakter": SLACK_ID,
    "committee.created_at": DRIFT,
    "committee.updated_at": DRIFT,
    "member.id": ROSTER,
    "member.committee_id": ROSTER,
    "member.key": ROSTER,
    "member.name": ROSTER,
    "member.party": ROSTER,
    "member.kind": ROSTER,
    "member.role": ROSTER,
    "member.position": ROSTER,
    "member.slack": AVIDENTIFIERAS,  # of a member who left before the limit
    "member.email": AVIDENTIFIERAS,
    "member.personliga": ROSTER,
    "member.retired_at": ROSTER,
    "member.slack_lookup": AVIDENTIFIERAS,
    "member.kontakt": ROSTER,  # 0010: by e-mail or Slack, as the roster says
    "hemlighet.namn": DRIFT,  # 0010: the key that signs answer links (no personal data)
    "hemlighet.varde": DRIFT,
    # 0012: invitations mailed, per member and meeting
    **{f"inbjudan.{c}": GALLRAS for c in ("meeting_id", "member_id", "digest", "sequence", "stamp")},
    "meeting.id": DRIFT,
    "meeting.committee_id": DRIFT,
    "meeting.uid": DRIFT,
    "meeting.date": OFFENTLIG,
    "meeting.start": OFFENTLIG,
    "meeting.paragraphs": OFFENTLIG,
    "meeting.first_paragraph": OFFENTLIG,  # the protocol's number of the first paragraph
    "meeting.location": OFFENTLIG,
    "meeting.note": OFFENTLIG,
    "meeting.status": OFFENTLIG,
    "meeting.sequence": DRIFT,
    "meeting.started_at": OFFENTLIG,
    "meeting.current_paragraph": DRIFT,
    "meeting.created_at": DRIFT,
    "meeting.updated_at": DRIFT,
    **{f"forhinder.{c}": GALLRAS for c in ("id", "meeting_id", "member_id", "first", "last", "jav", "tid")},
    "forhinder.created_at": GALLRAS,
    "forhinder.created_by": GALLRAS,
    **{f"avbojd.{c}": GALLRAS for c in ("meeting_id", "member_id", "kind", "at", "by")},
    **{
        f"assignment.{c}": GALLRAS
        for c in ("id", "meeting_id", "ersattare_id", "seat_id", "first", "last", "rule", "explanation")
    },
    **{f"inkallelse.{c}": GALLRAS for c in ("meeting_id", "member_id", "status", "called_at", "answered_at")},
    **{f"narvarande.{c}": GALLRAS for c in ("meeting_id", "member_id", "since")},
    "audit.id": DRIFT,
    "audit.at": DRIFT,
    "audit.actor": AVIDENTIFIERAS,
    "audit.action": DRIFT,
    "audit.committee_id": DRIFT,
    "audit.meeting_id": DRIFT,
    "audit.detail": GALLRAS,
    # 0002 feeds
    "audit.member_id": GALLRAS,
    "feed_token.token": GALLRAS,  # revoked ones; the active one is the member's (roster)
    "feed_token.member_id": GALLRAS,
    "feed_token.created_at": GALLRAS,
    "feed_token.revoked_at": GALLRAS,
    # 0003 bot
    **{
        f"intake.{c}": GALLRAS
        for c in ("id", "received_at", "dedupe_key", "kind", "actor", "payload", "status", "processed_at", "result")
    },
    **{
        f"event.{c}": GALLRAS
        for c in ("id", "at", "kind", "committee_id", "meeting_id", "member_id", "payload", "handled_at")
    },
    **{
        f"outbox.{c}": GALLRAS
        for c in (
            "id",
            "created_at",
            "kind",
            "target",
            "payload",
            "coalesce_key",
            "status",
            "attempts",
            "next_attempt_at",
            "sent_at",
            "channel",
            "ts",
            "last_error",
        )
    },
    "summary_message.meeting_id": DRIFT,
    "summary_message.channel": DRIFT,
    "summary_message.ts": DRIFT,
    "dm_channel.user": SLACK_ID,
    "dm_channel.channel": SLACK_ID,
    # 0004 jobs, justering, skrivelse
    **{
        f"job.{c}": GALLRAS  # a svarstid job names the member it waits for
        for c in ("id", "key", "kind", "committee_id", "meeting_id", "due_at", "status", "done_at", "note", "payload")
    },
    "justering.meeting_id": OFFENTLIG,
    "justering.date": OFFENTLIG,
    "justering.justerare": OFFENTLIG,
    "justering.omedelbart": OFFENTLIG,
    "justering.justerad": OFFENTLIG,
    "justering.anslag": OFFENTLIG,
    "justering.updated_at": DRIFT,
    "skrivelse.id": DRIFT,
    "skrivelse.content_hash": DRIFT,
    "skrivelse.committee_id": DRIFT,
    "skrivelse.title": OFFENTLIG,
    "skrivelse.dnr": OFFENTLIG,
    "skrivelse.source": DRIFT,
    "skrivelse.received_at": DRIFT,
    "skrivelse.status": DRIFT,
    "skrivelse.detail": OFFENTLIG,
    "inbox_file.path": DRIFT,
    "inbox_file.size": DRIFT,
    "inbox_file.mtime": DRIFT,
    "inbox_file.content_hash": DRIFT,
    "inbox_file.seen_at": DRIFT,
    # 0005 vacancies
    **{f"vakans_larm.{c}": GALLRAS for c in ("meeting_id", "seat", "first", "last", "at")},
    # 0006 the roster a meeting was held with: names stay (as in the protocol), Slack ids and e-mail go
    "meeting_roster.meeting_id": DRIFT,
    "meeting_roster.roster": AVIDENTIFIERAS,
    "meeting_roster.taken_at": DRIFT,
    # 0007 feed history: digests only
    "feed_state.feed": DRIFT,
    "feed_state.digest": DRIFT,
    "feed_state.last_modified": DRIFT,
    "feed_event_state.feed": DRIFT,
    "feed_event_state.uid": DRIFT,
    "feed_event_state.digest": DRIFT,
    "feed_event_state.sequence": DRIFT,
    "feed_event_state.stamp": DRIFT,
    # 0009 how often what the feeds show has changed, per committee: counters only
    "feed_version.committee_id": DRIFT,
    "feed_version.n": DRIFT,
    # 0011 workspaces: the committee's Slack workspace, the app's installations and the OAuth states
    "committee.workspace": DRIFT,
    "slack_installation.enterprise_id": DRIFT,
    "slack_installation.team_id": DRIFT,
    "slack_installation.user_id": INSTALLATION,  # who installed the app (also inside data)
    "slack_installation.installed_at": DRIFT,
    "slack_installation.data": INSTALLATION,
    "slack_bot.enterprise_id": DRIFT,
    "slack_bot.team_id": DRIFT,
    "slack_bot.team_name": DRIFT,
    "slack_bot.bot_token": DRIFT,  # a secret, not personal data: deleted when the app is removed
    "slack_bot.bot_user_id": DRIFT,
    "slack_bot.installed_at": DRIFT,
    "slack_bot.data": DRIFT,
    "oauth_state.state": DRIFT,
    "oauth_state.expires_at": DRIFT,
    # 0013 work shared by several processes: a claim names a database session, not a person
    **{f"{t}.{c}": DRIFT for t in ("intake", "outbox", "job") for c in ("claimed_by", "lease_until")},
    "slack_event.id": DRIFT,
    "slack_event.event_id": DRIFT,  # Slack's id of an event, nothing of its content
    "slack_event.seen_at": DRIFT,
}

OLD_MEETINGS = "SELECT id FROM meeting WHERE date < :day"

# Audit actions whose detail names no person: the row is kept (who did it is removed). Every other
# action, and any row about a member, is deleted with its meeting, so a new action is gallrad by default.
AUDIT_KEEP = (
    "meeting_add",
    "meeting_update",
    "meeting_cancel",
    "schedule_add",
    "schedule_update",
    "schedule_move",
    "schedule_cancel",
    "paragraf",
    "justerad",
    "gallring",  # a gallring's own record: counts per kind, no names
)
GALLRING_ACTION = "gallring"
_KEEP = ", ".join(f"'{a}'" for a in AUDIT_KEEP)
_AUDIT_OLD = f"(meeting_id IN ({OLD_MEETINGS}) OR (meeting_id IS NULL AND at < :at))"
GALLRAD_ACTOR = "gallrad"


@dataclass(frozen=True)
class Kind:
    label: str  # Swedish, for the operator
    table: str
    where: str
    scrub: str | None = None  # an UPDATE's SET clause instead of DELETE


KINDS: tuple[Kind, ...] = (
    Kind("förhinder", "forhinder", f"meeting_id IN ({OLD_MEETINGS})"),
    Kind("inkallelser och svar", "inkallelse", f"meeting_id IN ({OLD_MEETINGS})"),
    Kind("avböjda och obesvarade inkallelser", "avbojd", f"meeting_id IN ({OLD_MEETINGS})"),
    Kind("tjänstgörande ersättare", "assignment", f"meeting_id IN ({OLD_MEETINGS})"),
    Kind("närvarande ersättare", "narvarande", f"meeting_id IN ({OLD_MEETINGS})"),
    Kind("larm om vakanta platser", "vakans_larm", f"meeting_id IN ({OLD_MEETINGS})"),
    Kind("kalenderinbjudningar per e-post", "inbjudan", f"meeting_id IN ({OLD_MEETINGS})"),
    Kind(
        "anmälningar från Slack",
        "intake",
        "status != 'ny' AND coalesce(json_extract(payload, '$.date'), substr(received_at, 1, 10)) < :day",
    ),
    Kind(
        "händelser",
        "event",
        # An old meeting's events go whether told or not: one a bot never ran to tell (the CLI alone
        # was used) would otherwise keep the names in it for ever; nothing is left to tell of it.
        f"meeting_id IN ({OLD_MEETINGS}) OR (meeting_id IS NULL AND at < :at)",
    ),
    Kind("skickade meddelanden", "outbox", "status IN ('sent', 'failed') AND created_at < :at"),
    Kind(
        "utförda jobb",
        "job",
        f"status != 'pending' AND (meeting_id IN ({OLD_MEETINGS}) OR (meeting_id IS NULL AND due_at < :at))",
    ),
    Kind(
        "granskningslogg som nämner en person",
        "audit",
        f"{_AUDIT_OLD} AND (member_id IS NOT NULL OR action NOT IN ({_KEEP}))",
    ),
    Kind(
        "granskningslogg: vem som gjorde ändringen",
        "audit",
        f"{_AUDIT_OLD} AND member_id IS NULL AND action IN ({_KEEP}) AND actor != '{GALLRAD_ACTOR}'",
        scrub=f"actor = '{GALLRAD_ACTOR}'",
    ),
    Kind(
        "kalenderlänkar: återkallade, eller för ledamöter som har slutat",
        "feed_token",
        "(revoked_at IS NOT NULL AND revoked_at < :at)"
        " OR member_id IN (SELECT id FROM member WHERE retired_at IS NOT NULL AND retired_at < :at)",
    ),
    Kind(
        "Slack-id och e-post för ledamöter som har slutat",
        "member",
        "retired_at IS NOT NULL AND retired_at < :at"
        " AND (slack IS NOT NULL OR email IS NOT NULL OR slack_lookup IS NOT NULL)",
        scrub="slack = NULL, email = NULL, slack_lookup = NULL",
    ),
)
ROSTER_KIND = "sammanträdets roster: Slack-id och e-post"


async def _count(conn: aiosqlite.Connection, sql: str, params: dict[str, Any]) -> int:
    async with conn.execute(sql, params) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def _rosters_to_scrub(conn: aiosqlite.Connection, params: dict[str, Any]) -> list[tuple[int, str]]:
    async with conn.execute(
        f"SELECT meeting_id, roster FROM meeting_roster WHERE meeting_id IN ({OLD_MEETINGS})", params
    ) as cur:
        rows = await cur.fetchall()
    out = []
    for meeting_id, text in rows:
        scrubbed = _scrub_roster(text)
        if scrubbed != text:
            out.append((meeting_id, scrubbed))
    return out


def _scrub_roster(text: str) -> str:
    d = json.loads(text)
    changed = False
    for group in ("ledamoter", "ersattare"):
        for person in d.get(group, []):
            for field in ("slack", "email"):
                if person.get(field) is not None:
                    person[field] = None
                    changed = True
    committee = d.get("committee", {})
    if committee.get("secretaries"):
        committee["secretaries"] = []
        changed = True
    if d.get("partikontakter"):
        d["partikontakter"] = []
        changed = True
    return json.dumps(d, ensure_ascii=False) if changed else text


async def gallra(conn: aiosqlite.Connection, day: str, at: str, *, dry_run: bool) -> list[tuple[str, int]]:
    """Per kind, how many rows are (or would be) deleted or stripped. Runs inside the caller's
    transaction; the meeting rows themselves are never touched."""
    params = {"day": day, "at": at}
    result = []
    for kind in KINDS:
        n = await _count(conn, f"SELECT count(*) FROM {kind.table} WHERE {kind.where}", params)
        if n and not dry_run:
            if kind.scrub:
                await conn.execute(f"UPDATE {kind.table} SET {kind.scrub} WHERE {kind.where}", params)
            else:
                await conn.execute(f"DELETE FROM {kind.table} WHERE {kind.where}", params)
        result.append((kind.label, n))
    rosters = await _rosters_to_scrub(conn, params)
    if not dry_run:
        await conn.executemany(
            "UPDATE meeting_roster SET roster = ? WHERE meeting_id = ?", [(text, mid) for mid, text in rosters]
        )
    result.append((ROSTER_KIND, len(rosters)))
    return result


async def pending_job(conn: aiosqlite.Connection, kind: str) -> str | None:
    """The key of a pending job of this kind, if any."""
    async with conn.execute("SELECT key FROM job WHERE kind = ? AND status = 'pending' LIMIT 1", (kind,)) as cur:
        row = await cur.fetchone()
    return str(row[0]) if row else None

"""Importing a committee's roster (members, turordning, settings) and reading it back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from ..domain.errors import NamndbotError
from ..domain.model import Roster
from ..domain.names import join_names
from ..domain.roster_file import parse_roster
from ..storage import workspaces as workspace_store
from ..storage.repository import Repository, StoredCommittee
from .planering import PlanChange, PlaneringTjanst


@dataclass(frozen=True)
class ImportReport:
    committee: str
    created: bool
    added: tuple[str, ...]
    updated: tuple[str, ...]
    retired: tuple[str, ...]
    warnings: tuple[str, ...]
    replanned: tuple[PlanChange, ...] = ()
    committee_changed: bool = False  # the [committee] table, turordning or party contacts


async def _workspace_warnings(repo: Repository, workspace: str | None) -> list[str]:
    """With the app installed in workspaces (many workspaces), a roster should name one of them."""
    teams = [team for team, _ in await workspace_store.installed(repo)]
    if not teams:
        return []
    if workspace is None:
        return [
            f"rostern anger ingen arbetsyta (workspace), men appen är installerad i {join_names(teams)}: "
            "när namndbot kör för flera arbetsytor syns nämnden inte i Slack förrän den anges."
        ]
    if workspace not in teams:
        return [f"appen är inte installerad i arbetsytan {workspace} (än): inget skickas dit förrän den är det."]
    return []


async def _shared_id_warnings(repo: Repository, roster: Roster) -> list[str]:
    """A Slack id that is also on the roster of a committee in another workspace: a copied id, most
    likely (ids differ between workspaces). Messages about this committee go to this workspace's
    person with that id; the other committee's go to its own."""
    workspace = roster.committee.workspace
    if not workspace:
        return []
    mine = {m.slack: m for m in roster.members if m.slack}
    warnings = []
    for other in await repo.committees():
        there = other.committee
        if there.short == roster.committee.short or not there.workspace or there.workspace == workspace:
            continue
        for slack in (await repo.slack_ids(other.id)).values():
            if slack in mine:
                warnings.append(
                    f"{mine[slack].name} har Slack-id {slack}, som också står i {there.short}:s roster "
                    f"(arbetsytan {there.workspace}, inte {workspace}). Ett Slack-id gäller i en arbetsyta: "
                    "kontrollera id:t i båda rostrarna."
                )
    return warnings


class RosterTjanst(PlaneringTjanst):
    async def import_roster(self, text: str, actor: str) -> ImportReport:
        return await self._tx(self.import_roster_in, text, actor)

    async def import_roster_in(self, repo: Repository, now: datetime, text: str, actor: str) -> ImportReport:
        parsed = parse_roster(text, default_timezone=self.default_timezone)
        roster = parsed.roster
        existing = await repo.committee(roster.committee.short)
        before_ws, after_ws = (existing.committee.workspace if existing else None), roster.committee.workspace
        if before_ws and after_ws and before_ws != after_ws:
            # Hosted for many municipalities, a short name is one committee: another workspace's
            # roster must not replace it.
            raise NamndbotError(
                f"Nämnden {roster.committee.short} finns redan och hör till arbetsytan {before_ws}, "
                f"inte {after_ws}; inget har ändrats.",
                hint="En nämnd i en annan arbetsyta (kommun) behöver en egen förkortning (short).",
            )
        if existing is not None:
            # History stays: a meeting already held keeps the roster it was held with.
            before = await repo.roster(existing.id)
            today = now.astimezone(ZoneInfo(existing.committee.timezone)).date()
            for m in await repo.meetings(existing.id):
                if m.date < today or m.started:
                    await repo.keep_roster(m.id, before, now)
        committee_id = await repo.save_committee(roster, now)
        stored = {m.member.key: m for m in await repo.members(committee_id, include_retired=True)}
        added, updated = [], []
        wanted = set()
        for people in (roster.ledamoter, roster.ersattare):
            for position, member in enumerate(people, start=1):
                wanted.add(member.key)
                old = stored.get(member.key)
                if old is None:
                    added.append(member.label)
                elif old.member != member or old.position != position or old.retired_at is not None:
                    updated.append(member.label)
                await repo.save_member(committee_id, member, position, old.id if old else None)
        retired = []
        for key, old in stored.items():
            if key not in wanted and old.retired_at is None:
                await repo.retire_member(old.id, now)
                retired.append(old.member.label)
        await repo.audit(
            now, actor, "roster_import", committee_id=committee_id, added=added, updated=updated, retired=retired
        )
        await repo.add_event(now, "roster_import", committee_id=committee_id)
        replanned = []
        today = now.astimezone(ZoneInfo(roster.committee.timezone)).date()
        for meeting in await repo.meetings(committee_id, start=today):
            if not meeting.cancelled:
                change = await self.replan_in(repo, committee_id, meeting, now, actor)
                if not change.empty:
                    replanned.append(change)
        return ImportReport(
            committee=roster.committee.short,
            created=existing is None,
            added=tuple(added),
            updated=tuple(updated),
            retired=tuple(retired),
            warnings=tuple(parsed.warnings)
            + tuple(await _workspace_warnings(repo, roster.committee.workspace))
            + tuple(await _shared_id_warnings(repo, roster)),
            replanned=tuple(replanned),
            committee_changed=existing is not None
            and (existing.committee, existing.turordning, existing.partikontakter)
            != (roster.committee, roster.turordning, roster.partikontakter),
        )

    async def roster(self, short: str) -> Roster:
        async with self.db.read() as repo:
            stored = await self.committee_in(repo, short)
            return await repo.roster(stored.id)

    async def committees(self) -> list[StoredCommittee]:
        async with self.db.read() as repo:
            return await repo.committees()

"""What the listeners share: who is asking, for which committee, meeting and member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..domain.dates import svensk_datum
from ..domain.errors import NamndbotError
from ..domain.kommando import resolve_date
from ..domain.meeting import Meeting
from ..domain.model import Member
from ..domain.names import join_names, match_name
from ..services.directory import CommitteeInfo, Directory

if TYPE_CHECKING:
    from .ports import BotPort


class NotOnRoster(NamndbotError):
    def __init__(self) -> None:
        super().__init__(
            "Du finns inte med i någon nämnds ledamots- eller ersättarlista här, så du kan inte "
            "anmäla förhinder eller använda nämndens kommandon och knappar. Tycker du att du borde finnas "
            "med, hör av dig till nämndens sekreterare."
        )


@dataclass(frozen=True)
class Who:
    info: CommitteeInfo
    member: Member
    acting_for_other: bool


def team_of(body: dict) -> str | None:
    """The workspace (team id) a request from Slack comes from."""
    team = body.get("team_id") or (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
    return str(team) if team else None


async def seen_by(bot: BotPort, body: dict) -> Directory:
    """The directory as the request's workspace sees it: only its own committees."""
    return await bot.directory.seen_from(team_of(body))


async def own_committee(bot: BotPort, body: dict, short: str) -> CommitteeInfo:
    """The committee a button or form names, if it belongs to the request's workspace."""
    info = (await seen_by(bot, body)).committees.get(short)
    if info is None:
        raise NotOnRoster()
    return info


def choose_committee(directory: Directory, user: str, short: str | None, channel: str | None) -> CommitteeInfo:
    mine = directory.committees_of(user)
    if not mine:
        raise NotOnRoster()
    if short:
        match = next((c for c in mine if c.upper() == short.upper()), None)
        if match is None:
            raise NamndbotError(f"Du är inte med i nämnden ”{short}”. Dina nämnder: {join_names(mine)}.")
        return directory.committees[match]
    if channel and directory.by_channel.get(channel) in mine:
        return directory.committees[directory.by_channel[channel]]
    if len(mine) == 1:
        return directory.committees[mine[0]]
    raise NamndbotError(
        f"Du är med i flera nämnder ({join_names(mine)}). Skriv nämndens förkortning först, "
        f"t.ex. /namnd förhinder {mine[0]} 17 mars."
    )


def choose_member(info: CommitteeInfo, user: str, for_name: str | None) -> Who:
    own = info.member_by_slack(user)
    if for_name:
        member = match_name(for_name, info.roster.members, lambda m: m.name, what="ledamot eller ersättare")
        if not info.may_act_for(user, member):
            raise NamndbotError("Du kan bara anmäla för dig själv; sekreteraren kan anmäla för andra.")
        return Who(info, member, own is None or own.key != member.key)
    if own is None:
        raise NamndbotError(
            f"Du är inte själv med i {info.committee.short}:s roster. Ange vem det gäller, "
            f"t.ex. /namnd förhinder 17 mars för Martin Westmont."
        )
    return Who(info, own, False)


def today_in(info: CommitteeInfo, now: datetime) -> date:
    return now.astimezone(ZoneInfo(info.committee.timezone)).date()


def choose_meeting(info: CommitteeInfo, when: str | None, now: datetime, *, coming_only: bool = False) -> Meeting:
    """The meeting meant; ``coming_only``: today's or a later one (förhinder are for meetings to come)."""
    today = today_in(info, now)
    every = [m.date for m in info.open_meetings()]
    try:
        day = resolve_date(when, today, [d for d in every if not coming_only or d >= today])
    except NamndbotError:
        held = _held(when, today, every) if coming_only and when else None
        if held is not None:
            raise NamndbotError(
                f"Sammanträdet {svensk_datum(held)} har redan hållits; förhinder anmäls och "
                "återkallas för kommande sammanträden."
            ) from None
        raise
    meeting = info.meeting(day)
    assert meeting is not None
    return meeting


def _held(when: str, today: date, dates: list[date]) -> date | None:
    """The meeting already held that ``when`` names, if that is what it names."""
    try:
        day = resolve_date(when, today, dates)
    except NamndbotError:
        return None
    return day if day < today else None

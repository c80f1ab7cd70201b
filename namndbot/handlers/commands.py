"""``/namnd``: förhinder, återkalla, närvaro, kalender, paragraf, justering, hjälp.

Each verb is one small use case, found in a table: :data:`UTAN_NAMND` for what needs no committee
(help, the förhinder form over all the user's committees), :data:`VERB` for the rest, once the
committee is chosen; a verb in neither goes to ``bot.extra_command``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..blocks import messages
from ..calendar.web import committee_url, feed_urls
from ..domain.dates import svensk_datum
from ..domain.errors import NamndbotError
from ..domain.kommando import Kommando, parse_command
from ..domain.meeting import CHAT_ORD, absence
from ..services.directory import CommitteeInfo
from .common import choose_committee, choose_meeting, choose_member, seen_by, team_of, today_in

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from .ports import BotPort

log = logging.getLogger(__name__)


def register(app: AsyncApp, bot: BotPort) -> None:
    @app.command("/namnd")
    async def namnd(ack, body: dict[str, Any], client) -> None:
        try:
            await dispatch(bot, ack, body, client)
        except NamndbotError as exc:
            bot.intake.observe("refused", "slash_command")  # answered at once, nothing stored
            await ack(response_type="ephemeral", text=exc.full())
        except Exception:
            log.exception("/namnd %r failed", body.get("text"))
            await ack(
                response_type="ephemeral",
                text="Något gick fel hos mig. Inget halvfärdigt har sparats; försök igen om en stund.",
            )


@dataclass(frozen=True)
class Anrop:
    """One ``/namnd``: who asked, what, and the means to answer."""

    bot: BotPort
    ack: Callable[..., Awaitable[Any]]
    body: dict[str, Any]
    client: Any
    cmd: Kommando
    user: str

    @property
    def reply(self) -> dict[str, str]:
        return {"response_url": self.body["response_url"]}

    async def submit(self, kind: str, payload: dict[str, Any]) -> None:
        """A report for the intake (stored before it is acknowledged; a retry counts once)."""
        await self.bot.intake.submit(f"cmd:{self.body['trigger_id']}", kind, self.user, payload)

    async def received(self, what: str) -> None:
        await self.ack(response_type="ephemeral", **messages.received(what).payload())

    async def open_form(self, view: Any, what: str) -> None:
        await self.ack()
        self.bot.after_ack(self.client.views_open(trigger_id=self.body["trigger_id"], view=view), self.user, what)


Utan = Callable[[Anrop], Awaitable[bool]]  # True: answered
Med = Callable[[Anrop, CommitteeInfo, datetime], Awaitable[None]]


async def dispatch(bot: BotPort, ack, body: dict[str, Any], client) -> None:
    user, channel = body["user_id"], body.get("channel_id")
    directory = await seen_by(bot, body)
    cmd = parse_command(body.get("text", ""), set(directory.committees))
    anrop = Anrop(bot, ack, body, client, cmd, user)
    first = UTAN_NAMND.get(cmd.verb)
    if first is not None and await first(anrop):
        return
    info = choose_committee(directory, user, cmd.committee, channel)
    handler = VERB.get(cmd.verb)
    if handler is None:
        await bot.extra_command(ack, body, cmd, info, client)
        return
    await handler(anrop, info, bot.clock())


# -- without a committee ---------------------------------------------------------------
async def hjalp(a: Anrop) -> bool:
    await a.ack(response_type="ephemeral", **messages.help_message().payload())
    return True


async def forhinder_formular(a: Anrop) -> bool:
    """``/namnd förhinder`` alone: the form lists the meetings of all the user's committees."""
    cmd = a.cmd
    if cmd.when is not None or cmd.for_name or _partial(cmd):
        return False
    await a.open_form(await a.bot.forhinder_modal(a.user, None, team_of(a.body)), "öppna formuläret för förhinder")
    return True


# -- in a committee ----------------------------------------------------------------------
async def forhinder(a: Anrop, info: CommitteeInfo, now: datetime) -> None:
    cmd = a.cmd
    who = choose_member(info, a.user, cmd.for_name)
    meeting = choose_meeting(info, cmd.when, now, coming_only=True)
    absence(  # refused at once, in the member's words, before anything is stored
        meeting.paragraphs,
        until_paragraph=cmd.until_paragraph,
        from_paragraph=cmd.from_paragraph,
        span=cmd.span,
        jav=cmd.jav,
        vaxeltjanstgoring=info.committee.settings.vaxeltjanstgoring,
        is_ledamot=who.member.is_ledamot,
        meeting_label=f" {svensk_datum(meeting.date)}",
        ord=CHAT_ORD,
        base=meeting.first_paragraph,
    )
    await a.submit(
        "forhinder_add",
        {
            "committee": info.committee.short,
            "date": meeting.date.isoformat(),
            "member": who.member.name,
            "until": cmd.until_paragraph,
            "from": cmd.from_paragraph,
            "span": cmd.span,
            "jav": cmd.jav,
            "tid": cmd.tid,
            "self": not who.acting_for_other,
            "reply": a.reply,
        },
    )
    whose = f"Förhindret för {who.member.label}" if who.acting_for_other else "Ditt förhinder"
    await a.received(f"{whose} till sammanträdet {svensk_datum(meeting.date)}")


async def aterkalla(a: Anrop, info: CommitteeInfo, now: datetime) -> None:
    cmd = a.cmd
    who = choose_member(info, a.user, cmd.for_name)
    if cmd.when is None:  # without a date: the next meeting the member has a förhinder for
        day = await a.bot.namnd.next_forhinder(info.committee.short, who.member.key, today_in(info, now))
        if day is None:
            whose = f"{who.member.label} har" if who.acting_for_other else "Du har"
            raise NamndbotError(f"{whose} inget förhinder anmält till något kommande sammanträde.")
        meeting = info.meeting(day) or choose_meeting(info, day.isoformat(), now, coming_only=True)
    else:
        meeting = choose_meeting(info, cmd.when, now, coming_only=True)
    await a.submit(
        "forhinder_remove",
        {
            "committee": info.committee.short,
            "date": meeting.date.isoformat(),
            "member": who.member.name,
            "self": not who.acting_for_other,
            "reply": a.reply,
        },
    )
    await a.received(f"Återkallelsen för sammanträdet {svensk_datum(meeting.date)}")


async def narvaro(a: Anrop, info: CommitteeInfo, now: datetime) -> None:
    if a.user not in info.secretaries and not any(a.user in s for s in info.party_contacts.values()):
        raise NamndbotError("Närvarolistan är till för nämndens sekreterare.")
    if a.cmd.when is None:  # the latest meeting of the last two weeks, else the next
        today = today_in(info, now)
        past = [m.date for m in info.open_meetings() if m.date <= today]
        recent = info.meeting(past[-1]) if past and (today - past[-1]).days <= 14 else None
        meeting = recent or choose_meeting(info, None, now)
    else:
        meeting = choose_meeting(info, a.cmd.when, now)
    result = await a.bot.namnd.narvaro(info.committee.short, meeting.date)
    text = f"*Närvarande, {info.committee.name} {svensk_datum(meeting.date)}*\n```{result.text().rstrip()}```"
    await a.ack(response_type="ephemeral", text=text)


async def kalender(a: Anrop, info: CommitteeInfo, now: datetime) -> None:
    bot, short = a.bot, info.committee.short
    found = await bot.feeds.token_for_slack(short, a.user, actor=f"slack:{a.user}")
    if found is None:
        raise NamndbotError(
            f"Du är inte själv med i {short}:s roster, så du har ingen egen "
            f"kalender. Nämndens öppna kalender: {committee_url(bot.base_url, short)}"
        )
    https, webcal = feed_urls(bot.base_url, found[1])
    links = messages.feed_links(info.committee, https, webcal, committee_url(bot.base_url, short))
    await a.ack(response_type="ephemeral", **links.payload())


async def paragraf(a: Anrop, info: CommitteeInfo, now: datetime) -> None:
    if a.user not in info.secretaries:
        raise NamndbotError("Det är nämndens sekreterare som sköter sammanträdet här.")
    number = re.search(r"\d{1,4}", a.cmd.rest or "")
    started = [m for m in info.open_meetings() if m.started and m.date == today_in(info, now)]
    if not started:
        raise NamndbotError("Inget sammanträde pågår i dag.", hint="Starta det med knappen i sammanfattningen.")
    await a.submit(
        "meeting_paragraph",
        {
            "committee": info.committee.short,
            "date": started[0].date.isoformat(),
            "number": int(number.group(0)) if number else None,
            "reply": a.reply,
        },
    )
    await a.received("Paragrafbytet")


async def justering(a: Anrop, info: CommitteeInfo, now: datetime) -> None:
    if a.user not in info.secretaries:
        raise NamndbotError("Det är nämndens sekreterare som anger justerare och justeringsdag.")
    today = today_in(info, now)
    meetings = [m for m in info.open_meetings() if (today - m.date).days <= 30 and m.date <= today + timedelta(days=60)]
    if not meetings:
        raise NamndbotError("Det finns inget sammanträde den senaste månaden att ange justering för.")
    selected = choose_meeting(info, a.cmd.when, now).date if a.cmd.when else None
    view = messages.justering_modal(info.committee, meetings, list(info.roster.members), selected)
    await a.open_form(view, "öppna formuläret för justering")


UTAN_NAMND: dict[str, Utan] = {"hjalp": hjalp, "forhinder": forhinder_formular}
VERB: dict[str, Med] = {
    "forhinder": forhinder,
    "aterkalla": aterkalla,
    "narvaro": narvaro,
    "kalender": kalender,
    "paragraf": paragraf,
    "justering": justering,
}


def _partial(cmd: Kommando) -> bool:
    return any(x is not None for x in (cmd.until_paragraph, cmd.from_paragraph, cmd.span, cmd.tid))

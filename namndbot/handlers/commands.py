"""``/namnd``: förhinder, återkalla, närvaro, kalender, hjälp."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ..blocks import messages
from ..calendar.web import committee_url, feed_urls
from ..domain.dates import svensk_datum
from ..domain.errors import NamndbotError
from ..domain.kommando import Kommando, parse_command
from ..domain.meeting import CHAT_ORD, absence
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


async def dispatch(bot: BotPort, ack, body: dict[str, Any], client) -> None:
    user, channel = body["user_id"], body.get("channel_id")
    directory = await seen_by(bot, body)
    cmd = parse_command(body.get("text", ""), set(directory.committees))
    if cmd.verb == "hjalp":
        await ack(response_type="ephemeral", **messages.help_message().payload())
        return
    if cmd.verb == "forhinder" and cmd.when is None and not cmd.for_name and not _partial(cmd):
        # The form lists the meetings of all the user's committees: no need to choose one first.
        view = await bot.forhinder_modal(user, None, team_of(body))
        await ack()
        bot.after_ack(
            client.views_open(trigger_id=body["trigger_id"], view=view), user, "öppna formuläret för förhinder"
        )
        return
    info = choose_committee(directory, user, cmd.committee, channel)
    now = bot.clock()
    if cmd.verb == "forhinder":
        who = choose_member(info, user, cmd.for_name)
        meeting = choose_meeting(info, cmd.when, now, coming_only=True)
        absence(
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
        await bot.intake.submit(
            f"cmd:{body['trigger_id']}",
            "forhinder_add",
            user,
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
                "reply": {"response_url": body["response_url"]},
            },
        )
        whose = f"Förhindret för {who.member.label}" if who.acting_for_other else "Ditt förhinder"
        await ack(
            response_type="ephemeral",
            **messages.received(f"{whose} till sammanträdet {svensk_datum(meeting.date)}").payload(),
        )
    elif cmd.verb == "aterkalla":
        who = choose_member(info, user, cmd.for_name)
        if cmd.when is None:  # without a date: the next meeting the member has a förhinder for
            day = await bot.namnd.next_forhinder(info.committee.short, who.member.key, today_in(info, now))
            if day is None:
                whose = f"{who.member.label} har" if who.acting_for_other else "Du har"
                raise NamndbotError(f"{whose} inget förhinder anmält till något kommande sammanträde.")
            meeting = info.meeting(day) or choose_meeting(info, day.isoformat(), now, coming_only=True)
        else:
            meeting = choose_meeting(info, cmd.when, now, coming_only=True)
        await bot.intake.submit(
            f"cmd:{body['trigger_id']}",
            "forhinder_remove",
            user,
            {
                "committee": info.committee.short,
                "date": meeting.date.isoformat(),
                "member": who.member.name,
                "self": not who.acting_for_other,
                "reply": {"response_url": body["response_url"]},
            },
        )
        await ack(
            response_type="ephemeral",
            **messages.received(f"Återkallelsen för sammanträdet {svensk_datum(meeting.date)}").payload(),
        )
    elif cmd.verb == "narvaro":
        if user not in info.secretaries and not any(user in s for s in info.party_contacts.values()):
            raise NamndbotError("Närvarolistan är till för nämndens sekreterare.")
        dates = [m.date for m in info.open_meetings()]
        if cmd.when is None:
            today = today_in(info, now)
            past = [d for d in dates if d <= today]
            recent = info.meeting(past[-1]) if past and (today - past[-1]).days <= 14 else None
            meeting = recent or choose_meeting(info, None, now)
        else:
            meeting = choose_meeting(info, cmd.when, now)
        result = await bot.namnd.narvaro(info.committee.short, meeting.date)
        text = f"*Närvarande, {info.committee.name} {svensk_datum(meeting.date)}*\n```{result.text().rstrip()}```"
        await ack(response_type="ephemeral", text=text)
    elif cmd.verb == "kalender":
        found = await bot.feeds.token_for_slack(info.committee.short, user, actor=f"slack:{user}")
        if found is None:
            raise NamndbotError(
                f"Du är inte själv med i {info.committee.short}:s roster, så du har ingen egen "
                f"kalender. Nämndens öppna kalender: {committee_url(bot.base_url, info.committee.short)}"
            )
        https, webcal = feed_urls(bot.base_url, found[1])
        await ack(
            response_type="ephemeral",
            **messages.feed_links(
                info.committee, https, webcal, committee_url(bot.base_url, info.committee.short)
            ).payload(),
        )
    elif cmd.verb == "paragraf":
        if user not in info.secretaries:
            raise NamndbotError("Det är nämndens sekreterare som sköter sammanträdet här.")
        import re as _re

        number = _re.search(r"\d{1,4}", cmd.rest or "")
        started = [m for m in info.open_meetings() if m.started and m.date == today_in(info, now)]
        if not started:
            raise NamndbotError("Inget sammanträde pågår i dag.", hint="Starta det med knappen i sammanfattningen.")
        await bot.intake.submit(
            f"cmd:{body['trigger_id']}",
            "meeting_paragraph",
            user,
            {
                "committee": info.committee.short,
                "date": started[0].date.isoformat(),
                "number": int(number.group(0)) if number else None,
                "reply": {"response_url": body["response_url"]},
            },
        )
        await ack(response_type="ephemeral", **messages.received("Paragrafbytet").payload())
    elif cmd.verb == "justering":
        if user not in info.secretaries:
            raise NamndbotError("Det är nämndens sekreterare som anger justerare och justeringsdag.")
        today = today_in(info, now)
        meetings = [
            m for m in info.open_meetings() if (today - m.date).days <= 30 and m.date <= today + timedelta(days=60)
        ]
        if not meetings:
            raise NamndbotError("Det finns inget sammanträde den senaste månaden att ange justering för.")
        selected = choose_meeting(info, cmd.when, now).date if cmd.when else None
        view = messages.justering_modal(info.committee, meetings, list(info.roster.members), selected)
        await ack()
        bot.after_ack(
            client.views_open(trigger_id=body["trigger_id"], view=view), user, "öppna formuläret för justering"
        )
    else:
        await bot.extra_command(ack, body, cmd, info, client)


def _partial(cmd: Kommando) -> bool:
    return any(x is not None for x in (cmd.until_paragraph, cmd.from_paragraph, cmd.span, cmd.tid))

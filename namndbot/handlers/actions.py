"""Buttons: Ångra, Jag kommer / Jag kan inte, Anmäl förhinder."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from ..blocks import messages
from ..blocks.views import PHONED_ACTION
from ..domain.errors import NamndbotError
from .common import NotOnRoster, own_committee, seen_by, team_of

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from .ports import BotPort

log = logging.getLogger(__name__)

KINDS = {"forhinder_angra": "forhinder_remove", "svar_kommer": "svar_kommer", "svar_kan_inte": "svar_kan_inte"}


async def answering(
    ack,
    body: dict[str, Any],
    respond,
    client,
    what: str,
    work: Callable[[Callable[..., Awaitable[None]]], Awaitable[None]],
    observe: Callable[[str, str], None] | None = None,
) -> None:
    """Run a button's ``work``; whatever goes wrong, the click is acknowledged and the clicker told
    why, in Swedish (a bug is logged, never shown)."""
    acked = False

    async def ack_once(**kwargs: Any) -> None:
        nonlocal acked
        if not acked:
            acked = True
            await ack(**kwargs)

    try:
        await work(ack_once)
        return
    except NamndbotError as exc:
        text = exc.full()
        if observe is not None:
            observe("refused", "button")  # answered at once, nothing stored
    except Exception:
        log.exception("button %s failed", what)
        text = "Något gick fel hos mig; försök igen om en stund."
    await ack_once()
    try:
        if body.get("response_url"):
            await respond(text=text, response_type="ephemeral", replace_original=False)
        else:  # a button in App Home: no response_url, so a DM
            await client.chat_postMessage(channel=body["user"]["id"], text=text)
    except Exception:
        log.exception("could not tell %s why button %s failed", body.get("user", {}).get("id"), what)


def register(app: AsyncApp, bot: BotPort) -> None:
    @app.action("forhinder_angra")
    @app.action("svar_kommer")
    @app.action("svar_kan_inte")
    @app.action(re.compile(rf"^{PHONED_ACTION}\d+$"))  # the secretaries' summary: a yes given by phone
    async def report_button(ack, body: dict[str, Any], action: dict[str, Any], respond, client) -> None:
        user = body["user"]["id"]
        phoned = action["action_id"].startswith(PHONED_ACTION)
        kind = "svar_kommer" if phoned else KINDS[action["action_id"]]

        async def work(ack) -> None:
            short, day, member = messages.unref(action["value"])
            directory = await seen_by(bot, body)
            info = directory.committees.get(short)
            if info is None or short not in directory.committees_of(user):
                raise NotOnRoster()
            person = next((m for m in info.roster.members if m.name == member), None)
            if person is None or not info.may_act_for(user, person):
                raise NamndbotError("Den här knappen är inte till för dig.")
            value = json.loads(action["value"])
            only = value.get("o")
            called = value.get("k")  # the call-in the button was sent for (absent on older buttons)
            key = _click_key(action["action_id"], _where(body), action["value"])
            if phoned:  # the summary stays for weeks: a later call-in of the same person is a new yes
                key = _click_key(key, action.get("action_ts"))
            reply: dict[str, Any] = _reply(body)
            if phoned:
                reply["replace"] = False  # the answer goes beside the summary, which stays
            submitted = await bot.intake.submit(
                key,
                kind,
                user,
                {
                    "committee": short,
                    "date": day.isoformat(),
                    "member": member,
                    "reply": reply,
                    "self": info.member_by_slack(user) == person,
                    **({"only": only} if only else {}),
                    **({"called": called} if called is not None and not phoned else {}),
                },
            )
            await ack()
            if submitted.duplicate:
                log.info("duplicate click %s from %s ignored", action["action_id"], user)

        await answering(ack, body, respond, client, action.get("action_id", ""), work, bot.intake.observe)

    @app.action("justering_klar")
    async def justerat(ack, body: dict[str, Any], action: dict[str, Any], respond, client) -> None:
        async def work(ack) -> None:
            user = body["user"]["id"]
            short, day, _ = messages.unref(action["value"])
            await own_committee(bot, body, short)
            key = _click_key("justering_klar", _where(body), action["value"], user)
            await bot.intake.submit(
                key, "justering_klar", user, {"committee": short, "date": day.isoformat(), "reply": _reply(body)}
            )
            await ack()

        await answering(ack, body, respond, client, "justering_klar", work, bot.intake.observe)

    @app.action("starta_sammantrade")
    @app.action("ersattare_anlander")
    async def meeting_day(ack, body: dict[str, Any], action: dict[str, Any], client, respond) -> None:
        async def work(ack) -> None:
            user = body["user"]["id"]
            short, day, _ = messages.unref(action["value"])
            info = (await seen_by(bot, body)).committees.get(short)
            if info is None or user not in info.secretaries:
                raise NamndbotError("Det är nämndens sekreterare som sköter sammanträdet här.")
            meeting = info.meeting(day)
            if meeting is None or meeting.cancelled:
                raise NamndbotError("Sammanträdet finns inte längre.")
            ersattare = list(info.roster.ersattare)
            if action["action_id"] == "starta_sammantrade":
                result = await bot.namnd.narvaro(short, day)
                expected = [info.roster.by_key()[a.ersattare].name for a in result.plan.assignments]
                view = messages.start_modal(info.committee, meeting, ersattare, expected)
            else:
                view = messages.anlander_modal(info.committee, meeting, ersattare)
            await ack()
            bot.after_ack(client.views_open(trigger_id=body["trigger_id"], view=view), user, "öppna formuläret")

        await answering(ack, body, respond, client, action.get("action_id", ""), work, bot.intake.observe)

    @app.action("nasta_paragraf")
    async def next_paragraph(ack, body: dict[str, Any], action: dict[str, Any], respond, client) -> None:
        async def work(ack) -> None:
            user = body["user"]["id"]
            short, day, _ = messages.unref(action["value"])
            await own_committee(bot, body, short)
            target = json.loads(action["value"]).get("p")  # the paragraph the button was showing
            once = target if target is not None else action.get("action_ts")
            key = _click_key("nasta", body.get("container", {}).get("message_ts"), once)
            await bot.intake.submit(
                key,
                "meeting_paragraph",
                user,
                {
                    "committee": short,
                    "date": day.isoformat(),
                    "reply": {"user": user},
                    **({"number": int(target)} if target is not None else {}),
                },
            )
            await ack()

        await answering(ack, body, respond, client, "nasta_paragraf", work, bot.intake.observe)

    @app.action("oppna_forhinder")
    async def open_modal(ack, body: dict[str, Any], action: dict[str, Any], respond, client) -> None:
        async def work(ack) -> None:
            user = body["user"]["id"]
            selected = None
            if action.get("value"):
                short, day, _ = messages.unref(action["value"])
                selected = (short, day)
            view = await bot.forhinder_modal(user, selected, team_of(body))
            await ack()
            bot.after_ack(
                client.views_open(trigger_id=body["trigger_id"], view=view), user, "öppna formuläret för förhinder"
            )

        await answering(ack, body, respond, client, "oppna_forhinder", work, bot.intake.observe)


def _reply(body: dict[str, Any]) -> dict[str, str]:
    """Where the answer goes: the message the button sat on, or else a DM."""
    return {"response_url": body["response_url"]} if body.get("response_url") else {"user": body["user"]["id"]}


def _where(body: dict[str, Any]) -> str:
    """The message a button sat on (or, without one, its response_url)."""
    return body.get("container", {}).get("message_ts") or body.get("response_url", "")


def _click_key(*parts: Any) -> str:
    """The intake's dedupe key for a click: the same button on the same message counts once, however
    often it is clicked (and however often Slack retries)."""
    return "btn:" + hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()

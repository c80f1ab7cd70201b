"""The förhinder modal's submission."""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import TYPE_CHECKING, Any

from ..blocks import messages
from ..domain.errors import NamndbotError
from ..domain.meeting import CHAT_ORD, absence
from ..domain.names import match_name
from .common import own_committee, team_of, today_in

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from .ports import BotPort

log = logging.getLogger(__name__)


def _value(values: dict, block: str) -> Any:
    element = values.get(block, {}).get("v", {})
    if "selected_option" in element:
        return (element["selected_option"] or {}).get("value")
    return element.get("value")


def register(app: AsyncApp, bot: BotPort) -> None:
    @app.view(messages.FORHINDER_MODAL)
    async def submitted(ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user = body["user"]["id"]
        values = view["state"]["values"]
        try:
            payload = await validate(bot, user, values, team_of(body))
        except FieldError as exc:
            bot.intake.observe("refused", "form")
            await ack(response_action="errors", errors={exc.block: exc.message})
            return
        except NamndbotError as exc:
            bot.intake.observe("refused", "form")
            await ack(response_action="errors", errors={"mote": _short(exc.full())})
            return
        payload["reply"] = {"user": user}
        await _submit(ack, bot, view, "forhinder_add", user, payload, "mote")

    @app.view(messages.JUSTERING_MODAL)
    async def justering_submitted(ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user = body["user"]["id"]
        values = view["state"]["values"]
        chosen = _value(values, "mote") or ""
        when = (values.get("dag", {}).get("v", {}) or {}).get("selected_date")
        people = [v for v in (_value(values, "justerare1"), _value(values, "justerare2")) if v]
        if "|" not in chosen:
            await ack(response_action="errors", errors={"mote": "Välj ett sammanträde."})
            return
        if not when:
            await ack(response_action="errors", errors={"dag": "Välj justeringsdag."})
            return
        if len(set(people)) != len(people):
            await ack(response_action="errors", errors={"justerare2": "Välj två olika justerare."})
            return
        short, day = chosen.split("|", 1)
        if not await _ours(bot, body, short):
            await ack(response_action="errors", errors={"mote": "Du är inte med i den nämnden."})
            return
        if when < day:
            await ack(response_action="errors", errors={"dag": "Protokollet kan inte justeras före sammanträdet."})
            return
        payload = {"committee": short, "date": day, "justerare": people, "when": when, "reply": {"user": user}}
        await _submit(ack, bot, view, "justering_set", user, payload, "mote")

    @app.view(messages.START_MODAL)
    async def start_submitted(ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user = body["user"]["id"]
        short, day, _ = messages.unref(view["private_metadata"])
        if not await _ours(bot, body, short):
            await ack(response_action="errors", errors={"narvarande": "Du är inte med i den nämnden."})
            return
        chosen = view["state"]["values"].get("narvarande", {}).get("v", {}).get("selected_options") or []
        present = [o["value"] for o in chosen]
        payload = {"committee": short, "date": day.isoformat(), "present": present, "reply": {"user": user}}
        await _submit(ack, bot, view, "meeting_start", user, payload, "narvarande")

    @app.view(messages.ANLANDER_MODAL)
    async def arrival_submitted(ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user = body["user"]["id"]
        short, day, _ = messages.unref(view["private_metadata"])
        if not await _ours(bot, body, short):
            await ack(response_action="errors", errors={"vem": "Du är inte med i den nämnden."})
            return
        who = _value(view["state"]["values"], "vem")
        if not who:
            await ack(response_action="errors", errors={"vem": "Välj en ersättare."})
            return
        payload = {"committee": short, "date": day.isoformat(), "member": who, "reply": {"user": user}}
        await _submit(ack, bot, view, "meeting_present", user, payload, "vem")


NOT_STORED = "Det gick inte att spara just nu. Försök igen om en stund; formuläret är kvar."


async def _submit(
    ack: Any, bot: BotPort, view: dict[str, Any], kind: str, user: str, payload: dict[str, Any], field: str
) -> None:
    """Store the form's report, then close the form; if it cannot be stored (the database, for a
    moment), the form stays open and says so in Swedish (never a bare 500: Slack's English error)."""
    try:
        await bot.intake.submit(f"view:{view['id']}:{view.get('hash', '')}", kind, user, payload)
    except Exception:
        log.exception("a form (%s) could not be stored", kind)
        await ack(response_action="errors", errors={field: NOT_STORED})
        return
    await ack()


async def _ours(bot: BotPort, body: dict[str, Any], short: str) -> bool:
    """The committee a form names belongs to the workspace the form was submitted in."""
    try:
        await own_committee(bot, body, short)
    except NamndbotError:
        return False
    return True


class FieldError(NamndbotError):
    def __init__(self, block: str, message: str) -> None:
        super().__init__(message)
        self.block = block


async def validate(bot: BotPort, user: str, values: dict, team: str | None = None) -> dict[str, Any]:
    """Read the modal into an intake payload, or say which field is wrong."""
    directory = await bot.directory.seen_from(team)
    chosen = _value(values, "mote")
    if not chosen or "|" not in chosen:
        raise FieldError("mote", "Välj ett sammanträde.")
    short, day_text = chosen.split("|", 1)
    info = directory.committees.get(short)
    if info is None or short not in directory.committees_of(user):
        raise FieldError("mote", "Du är inte med i den nämnden.")
    meeting = info.meeting(date.fromisoformat(day_text))
    if meeting is None or meeting.cancelled:
        raise FieldError("mote", "Det sammanträdet finns inte längre.")
    if meeting.date < today_in(info, bot.clock()):
        raise FieldError("mote", "Det sammanträdet har redan hållits; förhinder anmäls till kommande sammanträden.")
    for_name = _value(values, "vem")
    own = info.member_by_slack(user)
    if for_name:
        member = match_name(for_name, info.roster.members, lambda m: m.name)
        if not info.may_act_for(user, member):
            raise FieldError("vem", "Du kan bara anmäla för dig själv.")
    elif own is not None:
        member = own
    else:
        raise FieldError("vem", "Välj vem förhindret gäller.")
    part = _value(values, "del") or "hela"
    when = (_value(values, "nar") or "").strip()
    fields: dict[str, Any] = {}
    if part in ("kommer", "gar"):
        if not when:
            raise FieldError("nar", "Skriv från vilken paragraf (§ 5) eller vilket klockslag (17.30).")
        m_par = re.fullmatch(r"§?\s*(\d{1,4})", when)
        m_time = re.fullmatch(r"(?:kl\.?\s*)?(\d{1,2})[.:](\d{2})", when)
        if m_par:
            p = int(m_par.group(1))
            lo, hi = meeting.first_paragraph, meeting.last_paragraph
            if hi is not None and not lo <= p <= hi:
                raise FieldError(
                    "nar",
                    f"Sammanträdet har {meeting.range_text}; skriv en paragraf mellan § {lo + 1} och § {hi}.",
                )
            if part == "gar" and p <= lo:
                raise FieldError("nar", f"Går du före § {lo} gäller förhindret hela sammanträdet.")
            if part == "kommer" and p <= lo:
                raise FieldError("nar", f"Kommer du till § {lo} har du inget förhinder.")
            if part == "kommer":
                fields["from"] = p
            else:
                fields["until"] = p - 1
        elif m_time and int(m_time.group(1)) < 24 and int(m_time.group(2)) < 60:
            fields["tid"] = f"{'kommer' if part == 'kommer' else 'går'} {int(m_time.group(1)):02d}:{m_time.group(2)}"
        else:
            raise FieldError("nar", "Skriv en paragraf som § 5 eller ett klockslag som 17.30.")
        try:
            absence(
                meeting.paragraphs,
                until_paragraph=fields.get("until"),
                from_paragraph=fields.get("from"),
                vaxeltjanstgoring=info.committee.settings.vaxeltjanstgoring,
                is_ledamot=member.is_ledamot,
                ord=CHAT_ORD,
                base=meeting.first_paragraph,
            )
        except NamndbotError as exc:
            raise FieldError("nar", _short(exc.full())) from None
    return {
        "committee": short,
        "date": meeting.date.isoformat(),
        "member": member.name,
        "self": own is not None and own.key == member.key,
        **fields,
    }


def _short(text: str, limit: int = 150) -> str:
    """A form's field message is short: cut at a word, not in the middle of one."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"

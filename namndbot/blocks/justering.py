"""Justering of the protocol: reminders to the justerare, the law's deadline, a justerare who can no
longer justera, and the post when the protocol is justerat.
"""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from ..domain.dates import svensk_datum
from ..domain.meeting import Meeting
from ..domain.model import Committee
from ..domain.paragraphs import format_numbers
from .limits import section, text_sections
from .meddelande import Message, dag, plain, ref


def _justerat_button(committee: Committee, m: Meeting) -> dict:
    return ActionsBlock(
        elements=[
            ButtonElement(
                text="Justerat", action_id="justering_klar", style="primary", value=ref(committee.short, m.date, "")
            )
        ]
    ).to_dict()


def justering_reminder(committee: Committee, m: Meeting, day: date, whom: list[str], when_word: str | None) -> Message:
    others = f" Justerare: {', '.join(whom)}." if whom else ""
    text = (
        f"Påminnelse: du ska justera protokollet från {committee.name}s sammanträde {svensk_datum(m.date)}"
        f" {'i dag' if when_word == 'i dag' else 'på ' + svensk_datum(day)}.{others}"
    )
    if when_word != "i dag":
        return plain(text)
    text += " Tryck Justerat när det är klart (eller låt sekreteraren göra det)."
    return Message(text, [section(text).to_dict(), _justerat_button(committee, m)])


def justering_today(committee: Committee, m: Meeting, whom: list[str]) -> Message:
    text = (
        f"Protokollet från {committee.name}s sammanträde {svensk_datum(m.date)} justeras i dag"
        + (f" av {', '.join(whom)}" if whom else "")
        + ". Tryck Justerat när det är klart."
    )
    return Message(text, [section(text).to_dict(), _justerat_button(committee, m)])


def justering_overdue(committee: Committee, m: Meeting, day: date, limit: date) -> Message:
    text = (
        f"Protokollet från {committee.name}s sammanträde {svensk_datum(m.date)} skulle ha justerats "
        f"{svensk_datum(day)} men är inte markerat som justerat. Enligt kommunallagen ska det vara justerat "
        f"senast {svensk_datum(limit)}."
    )
    return Message(text, [section(text).to_dict(), _justerat_button(committee, m)])


def justering_limit(committee: Committee, m: Meeting, limit: date) -> Message:
    text = (
        f":warning: Lagens gräns närmar sig: protokollet från {committee.name}s sammanträde "
        f"{svensk_datum(m.date)} ska vara justerat senast {svensk_datum(limit)} (14 dagar efter sammanträdet, "
        "KL 6 kap. 35 §)."
    )
    return Message(text, [section(text).to_dict(), _justerat_button(committee, m)])


def justerare_hindrad(committee: Committee, m: Meeting, justerare: str, reason: str | None) -> Message:
    """To the secretaries: a justerare chosen for the meeting has since reported förhinder."""
    what = "tjänstgör inte längre vid" if reason == "tjanstgor_inte" else "har anmält förhinder till"
    text = (
        f":warning: Justeraren {justerare} {what} {committee.name}s sammanträde {svensk_datum(m.date)} "
        "och kan därför inte justera protokollet. Välj en annan justerare med `/namnd justering`."
    )
    return plain(text)


def justerare_tillbaka(committee: Committee, m: Meeting, justerare: str) -> Message:
    """To the secretaries: a justerare whose förhinder they were told of has withdrawn it."""
    return plain(
        f"Justeraren {justerare} har återkallat sitt förhinder till {committee.name}s sammanträde "
        f"{svensk_datum(m.date)} och kan justera protokollet som planerat: ingen annan justerare behöver väljas."
    )


def justerad(committee: Committee, m: Meeting, facts: dict) -> Message:
    """The post in the channel when the protocol is justerat: anslag, appeal and take-down dates."""
    lines = [
        f"*Protokollet från {committee.name}s sammanträde {svensk_datum(m.date)} är justerat* "
        f"({svensk_datum(date.fromisoformat(facts['justerad']))})."
    ]
    lines.append(f"• Justeringen ska tillkännages på anslagstavlan senast {dag(facts['anslag_senast'])}.")
    basis = ("anslaget " + dag(facts["anslag"])) if facts.get("anslag") else f"ett anslag {dag(facts['anslag_senast'])}"
    lines.append(f"• Sista dag att överklaga: {dag(facts['overklagande_sista_dag'])} (tre veckor från {basis}).")
    lines.append(f"• Anslaget får tas ned tidigast {dag(facts['anslag_ned_tidigast'])}.")
    if facts.get("omedelbart_justerade"):
        paragraphs = format_numbers(facts["omedelbart_justerade"])
        lines.append(f"• Omedelbart justerade vid sammanträdet: {paragraphs}.")
    text = "\n".join(lines)
    return Message(text.replace("*", ""), [b.to_dict() for b in text_sections(text)])

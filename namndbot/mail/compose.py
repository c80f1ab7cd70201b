"""What the bot says by e-mail: Swedish subject and text, the same as HTML, and for a call-in or a
meeting reminder the meeting as an iCalendar invitation (METHOD:REQUEST).

A composed mail is stored in the outbox as plain JSON (:class:`Brev` ``.payload``) and turned into
an :class:`email.message.EmailMessage` only when sent (:func:`message`), with the Message-ID it
was given when queued: every attempt sends the same message.
"""

from __future__ import annotations

import html
import secrets
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr, formatdate

from ..domain.dates import klockslag, svensk_datum
from ..domain.meeting import Meeting
from ..domain.model import Committee

FOOTER = (
    "Det här meddelandet kommer från namndbot, nämndens sammanträdesassistent. Frågor besvaras av nämndens sekreterare."
)


@dataclass(frozen=True)
class Knapp:
    label: str
    url: str


@dataclass(frozen=True)
class Brev:
    subject: str
    stycken: tuple[str, ...]  # paragraphs of plain text
    knappar: tuple[Knapp, ...] = ()
    ics: str | None = None
    efter: tuple[str, ...] = field(default=())  # paragraphs after the links
    ics_method: str = "REQUEST"  # or CANCEL

    @property
    def text(self) -> str:
        parts = [s for s in self.stycken if s]
        for k in self.knappar:
            parts.append(f"{k.label}:\n{k.url}")
        parts.extend(self.efter)
        parts.append("-- \n" + FOOTER)
        return "\n\n".join(parts) + "\n"

    @property
    def html(self) -> str:
        body = "".join(f"<p>{_html_lines(s)}</p>\n" for s in self.stycken if s)
        if self.knappar:
            links = "".join(
                f'<a href="{html.escape(k.url, quote=True)}" style="display:inline-block;margin:0 12px 12px 0;'
                "padding:12px 20px;border-radius:6px;background:#0b5394;color:#ffffff;font-weight:bold;"
                f'text-decoration:none;font-size:18px">{html.escape(k.label)}</a>'
                for k in self.knappar
            )
            body += f"<p>{links}</p>\n"
        body += "".join(f"<p>{_html_lines(s)}</p>\n" for s in self.efter)
        return (
            '<!DOCTYPE html>\n<html lang="sv"><head><meta charset="utf-8">'
            f"<title>{html.escape(self.subject)}</title></head>\n"
            '<body style="font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;'
            'background:#ffffff;max-width:40em">\n'
            f"{body}"
            f'<p style="color:#4a4a4a;font-size:14px">{html.escape(FOOTER)}</p>\n</body></html>\n'
        )

    def payload(self, *, to: str, name: str, committee: str, message_id: str) -> dict:
        """The outbox row's payload (``to`` is also the row's target)."""
        return {
            "to": to,
            "namn": name,
            "committee": committee,
            "subject": self.subject,
            "text": self.text,
            "html": self.html,
            "ics": self.ics,
            "ics_method": self.ics_method,
            "message_id": message_id,
        }


def _html_lines(text: str) -> str:
    return "<br>\n".join(html.escape(line) for line in text.split("\n"))


def new_message_id(mail_from: str) -> str:
    """A Message-ID, made once when the mail is queued (so a resent mail has the same one)."""
    domain = mail_from.rpartition("@")[2] or "namndbot.invalid"
    return f"<{secrets.token_hex(16)}.namndbot@{domain}>"


def message(payload: dict, mail_from: str, *, from_name: str = "namndbot") -> EmailMessage:
    """The mail to send: text, the same as HTML, and the invitation when there is one."""
    msg = EmailMessage()
    msg["Subject"] = payload["subject"]
    msg["From"] = formataddr((from_name, mail_from))
    msg["To"] = formataddr((payload.get("namn") or "", payload["to"]))
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = payload["message_id"]
    msg["Auto-Submitted"] = "auto-generated"
    msg["Content-Language"] = "sv"
    msg.set_content(payload["text"])
    msg.add_alternative(payload["html"], subtype="html")
    if payload.get("ics"):
        msg.add_alternative(payload["ics"], subtype="calendar", params={"method": payload.get("ics_method", "REQUEST")})
    return msg


# -- the messages ------------------------------------------------------------------------------------
def _when(committee: Committee, m: Meeting) -> str:
    return f"{svensk_datum(m.date)} {klockslag(m.start)}"


def _place(committee: Committee, m: Meeting) -> list[str]:
    lines = []
    if m.location or committee.settings.plats:
        lines.append(f"Plats: {m.location or committee.settings.plats}")
    if m.note:
        lines.append(f"Huvudärende: {m.note}")
    return lines


def call_in(
    committee: Committee, m: Meeting, seat: str, reason: str, kommer: str, kan_inte: str, ics: str | None
) -> Brev:
    details = [f"{committee.name}, {_when(committee, m)}", *_place(committee, m), f"Du tjänstgör {seat}."]
    return Brev(
        subject=f"Inkallelse: {committee.name} {_when(committee, m)}",
        stycken=(
            f"Du är inkallad att tjänstgöra {seat} vid {committee.name}s sammanträde {_when(committee, m)}.",
            "\n".join(details),
            f"Varför du: {reason}" if reason else "",
            "Svara genom att öppna en av länkarna nedan och trycka på knappen på sidan som öppnas.",
        ),
        knappar=(Knapp("Jag kommer", kommer), Knapp("Jag kan inte", kan_inte)),
        efter=(
            "Sammanträdet finns som kalenderinbjudan i det här meddelandet. "
            "Kan du inte svara via länkarna går det bra att ringa nämndens sekreterare.",
        ),
        ics=ics,
    )


def call_in_reminder(
    committee: Committee, m: Meeting, seats: list[str], kommer: str | None, kan_inte: str | None, ics: str | None
) -> Brev:
    text = (
        f"Påminnelse: du är inkallad att tjänstgöra för {', '.join(seats)} vid {committee.name}s sammanträde "
        f"{_when(committee, m)}, men har inte svarat."
    )
    knappar = (Knapp("Jag kommer", kommer), Knapp("Jag kan inte", kan_inte)) if kommer and kan_inte else ()
    return Brev(
        subject=f"Påminnelse: svara på inkallelsen till {committee.name} {svensk_datum(m.date)}",
        stycken=(text, *(["\n".join(_place(committee, m))] if _place(committee, m) else [])),
        knappar=knappar,
        ics=ics,
    )


def meeting_reminder(committee: Committee, m: Meeting, days: int | None, ics: str | None) -> Brev:
    head = f"Påminnelse: {committee.name} sammanträder {_when(committee, m)}"
    if days is not None:
        head += " (i morgon)" if days == 1 else (" (i dag)" if days == 0 else f" (om {days} dagar)")
    lines = _place(committee, m)
    return Brev(
        subject=f"Påminnelse: {committee.name} {_when(committee, m)}",
        stycken=(
            head + ".",
            *(["\n".join(lines)] if lines else []),
            "Kan du inte komma, hela eller en del av sammanträdet? Hör av dig till nämndens sekreterare, "
            "så kallas en ersättare in.",
        ),
        ics=ics,
    )


def meeting_changed(committee: Committee, m: Meeting, ics: str, method: str) -> Brev:
    if method == "CANCEL":
        return Brev(
            subject=f"Inställt: {committee.name} {svensk_datum(m.date)}",
            stycken=(f"{committee.name}s sammanträde {_when(committee, m)} är inställt.",),
            ics=ics,
            ics_method=method,
        )
    lines = _place(committee, m)
    return Brev(
        subject=f"Ändrat sammanträde: {committee.name} {_when(committee, m)}",
        stycken=(
            f"{committee.name}s sammanträde är ändrat: det hålls nu {_when(committee, m)}.",
            *(["\n".join(lines)] if lines else []),
            "Kalenderinbjudan i det här meddelandet flyttar sammanträdet i din kalender.",
        ),
        ics=ics,
        ics_method=method,
    )


def plain(subject: str, text: str) -> Brev:
    return Brev(subject=subject, stycken=(text,))


def subject_for(kind: str, committee: Committee, m: Meeting | None = None, day: date | None = None) -> str:
    """Subjects for the mails that say what a Slack DM says."""
    when = svensk_datum(m.date) if m is not None else (svensk_datum(day) if day else "")
    return {
        "withdrawn": f"Inkallelsen är återkallad: {committee.name} {when}",
        "released": f"Du behövs inte längre: {committee.name} {when}",
        "changed": f"Ändrad inkallelse: {committee.name} {when}",
        "justering": f"Påminnelse: justering av protokollet från {committee.name} {when}",
        "skrivelse": f"Svar på din skrivelse ({committee.name})",
    }[kind]

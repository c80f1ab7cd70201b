"""``namndbot demo``: the real bot against a local stand-in for Slack, playing a meeting week.

Loads the Arbetsmarknadsnämnd's roster (protocol of 2019-11-26) and its
schedule for 2020 (§ 10 of that protocol), gives everyone a made-up Slack
id, starts the real slack-bolt app in HTTP mode against the fake Web API,
and plays the week before the meeting of 17 March 2020 with real signed
requests: two förhinder, a decline, a partial absence, a confirmation. It
prints the conversation as a transcript, and the feed URLs it serves.
"""

from __future__ import annotations

import asyncio
import html
import re
import secrets
import tempfile
import textwrap
import time
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from importlib import resources
from pathlib import Path

from aiohttp import ClientSession

from ..calendar.web import committee_url, feed_urls
from ..mail.local import LocalMail
from ..services.schedule import import_schedule
from ..settings import Settings
from .fake_slack import FakeSlack
from .fake_slack_user import SlackUser, select, text_input
from .server import Mode, start

DEMO_START = datetime(2020, 3, 10, 8, 30, tzinfo=UTC)  # a week before the meeting of 17 March 2020
SECRETARY = ("Sara Sekreterare", "U0SEKR0001")
SECRETARIES_CHANNEL = "C0SEKRETER"
WITHOUT_SLACK = ("Mattias Mårdenfjord",)  # has an e-mail address in the roster, and no Slack
MAIL_FROM = "amn@example.se"


def fake_user_id(name: str) -> str:
    letters = re.sub(r"[^A-Z]", "", name.upper().translate(str.maketrans("ÅÄÖÉ", "AAOE")))[:6]
    return f"U{letters}{sum(map(ord, name)) % 1000:03d}"


def demo_roster() -> str:
    text = resources.files("namndbot.demo").joinpath("amn-2019-11.toml").read_text(encoding="utf-8")

    def add(m: re.Match) -> str:
        if m.group(1) == "Arbetsmarknadsnämnden" or m.group(1) in WITHOUT_SLACK:
            return m.group(0)
        return f'{m.group(0)}\nslack = "{fake_user_id(m.group(1))}"'

    text = re.sub(r'^name = "([^"]+)"$', add, text, flags=re.M)
    return text.replace(
        'default_start = "16:00"',
        f'default_start = "16:00"\nsecretaries = ["{SECRETARY[1]}"]\nsecretaries_channel = "{SECRETARIES_CHANNEL}"',
    )


class Transcript:
    def __init__(self, fake: FakeSlack, names: dict[str, str], mail: LocalMail | None = None) -> None:
        self.fake = fake
        self.names = names
        self.seen = 0
        self.summary = ""
        self.mail = mail
        self.mails_seen = len(mail.received) if mail else 0

    def say(self, who: str, what: str) -> None:
        print(f"\n▶ {who}: {what}")

    def note(self, text: str) -> None:
        print(f"  ({text})")

    def bot(self, where: str, text: str) -> None:
        body = textwrap.indent(text.strip(), "    ")
        print(f"◀ namndbot {where}:\n{body}")

    def flush(self) -> None:
        """Print what the bot said since the last flush."""
        for call in self.fake.calls[self.seen :]:
            a = call.args
            if call.method == "chat.postMessage":
                channel = str(a.get("channel", ""))
                if channel == SECRETARIES_CHANNEL:
                    self.summary = _summary_text(a)
                    self.bot("i #sekreterare (en sammanfattning skapas, och uppdateras sedan på plats)", self.summary)
                else:
                    who = self.names.get(channel.removeprefix("D"), channel)
                    self.bot(f"→ {who} (DM)", _with_buttons(a))
            elif call.method == "chat.update" and a.get("channel") == SECRETARIES_CHANNEL:
                new = _summary_text(a)
                self.bot("i #sekreterare (sammanfattningen uppdateras)", _changes(self.summary, new))
                self.summary = new
            elif call.method == "response_url":
                self.bot("(bara för dig)", _with_buttons(a))
            elif call.method == "views.open":
                self.bot("(öppnar formulär)", str((a.get("view") or {}).get("title", {}).get("text", "")))
        self.seen = len(self.fake.calls)
        if self.mail is not None:
            for _rcpt, msg in self.mail.received[self.mails_seen :]:
                self.bot(f"→ {msg['To']} (e-post)", _mail_text(msg))
            self.mails_seen = len(self.mail.received)


def _mail_text(msg: EmailMessage) -> str:
    """A mail as the transcript shows it: subject, text (without the footer), attachments."""
    text = ""
    extras = []
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            text = part.get_content().replace("\r\n", "\n").split("\n-- \n")[0].strip()
        elif part.get_content_type() == "text/html":
            extras.append("HTML")
        elif part.get_content_type() == "text/calendar":
            extras.append(f"kalenderinbjudan (METHOD:{part.get_param('method')})")
    return f"Ämne: {msg['Subject']}\n{text}\n[{' + '.join(['text', *extras])}]"


def _page_text(page: str) -> str:
    """The answer page as the transcript shows it: heading, what it says, its buttons."""
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S)
    said = re.search(r'role="status">(.*?)</p>', page, re.S)
    details = re.findall(r"<li>(.*?)</li>", page)
    buttons = re.findall(r"<button[^>]*>(.*?)</button>", page)
    lines = [html.unescape(heading.group(1)) if heading else ""]
    lines += [f"  {html.unescape(d)}" for d in details]
    lines.append(html.unescape(said.group(1)) if said else "")
    if buttons:
        lines.append("[" + "] [".join(html.unescape(b) for b in buttons) + "]")
    return "\n".join(line for line in lines if line)


def _with_buttons(args: dict) -> str:
    text = str(args.get("text", ""))
    buttons = [
        e["text"]["text"]
        for b in (args.get("blocks") or [])
        if b.get("type") == "actions"
        for e in b.get("elements", [])
    ]
    return text + (f"\n[{'] ['.join(buttons)}]" if buttons else "")


LABELS = ("Ordförande", "Vice ordf.", "2:e vice ordf.", "Ledamöterna", "Tjänstg. ers.", "Ersättarna")


def _entries(text: str) -> list[str]:
    """The summary as "Group: entry" lines, so a moved label is not a change."""
    out, label = [], ""
    for line in text.splitlines():
        line = line.strip()
        for candidate in LABELS:
            if line.startswith(candidate + " "):
                label, line = candidate, line[len(candidate) + 1 :]
        if not line or line == "Närvarande":
            continue
        out.append(f"{label}: {line}" if label and not line.startswith(("Förhinder", "Ledamoten", "*")) else line)
    return out


def _changes(old: str, new: str) -> str:
    """What changed in the summary, as + and − lines."""
    before, after = _entries(old), _entries(new)
    lines = [f"− {e}" for e in before if e not in after] + [f"+ {e}" for e in after if e not in before]
    return "\n".join(lines) or "(ingen ändring)"


def _buttons(message: dict) -> list[str]:
    return [
        e.get("action_id", "")
        for b in (message.get("blocks") or [])
        if b.get("type") == "actions"
        for e in b.get("elements", [])
    ]


def _summary_text(args: dict) -> str:
    parts = []
    for block in args.get("blocks") or []:
        text = (block.get("text") or {}).get("text", "")
        if block.get("type") == "section" and text:
            parts.append(text.strip("`").strip())
    for att in args.get("attachments") or []:
        parts.extend(b["text"]["text"] for b in att.get("blocks", []) if b.get("text"))
    return "\n".join(parts) or str(args.get("text", ""))


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _answer_by_mail(t: Transcript, http: ClientSession, mail: LocalMail, address: str, name: str) -> None:
    """The member opens the "Jag kommer" link of the latest call-in mail, then presses the button."""
    text = next(p.get_content() for p in mail.to(address)[-1].walk() if p.get_content_type() == "text/plain").replace(
        "\r\n", "\n"
    )
    found = re.search(r"^Jag kommer:\n(\S+)$", text, flags=re.M)
    if found is None:
        t.note(f"{name} fick ingen inkallelse med länkar")
        return
    url = found.group(1)
    t.say(name, f"öppnar länken ”Jag kommer” i e-posten: {url}")
    async with http.get(url) as resp:
        t.bot(f"(webbsidan, HTTP {resp.status}; att öppna länken ändrar ingenting)", _page_text(await resp.text()))
    t.say(name, "trycker på [Jag kommer] på sidan")
    async with http.post(url.split("?")[0], data={"svar": "kommer"}) as resp:
        t.bot(f"(webbsidan, HTTP {resp.status})", _page_text(await resp.text()))


async def run_demo(ctx, *, serve: bool = False) -> int:
    started = time.monotonic()

    def clock() -> datetime:
        return DEMO_START + timedelta(seconds=time.monotonic() - started)

    with tempfile.TemporaryDirectory(prefix="namndbot-demo-") as tmp:
        fake = FakeSlack()
        await fake.start()
        mail = await LocalMail().start()  # the municipality's mail server, here on this machine
        secret = secrets.token_hex(16)
        port = ctx.settings.port
        settings = Settings(
            NAMNDBOT_DATABASE=str(Path(tmp) / "demo.sqlite3"),
            SLACK_BOT_TOKEN="xoxb-demo",
            SLACK_SIGNING_SECRET=secret,
            SLACK_APP_TOKEN=None,
            NAMNDBOT_SLACK_API_URL=fake.api_url,
            NAMNDBOT_HOST="127.0.0.1",
            NAMNDBOT_PORT=port,
            NAMNDBOT_BASE_URL=f"http://127.0.0.1:{port}",  # the demo's members are on this machine
            NAMNDBOT_SMTP_URL=mail.url,
            NAMNDBOT_MAIL_FROM=MAIL_FROM,
        )
        try:
            running = await start(settings, clock=clock, mode=Mode(socket=False), poll=0.1)
        except Exception:
            # The port is taken: another free one (known before start, for the links in the mails).
            free = _free_port()
            settings = settings.model_copy(update={"port": free, "base_url": f"http://127.0.0.1:{free}"})
            running = await start(settings, clock=clock, mode=Mode(socket=False), poll=0.1)
        base = f"http://127.0.0.1:{running.port}"
        bot = running.bot
        try:
            print("namndbot demo: den riktiga boten mot en lokal Slack-ersättare (inget lämnar datorn).")
            print(f"Databas: {settings.database} (tillfällig). Låtsas-Slack: {fake.url}. Bot: {base}")
            print(f"E-post går till en lokal e-postserver ({mail.url}); Mattias Mårdenfjord (SD) har ingen Slack.")
            await bot.namnd.import_roster(demo_roster(), "demo")
            schedule = resources.files("namndbot.demo").joinpath("sammantradestider-2020.txt").read_text("utf-8")
            report = await import_schedule(bot.namnd, "AMN", schedule, actor="demo")
            print(
                f"Arbetsmarknadsnämnden: 13 ledamöter, 13 ersättare; {len(report.added)} sammanträden 2020 "
                "inlästa ur protokollet 2019-11-26 § 10."
            )
            print("Det är tisdag 10 mars 2020; nästa sammanträde är tisdag 17 mars kl. 16.00.")
            await bot.settled()
            roster = await bot.namnd.roster("AMN")
            names = {fake_user_id(m.name): m.name for m in roster.members} | {SECRETARY[1]: SECRETARY[0]}
            t = Transcript(fake, names, mail)
            t.seen = len(fake.calls)

            async with ClientSession() as http:

                def person(name: str) -> SlackUser:
                    uid = SECRETARY[1] if name == SECRETARY[0] else fake_user_id(name)
                    return SlackUser(f"{base}/slack/events", secret, fake, uid, session=http)

                async def step(who: str, text: str) -> None:
                    t.say(who, text)
                    status, body = await person(who).slash(text)
                    if status != 200:
                        t.bot("(fel)", f"HTTP {status}")
                    elif body.get("text"):
                        t.bot("(bara för dig, direkt)", body["text"].replace("```", "\n"))
                    await bot.settled()
                    t.flush()

                await step("Martin Westmont", "/namnd förhinder 17 mars".removeprefix("/namnd "))
                await step("Andrea Ström", "förhinder tisdag")

                # Häggman can't: he presses "Jag kan inte" in the DM he got.
                haggman = fake_user_id("Börje Häggman")
                dm = fake.dms_to(haggman)[-1]
                t.say("Börje Häggman", "trycker på [Jag kan inte] i meddelandet från namndbot")
                value = next(
                    e["value"]
                    for b in dm["blocks"]
                    if b["type"] == "actions"
                    for e in b["elements"]
                    if e["action_id"] == "svar_kan_inte"
                )
                await person("Börje Häggman").click("svar_kan_inte", value, message=dm)
                await bot.settled()
                t.flush()

                t.say(SECRETARY[0], "lägger in föredragningslistan: 16 paragrafer")
                await bot.namnd.add_meeting("AMN", date(2020, 3, 17), paragraphs=16, actor="demo")
                await bot.settled()
                t.flush()

                t.say("Stefan Hansson", "/namnd förhinder  (utan datum)")
                await person("Stefan Hansson").slash("förhinder")
                await bot.settled()
                view = next(v for k, v in fake.views.items() if not k.startswith("home:"))
                t.flush()
                t.say("Stefan Hansson", "fyller i formuläret: 17 mars, ”Jag går tidigare”, från § 11")
                status, _ = await person("Stefan Hansson").submit(
                    view,
                    {
                        "mote": select("AMN|2020-03-17"),
                        "del": select("gar"),
                        "nar": text_input("§ 11"),
                    },
                )
                await bot.settled()
                t.flush()

                # Mårdenfjord has no Slack: he got the call-in by e-mail, and answers through its link.
                await _answer_by_mail(t, http, mail, "mattias.mardenfjord@example.se", "Mattias Mårdenfjord")
                await bot.settled()
                t.flush()

                for name in ("Arslan Bicen",):
                    msg = [m for m in fake.dms_to(fake_user_id(name)) if _buttons(m)][-1]
                    value = next(
                        e["value"]
                        for b in msg["blocks"]
                        if b["type"] == "actions"
                        for e in b["elements"]
                        if e["action_id"] == "svar_kommer"
                    )
                    t.say(name, "trycker på [Jag kommer]")
                    await person(name).click("svar_kommer", value, message=msg)
                    await bot.settled()
                    t.flush()

                await step(SECRETARY[0], "närvaro 17 mars")

                member, token, _ = await bot.feeds.token("AMN", "Mattias Mårdenfjord", actor="demo")
                https, webcal = feed_urls(base, token)
                async with http.get(committee_url(base, "AMN")) as resp:
                    feed = await resp.text()
            print("\nKalenderflöden som boten serverar just nu:")
            print(f"  Nämndens öppna flöde: {committee_url(base, 'AMN')}  ({feed.count('BEGIN:VEVENT')} sammanträden)")
            print(f"  Mattias Mårdenfjords eget flöde: {https}")
            print(f"                                   {webcal}")
            if serve:
                print("\nBoten fortsätter köra; avsluta med Ctrl-C.")
                try:
                    await asyncio.Event().wait()
                except asyncio.CancelledError:
                    pass
        finally:
            await running.stop()
            await fake.stop()
            await mail.stop()
    print("\nKlart. Allt ovan gick genom den riktiga slack-bolt-appen med signerade HTTP-anrop.")
    return 0

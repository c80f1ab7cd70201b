"""The parts of e-mail for members without Slack, one at a time: signed links, the roster's
``kontakt``, the settings, the composed message, and a bot without a mail server."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from namndbot.domain.errors import RosterError
from namndbot.domain.model import Member
from namndbot.domain.roster_file import parse_roster
from namndbot.domain.svarslank import Svarslank, las, moment
from namndbot.mail import compose
from namndbot.mail.smtp import SmtpServer
from namndbot.settings import Settings

from .conftest import AMN_TOML, require_tool
from .slack_support import SECRETARIES_CHANNEL, amn_with_slack, running_bot, user

KEY = bytes(range(32))


def test_a_link_names_member_meeting_and_call_and_cannot_be_forged():
    called = datetime(2019, 11, 20, 9, 0, 0, 123456, tzinfo=UTC)
    link = Svarslank(14, 3, moment(called))
    token = link.token(KEY)
    assert token.startswith(f"14.3.{moment(called)}.")
    assert las(token, KEY) == link
    assert las(token, bytes(32)) is None  # another key
    member, meeting, at, sig = token.split(".")
    assert las(f"15.{meeting}.{at}.{sig}", KEY) is None  # another member
    assert las(f"{member}.4.{at}.{sig}", KEY) is None  # another meeting
    assert las(f"{member}.{meeting}.{int(at) + 1}.{sig}", KEY) is None  # another call-in
    for junk in ("", "x", "1.2.3", "1.2.3.4.5", "a.b.c.d", "-1.2.3." + sig, "1" * 30 + ".2.3." + sig):
        assert las(junk, KEY) is None
    # Not ASCII: digits int() would take ("²", Arabic-Indic), letters compare_digest refuses.
    for junk in (f"\u00b2.{meeting}.{at}.{sig}", f"\u0661\u0664.{meeting}.{at}.{sig}", f"{member}.{meeting}.{at}.åäö"):
        assert las(junk, KEY) is None
    assert link.dedupe_key == f"epost:14:3:{moment(called)}"
    assert moment(datetime(1970, 1, 1, tzinfo=UTC)) == 0


def test_the_roster_says_how_a_member_is_reached():
    text = AMN_TOML.read_text(encoding="utf-8").replace(
        'name = "Börje Häggman"\n', 'name = "Börje Häggman"\nemail = "borje@example.se"\nkontakt = "epost"\n'
    )
    haggman = next(m for m in parse_roster(text).roster.ersattare if m.name == "Börje Häggman")
    assert haggman.kontakt == "epost" and haggman.by_mail("U0HAGGMAN")
    assert Member("A", "M", "ersattare", email="a@example.se").by_mail(None)  # no Slack: mail
    assert not Member("A", "M", "ersattare", email="a@example.se").by_mail("U0A")  # on Slack: a DM
    assert not Member("A", "M", "ersattare", email="a@example.se", kontakt="slack").by_mail(None)
    assert not Member("A", "M", "ersattare").by_mail(None)  # nothing to reach them by


@pytest.mark.parametrize(
    "address",
    [
        "åsa@kommun.se",  # no mail server without SMTPUTF8 takes it: the mail could never be built
        "a@b.se>,c.se",  # would add a second address to the To header
        'x"@kommun.se',
        "a b@kommun.se",
        "a@kommun",
        "a@-kommun.se",
        "a@kommun..se",
        "a@@kommun.se",
        "@kommun.se",
    ],
)
def test_an_address_no_mail_server_takes_is_refused(address):
    text = AMN_TOML.read_text(encoding="utf-8").replace(
        'name = "Börje Häggman"\n', f'name = "Börje Häggman"\nemail = {json.dumps(address)}\n'
    )
    with pytest.raises(RosterError) as exc:
        parse_roster(text)
    assert f"”{address}” är ingen giltig e-postadress" in str(exc.value) and "Börje Häggman" in str(exc.value)
    if address.startswith("å"):
        assert "inte å, ä eller ö" in str(exc.value)


def test_a_committee_name_with_a_line_break_is_refused():
    # It is in every mail's subject: a line break there would make every mail of the committee fail.
    text = AMN_TOML.read_text(encoding="utf-8").replace(
        'name = "Arbetsmarknadsnämnden"', 'name = "Arbetsmarknadsnämnden\\r\\nBcc: x@example.se"'
    )
    with pytest.raises(RosterError) as exc:
        parse_roster(text)
    assert "nämndens namn (name i [committee]) innehåller ett osynligt tecken eller styrtecken (U+000D)" in str(
        exc.value
    )


def test_a_domain_with_a_swedish_letter_is_written_as_mail_servers_read_it():
    text = AMN_TOML.read_text(encoding="utf-8").replace(
        'name = "Börje Häggman"\n', 'name = "Börje Häggman"\nemail = "borje.h+amn@kommun.åre.se"\n'
    )
    haggman = next(m for m in parse_roster(text).roster.ersattare if m.name == "Börje Häggman")
    assert haggman.email == "borje.h+amn@kommun.xn--re-xia.se"
    payload = compose.plain("Ämne", "Text").payload(
        to=haggman.email, name=haggman.name, committee="AMN", message_id="<x@y>"
    )
    assert compose.message(payload, "amn@example.se")["To"] == "Börje Häggman <borje.h+amn@kommun.xn--re-xia.se>"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('kontakt = "brev"', "”kontakt” ska vara ”epost” eller ”slack”, inte ”brev”."),
        ('kontakt = "epost"', "kontakt = ”epost” kräver en e-postadress (email)."),
    ],
)
def test_a_bad_kontakt_is_refused_naming_the_member(line, message):
    text = AMN_TOML.read_text(encoding="utf-8").replace('name = "Börje Häggman"\n', f'name = "Börje Häggman"\n{line}\n')
    with pytest.raises(RosterError) as exc:
        parse_roster(text)
    assert message in str(exc.value) and "Börje Häggman" in str(exc.value)


def test_the_mail_settings():
    s = Settings(NAMNDBOT_SMTP_URL="smtp://namnd%40kommun.se:hemligt%21@smtp.kommun.se", NAMNDBOT_MAIL_FROM="n@k.se")
    server = SmtpServer.parse(s.smtp_url or "")
    assert (server.host, server.port, server.username, server.password, server.implicit_tls) == (
        "smtp.kommun.se",
        587,
        "namnd@kommun.se",
        "hemligt!",
        False,
    )
    assert SmtpServer.parse("smtps://smtp.kommun.se").port == 465 and SmtpServer.parse("smtps://h").implicit_tls
    with pytest.raises(ValidationError) as exc:
        Settings(NAMNDBOT_SMTP_URL="http://smtp.kommun.se")
    assert "NAMNDBOT_SMTP_URL ska se ut som smtp://" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        Settings(NAMNDBOT_MAIL_FROM="namnd")
    assert "NAMNDBOT_MAIL_FROM ska vara en e-postadress" in str(exc.value)
    assert Settings(NAMNDBOT_SMTP_URL="", NAMNDBOT_MAIL_FROM="").smtp_url is None
    # Å, ä, ö before @: every mail would fail to be built; refused at start, as in the roster.
    with pytest.raises(ValidationError) as exc:
        Settings(NAMNDBOT_MAIL_FROM="nämnd@kommun.se")
    assert "NAMNDBOT_MAIL_FROM ska vara en e-postadress" in str(exc.value) and "inte å, ä eller ö" in str(exc.value)
    assert Settings(NAMNDBOT_MAIL_FROM="namnd@kommun.åre.se").mail_from == "namnd@kommun.xn--re-xia.se"


def test_a_composed_mail_has_text_html_and_the_invitation():
    brev = compose.Brev(
        subject="Inkallelse: Nämnden <tisdag>",
        stycken=("Du är inkallad & välkommen.", "", "Rad ett\nrad två"),
        knappar=(compose.Knapp("Jag kommer", "https://n.example.se/svar/1.2.3.x?svar=kommer&a=<b>"),),
        ics="BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n",
    )
    payload = brev.payload(to="a@example.se", name="Åsa Öberg", committee="AMN", message_id="<x@example.se>")
    msg = compose.message(payload, "amn@example.se")
    assert msg["Message-ID"] == "<x@example.se>" and msg["From"] == "namndbot <amn@example.se>"
    assert msg["Auto-Submitted"] == "auto-generated"
    types = [p.get_content_type() for p in msg.walk()]
    assert types == ["multipart/alternative", "text/plain", "text/html", "text/calendar"]
    text, html, cal = (p.get_content() for p in list(msg.walk())[1:])
    assert "Du är inkallad & välkommen.\n\nRad ett\nrad två\n\nJag kommer:\nhttps://" in text
    assert "&amp; välkommen" in html and "Rad ett<br>" in html and "&lt;b&gt;" in html and "<b>" not in html
    assert "METHOD:REQUEST" in cal
    assert compose.new_message_id("amn@example.se").endswith(".namndbot@example.se>")


async def test_without_a_mail_server_the_secretaries_are_told(tmp_path, clock):
    clock.now = datetime(2019, 11, 20, 9, tzinfo=UTC)
    roster = amn_with_slack(emails_only=("Börje Häggman",)).replace("börje@", "borje@")
    async with running_bot(tmp_path, clock, roster=roster) as bot:
        await bot.bot.namnd.add_meeting("AMN", date(2019, 11, 26), paragraphs=16, actor="t")
        await user(bot, "Andrea Ström").slash("förhinder 26 november")
        await bot.bot.settled()
        notices = [m["text"] for m in bot.fake.channels[SECRETARIES_CHANNEL] if m["text"].startswith(":warning:")]
        (notice,) = notices
        assert "e-post till Börje Häggman (borje@example.se)" in notice
        assert "ingen e-postserver är inställd (NAMNDBOT_SMTP_URL och NAMNDBOT_MAIL_FROM)" in notice


def test_require_tool_skips_or_fails_as_the_environment_says(monkeypatch):
    monkeypatch.setenv("NAMNDBOT_TEST_REQUIRE", "chromium postgresql")
    with pytest.raises(pytest.fail.Exception, match="chromium saknas"):
        require_tool("chromium", False)
    monkeypatch.setenv("NAMNDBOT_TEST_REQUIRE", "postgresql")
    with pytest.raises(pytest.skip.Exception, match="chromium saknas"):
        require_tool("chromium", False)
    require_tool("chromium", True)  # there: nothing happens


def test_roster_show_keeps_kontakt(cli):
    text = AMN_TOML.read_text(encoding="utf-8").replace(
        'name = "Börje Häggman"\n', 'name = "Börje Häggman"\nemail = "borje@example.se"\nkontakt = "epost"\n'
    )
    path = cli.db_path.parent / "amn.toml"
    path.write_text(text, encoding="utf-8")
    cli.ok("roster", "import", str(path))
    shown = json.loads(cli.ok("roster", "show", "--committee", "AMN", "--format", "json"))
    (haggman,) = [e for e in shown["ersattare"] if e["name"] == "Börje Häggman"]
    assert haggman == {"name": "Börje Häggman", "party": "M", "email": "borje@example.se", "kontakt": "epost"}


async def test_mail_without_a_public_address_is_warned_of_at_start(tmp_path, clock, caplog):
    import logging

    from namndbot.mail.local import LocalMail

    caplog.set_level(logging.WARNING)
    async with LocalMail() as mail:
        async with running_bot(
            tmp_path, clock, NAMNDBOT_SMTP_URL=mail.url, NAMNDBOT_MAIL_FROM="amn@example.se", NAMNDBOT_BASE_URL=None
        ):
            pass
    (warning,) = [r.getMessage() for r in caplog.records if "NAMNDBOT_BASE_URL" in r.getMessage()]
    assert warning.startswith("NAMNDBOT_BASE_URL är inte satt: svarslänkarna i e-posten går till http://127.0.0.1:")
    caplog.clear()
    async with LocalMail() as mail:  # with it set: no warning
        async with running_bot(tmp_path, clock, NAMNDBOT_SMTP_URL=mail.url, NAMNDBOT_MAIL_FROM="amn@example.se"):
            pass
    assert not [r for r in caplog.records if "NAMNDBOT_BASE_URL" in r.getMessage()]

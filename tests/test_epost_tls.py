"""The mail server's TLS as the settings ask for it: STARTTLS (required before a password goes out),
and smtps:// (TLS from the start), against aiosmtpd with a certificate made for the test."""

from __future__ import annotations

import shutil
import ssl
import subprocess

import pytest

from namndbot.mail import compose
from namndbot.mail.local import LocalMail
from namndbot.mail.smtp import Mailer, MailError

from .conftest import require_tool


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(the server's context, a client context that trusts it), for 127.0.0.1."""
    require_tool("openssl", shutil.which("openssl") is not None, "behövs för att göra ett testcertifikat")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(cert))
    return server, client


def a_mail() -> tuple:
    brev = compose.plain("Prov", "Ett provmeddelande.")
    payload = brev.payload(to="a@example.se", name="A", committee="AMN", message_id="<p@example.se>")
    return compose.message(payload, "amn@example.se"), "a@example.se"


async def test_starttls_before_the_password(certificate):
    server_tls, client_tls = certificate
    async with LocalMail(tls=server_tls, users={"namnd@kommun.se": "hemligt!"}) as mail:
        mailer = Mailer(f"smtp://namnd%40kommun.se:hemligt%21@127.0.0.1:{mail.port}", "amn@example.se")
        mailer.tls_context = client_tls
        await mailer.send(*a_mail())
        assert mail.logins == ["namnd@kommun.se"] and len(mail.to("a@example.se")) == 1

        wrong = Mailer(f"smtp://namnd%40kommun.se:fel@127.0.0.1:{mail.port}", "amn@example.se")
        wrong.tls_context = client_tls
        with pytest.raises(MailError) as exc:
            await wrong.send(*a_mail())
        assert exc.value.permanent and str(exc.value).startswith("535")


async def test_no_password_in_the_clear(certificate):
    async with LocalMail() as mail:  # offers no STARTTLS
        mailer = Mailer(f"smtp://namnd:hemligt@127.0.0.1:{mail.port}", "amn@example.se")
        with pytest.raises(MailError) as exc:
            await mailer.send(*a_mail())
        assert exc.value.permanent and "STARTTLS" in str(exc.value)
        assert mail.received == []


async def test_smtps_is_tls_from_the_start(certificate):
    server_tls, client_tls = certificate
    async with LocalMail(tls=server_tls, implicit_tls=True) as mail:
        assert mail.url.startswith("smtps://")
        mailer = Mailer(mail.url, "amn@example.se")
        mailer.tls_context = client_tls
        await mailer.send(*a_mail())
        assert len(mail.to("a@example.se")) == 1


async def test_a_certificate_that_cannot_be_verified_is_a_permanent_named_failure(certificate):
    # The secretaries are told (and can phone) rather than the mail being retried for ever unseen.
    server_tls, _ = certificate
    async with LocalMail(tls=server_tls, implicit_tls=True) as mail:
        mailer = Mailer(mail.url, "amn@example.se")  # the system's CAs: the test's certificate is not among them
        with pytest.raises(MailError) as exc:
            await mailer.send(*a_mail())
        assert exc.value.permanent and str(exc.value).startswith("e-postserverns certifikat kunde inte verifieras")
        assert "NAMNDBOT_SMTP_URL" in str(exc.value) and mail.received == []


async def test_smtps_to_a_server_without_tls_is_a_permanent_named_failure():
    async with LocalMail() as mail:  # plain SMTP on the port smtps:// was pointed at
        mailer = Mailer(mail.url.replace("smtp://", "smtps://"), "amn@example.se", timeout=5)
        with pytest.raises(MailError) as exc:
            await mailer.send(*a_mail())
        assert exc.value.permanent and str(exc.value).startswith("TLS med e-postservern misslyckades")
        assert "smtps:// är för port 465" in str(exc.value)


@pytest.mark.parametrize("url", ["smtp://namnd@127.0.0.1:587", "smtp://:hemligt@127.0.0.1:587"])
def test_a_user_without_a_password_or_the_reverse_is_refused(url):
    with pytest.raises(ValueError) as exc:
        Mailer(url, "amn@example.se")
    assert "användarnamn utan lösenord eller ett lösenord utan användarnamn" in str(exc.value)

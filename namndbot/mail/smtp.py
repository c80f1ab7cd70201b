"""Sending a composed mail over SMTP (aiosmtplib), and telling a temporary failure from a permanent one.

``NAMNDBOT_SMTP_URL`` is ``smtp://user:password@host:587`` (STARTTLS: required when there is a
password, used whenever the server offers it otherwise) or ``smtps://…:465`` (TLS from the start).
A 4xx reply, a refused or broken connection and a timeout are temporary: the outbox tries again
later. A 5xx reply (an unknown address, a refused sender) is permanent: the outbox marks the mail
failed and the secretaries are told.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import aiosmtplib


class MailError(Exception):
    """Sending failed; ``permanent`` says whether trying again could help."""

    def __init__(self, text: str, *, permanent: bool) -> None:
        super().__init__(text)
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    username: str | None
    password: str | None
    implicit_tls: bool

    @classmethod
    def parse(cls, url: str) -> SmtpServer:
        """``smtp://user:password@host:587`` or ``smtps://host``; a ValueError in Swedish otherwise."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(
                "NAMNDBOT_SMTP_URL ska se ut som smtp://användare:lösenord@värd:587 eller smtps://värd:465, "
                f"inte ”{url}”."
            )
        try:
            port = parts.port
        except ValueError:
            raise ValueError(f"NAMNDBOT_SMTP_URL har ett ogiltigt portnummer: ”{url}”.") from None
        implicit = parts.scheme == "smtps"
        if bool(parts.username) != bool(parts.password):
            raise ValueError(
                "NAMNDBOT_SMTP_URL har ett användarnamn utan lösenord eller ett lösenord utan användarnamn; "
                "skriv båda (smtp://användare:lösenord@värd:587) eller inget av dem."
            )
        return cls(
            host=parts.hostname,
            port=port or (465 if implicit else 587),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            implicit_tls=implicit,
        )


class Mailer:
    def __init__(self, url: str | None, mail_from: str | None, *, timeout: float = 30.0) -> None:
        self.server = SmtpServer.parse(url) if url else None
        self.mail_from = mail_from
        self.timeout = timeout
        self.tls_context: ssl.SSLContext | None = None  # the tests' own CA; None: the system's

    @property
    def configured(self) -> bool:
        return self.server is not None and bool(self.mail_from)

    async def send(self, msg: EmailMessage, to: str) -> None:
        server = self.server
        if server is None or not self.mail_from:
            raise MailError("ingen e-postserver är inställd (NAMNDBOT_SMTP_URL och NAMNDBOT_MAIL_FROM)", permanent=True)
        try:
            await aiosmtplib.send(
                msg,
                sender=self.mail_from,
                recipients=[to],
                hostname=server.host,
                port=server.port,
                username=server.username,
                password=server.password,
                use_tls=server.implicit_tls,
                # Never a password in the clear: with one, STARTTLS is required.
                start_tls=False if server.implicit_tls else (True if server.password else None),
                tls_context=self.tls_context,
                timeout=self.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            refused = exc.recipients[0] if exc.recipients else None
            code = refused.code if refused is not None else 550
            text = refused.message if refused is not None else str(exc)
            raise MailError(f"{code} {text}", permanent=code >= 500) from None
        except aiosmtplib.SMTPResponseException as exc:  # a reply from the server (after connecting)
            raise MailError(f"{exc.code} {exc.message}", permanent=exc.code >= 500) from None
        except aiosmtplib.SMTPException as exc:
            tls = _tls_failure(exc)
            if tls is not None:
                raise _tls_error(tls) from None
            if "STARTTLS" in str(exc):  # the server can't encrypt: the password never goes out in the clear
                raise MailError(
                    "e-postservern erbjuder inte STARTTLS, så lösenordet skickas inte (använd en server med "
                    "STARTTLS, eller smtps:// i NAMNDBOT_SMTP_URL)",
                    permanent=True,
                ) from None
            raise MailError(f"{type(exc).__name__}: {exc}", permanent=False) from None
        except (OSError, TimeoutError) as exc:  # connection refused, lost, timed out
            tls = _tls_failure(exc)
            if tls is not None:
                raise _tls_error(tls) from None
            raise MailError(f"{type(exc).__name__}: {exc}", permanent=False) from None


def _tls_failure(exc: BaseException) -> ssl.SSLError | None:
    """The TLS error behind a failed connection (aiosmtplib wraps it), if that was what failed."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return None
        if isinstance(seen, (ssl.SSLEOFError, ssl.SSLZeroReturnError, ssl.SSLSyscallError)):
            return None  # the connection dropped during the handshake: that may pass
        if isinstance(seen, ssl.SSLError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _tls_error(exc: ssl.SSLError) -> MailError:
    """A certificate that can't be verified, or a server that doesn't speak TLS as the URL says: the
    settings are wrong, and trying again will not help (the secretaries are told, so they can phone)."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return MailError(
            f"e-postserverns certifikat kunde inte verifieras ({exc.verify_message}); kontrollera "
            "värdnamnet i NAMNDBOT_SMTP_URL",
            permanent=True,
        )
    return MailError(
        f"TLS med e-postservern misslyckades ({exc.reason or exc}); smtps:// är för port 465 (TLS från "
        "början), smtp:// för port 587 (STARTTLS) – kontrollera NAMNDBOT_SMTP_URL",
        permanent=True,
    )

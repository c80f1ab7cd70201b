"""A local mail server (aiosmtpd) in the running event loop: the stand-in for the municipality's
SMTP server in ``namndbot demo`` and the tests. It keeps what it receives, and can refuse an
address for good (``550``) or for now (``451``), as a real one does."""

from __future__ import annotations

import asyncio
import ssl
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult


class _Handler:
    def __init__(self, server: LocalMail) -> None:
        self.server = server

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list) -> str:
        if self.server.hold is not None:  # a server that stalls (the tests' kill -9 mid-SMTP)
            self.server.held += 1
            await self.server.hold.wait()
        reply = self.server.refuse.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.server.cut_data > 0:  # the connection is lost mid-DATA: nothing is accepted
            self.server.cut_data -= 1
            server.transport.close()
            return "421 4.4.2 Förbindelsen bröts"
        msg = BytesParser(policy=policy.default).parsebytes(envelope.content)
        assert isinstance(msg, EmailMessage)
        self.server.received.append((list(envelope.rcpt_tos), msg))
        self.server.arrived.set()
        return "250 OK: mottaget"  # SMTP replies are ASCII


class LocalMail:
    """``async with LocalMail() as mail``: ``mail.url`` for NAMNDBOT_SMTP_URL, ``mail.received``."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        tls: ssl.SSLContext | None = None,
        implicit_tls: bool = False,
        users: dict[str, str] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.tls = tls  # STARTTLS offered with it (or, with implicit_tls, TLS from the start)
        self.implicit_tls = implicit_tls
        self.users = users  # login -> password: AUTH required (and only over TLS)
        self.logins: list[str] = []  # who logged in, in order
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.refuse: dict[str, str] = {}  # address -> reply, e.g. "550 5.1.1 Okänd mottagare"
        self.arrived = asyncio.Event()
        self.hold: asyncio.Event | None = None  # when set to an Event: each RCPT waits for it
        self.held = 0  # RCPTs that have waited
        self.cut_data = 0  # how many of the next messages lose the connection mid-DATA
        self._server: asyncio.base_events.Server | None = None

    async def start(self) -> LocalMail:
        handler = _Handler(self)
        loop = asyncio.get_running_loop()

        def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
            login, password = data.login.decode(), data.password.decode()
            ok = self.users is not None and self.users.get(login) == password
            if ok:
                self.logins.append(login)
            return AuthResult(success=ok, handled=False)  # aiosmtpd answers 535 when not ok

        def protocol() -> SMTP:
            return SMTP(
                handler,
                hostname="namndbot.localhost",
                ident="namndbot lokal e-post",
                tls_context=None if self.implicit_tls else self.tls,
                authenticator=authenticate if self.users is not None else None,
                auth_required=self.users is not None,
                auth_require_tls=True,
            )

        self._server = await loop.create_server(
            protocol, self.host, self.port, ssl=self.tls if self.implicit_tls else None
        )
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> LocalMail:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        return f"{'smtps' if self.implicit_tls else 'smtp'}://{self.host}:{self.port}"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpt, m in self.received if address.lower() in (r.lower() for r in rcpt)]

    async def wait_for(self, address: str, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
        """The mails to ``address`` once there are ``count`` of them (a TimeoutError otherwise)."""
        async with asyncio.timeout(timeout):
            while len(self.to(address)) < count:
                self.arrived.clear()
                await self.arrived.wait()
        return self.to(address)

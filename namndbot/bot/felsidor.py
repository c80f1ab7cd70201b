"""The web server's errors in Swedish: aiohttp's own 400/404/405/413 ("404: Not Found") become a short
Swedish text, or for a browser the answer page's small HTML page, with the same status code (and for
405 the same Allow header). Responses a handler returns itself (slack-bolt's 401 for a bad signature,
its 400 for a malformed request, the feeds' Swedish 404) pass unchanged: only raised HTTP errors of
these statuses are rewritten. A request aiohttp cannot parse at all never reaches a middleware:
:func:`svenska_tolkningsfel` answers it in Swedish, 400, from the connection's RequestHandler.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from ..mail.sida import render
from ..mail.web import HEADERS
from ..services.svar_epost import Svarssida

# status -> (heading, text); {metod} and {tillatna} are filled in for 405.
TEXTS: dict[int, tuple[str, str]] = {
    400: ("Felaktig förfrågan", "Förfrågan gick inte att läsa. Kontrollera adressen och försök igen."),
    404: ("Sidan finns inte", "Det finns ingen sida på den här adressen. Kontrollera att hela adressen kom med."),
    405: (
        "Det går inte att göra så här",
        "Adressen finns, men tar inte emot {metod}. Den tar emot: {tillatna}.",
    ),
    413: ("Förfrågan är för stor", "Förfrågan är större än servern tar emot, så den lästes inte."),
    500: (
        "Något gick fel i servern",
        "Försök igen om en stund. Händer det igen: säg till den som driver namndbot i kommunen.",
    ),
}


def swedish(request: web.BaseRequest, status: int, allow: str | None = None) -> web.Response:
    """The Swedish answer for ``status``: HTML when the client asks for it (a browser), else plain text."""
    rubrik, text = TEXTS[status]
    text = text.format(metod=request.method, tillatna=allow or "")
    headers = {"Allow": allow} if allow is not None else {}
    if "text/html" in request.headers.get("Accept", ""):
        page = Svarssida(status, rubrik, text, ok=False)
        return web.Response(
            text=render(page), status=status, content_type="text/html", charset="utf-8", headers={**HEADERS, **headers}
        )
    return web.Response(
        text=f"{rubrik}. {text}\n",
        status=status,
        content_type="text/plain",
        charset="utf-8",
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", **headers},
    )


@web.middleware
async def svenska_fel(request: web.Request, handler: Any) -> web.StreamResponse:
    """aiohttp's English error texts (an unknown path, a wrong method, a body too large) in Swedish."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status not in TEXTS:
            raise
        allow = exc.headers.get("Allow") if exc.status == 405 else None
        return swedish(request, exc.status, allow)


class _SvenskaTolkningsfel(RequestHandler):
    """aiohttp's RequestHandler, answering its own errors in Swedish (see svenska_tolkningsfel)."""

    __slots__ = ()

    def handle_error(
        self,
        request: web.BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        super().handle_error(request, status, exc, message)  # logs it; raises if something was sent already
        answer = swedish(request, status if status in TEXTS else (500 if status >= 500 else 400))
        answer.set_status(status)
        answer.force_close()
        return answer


def svenska_tolkningsfel(handler: RequestHandler) -> RequestHandler:
    """A request aiohttp cannot parse (a malformed request line or header, a header too long) is
    answered by aiohttp itself, before any middleware, in English ("400, message: Bad status
    line…"), and so is an exception outside every handler (500): the same status, in Swedish.
    ``handler`` is one connection's RequestHandler, made by aiohttp's Server; it has slots, so its
    method is not replaced but its class (a subclass with the same slots and one method more)."""
    if type(handler) is RequestHandler:
        handler.__class__ = _SvenskaTolkningsfel
    return handler

"""The web server's errors in Swedish: aiohttp's own 400/404/405/413 ("404: Not Found") become a short
Swedish text, or for a browser the answer page's small HTML page, with the same status code (and for
405 the same Allow header). Responses a handler returns itself (slack-bolt's 401 for a bad signature,
its 400 for a malformed request, the feeds' Swedish 404) pass unchanged: only raised HTTP errors of
these statuses are rewritten.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

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
}


def swedish(request: web.Request, status: int, allow: str | None = None) -> web.Response:
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

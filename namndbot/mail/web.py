"""``/svar/{token}``: the answer page of an e-mailed call-in (GET shows, POST answers)."""

from __future__ import annotations

from aiohttp import web

from ..services.svar_epost import INVALID, SvarEpost, Svarssida
from .sida import render

HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
}


MAX_BODY = 4096  # the form sends "svar=kan_inte": anything much larger is not from it

TOO_LARGE = Svarssida(
    413,
    "Svaret är för stort",
    "Sidan tar bara emot ett svar från knapparna ”Jag kommer” och ”Jag kan inte”. "
    "Öppna länken i e-postmeddelandet igen och tryck på en av knapparna.",
    ok=False,
)
NOT_ALLOWED = Svarssida(
    405,
    "Det går inte att göra så här",
    "Öppna länken i e-postmeddelandet och tryck på en av knapparna på sidan.",
    ok=False,
)


def add_routes(app: web.Application, svar: SvarEpost) -> None:
    async def show(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        page = await svar.visa(token, request.query.get("svar"))
        return _page(page)

    async def answer(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        if request.content_length is not None and request.content_length > MAX_BODY:
            return _page(TOO_LARGE)
        try:
            form = await request.post()
            choice = form.get("svar", "")
        except web.HTTPRequestEntityTooLarge:  # sent in chunks, without a length
            return _page(TOO_LARGE)
        except ValueError:  # not UTF-8, a broken multipart body: no answer in it
            choice = ""
        page = await svar.svara(token, choice if isinstance(choice, str) else "")
        return _page(page)

    async def other(request: web.Request) -> web.Response:
        response = _page(NOT_ALLOWED)
        response.headers["Allow"] = "GET, HEAD, POST"
        return response

    app.router.add_get("/svar/{token}", show)
    app.router.add_post("/svar/{token}", answer)
    app.router.add_route("*", "/svar/{token}", other)  # PUT, DELETE, …: said in Swedish

    async def broken(request: web.Request) -> web.Response:
        return _page(INVALID)

    # A link cut short or with something after it (/svar, /svar/, /svar/TOKEN/…): the same Swedish page.
    app.router.add_route("*", "/svar", broken)
    app.router.add_route("*", "/svar/{rest:.*}", broken)


def _page(page: Svarssida) -> web.Response:
    return web.Response(
        text=render(page),
        status=page.status,
        content_type="text/html",
        charset="utf-8",
        headers=HEADERS,
    )

"""``/svar/{token}``: the answer page of an e-mailed call-in (GET shows, POST answers)."""

from __future__ import annotations

from aiohttp import web

from ..services.svar_epost import SvarEpost, Svarssida
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


def add_routes(app: web.Application, svar: SvarEpost) -> None:
    async def show(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        page = await svar.visa(token, request.query.get("svar"))
        return _page(page)

    async def answer(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        form = await request.post()
        page = await svar.svara(token, str(form.get("svar", "")))
        return _page(page)

    app.router.add_get("/svar/{token}", show)
    app.router.add_post("/svar/{token}", answer)


def _page(page: Svarssida) -> web.Response:
    return web.Response(
        text=render(page),
        status=page.status,
        content_type="text/html",
        charset="utf-8",
        headers=HEADERS,
    )

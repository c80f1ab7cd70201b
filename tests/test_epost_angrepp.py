"""The answer page against what an attacker (or a broken mail program) sends: damaged and foreign
tokens, odd methods, bodies that are not UTF-8, not a form or far too large. Each gets a Swedish
page, never a traceback, and the call-in stays as it was."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import ClientSession

from .test_epost import DAY, bot, call_haggman, links, mail  # noqa: F401  (fixtures)

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


async def test_bad_requests_get_a_swedish_page_and_change_nothing(bot, mail):  # noqa: F811
    msg = await call_haggman(bot, mail)
    url = links(msg)["Jag kan inte"].split("?")[0]
    base, token = url.split("/svar/")
    member, meeting, at, sig = token.split(".")
    async with ClientSession() as http:

        async def page(method: str, address: str, status: int, heading: str, **kw) -> None:
            async with http.request(method, address, **kw) as r:
                text = await r.text()
                assert r.status == status, (method, address, r.status, text[:300])
                assert r.content_type == "text/html" and f"<h1>{heading}</h1>" in text, text[:300]
                assert "Traceback" not in text

        for forged in (f"\u00b2.{meeting}.{at}.{sig}", f"\u0661.{meeting}.{at}.{sig}", f"{member}.{meeting}.{at}.åäö"):
            await page("GET", f"{base}/svar/{forged}", 404, "Länken fungerar inte")
            await page("POST", f"{base}/svar/{forged}", 404, "Länken fungerar inte", data={"svar": "kan_inte"})
        for method in ("PUT", "DELETE", "PATCH"):
            await page(method, url, 405, "Det går inte att göra så här", data={"svar": "kan_inte"})
        await page("POST", url, 400, "Välj ett svar", data=b"svar=\xff\xfe", headers=FORM)
        await page(
            "POST",
            url,
            400,
            "Välj ett svar",
            data=b"\xff" * 100,
            headers={"Content-Type": "multipart/form-data; boundary=x"},
        )
        await page("POST", url, 413, "Svaret är för stort", data=b"svar=kan_inte&x=" + b"x" * 3_000_000, headers=FORM)

        async def chunks():
            yield b"svar=kan_inte&x="
            for _ in range(3):
                yield b"x" * 1_000_000

        await page("POST", url, 413, "Svaret är för stort", data=chunks(), headers=FORM)
        async with http.head(url) as r:
            assert r.status == 200
    await bot.bot.settled()
    result = await bot.bot.namnd.narvaro("AMN", DAY)
    assert result.calls.get("borje haggman") == "kallad" and result.declined == {}


async def test_an_old_link_says_what_became_of_the_call_and_changes_nothing(bot, mail, clock):  # noqa: F811
    from .slack_support import user

    first = links(await call_haggman(bot, mail))["Jag kommer"].split("?")[0]
    namnd = bot.bot.namnd

    async def page(address: str, method: str = "GET") -> tuple[int, str]:
        async with ClientSession() as http:
            async with http.request(method, address, data={"svar": "kommer"} if method == "POST" else None) as r:
                return r.status, await r.text()

    # Andrea Ström can come after all: Häggman is released, and his link says so.
    await namnd.remove_forhinder("AMN", DAY, "Andrea Ström", actor="t")
    await bot.bot.settled()
    for method in ("GET", "POST"):
        status, text = await page(first, method)
        assert status == 410 and "Inkallelsen är återkallad" in text and "<form" not in text
    assert "borje haggman" not in (await namnd.narvaro("AMN", DAY)).calls

    # She can't after all: he is called in again, with a new link; the old one points to it.
    clock.now += timedelta(minutes=5)
    await user(bot, "Andrea Ström").slash("förhinder 26 november")
    await bot.bot.settled()
    msgs = await mail.wait_for("borje@example.se", 3)  # call-in, release, call-in again
    second = links(msgs[-1])["Jag kommer"].split("?")[0]
    assert second != first
    for method in ("GET", "POST"):
        status, text = await page(first, method)
        assert status == 410 and "Länken gäller en tidigare inkallelse" in text
    assert (await namnd.narvaro("AMN", DAY)).calls.get("borje haggman") == "kallad"

    # The meeting is cancelled: the new link says so, and answers nothing.
    await namnd.cancel_meeting("AMN", DAY, actor="t")
    await bot.bot.settled()
    for method in ("GET", "POST"):
        status, text = await page(second, method)
        assert status == 410 and "Sammanträdet är inställt" in text and "<form" not in text

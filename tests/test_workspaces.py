"""Many workspaces: "Lägg till i Slack" through slack-bolt's OAuth flow against the local Slack,
two municipalities' workspaces side by side, and a workspace that removes the app.

The real bot runs (``namndbot run``'s start, with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET instead of
a bot token); the browser's part of the OAuth flow is played with real HTTP requests: the bot's
/slack/install, the fake Slack's authorize page, the bot's /slack/oauth_redirect with the state.
"""

from __future__ import annotations

import html
import json
import logging
import re
import secrets
import socket
from contextlib import asynccontextmanager
from datetime import date

import pytest
from aiohttp import ClientSession

from namndbot.bot.fake_slack import FakeSlack
from namndbot.bot.fake_slack_user import SlackUser
from namndbot.bot.oauth import SCOPES
from namndbot.bot.server import ConfigError, check_settings, start
from namndbot.domain.errors import NamndbotError
from namndbot.domain.roster_file import RosterError, parse_roster
from namndbot.settings import Settings

from . import postgresql
from .conftest import ROOT
from .slack_support import (
    COMMITTEE_CHANNEL,
    SECRETARIES_CHANNEL,
    SECRETARY,
    amn_with_slack,
    running_bot,
    slack_id,
    user,
)

SOLNA, SUNDBYBERG = "T0SOLNA01", "T0SUNDB01"
DAY = date(2019, 11, 26)
SBN_SECRETARY = "U0SEKR0002"
SBN_CHANNEL, SBN_SECRETARIES = "C0SBNKANAL", "C0SBNSEKR"


def sbn_id(name: str) -> str:
    """The same names in the other municipality are other people, with other Slack ids."""
    return "U9" + slack_id(name)[1:]


def amn_roster() -> str:
    return amn_with_slack(extra=f'\nworkspace = "{SOLNA}"')


def sbn_roster() -> str:
    text = amn_with_slack(extra=f'\nworkspace = "{SUNDBYBERG}"')
    text = text.replace('short = "AMN"', 'short = "SBN"').replace(
        'name = "Arbetsmarknadsnämnden"', 'name = "Sundbybergs arbetsmarknadsnämnd"'
    )
    text = text.replace(COMMITTEE_CHANNEL, SBN_CHANNEL).replace(SECRETARIES_CHANNEL, SBN_SECRETARIES)
    text = text.replace(SECRETARY, SBN_SECRETARY)
    return re.sub(r'^slack = "U', 'slack = "U9', text, flags=re.M)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oauth_settings(tmp_path, fake: FakeSlack, port: int, secret: str, **extra) -> Settings:
    values = {
        "NAMNDBOT_DATABASE": str(tmp_path / "bot.sqlite3"),
        "SLACK_BOT_TOKEN": None,
        "SLACK_APP_TOKEN": None,
        "SLACK_CLIENT_ID": fake.oauth_client_id,
        "SLACK_CLIENT_SECRET": fake.oauth_client_secret,
        "SLACK_SIGNING_SECRET": secret,
        "NAMNDBOT_SLACK_API_URL": fake.api_url if fake.url else "http://127.0.0.1:9/api/",
        "NAMNDBOT_SLACK_AUTHORIZE_URL": fake.authorize_url if fake.url else "http://127.0.0.1:9/oauth/v2/authorize",
        "NAMNDBOT_HOST": "127.0.0.1",
        "NAMNDBOT_PORT": port,
        "NAMNDBOT_BASE_URL": f"http://127.0.0.1:{port}",
    }
    values.update(extra)
    return Settings(**values)


@asynccontextmanager
async def two_municipalities(tmp_path, clock, *, install: bool = True):
    fake = FakeSlack()
    fake.add_workspace(SOLNA, "Solna stad")
    fake.add_workspace(SUNDBYBERG, "Sundbybergs stad")
    await fake.start()
    port = free_port()
    secret = secrets.token_hex(16)
    database = await postgresql.target_for(tmp_path)  # PostgreSQL in that half of the suite
    running = await start(
        oauth_settings(tmp_path, fake, port, secret, NAMNDBOT_DATABASE=database), clock=clock, poll=0.2
    )
    running.fake = fake  # type: ignore[attr-defined]
    running.secret = secret  # type: ignore[attr-defined]
    running.base = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
    try:
        if install:
            for team in (SOLNA, SUNDBYBERG):
                status, page = await install_through_oauth(running, team)
                assert status == 200, page
        await running.bot.namnd.import_roster(amn_roster(), "test")
        await running.bot.namnd.import_roster(sbn_roster(), "test")
        for short in ("AMN", "SBN"):
            await running.bot.namnd.add_meeting(short, DAY, paragraphs=16, actor="sekreteraren")
        await running.bot.settled()
        yield running
    finally:
        await running.stop()
        await fake.stop()


async def install_through_oauth(r, team: str, *, state: str | None = None) -> tuple[int, str]:
    """The admin's browser: "Lägg till i Slack" on the bot's page, "Tillåt" at Slack, back to the bot."""
    fake: FakeSlack = r.fake
    async with ClientSession() as browser:
        async with browser.get(f"{r.base}/slack/install", params={"team": team}, allow_redirects=False) as resp:
            assert resp.status == 200
            page = await resp.text()
            cookie = resp.headers["Set-Cookie"].split(";")[0]  # the state cookie (Secure: sent by hand)
        assert "Lägg till i Slack" in page and 'lang="sv"' in page
        url = html.unescape(re.search(r'href="([^"]+)" id="lagg-till"', page).group(1))  # type: ignore[union-attr]
        assert url.startswith(fake.authorize_url + "?")
        async with browser.get(url, allow_redirects=False) as resp:  # Slack's page: the admin allows it
            assert resp.status == 302, await resp.text()
            location = resp.headers["Location"]
        assert location.startswith(f"{r.base}/slack/oauth_redirect?")
        if state is not None:
            location = re.sub(r"state=[^&]*", f"state={state}", location)
        async with browser.get(location, headers={"Cookie": cookie}, allow_redirects=False) as resp:
            return resp.status, await resp.text()


def person(r, uid: str, team: str) -> SlackUser:
    return SlackUser(f"{r.base}/slack/events", r.secret, r.fake, uid, team=team)


def amn_people() -> set[str]:
    text = amn_roster()
    ids = set(re.findall(r'^slack = "(U[A-Z0-9]+)"', text, flags=re.M))
    return ids | {SECRETARY, COMMITTEE_CHANNEL, SECRETARIES_CHANNEL}


def sbn_people() -> set[str]:
    return {"U9" + i[1:] for i in amn_people() if i.startswith("U") and i != SECRETARY} | {
        SBN_SECRETARY,
        SBN_CHANNEL,
        SBN_SECRETARIES,
    }


def recipient(args: dict) -> str:
    channel = str(args.get("channel") or args.get("user_id") or args.get("users") or "")
    return channel[1:] if channel.startswith("D") else channel


# -- the flow ----------------------------------------------------------------------------------
async def test_two_workspaces_installed_through_oauth_each_see_only_their_own(tmp_path, clock):
    async with two_municipalities(tmp_path, clock) as r:
        fake, bot = r.fake, r.bot
        assert dict(await bot.installations.installed()) == {SOLNA: "Solna stad", SUNDBYBERG: "Sundbybergs stad"}
        (authorize_a, authorize_b) = fake.called("oauth.authorize")
        assert authorize_a["client_id"] == fake.oauth_client_id and authorize_a["team"] == SOLNA
        assert set(authorize_a["scope"].split(",")) == set(SCOPES)
        assert authorize_a["redirect_uri"] == f"{r.base}/slack/oauth_redirect"
        assert authorize_a["state"] != authorize_b["state"]
        start = len(fake.calls)

        # A member in Solna reports förhinder: the call-ins go out in Solna, with Solna's token.
        westmont_a = person(r, slack_id("Martin Westmont"), SOLNA)
        status, ack = await westmont_a.slash("förhinder 26 november")
        assert status == 200 and "Ditt förhinder" in ack["text"], ack
        # ... and can neither see nor report for Sundbyberg's committee, however it is asked.
        _, refused = await westmont_a.slash("förhinder SBN 26 november")
        assert refused["text"] == "Du är inte med i nämnden ”SBN”. Dina nämnder: AMN.", refused
        forged = westmont_a.action_payload(
            "forhinder_angra",
            json.dumps({"c": "SBN", "d": DAY.isoformat(), "m": "Martin Westmont"}),
        )
        await westmont_a.click_payload(forged)
        await bot.settled()
        assert any("inte med i någon nämnds" in x.get("text", "") for x in fake.responses)

        # The same name in Sundbyberg is another person: Sundbyberg's call-ins go out there only.
        westmont_b = person(r, sbn_id("Martin Westmont"), SUNDBYBERG)
        _, ack_b = await westmont_b.slash("förhinder 26 november")
        assert "Ditt förhinder" in ack_b["text"], ack_b
        # A Solna member's id used from Sundbyberg's workspace is nobody there.
        _, nobody = await person(r, slack_id("Martin Westmont"), SUNDBYBERG).slash("förhinder 26 november")
        assert "finns inte med" in nobody["text"], nobody
        await bot.settled()

        sent = [c for c in fake.calls[start:] if c.method in ("chat.postMessage", "views.publish", "chat.update")]
        in_a = [recipient(c.args) for c in sent if c.team == SOLNA]
        in_b = [recipient(c.args) for c in sent if c.team == SUNDBYBERG]
        assert in_a and in_b
        assert set(in_a) <= amn_people(), set(in_a) - amn_people()
        assert set(in_b) <= sbn_people(), set(in_b) - sbn_people()
        assert not [c for c in sent if c.team not in (SOLNA, SUNDBYBERG)]  # no message without a token
        called_a = {recipient(c.args) for c in sent if c.team == SOLNA and "Du är inkallad" in str(c.args.get("text"))}
        called_b = {
            recipient(c.args) for c in sent if c.team == SUNDBYBERG and "Du är inkallad" in str(c.args.get("text"))
        }
        assert called_a and called_b and not called_a & called_b

        # The secretaries: each sees only their own committee (närvaro, App Home).
        _, narvaro_a = await person(r, SECRETARY, SOLNA).slash("närvaro 26 november")
        assert "Arbetsmarknadsnämnden" in narvaro_a["text"] and "Sundbyberg" not in narvaro_a["text"]
        _, narvaro_x = await person(r, SECRETARY, SOLNA).slash("närvaro SBN 26 november")
        assert "Sundbyberg" not in narvaro_x["text"]
        await person(r, slack_id("Börje Häggman"), SOLNA).event({"type": "app_home_opened", "tab": "home"})
        await bot.settled()
        homes = [
            c for c in fake.calls if c.method == "views.publish" and c.args["user_id"] == slack_id("Börje Häggman")
        ]
        assert homes and {h.team for h in homes} == {SOLNA}
        home = homes[-1]
        shown = json.dumps(home.args["view"], ensure_ascii=False)
        assert "Arbetsmarknadsnämnden" in shown and "Sundbyberg" not in shown

        # A committee whose roster names no workspace is nobody's when there are many (the import says so).
        report = await bot.namnd.import_roster(
            '[committee]\nname = "Kulturnämnden"\nshort = "KUN"\n\n'
            '[[ledamot]]\nname = "Kim Kultur"\nparty = "S"\nslack = "U0KIMKULT"\n',
            "test",
        )
        assert any("anger ingen arbetsyta" in w and SOLNA in w for w in report.warnings), report.warnings
        await bot.namnd.add_meeting("KUN", DAY, actor="sekreteraren")
        for team in (SOLNA, SUNDBYBERG):
            _, loose = await person(r, "U0KIMKULT", team).slash("förhinder 26 november")
            assert "finns inte med" in loose["text"], loose


async def test_a_revoked_workspace_stops_its_messages_and_nothing_else(tmp_path, clock, caplog):
    caplog.set_level(logging.INFO)
    async with two_municipalities(tmp_path, clock) as r:
        fake, bot = r.fake, r.bot
        # Sundbyberg's admin removes the app: Slack revokes the token and tells the app.
        fake.revoke(SUNDBYBERG)
        admin_b = person(r, "U0SUNDBADM", SUNDBYBERG)
        status, _ = await admin_b.event({"type": "app_uninstalled"})
        assert status == 200
        status, _ = await admin_b.event({"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT0SUNDB"]}})
        assert status == 200
        assert dict(await bot.installations.installed()) == {SOLNA: "Solna stad"}
        start = len(fake.calls)

        # Both committees get förhinder: Solna's call-ins go out; Sundbyberg's are stopped, not retried.
        await person(r, slack_id("Martin Westmont"), SOLNA).slash("förhinder 26 november")
        await bot.namnd.add_forhinder("SBN", DAY, "Martin Westmont", actor="cli:sekreteraren")
        await bot.settled()
        after = fake.calls[start:]
        assert not [c for c in after if c.team == SUNDBYBERG], "nothing is sent with a revoked token"
        in_a = [recipient(c.args) for c in after if c.method == "chat.postMessage" and c.team == SOLNA]
        assert in_a and set(in_a) <= amn_people()
        async with bot.db.read() as repo:
            rows = await repo.outbox_all()
        stopped = [x for x in rows if x.status == "failed"]
        assert stopped and all(str(x.target) in sbn_people() | {None, "None"} for x in stopped)
        assert all(x.status == "sent" for x in rows if x.target in amn_people())
        async with bot.db.read() as repo:
            errors = [r["last_error"] for r in await repo._all("SELECT last_error FROM outbox WHERE status = 'failed'")]
        assert errors and all(
            e.startswith("ingen token: appen är inte installerad i arbetsytan T0SUNDB01") for e in errors
        )
        # No traceback anywhere, and the bot is healthy (Solna is served).
        assert not [rec for rec in caplog.records if rec.exc_info], [rec.getMessage() for rec in caplog.records]
        async with ClientSession() as s, s.get(f"{r.base}/healthz") as resp:
            assert resp.status == 200

        # A Sundbyberg member who tries is told, in Swedish, that the app is gone there.
        status, body = await person(r, sbn_id("Andrea Ström"), SUNDBYBERG).slash("förhinder 26 november")
        assert status == 200
        await fake.wait_for(lambda: any("inte installerad" in x.get("text", "") for x in fake.responses))

        # Installed again: Sundbyberg's new messages go out with its new token.
        status, page = await install_through_oauth(r, SUNDBYBERG)
        assert status == 200 and "namndbot är installerad" in page
        again = len(fake.calls)
        _, ack = await person(r, sbn_id("Andrea Ström"), SUNDBYBERG).slash("förhinder 26 november")
        assert "Ditt förhinder" in ack["text"], ack
        await bot.settled()
        posted_b = [c for c in fake.calls[again:] if c.method == "chat.postMessage" and c.team == SUNDBYBERG]
        assert posted_b and {recipient(c.args) for c in posted_b} <= sbn_people()


async def test_the_redirect_refuses_a_forged_or_replayed_state(tmp_path, clock):
    async with two_municipalities(tmp_path, clock, install=False) as r:
        status, page = await install_through_oauth(r, SOLNA, state="forged-state")
        assert status in (400, 401) and "kunde inte installeras" in page and 'lang="sv"' in page
        assert await r.bot.installations.installed() == []
        # Without the state cookie (another browser): refused as well.
        async with ClientSession() as browser:
            async with browser.get(f"{r.base}/slack/oauth_redirect?code=x&state=y", allow_redirects=False) as resp:
                assert resp.status == 400 and "annan webbläsare" in await resp.text()
        # Nobody can use the committees of a workspace where the app is not installed.
        _, body = await person(r, slack_id("Martin Westmont"), SOLNA).slash("förhinder 26 november")
        await r.fake.wait_for(lambda: any("inte installerad" in x.get("text", "") for x in r.fake.responses))
        async with r.bot.db.read() as repo:
            assert await repo._one("SELECT count(*) AS n FROM intake") is not None
            assert (await repo._one("SELECT count(*) AS n FROM intake"))["n"] == 0


# -- settings, roster, manifest ----------------------------------------------------------------
def test_settings_for_many_workspaces(tmp_path):
    fake = FakeSlack()
    fake.url = "http://127.0.0.1:9"
    ok = oauth_settings(tmp_path, fake, 3000, "a" * 32)
    mode = check_settings(ok)
    assert mode.oauth and not mode.socket
    cases = {
        "SLACK_BOT_TOKEN": ("xoxb-1-2", "inte båda"),
        "SLACK_APP_TOKEN": ("xapp-1-2", "bara i HTTP-läge"),
        "SLACK_SIGNING_SECRET": (None, "SLACK_SIGNING_SECRET saknas"),
        "SLACK_CLIENT_SECRET": (None, "SLACK_CLIENT_SECRET saknas"),
        "SLACK_CLIENT_ID": ("abc", "SLACK_CLIENT_ID ser inte ut"),
        "NAMNDBOT_SLACK_AUTHORIZE_URL": ("slack.com", "NAMNDBOT_SLACK_AUTHORIZE_URL ska vara"),
    }
    for name, (value, said) in cases.items():
        with pytest.raises(ConfigError) as err:
            check_settings(oauth_settings(tmp_path, fake, 3000, "a" * 32, **{name: value}))
        assert said in str(err.value), (name, str(err.value))


def test_the_roster_names_its_workspace():
    assert parse_roster(amn_roster()).roster.committee.workspace == SOLNA
    assert parse_roster(amn_with_slack()).roster.committee.workspace is None
    with pytest.raises(RosterError) as err:
        parse_roster(amn_with_slack(extra='\nworkspace = "solna"'))
    assert "”workspace” ska vara Slack-arbetsytans id" in str(err.value) and "rad" in str(err.value)


async def test_single_token_app_uninstalled_is_only_logged(tmp_path, clock, caplog):
    caplog.set_level(logging.WARNING)
    async with running_bot(tmp_path, clock) as r:
        status, _ = await user(r, SECRETARY).event({"type": "app_uninstalled"})
        assert status == 200
        assert "app_uninstalled" in caplog.text
        assert not [rec for rec in caplog.records if rec.exc_info]


async def test_a_committee_is_not_taken_over_by_another_workspace(amn_service):
    await amn_service.import_roster(amn_roster(), "test")
    with pytest.raises(NamndbotError) as err:
        await amn_service.import_roster(amn_with_slack(extra=f'\nworkspace = "{SUNDBYBERG}"'), "test")
    assert f"hör till arbetsytan {SOLNA}" in err.value.full()
    assert (await amn_service.roster("AMN")).committee.workspace == SOLNA


def test_the_manifest_asks_for_what_the_flow_asks_for():
    manifest = json.loads((ROOT / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == set(SCOPES)
    assert any(u.endswith("/slack/oauth_redirect") for u in manifest["oauth_config"]["redirect_urls"])
    assert {"app_uninstalled", "tokens_revoked"} <= set(manifest["settings"]["event_subscriptions"]["bot_events"])


async def test_the_stores_keep_installations_and_states_in_the_database(db, clock):
    from slack_sdk.oauth.installation_store.models.installation import Installation

    from namndbot.bot.installations import InstallationStore, StateStore

    installations = InstallationStore(db, clock)
    forgotten: list[str] = []
    installations.forgotten.append(forgotten.append)
    installation = Installation(
        app_id="A0NAMND",
        team_id=SOLNA,
        team_name="Solna stad",
        bot_token="xoxb-solna-1",
        bot_id="B0SOLNA",
        bot_user_id="UBOTSOLNA",
        bot_scopes=list(SCOPES),
        user_id="U0ADMIN01",
        installed_at=clock().timestamp(),
    )
    await installations.async_save(installation)
    found = await installations.async_find_installation(enterprise_id=None, team_id=SOLNA)
    assert found is not None and found.bot_token == "xoxb-solna-1" and found.user_id == "U0ADMIN01"
    assert list(found.bot_scopes) == list(SCOPES) and found.installed_at == installation.installed_at
    bot = await installations.async_find_bot(enterprise_id=None, team_id=SOLNA)
    assert bot is not None and bot.bot_token == "xoxb-solna-1" and bot.team_name == "Solna stad"
    assert await installations.async_find_bot(enterprise_id=None, team_id=SUNDBYBERG) is None
    # Installed again (a new token): one row, the new token.
    await installations.async_save(
        Installation(team_id=SOLNA, bot_token="xoxb-solna-2", bot_id="B", bot_user_id="U", user_id="U0ADMIN01")
    )
    assert (await installations.async_find_bot(enterprise_id=None, team_id=SOLNA)).bot_token == "xoxb-solna-2"
    await installations.async_delete_all(enterprise_id=None, team_id=SOLNA)
    assert await installations.async_find_bot(enterprise_id=None, team_id=SOLNA) is None
    assert await installations.async_find_installation(enterprise_id=None, team_id=SOLNA) is None
    assert SOLNA in forgotten

    states = StateStore(db, clock, expiration=600)
    state = await states.async_issue()
    assert await states.async_consume(state) is True
    assert await states.async_consume(state) is False  # once
    late = await states.async_issue()
    clock.advance(seconds=601)
    assert await states.async_consume(late) is False  # expired
    assert await states.async_consume("") is False
    await states.async_issue()
    clock.advance(seconds=601)
    await states.async_issue()  # clears out the expired one
    async with db.read() as repo:
        assert (await repo._one("SELECT count(*) AS n FROM oauth_state"))["n"] == 1


async def test_the_redirect_repeats_no_text_but_a_slack_error_code(tmp_path, clock):
    """Anyone can send an admin to /slack/oauth_redirect?error=…: the page must not say what they wrote."""
    async with two_municipalities(tmp_path, clock, install=False) as r:
        async with ClientSession() as browser:
            planted = "Ring supporten på 0771-123 456 och uppge ditt lösenord"
            for query, said in (
                ({"error": "access_denied"}, "Installationen avbröts i Slack"),
                (
                    {"error": "invalid_team_for_non_distributed_app"},
                    "Slack svarade ”invalid_team_for_non_distributed_app”",
                ),
                ({"error": planted}, "Slack svarade med ett fel som namndbot inte känner till."),
                ({"error": "<b>x</b>"}, "Slack svarade med ett fel som namndbot inte känner till."),
            ):
                async with browser.get(f"{r.base}/slack/oauth_redirect", params=query, allow_redirects=False) as resp:
                    page = await resp.text()
                assert "kunde inte installeras" in page and said in page, page
                assert planted not in page and "0771" not in page
        assert await r.bot.installations.installed() == []


async def test_an_id_copied_into_another_workspaces_roster_is_warned_of_and_messages_stay_in_their_workspace(
    tmp_path, clock
):
    """Sundbyberg's roster has Solna's Slack id for Börje Häggman (copied): the import says so, and
    Sundbyberg's call-in of him goes through Sundbyberg's workspace, never to Solna's person."""
    async with two_municipalities(tmp_path, clock) as r:
        fake, bot = r.fake, r.bot
        copied = slack_id("Börje Häggman")
        text = sbn_roster().replace(f'slack = "{sbn_id("Börje Häggman")}"', f'slack = "{copied}"')
        report = await bot.namnd.import_roster(text, "test")
        (warning,) = [w for w in report.warnings if copied in w]
        assert warning.startswith(f"Börje Häggman har Slack-id {copied}, som också står i AMN:s roster")
        assert f"arbetsytan {SOLNA}, inte {SUNDBYBERG}" in warning
        await bot.settled()
        start = len(fake.calls)
        await bot.namnd.add_forhinder("SBN", DAY, "Andrea Ström", actor="cli:sekreteraren")  # calls in Häggman
        await bot.settled()
        sent = [c for c in fake.calls[start:] if c.method == "chat.postMessage"]
        called = [c for c in sent if str(c.args.get("text", "")).startswith("Du är inkallad")]
        assert called and all(c.team == SUNDBYBERG for c in called), [(c.team, c.args.get("text")) for c in sent]
        assert not [c for c in sent if c.team == SOLNA]
        # The same id in both rosters (copied, or one person through Slack Connect): each workspace's
        # Home tab shows that workspace's committees, never the other's.
        for team, own, other in ((SOLNA, "Arbetsmarknadsnämnden", "Sundbyberg"), (SUNDBYBERG, "Sundbyberg", "Arbetsm")):
            start = len(fake.calls)
            await person(r, copied, team).event({"type": "app_home_opened", "tab": "home"})
            await bot.settled()
            (home,) = [c for c in fake.calls[start:] if c.method == "views.publish" and c.args["user_id"] == copied]
            shown = json.dumps(home.args["view"], ensure_ascii=False)
            assert home.team == team and own in shown and other not in shown, (team, shown[:300])


async def test_the_install_page_passes_on_only_a_team_id(tmp_path, clock):
    """/slack/install?team=… goes into Slack's authorize address: nothing but a team id may."""
    from urllib.parse import parse_qs, urlsplit

    async with two_municipalities(tmp_path, clock, install=False) as r:
        async with ClientSession() as browser:
            for team, passed in (
                (SOLNA, [SOLNA]),
                (f"{SOLNA}&user_scope=admin,chat:write&redirect_uri=https://example.invalid/", None),
                ("<script>", None),
            ):
                async with browser.get(f"{r.base}/slack/install", params={"team": team}) as resp:
                    page = await resp.text()
                url = html.unescape(re.search(r'href="([^"]+)" id="lagg-till"', page).group(1))  # type: ignore[union-attr]
                query = parse_qs(urlsplit(url).query, keep_blank_values=True)
                assert query.get("team") == passed, url
                assert query["user_scope"] == [""] and query["redirect_uri"] == [f"{r.base}/slack/oauth_redirect"]


async def test_install_page_opened_far_too_often_makes_no_more_states(tmp_path, clock):
    """Each visit to /slack/install is a write; a flood stops at the limit with a Swedish page, and
    the states already issued still work."""
    async with two_municipalities(tmp_path, clock, install=False) as r:
        states = r.bot.app.oauth_flow.settings.state_store
        states.limit = 2
        async with ClientSession() as browser:
            for _ in range(2):
                async with browser.get(f"{r.base}/slack/install") as resp:
                    assert resp.status == 200
            async with browser.get(f"{r.base}/slack/install") as resp:
                page = await resp.text()
                assert resp.status == 429 and resp.headers["Retry-After"] == "600"
                assert "För många installationsförsök just nu" in page and 'lang="sv"' in page
        async with r.bot.db.read() as repo:
            assert (await repo._one("SELECT count(*) AS n FROM oauth_state"))["n"] == 2
        clock.advance(minutes=11)  # they expire: installing works again
        status, page = await install_through_oauth(r, SOLNA)
        assert status == 200 and "namndbot är installerad" in page


async def test_a_workspace_without_committees_is_told_plainly_whatever_is_tried(tmp_path, clock):
    """Installed where no roster names the workspace: a command other than förhinder, or another
    municipality's button, gets one Swedish answer that fits it, and nothing is stored."""
    from namndbot.blocks import messages

    async with two_municipalities(tmp_path, clock) as r:
        r.fake.add_workspace("T0TOMMA01", "Tomma kommun")
        status, _ = await install_through_oauth(r, "T0TOMMA01")
        assert status == 200
        stranger = person(r, "U0TOMMA001", "T0TOMMA01")
        _, body = await stranger.slash("närvaro AMN 26 november")
        assert "använda nämndens kommandon och knappar" in body["text"]
        before = len(r.fake.responses)
        await stranger.click("svar_kommer", messages.ref("AMN", DAY, "Börje Häggman"))
        await r.fake.wait_for(lambda: len(r.fake.responses) > before)
        assert "använda nämndens kommandon och knappar" in r.fake.responses[-1]["text"]
        async with r.bot.db.read() as repo:
            assert (await repo._one("SELECT count(*) AS n FROM intake"))["n"] == 0

""" "Lägg till i Slack": slack-bolt's OAuth flow, with its pages in Swedish.

``GET /slack/install`` shows a page with the button (and sets the state cookie); Slack sends the
admin back to ``GET /slack/oauth_redirect`` with a one-time code, which slack-bolt exchanges
(``oauth.v2.access``) for the workspace's bot token and saves in the installation store.
"""

from __future__ import annotations

import html
import logging
import re

from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncFailureArgs, AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from ..settings import Settings
from .installations import InstallationStore, StateStore, TooManyStates

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# The bot's scopes: the same as manifest.json's (tests/test_workspaces.py compares them).
SCOPES = (
    "commands",
    "chat:write",
    "im:write",
    "im:history",
    "channels:history",
    "groups:history",
    "users:read",
    "users:read.email",
    "files:read",
)

FAILURES = {
    "access_denied": "Installationen avbröts i Slack; inget har installerats.",
    "invalid_browser": "Länken öppnades i en annan webbläsare än den som började installationen.",
    "invalid_state": "Installationslänken har gått ut eller redan använts.",
    "missing_code": "Slack skickade ingen behörighetskod tillbaka.",
    "invalid_code": "Slack godtog inte behörighetskoden (den kan ha gått ut).",
    "storage_error": "Installationen kunde inte sparas i namndbots databas.",
}


def _page(title: str, body: str, status: int = 200, headers: dict | None = None) -> BoltResponse:
    text = (
        '<!DOCTYPE html>\n<html lang="sv"><head><meta charset="utf-8"><link rel="icon" href="data:,">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em;line-height:1.5}"
        "code{background:#eee;padding:0 .3em}</style>"
        f"</head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return BoltResponse(
        status=status, body=text, headers={"Content-Type": "text/html; charset=utf-8", **(headers or {})}
    )


TEAM_ID = re.compile(r"T[A-Z0-9]{2,20}")


class OAuthFlow(AsyncOAuthFlow):
    """slack-bolt's flow; only the install page is ours (in Swedish), and ``?team=`` is checked."""

    async def handle_installation(self, request: AsyncBoltRequest) -> BoltResponse:
        try:
            return await super().handle_installation(request)
        except TooManyStates:
            log.warning("OAuth: /slack/install opened too often; no new state until some expire")
            return _page(
                "För många installationsförsök just nu",
                "<p>Installationssidan har öppnats väldigt många gånger de senaste minuterna. "
                "Försök igen om en stund.</p>",
                status=429,
                headers={"Retry-After": "600"},
            )

    async def build_authorize_url(self, state: str, request: AsyncBoltRequest) -> str:
        # slack_sdk appends ``team`` to Slack's authorize address as it is: "T1&user_scope=…" would
        # add parameters of the sender's choosing to the admin's consent. Only a team id is passed on.
        teams = request.query.get("team") or []
        team = teams[0] if teams and TEAM_ID.fullmatch(teams[0]) else None
        return self.settings.authorize_url_generator.generate(state=state, team=team)

    async def build_install_page_html(self, url: str, request: AsyncBoltRequest) -> str:
        link = html.escape(url, quote=True)
        return _page(
            "Lägg till namndbot i Slack",
            "<p>namndbot sköter nämndens sammanträden i Slack: förhinder, inkallade ersättare i rätt "
            "turordning, justering och protokollets närvarodel.</p>"
            f'<p><a href="{link}" id="lagg-till" style="display:inline-block;padding:.6em 1.2em;'
            'background:#4A154B;color:#fff;border-radius:4px;text-decoration:none">Lägg till i Slack</a></p>'
            "<p>Du behöver vara administratör i arbetsytan, eller få administratörens godkännande.</p>",
        ).body


async def _success(args: AsyncSuccessArgs) -> BoltResponse:
    inst = args.installation
    team = html.escape(inst.team_id or "")
    name = html.escape(inst.team_name or inst.team_id or "")
    log.info("OAuth: installed in %s (%s) by %s", inst.team_id, inst.team_name, inst.user_id)
    return _page(
        "namndbot är installerad",
        f"<p>namndbot är nu installerad i arbetsytan <strong>{name}</strong>.</p>"
        f"<p>Arbetsytans id är <code>{team}</code>. Skriv det i varje nämnds roster, "
        f'<code>[committee] workspace = "{team}"</code>, och läs in den med '
        "<code>namndbot roster import</code>. Bjud sedan in boten till nämndens kanaler "
        "(<code>/invite @namndbot</code>); ledamöterna skriver <code>/namnd hjälp</code>.</p>",
    )


async def _failure(args: AsyncFailureArgs) -> BoltResponse:
    reason = FAILURES.get(args.reason)
    if reason is None:  # the redirect's ?error= is anyone's text: only a code-like word is repeated
        code = args.reason if re.fullmatch(r"[a-z_]{1,40}", args.reason or "") else None
        reason = f"Slack svarade ”{code}”." if code else "Slack svarade med ett fel som namndbot inte känner till."
    log.warning("OAuth: installation failed: %s", args.reason, exc_info=args.error)
    return _page(
        "namndbot kunde inte installeras",
        f'<p>{html.escape(reason)}</p><p><a href="{INSTALL_PATH}">Börja om</a>. Inget annat har ändrats.</p>',
        status=args.suggested_status_code,
    )


def oauth_flow(
    settings: Settings, client: AsyncWebClient, installations: InstallationStore, states: StateStore
) -> OAuthFlow:
    assert settings.slack_client_id and settings.slack_client_secret  # checked at start (bot/server.py)
    oauth_settings = AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(SCOPES),
        user_scopes=[],
        redirect_uri=settings.public_base_url + REDIRECT_PATH,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=settings.slack_authorize_url,
        installation_store=installations,
        installation_store_bot_only=True,
        state_store=states,
        callback_options=AsyncCallbackOptions(success=_success, failure=_failure),
        logger=logging.getLogger("namndbot.slack.oauth"),
    )
    return OAuthFlow(client=client, settings=oauth_settings, logger=logging.getLogger("namndbot.slack.oauth"))

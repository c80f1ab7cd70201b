"""Settings from the environment (and a ``.env`` file), through pydantic-settings.

The names are a contract: tests outside the project set them.
"""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    # An empty variable (NAMNDBOT_GALLRING_MANADER=) is one not set: the default, not an error.
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True)

    database: str = Field("./namndbot.sqlite3", validation_alias=AliasChoices("NAMNDBOT_DATABASE"))
    timezone: str = Field("Europe/Stockholm", validation_alias=AliasChoices("NAMNDBOT_TIMEZONE"))

    # Slack (see the README for how to create the app from manifest.json)
    slack_bot_token: str | None = Field(None, validation_alias=AliasChoices("SLACK_BOT_TOKEN"))
    slack_signing_secret: str | None = Field(None, validation_alias=AliasChoices("SLACK_SIGNING_SECRET"))
    slack_app_token: str | None = Field(None, validation_alias=AliasChoices("SLACK_APP_TOKEN"))
    slack_api_url: str = Field("https://slack.com/api/", validation_alias=AliasChoices("NAMNDBOT_SLACK_API_URL"))
    # Many workspaces: "Lägg till i Slack" (slack-bolt's OAuth flow) instead of one bot token
    slack_client_id: str | None = Field(None, validation_alias=AliasChoices("SLACK_CLIENT_ID"))
    slack_client_secret: str | None = Field(None, validation_alias=AliasChoices("SLACK_CLIENT_SECRET"))
    slack_authorize_url: str = Field(
        "https://slack.com/oauth/v2/authorize", validation_alias=AliasChoices("NAMNDBOT_SLACK_AUTHORIZE_URL")
    )

    # The web server (feeds, /slack/events in HTTP mode, /healthz)
    host: str = Field("127.0.0.1", validation_alias=AliasChoices("NAMNDBOT_HOST"))
    port: int = Field(3000, validation_alias=AliasChoices("NAMNDBOT_PORT"))
    base_url: str | None = Field(None, validation_alias=AliasChoices("NAMNDBOT_BASE_URL"))
    # Against slow or hostile clients: seconds for a request's head and for its body, open connections
    http_header_timeout: float = Field(
        10.0, gt=0, le=3600, validation_alias=AliasChoices("NAMNDBOT_HTTP_HEADER_TIMEOUT")
    )
    http_body_timeout: float = Field(30.0, gt=0, le=3600, validation_alias=AliasChoices("NAMNDBOT_HTTP_BODY_TIMEOUT"))
    http_max_connections: int = Field(
        500, ge=1, le=100000, validation_alias=AliasChoices("NAMNDBOT_HTTP_MAX_CONNECTIONS")
    )

    # E-mail for members without Slack (call-ins, reminders; answers through links to this server)
    smtp_url: str | None = Field(None, validation_alias=AliasChoices("NAMNDBOT_SMTP_URL"))
    mail_from: str | None = Field(None, validation_alias=AliasChoices("NAMNDBOT_MAIL_FROM"))

    inbox: str | None = Field(None, validation_alias=AliasChoices("NAMNDBOT_INBOX"))

    # The log: lines of text, or one JSON object a line (for a log collector)
    log_format: Literal["text", "json"] = Field("text", validation_alias=AliasChoices("NAMNDBOT_LOG_FORMAT"))

    # Personal data of meetings older than this many months is deleted (GDPR art. 5.1 e)
    gallring_manader: int = Field(24, ge=1, le=1200, validation_alias=AliasChoices("NAMNDBOT_GALLRING_MANADER"))

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"okänd tidszon {value!r}") from None
        return value

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        from .mail.smtp import SmtpServer

        SmtpServer.parse(value)  # a Swedish ValueError naming the variable
        return value

    @field_validator("mail_from")
    @classmethod
    def _mail_from(cls, value: str | None) -> str | None:
        if not value:
            return None
        from .domain.roster_file import epostadress

        try:
            return epostadress(value)  # what a mail server takes (å, ä, ö before @ would fail every mail)
        except ValueError as exc:
            raise ValueError(f"NAMNDBOT_MAIL_FROM ska vara en e-postadress som namnd@kommun.se: {exc}") from None

    @property
    def public_base_url(self) -> str:
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")

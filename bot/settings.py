"""Settings from the environment: the only module that reads it. Secrets stay SecretStr."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class Settings(BaseModel):
    """Each field from the environment variable its alias names (matched without regard to
    case); keyword arguments, by variable or field name, take precedence.

    A plain model rather than pydantic-settings (~40 ms to import for every command): no
    variable here needs more than pydantic's own parsing of a string (``"true"``, ``"3000"``, a
    path)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, validate_default=True)

    def __init__(self, **values: Any) -> None:
        super().__init__(**_from_environment(skip=values.keys()), **values)

    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    data_dir: Path = Field(default=Path("data"), alias="SIGNALBOT_DATA_DIR")
    config_path: Path | None = Field(default=None, alias="SIGNALBOT_CONFIG")
    database_url: SecretStr | None = Field(
        default=None,
        alias="SIGNALBOT_DATABASE_URL",
        description="SQLAlchemy URL; default: SQLite in the data directory",
    )
    fetch_allow: str = Field(
        default="",
        alias="SIGNALBOT_FETCH_ALLOW",
        description="comma-separated networks or host names that on-demand fetches may reach "
        "even though they are private (intranets, tests)",
    )
    host: str = Field(default="127.0.0.1", alias="SIGNALBOT_HOST", description="web server address")
    port: int | None = Field(
        default=None,
        alias="SIGNALBOT_PORT",
        description="serve the web routes while `run` polls (default: when Slack HTTP mode or Teams is configured)",
    )
    public_url: str | None = Field(
        default=None,
        alias="SIGNALBOT_PUBLIC_URL",
        description="public https base URL of this bot's web server (Teams digest charts are linked from it)",
    )
    websub: bool = Field(
        default=True,
        alias="SIGNALBOT_WEBSUB",
        description="subscribe to the WebSub hubs feeds name (needs SIGNALBOT_PUBLIC_URL)",
    )
    teams_outgoing_token: SecretStr | None = Field(default=None, alias="TEAMS_OUTGOING_TOKEN")
    teams_app_id: str | None = Field(default=None, alias="TEAMS_APP_ID")
    teams_app_password: SecretStr | None = Field(default=None, alias="TEAMS_APP_PASSWORD")
    teams_tenant_id: str | None = Field(default=None, alias="TEAMS_TENANT_ID")
    teams_anonymous: bool = Field(
        default=False,
        alias="SIGNALBOT_TEAMS_ANONYMOUS",
        description="serve /api/messages without Bot Framework authentication (local testing only)",
    )
    log_level: str = Field(default="INFO", alias="SIGNALBOT_LOG_LEVEL")
    log_format: Literal["text", "json"] = Field(
        default="text",
        alias="SIGNALBOT_LOG_FORMAT",
        description="text, or json (one object a line)",
    )
    metrics_port: int | None = Field(
        default=None,
        alias="SIGNALBOT_METRICS_PORT",
        description="serve /metrics on this port instead of the web server's",
    )

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token and self.slack_bot_token.get_secret_value())

    @property
    def teams_bot_enabled(self) -> bool:
        return bool(self.teams_app_id) or self.teams_anonymous

    def db_url(self) -> str:
        if self.database_url and self.database_url.get_secret_value():
            return self.database_url.get_secret_value()
        return f"sqlite+aiosqlite:///{(self.data_dir / 'signalbot.db').resolve()}"

    def fetch_allowlist(self) -> list[str]:
        return [p.strip() for p in self.fetch_allow.split(",") if p.strip()]


def _from_environment(skip: Iterable[str]) -> dict[str, str]:
    """The value of every set variable that names a field, keyed by its alias; none for the
    fields in ``skip`` (by name or alias)."""
    environment = {name.lower(): value for name, value in os.environ.items()}
    given = set(skip)
    found = {}
    for name, field in Settings.model_fields.items():
        if field.alias is None or name in given or field.alias in given:
            continue
        if (value := environment.get(field.alias.lower())) is not None:
            found[field.alias] = value
    return found

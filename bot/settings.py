"""Settings from the environment: the only module that reads it. Secrets stay SecretStr."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", populate_by_name=True)

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

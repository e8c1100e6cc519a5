"""Building the real app against the loopback stand-ins."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from bot.app import build_app
from bot.domain.config import BotConfig
from bot.ports import Clock
from bot.services.polling import CycleReport
from bot.settings import Settings
from tests.support.servers import SlackStandIn

TOKEN = "xoxb-test-token"


def slack_settings(tmp_path: Path, slack: SlackStandIn) -> Settings:
    """Settings that post to the Slack stand-in and keep state under ``tmp_path``."""
    return Settings(
        SLACK_BOT_TOKEN=SecretStr(TOKEN),
        SLACK_API_URL=slack.base,
        SIGNALBOT_DATA_DIR=tmp_path / "data",
    )


async def poll(tmp_path: Path, slack: SlackStandIn, config: BotConfig, clock: Clock) -> CycleReport:
    """One poll cycle of a freshly started app (each call is a restart on the same state)."""
    async with build_app(slack_settings(tmp_path, slack), config, clock=clock) as app:
        return await app.poller.poll_once()

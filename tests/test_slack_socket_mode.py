"""Slack Socket Mode end to end: apps.connections.open on the Web API stand-in, then its
WebSocket: hello, a slash command envelope and its ack, a disconnect and the reconnect."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from bot.app import build_app, inbound
from bot.domain.config import BotConfig
from bot.settings import Settings
from tests.conftest import FakeClock
from tests.support.servers import SlackStandIn
from tests.support.socket_mode import socket_mode_server

APP_TOKEN = "xapp-1-A0SIGNAL-1-socket"


def slash(text: str) -> dict[str, str]:
    return {
        "command": "/signal",
        "text": text,
        "user_id": "UREADER",
        "channel_id": "C0DESK",
        "team_id": "T1",
        "response_url": "https://hooks.slack.invalid/commands/1",
        "trigger_id": "1.2.3",
    }


async def test_slash_commands_are_acked_over_the_socket_across_a_reconnect(
    tmp_path: Path, slack: SlackStandIn, clock: FakeClock
) -> None:
    settings = Settings(
        SLACK_BOT_TOKEN=SecretStr("xoxb-socket-test"),
        SLACK_APP_TOKEN=SecretStr(APP_TOKEN),
        SLACK_API_URL=slack.base,
        SIGNALBOT_DATA_DIR=tmp_path / "data",
    )
    async with socket_mode_server() as socket:
        slack.socket_url = socket.url
        async with build_app(settings, BotConfig(), clock=clock) as app, inbound(app, None):
            await socket.wait_for_connection(1)
            first = await socket.send_envelope("slash_commands", slash("help"))
            ack = await socket.ack()
            assert ack["envelope_id"] == first
            assert ack["payload"]["response_type"] == "ephemeral"
            assert "/signal analyze" in ack["payload"]["text"]

            await socket.ask_to_reconnect()
            await socket.wait_for_connection(2)
            second = await socket.send_envelope("slash_commands", slash("help"))
            ack = await socket.ack()
            assert ack["envelope_id"] == second
            assert "/signal analyze" in ack["payload"]["text"]

    opens = [c for c in slack.calls if c.method == "apps.connections.open"]
    assert len(opens) == 2  # one URL for the first connection, a fresh one for the reconnect
    assert all(c.token == APP_TOKEN for c in opens)

"""The Teams bot at /api/messages on the Microsoft 365 Agents SDK, over real HTTP on loopback:
activities posted in the SDK's anonymous mode (local testing), replies captured by a loopback
stand-in for the Bot Connector service at the activity's ``serviceUrl``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from bot.app import App, build_app
from bot.domain.config import BotConfig
from bot.errors import ConfigError
from bot.settings import Settings
from bot.web import build_web_app, start_site
from handlers.teams_bot import TEAMS_BOT, auth_configuration, register_bot
from tests.conftest import FakeClock
from tests.support.feeds import TARIFF_TEXT, TARIFF_TITLE
from tests.teams.conftest import CardCheck
from tests.teams.support import ConnectorStandIn, Pages, activity, card_of, card_text

ADMIN = "aad-admin"


@asynccontextmanager
async def bot_server(tmp_path: Path, **env: Any) -> AsyncIterator[tuple[App, str, Any]]:
    settings = Settings(
        SIGNALBOT_DATA_DIR=tmp_path / "data", SIGNALBOT_FETCH_ALLOW="127.0.0.1", **env
    )
    async with build_app(settings, BotConfig(), clock=FakeClock()) as app:
        web_app = build_web_app(
            app.store,
            [lambda a: register_bot(a, app.chat, settings, admins=[ADMIN], clock=app.clock)],
        )
        port, stop = await start_site(web_app, "127.0.0.1", 0)
        try:
            yield app, f"http://127.0.0.1:{port}/api/messages", web_app[TEAMS_BOT]
        finally:
            await stop()


async def send(url: str, body: dict[str, Any], authorization: str | None = None) -> httpx.Response:
    headers = {"Authorization": authorization} if authorization else {}
    async with httpx.AsyncClient(timeout=30) as client:
        return await client.post(url, json=body, headers=headers)


async def test_a_command_is_answered_with_a_card_through_the_connector(
    tmp_path: Path, connector: ConnectorStandIn, assert_valid_card: CardCheck
) -> None:
    async with bot_server(tmp_path) as (_, url, _bot):
        message = activity("<at>Signalbot</at> status", service_url=connector.base + "/")
        response = await send(url, message)
        assert response.status_code == 202
        [reply] = await connector.wait_for_messages(1)
    path, _ = connector.activities[-1]
    conversation = message["conversation"]["id"]
    assert path.startswith("/v3/conversations/")
    assert "19:desk@thread.tacv2" in path.replace("%3A", ":").replace("%40", "@")
    assert reply["conversation"]["id"] == conversation
    assert reply["replyToId"] == message["id"]
    card = card_of(reply)
    assert_valid_card(card)
    assert "Feeds: 0 watched" in card_text(card)


async def test_slow_work_gets_working_on_it_then_a_follow_up(
    tmp_path: Path, connector: ConnectorStandIn, pages: Pages, assert_valid_card: CardCheck
) -> None:
    pages.pages["/article"] = (
        f"<html><head><title>{TARIFF_TITLE}</title></head>"
        f"<body><article><p>{TARIFF_TEXT}</p></article></body></html>"
    )
    pages.held.add("/article")
    async with bot_server(tmp_path) as (_, url, bot):
        message = activity(
            f"<at>Signalbot</at> analyze {pages.base}/article", service_url=connector.base + "/"
        )
        response = await send(url, message)
        assert response.status_code == 202
        [ack] = await connector.wait_for_messages(1)
        assert ack["text"].startswith("Working on it")  # answered before the page arrived
        pages.release.set()
        await bot.drain()
        _, follow_up = await connector.wait_for_messages(2)
    card = card_of(follow_up)
    assert_valid_card(card)
    text = card_text(card)
    assert "US imposes 25% tariffs" in text
    assert "🔺" in text
    assert follow_up["conversation"]["id"] == message["conversation"]["id"]


async def test_readers_cannot_change_feeds_from_teams(
    tmp_path: Path, connector: ConnectorStandIn
) -> None:
    async with bot_server(tmp_path) as (app, url, bot):
        for command in ("feeds remove wire", "feeds add https://news.example.org/trade.rss"):
            await send(
                url, activity(f"<at>Signalbot</at> {command}", service_url=connector.base + "/")
            )
        await bot.drain()
        replies = await connector.wait_for_messages(2)
        assert await app.store.user_feeds() == []
    assert len(replies) == 2  # refused at once: no "working on it" for a reader's change
    for reply in replies:
        assert "only this bot's admins" in card_text(card_of(reply))


async def test_help_lists_the_commands(
    tmp_path: Path, connector: ConnectorStandIn, assert_valid_card: CardCheck
) -> None:
    async with bot_server(tmp_path) as (_, url, _bot):
        await send(url, activity("<at>Signalbot</at> help", service_url=connector.base + "/"))
        [reply] = await connector.wait_for_messages(1)
    card = card_of(reply)
    assert_valid_card(card)
    assert "@Signalbot analyze" in card_text(card)
    assert "digest" in card_text(card)


@pytest.mark.parametrize("authorization", [None, "Bearer not.a.jwt", "Basic abc"])
async def test_with_credentials_configured_unauthenticated_requests_get_401(
    tmp_path: Path, connector: ConnectorStandIn, authorization: str | None
) -> None:
    env = {
        "TEAMS_APP_ID": "00000000-0000-0000-0000-000000000001",
        "TEAMS_APP_PASSWORD": SecretStr("test-secret"),
        "TEAMS_TENANT_ID": "00000000-0000-0000-0000-0000000000aa",
    }
    async with bot_server(tmp_path, **env) as (_, url, _bot):
        response = await send(
            url, activity("status", service_url=connector.base + "/"), authorization
        )
    assert response.status_code == 401
    assert connector.activities == []


def test_an_app_id_without_its_secret_is_a_config_error(tmp_path: Path) -> None:
    settings = Settings(TEAMS_APP_ID="00000000-0000-0000-0000-000000000001")
    with pytest.raises(ConfigError) as caught:
        auth_configuration(settings)
    assert "TEAMS_APP_PASSWORD" in str(caught.value)
    assert "TEAMS_TENANT_ID" in str(caught.value)


def test_without_an_app_id_the_bot_is_anonymous(caplog: pytest.LogCaptureFixture) -> None:
    config = auth_configuration(Settings())
    assert config.ANONYMOUS_ALLOWED
    assert "local testing only" in caplog.text


async def test_a_body_that_is_not_an_activity_is_refused(tmp_path: Path) -> None:
    async with bot_server(tmp_path) as (_, url, _bot), httpx.AsyncClient() as client:
        garbage = await client.post(
            url, content=b"{not json", headers={"Content-Type": "application/json"}
        )
        incomplete = await client.post(url, json={"type": "message"})
    assert garbage.status_code == 400
    assert incomplete.status_code == 400

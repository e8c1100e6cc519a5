"""The Teams outgoing webhook over real HTTP on loopback: HMAC accepted and refused, commands
answered with Adaptive Cards within Teams' 5 seconds, admins enforced."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator, Callable
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
from handlers.teams_outgoing import command_text, register_outgoing, sign, verify
from tests.conftest import FakeClock
from tests.support.feeds import TARIFF_TEXT, TARIFF_TITLE, rss, rss_item
from tests.support.servers import FeedServer
from tests.teams.conftest import CardCheck
from tests.teams.support import Pages, activity, card_of, card_text

KEY = b"outgoing-webhook-test-key-32byte"
TOKEN = base64.b64encode(KEY).decode()
ADMIN = "aad-admin"

Post = Callable[..., Any]


@asynccontextmanager
async def outgoing_server(tmp_path: Path, timeout_s: float = 4.5) -> AsyncIterator[tuple[App, str]]:
    settings = Settings(SIGNALBOT_DATA_DIR=tmp_path / "data", SIGNALBOT_FETCH_ALLOW="127.0.0.1")
    async with build_app(settings, BotConfig(), clock=FakeClock()) as app:
        web_app = build_web_app(
            app.store,
            [
                lambda a: register_outgoing(
                    a,
                    app.chat,
                    SecretStr(TOKEN),
                    admins=[ADMIN],
                    clock=app.clock,
                    timeout_s=timeout_s,
                )
            ],
        )
        port, stop = await start_site(web_app, "127.0.0.1", 0)
        try:
            yield app, f"http://127.0.0.1:{port}/teams/outgoing"
        finally:
            await stop()


async def post(url: str, body: bytes, authorization: str | None) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    async with httpx.AsyncClient(timeout=30) as client:
        return await client.post(url, content=body, headers=headers)


async def signed(url: str, text: str, **kwargs: Any) -> httpx.Response:
    body = json.dumps(activity(text, **kwargs)).encode()
    return await post(url, body, sign(body, KEY))


async def test_a_signed_status_request_is_answered_with_a_card(
    tmp_path: Path, assert_valid_card: CardCheck
) -> None:
    async with outgoing_server(tmp_path) as (_, url):
        response = await signed(url, "<at>Signalbot</at> status\n")
    assert response.status_code == 200
    message = response.json()
    assert message["type"] == "message"
    card = card_of(message)
    assert_valid_card(card)
    assert "Feeds: 0 watched" in card_text(card)


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "HMAC",
        "HMAC not-base64!!",
        "Bearer abc",
        "HMAC " + base64.b64encode(b"x" * 32).decode(),
        "signed-with-another-key",
    ],
)
async def test_a_wrong_or_missing_signature_gets_401(
    tmp_path: Path, authorization: str | None
) -> None:
    body = json.dumps(activity("<at>Signalbot</at> status")).encode()
    if authorization == "signed-with-another-key":
        authorization = sign(body, b"another-key-entirely-32-bytes-xx")
    async with outgoing_server(tmp_path) as (_, url):
        response = await post(url, body, authorization)
    assert response.status_code == 401
    assert "Feeds" not in response.text


async def test_a_signature_for_another_body_gets_401(tmp_path: Path) -> None:
    body = json.dumps(activity("<at>Signalbot</at> status")).encode()
    tampered = body.replace(b"status", b"digest")
    async with outgoing_server(tmp_path) as (_, url):
        response = await post(url, tampered, sign(body, KEY))
    assert response.status_code == 401


def test_verify_is_exact_about_the_hmac() -> None:
    body = b'{"text": "hello"}'
    assert verify(body, sign(body, KEY), KEY)
    assert verify(body, "hmac " + sign(body, KEY).split(" ", 1)[1], KEY)  # scheme is case-blind
    assert not verify(body + b" ", sign(body, KEY), KEY)
    assert not verify(body, sign(body, KEY)[:-2], KEY)
    assert not verify(body, None, KEY)


def test_a_token_that_is_not_base64_is_a_config_error() -> None:
    from aiohttp import web

    with pytest.raises(ConfigError) as caught:
        register_outgoing(web.Application(), None, SecretStr("not base64 at all!"))  # type: ignore[arg-type]
    assert "TEAMS_OUTGOING_TOKEN" in str(caught.value)
    assert "not base64 at all" not in str(caught.value)  # the secret is not echoed


def test_command_text_strips_the_mention_and_html() -> None:
    assert (
        command_text(
            '<at>Signalbot</at>&nbsp;analyze <a href="https://x.example/a">https://x.example/a</a>\n'
        )
        == "analyze https://x.example/a"
    )
    assert command_text("<p><at>Signal Bot</at> digest 7d</p>") == "digest 7d"


async def test_analyze_text_returns_the_rating_card(
    tmp_path: Path, assert_valid_card: CardCheck
) -> None:
    async with outgoing_server(tmp_path) as (_, url):
        response = await signed(url, f"<at>Signalbot</at> analyze {TARIFF_TEXT}")
    card = card_of(response.json())
    assert_valid_card(card)
    text = card_text(card)
    assert "🔺" in text
    assert "clarity" in text
    assert {a["type"] for a in card.get("actions", [])} <= {"Action.OpenUrl"}


async def test_slow_work_is_answered_within_the_deadline(tmp_path: Path, pages: Pages) -> None:
    pages.pages["/slow"] = (
        f"<html><title>{TARIFF_TITLE}</title><body><p>{TARIFF_TEXT}</p></body></html>"
    )
    pages.held.add("/slow")  # the page never answers during this test
    async with outgoing_server(tmp_path, timeout_s=0.5) as (_, url):
        started = time.monotonic()
        response = await signed(url, f"<at>Signalbot</at> analyze {pages.base}/slow")
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert elapsed < 5.0  # Teams gives up after 5 s
    assert "Still working on it" in response.json()["text"]


async def test_readers_cannot_change_feeds_but_admins_can(
    tmp_path: Path, feeds: FeedServer, assert_valid_card: CardCheck
) -> None:
    feed_url = feeds.set("/trade.rss", rss([rss_item("g1", TARIFF_TITLE, TARIFF_TEXT)]))
    async with outgoing_server(tmp_path) as (app, url):
        refused = await signed(url, f"<at>Signalbot</at> feeds add {feed_url} trade")
        assert "only this bot's admins" in card_text(card_of(refused.json()))
        assert await app.store.user_feeds() == []

        accepted = await signed(url, f"<at>Signalbot</at> feeds add {feed_url} trade", user=ADMIN)
        card = card_of(accepted.json())
        assert_valid_card(card)
        assert "Now watching trade" in card_text(card)
        assert [f.name for f in await app.store.user_feeds()] == ["trade"]


async def test_help_and_bad_commands_answer_with_cards(
    tmp_path: Path, assert_valid_card: CardCheck
) -> None:
    async with outgoing_server(tmp_path) as (_, url):
        helped = card_of((await signed(url, "<at>Signalbot</at> help")).json())
        wrong = card_of(
            (await signed(url, "<at>Signalbot</at> [x](https://evil.example) **now**")).json()
        )
    assert_valid_card(helped)
    assert "@Signalbot analyze" in card_text(helped)
    assert_valid_card(wrong)
    assert "unknown command" in card_text(wrong)
    assert "](" not in card_text(wrong)
    assert "**now" not in card_text(wrong)

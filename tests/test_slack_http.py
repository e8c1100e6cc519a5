"""Slack's inbound edge over real HTTP (commands, routes, digests, buttons, events): signed
requests to the running server, a loopback Slack Web API stand-in, and a loopback response_url
receiver."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from pydantic import SecretStr

from bot.app import App, build_app, inbound
from bot.domain.config import BotConfig
from bot.settings import Settings
from tests.conftest import FakeClock
from tests.support.feeds import TARIFF_TEXT, TARIFF_TITLE, rss, rss_item
from tests.support.servers import FeedServer, Recorder, SlackStandIn, recorder_server

SECRET = "test-signing-secret"
ADMIN, USER, CHANNEL = "UADMIN", "UREADER", "C0DESK"


@dataclass
class Rig:
    app: App
    url: str
    responses: Recorder
    slack: SlackStandIn
    feeds: FeedServer


@pytest.fixture
def responses() -> Iterator[Recorder]:
    with recorder_server() as server:
        yield server


def make_settings(tmp_path: Path, slack: SlackStandIn, allow: str) -> Settings:
    return Settings(
        SLACK_BOT_TOKEN=SecretStr("xoxb-test"),
        SLACK_SIGNING_SECRET=SecretStr(SECRET),
        SLACK_API_URL=slack.base,
        SIGNALBOT_DATA_DIR=tmp_path / "data",
        SIGNALBOT_FETCH_ALLOW=allow,
    )


async def _rig(
    tmp_path: Path, slack: SlackStandIn, feeds: FeedServer, responses: Recorder, allow: str
) -> AsyncIterator[Rig]:
    config = BotConfig.model_validate({"chat": {"admins": [ADMIN]}})
    async with (
        build_app(make_settings(tmp_path, slack, allow), config, clock=FakeClock()) as app,
        inbound(app, 0) as port,
    ):
        yield Rig(app, f"http://127.0.0.1:{port}/slack/events", responses, slack, feeds)


@pytest.fixture
async def rig(
    tmp_path: Path, slack: SlackStandIn, feeds: FeedServer, responses: Recorder
) -> AsyncIterator[Rig]:
    async for r in _rig(tmp_path, slack, feeds, responses, "127.0.0.1"):
        yield r


@pytest.fixture
async def strict_rig(
    tmp_path: Path, slack: SlackStandIn, feeds: FeedServer, responses: Recorder
) -> AsyncIterator[Rig]:
    async for r in _rig(tmp_path, slack, feeds, responses, ""):
        yield r


def sign(body: str, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    ts = str(timestamp if timestamp is not None else int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


async def command(rig: Rig, text: str, user: str = USER, **headers: str) -> httpx.Response:
    body = urlencode(
        {
            "command": "/signal",
            "text": text,
            "user_id": user,
            "channel_id": CHANNEL,
            "team_id": "T1",
            "response_url": rig.responses.base + "/response",
            "trigger_id": "1.2.3",
        }
    )
    async with httpx.AsyncClient(timeout=3.0) as client:  # Slack gives up after 3 seconds
        return await client.post(rig.url, content=body, headers={**sign(body), **headers})


async def interact(rig: Rig, action_id: str, value: str, user: str = USER) -> httpx.Response:
    payload = {
        "type": "block_actions",
        "user": {"id": user},
        "channel": {"id": CHANNEL},
        "team": {"id": "T1"},
        "response_url": rig.responses.base + "/response",
        "trigger_id": "1.2.3",
        "container": {"type": "message", "channel_id": CHANNEL},
        "actions": [
            {"action_id": action_id, "block_id": "alert_actions", "value": value, "type": "button"}
        ],
    }
    body = urlencode({"payload": json.dumps(payload)})
    async with httpx.AsyncClient(timeout=3.0) as client:
        return await client.post(rig.url, content=body, headers=sign(body))


async def ask(rig: Rig, text: str, user: str = USER) -> Any:
    """Send a command and wait for its answer at response_url."""
    before = len(rig.responses.received)
    ack = await command(rig, text, user)
    assert ack.status_code == 200
    return (await replies(rig, before + 1))[before]


async def replies(rig: Rig, count: int) -> list[Any]:
    """The first ``count`` bodies posted to response_url (waits in a thread: the server's
    background work runs on this event loop)."""
    return await asyncio.to_thread(rig.responses.wait_for, count)


def texts(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False)


async def test_forged_stale_and_unsigned_requests_get_401(rig: Rig) -> None:
    body = urlencode({"command": "/signal", "text": "help", "user_id": USER, "channel_id": CHANNEL})
    async with httpx.AsyncClient() as client:
        forged = await client.post(rig.url, content=body, headers=sign(body, secret="wrong"))
        stale = await client.post(
            rig.url, content=body, headers=sign(body, timestamp=int(time.time()) - 301)
        )
        unsigned = await client.post(
            rig.url, content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        tampered_headers = sign(body)
        tampered = await client.post(
            rig.url, content=body + "&text=status", headers=tampered_headers
        )
    assert [r.status_code for r in (forged, stale, unsigned, tampered)] == [401, 401, 401, 401]


async def test_help_lists_every_command_with_an_example(rig: Rig) -> None:
    response = await command(rig, "help")
    assert response.status_code == 200
    body = texts(response.json())
    for usage in (
        "analyze",
        "feeds add",
        "feeds remove",
        "feeds list",
        "feeds errors",
        "route add",
        "digest",
        "status",
    ):
        assert usage in body
    assert "Example: /signal route add" in body


async def test_ack_arrives_while_a_slow_url_is_still_being_analysed(rig: Rig) -> None:
    gate = threading.Event()
    page = f"<html><head><title>{TARIFF_TITLE}</title></head><body><article><p>{TARIFF_TEXT}</p></article></body></html>"
    url = rig.feeds.set("/slow-article", page, content_type="text/html", gate=gate)
    try:
        ack = await command(rig, f"analyze <{url}>")  # times out after 3 s if the ack waits
        assert ack.status_code == 200
        assert "Working on it" in ack.text
        assert rig.responses.received == []  # the analysis is still waiting for the page
    finally:
        gate.set()
    [reply] = await replies(rig, 1)
    assert reply["response_type"] == "ephemeral"
    assert "clarity" in texts(reply)
    assert "US imposes 25% tariffs" in texts(reply)


async def test_analyze_share_posts_in_channel(rig: Rig) -> None:
    await command(rig, f"analyze --share {TARIFF_TEXT}")
    [reply] = await replies(rig, 1)
    assert reply["response_type"] == "in_channel"
    assert "🔺" in reply["text"] or "↕" in reply["text"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:9/x", "loopback"),
        ("http://[::1]/x", "loopback"),
        ("http://10.1.2.3/x", "private"),
        ("http://192.168.0.10/x", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local or cloud metadata"),
        ("http://100.64.0.1/x", "carrier-grade NAT"),
        ("http://0.0.0.0/x", "unspecified"),
        ("http://localhost:9/x", "loopback"),
    ],
)
async def test_analyze_refuses_private_addresses(strict_rig: Rig, url: str, reason: str) -> None:
    await command(strict_rig, f"analyze {url}")
    [reply] = await replies(strict_rig, 1)
    assert reason in reply["text"]
    assert "may not reach" in reply["text"]


async def test_redirects_into_private_networks_are_refused(rig: Rig) -> None:
    url = rig.feeds.set("/hop", "", status=302, headers={"Location": "http://10.0.0.7/internal"})
    await command(rig, f"analyze {url}")
    [reply] = await replies(rig, 1)
    assert "10.0.0.7" in reply["text"]
    assert "private" in reply["text"]


async def test_feeds_add_is_for_admins_and_checks_the_feed_first(rig: Rig) -> None:
    url = rig.feeds.set("/wire", rss([rss_item("a", TARIFF_TITLE, TARIFF_TEXT)], title="Loop Wire"))
    refused = await ask(rig, f"feeds add {url} loopwire", user=USER)
    broken = await ask(rig, f"feeds add {rig.feeds.base}/missing broken", user=ADMIN)
    added = await ask(rig, f"feeds add {url} loopwire", user=ADMIN)
    listed = await ask(rig, "feeds list", user=USER)
    assert "only this bot's admins" in refused["text"]
    assert "HTTP 404" in broken["text"]
    assert "Now watching loopwire: Loop Wire" in added["text"]
    assert "loopwire" in texts(listed)
    assert [f.name for f in await rig.app.store.user_feeds()] == ["loopwire"]


async def test_routes_are_managed_per_channel(rig: Rig) -> None:
    added = await ask(
        rig,
        "route add chips topics=export-controls,semiconductors actors=us,cn min=3 clarity=commitment",
        user=ADMIN,
    )
    bad = await ask(rig, "route add bad clarity=certain", user=ADMIN)
    listed = await ask(rig, "route list")
    assert (
        "Added route chips topics=export-controls,semiconductors actors=US,CN min=3 clarity=commitment"
        in added["text"]
    )
    assert "invalid route" in bad["text"]
    assert "chips" in texts(listed)
    [route] = await rig.app.store.chat_routes(f"slack:{CHANNEL}")
    assert route.min_escalation == 3


async def test_status_and_digest_answer(rig: Rig) -> None:
    status = await ask(rig, "status")
    digest = await ask(rig, "digest 7d")
    bad = await command(rig, "digest forever")  # a usage error is answered in the ack itself
    assert "Feeds: 0 watched" in texts(status)
    assert "Digest · last 7d · no relevant stories" in texts(digest)
    assert "usage: digest" in texts(bad.json())


async def test_alert_buttons_record_feedback_and_explain(rig: Rig) -> None:
    url = rig.feeds.set("/wire", rss([rss_item("a", TARIFF_TITLE, TARIFF_TEXT)]))
    await command(rig, f"feeds add {url} wire", user=ADMIN)
    await replies(rig, 1)
    state = await rig.app.store.feed_state("wire")
    await rig.app.store.save_feed_state(state.model_copy(update={"polls": 1}))  # not a first poll
    ref = json.dumps({"f": "wire", "k": "guid:a"}, separators=(",", ":"))
    await rig.app.poller.poll_once()
    up = await interact(rig, "alert_up", ref)
    why = await interact(rig, "alert_why", ref)
    assert up.status_code == why.status_code == 200
    _, thanks, explained = await replies(rig, 3)
    assert "👍" in thanks["text"]
    assert await rig.app.store.feedback("wire", "guid:a") == {USER: 1}
    assert "Why:" in explained["text"]
    assert "“" in texts(explained)  # quoted evidence sentences


async def test_retried_events_are_handled_once(rig: Rig) -> None:
    event = {
        "type": "event_callback",
        "event_id": "Ev123",
        "team_id": "T1",
        "api_app_id": "A1",
        "event": {"type": "app_home_opened", "user": USER, "tab": "home", "channel": "D1"},
    }
    body = json.dumps(event)
    async with httpx.AsyncClient() as client:
        first = await client.post(
            rig.url, content=body, headers={**sign(body), "Content-Type": "application/json"}
        )
        retry = await client.post(
            rig.url,
            content=body,
            headers={
                **sign(body),
                "Content-Type": "application/json",
                "X-Slack-Retry-Num": "1",
                "X-Slack-Retry-Reason": "http_timeout",
            },
        )
    assert first.status_code == retry.status_code == 200
    deadline = time.monotonic() + 10
    while (
        not [c for c in rig.slack.calls if c.method == "views.publish"]
        and time.monotonic() < deadline
    ):
        await _tick()
    publishes = [c for c in rig.slack.calls if c.method == "views.publish"]
    assert len(publishes) == 1
    assert publishes[0].params["user_id"] == USER
    assert "Watched feeds" in texts(publishes[0].params)


async def test_route_add_refuses_names_that_can_never_match_and_suggests(rig: Rig) -> None:
    rig.feeds.set("/wire", rss([rss_item("a", TARIFF_TITLE, TARIFF_TEXT)], title="Loop Wire"))
    await ask(rig, f"feeds add {rig.feeds.base}/wire wire", user=ADMIN)
    typos = await ask(rig, "route add chips topics=tarifs actors=XX", user=ADMIN)
    feed = await ask(rig, "route add chips feeds=wier", user=ADMIN)
    assert typos["response_type"] == "ephemeral"
    assert "unknown topic 'tarifs' — did you mean tariffs?" in typos["text"]
    assert "unknown actor code 'XX' — use one of: " in typos["text"]
    assert "unknown feed 'wier' — did you mean wire?" in feed["text"]
    assert await rig.app.store.chat_routes() == []


async def test_route_add_takes_a_quoted_match_and_explains_a_malformed_one(rig: Rig) -> None:
    added = await ask(
        rig,
        "route add minerals topics=rare-earths match=“rare earth* AND (licen* OR quota)” "
        "relevant_only=false",
        user=ADMIN,
    )
    broken = await ask(rig, "route add broken match='rare earth* AND'", user=ADMIN)
    unclosed = (await command(rig, "route add unclosed match='rare earth*", ADMIN)).json()
    assert "Added route minerals" in added["text"]
    [route] = await rig.app.store.chat_routes(f"slack:{CHANNEL}")
    assert route.match == "rare earth* AND (licen* OR quota)"
    assert route.relevant_only is False
    assert (
        "match: expected a word, a quoted phrase, NOT or '(', found the end at position 16"
        in broken["text"]
    )
    assert "unclosed quote" in unclosed["text"]
    listed = await ask(rig, "route list")
    assert "match='rare earth* AND (licen* OR quota)' relevant_only=false" in texts(listed)


async def test_digest_answers_privately_naming_each_outlet(rig: Rig) -> None:
    rig.feeds.set("/wire", rss([rss_item("a", TARIFF_TITLE, TARIFF_TEXT)], title="Loop Wire"))
    await ask(rig, f"feeds add {rig.feeds.base}/wire wire", user=ADMIN)
    await rig.app.poller.poll_once()
    private = await ask(rig, "digest 24h")
    assert private["response_type"] == "ephemeral"
    assert TARIFF_TITLE in texts(private)
    context = [
        e["text"] for b in private["blocks"] if b["type"] == "context" for e in b["elements"]
    ]
    assert context
    assert all(c.startswith("Loop Wire") for c in context)
    assert not [c for c in rig.slack.calls if c.method.startswith("files.")]  # no public chart

    shared = await ask(rig, "digest 24h --share")
    assert shared["response_type"] == "in_channel"
    deadline = time.monotonic() + 10
    while not _uploads(rig) and time.monotonic() < deadline:
        await _tick()
    [upload] = _uploads(rig)
    assert upload.params["channel_id"] == CHANNEL


def _uploads(rig: Rig) -> list[Any]:
    return [c for c in rig.slack.calls if c.method == "files.completeUploadExternal"]


async def _tick() -> None:
    await asyncio.sleep(0.05)

"""WebSub subscriber over real HTTP: a loopback hub, feed server and Slack stand-in, the bot's
own web server answering verification and pushes, the real store."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.app import App, build_app, inbound
from bot.domain.config import BotConfig, FeedSpec
from bot.domain.websub import Subscription, link_relations, signature_ok
from bot.settings import Settings
from tests.conftest import FakeClock
from tests.support.feeds import TARIFF_TEXT, TARIFF_TITLE, firm, rss_item
from tests.support.servers import FeedServer, SlackStandIn
from tests.support.websub import HubStandIn, hub_server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def hub_rss(items: list[str], hub: str, topic: str) -> str:
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">'
        f'<channel><title>Pushed Wire</title><atom:link rel="hub" href="{hub}"/>'
        f'<atom:link rel="self" href="{topic}"/>{"".join(items)}</channel></rss>'
    )


@dataclass
class Rig:
    app: App
    hub: HubStandIn
    feeds: FeedServer
    slack: SlackStandIn
    clock: FakeClock
    topic: str

    async def subscription(self) -> Subscription:
        sub = await self.app.store.websub_subscription("wire")
        assert sub is not None
        return sub

    async def verify(self, form: dict[str, str], **kwargs: object) -> tuple[int, str]:
        response = await asyncio.to_thread(self.hub.verify, form, **kwargs)  # type: ignore[arg-type]
        return response.status_code, response.text

    async def push(self, body: str, secret: str | None, **kwargs: str) -> int:
        sub = await self.subscription()
        callback = self.app.websub.callback_url(sub) if self.app.websub else ""
        response = await asyncio.to_thread(self.hub.push, callback, body.encode(), secret, **kwargs)
        return response.status_code

    async def subscribed(self) -> dict[str, str]:
        """Poll once, answer the hub's verification; the subscription request's form."""
        await self.app.poller.poll_once()
        [form] = await asyncio.to_thread(self.hub.wait_for, 1)
        status, text = await self.verify(form)
        assert (status, text) == (200, self.hub.last_challenge)
        return form


@pytest.fixture
async def rig(tmp_path: Path, feeds: FeedServer, slack: SlackStandIn) -> AsyncIterator[Rig]:
    port = free_port()
    clock = FakeClock(datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
    settings = Settings(
        SLACK_BOT_TOKEN=SecretStr("xoxb-test"),
        SLACK_API_URL=slack.base,
        SIGNALBOT_DATA_DIR=tmp_path / "data",
        SIGNALBOT_PUBLIC_URL=f"http://127.0.0.1:{port}",
        SIGNALBOT_FETCH_ALLOW="127.0.0.1",
    )
    with hub_server() as hub:
        topic = feeds.base + "/wire"
        feeds.set("/wire", hub_rss([rss_item("old", "Older story", "nothing")], hub.url, topic))
        config = BotConfig.model_validate(
            {"routes": [{"name": "desk", "to": "slack:C0DESK"}], "polling": {"backlog": 0}}
        )
        async with build_app(settings, config, clock=clock) as app, inbound(app, port):
            spec = FeedSpec(name="wire", url=topic)
            await app.store.add_user_feed(spec, "test", clock.now())
            yield Rig(app, hub, feeds, slack, clock, topic)


NEW = rss_item("new", TARIFF_TITLE, TARIFF_TEXT, minutes=5)


async def wait_posts(slack: SlackStandIn, count: int) -> None:
    for _ in range(200):
        if len(slack.posts()) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {count} post(s), got {len(slack.posts())}")


async def test_a_polled_feed_naming_a_hub_is_subscribed_and_a_signed_push_alerts(rig: Rig) -> None:
    form = await rig.subscribed()
    assert form["hub.mode"] == "subscribe"
    assert form["hub.topic"] == rig.topic
    assert form["hub.callback"].startswith(f"{rig.app.settings.public_url}/websub/")
    assert len(form["hub.secret"]) >= 32
    sub = await rig.subscription()
    assert sub.state == "verified"
    assert sub.lease_expires_at == rig.clock.now() + timedelta(seconds=3600)
    body = hub_rss([NEW, rss_item("old", "Older story", "nothing")], rig.hub.url, rig.topic)
    assert await rig.push(body, form["hub.secret"], topic=rig.topic) == 202
    await wait_posts(rig.slack, 1)
    assert TARIFF_TITLE in rig.slack.posts()[0]["text"]
    # the same item polled later, or pushed again, is not posted twice
    rig.feeds.set("/wire", body)
    await rig.app.poller.poll_once()
    assert await rig.push(body, form["hub.secret"], algorithm="sha512") == 202
    await asyncio.sleep(0.3)
    assert len(rig.slack.posts()) == 1


@pytest.mark.parametrize("algorithm", ["sha1", "sha256", "sha384", "sha512"])
def test_signatures_of_every_algorithm_are_checked(algorithm: str) -> None:
    import hashlib
    import hmac

    digest = hmac.new(b"k", b"body", getattr(hashlib, algorithm)).hexdigest()
    assert signature_ok("k", b"body", f"{algorithm}={digest}")
    assert not signature_ok("k", b"body!", f"{algorithm}={digest}")
    assert not signature_ok("other", b"body", f"{algorithm}={digest}")
    assert not signature_ok("k", b"body", f"md5={digest}")
    assert not signature_ok("k", b"body", None)


async def test_forged_unsigned_and_unknown_pushes_are_refused_recorded_and_not_ingested(
    rig: Rig,
) -> None:
    form = await rig.subscribed()
    body = hub_rss([NEW], rig.hub.url, rig.topic)
    assert await rig.push(body, None) == 403
    assert await rig.push(body, "not-the-secret") == 403
    assert await rig.push(body, form["hub.secret"], topic=rig.feeds.base + "/other") == 403
    unknown = await asyncio.to_thread(
        rig.hub.push, f"{rig.app.settings.public_url}/websub/forged", body.encode(), "x"
    )
    assert unknown.status_code == 404
    await asyncio.sleep(0.3)
    assert rig.slack.posts() == []
    assert await rig.app.store.known_keys("wire", ["new"]) == set()
    refusals = await rig.app.store.websub_refusals(rig.clock.now() - timedelta(hours=1))
    assert [r[2] for r in refusals] == [
        "unsigned push",
        "signature does not match",
        f"push for another topic ({rig.feeds.base}/other)",
        "unknown callback",
    ]


async def test_an_unverified_subscription_never_delivers(rig: Rig) -> None:
    await rig.app.poller.poll_once()
    [form] = await asyncio.to_thread(rig.hub.wait_for, 1)
    wrong = await rig.verify(form, topic=rig.feeds.base + "/elsewhere")
    assert wrong == (404, "")
    assert (await rig.subscription()).state == "pending"
    body = hub_rss([NEW], rig.hub.url, rig.topic)
    assert await rig.push(body, form["hub.secret"]) == 403
    await asyncio.sleep(0.3)
    assert rig.slack.posts() == []
    assert await rig.app.store.known_keys("wire", ["new"]) == set()


async def test_polling_slows_while_pushes_are_verified_and_resumes_without_them(rig: Rig) -> None:
    await rig.subscribed()

    async def next_poll_in(n: int) -> timedelta:
        rig.feeds.set("/wire", hub_rss([firm(n)], rig.hub.url, rig.topic))
        rig.clock.advance(minutes=20)
        await rig.app.poller.poll_once()
        state = await rig.app.store.feed_state("wire")
        assert state.next_poll_at is not None
        return state.next_poll_at - rig.clock.now()

    pushed = await next_poll_in(1)
    await rig.app.store.delete_websub("wire")  # no subscription: back to the feed's interval
    assert (await rig.app.store.websub_subscription("wire")) is None
    polled = await next_poll_in(2)
    assert pushed >= 3 * polled
    assert polled <= timedelta(minutes=15)


async def test_leases_are_renewed_before_they_expire(rig: Rig) -> None:
    form = await rig.subscribed()
    rig.clock.advance(minutes=30)
    await rig.app.poller.poll_once(only_due=True)
    assert len(rig.hub.requests) == 1  # not yet due
    rig.clock.advance(minutes=25)  # the 60-minute lease is renewed in its last tenth
    await rig.app.poller.poll_once(only_due=True)
    requests = await asyncio.to_thread(rig.hub.wait_for, 2)
    renewal = requests[1]
    assert renewal["hub.mode"] == "subscribe"
    assert renewal["hub.callback"] == form["hub.callback"]
    assert renewal["hub.secret"] == form["hub.secret"]


async def test_removing_a_feed_unsubscribes_it(rig: Rig) -> None:
    await rig.subscribed()
    assert await rig.app.store.remove_user_feed("wire")
    await rig.app.poller.poll_once()
    requests = await asyncio.to_thread(rig.hub.wait_for, 2)
    assert requests[1]["hub.mode"] == "unsubscribe"
    assert (await rig.subscription()).state == "unsubscribing"
    assert await rig.verify(requests[1]) == (200, rig.hub.last_challenge)
    assert await rig.app.store.websub_subscription("wire") is None


def test_hub_and_self_from_a_link_header() -> None:
    header = '<https://hub.example/>; rel="hub", </feed.xml>; rel="self alternate"'
    assert link_relations(header, "https://site.example/x") == {
        "hub": "https://hub.example/",
        "self": "https://site.example/feed.xml",
        "alternate": "https://site.example/feed.xml",
    }
    assert link_relations(None, "https://x/") == {}


async def test_a_feed_added_from_chat_never_subscribes_at_a_private_hub(rig: Rig) -> None:
    url = rig.feeds.set(
        "/chat", hub_rss([firm(3)], "http://10.0.0.7/hub", rig.feeds.base + "/chat")
    )
    spec = FeedSpec(name="chatfeed", url=url)
    await rig.app.store.add_user_feed(spec, "U1", rig.clock.now(), origin="chat")
    await rig.app.poller.poll_once()
    assert await rig.app.store.websub_subscription("chatfeed") is None
    assert [r["hub.topic"] for r in rig.hub.requests] == [rig.topic]


async def test_an_unanswered_subscription_is_asked_again_hourly(rig: Rig) -> None:
    await rig.app.poller.poll_once()
    [first] = await asyncio.to_thread(rig.hub.wait_for, 1)
    rig.clock.advance(minutes=30)
    await rig.app.poller.poll_once(only_due=True)
    assert len(rig.hub.requests) == 1
    rig.clock.advance(minutes=31)
    await rig.app.poller.poll_once(only_due=True)
    again = (await asyncio.to_thread(rig.hub.wait_for, 2))[1]
    assert (again["hub.mode"], again["hub.callback"]) == ("subscribe", first["hub.callback"])
    assert await rig.verify(again) == (200, rig.hub.last_challenge)
    assert (await rig.subscription()).state == "verified"

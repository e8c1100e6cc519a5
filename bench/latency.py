"""Publish → alert latency, pushed (WebSub) and polled, on loopback.

python bench/latency.py [--publishes 50] [--interval 5] [--mode both|pushed|polled]

Starts a feed server, a WebSub hub stand-in and a Slack Web API stand-in on loopback, and the
bot in this process (its web server, its poll loop, SQLite in a temporary directory). Each
publish adds one new relevant item to the feed; in the pushed run the hub then POSTs the signed
feed to the bot's callback, in the polled run the bot finds it on its next poll (the feed's
interval is ``--interval`` seconds). The latency is from the publish (the hub's POST, or the feed
changing) to the Slack stand-in receiving chat.postMessage. Prints p50, p99 and max per run.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import socket
import statistics
import sys
import tempfile
import time
from contextlib import suppress
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.app import App, _poll_until_stopped, build_app, inbound
from bot.domain.config import BotConfig
from bot.domain.models import Article
from bot.domain.scoring import RuleScorer
from bot.settings import Settings
from tests.support.feeds import distinct_story, rss_item
from tests.support.servers import SlackStandIn, _make_handler, feed_server, serve
from tests.support.websub import HubStandIn, hub_server


class TimedSlack(SlackStandIn):
    """The Slack stand-in, noting when each message arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: list[tuple[float, str]] = []

    def handle(
        self, method: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        answer = super().handle(method, body, headers)
        if method == "chat.postMessage":
            with self.lock:
                self.arrivals.append((time.perf_counter(), str(self.calls[-1].params)))
        return answer


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _feed(items: list[str], hub: str, topic: str) -> str:
    links = (
        f'<atom:link rel="hub" href="{hub}"/><atom:link rel="self" href="{topic}"/>' if hub else ""
    )
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">'
        f"<channel><title>Bench Wire</title>{links}{''.join(items)}</channel></rss>"
    )


def _stories(count: int) -> list[tuple[str, str]]:
    """``count`` distinct stories that the scorer finds relevant (only those alert)."""
    scorer = RuleScorer()
    relevant = (
        story
        for story in (distinct_story(n) for n in range(count * 4))
        if scorer.score(Article(title=story[0], text=story[1])).relevant
    )
    return [next(relevant) for _ in range(count)]


async def _arrival(slack: TimedSlack, marker: str, within_s: float) -> float | None:
    deadline = time.perf_counter() + within_s
    while time.perf_counter() < deadline:
        with slack.lock:
            for when, text in slack.arrivals:
                if marker in text:
                    return when
        await asyncio.sleep(0.002)
    return None


async def run(mode: str, publishes: int, interval: float) -> dict[str, Any]:
    pushed = mode == "pushed"
    slack = TimedSlack()
    with (
        serve(_make_handler(None, slack)) as slack_base,
        feed_server() as feeds,
        hub_server() as hub,
        tempfile.TemporaryDirectory() as data,
    ):
        slack.base = slack_base + "/api/"
        port = _free_port()
        settings = Settings(
            SLACK_BOT_TOKEN=SecretStr("xoxb-bench"),
            SLACK_API_URL=slack.base,
            SIGNALBOT_DATA_DIR=Path(data),
            SIGNALBOT_PUBLIC_URL=f"http://127.0.0.1:{port}" if pushed else None,
        )
        topic = feeds.base + "/wire"
        items = [rss_item("seed", "Local bakery wins award", "Bread.")]
        feeds.set("/wire", _feed(items, hub.url if pushed else "", topic))
        every = f"{interval:g}s"
        config = BotConfig.model_validate(
            {
                "feeds": [{"name": "wire", "url": topic}],
                "routes": [{"name": "desk", "to": "slack:C0BENCH"}],
                "polling": {"interval": every, "min_interval": every, "max_interval": every},
                "delivery": {"budget": 1000},
            }
        )
        async with build_app(settings, config) as app, inbound(app, port if pushed else 0):
            loop = asyncio.create_task(_poll_until_stopped(app, timedelta(seconds=interval)))
            secret, callback = await _subscribed(app, hub) if pushed else ("", "")
            for _ in range(3000):  # publish after the first poll: its backlog is not alerted
                if (await app.store.feed_state("wire")).polls >= 1:
                    break
                await asyncio.sleep(0.01)
            latencies: list[float] = []
            missed = 0
            for n, (title, text) in enumerate(_stories(publishes)):
                items = [rss_item(f"bench-{n}", title, text, minutes=n), *items][:20]
                body = _feed(items, hub.url if pushed else "", topic)
                feeds.set("/wire", body)
                start = time.perf_counter()
                if pushed:
                    await asyncio.to_thread(hub.push, callback, body.encode(), secret)
                arrived = await _arrival(slack, title[:60], interval + 10.0)
                if arrived is None:
                    missed += 1
                else:
                    latencies.append(arrived - start)
            app.stop_event.set()
            with suppress(asyncio.CancelledError):
                await loop
    return {"mode": mode, "publishes": publishes, "missed": missed, "latencies": latencies}


async def _subscribed(app: App, hub: HubStandIn) -> tuple[str, str]:
    """Wait for the bot's first poll to subscribe, then verify it as the hub does."""
    [form] = await asyncio.to_thread(hub.wait_for, 1, 30.0)
    response = await asyncio.to_thread(hub.verify, form, lease=86400)
    if response.status_code != 200 or not app.websub or not await app.websub.healthy("wire"):
        raise SystemExit("the bot did not confirm the WebSub subscription")
    return form["hub.secret"], form["hub.callback"]


def _report(result: dict[str, Any], interval: float) -> None:
    lat = sorted(result["latencies"])
    if not lat:
        print(f"{result['mode']}: no alert arrived ({result['missed']} missed)")
        return
    p99 = lat[min(len(lat) - 1, max(0, round(0.99 * len(lat)) - 1))]
    print(
        f"{result['mode']:>7}: {len(lat)} alerts of {result['publishes']} publishes"
        f" ({result['missed']} missed) · p50 {statistics.median(lat):.3f} s · p99 {p99:.3f} s"
        f" · max {lat[-1]:.3f} s"
        + (f" · feed interval {interval:g} s" if result["mode"] == "polled" else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publishes", type=int, default=50)
    parser.add_argument("--interval", type=float, default=5.0, help="feed poll interval, seconds")
    parser.add_argument("--mode", choices=["both", "pushed", "polled"], default="both")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print(f"python {sys.version.split()[0]} · {args.publishes} publishes per run")
    for mode in ["pushed", "polled"] if args.mode == "both" else [args.mode]:
        _report(asyncio.run(run(mode, args.publishes, args.interval)), args.interval)


if __name__ == "__main__":
    main()

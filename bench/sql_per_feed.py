"""SQL statements per feed and cycle time of the poll cycle, on loopback.

python bench/sql_per_feed.py [--feeds 200] [--items 30]

Serves ``--feeds`` RSS feeds of ``--items`` items each (ETag, 304 on match) from a loopback
server and polls them into SQLite in a temporary directory, with one route to a Slack Web API
stand-in. First in this process, counting every SQL statement the store sends (the store's
``observe`` hooks): a cold cycle (every feed new, its backlog recorded), then a
warm one (every feed answers 304). Then ``signalbot poll --once --config FILE`` as cron runs it,
cold and warm, on a fresh database, timed from outside. Prints statements per feed and seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.app import build_app
from bot.domain.config import BotConfig
from bot.settings import Settings
from tests.support.feeds import distinct_story, rss, rss_item
from tests.support.servers import SlackStandIn, _make_handler, feed_server, serve

ROOT = Path(__file__).resolve().parents[1]


def _feed_body(feed: int, items: int) -> str:
    entries = []
    for n in range(items):
        if n % 3 == 0:  # a third of the items are relevant, each its own story
            title, text = distinct_story(feed * items + n)
        else:
            title, text = f"Council {feed} approves budget line {n}", "Parks and libraries."
        entries.append(rss_item(f"f{feed}-i{n}", title, text, minutes=n))
    return rss(entries, title=f"Wire {feed}")


def _config(base: str, feeds: int) -> dict[str, Any]:
    return {
        "feeds": [{"name": f"wire-{n}", "url": f"{base}/wire/{n}"} for n in range(feeds)],
        "routes": [{"name": "desk", "to": "slack:C0BENCH"}],
        "delivery": {"budget": 1000},
        # every feed is due again when the next cycle starts (``poll --once`` polls due feeds)
        "polling": {"interval": "1s", "min_interval": "1s", "max_interval": "1s"},
    }


def _settings(data: Path, slack: str) -> Settings:
    return Settings(
        SLACK_BOT_TOKEN=SecretStr("xoxb-bench"), SLACK_API_URL=slack, SIGNALBOT_DATA_DIR=data
    )


async def _in_process(
    config: dict[str, Any], data: Path, slack: str
) -> list[tuple[str, int, int, float]]:
    out: list[tuple[str, int, int, float]] = []
    settings = _settings(data, slack)
    async with build_app(settings, BotConfig.model_validate(config)) as app:
        counts = {"statements": 0, "transactions": 0}

        def counter(what: str) -> Any:
            def count(*_args: Any) -> None:
                counts[what] += 1

            return count

        # the bench counts what the store sends
        app.store.observe(statement=counter("statements"), commit=counter("transactions"))
        for name in ("cold", "warm"):
            await asyncio.sleep(1.5)  # every feed is due (interval 1 s)
            counts.update(statements=0, transactions=0)
            start = time.perf_counter()
            await app.poller.poll_once(only_due=True)
            seconds = time.perf_counter() - start
            out.append((name, counts["statements"], counts["transactions"], seconds))
    return out


def _cli(config_file: Path, data: Path, slack: str) -> float:
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_API_URL": slack,
        "SIGNALBOT_DATA_DIR": str(data),
        "PYTHONPATH": str(ROOT),
    }
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot", "poll", "--once", "--config", str(config_file)],
        check=True,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> None:
    logging.disable(logging.INFO)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=30)
    args = parser.parse_args()
    slack_api = SlackStandIn()
    with (
        serve(_make_handler(None, slack_api)) as slack_base,
        feed_server() as server,
        tempfile.TemporaryDirectory() as tmp,
    ):
        slack = slack_base + "/api/"
        slack_api.base = slack
        for n in range(args.feeds):
            server.set(f"/wire/{n}", _feed_body(n, args.items), etag=f'"v{n}"')
        config = _config(server.base, args.feeds)
        print(f"{args.feeds} feeds x {args.items} items, SQLite, Python {sys.version.split()[0]}")
        for name, statements, commits, seconds in asyncio.run(
            _in_process(config, Path(tmp) / "a", slack)
        ):
            print(
                f"in-process {name} cycle: {statements} SQL statements, "
                f"{statements / args.feeds:.1f} per feed; {commits} transactions, "
                f"{commits / args.feeds:.1f} per feed; {seconds:.2f} s"
            )
        config_file = Path(tmp) / "signalbot.yaml"
        config_file.write_text(yaml.safe_dump(config))
        for name in ("cold", "warm"):
            seconds = _cli(config_file, Path(tmp) / "b", slack)
            print(f"signalbot poll --once, {name}: {seconds:.2f} s (start-up included)")


if __name__ == "__main__":
    main()

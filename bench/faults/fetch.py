"""Fetch, ingest and inbound faults, with the figures they produce.

python bench/faults/fetch.py [--timeout 20] [--bomb-mb 1000]

Runs the three parts below one after the other and prints their figures: this module's poll
cycle, ``ssrf.py`` (redirects into private networks) and ``inbound.py`` (hostile requests to the
web routes, replays, webhook secrets in logs, App Home and replies).

One poll cycle shared by a healthy feed and 14 hostile ones:
Runs ``signalbot poll --once --all --config FILE`` as a user would, against loopback feed
servers (``hostile_feeds.py``: a byte every 5 s, gzip and deflate bombs, a 60 MB body, a 10 GB
declared length, 429 with Retry-After: 3600, 503 forever, redirect loops and chains, malformed
XML, a server that never answers, a TLS handshake that never starts, 500, an HTML page) and a
Slack Web API stand-in, then prints:

- how long after its feed was requested the healthy feed's alert reached Slack (target: within
  the feed timeout + 5 s), and how long the whole cycle took;
- the peak RSS of the bot process (target: under 200 MB with the bombs in the cycle);
- items recorded from a feed of 5 whose items carry dates such as "01.03.2026" (target: 0 lost);
- requests the 429 feed got in the cycle and in a following ``poll --once`` (it is not due).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import resource
import sqlite3
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.faults.hostile_feeds import HOSTILE_KINDS, HostileFeeds
from bench.faults.inbound import run_inbound
from bench.faults.ssrf import run_ssrf
from tests.support.feeds import TARIFF_TEXT, TARIFF_TITLE, rss, rss_item
from tests.support.servers import SlackStandIn, slack_server

DATED = [
    ("d1", "EU tariff schedule takes effect on 01.03.2026", "Duties apply from 01.03.2026."),
    ("d2", "Japan trade talks resume", "Officials met in Tokyo on 12.11.2026 to resume talks."),
    ("d3", "Port fees rise 1,000 dollars", "Fees rise by 1,000 dollars per call."),
    ("d4", "Version 2.3.1 of the customs code published", "The code v2.3.1 applies."),
    ("d5", "Rare earth quotas unchanged", "Quotas stay at 35.3 thousand tonnes."),
]


@dataclass
class CycleFigures:
    alert_latency_s: float | None  # from the healthy feed's request to its alert at Slack
    cycle_s: float
    peak_rss_mb: float
    dated_items: int
    hits_429: int
    hits_429_next_poll: int
    hostile_open_at_alert: int  # hostile connections still open when the alert arrived
    exit_code: int
    summary: str

    def report(self, timeout_s: float) -> str:
        latency = "none" if self.alert_latency_s is None else f"{self.alert_latency_s:.2f} s"
        return "\n".join(
            [
                f"healthy feed's alert at Slack after {latency} (target ≤ {timeout_s + 5:g} s); "
                f"{self.hostile_open_at_alert} hostile fetch(es) still open at that moment",
                f"whole cycle: {self.cycle_s:.1f} s · exit code {self.exit_code}",
                f"peak RSS of the bot: {self.peak_rss_mb:.0f} MB (target < 200 MB)",
                f"items kept from the dated feed: {self.dated_items} of {len(DATED)}",
                f"429 Retry-After: 3600 feed: {self.hits_429} request(s) in the cycle, "
                f"{self.hits_429_next_poll} in the next poll --once",
                f"bot's summary: {self.summary}",
            ]
        )


def _config(urls: dict[str, str], timeout_s: float) -> str:
    feeds = "\n".join(f"  - {{name: 'feed-{name}', url: '{url}'}}" for name, url in urls.items())
    return (
        f"feeds:\n{feeds}\n"
        f"polling: {{timeout: {timeout_s:g}s, backlog: 10}}\n"
        "routes:\n  - {name: desk, to: 'slack:C0FAULTS'}\n"
    )


class _AlertWatch:
    """Notes when the healthy alert reaches the Slack stand-in, and how many hostile
    connections were open at that moment."""

    def __init__(self, slack: SlackStandIn, feeds: HostileFeeds) -> None:
        self.at: float | None = None
        self.open_hostile = 0
        self._stop = threading.Event()
        self._slack, self._feeds = slack, feeds
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            if any(TARIFF_TITLE[:20] in str(c.params) for c in list(self._slack.calls)):
                self.at = time.monotonic()
                self.open_hostile = self._feeds.open_hostile()
                return

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


async def _signalbot(tmp: Path, slack: SlackStandIn, *args: str) -> tuple[int, str]:
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-fault",
        "SLACK_API_URL": slack.base,
        "SIGNALBOT_DATA_DIR": str(tmp / "data"),
        "SIGNALBOT_LOG_LEVEL": "INFO",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=env,
        cwd=tmp,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await process.communicate()
    return process.returncode or 0, err.decode(errors="replace")


async def run_cycle(
    tmp: Path,
    *,
    timeout_s: float = 20.0,
    bomb_mb: int = 1000,
    trickle_every_s: float = 5.0,
    kinds: tuple[str, ...] = HOSTILE_KINDS,
) -> CycleFigures:
    bodies = {
        "healthy": rss([rss_item("h1", TARIFF_TITLE, TARIFF_TEXT)]).encode(),
        "dated": rss([rss_item(g, t, d, minutes=i) for i, (g, t, d) in enumerate(DATED)]).encode(),
    }
    feeds = HostileFeeds(bodies=bodies, bomb_mb=bomb_mb, trickle_every_s=trickle_every_s)
    await feeds.start(kinds)
    config = tmp / "signalbot.yaml"
    config.write_text(_config(feeds.urls, timeout_s))
    try:
        with slack_server() as slack:
            watch = _AlertWatch(slack, feeds)
            started = time.monotonic()
            code, err = await _signalbot(
                tmp, slack, "poll", "--once", "--all", "--config", str(config)
            )
            cycle = time.monotonic() - started
            watch.close()
            hits_429 = feeds.hits["429-retry-after-3600"]
            await _signalbot(tmp, slack, "poll", "--once", "--config", str(config))
            next_hits = feeds.hits["429-retry-after-3600"] - hits_429
    finally:
        await feeds.stop()
    if not (tmp / "data" / "signalbot.db").exists():
        raise SystemExit(f"the bot did not run:\n{err}")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with sqlite3.connect(tmp / "data" / "signalbot.db") as db:
        (dated,) = db.execute("SELECT count(*) FROM items WHERE feed = 'feed-dated'").fetchone()
    summary = next((line for line in err.splitlines() if "polled" in line), err[-500:])
    healthy_at = feeds.first_hit.get("healthy")
    return CycleFigures(
        alert_latency_s=(watch.at - healthy_at) if watch.at and healthy_at else None,
        cycle_s=cycle,
        peak_rss_mb=peak_kb / 1024,
        dated_items=int(dated),
        hits_429=hits_429,
        hits_429_next_poll=next_hits,
        hostile_open_at_alert=watch.open_hostile,
        exit_code=code,
        summary=summary.split("INFO", 1)[-1].strip(),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=20.0, help="polling.timeout in seconds")
    parser.add_argument("--bomb-mb", type=int, default=1000, help="decompressed size of the bombs")
    args = parser.parse_args()
    logging.getLogger().addHandler(logging.NullHandler())  # figures only, no log lines
    with TemporaryDirectory() as tmp:
        figures = asyncio.run(run_cycle(Path(tmp), timeout_s=args.timeout, bomb_mb=args.bomb_mb))
    print("== one cycle: a healthy feed beside 14 hostile ones ==")
    print(figures.report(args.timeout))
    with TemporaryDirectory() as tmp:
        ssrf = asyncio.run(run_ssrf(Path(tmp)))
    print("\n== redirects into private networks ==")
    print(ssrf.summary())
    with TemporaryDirectory() as tmp:
        hostile = asyncio.run(run_inbound(Path(tmp)))
    print("\n== hostile inbound requests and webhook secrets ==")
    print(hostile.summary())


if __name__ == "__main__":
    main()

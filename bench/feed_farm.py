"""A loopback feed farm and Slack Web API stand-in for bench/poll.py, run in its own process.

python bench/feed_farm.py --n 1000 --k 30 [--relevant 0.3] [--port 0]

Serves N RSS feeds of K items each (about 28.5 KB per feed at K=30) at ``/feeds/{i}.xml`` with
ETag and Last-Modified, answering 304 when either matches. A share ``--relevant`` of the items are
trade-policy stories the scorer finds relevant, the others general news. Bodies are generated
once at start-up (and again for a feed that changes), so serving costs the farm little CPU. Prints
``listening http://127.0.0.1:PORT`` when ready.

- ``POST /change`` with JSON ``{"m": M, "seed": S}`` adds one generated item to M random feeds;
  ``{"feeds": [i, …], "items": [{"title": …, "text": …}, …]}`` adds the given items to the given
  feeds. Answers ``{"feeds": [...], "at": unix time}``.
- ``POST /api/{method}``: a Slack Web API stand-in that answers ``ok`` and records each call with
  its arrival time; ``GET /posts`` lists them.
- ``GET /stats``: requests served (200 and 304) since the last ``POST /stats/reset``, and the
  arrival time of the first (``first``, unix time).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scoring import ACTORS, DATES, FILLER, GOODS, MOVES

EPOCH = datetime(2026, 11, 1, tzinfo=UTC)
ITEM_TEXT_CHARS = 645  # with the item's markup, ~950 bytes: 30 items make a ~28.5 KB feed
RELEVANT_SHARE = 0.3  # items about a state's trade move; the others are general news
GENERAL = [
    "The city council approved a new budget for road repairs after a lengthy debate.",
    "The home side won the final in extra time before a crowd of {n} thousand.",
    "Forecasters expect heavy rain across the region later in the week.",
    "The museum reopened its modern art wing after two years of renovation.",
    "A new study found that regular walking improves sleep in older adults.",
    "The festival drew record attendance, organisers said on {d}.",
    "Commuters faced delays after a signal fault near the central station.",
    "The company unveiled a new phone with a larger battery and a brighter screen.",
]


def item_text(
    rng: random.Random, chars: int = ITEM_TEXT_CHARS, relevant: float = RELEVANT_SHARE
) -> tuple[str, str]:
    """A title and summary: a wire-style trade story from the scoring benchmark's templates
    (with probability ``relevant``), else general news."""
    parts: list[str] = []
    size = 0
    if rng.random() >= relevant:
        while size < chars:
            sentence = rng.choice(GENERAL).format(n=rng.randint(2, 90), d=rng.choice(DATES))
            parts.append(sentence)
            size += len(sentence) + 1
        return parts[0].rstrip("."), " ".join(parts)
    (a, c), (b, _) = rng.sample(ACTORS, 2)
    while size < chars:
        template = rng.choice(MOVES) if rng.random() < 0.55 else rng.choice(FILLER)
        sentence = template.format(
            a=a, b=b, c=c, g=rng.choice(GOODS), n=rng.randint(2, 150), d=rng.choice(DATES)
        )
        parts.append(sentence)
        size += len(sentence) + 1
    return f"{a} and {b}: {rng.choice(GOODS)}", " ".join(parts)


def call(url: str, payload: dict[str, Any] | None = None) -> Any:
    """GET (or POST ``payload`` as JSON to) one of the farm's JSON endpoints."""
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(url, data=data, method="GET" if data is None else "POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


class Farm:
    def __init__(self, n: int, k: int, relevant: float = RELEVANT_SHARE) -> None:
        self.n, self.k, self.base, self.relevant = n, k, "", relevant
        self.count = [k] * n  # items ever published per feed; the newest k are served
        self.custom: dict[tuple[int, int], tuple[str, str]] = {}
        self.bodies: list[bytes] = [b""] * n
        self.etags: list[str] = [""] * n
        self.modified: list[datetime] = [EPOCH] * n
        self.stats: dict[str, float] = {"200": 0, "304": 0, "first": 0.0}
        self.posts: list[dict[str, object]] = []

    def publish(self, base: str) -> None:
        """Render every feed with links under ``base``."""
        self.base = base
        for i in range(self.n):
            self._render(i)

    def _item(self, feed: int, number: int) -> str:
        if (feed, number) in self.custom:
            title, text = self.custom[feed, number]
        else:
            rng = random.Random(feed * 1_000_003 + number)
            title, text = item_text(rng, relevant=self.relevant)
            title = f"{title} (#{feed}.{number})"  # feeds' titles are distinct, as in life
        published = format_datetime(EPOCH + timedelta(minutes=number), usegmt=True)
        return (
            f"<item><title>{escape(title)}</title>"
            f"<link>{self.base}/articles/{feed}/{number}</link>"
            f'<guid isPermaLink="false">farm-{feed}-{number}</guid>'
            f"<pubDate>{published}</pubDate>"
            f"<description>{escape(text)}</description></item>\n"
        )

    def _render(self, feed: int) -> None:
        newest = self.count[feed]
        items = "".join(self._item(feed, j) for j in range(newest - 1, newest - 1 - self.k, -1))
        self.bodies[feed] = (
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>Farm wire {feed}</title><link>{self.base}/</link>"
            f"<description>Loopback feed {feed} for the poll benchmark</description>\n"
            f"{items}</channel></rss>\n"
        ).encode()
        self.etags[feed] = f'"{feed}-{newest}"'
        self.modified[feed] = EPOCH + timedelta(minutes=newest)

    def add(self, feed: int, item: tuple[str, str] | None = None) -> None:
        if item is not None:
            self.custom[feed, self.count[feed]] = item
        self.count[feed] += 1
        self._render(feed)

    async def feed(self, request: web.Request) -> web.Response:
        try:
            i = int(request.match_info["i"])
            body = self.bodies[i]
        except (ValueError, IndexError):
            raise web.HTTPNotFound() from None
        headers = {
            "ETag": self.etags[i],
            "Last-Modified": format_datetime(self.modified[i], usegmt=True),
        }
        self.stats["first"] = self.stats["first"] or time.time()
        inm = request.headers.get("If-None-Match")
        ims = request.headers.get("If-Modified-Since")
        fresh = inm == self.etags[i] if inm is not None else _not_modified(ims, self.modified[i])
        if fresh:
            self.stats["304"] += 1
            return web.Response(status=304, headers=headers)
        self.stats["200"] += 1
        return web.Response(body=body, content_type="application/rss+xml", headers=headers)

    async def change(self, request: web.Request) -> web.Response:
        spec = await request.json()
        if "feeds" in spec:
            feeds = [int(i) for i in spec["feeds"]]
            items = [(str(x["title"]), str(x["text"])) for x in spec.get("items", [])]
        else:
            feeds = random.Random(spec.get("seed")).sample(range(self.n), int(spec["m"]))
            items = []
        for position, i in enumerate(feeds):
            self.add(i, items[position] if position < len(items) else None)
        return web.json_response({"feeds": feeds, "at": time.time()})

    async def slack(self, request: web.Request) -> web.Response:
        body = await request.text()
        self.posts.append({"at": time.time(), "method": request.match_info["method"], "body": body})
        return web.json_response({"ok": True, "channel": "CBENCH", "ts": f"{time.time():.6f}"})

    async def get_posts(self, _request: web.Request) -> web.Response:
        return web.json_response(self.posts)

    async def get_stats(self, _request: web.Request) -> web.Response:
        return web.json_response(self.stats)

    async def reset_stats(self, _request: web.Request) -> web.Response:
        self.stats = {"200": 0, "304": 0, "first": 0.0}
        return web.json_response(self.stats)


def _not_modified(since: str | None, modified: datetime) -> bool:
    if not since:
        return False
    try:
        return parsedate_to_datetime(since) >= modified
    except (TypeError, ValueError):
        return False


async def start(n: int, k: int, port: int, relevant: float) -> web.AppRunner:
    app = web.Application()
    farm = Farm(n, k, relevant)
    app.router.add_get("/feeds/{i}.xml", farm.feed)
    app.router.add_post("/change", farm.change)
    app.router.add_post("/api/{method}", farm.slack)
    app.router.add_get("/posts", farm.get_posts)
    app.router.add_get("/stats", farm.get_stats)
    app.router.add_post("/stats/reset", farm.reset_stats)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, backlog=1024)
    await site.start()
    bound = int(runner.addresses[0][1])
    farm.publish(f"http://127.0.0.1:{bound}")
    size = sum(map(len, farm.bodies)) / max(1, n) / 1000
    print(
        f"listening http://127.0.0.1:{bound} · {n} feeds × {k} items, {size:.1f} KB each",
        flush=True,
    )
    return runner


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--k", type=int, default=30)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--relevant", type=float, default=RELEVANT_SHARE, help="share of trade-policy items"
    )
    args = parser.parse_args()

    async def serve() -> None:
        runner = await start(args.n, args.k, args.port, args.relevant)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    asyncio.run(serve())


if __name__ == "__main__":
    main()

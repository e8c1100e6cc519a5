"""Feed parsing throughput: feedparser against the lxml reader, on one core.

python bench/parse.py [--items 30] [--runs 5] [--seconds 2]

Builds a seeded RSS 2.0 feed of ``--items`` wire-style items (~970 bytes each: title, link,
guid, RFC 822 date and an HTML description escaped in the XML: ~29 KB at 30 items, the size of
the feeds in the poll benchmark) and an Atom
1.0 feed of the same items, and parses each repeatedly with

- ``feedparser.parse`` alone (what feedparser costs before the bot reads anything),
- ``FeedparserParser`` (feedparser plus the bot's own cleaning: the fallback path),
- ``parse_fast`` (lxml plus the same cleaning: the fast path),

for about ``--seconds`` per run; the best of ``--runs`` runs is printed (least disturbed by other
load), as milliseconds per feed and feeds per second. Both paths are checked to give the same
entries first.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import feedparser

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.adapters.fast_feed import parse_fast
from bot.adapters.feed_parse import FeedparserParser

WORDS = [
    "tariff",
    "export",
    "control",
    "licence",
    "ministry",
    "commerce",
    "semiconductor",
    "magnet",
    "rare",
    "earth",
    "steel",
    "duties",
    "retaliation",
    "negotiations",
    "announcement",
    "sanctions",
    "entity",
    "list",
    "shipment",
    "quota",
    "customs",
    "investigation",
    "subsidy",
    "levy",
    "provisional",
    "officials",
    "said",
    "on",
    "Thursday",
    "the",
    "government",
    "would",
]


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def items(count: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    start = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    out = []
    for n in range(count):
        body = "".join(
            f"<p>{sentence(rng, 10)} <b>{sentence(rng, 3)}</b> {sentence(rng, 8)}</p>"
            for _ in range(3)
        )
        out.append(
            {
                "id": f"https://wire.example.org/2026/11/{n:04d}-{rng.randrange(10**8)}",
                "title": sentence(rng, 11),
                "html": body,
                "when": start + timedelta(minutes=7 * n),
            }
        )
    return out


def rss(entries: list[dict[str, str]]) -> bytes:
    parts = [
        f"<item><title>{escape(e['title'])}</title><link>{e['id']}</link>"
        f'<guid isPermaLink="true">{e["id"]}</guid>'
        f"<pubDate>{e['when'].strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"  # type: ignore[attr-defined]
        f"<description>{escape(e['html'])}</description></item>"
        for e in entries
    ]
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Wire</title><link>https://wire.example.org/</link><ttl>15</ttl>"
        f"<description>Trade wire</description>{''.join(parts)}</channel></rss>"
    ).encode()


def atom(entries: list[dict[str, str]]) -> bytes:
    parts = [
        f"<entry><title>{escape(e['title'])}</title><id>{e['id']}</id>"
        f'<link rel="alternate" href="{e["id"]}"/>'
        f"<published>{e['when'].isoformat()}</published>"  # type: ignore[attr-defined]
        f'<content type="html">{escape(e["html"])}</content></entry>'
        for e in entries
    ]
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Wire</title><id>urn:wire</id>{''.join(parts)}</feed>"
    ).encode()


def rate(fn: Callable[[], object], seconds: float, runs: int) -> float:
    """Best seconds per call over ``runs`` runs of about ``seconds`` each."""
    fn()
    best = float("inf")
    for _ in range(runs):
        calls, began = 0, time.process_time()
        while (elapsed := time.process_time() - began) < seconds:
            fn()
            calls += 1
        best = min(best, elapsed / calls)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=30)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    print(f"python {platform.python_version()} ({platform.python_implementation()})")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cpus, {platform.platform()}")
    print(f"feedparser {feedparser.__version__}, lxml {__import__('lxml').__version__}")
    entries = items(args.items, args.seed)
    reference = FeedparserParser()
    for name, body in (("RSS 2.0", rss(entries)), ("Atom 1.0", atom(entries))):
        fast = parse_fast(body)
        if fast is None or fast != reference.parse(body, "bench"):
            sys.exit(f"{name}: the two paths disagree")
        print(f"\n{name}, {args.items} items, {len(body) / 1000:.1f} KB")
        timings = {
            "feedparser.parse alone": rate(
                lambda b=body: feedparser.parse(b), args.seconds, args.runs
            ),
            "feedparser path (fallback)": rate(
                lambda b=body: reference.parse(b, "bench"), args.seconds, args.runs
            ),
            "lxml path (fast)": rate(lambda b=body: parse_fast(b), args.seconds, args.runs),
        }
        for label, per in timings.items():
            print(f"  {label:28} {per * 1000:7.2f} ms/feed  {1 / per:8.0f} feeds/s")
        slow, quick = timings["feedparser path (fallback)"], timings["lxml path (fast)"]
        print(f"  speed-up of the fast path: {slow / quick:.1f}x")


if __name__ == "__main__":
    main()

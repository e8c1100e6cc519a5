"""The source keys of a feed in the config file, ``kind`` and the ``select`` selectors of an
announcement page, take effect through ``signalbot poll --config FILE`` against a loopback
feed server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import Bot
from tests.support.feeds import TARIFF_TEXT
from tests.support.servers import FeedServer, SlackStandIn
from tests.support.sources import federal_register, fr_document

DESK = [{"name": "desk", "to": "slack:C0DESK"}]
LISTED = "The ministry listed new export licence rules for rare earth magnets on this page."


@pytest.fixture
def bot(tmp_path: Path, slack: SlackStandIn) -> Bot:
    return Bot(tmp_path, slack)


def test_a_feeds_kind_decides_how_its_body_is_read(bot: Bot, feeds: FeedServer) -> None:
    body = federal_register([fr_document("2026-23001")])
    official = feeds.set("/fr.json", body, content_type="application/json")
    strict = feeds.set("/strict.json", body, content_type="application/json")
    config = {
        "feeds": [
            {"name": "fr", "url": official, "kind": "federal-register"},
            {"name": "strict", "url": strict, "kind": "jsonfeed"},
        ],
        "polling": {"backlog": 5},
        "routes": DESK,
    }
    result = bot.poll(config)
    assert result.exit_code == 0, result.output
    assert bot.rows("SELECT feed, title FROM items") == [("fr", "Additions to the Entity List")]
    # the same body is not read as a Federal Register response when the feed says JSON Feed
    assert bot.feed_state("strict")["error_count"] == 1
    assert "is not a JSON Feed" in bot.feed_state("strict")["last_error"]
    assert bot.feed_state("fr")["error_count"] == 0


def announcements() -> str:
    """A ministry's list: each entry has a category link before its document link, a heading,
    a date and a listed summary; a promotion box looks like an entry but is none."""
    entries = "".join(
        f'<div class="entry"><a class="cat" href="/category/trade">Trade</a>'
        f'<h3 class="h">Announcement No. {n} on export controls</h3>'
        f'<a class="doc" href="doc/{n}.html">Read more</a>'
        f'<time class="d" datetime="2026-11-{n - 40}">{n - 40} November 2026</time>'
        f'<p class="s">{LISTED}</p></div>'
        for n in (60, 61)
    )
    promo = '<div class="promo"><a href="/shop">Visit our shop</a></div>'
    return (
        "<!DOCTYPE html><html><head><title>Announcements</title></head>"
        f"<body>{promo}{entries}</body></html>"
    )


def serve_list(feeds: FeedServer, name: str) -> str:
    """The list page at /NAME/ and the pages of its entries at /NAME/doc/N.html."""
    for n in (60, 61):
        feeds.set(
            f"/{name}/doc/{n}.html",
            f"<html><head><title>Announcement No. {n}</title></head><body><article>"
            f"<h1>Announcement No. {n}</h1><p>{TARIFF_TEXT}</p><p>{TARIFF_TEXT}</p>"
            "</article></body></html>",
            content_type="text/html",
        )
    return feeds.set(f"/{name}/", announcements(), content_type="text/html")


def items(bot: Bot, feed: str) -> list[dict[str, Any]]:
    rows = bot.rows(
        "SELECT title, link, summary, published FROM items WHERE feed = ? ORDER BY title", feed
    )
    return [dict(zip(("title", "link", "summary", "published"), row, strict=True)) for row in rows]


def page_hits(feeds: FeedServer, name: str) -> int:
    return sum(feeds.hits(f"/{name}/doc/{n}.html") for n in (60, 61))


def test_select_item_title_link_date_and_text_read_an_announcement_page(
    bot: Bot, feeds: FeedServer
) -> None:
    listed = serve_list(feeds, "listed")
    config = {
        "feeds": [
            {
                "name": "ministry",
                "url": listed,
                "kind": "html",
                "select": {
                    "item": "div.entry",
                    "title": "h3.h",
                    "link": "a.doc",
                    "date": "time.d",
                    "text": "p.s",
                },
            }
        ],
        "polling": {"backlog": 5},
        "routes": DESK,
    }
    result = bot.poll(config, SIGNALBOT_FETCH_ALLOW="127.0.0.1")
    assert result.exit_code == 0, result.output
    read = items(bot, "ministry")
    assert [i["title"] for i in read] == [  # one per entry, none for the promotion box
        "Announcement No. 60 on export controls",
        "Announcement No. 61 on export controls",
    ]
    assert [i["link"] for i in read] == [f"{feeds.base}/listed/doc/{n}.html" for n in (60, 61)]
    assert [i["published"][:10] for i in read] == ["2026-11-20", "2026-11-21"]
    assert [i["summary"] for i in read] == [LISTED, LISTED]
    assert page_hits(feeds, "listed") == 0  # the list gave the text: no page is read


def test_select_follow_reads_each_new_items_page_unless_turned_off(
    bot: Bot, feeds: FeedServer
) -> None:
    selectors = {"item": "div.entry", "title": "h3.h", "link": "a.doc"}
    config = {
        "feeds": [
            {
                "name": "follows",
                "url": serve_list(feeds, "follows"),
                "kind": "html",
                "select": selectors,
            },
            {
                "name": "titles",
                "url": serve_list(feeds, "titles"),
                "kind": "html",
                "select": {**selectors, "follow": False},
            },
        ],
        "polling": {"backlog": 5},
        "routes": DESK,
    }
    result = bot.poll(config, SIGNALBOT_FETCH_ALLOW="127.0.0.1")
    assert result.exit_code == 0, result.output
    assert page_hits(feeds, "follows") == 2
    assert all("Office of the US Trade" in i["summary"] for i in items(bot, "follows"))
    assert page_hits(feeds, "titles") == 0
    assert [i["summary"] for i in items(bot, "titles")] == ["", ""]

"""Source kinds on the user's path: `signalbot feeds add` and `signalbot poll --config FILE`
against loopback servers, and `/signal feeds add` of a site's address."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.feeds import TARIFF_TEXT, TARIFF_TITLE, rss, rss_item
from tests.support.servers import FeedServer, SlackStandIn
from tests.support.sources import (
    announcement_page,
    federal_register,
    fr_document,
    json_feed,
    site_page,
)
from tests.test_cli import signalbot
from tests.test_slack_http import ADMIN, Rig, ask, responses, rig  # noqa: F401 -- fixtures

SLACK = {"SLACK_BOT_TOKEN": "xoxb-test"}


def write_config(tmp_path: Path, feed: dict[str, object], to: str = "console") -> Path:
    cfg = tmp_path / "signalbot.yaml"
    body = {"feeds": [feed], "routes": [{"name": "desk", "to": to}], "polling": {"backlog": 5}}
    cfg.write_text(json.dumps(body))  # YAML is a superset of JSON
    return cfg


def test_feeds_add_of_a_site_address_adds_the_feed_it_announces(
    tmp_path: Path, feeds: FeedServer
) -> None:
    feed_url = feeds.set(
        "/news.rss", rss([rss_item("a", TARIFF_TITLE, TARIFF_TEXT)], title="Ministry News")
    )
    feeds.set("/atom.xml", "<feed/>")
    site = feeds.set(
        "/",
        site_page(
            ("/news.rss", "News", "application/rss+xml"),
            ("/atom.xml", "Comments", "application/atom+xml"),
        ),
        content_type="text/html; charset=utf-8",
    )
    cfg = tmp_path / "c.yaml"
    cfg.write_text("routes:\n  - {name: r, to: console}\n")
    added = signalbot(tmp_path, "feeds", "add", site, "--name", "ministry", "--config", str(cfg))
    assert added.returncode == 0, added.stderr
    assert f"{site} is a web page; it offers the feed {feed_url}" in added.stdout
    assert "also offered: " + feeds.base + "/atom.xml (Comments)" in added.stdout
    assert "Added ministry: Ministry News · 1 item(s) now" in added.stdout
    listed = signalbot(tmp_path, "feeds", "list", "--config", str(cfg))
    assert feed_url in listed.stdout
    bare = feeds.set("/plain", site_page(), content_type="text/html")
    refused = signalbot(tmp_path, "feeds", "add", bare, "--config", str(cfg))
    assert refused.returncode == 1
    assert "announces no feed" in refused.stderr
    assert "mismatched tag" not in refused.stderr


def test_a_json_feed_is_detected_and_alerts_through_poll(tmp_path: Path, feeds: FeedServer) -> None:
    url = feeds.set(
        "/feed.json",
        json_feed(
            [
                {
                    "id": "1",
                    "url": "https://json.example.org/1",
                    "title": TARIFF_TITLE,
                    "content_text": TARIFF_TEXT,
                }
            ]
        ),
        content_type="application/feed+json",
    )
    added = signalbot(
        tmp_path,
        "feeds",
        "add",
        url,
        "--name",
        "jf",
        "--config",
        str(write_config(tmp_path, {"name": "other", "url": url, "kind": "jsonfeed"})),
    )
    assert added.returncode == 0, added.stderr
    assert "(jsonfeed)" in added.stdout
    cfg = write_config(tmp_path, {"name": "jf", "url": url})
    polled = signalbot(tmp_path, "poll", "--once", "--config", str(cfg))
    assert polled.returncode == 0, polled.stderr
    assert "US imposes 25% tariffs on Chinese electric" in polled.stdout
    assert "1 alert(s) sent" in polled.stderr


def test_a_federal_register_rule_is_posted_as_an_official_commitment(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn
) -> None:
    url = feeds.set(
        "/api/v1/documents.json",
        federal_register([fr_document("2026-23001")]),
        content_type="application/json",
    )
    cfg = write_config(
        tmp_path, {"name": "fr", "url": url, "kind": "federal-register"}, "slack:C0DESK"
    )
    polled = signalbot(
        tmp_path, "poll", "--once", "--config", str(cfg), SLACK_API_URL=slack.base, **SLACK
    )
    assert polled.returncode == 0, polled.stderr
    [post] = slack.posts()
    blocks = json.dumps(post["blocks"], ensure_ascii=False)
    assert "official · Federal Register · Rule" in blocks
    assert "· commitment" in blocks
    assert "Federal Register Rule 2026-23001" in blocks


def test_feeds_add_of_an_announcement_page_previews_then_polls_with_page_text(
    tmp_path: Path, feeds: FeedServer
) -> None:
    feeds.set(
        "/a/61.html",
        "<html><head><title>Announcement No. 61</title></head><body><article><h1>Announcement No. 61</h1>"
        f"<p>{TARIFF_TEXT}</p><p>{TARIFF_TEXT}</p></article></body></html>",
        content_type="text/html",
    )
    page = feeds.set(
        "/list/",
        announcement_page(
            [
                ("/a/61.html", "Announcement No. 61 on tariffs on electric vehicles", "2026-11-20"),
                ("/a/60.html", "Announcement No. 60 <!channel>", "2026-11-19"),
            ]
        ),
        content_type="text/html",
    )
    cfg = tmp_path / "c.yaml"
    cfg.write_text("routes:\n  - {name: r, to: console}\npolling: {backlog: 1}\n")
    selectors = [
        "--kind",
        "html",
        "--item",
        "li.ann",
        "--title",
        "a.t",
        "--link",
        "a.t",
        "--date",
        "span.d",
    ]
    declined = signalbot(
        tmp_path,
        "feeds",
        "add",
        page,
        "--name",
        "mofcom",
        *selectors,
        "--config",
        str(cfg),
        stdin="n\n",
    )
    assert declined.returncode == 1
    assert "2 item(s) read as html" in declined.stdout
    assert "Announcement No. 61 on tariffs on electric vehicles  [2026-11-20]" in declined.stdout
    assert feeds.base + "/a/61.html" in declined.stdout
    assert "not added" in declined.stderr
    added = signalbot(
        tmp_path,
        "feeds",
        "add",
        page,
        "--name",
        "mofcom",
        *selectors,
        "--config",
        str(cfg),
        stdin="y\n",
    )
    assert added.returncode == 0, added.stderr
    assert "Added mofcom: Announcements · 2 item(s) now (html)" in added.stdout
    polled = signalbot(
        tmp_path, "poll", "--once", "--config", str(cfg), SIGNALBOT_FETCH_ALLOW="127.0.0.1"
    )
    assert polled.returncode == 0, polled.stderr
    assert "Announcement No. 61 on tariffs" in polled.stdout
    assert "Office of the US Trade" in polled.stdout  # the text came from the item's page
    # the preview reads the list only; the poll reads the page of the item it alerts, not the
    # pages of the backlog it skips
    assert (feeds.hits("/a/61.html"), feeds.hits("/a/60.html")) == (1, 0)


async def test_slash_feeds_add_of_a_site_address_discovers_its_feed(rig: Rig) -> None:  # noqa: F811
    feed_url = rig.feeds.set(
        "/feed.json", json_feed([{"id": "1", "title": TARIFF_TITLE}], title="Site JSON")
    )
    site = rig.feeds.set(
        "/home",
        site_page(("/feed.json", "JSON", "application/feed+json")),
        content_type="text/html",
    )
    added = await ask(rig, f"feeds add {site} site", user=ADMIN)
    assert "Now watching site: Site JSON (1 item(s)" in added["text"]
    assert f"it offers the feed {feed_url}, which was added" in added["text"]
    [spec] = await rig.app.store.user_feeds()
    assert spec.url == feed_url

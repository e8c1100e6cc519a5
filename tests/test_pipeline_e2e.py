"""End to end: loopback feed server → poll → score → route → Slack Web API stand-in → store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.domain.config import BotConfig
from tests.conftest import FakeClock
from tests.support.apps import TOKEN, poll
from tests.support.feeds import (
    IRRELEVANT_TEXT,
    IRRELEVANT_TITLE,
    TARIFF_TEXT,
    TARIFF_TITLE,
    distinct_story,
    firm,
    rss,
    rss_item,
)
from tests.support.servers import FeedServer, SlackStandIn

HOSTILE_TITLE = (
    "<!channel> US tariffs on China <@U0ADMIN> <https://evil.example/x|Reuters> <b>bold</b>"
)
HOSTILE_TEXT = (
    "<p>Washington raised tariffs on Chinese steel to 50% &amp; more. <!here> <!everyone> "
    "<!subteam^S0123|@desk> click <https://evil.example/login|here></p><script>alert(1)</script>"
)


def config(*feeds: tuple[str, str], backlog: int = 0) -> BotConfig:
    return BotConfig.model_validate(
        {
            "feeds": [{"name": name, "url": url} for name, url in feeds],
            "routes": [{"name": "desk", "to": "slack:C0DESK"}],
            "polling": {"backlog": backlog},
        }
    )


def mrkdwn_texts(post: dict[str, Any]) -> str:
    out = [post["text"]]
    for block in post["blocks"]:
        for obj in [block.get("text"), *block.get("elements", [])]:
            if isinstance(obj, dict) and obj.get("type") == "mrkdwn":
                out.append(obj["text"])
    return "\n".join(out)


async def test_a_new_item_is_posted_once_across_polls_and_restarts(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn, clock: FakeClock
) -> None:
    old = rss_item("old-1", "Older tariff story on Chinese steel", TARIFF_TEXT, minutes=0)
    url = feeds.set("/wire", rss([old]), etag='"1"')
    cfg = config(("wire", url))
    report = await poll(tmp_path, slack, cfg, clock)
    assert report.outcomes[0].skipped_backlog == 1
    assert slack.posts() == []  # a new feed's backlog is not posted

    new = rss_item("new-1", TARIFF_TITLE, TARIFF_TEXT, minutes=30)
    irrelevant = rss_item("new-2", IRRELEVANT_TITLE, IRRELEVANT_TEXT, minutes=31)
    feeds.set("/wire", rss([irrelevant, new, old]), etag='"2"')
    clock.advance(minutes=20)
    report = await poll(tmp_path, slack, cfg, clock)
    assert report.outcomes[0].new_items == 2
    [post] = slack.posts()
    assert post["channel"] == "C0DESK"
    assert slack.calls[0].token == TOKEN
    assert "US imposes 25% tariffs" in post["text"]
    body = mrkdwn_texts(post)
    assert "<https://news.example.org/new-1|US imposes 25% tariffs" in body
    assert "clarity" in body
    assert "🔺" in body
    assert any(b["type"] == "actions" for b in post["blocks"])

    # Same content again, then a restart (a new app on the same data directory): no repost.
    clock.advance(minutes=20)
    await poll(tmp_path, slack, cfg, clock)
    feeds.set("/wire", rss([irrelevant, new, old]), etag='"3"')  # changed etag, same items
    clock.advance(minutes=20)
    await poll(tmp_path, slack, cfg, clock)
    assert len(slack.posts()) == 1
    assert feeds.requests[-1][1].get("if-none-match") == '"2"'


async def test_hostile_title_and_description_are_posted_inert(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn, clock: FakeClock
) -> None:
    url = feeds.set(
        "/wire",
        rss([rss_item("h1", HOSTILE_TITLE, HOSTILE_TEXT, link="https://news.example.org/h1")]),
    )
    await poll(tmp_path, slack, config(("wire", url), backlog=5), clock)
    [post] = slack.posts()
    body = mrkdwn_texts(post)
    for control in (
        "<!channel>",
        "<!here>",
        "<!everyone>",
        "<@U0ADMIN>",
        "<!subteam",
        "<https://evil",
    ):
        assert control not in body
    assert "<script>" not in str(post["blocks"])
    assert "US tariffs on China &lt;@U0ADMIN&gt;" in body  # shown, escaped, not a mention


async def test_a_broken_feed_does_not_stop_a_good_one(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn, clock: FakeClock
) -> None:
    good = feeds.set("/good", rss([rss_item("g1", TARIFF_TITLE, TARIFF_TEXT)]))
    garbage = feeds.set("/garbage", "<html>this is not a feed</html>", content_type="text/html")
    missing = feeds.base + "/missing"
    cfg = config(("garbage", garbage), ("good", good), ("missing", missing), backlog=5)
    report = await poll(tmp_path, slack, cfg, clock)
    assert len(slack.posts()) == 1
    errors = {o.feed: o.error for o in report.outcomes}
    assert "not a readable feed" in (errors["garbage"] or "")
    assert "HTTP 404" in (errors["missing"] or "")
    assert errors["good"] is None


async def test_first_poll_of_a_feed_with_50_items_posts_none(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn, clock: FakeClock
) -> None:
    items = [rss_item(f"b{n}", f"{TARIFF_TITLE} ({n})", TARIFF_TEXT, minutes=n) for n in range(50)]
    url = feeds.set("/big", rss(items))
    report = await poll(tmp_path, slack, config(("big", url)), clock)
    assert report.outcomes[0].skipped_backlog == 50
    assert slack.posts() == []


async def test_backlog_setting_posts_only_the_newest(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn, clock: FakeClock
) -> None:
    items = [rss_item(f"b{n}", *distinct_story(n), minutes=n) for n in range(10)]
    url = feeds.set("/big", rss(items))
    await poll(tmp_path, slack, config(("big", url), backlog=3), clock)
    texts = [p["text"] for p in slack.posts()]
    assert len(texts) == 3
    assert all(firm(n) in text for n, text in zip((7, 8, 9), texts, strict=True))


async def test_slack_429_is_retried_after_retry_after_and_nothing_is_lost(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn, clock: FakeClock
) -> None:
    slack.rate_limit_times, slack.retry_after = 1, 1
    url = feeds.set("/wire", rss([rss_item("r1", TARIFF_TITLE, TARIFF_TEXT)]))
    report = await poll(tmp_path, slack, config(("wire", url), backlog=5), clock)
    assert [c.method for c in slack.calls] == ["chat.postMessage:429", "chat.postMessage"]
    assert report.delivery.sent == 1


async def test_persistent_429_keeps_alerts_queued_for_the_next_cycle(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn, clock: FakeClock
) -> None:
    slack.rate_limit_times, slack.retry_after = 100, 0
    url = feeds.set(
        "/wire",
        rss([rss_item(f"q{n}", *distinct_story(n), minutes=n) for n in range(2)]),
    )
    report = await poll(tmp_path, slack, config(("wire", url), backlog=5), clock)
    assert report.delivery.sent == 0
    assert report.delivery.retrying == 2
    slack.rate_limit_times = 0
    clock.advance(seconds=5)
    report = await poll(tmp_path, slack, config(("wire", url), backlog=5), clock)
    assert report.delivery.sent == 2
    assert [firm(0) in slack.posts()[0]["text"], firm(1) in slack.posts()[1]["text"]] == [
        True,
        True,
    ]  # order kept

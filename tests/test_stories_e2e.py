"""Stories, threads, flood control, digests and deadline reminders, end to end over loopback."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.app import build_app
from bot.domain.config import BotConfig
from tests.conftest import FakeClock
from tests.support.apps import poll, slack_settings
from tests.support.feeds import distinct_story, firm, rss, rss_item
from tests.support.servers import FeedServer, SlackStandIn

WIRE_TITLE = "US raises tariffs on Chinese solar cells to 50% from 1 January"
WIRE_TEXT = (
    "The Office of the US Trade Representative said on Friday it will raise tariffs on solar cells "
    "imported from China to 50% from 1 January, citing a Section 301 review. China's commerce "
    "ministry said it would take necessary measures to defend its companies."
)
REWRITE_TITLE = "Washington doubles solar cell tariff on China to 50% in Section 301 move"
REWRITE_TEXT = (
    "USTR will lift duties on Chinese solar cells to 50% starting 1 January after a Section 301 "
    "review, the trade office said on Friday; Beijing's commerce ministry vowed necessary measures."
)
OTHER_TITLE = "White House orders 100% levy on Chinese electric cars, citing overcapacity"
OTHER_TEXT = (
    "President signs proclamation quadrupling duties on battery-electric passenger cars built in "
    "China to 100%, effective 1 February; automakers with US plants are exempt for 12 months."
)


def config(feeds: dict[str, str], **extra: Any) -> BotConfig:
    return BotConfig.model_validate(
        {
            "feeds": [{"name": n, "url": u} for n, u in feeds.items()],
            "routes": [{"name": "desk", "to": "slack:C0DESK", **extra.pop("route", {})}],
            "polling": {"backlog": 500},
            **extra,
        }
    )


def top_level(slack: SlackStandIn) -> list[dict[str, Any]]:
    return [p for p in slack.posts() if not p.get("thread_ts")]


def replies(slack: SlackStandIn) -> list[dict[str, Any]]:
    return [p for p in slack.posts() if p.get("thread_ts")]


async def test_syndicated_copies_make_one_alert_and_thread_replies(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn, clock: FakeClock
) -> None:
    urls = {
        "wire": feeds.set(
            "/wire", rss([rss_item("w1", WIRE_TITLE, WIRE_TEXT, minutes=0)], title="Wire")
        ),
        "daily": feeds.set(
            "/daily", rss([rss_item("d1", WIRE_TITLE, WIRE_TEXT, minutes=5)], title="Daily")
        ),
        "desk": feeds.set(
            "/desk", rss([rss_item("k1", REWRITE_TITLE, REWRITE_TEXT, minutes=9)], title="Desk")
        ),
    }
    await poll(tmp_path, slack, config(urls), clock)
    [first] = top_level(slack)
    thread = replies(slack)
    assert len(thread) == 2
    [root] = [m["ts"] for found in slack.messages.values() for m in found if "thread_ts" not in m]
    assert {p["thread_ts"] for p in thread} == {root}
    assert all(p["text"].startswith("↳") for p in thread)
    assert "New source" in json.dumps(thread[0]["blocks"], ensure_ascii=False)
    assert "solar" in first["text"].lower()


async def test_a_different_story_on_the_same_topic_gets_its_own_alert(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn, clock: FakeClock
) -> None:
    url = feeds.set(
        "/wire",
        rss(
            [
                rss_item("w1", WIRE_TITLE, WIRE_TEXT, minutes=0),
                rss_item("w2", OTHER_TITLE, OTHER_TEXT, minutes=30),
            ]
        ),
    )
    await poll(tmp_path, slack, config({"wire": url}), clock)
    assert len(top_level(slack)) == 2
    assert replies(slack) == []


async def test_a_burst_stays_within_the_budget_and_every_item_is_reachable(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn, clock: FakeClock
) -> None:
    items = [
        rss_item(f"b{n}", *distinct_story(n), minutes=n % 600, link=f"https://n.example.org/b{n}")
        for n in range(200)
    ]
    url = feeds.set("/burst", rss(items))
    cfg = config({"burst": url}, delivery={"budget": 10, "window": "1h"})
    async with build_app(slack_settings(tmp_path, slack), cfg, clock=clock) as app:
        report = await app.poller.poll_once()
        relevant = [
            i.link for i, _ in await app.store.recent_items(clock.now() - timedelta(days=1))
        ]
    assert len(relevant) > 100
    alerts = [p for p in top_level(slack) if "budget" not in p["text"]]
    overflow = [p for p in slack.posts() if p not in alerts]
    assert len(alerts) <= 10
    reachable = json.dumps(overflow) + json.dumps(alerts) + json.dumps(replies(slack))
    assert [link for link in relevant if link not in reachable] == []
    assert report.delivery.sent + report.delivery.folded == len(relevant)
    [notice] = [p for p in top_level(slack) if "budget" in p["text"]]
    assert "budget of 10 alerts per 1 h" in notice["text"]


async def test_deadline_reminders_fire_once_across_restarts(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn, clock: FakeClock
) -> None:
    title = "US pauses tariffs on Chinese chips for 90 days"
    text = "The White House paused a planned increase in tariffs on Chinese semiconductors for 90 days, officials said, and warned the higher rate could be restored."
    url = feeds.set("/wire", rss([rss_item("p1", title, text, minutes=0)]))
    cfg = config({"wire": url})
    async with build_app(slack_settings(tmp_path, slack), cfg, clock=clock) as app:
        await app.poller.poll_once()
        found = await app.store.item("wire", "guid:p1")
        assert found is not None
        risk = found[1].reversion_risk if found[1] else None
        assert risk is not None
        assert risk.date is not None
    reminders = lambda: [p for p in top_level(slack) + replies(slack) if "Deadline" in p["text"]]  # noqa: E731
    clock.current = clock.current.replace(
        year=risk.date.year, month=risk.date.month, day=risk.date.day
    ) - timedelta(days=3)
    await poll(tmp_path, slack, cfg, clock)
    assert len(reminders()) == 1
    assert "in 3 days" in reminders()[0]["text"]
    await poll(tmp_path, slack, cfg, clock)  # a restart on the same day: nothing new
    assert len(reminders()) == 1
    clock.advance(days=3)
    await poll(tmp_path, slack, cfg, clock)
    await poll(tmp_path, slack, cfg, clock)
    assert len(reminders()) == 2
    assert "today" in reminders()[1]["text"]


async def test_scheduled_digest_arrives_with_its_chart_once(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn, clock: FakeClock
) -> None:
    items = [rss_item(f"s{n}", *distinct_story(n), minutes=n) for n in range(6)]
    url = feeds.set("/wire", rss(items))
    cfg = config({"wire": url}, route={"digest": {"at": "13:00", "tz": "UTC", "period": "24h"}})
    await poll(tmp_path, slack, cfg, clock)  # 12:00: items alerted, no digest yet
    assert not [p for p in slack.posts() if p["text"].startswith("Digest")]
    clock.advance(hours=1, minutes=5)
    await poll(tmp_path, slack, cfg, clock)
    await poll(tmp_path, slack, cfg, clock)  # once per period, also across restarts
    digests = [p for p in slack.posts() if p["text"].startswith("Digest")]
    assert len(digests) == 1
    digest = json.dumps(digests[0]["blocks"], ensure_ascii=False)
    assert firm(5) in digest  # the period's newest story is ranked in the digest itself
    assert "stories for this channel's routes" in digests[0]["text"]
    methods = [c.method for c in slack.calls]
    assert "files.getUploadURLExternal" in methods
    assert "files.completeUploadExternal" in methods
    [png] = slack.uploads.values()
    assert png.startswith(b"\x89PNG")


async def test_a_muted_story_alerts_no_more_where_it_was_muted(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn, clock: FakeClock
) -> None:
    first = rss_item("w1", WIRE_TITLE, WIRE_TEXT, minutes=0)
    urls = {"wire": feeds.set("/wire", rss([first], title="Wire"))}
    await poll(tmp_path, slack, config(urls), clock)
    assert len(slack.posts()) == 1
    async with build_app(slack_settings(tmp_path, slack), config(urls), clock=clock) as app:
        found = await app.store.item("wire", "guid:w1")
        assert found is not None
        assert found[0].story
        await app.store.mute_story(found[0].story, "slack:C0DESK", "U1", clock.now())
    clock.advance(minutes=30)
    later = [
        rss_item("w2", REWRITE_TITLE, REWRITE_TEXT, minutes=9),  # the muted story
        rss_item("w3", OTHER_TITLE, OTHER_TEXT, minutes=10),  # another story
    ]
    feeds.set("/wire", rss([first, *later], title="Wire"))
    await poll(tmp_path, slack, config(urls), clock)
    posts = slack.posts()
    assert len(posts) == 2
    assert "electric" in posts[1]["text"].lower()

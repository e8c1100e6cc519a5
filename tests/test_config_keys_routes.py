"""Every ``routes`` key of the config file takes effect through ``signalbot poll --config FILE``:
destinations, filters, mention, quiet hours and digest schedules (loopback feed server, loopback
Slack stand-in and Teams webhook receiver)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.support.cli import Bot, texts
from tests.support.feeds import TARIFF_TEXT, TARIFF_TITLE, distinct_story, rss, rss_item
from tests.support.servers import FeedServer, Recorder, SlackStandIn, recorder_server

LIFT = (
    "EU lifts tariffs on Japanese steel after trade deal",
    "The European Commission removed its 25% tariffs on Japanese steel imports with immediate "
    "effect after both sides signed a trade agreement.",
)  # de-escalation, commitment, EU and JP
COFFEE = (
    "US may consider tariffs on Brazilian coffee, official says",
    "A US official said Washington could possibly consider tariffs on coffee from Brazil at some "
    "point, without giving details.",
)  # escalation +1.5, signal, US and BR
ENTITY = distinct_story(1)  # sanctions, CN and KR, escalation +6.5, conditional
TITLES = {"tariff": TARIFF_TITLE, "lift": LIFT[0], "coffee": COFFEE[0], "entity": ENTITY[0]}
FAR_EAST = "Pacific/Kiritimati"  # UTC+14: its local time of day is 10 h off UTC's


@pytest.fixture
def bot(tmp_path: Path, slack: SlackStandIn) -> Bot:
    return Bot(tmp_path, slack)


@pytest.fixture
def teams() -> Iterator[Recorder]:
    with recorder_server() as server:
        yield server


def two_feeds(feeds: FeedServer) -> list[dict[str, Any]]:
    main = feeds.set(
        "/main.xml",
        rss(
            [
                rss_item("tariff", TARIFF_TITLE, TARIFF_TEXT),
                rss_item("lift", *LIFT, minutes=1),
                rss_item("coffee", *COFFEE, minutes=2),
            ]
        ),
    )
    second = feeds.set("/second.xml", rss([rss_item("entity", *ENTITY, minutes=3)]))
    return [
        {"name": "main", "url": main, "backlog": 10},
        {"name": "second", "url": second, "backlog": 10},
    ]


def got(bot: Bot, channel: str) -> set[str]:
    sent = texts(bot.posts(channel))
    return {name for name, title in TITLES.items() if title in sent}


def test_route_filters_and_destinations(bot: Bot, feeds: FeedServer, teams: Recorder) -> None:
    routes: list[dict[str, Any]] = [
        {"name": "all", "to": "slack:CALL"},
        {"name": "topics", "to": "slack:CTOPICS", "topics": ["sanctions"]},
        {"name": "actors", "to": "slack:CACTORS", "actors": ["br"]},
        {"name": "labels", "to": "slack:CLABELS", "labels": ["de-escalation"]},
        {"name": "strong", "to": "slack:CMIN", "min_escalation": 5},
        {"name": "clarity", "to": "slack:CCLARITY", "clarity": ["signal"]},
        {"name": "by-feed", "to": "slack:CFEEDS", "feeds": ["second"]},
        {"name": "loud", "to": "slack:CLOUD", "mention": "here"},
        {"name": "teams", "to": f"teams:{teams.base}/workflows/hook"},
        {"name": "terminal", "to": "console", "actors": ["JP"]},
    ]
    result = bot.poll({"feeds": two_feeds(feeds), "routes": routes})
    assert result.exit_code == 0, result.output
    assert got(bot, "CALL") == set(TITLES)
    assert got(bot, "CTOPICS") == {"entity"}
    assert got(bot, "CACTORS") == {"coffee"}
    assert got(bot, "CLABELS") == {"lift"}
    assert got(bot, "CMIN") == {"tariff", "lift", "entity"}
    assert got(bot, "CCLARITY") == {"coffee"}
    assert got(bot, "CFEEDS") == {"entity"}
    assert all(p["text"].startswith("<!here>") for p in bot.posts("CLOUD"))
    assert len(bot.posts("CLOUD")) == 4
    assert not any("<!here>" in p["text"] for p in bot.posts("CALL"))
    assert len(teams.wait_for(4)) == 4
    assert LIFT[0] in result.output  # the console route prints in the terminal
    assert TARIFF_TITLE not in result.output
    routes_used = {r for (r,) in bot.rows("SELECT DISTINCT route FROM deliveries")}
    assert routes_used == {r["name"] for r in routes}


def test_route_names_must_be_unique(bot: Bot, feeds: FeedServer) -> None:
    routes = [{"name": "desk", "to": "slack:C1"}, {"name": "desk", "to": "slack:C2"}]
    result = bot.poll({"feeds": two_feeds(feeds), "routes": routes})
    assert result.exit_code == 1
    assert "duplicate route name(s): desk" in result.output
    assert feeds.hits("/main.xml") == 0


def local_window(tz: str) -> tuple[str, str]:
    """A two-hour window of local time in ``tz`` around now."""
    local = datetime.now(UTC).astimezone(ZoneInfo(tz))
    return (
        f"{local - timedelta(hours=1):%H:%M}",
        f"{local + timedelta(hours=1):%H:%M}",
    )


def test_quiet_hours_hold_alerts_in_the_routes_own_time_zone(bot: Bot, feeds: FeedServer) -> None:
    start, end = local_window(FAR_EAST)
    routes = [
        {
            "name": "quiet",
            "to": "slack:CQUIET",
            "quiet_hours": {"start": start, "end": end, "tz": FAR_EAST},
        },
        # the same hours read in UTC are 10 hours away from now
        {"name": "awake", "to": "slack:CAWAKE", "quiet_hours": {"start": start, "end": end}},
    ]
    assert bot.poll({"feeds": two_feeds(feeds), "routes": routes}).exit_code == 0
    assert bot.posts("CQUIET") == []
    held = bot.rows("SELECT status, COUNT(*) FROM deliveries WHERE route = 'quiet' GROUP BY 1")
    assert held == [("held", 4)]
    assert got(bot, "CAWAKE") == set(TITLES)


def test_digest_goes_out_at_its_local_time_covering_its_period(bot: Bot, feeds: FeedServer) -> None:
    start, _ = local_window(FAR_EAST)  # an hour ago, in the far east
    routes = [
        {
            "name": "morning",
            "to": "slack:CDIGEST",
            "digest": {"at": start, "tz": FAR_EAST, "period": "48h"},
        },
        {"name": "utc-morning", "to": "slack:CUTC", "digest": {"at": start, "period": "48h"}},
    ]
    assert bot.poll({"feeds": two_feeds(feeds), "routes": routes}).exit_code == 0
    digests = [p for p in bot.posts("CDIGEST") if "Digest" in p["text"]]
    assert len(digests) == 1
    assert "last 2d" in digests[0]["text"]
    assert not [p for p in bot.posts("CUTC") if "Digest" in p["text"]]

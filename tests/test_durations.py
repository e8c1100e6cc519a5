"""Durations: every documented form is read, seconds are stored, and what the bot writes to its
store or config (durations, routes, feed specs) reads back equal."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from bot.adapters.config_file import parse_config
from bot.adapters.sql.store import SqlStore
from bot.domain.config import BotConfig, Delivery, FeedSpec, Route
from bot.domain.durations import Duration, parse_duration
from tests.support.cli import Bot
from tests.support.feeds import TARIFF_TEXT, TARIFF_TITLE, rss, rss_item
from tests.support.servers import FeedServer, SlackStandIn

DURATION = TypeAdapter(Duration)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("15m", 900),
        ("2h", 7200),
        ("1d", 86400),
        ("900", 900),
        (900, 900),
        (1.5, 1.5),
        ("PT2H", 7200),
        ("P1D", 86400),
        ("P1DT30M", 88200),
        ("PT1H30M15.5S", 5415.5),
        ("P2W", 1209600),
        ("pt15m", 900),
        ("P1Y35D", 400 * 86400),
        ("P1M", 30 * 86400),
    ],
)
def test_documented_and_iso_forms_are_read(text: str | float, seconds: float) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    "text", ["soon", "", "P", "PT", "P1H", "PT1D", "-P1D", "-5", "2 weeks", True]
)
def test_anything_else_is_refused_with_the_accepted_forms(text: object) -> None:
    with pytest.raises(ValueError, match=r"90s, 15m, 2h, 1d, 900 \(seconds\) or PT2H"):
        parse_duration(text)


def test_durations_are_stored_as_seconds() -> None:
    spec = FeedSpec(name="wire", url="https://example.org/a.xml", interval="2h")
    assert json.loads(spec.model_dump_json())["interval"] == 7200
    assert DURATION.dump_json(timedelta(seconds=1.5)) == b"1.5"


def test_feeds_add_with_an_interval_keeps_the_database_readable(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn
) -> None:
    bot = Bot(tmp_path, slack)
    url = feeds.set("/wire.xml", rss([rss_item("a", TARIFF_TITLE, TARIFF_TEXT)]))
    bot.write_config({"routes": [{"name": "desk", "to": "slack:C0DESK"}]})
    added = bot.run(
        "feeds", "add", url, "--name", "wire", "--interval", "2h", "--config", str(bot.config_file)
    )
    assert added.exit_code == 0, added.output
    (spec,) = bot.rows("SELECT spec FROM feeds WHERE name = 'wire'")
    assert json.loads(spec[0])["interval"] == 7200
    listed = bot.run("feeds", "list", "--config", str(bot.config_file))
    assert listed.exit_code == 0, listed.output
    assert "wire" in listed.output
    polled = bot.run("poll", "--config", str(bot.config_file))
    assert polled.exit_code == 0, polled.output
    assert bot.feed_state("wire")["interval_s"] == 3600  # 2h halved: the feed was new


def test_a_database_holding_iso_intervals_is_read(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn
) -> None:
    bot = Bot(tmp_path, slack)
    url = feeds.set("/wire.xml", rss([rss_item("a", TARIFF_TITLE, TARIFF_TEXT)]))
    bot.write_config({"routes": [{"name": "desk", "to": "slack:C0DESK"}]})
    assert bot.run("feeds", "list", "--config", str(bot.config_file)).exit_code == 0
    legacy = json.dumps(
        {"name": "old", "url": url, "interval": "PT2H", "tags": [], "backlog": None}
    )
    with sqlite3.connect(bot.data_dir / "signalbot.db") as db:
        db.execute(
            "INSERT INTO feeds (name, spec, added_by, added_at, origin) VALUES (?, ?, 'cli', ?, 'cli')",
            ("old", legacy, "2026-11-01T00:00:00.000000Z"),
        )
    listed = bot.run("feeds", "list", "--config", str(bot.config_file))
    assert listed.exit_code == 0, listed.output
    assert "old" in listed.output
    polled = bot.run("poll", "--config", str(bot.config_file))
    assert polled.exit_code == 0, polled.output
    assert bot.feed_state("old")["interval_s"] == 3600


# --- round trips -------------------------------------------------------------------------------

durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3650)).map(
    lambda d: timedelta(seconds=round(d.total_seconds(), 3))
)
TOPICS = ["tariffs", "export-controls", "rare-earths", "sanctions", "semiconductors"]
DESTINATIONS = ["console", "slack:C0123", "teams:https://example.org/hook"]
names = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9_.-]{0,20}\Z")
words = st.lists(st.from_regex(r"\A[a-z][a-z-]{0,12}\Z"), max_size=3).map(tuple)
feed_specs = st.builds(
    FeedSpec,
    name=names,
    url=st.from_regex(r"\Ahttps://[a-z]{1,10}\.example\.org/[a-z0-9/]{0,20}\Z"),
    interval=st.none() | durations,
    tags=words,
    backlog=st.none() | st.integers(0, 500),
)
routes = st.builds(
    lambda name, to, topics, actors, labels, minimum, clarity, feeds, mention, period: (
        Route.model_validate(
            {
                "name": name,
                "to": to,
                "topics": topics,
                "actors": actors,
                "labels": labels,
                "min_escalation": minimum,
                "clarity": clarity,
                "feeds": feeds,
                "mention": mention,
                "quiet_hours": {"start": "22:00", "end": "06:30", "tz": "Europe/London"},
                "digest": None if period is None else {"at": "07:30", "period": period},
            }
        )
    ),
    names,
    st.sampled_from(DESTINATIONS),
    st.lists(st.sampled_from(TOPICS), max_size=3, unique=True).map(tuple),
    st.lists(st.sampled_from(["US", "CN", "EU", "JP"]), max_size=3, unique=True).map(tuple),
    st.lists(st.sampled_from(["escalation", "de-escalation", "mixed", "neutral"]), max_size=2).map(
        tuple
    ),
    st.floats(0, 10, allow_nan=False),
    st.lists(st.sampled_from(["signal", "conditional", "commitment"]), max_size=2).map(tuple),
    st.lists(names, max_size=2).map(tuple),
    st.none() | st.sampled_from(["here", "channel"]),
    st.none() | durations.filter(lambda d: d > timedelta(0)),
)


@given(durations)
def test_a_stored_duration_reads_back_equal(value: timedelta) -> None:
    assert DURATION.validate_json(DURATION.dump_json(value)) == value
    # and pydantic's own ISO 8601 form, as older databases hold it
    iso = TypeAdapter(timedelta).dump_python(value, mode="json")
    assert parse_duration(iso) == value


deliveries = st.builds(
    Delivery,
    budget=st.integers(1, 1000),
    window=durations,
    remind_ahead=durations,
    story_window=durations,
)


@given(feed_specs, deliveries)
def test_a_feed_spec_and_delivery_read_back_equal_from_json_and_yaml(
    spec: FeedSpec, delivery: Delivery
) -> None:
    assert FeedSpec.model_validate_json(spec.model_dump_json()) == spec
    config = BotConfig(feeds=(spec,), delivery=delivery)
    text = yaml.safe_dump(config.model_dump(mode="json"))
    assert parse_config(yaml.safe_load(text), "round trip") == config


@given(routes)
def test_a_route_reads_back_equal_from_json_and_yaml(route: Route) -> None:
    assert Route.model_validate_json(route.model_dump_json()) == route
    config = BotConfig(routes=(route,))
    text = yaml.safe_dump(config.model_dump(mode="json"))
    assert parse_config(yaml.safe_load(text), "round trip") == config


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(spec=feed_specs, route=routes)
def test_feed_specs_and_routes_read_back_equal_from_the_store(
    store_url: str, spec: FeedSpec, route: Route
) -> None:
    async def go() -> tuple[list[FeedSpec], list[Route]]:
        store = SqlStore(store_url)
        try:
            await store.migrate()
            now = datetime(2026, 11, 20, tzinfo=UTC)
            await store.remove_user_feed(spec.name)
            for destination in DESTINATIONS:
                await store.remove_chat_route(route.name, destination)
            await store.add_user_feed(spec, "test", now)
            await store.add_chat_route(route, "test", now)
            return (
                [f for f in await store.user_feeds() if f.name == spec.name],
                [r for r in await store.chat_routes() if r.name == route.name],
            )
        finally:
            await store.close()

    feeds, chat_routes = asyncio.run(go())
    assert feeds == [spec]
    assert chat_routes == [route]

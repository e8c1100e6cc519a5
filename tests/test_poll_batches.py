"""The poll cycle talks to the store in batches: a few statements per cycle, not per feed; a
feed's items are recorded before its state, so a lost state costs a second fetch, never items."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.sql.store import SqlStore
from bot.app import build_app
from bot.domain.config import BotConfig
from bot.domain.schedule import FeedState
from bot.errors import StoreError
from bot.services.delivery import Deliverer
from tests.conftest import FakeClock
from tests.support.apps import slack_settings
from tests.support.feeds import distinct_story, rss, rss_item
from tests.support.servers import FeedServer, SlackStandIn


def _config(feeds: FeedServer, count: int, **polling: Any) -> BotConfig:
    for n in range(count):
        items = [rss_item(f"w{n}-{k}", *distinct_story(n * 10 + k), minutes=k) for k in range(3)]
        feeds.set(f"/wire/{n}", rss(items), etag=f'"v{n}"')
    return BotConfig.model_validate(
        {
            "feeds": [{"name": f"wire-{n}", "url": f"{feeds.base}/wire/{n}"} for n in range(count)],
            "routes": [{"name": "desk", "to": "slack:C0DESK"}],
            "polling": {"backlog": 0, **polling},
        }
    )


async def _warm_statements(tmp_path: Path, slack: SlackStandIn, config: BotConfig) -> int:
    clock = FakeClock()
    async with build_app(slack_settings(tmp_path, slack), config, clock=clock) as app:
        await app.poller.poll_once(only_due=True)  # cold: every feed new
        clock.advance(days=2)  # every feed due again; each answers 304
        statements = 0

        def count(_sql: str) -> None:
            nonlocal statements
            statements += 1

        app.store.observe(statement=count)
        report = await app.poller.poll_once(only_due=True)
        assert all(o.not_modified for o in report.outcomes)
        assert len(report.outcomes) == len(config.feeds)
        return statements


async def test_a_warm_cycle_makes_as_many_statements_for_30_feeds_as_for_3(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn
) -> None:
    few = await _warm_statements(tmp_path / "few", slack, _config(feeds, 3))
    many = await _warm_statements(tmp_path / "many", slack, _config(feeds, 30))
    assert many == few
    assert many < 30


async def test_a_state_that_could_not_be_saved_costs_a_second_fetch_not_items(
    tmp_path: Path,
    feeds: FeedServer,
    slack: SlackStandIn,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = _config(feeds, 2)

    async def broken(self: SqlStore, states: list[FeedState]) -> None:
        raise StoreError("disk full")

    async with build_app(slack_settings(tmp_path, slack), config, clock=clock) as app:
        with monkeypatch.context() as patch:
            patch.setattr(SqlStore, "save_feed_states", broken)
            report = await app.poller.poll_once()
        assert report.count("new_items") == 6
        assert [s.polls for s in await app.store.feed_states()] == [0, 0]  # not advanced
        again = await app.poller.poll_once()  # fetched again: the items are known
        assert again.count("new_items") == 0
        assert [o.not_modified for o in again.outcomes] == [False, False]
        assert [s.polls for s in await app.store.feed_states()] == [1, 1]
    assert len(slack.posts()) == 0  # the backlog of a first poll is not alerted, twice or once


async def test_the_first_poll_backlog_is_recorded_unscored_without_stories_or_alerts(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn, clock: FakeClock
) -> None:
    config = _config(feeds, 2)
    async with build_app(slack_settings(tmp_path, slack), config, clock=clock) as app:
        report = await app.poller.poll_once()
        assert report.count("skipped_backlog") == report.count("new_items") == 6
        assert report.count("relevant") == 0  # not scored, so not known to be
        since = clock.now() - timedelta(hours=1)
        backlog = await app.store.unscored_items(since)
        assert len(backlog) == 6
        assert not any(item.story for item in backlog)
        assert await app.store.recent_items(since) == []
        assert await app.store.due_deliveries(clock.now()) == []
        assert (await app.store.counts(since))["skipped"] == 0
    assert slack.posts() == []


async def test_a_feed_another_replica_holds_is_left_to_it(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn, clock: FakeClock
) -> None:
    config = _config(feeds, 3)
    settings = slack_settings(tmp_path, slack)
    async with build_app(settings, config, clock=clock) as app:
        other = SqlStore(settings.db_url(), owner="elsewhere:1")
        try:
            await other.heartbeat(clock.now())
            assert list(await other.claim_feeds(["wire-1"], clock.now())) == ["wire-1"]
            report = await app.poller.poll_once()
            assert sorted(o.feed for o in report.outcomes) == ["wire-0", "wire-2"]
            assert feeds.hits("/wire/1") == 0
        finally:
            await other.close()


async def test_recent_stories_are_read_only_by_a_cycle_with_relevant_items(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn, clock: FakeClock
) -> None:
    """A cycle of unchanged feeds never reads or indexes the recent stories; a cycle whose feeds
    bring relevant items reads them once, however many feeds bring them, and a copy of an
    earlier item still joins that item's story."""
    config = _config(feeds, 3, backlog=3)
    async with build_app(slack_settings(tmp_path, slack), config, clock=clock) as app:
        await app.poller.poll_once()  # every item alerted, so each joins its story
        reads: list[object] = []
        store_read = app.store.story_candidates

        async def counted(*args: Any, **kwargs: Any) -> Any:
            reads.append(args)
            return await store_read(*args, **kwargs)

        app.store.story_candidates = counted  # type: ignore[method-assign]
        warm = await app.poller.poll_once()
        assert all(o.not_modified for o in warm.outcomes)
        assert reads == []

        copied = distinct_story(0)  # wire-0's first item, republished by two other feeds
        for n in (1, 2):
            items = [
                rss_item(f"w{n}-{k}", *distinct_story(n * 10 + k), minutes=k) for k in range(3)
            ]
            feeds.set(f"/wire/{n}", rss([*items, rss_item(f"copy{n}", *copied)]), etag=f'"c{n}"')
        changed = await app.poller.poll_once()
        assert changed.count("new_items") == changed.count("relevant") == 2
        assert len(reads) == 1
        recent = await app.store.recent_items(clock.now() - timedelta(hours=1))
        stories = {item.key: item.story for item, _ in recent}
        [original] = [
            item for item, _ in recent if item.title == copied[0] and item.feed == "wire-0"
        ]
        copies = [item for item, _ in recent if item.title == copied[0] and item.feed != "wire-0"]
        assert len(copies) == 2
        assert all(stories[c.key] == original.story for c in copies)


async def test_feeds_finishing_during_a_delivery_round_share_the_next_one(
    tmp_path: Path,
    feeds: FeedServer,
    slack: SlackStandIn,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each feed's alerts go out when it is done, but feeds that finish while a round is running
    wait for one round after it together, not for one round each."""
    config = _config(feeds, 6, backlog=3)
    recorded = asyncio.Event()
    rounds = 0
    deliver_due = Deliverer.deliver_due

    async def first_round_waits(self: Deliverer) -> Any:
        nonlocal rounds
        rounds += 1
        if rounds == 1:  # the other feeds finish while the first round runs
            await recorded.wait()
        return await deliver_due(self)

    async with build_app(slack_settings(tmp_path, slack), config, clock=clock) as app:
        finished = 0
        poll_feed = app.poller._poll_feed_safely

        async def counted(*args: Any) -> Any:
            nonlocal finished
            outcome = await poll_feed(*args)
            finished += 1
            if finished == 6:
                recorded.set()
            return outcome

        monkeypatch.setattr(app.poller, "_poll_feed_safely", counted)
        monkeypatch.setattr(Deliverer, "deliver_due", first_round_waits)
        report = await app.poller.poll_once()
    assert report.count("queued") == 18
    assert len(slack.posts()) + report.delivery.folded == 18
    assert rounds == 2


async def test_a_sqlite_transaction_that_only_read_sends_no_commit(tmp_path: Path) -> None:
    from bot.adapters.sql.driver import SqliteDatabase

    db = SqliteDatabase(str(tmp_path / "t.db"))
    calls: list[str] = []
    call = db.call

    async def counted(func: Any, *args: Any) -> Any:
        calls.append(getattr(func, "__name__", ""))
        return await call(func, *args)

    db.call = counted  # type: ignore[method-assign]
    try:
        async with db.begin() as conn:
            await conn.execute("CREATE TABLE t (x INTEGER)")
        async with db.begin() as conn:
            await conn.execute("SELECT x FROM t")
        assert "commit" not in calls
        async with db.begin() as conn:
            await conn.execute("INSERT INTO t (x) VALUES (1)")
            await conn.execute("SELECT x FROM t")
        assert calls.count("commit") == 1
    finally:
        await db.close()
    again = SqliteDatabase(str(tmp_path / "t.db"))  # the write was committed
    try:
        async with again.begin() as conn:
            assert (await conn.execute("SELECT x FROM t")).fetchall() == [(1,)]
    finally:
        await again.close()

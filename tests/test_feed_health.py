"""Feed-health notices to the ops destination: once on failing or silence, once on recovery,
queued and sent through the delivery queue like every other message."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.adapters.sql.base import parse_ts
from bot.adapters.sql.store import SqlStore
from bot.domain.config import BotConfig, FeedSpec, Ops
from bot.domain.feed_health import HealthRecord, observe, status
from bot.domain.schedule import FeedState
from bot.errors import DeliveryError, RateLimitedError
from bot.ports import Alert, Notice
from bot.services.delivery import Deliverer
from bot.services.feed_health import FeedHealth
from tests.conftest import FakeClock
from tests.support.apps import poll
from tests.support.cli import Bot
from tests.support.feeds import TARIFF_TEXT, TARIFF_TITLE, rss, rss_item
from tests.support.servers import FeedServer, SlackStandIn

OPS = Ops.model_validate({"to": "slack:C0OPS", "failures": 3, "min_silence": "1h"})
WIRE = FeedSpec(name="wire", url="https://news.example.org/rss")


class RecordingNotifier:
    def __init__(self) -> None:
        self.notices: list[Notice] = []
        self.fail_with: DeliveryError | None = None

    async def send(self, alert: Alert) -> str:  # pragma: no cover - health sends notices only
        raise AssertionError("no alerts expected")

    async def send_notice(self, notice: Notice) -> str:
        if self.fail_with is not None:
            raise self.fail_with
        self.notices.append(notice)
        return str(len(self.notices))


async def fail_polls(store: SqlStore, errors: int) -> None:
    state = await store.feed_state("wire")
    await store.save_feed_state(
        state.model_copy(
            update={"error_count": errors, "polls": state.polls + 1, "last_error": "HTTP 503"}
        )
    )


def test_a_feed_is_failing_only_after_n_failures_in_a_row(clock: FakeClock) -> None:
    record = HealthRecord(feed="wire")
    for errors, expected in ((0, "ok"), (2, "ok"), (3, "failing"), (9, "failing")):
        state = FeedState(name="wire", polls=5, error_count=errors)
        assert status(record, state, OPS, clock.now()) == expected


def test_silence_is_measured_against_the_feeds_own_rhythm(clock: FakeClock) -> None:
    record = HealthRecord(feed="wire")
    start = clock.now()
    for hour in range(5):  # a change every two hours
        record = observe(
            record, FeedState(name="wire", last_changed_at=start + timedelta(hours=2 * hour))
        )
    assert record.gap_s == 7200
    state = FeedState(name="wire", polls=9, last_changed_at=record.last_change)
    last = record.last_change
    assert last is not None
    assert status(record, state, OPS, last + timedelta(hours=7)) == "ok"  # 3.5 gaps
    assert status(record, state, OPS, last + timedelta(hours=9)) == "silent"  # 4.5 gaps
    young = HealthRecord(feed="wire", last_change=last, gap_s=60.0, changes=1)
    assert status(young, state, OPS, last + timedelta(days=3)) == "ok"  # no rhythm learned yet


async def test_one_notice_when_failing_one_on_recovery_none_repeated_after_a_restart(
    store: SqlStore, clock: FakeClock
) -> None:
    ops = RecordingNotifier()

    async def cycle(errors: int) -> int:
        await fail_polls(store, errors)
        clock.advance(minutes=15)
        # a new FeedHealth and Deliverer each time: a restart keeps nothing in memory
        queued = await FeedHealth(store, OPS, clock).check([WIRE])
        await Deliverer(store, {"slack": ops}, clock).deliver_due()
        return queued

    queued = [await cycle(errors) for errors in (1, 2, 3, 4, 5, 0, 0)]
    assert queued == [0, 0, 1, 0, 0, 1, 0]
    assert [n.title for n in ops.notices] == [
        "Feed wire is failing: 3 polls in a row",
        "Feed wire has recovered",
    ]
    assert ops.notices[0].lines[0].text == "Last error: HTTP 503"
    assert all(str(n.destination) == "slack:C0OPS" for n in ops.notices)
    # each change of status has a key of its own: failing again later is a new notice
    for errors in (1, 2, 3):
        await cycle(errors)
    assert [n.key for n in ops.notices] == [
        "ops:wire:1:failing",
        "ops:wire:2:ok",
        "ops:wire:3:failing",
    ]


async def test_two_replicas_queue_a_change_of_status_once(
    store: SqlStore, store_url: str, clock: FakeClock
) -> None:
    other = SqlStore(store_url, owner="replica-2")
    try:
        await fail_polls(store, 3)
        checks = [await FeedHealth(s, OPS, clock).check([WIRE]) for s in (store, other, store)]
    finally:
        await other.close()
    assert checks == [1, 0, 0]
    assert await store.notice_queued("ops:wire:1:failing")


async def test_a_throttled_or_failed_notice_stays_queued_and_is_sent_once_later(
    store: SqlStore, clock: FakeClock
) -> None:
    ops = RecordingNotifier()
    deliverer = Deliverer(store, {"slack": ops}, clock)
    health = FeedHealth(store, OPS, clock)
    await fail_polls(store, 3)
    assert await health.check([WIRE]) == 1

    ops.fail_with = RateLimitedError(30, "Slack rate limit on C0OPS")
    assert (await deliverer.deliver_due()).retrying == 1
    ops.fail_with = DeliveryError("Slack is unavailable (internal_error)")
    clock.advance(seconds=31)
    assert (await deliverer.deliver_due()).retrying == 1
    # the health check does not queue it again while it waits
    assert await health.check([WIRE]) == 0
    assert ops.notices == []

    ops.fail_with = None
    clock.advance(hours=1)
    assert (await deliverer.deliver_due()).notices == 1
    clock.advance(hours=1)
    assert (await deliverer.deliver_due()).notices == 0
    assert await health.check([WIRE]) == 0
    assert [n.title for n in ops.notices] == ["Feed wire is failing: 3 polls in a row"]


async def test_the_ops_route_gets_one_slack_message_through_polls_and_restarts(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn, clock: FakeClock
) -> None:
    wire = feeds.set("/wire", rss([rss_item("a", TARIFF_TITLE, TARIFF_TEXT)]), status=503)
    config = BotConfig.model_validate(
        {
            "feeds": [{"name": "wire", "url": wire}],
            "routes": [{"name": "desk", "to": "slack:C0DESK"}],
            "ops": {"to": "slack:C0OPS", "failures": 2},
        }
    )

    async def poll_cycles(n: int) -> None:
        for _ in range(n):
            await poll(tmp_path, slack, config, clock)  # each one a restart on the same state
            clock.advance(hours=1)

    await poll_cycles(3)
    await poll_cycles(2)
    ops_posts = [p for p in slack.posts() if p["channel"] == "C0OPS"]
    assert len(ops_posts) == 1
    assert "Feed wire is failing: 2 polls in a row" in ops_posts[0]["text"]

    feeds.set("/wire", rss([rss_item("a", TARIFF_TITLE, TARIFF_TEXT)]))
    await poll_cycles(2)
    ops_posts = [p for p in slack.posts() if p["channel"] == "C0OPS"]
    assert len(ops_posts) == 2
    assert "Feed wire has recovered" in ops_posts[1]["text"]


def test_poll_once_keeps_a_rate_limited_ops_notice_and_posts_it_once_after_slack_recovers(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn
) -> None:
    bot = Bot(tmp_path, slack)
    wire = feeds.set("/wire", "busy", status=503)
    quiet = feeds.set("/quiet", rss([]))
    config = {
        "feeds": [{"name": "wire", "url": wire}, {"name": "quiet", "url": quiet}],
        "routes": [{"name": "desk", "to": "slack:C0DESK"}],
        "ops": {"to": "slack:C0OPS", "failures": 2},
    }

    def poll_all() -> str:
        result = bot.poll(config, "--once", "--all")
        assert result.exit_code == 0, result.output
        return result.output

    def ops_outbox() -> list[tuple[str, str, str | None]]:
        return [
            (str(k), str(s), e)
            for k, s, e in bot.rows(
                "SELECT key, status, last_error FROM outbox WHERE kind = 'ops' ORDER BY created_at"
            )
        ]

    def wait_until_due(key: str) -> None:
        """Let the Retry-After Slack asked for pass (the retry time the queue recorded)."""
        [(due,)] = bot.rows("SELECT next_attempt_at FROM outbox WHERE key = ?", key)
        retry_at = parse_ts(due)
        assert retry_at is not None
        time.sleep(max(0.0, (retry_at - datetime.now(UTC)).total_seconds()) + 0.05)

    poll_all()  # one failure: not failing yet
    assert ops_outbox() == []

    slack.rate_limit_times = 100  # Slack answers every call with 429
    poll_all()
    [(key, state, error)] = ops_outbox()
    assert key == "ops:wire:1:failing"
    assert state in ("pending", "sending")  # still queued (looked up in history before a re-post)
    assert error is not None
    assert "rate limit" in error.lower()
    assert bot.posts("C0OPS") == []

    slack.rate_limit_times = 0  # Slack recovers
    wait_until_due(key)
    poll_all()
    [posted] = bot.posts("C0OPS")
    assert "Feed wire is failing: 2 polls in a row" in posted["text"]
    assert ops_outbox() == [(key, "sent", None)]

    poll_all()  # still failing, after a restart: nothing more
    poll_all()
    assert len(bot.posts("C0OPS")) == 1

    # a crash after the post, before it was recorded: the message is found, not posted again
    bot.rows("UPDATE outbox SET status = 'sending', sending_at = created_at WHERE key = ?", key)
    poll_all()
    assert len(bot.posts("C0OPS")) == 1
    assert ops_outbox()[0][1] == "sent"

    feeds.set("/wire", rss([]))
    poll_all()
    poll_all()
    ops_posts = bot.posts("C0OPS")
    assert len(ops_posts) == 2
    assert "Feed wire has recovered" in ops_posts[1]["text"]
    assert slack.posted_keys() == ["ops:wire:1:failing", "ops:wire:2:ok"]

"""Feed-health notices to the ops destination: once on failing or silence, once on recovery."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.adapters.sql.store import SqlStore
from bot.app import after_cycle, build_app
from bot.domain.config import BotConfig, FeedSpec, Ops
from bot.domain.feed_health import HealthRecord, observe, status
from bot.domain.schedule import FeedState
from bot.ports import Alert, Notice
from bot.services.feed_health import FeedHealth
from tests.conftest import FakeClock
from tests.support.apps import slack_settings
from tests.support.feeds import TARIFF_TEXT, TARIFF_TITLE, rss, rss_item
from tests.support.servers import FeedServer, SlackStandIn

OPS = Ops.model_validate({"to": "slack:C0OPS", "failures": 3, "min_silence": "1h"})
WIRE = FeedSpec(name="wire", url="https://news.example.org/rss")


class RecordingNotifier:
    def __init__(self) -> None:
        self.notices: list[Notice] = []

    async def send(self, alert: Alert) -> str:  # pragma: no cover - health sends notices only
        raise AssertionError("no alerts expected")

    async def send_notice(self, notice: Notice) -> str:
        self.notices.append(notice)
        return str(len(self.notices))


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
        state = await store.feed_state("wire")
        await store.save_feed_state(
            state.model_copy(
                update={"error_count": errors, "polls": state.polls + 1, "last_error": "HTTP 503"}
            )
        )
        clock.advance(minutes=15)
        # a new FeedHealth each time: a restart keeps nothing in memory
        return await FeedHealth(store, {"slack": ops}, OPS, clock).check([WIRE])

    sent = [await cycle(errors) for errors in (1, 2, 3, 4, 5, 0, 0)]
    assert sent == [0, 0, 1, 0, 0, 1, 0]
    assert [n.title for n in ops.notices] == [
        "Feed wire is failing: 3 polls in a row",
        "Feed wire has recovered",
    ]
    assert ops.notices[0].lines[0].text == "Last error: HTTP 503"
    assert all(str(n.destination) == "slack:C0OPS" for n in ops.notices)


async def test_a_notice_that_could_not_be_sent_is_tried_again_next_cycle(
    store: SqlStore, clock: FakeClock
) -> None:
    from bot.errors import DeliveryError

    class Refusing(RecordingNotifier):
        refuse = True

        async def send_notice(self, notice: Notice) -> str:
            if self.refuse:
                raise DeliveryError("channel_not_found")
            return await super().send_notice(notice)

    ops = Refusing()
    await store.save_feed_state(FeedState(name="wire", polls=4, error_count=3))
    health = FeedHealth(store, {"slack": ops}, OPS, clock)
    assert await health.check([WIRE]) == 0
    ops.refuse = False
    assert await health.check([WIRE]) == 1
    assert await health.check([WIRE]) == 0


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

    async def poll_cycles(n: int) -> None:  # each call is a restart on the same state
        async with build_app(slack_settings(tmp_path, slack), config, clock=clock) as app:
            for _ in range(n):
                await app.poller.poll_once()
                await after_cycle(app, 0.0)
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

"""Exactly once to Slack across crashes: a delivery interrupted between the post and its record is
found again in the channel's history by its key and not posted twice; one interrupted before the
post is posted once. Real store (SQLite and PostgreSQL), real Slack notifier, loopback stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack_notify import SlackNotifier
from bot.adapters.sql.claims import STALE
from bot.adapters.sql.store import SqlStore
from bot.domain.config import BotConfig, Destination
from bot.domain.followups import FollowUp
from bot.ports import Alert, Notice, Notifier
from bot.services.delivery import Deliverer
from bot.services.digests import Digests
from tests.conftest import FakeClock
from tests.support.apps import TOKEN
from tests.support.servers import SlackStandIn
from tests.test_store_contract import ASSESSMENT, alert, item


class Crash(BaseException):
    """The process dies here (nothing after it runs)."""


class CrashAfterPost(SqlStore):
    async def mark_sent(self, alert: Alert, message_id: str, now: Any) -> bool:
        raise Crash

    async def mark_notice_sent(self, key: str, message_id: str, now: Any) -> bool:
        raise Crash


class CrashBeforePost:
    def __init__(self, inner: Notifier) -> None:
        self._inner = inner

    async def send(self, alert: Alert) -> str:
        raise Crash

    async def send_notice(self, notice: Notice) -> str:
        raise Crash


def notifier(slack: SlackStandIn, clock: FakeClock, attempts: int = 4) -> SlackNotifier:
    return SlackNotifier(AsyncWebClient(token=TOKEN, base_url=slack.base), clock, attempts=attempts)


@pytest.fixture
async def stores(store_url: str) -> AsyncIterator[tuple[SqlStore, SqlStore]]:
    """The store of a process that will die, and the store of the process started after it."""
    dying = CrashAfterPost(store_url, owner="host:1")
    restarted = SqlStore(store_url, owner="host:2")
    await dying.migrate()
    yield dying, restarted
    await dying.close()
    await restarted.close()


def methods(slack: SlackStandIn) -> list[str]:
    return [c.method for c in slack.calls]


async def test_a_crash_after_the_post_is_resolved_from_history_without_posting_again(
    stores: tuple[SqlStore, SqlStore], slack: SlackStandIn, clock: FakeClock
) -> None:
    dying, restarted = stores
    alerts = [alert(item(n), "slack:C1") for n in range(2)]
    for a in alerts:
        await dying.record_item(a.item, ASSESSMENT, [a], clock.now())
    with pytest.raises(Crash):
        await Deliverer(dying, {"slack": notifier(slack, clock)}, clock).deliver_due()
    [post] = slack.posts()
    assert post["metadata"]["event_type"] == "signalbot_delivery"
    key = post["metadata"]["event_payload"]["key"]

    clock.advance(seconds=STALE.total_seconds() + 1)  # the dead process stopped heartbeating
    report = await Deliverer(restarted, {"slack": notifier(slack, clock)}, clock).deliver_due()

    assert report.sent == 2
    posts = slack.posts()
    assert len(posts) == 2  # the first alert was found, only the second was posted
    assert posts[1]["metadata"]["event_payload"]["key"] != key
    assert "conversations.history" in methods(slack)
    sent = await restarted.sent_deliveries()
    assert [s[1] for s in sent] == ["guid:0", "guid:1"]
    assert sent[0][3] == slack.messages["C1"][0]["ts"]  # the id of the message found


async def test_a_crash_before_the_post_posts_once_after_the_restart(
    stores: tuple[SqlStore, SqlStore], slack: SlackStandIn, clock: FakeClock
) -> None:
    dying, restarted = stores
    a = alert(item(1), "slack:C1")
    await dying.record_item(a.item, ASSESSMENT, [a], clock.now())
    with pytest.raises(Crash):
        await Deliverer(
            dying, {"slack": CrashBeforePost(notifier(slack, clock))}, clock
        ).deliver_due()
    assert slack.posts() == []

    clock.advance(seconds=STALE.total_seconds() + 1)
    report = await Deliverer(restarted, {"slack": notifier(slack, clock)}, clock).deliver_due()
    assert report.sent == 1
    assert len(slack.posts()) == 1
    assert methods(slack) == ["conversations.history", "chat.postMessage"]


async def test_a_live_process_keeps_what_it_is_sending(
    stores: tuple[SqlStore, SqlStore], slack: SlackStandIn, clock: FakeClock
) -> None:
    dying, other = stores
    a = alert(item(1), "slack:C1")
    await dying.record_item(a.item, ASSESSMENT, [a], clock.now())
    with pytest.raises(Crash):
        await Deliverer(dying, {"slack": notifier(slack, clock)}, clock).deliver_due()
    clock.advance(seconds=2)
    await dying.heartbeat(clock.now())  # still alive (the post is slow, say)
    report = await Deliverer(other, {"slack": notifier(slack, clock)}, clock).deliver_due()
    assert report.sent == 0
    assert len(slack.posts()) == 1


async def test_a_thread_reply_is_looked_up_in_its_thread(
    slack: SlackStandIn, clock: FakeClock
) -> None:
    slack_notifier = notifier(slack, clock)
    channel = Destination.parse("slack:C1")
    root = await slack_notifier.send(alert(item(1), "slack:C1").model_copy(update={"key": "k1"}))
    reminder = Notice(destination=channel, title="Deadline today", thread_id=root, key="k2")
    ts = await slack_notifier.send_notice(reminder)
    found = await slack_notifier.find_delivered(channel, "k2", thread_id=root, since=clock.now())
    assert found == ts != root
    assert methods(slack)[-1] == "conversations.replies"
    assert await slack_notifier.find_delivered(channel, "k1", thread_id=None, since=clock.now())
    assert (
        await slack_notifier.find_delivered(channel, "k3", thread_id=root, since=clock.now())
        is None
    )


async def test_a_digest_is_queued_once_and_a_rate_limited_one_is_kept(
    stores: tuple[SqlStore, SqlStore], slack: SlackStandIn, clock: FakeClock
) -> None:
    _, store = stores
    await store.migrate()
    config = BotConfig.model_validate(
        {"routes": [{"name": "desk", "to": "slack:C1", "digest": {"at": "12:00"}}]}
    )
    digests = Digests(store, clock, None)
    assert await digests.queue_scheduled(list(config.routes)) == 1
    assert await digests.queue_scheduled(list(config.routes)) == 0  # once per period
    slack.rate_limit_times, slack.retry_after = 1, 1
    deliverer = Deliverer(store, {"slack": notifier(slack, clock, attempts=1)}, clock)
    report = await deliverer.deliver_due()
    assert (report.notices, report.retrying) == (0, 1)
    assert await store.next_attempt_at(clock.now()) == clock.now() + timedelta(seconds=1)
    clock.advance(seconds=1)
    report = await deliverer.deliver_due()
    assert report.notices == 1
    [post] = slack.posts()
    assert post["text"].startswith("Digest")
    assert post["metadata"]["event_payload"]["key"].startswith("digest:desk:")


async def test_without_the_history_scope_an_interrupted_alert_is_posted_again(
    stores: tuple[SqlStore, SqlStore], slack: SlackStandIn, clock: FakeClock
) -> None:
    dying, restarted = stores
    a = alert(item(1), "slack:C1")
    await dying.record_item(a.item, ASSESSMENT, [a], clock.now())
    with pytest.raises(Crash):
        await Deliverer(dying, {"slack": notifier(slack, clock)}, clock).deliver_due()
    slack.refuse["conversations.history"] = "missing_scope"
    clock.advance(seconds=STALE.total_seconds() + 1)
    report = await Deliverer(restarted, {"slack": notifier(slack, clock)}, clock).deliver_due()
    assert report.sent == 1  # at least once rather than never
    assert len(slack.posts()) == 2


async def test_a_reply_queued_before_its_storys_first_alert_goes_into_its_thread(
    store: SqlStore, slack: SlackStandIn, clock: FakeClock
) -> None:
    # Two feeds ingested concurrently: the copy from the faster feed was queued ahead of the item
    # that opened the story (it is older, so it sorts first in the queue).
    copy = item(1).model_copy(update={"story": "s-1"})
    opener = item(2).model_copy(update={"story": "s-1"})
    later = alert(copy).model_copy(
        update={"followup": FollowUp(story_title="item 2", changes=("New source",))}
    )
    first = alert(opener)
    for a in (later, first):
        await store.record_item(a.item, ASSESSMENT, [a], clock.now())
    report = await Deliverer(store, {"slack": notifier(slack, clock)}, clock).deliver_due()
    assert report.sent == 2
    top, reply = slack.posts()
    assert "thread_ts" not in top
    assert "item 2" in top["text"]
    [root] = [m["ts"] for found in slack.messages.values() for m in found if "thread_ts" not in m]
    assert reply["thread_ts"] == root

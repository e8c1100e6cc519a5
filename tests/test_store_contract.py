"""One contract, two databases: every test runs on SQLite and on PostgreSQL."""

from datetime import UTC, datetime, timedelta

from bot.adapters.sql.base import migrations
from bot.adapters.sql.store import SqlStore
from bot.domain.config import Destination, FeedSpec
from bot.domain.models import Assessment, ClarityBand, Item, Label
from bot.domain.schedule import FeedState
from bot.ports import Alert

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ASSESSMENT = Assessment(
    relevant=True,
    label=Label.ESCALATION,
    escalation=5.0,
    clarity=60,
    clarity_band=ClarityBand.CONDITIONAL,
    hedged=False,
    topics=["tariffs"],
    actors=["US"],
)


def item(n: int, feed: str = "wire") -> Item:
    return Item(
        key=f"guid:{n}",
        feed=feed,
        title=f"item {n}",
        link=f"https://x.org/{n}",
        published=NOW - timedelta(minutes=100 - n),
    )


def alert(i: Item, dest: str = "slack:C1") -> Alert:
    return Alert(item=i, assessment=ASSESSMENT, destination=Destination.parse(dest), route="r")


async def test_migrations_apply_once_and_record_their_version(store: SqlStore) -> None:
    await store.migrate()
    assert await store.schema_version() == len(migrations())
    assert len(migrations()) >= 2


async def test_feed_state_round_trips(store: SqlStore) -> None:
    assert (await store.feed_state("wire")).first_poll
    state = FeedState(
        name="wire", etag='"v1"', polls=2, next_poll_at=NOW, error_count=1, last_error="boom"
    )
    await store.save_feed_state(state)
    assert await store.feed_state("wire") == state


async def test_user_feeds_add_list_remove(store: SqlStore) -> None:
    spec = FeedSpec(name="extra", url="https://x.org/rss", tags=("t",))
    assert await store.add_user_feed(spec, "U1", NOW)
    assert not await store.add_user_feed(spec, "U1", NOW)
    assert await store.user_feeds() == [spec]
    assert await store.remove_user_feed("extra")
    assert not await store.remove_user_feed("extra")


async def test_an_item_is_recorded_once_with_its_deliveries(store: SqlStore) -> None:
    first = item(1)
    assert await store.record_item(first, ASSESSMENT, [alert(first), alert(first, "console")], NOW)
    assert not await store.record_item(first, ASSESSMENT, [alert(first)], NOW)
    assert await store.known_keys("wire", ["guid:1", "guid:2"]) == {"guid:1"}
    assert await store.known_keys("other", ["guid:1"]) == set()
    due = await store.due_deliveries(NOW)
    assert sorted(str(d.alert.destination) for d in due) == ["console", "slack:C1"]
    assert due[0].alert.item == first


async def test_sent_deliveries_are_not_due_again(store: SqlStore) -> None:
    first, second = item(1), item(2)
    await store.record_item(first, ASSESSMENT, [alert(first)], NOW)
    await store.record_item(second, ASSESSMENT, [alert(second)], NOW)
    await store.mark_sent(alert(first), "111.1", NOW)
    due = await store.due_deliveries(NOW)
    assert [d.alert.item.key for d in due] == ["guid:2"]
    assert await store.sent_deliveries() == [("wire", "guid:1", "slack:C1", "111.1")]


async def test_retries_wait_until_due_and_failures_stop(store: SqlStore) -> None:
    first = item(1)
    await store.record_item(first, ASSESSMENT, [alert(first)], NOW)
    await store.mark_retry(alert(first), "rate limited", NOW + timedelta(seconds=30))
    assert await store.due_deliveries(NOW) == []
    [due] = await store.due_deliveries(NOW + timedelta(seconds=31))
    assert due.attempts == 1
    await store.mark_failed(alert(first), "channel_not_found")
    assert await store.due_deliveries(NOW + timedelta(days=1)) == []
    counts = await store.counts(NOW - timedelta(days=1))
    assert counts["failed"] == 1
    assert counts["items"] == 1


async def test_backlog_items_are_recorded_without_delivery(store: SqlStore) -> None:
    first = item(1)
    await store.record_item(first, ASSESSMENT, [alert(first)], NOW, deliver=False)
    assert await store.due_deliveries(NOW) == []
    assert (await store.counts(NOW - timedelta(days=1)))["skipped"] == 1


async def test_many_keys_are_checked_in_chunks(store: SqlStore) -> None:
    for n in range(0, 1200, 100):
        await store.record_item(item(n), None, [], NOW)
    keys = [f"guid:{n}" for n in range(1200)]
    assert len(await store.known_keys("wire", keys)) == 12


async def test_two_processes_never_claim_the_same_delivery(store_url: str) -> None:
    first, second = SqlStore(store_url), SqlStore(store_url)
    await first.migrate()
    try:
        for n in range(6):
            await first.record_item(item(n), ASSESSMENT, [alert(item(n))], NOW)
        mine = await first.due_deliveries(NOW, limit=4)
        theirs = await second.due_deliveries(NOW, limit=10)
        assert len(mine) == 4
        assert len(theirs) == 2
        assert {d.alert.item.key for d in mine}.isdisjoint({d.alert.item.key for d in theirs})
        # A claim lapses when its process dies (here: after the lease), and a retry frees it.
        later = NOW + timedelta(minutes=6)
        assert len(await second.due_deliveries(later, limit=10)) == 6
        await second.mark_retry(mine[0].alert, "rate limited", later)
        freed = await first.due_deliveries(later + timedelta(minutes=1), limit=10)
        assert [d.alert.item.key for d in freed] == [mine[0].alert.item.key]
    finally:
        await first.close()
        await second.close()


async def test_one_process_at_a_time_polls_a_feed(store_url: str) -> None:
    first, second = SqlStore(store_url), SqlStore(store_url)
    await first.migrate()
    try:
        assert await first.claim_feed("wire", NOW)
        assert await first.claim_feed("wire", NOW)  # its own claim
        assert not await second.claim_feed("wire", NOW)
        await first.save_feed_state(FeedState(name="wire", polls=1))  # done: released
        assert await second.claim_feed("wire", NOW)
        assert (await second.feed_state("wire")).polls == 1  # the claim kept the saved state
        assert await first.claim_feed("wire", NOW + timedelta(minutes=6))  # a lapsed claim
    finally:
        await first.close()
        await second.close()

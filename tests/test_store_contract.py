"""One contract, two databases: every test runs on SQLite and on PostgreSQL."""

import asyncio
import socket
import sys
from datetime import UTC, date, datetime, timedelta

from bot.adapters.sql.base import ts
from bot.adapters.sql.claims import HEARTBEAT, STALE
from bot.adapters.sql.schema import HEAD
from bot.adapters.sql.store import SqlStore
from bot.domain.config import Destination, FeedSpec
from bot.domain.feed_health import HealthRecord
from bot.domain.followups import FollowUp
from bot.domain.models import Assessment, ClarityBand, Item, Label
from bot.domain.schedule import FeedState
from bot.ports import Alert, ItemRecord, Notice, Reminder

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
    assert await store.schema_revision() == HEAD
    assert await store.schema_version() == int(HEAD)


async def test_replicas_starting_together_on_a_fresh_postgresql_all_migrate(pg_url: str) -> None:
    stores = [SqlStore(pg_url, owner=f"h:{n}") for n in range(3)]
    try:
        await asyncio.gather(*(s.migrate() for s in stores))
        assert [await s.schema_revision() for s in stores] == [HEAD] * 3
    finally:
        for s in stores:
            await s.close()


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


async def test_queued_alerts_read_back_carry_the_recorded_assessment_unparsed(
    store: SqlStore,
) -> None:
    first = item(1)
    await store.record_item(first, ASSESSMENT, [alert(first), alert(first, "console")], NOW)
    due = await store.due_deliveries(NOW)
    assert [d.alert.assessment is ASSESSMENT for d in due] == [True, True]  # not parsed again
    again = await store.due_deliveries(NOW)  # read back once: parsed from here on, and equal
    assert [d.alert.assessment for d in again] == [ASSESSMENT, ASSESSMENT]
    assert all(d.alert.assessment is not ASSESSMENT for d in again)


async def test_sent_deliveries_are_not_due_again(store: SqlStore) -> None:
    first, second = item(1), item(2)
    await store.record_item(first, ASSESSMENT, [alert(first)], NOW)
    await store.record_item(second, ASSESSMENT, [alert(second)], NOW)
    await store.due_deliveries(NOW)
    assert await store.mark_sent(alert(first), "111.1", NOW)
    due = await store.due_deliveries(NOW)
    assert [d.alert.item.key for d in due] == ["guid:2"]
    assert await store.sent_deliveries() == [("wire", "guid:1", "slack:C1", "111.1")]


async def test_retries_wait_until_due_and_failures_stop(store: SqlStore) -> None:
    first = item(1)
    await store.record_item(first, ASSESSMENT, [alert(first)], NOW)
    await store.due_deliveries(NOW)
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
    first, second = SqlStore(store_url, owner="h:1"), SqlStore(store_url, owner="h:2")
    await first.migrate()
    try:
        for n in range(4):
            await first.record_item(item(n), ASSESSMENT, [alert(item(n))], NOW)
        mine = await first.due_deliveries(NOW, limit=10)
        await first.record_item(item(9), ASSESSMENT, [alert(item(9))], NOW)
        # unclaimed, but its channel is the first's: the second looks again at its next heartbeat
        assert await second.next_attempt_at(NOW) == NOW + HEARTBEAT
        for n in range(4, 6):
            await first.record_item(item(n), ASSESSMENT, [alert(item(n), "slack:C2")], NOW)
        theirs = await second.due_deliveries(NOW, limit=10)
        assert len(mine) == 4
        # C1 is being delivered by the first: the second only gets C2 (a channel reads in order)
        assert [str(d.alert.destination) for d in theirs] == ["slack:C2", "slack:C2"]
        # While the first heartbeats, its claims stay its own, even one it gave back.
        await first.heartbeat(NOW + timedelta(seconds=5))
        await first.mark_retry(mine[0].alert, "rate limited", NOW)
        assert await second.due_deliveries(NOW + timedelta(seconds=10), limit=10) == theirs
        assert [d.alert.item.key for d in await first.due_deliveries(NOW)] == [
            *(d.alert.item.key for d in mine),
            "guid:9",
        ]
        # A process that stopped heartbeating is taken for dead within seconds.
        later = NOW + timedelta(seconds=5) + STALE + timedelta(seconds=1)
        assert len(await second.due_deliveries(later, limit=10)) == 7
    finally:
        await first.close()
        await second.close()


async def test_mark_sent_needs_the_claim(store_url: str) -> None:
    first, second = SqlStore(store_url, owner="h:1"), SqlStore(store_url, owner="h:2")
    await first.migrate()
    try:
        await first.record_item(item(1), ASSESSMENT, [alert(item(1))], NOW)
        [mine] = await first.due_deliveries(NOW)
        assert mine.sending_since is None
        assert await first.begin_send(mine.alert, NOW)
        # The first process dies while posting; the second takes the delivery over.
        later = NOW + STALE + timedelta(seconds=1)
        [taken] = await second.due_deliveries(later)
        assert taken.sending_since == NOW  # it must look for the message before posting
        assert taken.alert.key == mine.alert.key != ""
        assert not await first.mark_sent(mine.alert, "111.1", later)
        assert not await first.begin_send(mine.alert, later)
        assert await second.mark_sent(taken.alert, "111.1", later)
        assert await second.sent_deliveries() == [("wire", "guid:1", "slack:C1", "111.1")]
    finally:
        await first.close()
        await second.close()


async def test_released_claims_are_free_at_once(store_url: str) -> None:
    first, second = SqlStore(store_url, owner="h:1"), SqlStore(store_url, owner="h:2")
    await first.migrate()
    try:
        await first.record_item(item(1), ASSESSMENT, [alert(item(1))], NOW)
        assert len(await first.due_deliveries(NOW)) == 1
        assert "wire" in await first.claim_feeds(["wire"], NOW)
        assert await second.due_deliveries(NOW) == []
        await first.release_claims()  # a clean shutdown
        assert len(await second.due_deliveries(NOW)) == 1
        assert "wire" in await second.claim_feeds(["wire"], NOW)
    finally:
        await first.close()
        await second.close()


async def test_a_dead_process_of_this_host_loses_its_claims_at_once(store_url: str) -> None:
    dead = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await dead.wait()
    first = SqlStore(store_url, owner=f"{socket.gethostname()}:{dead.pid}")
    second = SqlStore(store_url, owner="h:2")
    await first.migrate()
    try:
        await first.record_item(item(1), ASSESSMENT, [alert(item(1))], NOW)
        await first._run(  # what the dead process left behind
            "INSERT INTO owners VALUES (:o, :h, :p, :t, :t) ON CONFLICT (owner) DO UPDATE "
            "SET pid = excluded.pid",
            {"o": first.owner, "h": socket.gethostname(), "p": dead.pid, "t": ts(NOW)},
        )
        await first._run("UPDATE deliveries SET lease_owner = :o", {"o": first.owner})
        assert len(await second.due_deliveries(NOW)) == 1
    finally:
        await first.close()
        await second.close()


async def test_notices_are_queued_once_and_claimed_like_alerts(store_url: str) -> None:
    first, second = SqlStore(store_url, owner="h:1"), SqlStore(store_url, owner="h:2")
    await first.migrate()
    try:
        notice = Notice(
            destination=Destination.parse("slack:C1"),
            title="Digest",
            image_png=b"\x89PNG\x00\xff",
            kind="digest",
            key="digest:r:1",
        )
        assert await first.queue_notice(notice, NOW)
        assert not await second.queue_notice(notice, NOW)
        assert await first.notice_queued("digest:r:1")
        [pending] = await first.due_notices(NOW)
        assert pending.notice == notice
        assert await second.due_notices(NOW) == []
        assert await first.next_attempt_at(NOW) == NOW
        assert await second.next_attempt_at(NOW) == NOW + HEARTBEAT  # held by a live process
        assert await first.begin_notice("digest:r:1", NOW)
        await first.mark_notice_retry("digest:r:1", "rate limited", NOW + timedelta(seconds=1))
        [again] = await second.due_notices(NOW + timedelta(seconds=1))
        assert again.sending_since == NOW
        assert again.attempts == 1
        assert not await first.mark_notice_sent("digest:r:1", "1.1", NOW)
        assert await second.mark_notice_sent("digest:r:1", "1.1", NOW)
        assert await second.sent_notices() == [("digest:r:1", "1.1")]
        assert await second.due_notices(NOW + timedelta(days=1)) == []
    finally:
        await first.close()
        await second.close()


async def _claimed(store: SqlStore, alerts: list[Alert]) -> None:
    """Record each alert's item with it queued, and claim them all for sending."""
    for a in alerts:
        await store.record_item(a.item, ASSESSMENT, [a], NOW)
    await store.due_deliveries(NOW, limit=1000)


def _fold_notice(key: str, count: int) -> Notice:
    return Notice(destination=Destination.parse("slack:C1"), title=f"{count} more", key=key)


async def test_folding_replaces_alerts_with_one_queued_notice(store: SqlStore) -> None:
    alerts = [alert(item(n)) for n in range(3)]
    await _claimed(store, alerts)
    notice = _fold_notice("fold-1", 3)
    assert await store.fold(alerts, notice, NOW)
    assert await store.due_deliveries(NOW) == []
    assert [p.notice.key for p in await store.due_notices(NOW)] == ["fold-1"]


async def test_a_folded_notice_is_read_back_unparsed_once_then_parsed(store: SqlStore) -> None:
    alerts = [alert(item(n)) for n in range(2)]
    await _claimed(store, alerts)
    notice = _fold_notice("fold-2", 2)
    assert await store.fold(alerts, notice, NOW)
    [first] = await store.due_notices(NOW)
    assert first.notice is notice
    [again] = await store.due_notices(NOW)
    assert again.notice == notice
    assert again.notice is not notice


async def test_folding_hundreds_of_alerts_folds_each_one(store: SqlStore) -> None:
    alerts = [alert(item(n, feed=f"f{n % 7}")) for n in range(450)]  # several statements
    await _claimed(store, alerts)
    notice = _fold_notice("fold-3", 450)
    assert await store.fold(alerts, notice, NOW)
    assert await store.due_deliveries(NOW, limit=1000) == []
    assert [p.notice.key for p in await store.due_notices(NOW)] == ["fold-3"]


async def test_a_fold_with_an_alert_no_longer_pending_folds_nothing(store: SqlStore) -> None:
    alerts = [alert(item(n)) for n in range(250)]
    await _claimed(store, alerts)
    assert await store.mark_sent(alerts[220], "111.1", NOW)  # sent meanwhile
    notice = _fold_notice("fold-4", 250)
    assert not await store.fold(alerts, notice, NOW)
    assert len(await store.due_deliveries(NOW, limit=1000)) == 249  # all still queued, none folded
    assert await store.due_notices(NOW) == []


async def test_one_process_at_a_time_polls_a_feed(store_url: str) -> None:
    first, second = SqlStore(store_url, owner="h:1"), SqlStore(store_url, owner="h:2")
    await first.migrate()
    try:
        assert "wire" in await first.claim_feeds(["wire"], NOW)
        assert "wire" in await first.claim_feeds(["wire"], NOW)  # its own claim
        assert "wire" not in await second.claim_feeds(["wire"], NOW)
        await first.save_feed_state(FeedState(name="wire", polls=1))  # done: released
        assert "wire" in await second.claim_feeds(["wire"], NOW)
        assert (await second.feed_state("wire")).polls == 1  # the claim kept the saved state
        assert "wire" not in await first.claim_feeds(["wire"], NOW)
        later = NOW + STALE + timedelta(seconds=1)
        assert "wire" in await first.claim_feeds(["wire"], later)  # the second stopped heartbeating
    finally:
        await first.close()
        await second.close()


async def test_a_feed_health_change_and_its_notice_are_saved_together_or_not_at_all(
    store: SqlStore,
) -> None:
    failing = HealthRecord(feed="wire", notified="failing", announced=1)
    notice = Notice(destination=Destination.parse("slack:C0OPS"), title="t", key="ops:wire:1:x")
    assert await store.announce_feed_health(failing, notice, expect="ok", now=NOW)
    assert await store.notice_queued("ops:wire:1:x")
    assert await store.feed_health("wire") == failing
    # another process announced first: neither its status nor its notice is kept
    late = notice.model_copy(update={"key": "ops:wire:1:y"})
    assert not await store.announce_feed_health(failing, late, expect="ok", now=NOW)
    assert not await store.notice_queued("ops:wire:1:y")
    assert await store.feed_health("wire") == failing


async def test_claim_feeds_claims_every_free_feed_in_one_call(store_url: str) -> None:
    first, second = SqlStore(store_url, owner="h:1"), SqlStore(store_url, owner="h:2")
    await first.migrate()
    try:
        await first.save_feed_state(FeedState(name="a", polls=3, etag='"e"'))
        claimed = await first.claim_feeds(["a", "b", "a"], NOW)
        assert sorted(claimed) == ["a", "b"]
        assert claimed["a"].polls == 3  # the current state
        assert claimed["a"].etag == '"e"'
        assert claimed["b"].first_poll  # a feed never polled gets a fresh state
        assert await second.claim_feeds(["a", "b", "c"], NOW) == {"c": FeedState(name="c")}
        await first.save_feed_states([claimed["a"].model_copy(update={"polls": 4})])
        assert list(await second.claim_feeds(["a", "b"], NOW)) == ["a"]  # b is still held
        assert (await second.feed_state("a")).polls == 4
    finally:
        await first.close()
        await second.close()


async def test_claim_feeds_handles_more_feeds_than_one_statement_takes(store: SqlStore) -> None:
    names = [f"feed-{n}" for n in range(450)]
    assert sorted(await store.claim_feeds(names, NOW)) == sorted(names)


async def test_save_feed_states_saves_all_and_releases_their_claims(store_url: str) -> None:
    first, second = SqlStore(store_url, owner="h:1"), SqlStore(store_url, owner="h:2")
    await first.migrate()
    try:
        await first.claim_feeds(["a", "b", "c"], NOW)
        await first.save_feed_states(
            [FeedState(name="a", polls=1, next_poll_at=NOW), FeedState(name="b", polls=2)]
        )
        assert {s.name: s.polls for s in await first.feed_states()} == {"a": 1, "b": 2, "c": 0}
        assert sorted(await second.claim_feeds(["a", "b", "c"], NOW)) == ["a", "b"]
        await first.save_feed_states([])  # nothing to save is not an error
    finally:
        await first.close()
        await second.close()


async def test_record_items_records_a_feed_batch_once(store: SqlStore) -> None:
    items = [item(n) for n in range(250)]  # more than one statement's worth
    records = [
        ItemRecord(item=i, assessment=ASSESSMENT, alerts=[alert(i)], deliver=n >= 248)
        for n, i in enumerate(items)
    ]
    recorded = await store.record_items(records, NOW)
    assert recorded == {i.key for i in items}
    due = await store.due_deliveries(NOW, limit=500)
    assert sorted(p.alert.item.key for p in due) == ["guid:248", "guid:249"]
    assert (await store.counts(NOW - timedelta(days=1)))["skipped"] == 248
    again = [ItemRecord(item=item(n), assessment=None, alerts=[]) for n in (1, 300)]
    assert await store.record_items(again, NOW) == {"guid:300"}  # guid:1 was recorded before
    assert (await store.item("wire", "guid:1")) is not None
    assert await store.record_items([], NOW) == set()


async def test_recent_items_include_a_recorded_backlog(store: SqlStore) -> None:
    first = item(1)
    await store.record_items(
        [ItemRecord(item=first, assessment=ASSESSMENT, alerts=[alert(first)], deliver=False)], NOW
    )
    assert [i.key for i, _ in await store.recent_items(NOW - timedelta(hours=1))] == ["guid:1"]


async def test_an_unscored_backlog_is_listed_until_its_assessments_are_saved(
    store: SqlStore,
) -> None:
    backlog = [item(n) for n in range(3)]
    await store.record_items([ItemRecord(item=i, assessment=None) for i in backlog], NOW)
    since = NOW - timedelta(hours=1)
    assert await store.recent_items(since) == []  # not relevant until scored
    pending = await store.unscored_items(since, limit=2)
    assert [i.key for i in pending] == ["guid:2", "guid:1"]  # newest first
    quiet = ASSESSMENT.model_copy(update={"relevant": False})
    await store.save_assessments([(pending[0], ASSESSMENT), (pending[1], quiet)])
    await store.save_assessments([(pending[0], quiet)])  # the first assessment stays
    assert [i.key for i in await store.unscored_items(since)] == ["guid:0"]
    assert [(i.key, a) for i, a in await store.recent_items(since)] == [("guid:2", ASSESSMENT)]
    assert await store.unscored_items(NOW + timedelta(minutes=1)) == []


async def test_replicas_claiming_together_never_share_a_feed(store_url: str) -> None:
    replicas = [SqlStore(store_url, owner=f"h:{n}") for n in range(3)]
    await replicas[0].migrate()
    try:
        names = [f"feed-{n}" for n in range(60)]
        claims = await asyncio.gather(
            *(
                r.claim_feeds(names[::step], NOW)
                for r, step in zip(replicas, (1, -1, 2), strict=True)
            )
        )
        held = [set(c) for c in claims]
        assert sum(len(h) for h in held) == len(set().union(*held)) == len(names)
    finally:
        for r in replicas:
            await r.close()


async def test_muted_answers_which_story_destination_pairs_are_muted(store: SqlStore) -> None:
    await store.mute_story("s-1", "slack:C1", "U1", NOW)
    await store.mute_story("s-2", "slack:C2", "U1", NOW)
    pairs = [("s-1", "slack:C1"), ("s-1", "slack:C2"), ("s-2", "slack:C2"), ("s-3", "slack:C1")]
    assert await store.muted(pairs) == {("s-1", "slack:C1"), ("s-2", "slack:C2")}
    assert await store.muted([]) == set()
    many = [(f"s-{n}", "slack:C1") for n in range(1200)]  # more than one IN list holds
    assert await store.muted(many) == {("s-1", "slack:C1")}


async def test_add_reminders_counts_only_those_not_tracked_already(store: SqlStore) -> None:
    def reminder(story: str, kind: str = "day") -> Reminder:
        return Reminder(
            story=story,
            destination=Destination.parse("slack:C1"),
            due=date(2026, 12, 1),
            remind_on=date(2026, 11, 30) if kind == "ahead" else date(2026, 12, 1),
            kind=kind,
            phrase="snap back",
            feed="wire",
            item_key="guid:1",
        )

    assert await store.add_reminders([reminder("s-1"), reminder("s-1", "ahead")]) == 2
    # one already tracked, one repeated within the batch, one new
    again = [reminder("s-1"), reminder("s-2"), reminder("s-2")]
    assert await store.add_reminders(again) == 1
    assert await store.add_reminders([]) == 0
    due = await store.due_reminders(date(2026, 12, 1))
    assert sorted((r.story, r.kind) for r in due) == [
        ("s-1", "ahead"),
        ("s-1", "day"),
        ("s-2", "day"),
    ]


async def test_thread_roots_answer_each_story_first_top_level_alert(store: SqlStore) -> None:
    again = FollowUp(story_title="t", changes=())
    sent = [  # (n, story, a follow-up?, message id, minutes after NOW)
        (1, "s-a", True, "100.1", 1),  # a follow-up went out as a full alert first …
        (2, "s-a", False, "100.2", 2),  # … then the story's first top-level alert: its root
        (3, "s-a", False, "100.3", 3),
        (4, "s-b", True, "100.4", 1),  # only follow-ups: alerted, no root
        (5, "s-c", False, "", 1),  # a platform without message ids
    ]
    for n, story, followup, message_id, minutes in sent:
        i = item(n).model_copy(update={"story": story})
        a = alert(i).model_copy(update={"followup": again if followup else None})
        await store.record_item(i, ASSESSMENT, [a], NOW)
        await store.due_deliveries(NOW)
        assert await store.mark_sent(a, message_id, NOW + timedelta(minutes=minutes))
    pending = item(6).model_copy(update={"story": "s-d"})  # queued, never sent
    await store.record_item(pending, ASSESSMENT, [alert(pending)], NOW)
    stories = ["s-a", "s-b", "s-c", "s-d", "s-e"]
    assert await store.thread_roots(stories, "slack:C1") == {"s-a": "100.2", "s-b": None, "s-c": ""}
    assert await store.thread_roots(["s-a"], "slack:C2") == {}
    assert await store.thread_roots([], "slack:C1") == {}

"""Every ``ops`` key of the config file takes effect through ``signalbot poll --config FILE``:
feed-health notices reach the ``ops`` destination once when a feed fails ``failures`` polls in a
row or falls silent beyond ``silence`` times its rhythm (and at least ``min_silence``), and once
when it recovers. Silence is set up by writing the feed's past into the state database through
the real store, so no test waits for time to pass."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.sql.store import SqlStore
from bot.domain.feed_health import HealthRecord
from bot.domain.schedule import FeedState
from tests.support.cli import Bot, texts
from tests.support.feeds import TARIFF_TEXT, TARIFF_TITLE, rss, rss_item
from tests.support.servers import FeedServer, SlackStandIn

DESK = [{"name": "desk", "to": "slack:C0DESK"}]


@pytest.fixture
def bot(tmp_path: Path, slack: SlackStandIn) -> Bot:
    return Bot(tmp_path, slack)


def test_ops_to_and_failures_give_one_notice_after_n_failed_polls_and_one_on_recovery(
    bot: Bot, feeds: FeedServer
) -> None:
    url = feeds.set("/wire", "gone", status=404)
    config = {
        "feeds": [{"name": "wire", "url": url}],
        "routes": DESK,
        "ops": {"to": "slack:C0OPS", "failures": 4},
    }
    notices = []
    for _ in range(6):
        result = bot.poll(config, "--once", "--all")
        assert result.exit_code == 1, result.output  # every feed failed
        notices.append(len(bot.posts("C0OPS")))
    assert notices == [0, 0, 0, 1, 1, 1]  # on the fourth failure in a row, and only then
    assert feeds.hits("/wire") == 6
    [failing] = bot.posts("C0OPS")
    assert "Feed wire is failing: 4 polls in a row" in failing["text"]
    assert "404" in texts([failing]) + str(failing.get("blocks", ""))

    feeds.set("/wire", rss([rss_item("a", TARIFF_TITLE, TARIFF_TEXT)]))
    for _ in range(2):
        result = bot.poll(config, "--once", "--all")
        assert result.exit_code == 0, result.output
    ops = bot.posts("C0OPS")
    assert len(ops) == 2
    assert "Feed wire has recovered" in ops[1]["text"]
    assert not any("Feed wire" in p["text"] for p in bot.posts("C0DESK"))


def test_the_short_form_ops_names_only_the_destination(bot: Bot, feeds: FeedServer) -> None:
    url = feeds.set("/wire", "gone", status=404)
    config = {"feeds": [{"name": "wire", "url": url}], "routes": DESK, "ops": "slack:C0WATCH"}
    for _ in range(3):  # the default threshold
        bot.poll(config, "--once", "--all")
    assert [p["text"].split("\n")[0] for p in bot.posts("C0WATCH")] == [
        "Feed wire is failing: 3 polls in a row"
    ]
    assert bot.posts("C0OPS") == []


async def _seed_quiet_feed(bot: Bot, *, quiet: timedelta, usual_gap: timedelta) -> None:
    """A feed that used to change every ``usual_gap`` and last changed ``quiet`` ago; it answers
    and is not due again for a day, so the poll only looks at its health."""
    now = datetime.now(UTC)
    bot.data_dir.mkdir(parents=True, exist_ok=True)
    store = SqlStore(f"sqlite+aiosqlite:///{bot.data_dir / 'signalbot.db'}")
    try:
        await store.migrate()
        last_change = now - quiet
        await store.save_feed_state(
            FeedState(
                name="wire",
                polls=40,
                last_polled_at=now - timedelta(minutes=10),
                last_changed_at=last_change,
                next_poll_at=now + timedelta(days=1),
            )
        )
        saved = await store.save_feed_health(
            HealthRecord(
                feed="wire",
                last_change=last_change,
                gap_s=usual_gap.total_seconds(),
                changes=10,
            ),
            expect="ok",
        )
        assert saved
    finally:
        await store.close()


def _silence_notices(
    tmp_path: Path, slack: SlackStandIn, feeds: FeedServer, case: str, ops: dict[str, Any]
) -> list[str]:
    """Poll a feed quiet for 5 h that usually changes hourly; the notices to ops channel C0<case>."""
    bot = Bot(tmp_path / case, slack)
    asyncio.run(_seed_quiet_feed(bot, quiet=timedelta(hours=5), usual_gap=timedelta(hours=1)))
    url = feeds.set("/wire", rss([rss_item("a", TARIFF_TITLE, TARIFF_TEXT)]))
    channel = f"C0{case.upper()}"
    config = {
        "feeds": [{"name": "wire", "url": url}],
        "routes": DESK,
        "ops": {"to": f"slack:{channel}", **ops},
    }
    for _ in range(2):  # announced once, not again on the next poll
        result = bot.poll(config)
        assert result.exit_code == 0, result.output
    return [p["text"].split("\n")[0] for p in bot.posts(channel)]


def test_silence_is_the_multiple_of_a_feeds_usual_gap_that_counts_as_silent(
    tmp_path: Path, slack: SlackStandIn, feeds: FeedServer
) -> None:
    silent = _silence_notices(tmp_path, slack, feeds, "four", {"silence": 4, "min_silence": "1h"})
    assert silent == ["Feed wire has been silent for 5 h"]
    patient = _silence_notices(tmp_path, slack, feeds, "six", {"silence": 6, "min_silence": "1h"})
    assert patient == []
    assert feeds.hits("/wire") == 0  # not due: only its health was looked at


def test_min_silence_is_the_shortest_silence_ever_announced(
    tmp_path: Path, slack: SlackStandIn, feeds: FeedServer
) -> None:
    silent = _silence_notices(
        tmp_path, slack, feeds, "fourh", {"silence": 1.5, "min_silence": "4h"}
    )
    assert silent == ["Feed wire has been silent for 5 h"]
    patient = _silence_notices(
        tmp_path, slack, feeds, "sixh", {"silence": 1.5, "min_silence": "PT6H"}
    )
    assert patient == []

"""Every ``feeds`` and ``polling`` key of the config file takes effect through
``signalbot poll --config FILE`` (real file, loopback feed server, loopback Slack stand-in)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.cli import Bot, texts
from tests.support.feeds import distinct_story, rss, rss_item
from tests.support.servers import FeedServer, SlackStandIn, feed_server


@pytest.fixture
def bot(tmp_path: Path, slack: SlackStandIn) -> Bot:
    return Bot(tmp_path, slack)


RELEVANT = [n for n in range(60) if n % 4 != 3]  # the others name no policy lever


def stories(first: int, count: int) -> str:
    """An RSS document of ``count`` relevant, unrelated stories, oldest first."""
    chosen = RELEVANT[first : first + count]
    return rss([rss_item(f"g{n}", *distinct_story(n), minutes=n) for n in chosen])


def title(index: int) -> str:
    return distinct_story(RELEVANT[index])[0]


def route(channel: str = "C0DESK") -> list[dict[str, str]]:
    return [{"name": "desk", "to": f"slack:{channel}"}]


def test_feed_name_and_url_select_what_is_polled_and_how_it_is_known(
    bot: Bot, feeds: FeedServer
) -> None:
    url = feeds.set("/wire.xml", stories(0, 1))
    feeds.set("/other.xml", stories(1, 1))
    result = bot.poll(
        {
            "feeds": [{"name": "trade-wire", "url": url}],
            "polling": {"backlog": 5},
            "routes": route(),
        }
    )
    assert result.exit_code == 0, result.output
    assert feeds.hits("/wire.xml") == 1
    assert feeds.hits("/other.xml") == 0
    assert bot.rows("SELECT DISTINCT feed FROM items") == [("trade-wire",)]
    assert bot.feed_state("trade-wire")["polls"] == 1


def test_feed_tags_are_listed_with_the_feed(bot: Bot, feeds: FeedServer) -> None:
    url = feeds.set("/wire.xml", stories(0, 1))
    bot.write_config({"feeds": [{"name": "wire", "url": url, "tags": ["official", "tariffs"]}]})
    result = bot.run("feeds", "list", "--config", str(bot.config_file))
    assert result.exit_code == 0, result.output
    assert "tags: official, tariffs" in result.output


def test_intervals_follow_polling_interval_and_each_feeds_own_interval(
    bot: Bot, feeds: FeedServer
) -> None:
    plain = feeds.set("/plain.xml", stories(0, 1))
    slow = feeds.set("/slow.xml", stories(1, 1))
    hinted = feeds.set("/hinted.xml", stories(2, 1).replace("<channel>", "<channel><ttl>600</ttl>"))
    config = {
        "feeds": [
            {"name": "plain", "url": plain},
            {"name": "slow", "url": slow, "interval": "6h"},
            {"name": "hinted", "url": hinted},
        ],
        "polling": {"interval": "2h", "min_interval": "5m", "max_interval": "24h"},
        "routes": route(),
    }
    assert bot.poll(config).exit_code == 0
    # A first poll finds the feed changed and halves the interval; a server's ttl is a floor.
    assert bot.feed_state("plain")["interval_s"] == 3600
    assert bot.feed_state("slow")["interval_s"] == 3 * 3600
    assert bot.feed_state("hinted")["interval_s"] == 10 * 3600


def test_min_and_max_interval_bound_every_feed(tmp_path: Path, slack: SlackStandIn) -> None:
    bot = Bot(tmp_path, slack)
    with feed_server() as feeds:
        plain = feeds.set("/plain.xml", stories(0, 1))
        hinted = feeds.set(
            "/hinted.xml", stories(2, 1).replace("<channel>", "<channel><ttl>600</ttl>")
        )
        config = {
            "feeds": [{"name": "plain", "url": plain}, {"name": "hinted", "url": hinted}],
            "polling": {"interval": "2h", "min_interval": "90m", "max_interval": "4h"},
            "routes": route(),
        }
        assert bot.poll(config).exit_code == 0
    assert bot.feed_state("plain")["interval_s"] == 90 * 60
    assert bot.feed_state("hinted")["interval_s"] == 4 * 3600


def test_backlog_limits_a_new_feeds_first_poll_and_a_feed_can_override_it(
    bot: Bot, feeds: FeedServer
) -> None:
    shared = feeds.set("/shared.xml", stories(0, 4))
    own = feeds.set("/own.xml", stories(10, 4))
    config = {
        "feeds": [{"name": "shared", "url": shared}, {"name": "own", "url": own, "backlog": 3}],
        "polling": {"backlog": 1},
        "routes": route(),
    }
    assert bot.poll(config).exit_code == 0
    sent = texts(bot.posts("C0DESK"))
    assert [title(n) in sent for n in range(4)] == [False, False, False, True]
    assert [title(n) in sent for n in range(10, 14)] == [False, True, True, True]


def test_a_new_feeds_backlog_is_recorded_unscored_and_scored_once_a_digest_needs_it(
    bot: Bot, feeds: FeedServer
) -> None:
    url = feeds.set("/wire.xml", stories(0, 4))
    config = {"feeds": [{"name": "wire", "url": url}], "polling": {"backlog": 1}, "routes": route()}
    result = bot.poll(config)
    assert result.exit_code == 0, result.output
    assert "4 new item(s) (3 of them a new feed's backlog, not scored), 1 relevant" in result.output
    unscored = bot.rows("SELECT title FROM items WHERE assessment IS NULL AND story_id IS NULL")
    assert sorted(t for (t,) in unscored) == sorted(title(n) for n in range(3))
    assert [title(n) in texts(bot.posts("C0DESK")) for n in range(4)] == [False] * 3 + [True]

    # A digest of the period covers the backlog too: scored when the digest is built, once.
    start = f"{datetime.now(UTC) - timedelta(hours=1):%H:%M}"
    config["routes"] = [{"name": "desk", "to": "slack:CDIGEST", "digest": {"at": start}}]
    assert bot.poll(config).exit_code == 0
    [digest] = [p for p in bot.posts("CDIGEST") if p["text"].startswith("Digest")]
    listed = json.dumps(digest["blocks"], ensure_ascii=False)
    assert all(title(n) in listed for n in range(4))
    assert bot.rows("SELECT COUNT(*) FROM items WHERE assessment IS NULL") == [(0,)]
    assert bot.rows("SELECT COUNT(*) FROM items WHERE relevant = 1") == [(4,)]


def test_max_body_bytes_refuses_a_larger_feed(bot: Bot, feeds: FeedServer) -> None:
    big = feeds.set("/big.xml", stories(0, 12))
    small = feeds.set("/small.xml", stories(20, 1))
    assert len(stories(0, 12)) > 3000 > len(stories(20, 1))
    config = {
        "feeds": [{"name": "big", "url": big}, {"name": "small", "url": small}],
        "polling": {"max_body_bytes": 3000, "backlog": 20},
        "routes": route(),
    }
    assert bot.poll(config).exit_code == 0
    assert "3000-byte cap" in bot.feed_state("big")["last_error"]
    assert bot.feed_state("small")["last_error"] is None
    assert len(bot.posts("C0DESK")) == 1


def test_timeout_abandons_a_feed_that_does_not_answer(bot: Bot, feeds: FeedServer) -> None:
    gate = threading.Event()
    url = feeds.set("/stuck.xml", stories(0, 1), gate=gate)
    try:
        result = bot.poll({"feeds": [{"name": "stuck", "url": url}], "polling": {"timeout": "1s"}})
    finally:
        gate.set()
    assert result.exit_code == 1  # every feed failed
    assert re.search(r"timed out|within 1s", bot.feed_state("stuck")["last_error"])


class Crowd(FeedServer):
    """Counts requests in flight at once; each waits (up to a second) for company."""

    def __init__(self) -> None:
        super().__init__()
        self.inflight = 0
        self.most = 0
        self.company = threading.Event()

    def handle(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            self.inflight += 1
            self.most = max(self.most, self.inflight)
            if self.inflight > 1:
                self.company.set()
        self.company.wait(timeout=1.0)
        try:
            return super().handle(path, headers)
        finally:
            with self.lock:
                self.inflight -= 1


@pytest.fixture
def crowd() -> Iterator[Crowd]:
    from tests.support.servers import _make_handler, serve

    server = Crowd()
    with serve(_make_handler(server, None)) as base:
        server.base = base
        yield server


@pytest.mark.parametrize(
    ("polling", "hosts", "most"),
    [
        ({}, ("127.0.0.1", "127.0.0.1"), 2),
        ({"per_host": 1}, ("127.0.0.1", "127.0.0.1"), 1),
        ({"per_host": 1}, ("127.0.0.1", "localhost"), 2),
        ({"concurrency": 1}, ("127.0.0.1", "localhost"), 1),
    ],
)
def test_per_host_and_concurrency_limit_requests_in_flight(
    bot: Bot, crowd: Crowd, polling: dict[str, int], hosts: tuple[str, str], most: int
) -> None:
    port = crowd.base.rsplit(":", 1)[1]
    for n, _ in enumerate(hosts):
        crowd.set(f"/f{n}.xml", stories(n, 1))
    config = {
        "feeds": [
            {"name": f"f{n}", "url": f"http://{host}:{port}/f{n}.xml"}
            for n, host in enumerate(hosts)
        ],
        "polling": polling,
    }
    assert bot.poll(config).exit_code == 0
    assert crowd.hits("/f0.xml") == crowd.hits("/f1.xml") == 1
    assert crowd.most == most


def test_scoring_workers_score_a_big_first_poll_in_worker_processes_alike(
    tmp_path: Path, slack: SlackStandIn, feeds: FeedServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A first poll alerting 20 of its 40 items scores them in as many worker processes as
    ``scoring_workers`` says, in the polling process with ``0``; what is recorded and alerted is
    the same (the other 20, a new feed's backlog, are recorded unscored)."""
    url = feeds.set("/wire.xml", stories(0, 40))
    outcomes = []
    for workers in (0, 1, 2):
        bot = Bot(tmp_path / f"w{workers}", slack)
        bot.folder.mkdir()
        config = {
            "feeds": [{"name": "wire", "url": url}],
            "polling": {"backlog": 20, "scoring_workers": workers},
            "routes": route(f"C0W{workers}"),
        }
        caplog.clear()
        with caplog.at_level("DEBUG", logger="bot.adapters.scoring_pool"):
            assert bot.poll(config).exit_code == 0
        started = [r.getMessage() for r in caplog.records if "scoring pool started" in r.message]
        spawned = [f"scoring pool started: {workers} worker process(es) spawned"]  # (threads)
        assert started == (spawned if workers else [])
        rows = bot.rows("SELECT key, relevant, assessment, story_id FROM items ORDER BY key")
        assert len(rows) == 40
        assert sum(assessment is None for _, _, assessment, _ in rows) == 20
        posts = bot.posts(f"C0W{workers}")
        assert posts
        outcomes.append((rows, texts(posts)))
    assert outcomes[0] == outcomes[1] == outcomes[2]

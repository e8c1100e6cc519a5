"""/metrics and /readyz on the running web server, against loopback feeds and the Slack stand-in."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bot.app import after_cycle, build_app, inbound
from bot.domain.config import BotConfig
from tests.conftest import FakeClock
from tests.support.apps import slack_settings
from tests.support.feeds import distinct_story, rss, rss_item
from tests.support.servers import FeedServer, SlackStandIn


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape, parsed by prometheus_client's own parser."""
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


async def test_a_scrape_parses_and_its_counters_match_what_slack_received(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn, clock: FakeClock
) -> None:
    stories = [distinct_story(n) for n in range(3)]
    wire = feeds.set(
        "/wire",
        rss([rss_item(f"s{n}", t, x, minutes=n) for n, (t, x) in enumerate(stories)]),
        etag='"1"',
    )
    config = BotConfig.model_validate(
        {
            "feeds": [
                {"name": "wire", "url": wire},
                {"name": "broken", "url": feeds.base + "/gone"},
            ],
            "routes": [{"name": "desk", "to": "slack:C0DESK"}],
            "polling": {"backlog": 10},
        }
    )
    async with build_app(slack_settings(tmp_path, slack), config, clock=clock, metrics=True) as app:
        app.polling = True
        for _ in range(2):
            started = time.perf_counter()
            await app.poller.poll_once()
            await after_cycle(app, time.perf_counter() - started)
        async with inbound(app, 0) as port, httpx.AsyncClient() as client:
            scrape = await client.get(f"http://127.0.0.1:{port}/metrics")
            ready = await client.get(f"http://127.0.0.1:{port}/readyz")

    assert scrape.status_code == 200
    assert scrape.headers["content-type"].startswith("text/plain")
    got = samples(scrape.text)
    slack_label = (("platform", "slack"),)
    posted = len(slack.posts())
    assert posted == 3
    assert got[("signalbot_alerts_sent_total", slack_label)] == posted
    assert got[("signalbot_alerts_queued_total", slack_label)] == posted
    assert got[("signalbot_delivery_latency_seconds_count", slack_label)] == posted
    assert got[("signalbot_items_new_total", ())] == 3
    assert got[("signalbot_items_relevant_total", ())] == 3
    assert got[("signalbot_scorer_seconds_count", ())] == 3
    assert got[("signalbot_feeds_polled_total", ())] == 4
    assert got[("signalbot_feeds_not_modified_total", ())] == 1  # the second poll's 304
    assert got[("signalbot_feeds_failed_total", (("error", "HTTPStatusError"),))] == 2
    assert got[("signalbot_poll_cycle_seconds_count", ())] == 2
    assert got[("signalbot_feeds_backing_off", ())] == 1
    assert got[("signalbot_queue_depth", ())] == 0
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {"database": "ok", "poll_loop": "ok", "slack": "ok"},
    }


async def test_readyz_fails_on_a_stalled_poll_loop_and_a_refused_slack_token(
    tmp_path: Path, slack: SlackStandIn, clock: FakeClock
) -> None:
    config = BotConfig.model_validate(
        {"feeds": [{"name": "wire", "url": "https://news.example.org/rss", "interval": "10m"}]}
    )
    async with build_app(slack_settings(tmp_path, slack), config, clock=clock) as app:
        app.polling = True
        await after_cycle(app, 0.1)
        clock.advance(minutes=21)  # more than twice the shortest interval
        slack.auth_error = "invalid_auth"
        async with inbound(app, 0) as port, httpx.AsyncClient() as client:
            ready = await client.get(f"http://127.0.0.1:{port}/readyz")
            health = await client.get(f"http://127.0.0.1:{port}/healthz")
            metrics = await client.get(f"http://127.0.0.1:{port}/metrics")
    assert health.status_code == 200  # liveness is not readiness
    assert ready.status_code == 503
    checks = ready.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["poll_loop"].startswith("last poll cycle 1260 s ago")
    assert checks["slack"] == "Slack auth.test failed: invalid_auth"
    assert metrics.status_code == 404  # only the commands that poll or serve count


async def test_readyz_fails_when_the_database_is_behind(
    tmp_path: Path, slack: SlackStandIn, clock: FakeClock
) -> None:
    async with build_app(slack_settings(tmp_path, slack), BotConfig(), clock=clock) as app:
        # as if this release's newest migration had not been applied
        await app.store._run("UPDATE alembic_version SET version_num = '0007'")
        async with inbound(app, 0) as port, httpx.AsyncClient() as client:
            ready = await client.get(f"http://127.0.0.1:{port}/readyz")
    assert ready.status_code == 503
    assert "this release needs" in ready.json()["checks"]["database"]


async def test_metrics_move_to_their_own_port_when_one_is_configured(
    tmp_path: Path, slack: SlackStandIn, clock: FakeClock
) -> None:
    with socket.socket() as s:  # a free port for the metrics server
        s.bind(("127.0.0.1", 0))
        metrics_port = int(s.getsockname()[1])
    settings = slack_settings(tmp_path, slack).model_copy(update={"metrics_port": metrics_port})
    async with (
        build_app(settings, BotConfig(), clock=clock, metrics=True) as app,
        inbound(app, 0) as port,
        httpx.AsyncClient() as client,
    ):
        on_web = await client.get(f"http://127.0.0.1:{port}/metrics")
        on_own = await client.get(f"http://127.0.0.1:{metrics_port}/metrics")
    assert on_web.status_code == 404
    assert on_own.status_code == 200
    assert "signalbot_poll_cycle_seconds_count 0.0" in on_own.text.splitlines()


async def test_folded_and_retried_alerts_are_counted_per_platform(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn, clock: FakeClock
) -> None:
    with socket.socket() as s:  # a webhook host that refuses connections
        s.bind(("127.0.0.1", 0))
        refused = f"http://127.0.0.1:{s.getsockname()[1]}/workflows/1"
    stories = [distinct_story(n) for n in range(3)]
    wire = feeds.set(
        "/wire", rss([rss_item(f"s{n}", t, x, minutes=n) for n, (t, x) in enumerate(stories)])
    )
    config = BotConfig.model_validate(
        {
            "feeds": [{"name": "wire", "url": wire}],
            "routes": [
                {"name": "desk", "to": "slack:C0DESK"},
                {"name": "teams-desk", "to": f"teams:{refused}"},
            ],
            "polling": {"backlog": 10},
            "delivery": {"budget": 1},
        }
    )
    async with build_app(slack_settings(tmp_path, slack), config, clock=clock, metrics=True) as app:
        report = await app.poller.poll_once()
        await after_cycle(app, 0.5)
        assert app.metrics is not None
        got = samples(app.metrics.exposition().decode())
    slack_label, teams_label = (("platform", "slack"),), (("platform", "teams"),)
    assert got[("signalbot_alerts_sent_total", slack_label)] == report.delivery.sent == 1
    assert got[("signalbot_alerts_folded_total", slack_label)] == 2
    assert len(slack.posts()) == 2  # one alert, one "2 more" message linking the others
    assert got[("signalbot_alerts_queued_total", teams_label)] == 3
    assert got[("signalbot_alerts_retried_total", teams_label)] == report.delivery.retrying
    assert report.delivery.retrying >= 1
    assert got[("signalbot_queue_depth", ())] == report.delivery.retrying

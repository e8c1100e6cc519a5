"""Prometheus metrics: an ``Observer`` that counts what the poll cycle and delivery do, a scorer
wrapper that times each item, and the text exposition served at ``/metrics``.

Each ``Metrics`` has its own registry, so that two apps in one process (tests) never share
counters. Imported only by the commands that serve metrics.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bot.domain.models import Article, Assessment
from bot.ports import Scorer

CONTENT_TYPE = CONTENT_TYPE_LATEST
# Queued → accepted: seconds for a live alert, hours for one held by quiet hours or a budget.
_LATENCY_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 12 * 3600)
_CYCLE_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300)
_SCORE_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1)


class Metrics:
    """Implements ``bot.services.observer.Observer`` on a Prometheus registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.feeds_polled = Counter("signalbot_feeds_polled", "Feed fetches", registry=r)
        self.feeds_not_modified = Counter(
            "signalbot_feeds_not_modified", "Feed fetches answered 304 Not Modified", registry=r
        )
        self.feeds_failed = Counter(
            "signalbot_feeds_failed", "Failed feed polls by error class", ["error"], registry=r
        )
        self.items_new = Counter("signalbot_items_new", "New items stored", registry=r)
        self.items_relevant = Counter(
            "signalbot_items_relevant", "New items scored relevant", registry=r
        )
        labels = ["platform"]
        self.queued = Counter("signalbot_alerts_queued", "Alerts queued", labels, registry=r)
        self.sent = Counter("signalbot_alerts_sent", "Alerts accepted", labels, registry=r)
        self.folded = Counter(
            "signalbot_alerts_folded", "Alerts folded into an 'N more' message", labels, registry=r
        )
        self.retried = Counter(
            "signalbot_alerts_retried", "Alert sends kept queued for a retry", labels, registry=r
        )
        self.failed = Counter("signalbot_alerts_failed", "Alerts given up on", labels, registry=r)
        self.latency = Histogram(
            "signalbot_delivery_latency_seconds",
            "From an alert being queued to the platform accepting it",
            labels,
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.cycle = Histogram(
            "signalbot_poll_cycle_seconds",
            "Duration of one poll cycle (fetch, score, deliver)",
            buckets=_CYCLE_BUCKETS,
            registry=r,
        )
        self.scoring = Histogram(
            "signalbot_scorer_seconds",
            "Scoring time per item",
            buckets=_SCORE_BUCKETS,
            registry=r,
        )
        self.queue_depth = Gauge(
            "signalbot_queue_depth", "Alerts queued and not yet sent", registry=r
        )
        self.backing_off = Gauge(
            "signalbot_feeds_backing_off", "Feeds polled less often after errors", registry=r
        )
        self.last_cycle = Gauge(
            "signalbot_last_poll_cycle_timestamp_seconds",
            "When the last poll cycle finished (Unix time)",
            registry=r,
        )

    # Observer --------------------------------------------------------------------------------
    def feed_polled(self, feed: str, result: str, error_class: str | None = None) -> None:
        self.feeds_polled.inc()
        if result == "not_modified":
            self.feeds_not_modified.inc()
        elif result == "failed":
            self.feeds_failed.labels(error=error_class or "Error").inc()

    def item_recorded(self, *, relevant: bool) -> None:
        self.items_new.inc()
        if relevant:
            self.items_relevant.inc()

    def alerts_queued(self, platform: str, count: int) -> None:
        self.queued.labels(platform=platform).inc(count)

    def alert_sent(self, platform: str, latency_s: float | None) -> None:
        self.sent.labels(platform=platform).inc()
        if latency_s is not None:
            self.latency.labels(platform=platform).observe(max(0.0, latency_s))

    def alerts_folded(self, platform: str, count: int) -> None:
        self.folded.labels(platform=platform).inc(count)

    def alerts_retried(self, platform: str, count: int) -> None:
        self.retried.labels(platform=platform).inc(count)

    def alerts_failed(self, platform: str, count: int) -> None:
        self.failed.labels(platform=platform).inc(count)

    # cycle -----------------------------------------------------------------------------------
    def cycle_finished(
        self, seconds: float, *, queue_depth: int, backing_off: int, at: float
    ) -> None:
        self.cycle.observe(seconds)
        self.queue_depth.set(queue_depth)
        self.backing_off.set(backing_off)
        self.last_cycle.set(at)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class TimedScorer:
    """Implements ``bot.ports.Scorer``: the wrapped scorer, timed per item."""

    def __init__(self, scorer: Scorer, metrics: Metrics) -> None:
        self._scorer = scorer
        self._metrics = metrics

    def score(self, article: Article) -> Assessment:
        start = time.perf_counter()
        try:
            return self._scorer.score(article)
        finally:
            self._metrics.scoring.observe(time.perf_counter() - start)

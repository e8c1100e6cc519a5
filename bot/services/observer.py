"""What the poll cycle and delivery report as they work, for metrics.

Services call an ``Observer``; the composition root passes one that feeds Prometheus (or the
``NullObserver`` when nothing is scraped). Methods are synchronous and must not raise.
"""

from __future__ import annotations

from typing import Protocol


class Observer(Protocol):
    def feed_polled(self, feed: str, result: str, error_class: str | None = None) -> None:
        """One feed fetched: ``result`` is ``changed``, ``unchanged``, ``not_modified`` or
        ``failed`` (then ``error_class`` names the error, e.g. ``HTTPStatusError``)."""

    def item_recorded(self, *, relevant: bool) -> None:
        """A new item was stored."""

    def alerts_queued(self, platform: str, count: int) -> None: ...

    def alert_sent(self, platform: str, latency_s: float | None) -> None:
        """The platform accepted an alert, ``latency_s`` after it was queued (None: unknown)."""

    def alerts_folded(self, platform: str, count: int) -> None: ...

    def alerts_retried(self, platform: str, count: int) -> None: ...

    def alerts_failed(self, platform: str, count: int) -> None: ...


class NullObserver:
    """Observes nothing (commands that are not scraped)."""

    def feed_polled(self, feed: str, result: str, error_class: str | None = None) -> None:
        pass

    def item_recorded(self, *, relevant: bool) -> None:
        pass

    def alerts_queued(self, platform: str, count: int) -> None:
        pass

    def alert_sent(self, platform: str, latency_s: float | None) -> None:
        pass

    def alerts_folded(self, platform: str, count: int) -> None:
        pass

    def alerts_retried(self, platform: str, count: int) -> None:
        pass

    def alerts_failed(self, platform: str, count: int) -> None:
        pass
